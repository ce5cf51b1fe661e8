//! Locating the pod template of every Pod-bearing kind, and its containers.

use crate::dom::{Map, Str, Value};
use crate::json;

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

/// Every container of every list of `spec`, in list order (what
/// [`PodTemplate::containers`] yields).
fn find_containers<'a>(
    spec: &'a Value,
    spec_path: &'static str,
) -> impl Iterator<Item = Container<'a>> {
    ContainerList::ALL.into_iter().flat_map(move |list| {
        json::get_array(spec, &[list.field()])
            .iter()
            .enumerate()
            .filter_map(move |(index, v)| {
                Some(Container {
                    list,
                    index,
                    value: v.as_object()?,
                    raw: v,
                    name: v.get("name").and_then(Value::as_str).unwrap_or(""),
                    image: v.get("image").and_then(Value::as_str).unwrap_or(""),
                    spec_path,
                })
            })
    })
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
        tpl.check_shape()?;
        tpl.containers = find_containers(spec, spec_path).collect();
        Ok(Some(tpl))
    }

    /// The API server never admits these shapes; a request carrying them is
    /// answered with a clear refusal instead of being half-checked.
    fn check_shape(&self) -> Result<(), String> {
        for list in ContainerList::ALL {
            match self.spec.get(list.field()) {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    for (i, c) in items.iter().enumerate() {
                        let Some(c) = c.as_object() else {
                            return Err(crate::text!(
                                "{}.{}[{i}] must be an object",
                                self.spec_path,
                                list.field()
                            ));
                        };
                        for key in ["name", "image"] {
                            if let Some(v) = c.get(key)
                                && !v.is_string()
                            {
                                return Err(crate::text!(
                                    "{}.{}[{i}].{key} must be a string",
                                    self.spec_path,
                                    list.field()
                                ));
                            }
                        }
                        if let Some(sc) = c.get("securityContext")
                            && !(sc.is_object() || sc.is_null())
                        {
                            return Err(crate::text!(
                                "{}.{}[{i}].securityContext must be an object",
                                self.spec_path,
                                list.field()
                            ));
                        }
                    }
                }
                Some(_) => {
                    return Err(crate::text!(
                        "{}.{} must be a list",
                        self.spec_path,
                        list.field()
                    ));
                }
            }
        }
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
        crate::text!("{}.{}[{}]", self.spec_path, self.list.field(), self.index)
    }

    /// Dotted path of one of its fields, e.g. `...containers[0].securityContext.privileged`.
    pub fn field_path(&self, field: &str) -> String {
        if field.is_empty() {
            self.path()
        } else {
            crate::text!("{}.{field}", self.path())
        }
    }

    pub fn get(&self, path: &[&str]) -> Option<&'a Value> {
        json::get(self.raw, path)
    }

    /// `container "web"` / `init container "setup"`, for messages.
    pub fn describe(&self) -> String {
        crate::text!("{} \"{}\"", self.list.noun(), self.name)
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
    }
}
