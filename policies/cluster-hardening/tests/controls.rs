//! Native tests of the cluster-hardening family: scope (only control-plane
//! static Pods), the family's warn-only default, settings refusals, and
//! hostile input. Per-control behaviour is in fixtures/ (replayed through the
//! compiled module).

use cluster_hardening::FAMILY;
use kit::testing::{
    annotation, assert_allowed, assert_denied, check, evaluate, every_pod_kind, message, request,
    warned,
};
use kit::{NoCluster, Snapshot};
use serde_json::{Value, json};

fn apiserver(flags: &[&str]) -> Value {
    let mut command = vec![json!("kube-apiserver")];
    command.extend(flags.iter().map(|f| json!(f)));
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "kube-apiserver", "namespace": "kube-system",
                     "labels": {"component": "kube-apiserver", "tier": "control-plane"}},
        "spec": {"hostNetwork": true, "containers": [{
            "name": "kube-apiserver",
            "image": "registry.k8s.io/kube-apiserver:v1.31.2",
            "command": command,
        }]},
    })
}

/// The flags of a hardened API server: passes every API server control.
const HARDENED: &[&str] = &[
    "--anonymous-auth=false",
    "--authorization-mode=Node,RBAC",
    "--client-ca-file=/etc/kubernetes/pki/ca.crt",
    "--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs",
    "--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
    "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
    "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
    "--profiling=false",
    "--audit-policy-file=/etc/kubernetes/audit/audit-policy.yaml",
    "--audit-log-path=/var/log/kubernetes/audit/audit.log",
    "--audit-log-maxage=30",
    "--audit-log-maxbackup=10",
    "--audit-log-maxsize=100",
    "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
    "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
    "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
    "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
    "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
    "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
];

fn all() -> Value {
    json!({"controls": ["all"], "warnOnly": []})
}

fn eval(object: Value, settings: Value) -> Value {
    evaluate(&FAMILY, request(object), settings, &NoCluster)
}

#[test]
fn a_hardened_apiserver_passes_every_control() {
    assert_allowed(&eval(apiserver(HARDENED), all()));
}

#[test]
fn application_pods_never_trip_a_control_whatever_they_run() {
    // Even a workload that runs the API server binary, in any Pod-bearing
    // kind: only Pods in the control-plane namespaces are static Pods.
    let spec = json!({"containers": [{"name": "app", "image": "registry.k8s.io/kube-apiserver:v1.31.2",
                                       "command": ["kube-apiserver", "--authorization-mode=AlwaysAllow"]}],
                      "initContainers": [{"name": "etcd", "image": "registry.k8s.io/etcd:3.5.15-0"}]});
    for (kind, object) in every_pod_kind(spec) {
        let r = check(&FAMILY, object, all(), vec![]);
        assert_allowed(&r);
        assert!(
            r["warnings"].is_null() || r["warnings"] == json!([]),
            "{kind}: {r}"
        );
    }
    let mut shop = apiserver(&["--authorization-mode=AlwaysAllow"]);
    shop["metadata"]["namespace"] = json!("shop");
    assert_allowed(&eval(shop, all()));
    // A kube-system Pod that runs something else.
    let mut dns = apiserver(&[]);
    dns["spec"]["containers"][0] = json!({"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.3",
                                           "args": ["-conf", "/etc/coredns/Corefile"]});
    assert_allowed(&eval(dns, all()));
}

#[test]
fn findings_are_warnings_and_annotations_by_default() {
    let r = eval(apiserver(&[]), json!({}));
    assert_allowed(&r);
    assert!(warned(&r, "[apiserver-authorization-mode]"), "{r}");
    assert!(warned(&r, "[apiserver-anonymous-auth]"), "{r}");
    let warnings = annotation(&r, "kube-soc2.warnings").unwrap_or("");
    assert!(warnings.contains("apiserver-authorization-mode"), "{r}");
    // The user's own warnOnly replaces the family default: now a denial.
    let r = eval(apiserver(&[]), json!({"warnOnly": []}));
    assert_denied(
        &r,
        &["[apiserver-authorization-mode]", "defaults to AlwaysAllow"],
    );
    // ... or only some controls stay warnings.
    let r = eval(
        apiserver(&[]),
        json!({"warnOnly": ["kube-apiserver"], "controls": ["default"]}),
    );
    assert_allowed(&r);
}

