//! Version-dependent behaviour of the PSS controls (`pssVersion`), at the
//! boundaries where pod-security-admission changes a check, plus the catalogue
//! shape and robustness on malformed input.

use access_control::controls::pss;
use kit::NoCluster;
use serde_json::{Value, json};

/// Evaluates a Pod with `spec` (and `annotations`) under `controls`, at `version`.
fn eval(controls: &str, version: &str, spec: Value, annotations: Value) -> (bool, String) {
    let mut spec = spec;
    if spec.get("containers").is_none() {
        spec["containers"] = json!([{"name": "app", "image": "nginx:1.27"}]);
    }
    let object = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "p", "namespace": "ns", "annotations": annotations},
        "spec": spec,
    });
    let payload = json!({
        "request": {"uid": "1", "kind": {"kind": "Pod"}, "operation": "CREATE", "object": object},
        "settings": {"controls": [controls], "pssVersion": version},
    });
    let r = kit::engine::evaluate(
        &access_control::FAMILY,
        &serde_json::to_vec(&payload).unwrap(),
        &NoCluster,
    );
    (r.accepted, r.message.unwrap_or_default())
}

fn allowed(control: &str, version: &str, spec: Value) -> bool {
    eval(control, version, spec, json!({})).0
}

fn container(sc: Value) -> Value {
    json!({"containers": [{"name": "app", "image": "nginx:1.27", "securityContext": sc}]})
}

fn with(mut spec: Value, key: &str, v: Value) -> Value {
    spec[key] = v;
    spec
}

const WINDOWS: &str = "windows";

#[test]
fn catalogue_has_the_19_psa_checks_baseline_first() {
    let ids: Vec<&str> = pss::CONTROLS.iter().map(|c| c.id).collect();
    assert_eq!(
        ids,
        [
            "pss-host-namespaces",
            "pss-privileged",
            "pss-capabilities-baseline",
            "pss-host-path-volumes",
            "pss-host-ports",
            "pss-app-armor-profile",
            "pss-se-linux-options",
            "pss-proc-mount",
            "pss-seccomp-profile-baseline",
            "pss-sysctls",
            "pss-windows-host-process",
            "pss-host-probes-and-host-lifecycle",
            "pss-restricted-volumes",
            "pss-allow-privilege-escalation",
            "pss-run-as-non-root",
            "pss-run-as-user",
            "pss-seccomp-profile-restricted",
            "pss-capabilities-restricted",
            "pss-proc-mount-restricted",
        ]
    );
    for (i, c) in pss::CONTROLS.iter().enumerate() {
        let want = if i < 12 {
            pss::BASELINE
        } else {
            pss::RESTRICTED
        };
        assert_eq!(c.tags, want, "{}", c.id);
        assert!(!c.criteria.pss.is_empty(), "{}", c.id);
    }
}

#[test]
fn latest_is_v1_37_and_versions_are_validated() {
    assert_eq!(pss::parse_version("latest"), Some(37));
    assert_eq!(pss::parse_version("v1.0"), Some(0));
    assert_eq!(pss::parse_version("v1.38"), None);
    assert_eq!(pss::parse_version("1.30"), None);
    // Only the canonical spelling PSA labels use.
    for odd in ["v1.+5", "v1.05", "v1.", "v1. 5", "v1.5 ", "V1.5"] {
        assert_eq!(pss::parse_version(odd), None, "{odd}");
    }
    let spec = json!({"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_notsent_lowat", "value": "1"}]}});
    assert_eq!(
        allowed("pss-sysctls", "latest", spec.clone()),
        allowed("pss-sysctls", "v1.37", spec)
    );
}

