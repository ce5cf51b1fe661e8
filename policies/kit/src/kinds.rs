//! Kinds by API group: how a control names the kinds it looks at, and which
//! kinds have no namespace. Declared once here for the engine, `scan` and the
//! reports.

/// Whether the catalogue entry `entry` (`group/Kind`, `/Kind` for the core
/// group, or a bare `Kind` for any group) names an object of `kind` in `group`.
pub fn matches(entry: &str, group: &str, kind: &str) -> bool {
    match entry.rsplit_once('/') {
        Some((g, k)) => k == kind && g == group,
        None => entry == kind,
    }
}

/// The API group of an `apiVersion` (`apps/v1` → `apps`, `v1` → ``).
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// Kinds without a namespace: the built-in ones, those of the CRDs the
/// families read (cert-manager, Gateway API, snapshots, Kubewarden; Istio has
/// none), and the configuration files of the control plane that `scan` reads
/// (KubeletConfiguration, EncryptionConfiguration, the audit `Policy`, ...),
/// which belong to no namespace either.
pub const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "AdmissionConfiguration",
    "AuthenticationConfiguration",
    "AuthorizationConfiguration",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterAdmissionPolicy",
    "ClusterAdmissionPolicyGroup",
    "ClusterIssuer",
    "ClusterPolicyReport",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CustomResourceDefinition",
    "EncryptionConfiguration",
    "FlowSchema",
    "GatewayClass",
    "IngressClass",
    "KubeProxyConfiguration",
    "KubeletConfiguration",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "Policy",
    "PolicyServer",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "StorageClass",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeSnapshotClass",
    "VolumeSnapshotContent",
];

pub fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualified_entries_match_their_group_only() {
        assert!(matches(
            "networking.k8s.io/Ingress",
            "networking.k8s.io",
            "Ingress"
        ));
        assert!(!matches(
            "networking.k8s.io/Ingress",
            "extensions",
            "Ingress"
        ));
        assert!(matches("/Service", "", "Service"));
        assert!(!matches("/Service", "serving.knative.dev", "Service"));
        assert!(matches("Service", "serving.knative.dev", "Service"));
        assert!(!matches("Service", "", "ServiceAccount"));
        assert_eq!(group_of("apps/v1"), "apps");
        assert_eq!(group_of("v1"), "");
        let mut sorted = CLUSTER_SCOPED.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, CLUSTER_SCOPED, "keep the list sorted");
    }
}
