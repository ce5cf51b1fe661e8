//! Issue 9, "values in more than one shape": every boolean is read through
//! `kit::Flag`, every integer through `kit::Int`, every capability through
//! `kit::value::capability_added/_dropped`. The family's own hardening
//! controls fail closed on a non-canonical value; the pss-* controls keep
//! PSA's verdict on every value the API server accepts.

use access_control::FAMILY;
use kit::testing::{assert_allowed, assert_denied, check, every_pod_kind, only, spec_path};
use serde_json::{Value, json};

fn run(object: Value, control: &str, params: Value) -> Value {
    check(&FAMILY, object, only(control, params), vec![])
}

fn container(extra: Value) -> Value {
    let mut c = json!({"name": "app", "image": "registry.example.com/app:1"});
    if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
        c.extend(extra.clone());
    }
    c
}

/// A pod spec with `c` in `list` (plus a plain container when the list is not `containers`).
fn spec_with(list: &str, c: Value) -> Value {
    if list == "containers" {
        json!({"containers": [c]})
    } else {
        json!({"containers": [container(json!({}))], list: [c]})
    }
}

const LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

#[test]
fn tty_and_stdin_in_any_truthy_shape_fail_no_interactive_tty() {
    for field in ["tty", "stdin"] {
        for odd in [
            json!("true"),
            json!("yes"),
            json!(1),
            json!("on"),
            json!({}),
        ] {
            for list in LISTS {
                let spec = spec_with(list, container(json!({field: odd.clone()})));
                for (kind, obj) in every_pod_kind(spec) {
                    assert_denied(
                        &run(obj, "no-interactive-tty", Value::Null),
                        &[
                            "no-interactive-tty",
                            &kit::text!("{}.{list}[0].{field}", spec_path(kind)),
                            "not a boolean",
                        ],
                    );
                }
            }
        }
        let spec = spec_with("containers", container(json!({field: false})));
        for (_, obj) in every_pod_kind(spec) {
            assert_allowed(&run(obj, "no-interactive-tty", Value::Null));
        }
    }
}