#[test]
fn seccomp_baseline_reads_annotations_up_to_v1_18_then_fields() {
    let unconfined = json!({"seccomp.security.alpha.kubernetes.io/pod": "unconfined"});
    let c = "pss-seccomp-profile-baseline";
    assert!(!eval(c, "v1.18", json!({}), unconfined.clone()).0);
    assert!(eval(c, "v1.19", json!({}), unconfined).0);
    // A container annotation counts only if a container has that name.
    let other = json!({"container.seccomp.security.alpha.kubernetes.io/other": "unconfined"});
    assert!(eval(c, "v1.18", json!({}), other).0);
    let app = json!({"container.seccomp.security.alpha.kubernetes.io/app": ""});
    assert!(
        !eval(c, "v1.0", json!({}), app).0,
        "an empty value is not valid"
    );
    let field = json!({"securityContext": {"seccompProfile": {"type": "Unconfined"}}});
    assert!(allowed(c, "v1.18", field.clone()));
    assert!(!allowed(c, "v1.19", field));
    // seccompProfile: {} has type "", which is not RuntimeDefault or Localhost.
    assert!(!allowed(
        c,
        "latest",
        container(json!({"seccompProfile": {}}))
    ));
}

#[test]
fn seccomp_restricted_starts_at_v1_19_and_exempts_windows_from_v1_25() {
    let c = "pss-seccomp-profile-restricted";
    assert!(allowed(c, "v1.18", json!({})));
    let (ok, msg) = eval(c, "v1.19", json!({}), json!({}));
    assert!(!ok);
    assert!(
        msg.contains("spec.containers[0].securityContext.seccompProfile.type"),
        "{msg}"
    );
    let windows = json!({"os": {"name": WINDOWS}});
    assert!(!allowed(c, "v1.24", windows.clone()));
    assert!(allowed(c, "v1.25", windows));
    let pod_level = json!({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}});
    assert!(allowed(c, "latest", pod_level));
}