#[test]
fn every_control_carries_the_family_tag_and_scan_only_kinds_say_so() {
    for c in FAMILY.controls() {
        assert!(c.tags.contains(&"cluster-hardening"), "{}", c.id);
        let admission = c.kinds.kinds().iter().any(|k| k.starts_with('/'));
        assert_eq!(!admission, c.tags.contains(&"scan-only"), "{}", c.id);
        assert!(
            !c.criteria.cis.is_empty() || c.id == "kubelet-protect-kernel-defaults",
            "{}",
            c.id
        );
    }
    let defaults: Vec<&str> = FAMILY
        .controls()
        .filter(|c| c.tags.contains(&"default"))
        .map(|c| c.id)
        .collect();
    for id in [
        "apiserver-anonymous-auth",
        "apiserver-authorization-mode",
        "kubelet-anonymous-auth",
        "kubelet-webhook-auth",
        "kubelet-read-only-port",
        "audit-policy-sensitive-resources",
        "etcd-unique-ca",
    ] {
        assert!(defaults.contains(&id), "{id} should be in the default set");
    }
    assert_eq!(FAMILY.default_warn_only, ["cluster-hardening"]);
}

#[test]
fn other_control_plane_namespaces_are_configurable() {
    let mut pod = apiserver(&[]);
    pod["metadata"]["namespace"] = json!("openshift-kube-apiserver");
    assert_allowed(&eval(pod.clone(), all()));
    let settings = json!({"controls": ["apiserver-authorization-mode"], "warnOnly": [],
                          "controlPlaneNamespaces": ["kube-system", "openshift-kube-apiserver"]});
    assert_denied(&eval(pod, settings), &["[apiserver-authorization-mode]"]);
}

fn settings_error(settings: Value) -> String {
    let out = cluster_hardening::validate_settings(settings.to_string().as_bytes());
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["valid"], false, "{settings} should be refused");
    v["message"].as_str().unwrap_or("").to_string()
}

