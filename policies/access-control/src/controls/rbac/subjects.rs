//! Binding subjects as the RBAC authorizer reads them, and the allow-list
//! form every binding control uses: `User:<name>`, `Group:<name>`,
//! `ServiceAccount:<namespace>:<name>` (globs, e.g. `ServiceAccount:kube-system:*`).

use kit::Value;

pub struct Subject<'a> {
    /// Index in `subjects`, for the finding's path.
    pub index: usize,
    pub kind: &'a str,
    pub name: &'a str,
    /// A ServiceAccount's namespace (a RoleBinding's own when omitted); empty otherwise.
    pub namespace: &'a str,
}

impl Subject<'_> {
    /// The allow-list form, e.g. `Group:platform-admins`.
    pub fn id(&self) -> String {
        if self.kind == "ServiceAccount" {
            kit::text!("ServiceAccount:{}:{}", self.namespace, self.name)
        } else {
            kit::text!("{}:{}", self.kind, self.name)
        }
    }

    /// For messages: `Group "devs"`, `ServiceAccount "ci/deployer"`.
    pub fn describe(&self) -> String {
        if self.kind == "ServiceAccount" {
            kit::text!("ServiceAccount \"{}/{}\"", self.namespace, self.name)
        } else {
            kit::text!("{} \"{}\"", self.kind, self.name)
        }
    }

    pub fn path(&self) -> String {
        kit::text!("subjects[{}]", self.index)
    }

    pub fn allowed(&self, patterns: &[String]) -> bool {
        !patterns.is_empty() && kit::glob::any_matches(patterns, &self.id())
    }
}

/// The subjects of a (Cluster)RoleBinding; entries that are not objects are skipped.
pub fn subjects(binding: &Value) -> impl Iterator<Item = Subject<'_>> {
    let binding_ns = kit::json::get_str(binding, &["metadata", "namespace"]).unwrap_or("");
    kit::json::get_array(binding, &["subjects"])
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_object())
        .map(move |(index, s)| {
            let kind = kit::json::get_str(s, &["kind"]).unwrap_or("");
            let namespace = if kind == "ServiceAccount" {
                kit::json::get_str(s, &["namespace"])
                    .filter(|n| !n.is_empty())
                    .unwrap_or(binding_ns)
            } else {
                ""
            };
            Subject {
                index,
                kind,
                name: kit::json::get_str(s, &["name"]).unwrap_or(""),
                namespace,
            }
        })
}

/// `roleRef` as (kind, name).
pub fn role_ref(binding: &Value) -> (&str, &str) {
    (
        kit::json::get_str(binding, &["roleRef", "kind"]).unwrap_or(""),
        kit::json::get_str(binding, &["roleRef", "name"]).unwrap_or(""),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::json_value as json;

    #[test]
    fn subjects_default_the_service_account_namespace() {
        let b = json!({"metadata": {"namespace": "dev"}, "subjects": [
            {"kind": "ServiceAccount", "name": "ci"},
            {"kind": "ServiceAccount", "name": "p", "namespace": "mon"},
            "junk",
            {"kind": "Group", "name": "devs"}]});
        let ids: Vec<String> = subjects(&b).map(|s| s.id()).collect();
        assert_eq!(
            ids,
            [
                "ServiceAccount:dev:ci",
                "ServiceAccount:mon:p",
                "Group:devs"
            ]
        );
        let last = subjects(&b).last().unwrap();
        assert_eq!(last.path(), "subjects[3]");
        assert!(last.allowed(&["Group:dev*".into()]));
        assert!(!last.allowed(&[]));
    }
}