#[test]
fn capabilities_restricted_starts_at_v1_22_and_exempts_windows_from_v1_25() {
    let c = "pss-capabilities-restricted";
    assert!(allowed(c, "v1.21", json!({})));
    assert!(!allowed(c, "v1.22", json!({})));
    let windows = json!({"os": {"name": WINDOWS}});
    assert!(!allowed(c, "v1.24", windows.clone()));
    assert!(allowed(c, "v1.25", windows));
    let ok = container(json!({"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}));
    assert!(allowed(c, "latest", ok));
    // Below v1.22 the restricted level falls back to the baseline capabilities
    // check only: SYS_ADMIN is still refused, a missing drop is not.
    let sys_admin = container(json!({"capabilities": {"add": ["SYS_ADMIN"]}}));
    assert!(!allowed(
        "pss-restricted",
        "v1.21",
        with(sys_admin, "securityContext", json!({"runAsNonRoot": true}))
    ));
}

#[test]
fn allow_privilege_escalation_starts_at_v1_8_and_exempts_windows_from_v1_25() {
    let c = "pss-allow-privilege-escalation";
    assert!(allowed(c, "v1.7", json!({})));
    assert!(!allowed(c, "v1.8", json!({})));
    let windows = json!({"os": {"name": WINDOWS}});
    assert!(!allowed(c, "v1.24", windows.clone()));
    assert!(allowed(c, "v1.25", windows));
    // Only os.name windows exempts; linux does not.
    assert!(!allowed(c, "latest", json!({"os": {"name": "linux"}})));
}

#[test]
fn run_as_user_starts_at_v1_23_and_relaxes_for_user_namespaces_from_v1_35() {
    let c = "pss-run-as-user";
    let root = json!({"securityContext": {"runAsUser": 0}});
    assert!(allowed(c, "v1.22", root.clone()));
    assert!(!allowed(c, "v1.23", root.clone()));
    let userns = with(root, "hostUsers", json!(false));
    assert!(!allowed(c, "v1.34", userns.clone()));
    assert!(allowed(c, "v1.35", userns.clone()));
    assert!(!allowed(c, "v1.35", with(userns, "hostUsers", json!(true))));
    assert!(allowed(c, "latest", container(json!({"runAsUser": 1000}))));
}

#[test]
fn run_as_non_root_relaxes_for_user_namespaces_from_v1_35() {
    let c = "pss-run-as-non-root";
    let userns = json!({"hostUsers": false});
    assert!(!allowed(c, "v1.34", userns.clone()));
    assert!(allowed(c, "v1.35", userns));
    assert!(!allowed(c, "v1.0", json!({})));
    // Pod-level true covers containers that do not set it; an explicit false does not.
    let pod_true = json!({"securityContext": {"runAsNonRoot": true}});
    assert!(allowed(c, "v1.0", pod_true.clone()));
    let mut overridden = with(
        pod_true,
        "containers",
        json!([{"name": "app", "securityContext": {"runAsNonRoot": false}}]),
    );
    assert!(!allowed(c, "latest", overridden.clone()));
    overridden["securityContext"]["runAsNonRoot"] = json!(false);
    overridden["containers"][0]["securityContext"]["runAsNonRoot"] = json!(true);
    let (ok, msg) = eval(c, "latest", overridden, json!({}));
    assert!(!ok);
    assert!(msg.contains("spec.securityContext.runAsNonRoot"), "{msg}");
}

#[test]
fn proc_mount_relaxes_for_user_namespaces_from_v1_35_except_at_restricted() {
    let unmasked = with(
        container(json!({"procMount": "Unmasked"})),
        "hostUsers",
        json!(false),
    );
    assert!(!allowed("pss-proc-mount", "v1.34", unmasked.clone()));
    assert!(allowed("pss-proc-mount", "v1.35", unmasked.clone()));
    assert!(allowed(
        "pss-proc-mount-restricted",
        "v1.34",
        unmasked.clone()
    ));
    assert!(!allowed(
        "pss-proc-mount-restricted",
        "v1.35",
        unmasked.clone()
    ));
    assert!(allowed("pss-baseline", "latest", unmasked.clone()));
    assert!(!allowed("pss-restricted", "latest", unmasked));
    // An empty procMount is not Default either (PSA compares the pointer's value).
    assert!(!allowed(
        "pss-proc-mount",
        "latest",
        container(json!({"procMount": ""}))
    ));
    assert!(allowed(
        "pss-proc-mount",
        "latest",
        container(json!({"procMount": null}))
    ));
}

#[test]
fn sysctls_allowed_list_grows_with_the_version() {
    let c = "pss-sysctls";
    let one = |name: &str| json!({"securityContext": {"sysctls": [{"name": name, "value": "1"}]}});
    for (name, since) in [
        ("kernel.shm_rmid_forced", 0),
        ("net.ipv4.ip_unprivileged_port_start", 0),
        ("net.ipv4.ip_local_reserved_ports", 27),
        ("net.ipv4.tcp_keepalive_time", 29),
        ("net.ipv4.tcp_fin_timeout", 29),
        ("net.ipv4.tcp_keepalive_intvl", 29),
        ("net.ipv4.tcp_keepalive_probes", 29),
        ("net.ipv4.tcp_rmem", 32),
        ("net.ipv4.tcp_wmem", 32),
        ("net.ipv4.tcp_slow_start_after_idle", 37),
        ("net.ipv4.tcp_notsent_lowat", 37),
    ] {
        assert!(
            allowed(c, &kit::text!("v1.{since}"), one(name)),
            "{name} at v1.{since}"
        );
        if since > 0 {
            let before = kit::text!("v1.{}", since - 1);
            assert!(!allowed(c, &before, one(name)), "{name} before v1.{since}");
        }
    }
    assert!(!allowed(c, "latest", one("kernel.msgmax")));
    assert!(!allowed(
        c,
        "latest",
        json!({"securityContext": {"sysctls": [{"value": "1"}]}})
    ));
}

#[test]
fn se_linux_allows_container_engine_t_from_v1_31() {
    let c = "pss-se-linux-options";
    let engine = container(json!({"seLinuxOptions": {"type": "container_engine_t"}}));
    assert!(!allowed(c, "v1.30", engine.clone()));
    assert!(allowed(c, "v1.31", engine));
    assert!(allowed(
        c,
        "v1.0",
        container(json!({"seLinuxOptions": {"level": "s0:c1,c2"}}))
    ));
    let (ok, msg) = eval(
        c,
        "latest",
        json!({"securityContext": {"seLinuxOptions": {"user": "u", "role": "r"}}}),
        json!({}),
    );
    assert!(!ok);
    assert!(
        msg.contains("spec.securityContext.seLinuxOptions.user"),
        "{msg}"
    );
    assert!(
        msg.contains("spec.securityContext.seLinuxOptions.role"),
        "{msg}"
    );
}

#[test]
fn host_probes_start_at_v1_34() {
    let c = "pss-host-probes-and-host-lifecycle";
    let probe = json!({"containers": [{"name": "app", "livenessProbe": {"tcpSocket": {"host": "10.0.0.1", "port": 80}}}]});
    assert!(allowed(c, "v1.33", probe.clone()));
    assert!(!allowed(c, "v1.34", probe));
    let empty = json!({"containers": [{"name": "app", "readinessProbe": {"httpGet": {"host": "", "port": 80}}}]});
    assert!(allowed(c, "latest", empty));
}

#[test]
fn app_armor_checks_fields_and_annotations_at_every_version() {
    let c = "pss-app-armor-profile";
    let field = json!({"securityContext": {"appArmorProfile": {"type": "Unconfined"}}});
    assert!(!allowed(c, "v1.0", field.clone()));
    assert!(!allowed(c, "latest", field));
    let annotation = json!({"container.apparmor.security.beta.kubernetes.io/x": "unconfined"});
    assert!(!eval(c, "v1.0", json!({}), annotation).0);
    let ok = json!({"container.apparmor.security.beta.kubernetes.io/app": ""});
    assert!(eval(c, "latest", json!({}), ok).0);
}

#[test]
fn restricted_volumes_follow_api_server_defaulting() {
    let c = "pss-restricted-volumes";
    // A volume with no source is defaulted to emptyDir by the API server.
    assert!(allowed(c, "latest", json!({"volumes": [{"name": "v"}]})));
    assert!(allowed(
        c,
        "latest",
        json!({"volumes": [{"name": "v", "hostPath": null}]})
    ));
    // An unknown source is refused (PSA's "unknown" type).
    let (ok, msg) = eval(
        c,
        "latest",
        json!({"volumes": [{"name": "v", "future": {}}]}),
        json!({}),
    );
    assert!(!ok);
    assert!(msg.contains("spec.volumes[0]"), "{msg}");
    assert!(!allowed(
        c,
        "v1.0",
        json!({"volumes": [{"name": "v", "cephfs": {}}]})
    ));
}

#[test]
fn findings_name_every_offending_container_of_a_cronjob() {
    let object = json!({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "ns"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {
            "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/init": "unconfined"}},
            "spec": {
                "containers": [{"name": "app", "image": "a"}],
                "initContainers": [{"name": "init", "image": "b", "securityContext": {"privileged": true}}],
            }
        }}}}
    });
    let payload = json!({
        "request": {"uid": "1", "kind": {"kind": "CronJob"}, "operation": "CREATE", "object": object},
        "settings": {"controls": ["pss-baseline"]},
    });
    let r = kit::engine::evaluate(
        &access_control::FAMILY,
        &serde_json::to_vec(&payload).unwrap(),
        &NoCluster,
    );
    let msg = r.message.unwrap_or_default();
    assert!(!r.accepted);
    assert!(msg.contains("[pss-privileged]"), "{msg}");
    assert!(
        msg.contains(
            "spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged"
        ),
        "{msg}"
    );
    assert!(msg.contains("spec.jobTemplate.spec.template.metadata.annotations['container.apparmor.security.beta.kubernetes.io/init']"), "{msg}");
}

