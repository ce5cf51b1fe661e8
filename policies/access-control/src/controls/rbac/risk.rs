//! What a PolicyRule grants, read the way the API server's RBAC authorizer
//! matches rules (`*` for every verb, group or resource, `*/sub` for a
//! subresource of every resource; `pods/*` matches nothing).
//!
//! Shared by the role lint controls, the aggregation control and the
//! context-aware binding control, so all three agree on what "high risk" is.

use kit::Value;

pub const RBAC_V1: &str = "rbac.authorization.k8s.io/v1";

/// A high-risk permission a rule can grant. `name()` is what `ignoreGrants`
/// parameters take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    SecretsRead,
    EscalateBindImpersonate,
    PodExec,
    CreatePods,
    NodesProxy,
    CsrApproval,
    AdmissionConfiguration,
    ServiceAccountToken,
    CreatePersistentVolumes,
}

/// One (API group, resource, verbs) the authorizer would be asked about.
/// Empty verbs means any verb at all.
type Grant = (&'static str, &'static str, &'static [&'static str]);

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];
const ADM: &str = "admissionregistration.k8s.io";
const CERTS: &str = "certificates.k8s.io";
const RBAC: &str = "rbac.authorization.k8s.io";

impl Risk {
    pub const ALL: [Risk; 9] = [
        Risk::SecretsRead,
        Risk::EscalateBindImpersonate,
        Risk::PodExec,
        Risk::CreatePods,
        Risk::NodesProxy,
        Risk::CsrApproval,
        Risk::AdmissionConfiguration,
        Risk::ServiceAccountToken,
        Risk::CreatePersistentVolumes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Risk::SecretsRead => "secrets-read",
            Risk::EscalateBindImpersonate => "escalate-bind-impersonate",
            Risk::PodExec => "pod-exec-attach-portforward",
            Risk::CreatePods => "create-pods",
            Risk::NodesProxy => "nodes-proxy",
            Risk::CsrApproval => "csr-approval",
            Risk::AdmissionConfiguration => "admission-configuration",
            Risk::ServiceAccountToken => "serviceaccount-token",
            Risk::CreatePersistentVolumes => "create-persistentvolumes",
        }
    }

    pub fn parse(name: &str) -> Option<Risk> {
        Risk::ALL.into_iter().find(|r| r.name() == name)
    }

    /// What the grant allows, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Risk::SecretsRead => "read access to Secrets (get/list/watch)",
            Risk::EscalateBindImpersonate => {
                "escalate, bind or impersonate (privilege escalation past RBAC)"
            }
            Risk::PodExec => "pods/exec, pods/attach or pods/portforward (shell into running pods)",
            Risk::CreatePods => "create on pods (run any image with any service account)",
            Risk::NodesProxy => "nodes/proxy (the kubelet API, bypassing admission and audit)",
            Risk::CsrApproval => {
                "approval of CertificateSigningRequests (mint client certificates)"
            }
            Risk::AdmissionConfiguration => {
                "writes to admission webhook or policy configurations (switch admission control off)"
            }
            Risk::ServiceAccountToken => {
                "create on serviceaccounts/token (mint tokens of other identities)"
            }
            Risk::CreatePersistentVolumes => {
                "create on persistentvolumes (hostPath volumes outside PSS)"
            }
        }
    }

    /// Grants on cluster-scoped resources mean nothing in a Role or through a
    /// RoleBinding: RBAC only applies those to namespaced resources.
    pub fn cluster_scoped(self) -> bool {
        matches!(
            self,
            Risk::NodesProxy
                | Risk::CsrApproval
                | Risk::AdmissionConfiguration
                | Risk::CreatePersistentVolumes
        )
    }

    fn grants(self) -> &'static [Grant] {
        match self {
            Risk::SecretsRead => &[("", "secrets", READ)],
            Risk::EscalateBindImpersonate => &[
                (RBAC, "roles", &["escalate", "bind"]),
                (RBAC, "clusterroles", &["escalate", "bind"]),
                ("", "users", &["impersonate"]),
                ("", "groups", &["impersonate"]),
                ("", "serviceaccounts", &["impersonate"]),
                ("authentication.k8s.io", "uids", &["impersonate"]),
            ],
            // `get` too: before Kubernetes 1.30 (and with the
            // AuthorizePodWebsocketUpgradeCreatePermission gate off) a
            // websocket exec is authorised as `get`.
            Risk::PodExec => &[
                ("", "pods/exec", &["create", "get"]),
                ("", "pods/attach", &["create", "get"]),
                ("", "pods/portforward", &["create", "get"]),
            ],
            Risk::CreatePods => &[("", "pods", &["create"])],
            Risk::NodesProxy => &[("", "nodes/proxy", &[])],
            Risk::CsrApproval => &[
                (
                    CERTS,
                    "certificatesigningrequests/approval",
                    &["update", "patch"],
                ),
                (CERTS, "signers", &["approve"]),
            ],
            Risk::AdmissionConfiguration => &[
                (ADM, "validatingwebhookconfigurations", WRITE),
                (ADM, "mutatingwebhookconfigurations", WRITE),
                (ADM, "validatingadmissionpolicies", WRITE),
                (ADM, "validatingadmissionpolicybindings", WRITE),
                (ADM, "mutatingadmissionpolicies", WRITE),
                (ADM, "mutatingadmissionpolicybindings", WRITE),
            ],
            Risk::ServiceAccountToken => &[("", "serviceaccounts/token", &["create"])],
            Risk::CreatePersistentVolumes => &[("", "persistentvolumes", &["create"])],
        }
    }

    /// A rule limited by `resourceNames` cannot authorise these at all
    /// (`create` of a new object has no name yet) or only narrowly (reading
    /// the named Secrets is least privilege, not "read access to Secrets").
    fn void_when_named(self) -> bool {
        matches!(
            self,
            Risk::SecretsRead | Risk::CreatePods | Risk::CreatePersistentVolumes
        )
    }
}