#[test]
fn capability_spellings_that_grant_net_raw_fail_drop_net_raw() {
    for added in [
        "net_raw",
        " NET_RAW ",
        "cap_net_raw",
        "CAP_NET_RAW",
        "all",
        "ALL",
    ] {
        for list in LISTS {
            let c = container(json!({"securityContext": {"capabilities":
                {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", added]}}}));
            for (kind, obj) in every_pod_kind(spec_with(list, c)) {
                assert_denied(
                    &run(obj, "drop-net-raw", Value::Null),
                    &[
                        &kit::text!(
                            "{}.{list}[0].securityContext.capabilities.add[1]",
                            spec_path(kind)
                        ),
                        "includes NET_RAW",
                    ],
                );
            }
        }
    }
}

#[test]
fn drops_no_runtime_applies_do_not_count() {
    // containerd's CRI prefixes CAP_ again (CAP_CAP_NET_RAW) and a padded
    // name names nothing: neither drops NET_RAW.
    for ineffective in ["CAP_NET_RAW", " NET_RAW", "NET_RAW "] {
        let c = container(json!({"securityContext": {"capabilities": {"drop": [ineffective]}}}));
        for (kind, obj) in every_pod_kind(spec_with("containers", c)) {
            assert_denied(
                &run(obj, "drop-net-raw", Value::Null),
                &[
                    &kit::text!(
                        "{}.containers[0].securityContext.capabilities.drop",
                        spec_path(kind)
                    ),
                    "NET_RAW is not dropped",
                ],
            );
        }
    }
    for effective in ["NET_RAW", "ALL"] {
        let c = container(json!({"securityContext": {"capabilities": {"drop": [effective]}}}));
        for (_, obj) in every_pod_kind(spec_with("containers", c)) {
            assert_allowed(&run(obj, "drop-net-raw", Value::Null));
        }
    }
}

#[test]
fn other_booleans_fail_closed() {
    let pod = |spec: Value| kit::testing::workload("Deployment", spec, json!({}));
    for odd in [json!("true"), json!(1), json!("yes")] {
        let spec = json!({"shareProcessNamespace": odd, "containers": [container(json!({}))]});
        assert_denied(
            &run(pod(spec), "no-share-process-namespace", Value::Null),
            &[
                "spec.template.spec.shareProcessNamespace",
                "must be a boolean",
            ],
        );
        let c = container(json!({"securityContext": {"readOnlyRootFilesystem": odd}}));
        assert_denied(
            &run(
                pod(json!({"containers": [c]})),
                "readonly-root-filesystem",
                Value::Null,
            ),
            &["readOnlyRootFilesystem must be a boolean"],
        );
    }
    // "false" as a string disables nothing.
    let spec = json!({"automountServiceAccountToken": "false", "serviceAccountName": "web",
                      "containers": [container(json!({}))]});
    assert_denied(
        &run(pod(spec), "no-automount-service-account-token", Value::Null),
        &[
            "spec.template.spec.automountServiceAccountToken",
            "must be a boolean",
        ],
    );
    let spec =
        json!({"automountServiceAccountToken": "false", "containers": [container(json!({}))]});
    assert_denied(
        &run(pod(spec), "no-default-service-account", Value::Null),
        &["spec.template.spec.serviceAccountName"],
    );
    let spec = json!({"automountServiceAccountToken": false, "containers": [container(json!({}))]});
    assert_allowed(&run(pod(spec), "no-default-service-account", Value::Null));
}

#[test]
fn integral_floats_are_integers_and_fractions_are_violations() {
    let pod = |spec: Value| kit::testing::workload("Deployment", spec, json!({}));
    let token = |exp: Value| {
        json!({"containers": [container(json!({"volumeMounts": [{"name": "tok", "mountPath": "/t"}]}))],
               "volumes": [{"name": "tok", "projected": {"sources": [{"serviceAccountToken":
                   {"audience": "vault", "expirationSeconds": exp, "path": "t"}}]}}]})
    };
    assert_allowed(&run(
        pod(token(json!(3600.0))),
        "projected-token-bounds",
        Value::Null,
    ));
    assert_denied(
        &run(
            pod(token(json!(3600.5))),
            "projected-token-bounds",
            Value::Null,
        ),
        &["expirationSeconds must be an integer, got 3600.5"],
    );
    assert_denied(
        &run(
            pod(token(json!(7200.0))),
            "projected-token-bounds",
            Value::Null,
        ),
        &["expirationSeconds 7200 is above the limit 3600"],
    );
    let groups = |g: Value| {
        json!({"securityContext": {"runAsGroup": g.clone(), "fsGroup": g.clone(),
                                   "supplementalGroups": [g]},
               "containers": [container(json!({}))]})
    };
    for id in [
        "run-as-group-range",
        "fs-group-range",
        "supplemental-groups-range",
    ] {
        assert_allowed(&run(pod(groups(json!(1000.0))), id, Value::Null));
        assert_denied(
            &run(pod(groups(json!(1000.5))), id, Value::Null),
            &[id, "must be an integer group id, got 1000.5"],
        );
        assert_denied(
            &run(pod(groups(json!(0.0))), id, Value::Null),
            &[id, "group id 0 is outside the allowed range"],
        );
    }
}

/// The PSS controls keep PSA's verdicts: exact capability names (PSA compares
/// strings), and integral floats read as the integer the API server stores.
#[test]
fn pss_controls_keep_psa_verdicts() {
    let pod = |c: Value| kit::testing::workload("Pod", json!({"containers": [c]}), json!({}));
    // PSA's baseline allow-list is case-sensitive: `net_raw` and `chown` are not in it.
    for cap in ["net_raw", "chown", "CAP_CHOWN"] {
        let c = container(json!({"securityContext": {"capabilities": {"add": [cap]}}}));
        assert_denied(
            &run(pod(c), "pss-capabilities-baseline", Value::Null),
            &["securityContext.capabilities.add[0]"],
        );
    }
    let c = container(json!({"securityContext": {"capabilities": {"add": ["CHOWN"]}}}));
    assert_allowed(&run(pod(c), "pss-capabilities-baseline", Value::Null));
    // PSA requires the exact string ALL in drop.
    let c = container(json!({"securityContext": {"capabilities": {"drop": ["all"]}}}));
    assert_denied(
        &run(pod(c), "pss-capabilities-restricted", Value::Null),
        &["capabilities.drop does not include ALL"],
    );
    let c = container(json!({"securityContext": {"runAsUser": 1000.0}}));
    assert_allowed(&run(pod(c), "pss-run-as-user", Value::Null));
    for root in [json!(0.0), json!(0), json!("0"), json!(1000.5)] {
        let c = container(json!({"securityContext": {"runAsUser": root}}));
        assert_denied(&run(pod(c), "pss-run-as-user", Value::Null), &["runAsUser"]);
    }
    let c = container(json!({"ports": [{"containerPort": 80, "hostPort": 0.0}]}));
    assert_allowed(&run(pod(c), "pss-host-ports", Value::Null));
    for port in [json!(80.0), json!("0"), json!(0.5)] {
        let c = container(json!({"ports": [{"containerPort": 80, "hostPort": port}]}));
        assert_denied(
            &run(pod(c), "pss-host-ports", Value::Null),
            &["ports[0].hostPort"],
        );
    }
    for odd in [json!("true"), json!(1)] {
        let c = container(json!({"securityContext": {"privileged": odd}}));
        assert_denied(&run(pod(c), "pss-privileged", Value::Null), &["privileged"]);
        let c = container(json!({"securityContext": {"allowPrivilegeEscalation": "false"}}));
        assert_denied(
            &run(pod(c), "pss-allow-privilege-escalation", Value::Null),
            &["allowPrivilegeEscalation is \"false\", not false"],
        );
    }
}