#[test]
fn malformed_values_never_panic_and_restricted_fields_fail_closed() {
    let weird = [
        json!(null),
        json!(true),
        json!(7),
        json!("x"),
        json!([]),
        json!({}),
        json!([1, "a", null]),
        json!({"type": 5}),
        json!({"type": null}),
        json!({"add": "SYS_ADMIN", "drop": {}}),
    ];
    let fields = [
        "privileged",
        "capabilities",
        "appArmorProfile",
        "seLinuxOptions",
        "procMount",
        "seccompProfile",
        "windowsOptions",
        "allowPrivilegeEscalation",
        "runAsNonRoot",
        "runAsUser",
    ];
    for v in &weird {
        for f in fields {
            let sc = json!({ f: v });
            let spec = json!({
                "containers": [{"name": "app", "securityContext": sc.clone(), "ports": [{"hostPort": v}],
                                "livenessProbe": {"httpGet": v}, "lifecycle": v}],
                "securityContext": sc, "volumes": [{"name": "v", "hostPath": v}, v], "hostNetwork": v,
                "hostUsers": v, "os": v,
            });
            for level in ["pss-restricted", "all"] {
                for version in ["v1.0", "v1.18", "v1.25", "latest"] {
                    let _ = eval(
                        level,
                        version,
                        spec.clone(),
                        json!({"seccomp.security.alpha.kubernetes.io/pod": v}),
                    );
                }
            }
        }
    }
    // Wrong types in restricted fields read as bad values, not as absent.
    assert!(!allowed(
        "pss-host-ports",
        "latest",
        json!({"containers": [{"name": "a", "ports": [{"hostPort": "80"}]}]})
    ));
    assert!(!allowed(
        "pss-allow-privilege-escalation",
        "latest",
        container(json!({"allowPrivilegeEscalation": "false"}))
    ));
    assert!(!allowed(
        "pss-seccomp-profile-baseline",
        "latest",
        container(json!({"seccompProfile": {"type": 5}}))
    ));
    assert!(!allowed(
        "pss-host-probes-and-host-lifecycle",
        "latest",
        json!({"containers": [{"name": "a", "startupProbe": {"httpGet": {"host": 1}}}]})
    ));
}

