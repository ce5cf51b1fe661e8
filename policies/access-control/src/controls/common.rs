//! Small helpers shared by the family's own (non-PSS) controls.

use kit::Value;
use kit::glob::any_matches;
use kit::{Container, Finding, PodTemplate};

/// `spec.os.name: windows`. The API server forbids the Linux-only security
/// fields (capabilities, readOnlyRootFilesystem, runAsGroup, fsGroup, ...) on
/// such pods, so controls requiring them skip Windows pods.
pub fn is_windows(pod: &PodTemplate) -> bool {
    pod.get(&["os", "name"]).and_then(Value::as_str) == Some("windows")
}

/// The containers (of every list) that mount volume `volume`, with the index
/// of the mount in their `volumeMounts`.
pub fn mounts_of<'a>(
    pod: &'a PodTemplate<'a>,
    volume: &'a str,
) -> impl Iterator<Item = (Container<'a>, usize)> + 'a {
    pod.containers().filter_map(move |c| {
        kit::json::get_array(c.raw, &["volumeMounts"])
            .iter()
            .position(|m| m.get("name").and_then(Value::as_str) == Some(volume))
            .map(|k| (c, k))
    })
}

/// Findings about volume `index` of the pod: one per container mounting it (at
/// that container's `volumeMounts[k]`, so container and image exemptions
/// apply), or one at the volume itself (`field` below it) when no container
/// mounts it.
pub fn volume_findings(
    pod: &PodTemplate,
    index: usize,
    volume: &Value,
    field: &str,
    message: &str,
) -> Vec<Finding> {
    let name = volume.get("name").and_then(Value::as_str).unwrap_or("");
    let mut out: Vec<Finding> = mounts_of(pod, name)
        .map(|(c, k)| {
            Finding::container(
                &c,
                &kit::text!("volumeMounts[{k}]"),
                kit::text!("mounts volume \"{name}\", which {message}"),
            )
        })
        .collect();
    if out.is_empty() {
        out.push(Finding::new(
            pod.field_path(&kit::text!("volumes[{index}].{field}")),
            kit::text!("volume \"{name}\" {message}"),
        ));
    }
    out
}

/// Whether a service account matches an allow-list entry: `namespace:name`
/// entries (globs on both sides) match the pair, entries without `:` match the
/// name in any namespace.
pub fn service_account_allowed(patterns: &[String], namespace: &str, name: &str) -> bool {
    patterns.iter().any(|p| match p.split_once(':') {
        Some((ns, n)) => kit::glob::matches(ns, namespace) && kit::glob::matches(n, name),
        None => kit::glob::matches(p, name),
    })
}

/// The name of a pod's service account as the API server resolves it:
/// `serviceAccountName`, else the deprecated `serviceAccount`, else `default`.
pub fn service_account_of<'a>(pod: &PodTemplate<'a>) -> &'a str {
    ["serviceAccountName", "serviceAccount"]
        .iter()
        .filter_map(|k| pod.get(&[k]).and_then(Value::as_str))
        .find(|s| !s.is_empty())
        .unwrap_or("default")
}

/// Glob allow-list check for plain names (roles, bindings, namespaces, ...).
pub fn allowed(patterns: &[String], value: &str) -> bool {
    any_matches(patterns, value)
}

/// `a, b and c` for messages.
pub fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => kit::text!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// Items quoted and comma-separated, or `(none)`, for allow-lists in messages.
pub fn quoted<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return "(none)".to_string();
    }
    items
        .iter()
        .map(|s| kit::text!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_account_patterns() {
        let p = vec!["monitoring:prom*".to_string(), "argo".to_string()];
        assert!(service_account_allowed(&p, "monitoring", "prometheus"));
        assert!(!service_account_allowed(&p, "default", "prometheus"));
        assert!(service_account_allowed(&p, "any", "argo"));
        assert!(!service_account_allowed(&[], "any", "argo"));
    }

    #[test]
    fn lists_for_messages() {
        assert_eq!(join_list(&["a"]), "a");
        assert_eq!(join_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(quoted::<&str>(&[]), "(none)");
        assert_eq!(quoted(&["x", "y"]), "\"x\", \"y\"");
    }
}
