//! Kinds by API group: how a control names the kinds it looks at, and which
//! kinds have no namespace. Declared once here for the engine, `scan` and the
//! reports.

/// Whether the catalogue entry `entry` (`group/Kind`, `/Kind` for the core
/// group, or a bare `Kind` for any group) names an object of `kind` in `group`.
pub fn matches(entry: &str, group: &str, kind: &str) -> bool {
    // The engine asks this of every enabled control for every request: the
    // kind is compared from the end first (most entries end with another
    // kind), without searching the entry for its `/`. An entry ending in
    // `kind` is `kind` itself, `group/kind`, or ends with a longer kind's
    // name. A `kind` with a `/` (never a real kind) matches no entry read as
    // `group/Kind`; it is looked for only after a match, since a search on
    // every call was half of the engine's applicability filter.
    let (entry, kind_bytes) = (entry.as_bytes(), kind.as_bytes());
    let Some(split) = entry.len().checked_sub(kind_bytes.len()) else {
        return false;
    };
    let (rest, tail) = entry.split_at(split);
    let matched = crate::dom::same_bytes(tail, kind_bytes)
        && match rest.split_last() {
            None => true,
            Some((b'/', group_part)) => crate::dom::same_bytes(group_part, group.as_bytes()),
            Some(_) => false,
        };
    matched && !kind.contains('/')
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
        assert!(!matches("/Service", "", "ExternalService"));
        assert!(!matches("networking.k8s.io/Ingress", "k8s.io", "Ingress"));
        assert_eq!(group_of("apps/v1"), "apps");
        assert_eq!(group_of("v1"), "");
        assert!(!matches("Service", "", "Serv"));
        assert!(!matches("apps/Deployment", "apps", "ployment"));
        assert!(!matches("apps/Deployment", "", "Deployment"));
        assert!(!matches("Deployment", "", "apps/Deployment"));
        let mut sorted = CLUSTER_SCOPED.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, CLUSTER_SCOPED, "keep the list sorted");
    }

    /// `matches` skips the search for the entry's `/`: it must agree with
    /// reading the entry as `group/Kind` on every pairing of these.
    #[test]
    fn matching_agrees_with_splitting_the_entry() {
        let written = |entry: &str, group: &str, kind: &str| match entry.rsplit_once('/') {
            Some((g, k)) => k == kind && g == group,
            None => entry == kind,
        };
        let entries = [
            "Pod",
            "/Pod",
            "apps/Deployment",
            "Deployment",
            "/Service",
            "Service",
            "networking.k8s.io/Ingress",
            "a/b/Ingress",
            "/",
            "",
            "ServiceAccount",
        ];
        let groups = ["", "apps", "networking.k8s.io", "a/b", "a", "k8s.io"];
        let kinds = [
            "Pod",
            "Deployment",
            "Service",
            "Ingress",
            "ServiceAccount",
            "Account",
            "",
            "b/Ingress",
            "/Pod",
        ];
        for entry in entries {
            for group in groups {
                for kind in kinds {
                    assert_eq!(
                        matches(entry, group, kind),
                        written(entry, group, kind),
                        "{entry:?} {group:?} {kind:?}"
                    );
                }
            }
        }
    }
}