#[test]
fn bad_settings_are_refused_naming_the_key() {
    for (settings, needle) in [
        (
            json!({"controlPlaneNamespaces": []}),
            "controlPlaneNamespaces",
        ),
        (
            json!({"controlPlaneNamespaces": [""]}),
            "controlPlaneNamespaces",
        ),
        (
            json!({"controlPlaneNamespaces": "kube-system"}),
            "controlPlaneNamespaces",
        ),
        (
            json!({"parameters": {"apiserver-extra-admission-plugins": {"plugins": []}}}),
            "plugins",
        ),
        (
            json!({"parameters": {"apiserver-extra-admission-plugins": {"plugins": ["A,B"]}}}),
            "plugins",
        ),
        (
            json!({"parameters": {"apiserver-audit-log": {"maxAgeDays": 0}}}),
            "maxAgeDays",
        ),
        (
            json!({"parameters": {"audit-policy-sensitive-resources": {"resources": ["Secrets"]}}}),
            "Secrets",
        ),
        (
            json!({"parameters": {"audit-policy-coverage": {"resources": []}}}),
            "resources",
        ),
        (
            json!({"parameters": {"admission-configuration-pod-security": {"minimumLevel": "strict"}}}),
            "minimumLevel",
        ),
        (
            json!({"parameters": {"authentication-configuration-anonymous": {"allowedPaths": ["livez"]}}}),
            "allowedPaths",
        ),
        (
            json!({"parameters": {"kubelet-tls-cipher-suites": {"allowed": []}}}),
            "allowed",
        ),
        (
            json!({"parameters": {"kubelet-streaming-idle-timeout": {"maximumSeconds": "4h"}}}),
            "maximumSeconds",
        ),
        (json!({"warnOnly": ["no-such-tag"]}), "no-such-tag"),
    ] {
        let msg = settings_error(settings.clone());
        assert!(msg.contains(needle), "{settings}: {msg}");
    }
    let ok = cluster_hardening::validate_settings(
        json!({"controlPlaneNamespaces": ["kube-system"], "warnOnly": [], "controls": ["scan-only"]})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(serde_json::from_slice::<Value>(&ok).unwrap()["valid"], true);
}

#[test]
fn hostile_command_lines_do_not_panic_and_messages_stay_bounded() {
    // 20,000 flags, a 100 KB value, odd words, non-string entries.
    let mut flags: Vec<String> = (0..20_000).map(|i| kit::text!("--flag-{i}=x")).collect();
    flags.push(kit::text!("--authorization-mode={}", "A".repeat(100_000)));
    flags.extend(["-", "--", "--=", "---x", "--anonymous-auth"].map(String::from));
    let refs: Vec<&str> = flags.iter().map(String::as_str).collect();
    let mut pod = apiserver(&refs);
    pod["spec"]["containers"][0]["command"]
        .as_array_mut()
        .unwrap()
        .extend([json!(null), json!({"a": 1}), json!(["--x"])]);
    let r = eval(pod, all());
    assert_denied(&r, &["[apiserver-authorization-mode]", "not a string"]);
    assert!(message(&r).len() < 40_000, "{}", message(&r).len());
    // command that is not a list at all.
    let mut pod = apiserver(&[]);
    pod["spec"]["containers"][0]["command"] = json!({"kube-apiserver": true});
    pod["spec"]["containers"][0]["args"] = json!("--authorization-mode=AlwaysAllow");
    let r = eval(pod, all());
    assert_denied(&r, &["spec.containers[0].command", "not a string"]);
}

#[test]
fn hostile_configuration_files_do_not_panic() {
    let mut deep = json!("x");
    for _ in 0..50 {
        deep = json!({"enabled": [deep]});
    }
    let odd = [
        json!(null),
        json!(1e300),
        json!(-1),
        json!("true"),
        json!([]),
        json!({}),
        deep,
    ];
    for kind in [
        ("kubelet.config.k8s.io/v1beta1", "KubeletConfiguration"),
        ("audit.k8s.io/v1", "Policy"),
        ("apiserver.config.k8s.io/v1", "AdmissionConfiguration"),
        (
            "apiserver.config.k8s.io/v1beta1",
            "AuthenticationConfiguration",
        ),
    ] {
        for v in &odd {
            let mut o = json!({"apiVersion": kind.0, "kind": kind.1});
            for key in [
                "authentication",
                "authorization",
                "readOnlyPort",
                "rotateCertificates",
                "tlsCipherSuites",
                "eventRecordQPS",
                "streamingConnectionIdleTimeout",
                "podPidsLimit",
                "featureGates",
                "rules",
                "plugins",
                "anonymous",
            ] {
                o[key] = v.clone();
            }
            let r = eval(o, all());
            assert!(r["code"].is_null(), "{}: {}", kind.1, message(&r));
        }
    }
    // 10,000 audit rules, most of them odd.
    let rules: Vec<Value> = (0..10_000)
        .map(|i| match i % 4 {
            0 => json!({"level": "Metadata", "users": [kit::text!("u{i}")]}),
            1 => json!("not a rule"),
            2 => json!({"level": 5, "resources": "secrets"}),
            _ => json!({"level": "None", "verbs": ["watch"], "resources": [{"group": 7}]}),
        })
        .collect();
    let r = eval(
        json!({"apiVersion": "audit.k8s.io/v1", "kind": "Policy", "rules": rules}),
        all(),
    );
    assert_denied(&r, &["[audit-policy-sensitive-resources]"]);
    assert!(message(&r).len() < 40_000);
}

#[test]
fn context_is_never_needed() {
    // No control reads the cluster: a refusing host changes nothing.
    let r = evaluate(
        &FAMILY,
        request(apiserver(HARDENED)),
        all(),
        &kit::testing::REFUSING,
    );
    assert_allowed(&r);
    let r = evaluate(
        &FAMILY,
        request(apiserver(HARDENED)),
        all(),
        &Snapshot::new(vec![]),
    );
    assert_allowed(&r);
}
