//! API versions Kubernetes stopped serving, from the Deprecated API Migration
//! Guide (kubernetes.io/docs/reference/using-api/deprecation-guide, through the
//! v1.32 removals, the latest the guide lists).

/// One removed API version of one kind.
pub struct Removed {
    /// `group/version` as written in `apiVersion`.
    pub api_version: &'static str,
    pub kind: &'static str,
    /// Minor version of the first Kubernetes 1.x release that no longer serves it.
    pub removed_in: u32,
    /// What to use instead.
    pub replacement: &'static str,
}

const fn r(
    api_version: &'static str,
    kind: &'static str,
    removed_in: u32,
    replacement: &'static str,
) -> Removed {
    Removed {
        api_version,
        kind,
        removed_in,
        replacement,
    }
}

pub static REMOVED: &[Removed] = &[
    // v1.16
    r("extensions/v1beta1", "DaemonSet", 16, "apps/v1"),
    r("extensions/v1beta1", "Deployment", 16, "apps/v1"),
    r("extensions/v1beta1", "ReplicaSet", 16, "apps/v1"),
    r(
        "extensions/v1beta1",
        "NetworkPolicy",
        16,
        "networking.k8s.io/v1",
    ),
    r(
        "extensions/v1beta1",
        "PodSecurityPolicy",
        16,
        "policy/v1beta1, then Pod Security Admission",
    ),
    r("apps/v1beta1", "Deployment", 16, "apps/v1"),
    r("apps/v1beta1", "StatefulSet", 16, "apps/v1"),
    r("apps/v1beta2", "DaemonSet", 16, "apps/v1"),
    r("apps/v1beta2", "Deployment", 16, "apps/v1"),
    r("apps/v1beta2", "ReplicaSet", 16, "apps/v1"),
    r("apps/v1beta2", "StatefulSet", 16, "apps/v1"),
    // v1.22
    r(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        22,
        "admissionregistration.k8s.io/v1",
    ),
    r(
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        22,
        "admissionregistration.k8s.io/v1",
    ),
    r(
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        22,
        "apiextensions.k8s.io/v1",
    ),
    r(
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        22,
        "apiregistration.k8s.io/v1",
    ),
    r(
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        22,
        "authentication.k8s.io/v1",
    ),
    r(
        "authorization.k8s.io/v1beta1",
        "LocalSubjectAccessReview",
        22,
        "authorization.k8s.io/v1",
    ),
    r(
        "authorization.k8s.io/v1beta1",
        "SelfSubjectAccessReview",
        22,
        "authorization.k8s.io/v1",
    ),
    r(
        "authorization.k8s.io/v1beta1",
        "SubjectAccessReview",
        22,
        "authorization.k8s.io/v1",
    ),
    r(
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        22,
        "certificates.k8s.io/v1",
    ),
    r(
        "coordination.k8s.io/v1beta1",
        "Lease",
        22,
        "coordination.k8s.io/v1",
    ),
    r("extensions/v1beta1", "Ingress", 22, "networking.k8s.io/v1"),
    r(
        "networking.k8s.io/v1beta1",
        "Ingress",
        22,
        "networking.k8s.io/v1",
    ),
    r(
        "networking.k8s.io/v1beta1",
        "IngressClass",
        22,
        "networking.k8s.io/v1",
    ),
    r(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole",
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    r(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBinding",
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    r(
        "rbac.authorization.k8s.io/v1beta1",
        "Role",
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    r(
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBinding",
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    r(
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        22,
        "scheduling.k8s.io/v1",
    ),
    r(
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        22,
        "storage.k8s.io/v1",
    ),
    r("storage.k8s.io/v1beta1", "CSINode", 22, "storage.k8s.io/v1"),
    r(
        "storage.k8s.io/v1beta1",
        "StorageClass",
        22,
        "storage.k8s.io/v1",
    ),
    r(
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        22,
        "storage.k8s.io/v1",
    ),
    // v1.25
    r("batch/v1beta1", "CronJob", 25, "batch/v1"),
    r(
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        25,
        "discovery.k8s.io/v1",
    ),
    r("events.k8s.io/v1beta1", "Event", 25, "events.k8s.io/v1"),
    r(
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        25,
        "autoscaling/v2",
    ),
    r("policy/v1beta1", "PodDisruptionBudget", 25, "policy/v1"),
    r(
        "policy/v1beta1",
        "PodSecurityPolicy",
        25,
        "Pod Security Admission (no replacement API)",
    ),
    r("node.k8s.io/v1beta1", "RuntimeClass", 25, "node.k8s.io/v1"),
    // v1.26
    r(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowSchema",
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    r(
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        26,
        "autoscaling/v2",
    ),
    // v1.27
    r(
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        27,
        "storage.k8s.io/v1",
    ),
    // v1.29
    r(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema",
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    // v1.32
    r(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "FlowSchema",
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    r(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "PriorityLevelConfiguration",
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// The catalogue's kind list: every `group/Kind` of [`REMOVED`] (a test keeps
/// them in step).
pub static KINDS: &[&str] = &[
    "extensions/DaemonSet",
    "extensions/Deployment",
    "extensions/ReplicaSet",
    "extensions/NetworkPolicy",
    "extensions/PodSecurityPolicy",
    "extensions/Ingress",
    "apps/Deployment",
    "apps/StatefulSet",
    "apps/DaemonSet",
    "apps/ReplicaSet",
    "admissionregistration.k8s.io/MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
    "apiextensions.k8s.io/CustomResourceDefinition",
    "apiregistration.k8s.io/APIService",
    "authentication.k8s.io/TokenReview",
    "authorization.k8s.io/LocalSubjectAccessReview",
    "authorization.k8s.io/SelfSubjectAccessReview",
    "authorization.k8s.io/SubjectAccessReview",
    "certificates.k8s.io/CertificateSigningRequest",
    "coordination.k8s.io/Lease",
    "networking.k8s.io/Ingress",
    "networking.k8s.io/IngressClass",
    "rbac.authorization.k8s.io/ClusterRole",
    "rbac.authorization.k8s.io/ClusterRoleBinding",
    "rbac.authorization.k8s.io/Role",
    "rbac.authorization.k8s.io/RoleBinding",
    "scheduling.k8s.io/PriorityClass",
    "storage.k8s.io/CSIDriver",
    "storage.k8s.io/CSINode",
    "storage.k8s.io/StorageClass",
    "storage.k8s.io/VolumeAttachment",
    "storage.k8s.io/CSIStorageCapacity",
    "batch/CronJob",
    "discovery.k8s.io/EndpointSlice",
    "events.k8s.io/Event",
    "autoscaling/HorizontalPodAutoscaler",
    "policy/PodDisruptionBudget",
    "policy/PodSecurityPolicy",
    "node.k8s.io/RuntimeClass",
    "flowcontrol.apiserver.k8s.io/FlowSchema",
    "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
];

/// The removal entry for `api_version` and `kind`, if any.
pub fn removed(api_version: &str, kind: &str) -> Option<&'static Removed> {
    REMOVED
        .iter()
        .find(|r| r.api_version == api_version && r.kind == kind)
}

/// `1.32` → 32; `None` for anything but `1.<minor>`.
pub fn parse_minor(version: &str) -> Option<u32> {
    let v = version.trim().strip_prefix('v').unwrap_or(version.trim());
    let minor = v.strip_prefix("1.")?;
    let minor = minor.split('.').next()?;
    if minor.is_empty() || minor.len() > 3 || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    minor.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_cover_the_table_exactly() {
        for r in REMOVED {
            let group = kit::kinds::group_of(r.api_version);
            let entry = kit::text!("{group}/{}", r.kind);
            assert!(
                KINDS.contains(&entry.as_str()),
                "{entry} missing from KINDS"
            );
        }
        for k in KINDS {
            assert!(
                REMOVED.iter().any(|r| kit::text!(
                    "{}/{}",
                    kit::kinds::group_of(r.api_version),
                    r.kind
                ) == *k),
                "{k} has no table entry"
            );
        }
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_minor("1.32"), Some(32));
        assert_eq!(parse_minor("v1.29.3"), Some(29));
        assert_eq!(parse_minor("2.0"), None);
        assert_eq!(parse_minor("1."), None);
        assert_eq!(parse_minor("1.x"), None);
        assert_eq!(parse_minor("1.12345"), None);
    }
}