/// A set of risks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Risks(u16);

impl Risks {
    pub fn insert(&mut self, r: Risk) {
        self.0 |= 1 << r as u16;
    }
    pub fn contains(self, r: Risk) -> bool {
        self.0 & (1 << r as u16) != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn union(self, other: Risks) -> Risks {
        Risks(self.0 | other.0)
    }
    pub fn intersect(self, other: Risks) -> Risks {
        Risks(self.0 & other.0)
    }
    pub fn iter(self) -> impl Iterator<Item = Risk> {
        Risk::ALL.into_iter().filter(move |r| self.contains(*r))
    }
    pub fn of(list: &[Risk]) -> Risks {
        let mut s = Risks::default();
        for r in list {
            s.insert(*r);
        }
        s
    }
    /// Every risk, minus those named in an `ignoreGrants` list.
    pub fn all_except(ignored: &[String]) -> Risks {
        let mut s = Risks::default();
        for r in Risk::ALL {
            if !ignored.iter().any(|i| i == r.name()) {
                s.insert(r);
            }
        }
        s
    }
    pub fn describe(self) -> String {
        self.iter()
            .map(Risk::describe)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn strs<'a>(rule: &'a Value, key: &str) -> impl Iterator<Item = &'a str> {
    kit::json::get_array(rule, &[key])
        .iter()
        .filter_map(Value::as_str)
}

fn has(rule: &Value, key: &str, want: &str) -> bool {
    strs(rule, key).any(|v| v == "*" || v == want)
}

/// RBAC's resource match: `*`, the exact `resource[/subresource]`, or
/// `*/subresource`.
fn resource_matches(rule: &Value, resource: &str) -> bool {
    let sub = resource.split_once('/').map(|(_, s)| s);
    strs(rule, "resources")
        .any(|r| r == "*" || r == resource || sub.is_some_and(|s| r.strip_prefix("*/") == Some(s)))
}

fn grants(rule: &Value, &(group, resource, verbs): &Grant) -> bool {
    has(rule, "apiGroups", group)
        && resource_matches(rule, resource)
        && if verbs.is_empty() {
            strs(rule, "verbs").next().is_some()
        } else {
            verbs.iter().any(|v| has(rule, "verbs", v))
        }
}

/// The risks one rule grants. `namespaced_only`: the rule is in a Role or
/// reaches its subjects through a RoleBinding, so cluster-scoped grants are void.
pub fn rule_risks(rule: &Value, namespaced_only: bool) -> Risks {
    let named = !kit::json::get_array(rule, &["resourceNames"]).is_empty();
    let mut out = Risks::default();
    for risk in Risk::ALL {
        if (namespaced_only && risk.cluster_scoped()) || (named && risk.void_when_named()) {
            continue;
        }
        if risk.grants().iter().any(|gr| grants(rule, gr)) {
            out.insert(risk);
        }
    }
    // Listing escalate, bind or impersonate by name is only ever meant for
    // privilege delegation, whatever resource the rule names (e.g.
    // `userextras/scopes`, `signers`), so it counts even off the table.
    if strs(rule, "verbs").any(|v| matches!(v, "escalate" | "bind" | "impersonate"))
        && strs(rule, "resources").next().is_some()
    {
        out.insert(Risk::EscalateBindImpersonate);
    }
    out
}

/// Checks that every name of an `ignoreGrants` list is a known grant.
pub fn validate_ignored(list: &[String]) -> Result<(), String> {
    for name in list {
        if Risk::parse(name).is_none() {
            let valid: Vec<&str> = Risk::ALL.iter().map(|r| r.name()).collect();
            return Err(kit::text!(
                "ignoreGrants: unknown grant \"{name}\"; valid: {}",
                valid.join(", ")
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::json_value as json;

    fn risks(rule: Value) -> Vec<&'static str> {
        rule_risks(&rule, false).iter().map(Risk::name).collect()
    }

    #[test]
    fn rules_match_like_the_rbac_authorizer() {
        assert_eq!(
            risks(json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]})),
            ["secrets-read"]
        );
        // Named secrets are least privilege; `create` cannot be named.
        assert!(risks(json!({"apiGroups": [""], "resources": ["secrets", "pods"], "verbs": ["get", "create"], "resourceNames": ["a"]})).is_empty());
        assert_eq!(
            risks(json!({"apiGroups": [""], "resources": ["*/exec"], "verbs": ["get"]})),
            ["pod-exec-attach-portforward"]
        );
        // `pods/*` matches nothing in RBAC.
        assert!(
            risks(json!({"apiGroups": [""], "resources": ["pods/*"], "verbs": ["*"]})).is_empty()
        );
        assert_eq!(
            risks(json!({"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]})),
            ["nodes-proxy"]
        );
        assert_eq!(
            risks(
                json!({"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes"], "verbs": ["impersonate"]})
            ),
            ["escalate-bind-impersonate"]
        );
        // Everything on everything: every risk.
        assert_eq!(
            risks(json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]})).len(),
            Risk::ALL.len()
        );
        // The same rule in a Role loses the cluster-scoped ones.
        let all = json!({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]});
        assert_eq!(rule_risks(&all, true).iter().count(), 5);
        // Wrong group: nothing.
        assert!(
            risks(json!({"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]}))
                .is_empty()
        );
        // Malformed rules grant nothing rather than panic.
        assert!(risks(json!({"apiGroups": "x", "resources": [1], "verbs": null})).is_empty());
        assert!(risks(json!("rule")).is_empty());
    }

    #[test]
    fn names_round_trip_and_validate() {
        for r in Risk::ALL {
            assert_eq!(Risk::parse(r.name()), Some(r));
        }
        assert!(validate_ignored(&["create-pods".into()]).is_ok());
        assert!(
            validate_ignored(&["nope".into()])
                .unwrap_err()
                .contains("create-pods")
        );
        let s = Risks::all_except(&["create-pods".into()]);
        assert!(!s.contains(Risk::CreatePods) && s.contains(Risk::SecretsRead));
    }
}
