//! Locating the pod template of every Pod-bearing kind, and its containers.

use crate::dom::{Map, Str, Value};
use crate::json;
use crate::text::Text;

/// Which list of the pod spec a container comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerList {
    Containers,
    InitContainers,
    EphemeralContainers,
}

impl ContainerList {
    pub const ALL: [ContainerList; 3] = [
        ContainerList::Containers,
        ContainerList::InitContainers,
        ContainerList::EphemeralContainers,
    ];

    pub fn field(self) -> &'static str {
        match self {
            ContainerList::Containers => "containers",
            ContainerList::InitContainers => "initContainers",
            ContainerList::EphemeralContainers => "ephemeralContainers",
        }
    }

    /// How messages call a container of this list.
    pub fn noun(self) -> &'static str {
        match self {
            ContainerList::Containers => "container",
            ContainerList::InitContainers => "init container",
            ContainerList::EphemeralContainers => "ephemeral container",
        }
    }
}

/// The pod template of an object, with the field paths that lead to it.
#[derive(Debug)]
pub struct PodTemplate<'a> {
    /// The pod spec (`spec` of a Pod, `spec.template.spec` of a Deployment, ...).
    pub spec: &'a Value,
    /// The pod's metadata (the object's for a Pod, the template's otherwise).
    pub metadata: &'a Value,
    /// Path of `spec`, e.g. `spec.jobTemplate.spec.template.spec`.
    pub spec_path: &'static str,
    /// Path of `metadata`, e.g. `spec.template.metadata`.
    pub metadata_path: &'static str,
    /// Every container, found once at extraction: most controls walk them,
    /// and each walk would otherwise look the lists and every container's
    /// name and image up by key again.
    containers: Vec<Container<'a>>,
}

static NULL: Value = Value::Null;

/// Where the pod template of `kind` lives: (spec path, metadata path).
pub fn template_paths(kind: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match kind {
        "Pod" => (&["spec"], &["metadata"]),
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicationController"
        | "Job" => (
            &["spec", "template", "spec"],
            &["spec", "template", "metadata"],
        ),
        "CronJob" => (
            &["spec", "jobTemplate", "spec", "template", "spec"],
            &["spec", "jobTemplate", "spec", "template", "metadata"],
        ),
        _ => return None,
    })
}

fn dotted(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "Pod" => ("spec", "metadata"),
        "CronJob" => (
            "spec.jobTemplate.spec.template.spec",
            "spec.jobTemplate.spec.template.metadata",
        ),
        _ => ("spec.template.spec", "spec.template.metadata"),
    }
}

impl<'a> PodTemplate<'a> {
    /// Extracts the pod template of `object` of `kind`, checking the shape of
    /// the parts every control relies on. `Ok(None)` for kinds without a template.
    pub fn extract(kind: &str, object: &'a Value) -> Result<Option<PodTemplate<'a>>, String> {
        let Some((spec_keys, meta_keys)) = template_paths(kind) else {
            return Ok(None);
        };
        let (spec_path, metadata_path) = dotted(kind);
        let spec = match json::get(object, spec_keys) {
            Some(s @ Value::Object(_)) => s,
            Some(other) => {
                return Err(crate::text!(
                    "{spec_path} must be an object, got {}",
                    json::brief(other, 60)
                ));
            }
            None => return Err(crate::text!("{kind} has no pod template at {spec_path}")),
        };
        let metadata = json::get(object, meta_keys).unwrap_or(&NULL);
        if !(metadata.is_null() || metadata.is_object()) {
            return Err(crate::text!("{metadata_path} must be an object"));
        }
        let mut tpl = PodTemplate {
            spec,
            metadata,
            spec_path,
            metadata_path,
            containers: Vec::new(),
        };
        tpl.read_containers()?;
        tpl.check_shape()?;
        Ok(Some(tpl))
    }

    /// Finds every container, with the members most controls read (name,
    /// image, securityContext) looked up once for all of them. The API
    /// server never admits other shapes of these; a request carrying one is
    /// answered with a clear refusal instead of being half-checked.
    fn read_containers(&mut self) -> Result<(), String> {
        let spec_path = self.spec_path;
        for list in ContainerList::ALL {
            match self.spec.get(list.field()) {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    for (index, raw) in items.iter().enumerate() {
                        let malformed = |what: &str| {
                            crate::text!("{spec_path}.{}[{index}]{what}", list.field())
                        };
                        let Some(value) = raw.as_object() else {
                            return Err(malformed(" must be an object"));
                        };
                        let text = |key: &str| match value.get(key) {
                            None => Ok(""),
                            Some(Value::String(s)) => Ok(s.as_str()),
                            Some(_) => Err(malformed(&crate::text!(".{key} must be a string"))),
                        };
                        let (name, image) = (text("name")?, text("image")?);
                        let security_context = match value.get("securityContext") {
                            None => &NULL,
                            Some(sc @ (Value::Object(_) | Value::Null)) => sc,
                            Some(_) => return Err(malformed(".securityContext must be an object")),
                        };
                        self.containers.push(Container {
                            list,
                            index,
                            value,
                            raw,
                            name,
                            image,
                            security_context,
                            spec_path,
                        });
                    }
                }
                Some(_) => {
                    return Err(crate::text!("{spec_path}.{} must be a list", list.field()));
                }
            }
        }
        Ok(())
    }