fn update(kind: &str, old: Value, new: Value, sub_resource: &str) -> bool {
    let payload = json!({
        "request": {"uid": "1", "kind": {"kind": kind}, "operation": "UPDATE",
                    "subResource": sub_resource, "object": new, "oldObject": old},
        "settings": {"controls": ["pss-restricted"]},
    });
    kit::engine::evaluate(
        &access_control::FAMILY,
        &serde_json::to_vec(&payload).unwrap(),
        &NoCluster,
    )
    .accepted
}

#[test]
fn pod_updates_that_change_no_image_and_add_no_container_are_not_evaluated() {
    let pod = |labels: Value, image: &str, ephemeral: Value| {
        json!({"kind": "Pod", "metadata": {"name": "p", "labels": labels}, "spec": {
            "hostNetwork": true,
            "containers": [{"name": "app", "image": image, "securityContext": {"privileged": true}}],
            "ephemeralContainers": ephemeral,
        }})
    };
    let old = pod(json!({}), "nginx:1.26", json!([]));
    // Relabelling an existing non-compliant pod: PSA allows it.
    let relabelled = pod(json!({"team": "a"}), "nginx:1.26", json!([]));
    assert!(update("Pod", old.clone(), relabelled, ""));
    // Changing an image is evaluated.
    let new_image = pod(json!({}), "nginx:1.27", json!([]));
    assert!(!update("Pod", old.clone(), new_image, ""));
    // Adding an ephemeral container is evaluated.
    let debug = json!([{"name": "debug", "image": "busybox"}]);
    assert!(!update(
        "Pod",
        old.clone(),
        pod(json!({}), "nginx:1.26", debug.clone()),
        "ephemeralcontainers"
    ));
    // An ephemeral container already present with the same image is not a change.
    let with_debug = pod(json!({}), "nginx:1.26", debug.clone());
    assert!(update(
        "Pod",
        with_debug.clone(),
        with_debug,
        "ephemeralcontainers"
    ));
    // Pod controllers are evaluated on every update, as PSA does.
    let deployment = |labels: Value| {
        json!({"kind": "Deployment", "metadata": {"name": "d", "labels": labels},
        "spec": {"template": {"spec": old["spec"].clone()}}})
    };
    assert!(!update(
        "Deployment",
        deployment(json!({})),
        deployment(json!({"team": "a"})),
        ""
    ));
}