    /// The rest of the shapes the API server never admits (see
    /// [`PodTemplate::read_containers`]).
    fn check_shape(&self) -> Result<(), String> {
        for key in ["volumes", "hostAliases"] {
            if let Some(v) = self.spec.get(key)
                && !(v.is_array() || v.is_null())
            {
                return Err(crate::text!("{}.{key} must be a list", self.spec_path));
            }
        }
        if let Some(sc) = self.spec.get("securityContext")
            && !(sc.is_object() || sc.is_null())
        {
            return Err(crate::text!(
                "{}.securityContext must be an object",
                self.spec_path
            ));
        }
        Ok(())
    }

    /// Every container of every list, in list order: containers, initContainers,
    /// ephemeralContainers.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + '_ {
        self.containers.iter().copied()
    }

    /// A pod-spec field, e.g. `&["securityContext", "runAsNonRoot"]`.
    pub fn get(&self, path: &[&str]) -> Option<&'a Value> {
        json::get(self.spec, path)
    }

    /// Dotted path of a pod-spec field, e.g. `spec.template.spec.hostNetwork`.
    pub fn field_path(&self, field: &str) -> String {
        crate::text!("{}.{field}", self.spec_path)
    }

    pub fn annotations(&self) -> Option<&'a Map> {
        json::get_obj(self.metadata, &["annotations"])
    }

    pub fn labels(&self) -> Option<&'a Map> {
        json::get_obj(self.metadata, &["labels"])
    }

    pub fn volumes(&self) -> impl Iterator<Item = (usize, &'a Value)> {
        json::get_array(self.spec, &["volumes"]).iter().enumerate()
    }
}

/// One container of a pod template.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    pub list: ContainerList,
    pub index: usize,
    pub value: &'a Map,
    pub raw: &'a Value,
    pub name: &'a str,
    pub image: &'a str,
    /// `securityContext`, or null: most access controls read it.
    security_context: &'a Value,
    spec_path: &'static str,
}

impl<'a> Container<'a> {
    /// The container's name and image as findings keep them: shared with the
    /// request's text when the document spells them as strings.
    pub fn identity(&self) -> (Str, Str) {
        let shared = |key: &str, text: &str| match self.value.get(key) {
            Some(Value::String(s)) => s.clone(),
            _ => Str::from(text),
        };
        (shared("name", self.name), shared("image", self.image))
    }

    /// Dotted path of the container, e.g. `spec.template.spec.initContainers[1]`.
    pub fn path(&self) -> String {
        self.field_path("")
    }

    /// Dotted path of one of its fields, e.g. `...containers[0].securityContext.privileged`.
    /// Written piece by piece: every finding about a container names one, and
    /// `format!` spends a call per argument.
    pub fn field_path(&self, field: &str) -> String {
        let list = self.list.field();
        let mut path = Text::with_capacity(self.spec_path.len() + list.len() + field.len() + 8);
        path.push_str(self.spec_path);
        path.push_str(".");
        path.push_str(list);
        path.push_str("[");
        path.push_decimal(self.index);
        path.push_str("]");
        if !field.is_empty() {
            path.push_str(".");
            path.push_str(field);
        }
        path.into_string()
    }

    pub fn get(&self, path: &[&str]) -> Option<&'a Value> {
        json::get(self.raw, path)
    }

    /// A field of the container's `securityContext`, e.g.
    /// `&["capabilities", "add"]`: `get` of `securityContext` and `path`,
    /// without looking the security context up again.
    pub fn security_context(&self, path: &[&str]) -> Option<&'a Value> {
        json::get(self.security_context, path)
    }

    /// `container "web"` / `init container "setup"`, for messages.
    pub fn describe(&self) -> String {
        let noun = self.list.noun();
        let mut text = Text::with_capacity(noun.len() + self.name.len() + 3);
        text.push_str(noun);
        text.push_str(" \"");
        text.push_str(self.name);
        text.push_str("\"");
        text.into_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_value as json;

    fn pod_spec() -> Value {
        json!({
            "containers": [{"name": "app", "image": "nginx"}],
            "initContainers": [{"name": "init", "image": "busybox"}],
            "ephemeralContainers": [{"name": "debug", "image": "alpine"}]
        })
    }

    fn wrap(kind: &str) -> Value {
        let tpl = json!({"metadata": {"labels": {"app": "x"}}, "spec": pod_spec()});
        match kind {
            "Pod" => {
                json!({"kind": "Pod", "metadata": {"labels": {"app": "x"}}, "spec": pod_spec()})
            }
            "CronJob" => {
                json!({"kind": kind, "spec": {"jobTemplate": {"spec": {"template": tpl}}}})
            }
            _ => json!({"kind": kind, "spec": {"template": tpl}}),
        }
    }

    #[test]
    fn every_pod_bearing_kind_yields_all_three_lists_with_real_paths() {
        for kind in crate::control::POD_KINDS {
            let obj = wrap(kind);
            let tpl = PodTemplate::extract(kind, &obj).unwrap().unwrap();
            let cs: Vec<_> = tpl.containers().collect();
            assert_eq!(cs.len(), 3, "{kind}");
            assert_eq!(tpl.labels().unwrap()["app"], "x");
            let prefix = match *kind {
                "Pod" => "spec",
                "CronJob" => "spec.jobTemplate.spec.template.spec",
                _ => "spec.template.spec",
            };
            assert_eq!(cs[0].path(), crate::text!("{prefix}.containers[0]"));
            assert_eq!(
                cs[1].field_path("securityContext.privileged"),
                crate::text!("{prefix}.initContainers[0].securityContext.privileged")
            );
            assert_eq!(cs[2].list, ContainerList::EphemeralContainers);
            assert_eq!(cs[2].describe(), "ephemeral container \"debug\"");
        }
    }

    #[test]
    fn other_kinds_have_no_template_and_bad_shapes_are_named() {
        assert!(
            PodTemplate::extract("ConfigMap", &json!({}))
                .unwrap()
                .is_none()
        );
        let err = PodTemplate::extract("Deployment", &json!({"spec": {}})).unwrap_err();
        assert!(err.contains("spec.template.spec"), "{err}");
        let bad = json!({"spec": {"containers": {"name": "x"}}});
        assert_eq!(
            PodTemplate::extract("Pod", &bad).unwrap_err(),
            "spec.containers must be a list"
        );
        let bad = json!({"spec": {"containers": [{"name": 5}]}});
        assert_eq!(
            PodTemplate::extract("Pod", &bad).unwrap_err(),
            "spec.containers[0].name must be a string"
        );
        let bad = json!({"spec": {"initContainers": [{}, {"securityContext": "x"}]}});
        assert_eq!(
            PodTemplate::extract("Pod", &bad).unwrap_err(),
            "spec.initContainers[1].securityContext must be an object"
        );
        let bad = json!({"spec": {"ephemeralContainers": [[]]}});
        assert_eq!(
            PodTemplate::extract("Pod", &bad).unwrap_err(),
            "spec.ephemeralContainers[0] must be an object"
        );
    }

    #[test]
    fn a_containers_security_context_reads_as_its_own_fields() {
        let object = json!({"spec": {"containers": [
            {"name": "a", "securityContext": {"capabilities": {"add": ["NET_RAW"]}}},
            {"name": "b", "securityContext": null},
            {"name": "c"},
            {"name": "d", "securityContext": {"privileged": "true"}}
        ]}});
        let pod = PodTemplate::extract("Pod", &object).unwrap().unwrap();
        for c in pod.containers() {
            for path in [
                &["capabilities", "add"][..],
                &["privileged"],
                &["capabilities"],
            ] {
                let mut full = vec!["securityContext"];
                full.extend_from_slice(path);
                assert_eq!(
                    c.security_context(path),
                    c.get(&full),
                    "{} {path:?}",
                    c.name
                );
            }
        }
        let names: Vec<_> = pod.containers().map(|c| c.name).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
    }
}
