//! Pod hardening beyond PSS, through the engine, on every Pod-bearing kind and
//! in each container list.

mod support;

use serde_json::{Value, json};
use support::*;

fn run(kind: &str, spec: Value, control: &str, params: Value) -> Value {
    eval(
        request(kind, "CREATE", "team-a", workload(kind, "team-a", spec)),
        only(control, params),
    )
}

const LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

fn in_list(list: &str, container: Value) -> Value {
    let mut spec = json!({"containers": [{"name": "main", "image": "nginx",
        "securityContext": {"readOnlyRootFilesystem": true, "runAsGroup": 1000,
                            "capabilities": {"drop": ["ALL"]}}}]});
    if list == "containers" {
        spec["containers"] = json!([container]);
    } else {
        spec[list] = json!([container]);
    }
    spec
}

#[test]
fn readonly_root_filesystem_every_kind_and_list() {
    for kind in POD_KINDS {
        for list in LISTS {
            let bad = in_list(list, json!({"name": "x", "image": "busybox"}));
            let r = run(kind, bad, "readonly-root-filesystem", Value::Null);
            let path = kit::text!(
                "{}.{list}[0].securityContext.readOnlyRootFilesystem",
                spec_path(kind)
            );
            assert_denied(
                &r,
                &[
                    "[readonly-root-filesystem]",
                    "container \"x\"",
                    &path,
                    "not set",
                ],
            );
            let good = in_list(
                list,
                json!({"name": "x", "image": "busybox",
                "securityContext": {"readOnlyRootFilesystem": true}}),
            );
            assert_allowed(&run(kind, good, "readonly-root-filesystem", Value::Null));
        }
    }
    let explicit_false = json!({"containers": [{"name": "x", "image": "i",
        "securityContext": {"readOnlyRootFilesystem": false}}]});
    assert_denied(
        &run(
            "Pod",
            explicit_false,
            "readonly-root-filesystem",
            Value::Null,
        ),
        &["readOnlyRootFilesystem is false"],
    );
    // Windows pods cannot set the field at all.
    let windows = json!({"os": {"name": "windows"}, "containers": [{"name": "x", "image": "i"}]});
    assert_allowed(&run(
        "Pod",
        windows,
        "readonly-root-filesystem",
        Value::Null,
    ));
}

#[test]
fn runtime_socket_mounts_and_parent_directories() {
    for kind in ["Pod", "Deployment", "CronJob"] {
        for list in LISTS {
            let mut spec = in_list(
                list,
                json!({"name": "builder", "image": "docker",
                "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"},
                                 {"name": "sock", "mountPath": "/var/run/docker.sock"}]}),
            );
            spec["volumes"] = json!([{"name": "tmp", "emptyDir": {}},
                                     {"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]);
            let r = run(kind, spec, "no-container-runtime-socket", Value::Null);
            let path = kit::text!("{}.{list}[0].volumeMounts[1]", spec_path(kind));
            assert_denied(
                &r,
                &[
                    "[no-container-runtime-socket]",
                    "container \"builder\"",
                    &path,
                    "/var/run/docker.sock",
                ],
            );
        }
    }
    // The directory containing the socket, with a trailing slash.
    let spec = json!({"containers": [{"name": "c", "image": "i", "volumeMounts": [{"name": "run", "mountPath": "/host"}]}],
                      "volumes": [{"name": "run", "hostPath": {"path": "/run/containerd/"}}]});
    assert_denied(
        &run("Pod", spec, "no-container-runtime-socket", Value::Null),
        &[
            "host path /run/containerd",
            "/run/containerd/containerd.sock",
        ],
    );
    // Not mounted by any container: reported at the volume.
    let spec = json!({"containers": [{"name": "c", "image": "i"}],
                      "volumes": [{"name": "crio", "hostPath": {"path": "/var/run/crio/crio.sock"}}]});
    assert_denied(
        &run("Pod", spec, "no-container-runtime-socket", Value::Null),
        &["spec.volumes[0].hostPath.path"],
    );
    // An extra socket from the parameters; other host paths pass.
    let spec = json!({"containers": [{"name": "c", "image": "i"}],
                      "volumes": [{"name": "a", "hostPath": {"path": "/opt/rt/api.sock"}},
                                  {"name": "logs", "hostPath": {"path": "/var/log"}}]});
    assert_allowed(&run(
        "Pod",
        spec.clone(),
        "no-container-runtime-socket",
        Value::Null,
    ));
    assert_denied(
        &run(
            "Pod",
            spec,
            "no-container-runtime-socket",
            json!({"extraSocketPaths": ["/opt/rt/api.sock"]}),
        ),
        &["/opt/rt/api.sock"],
    );
}

#[test]
fn share_process_namespace() {
    for kind in POD_KINDS {
        let spec =
            json!({"shareProcessNamespace": true, "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, spec, "no-share-process-namespace", Value::Null),
            &[&kit::text!("{}.shareProcessNamespace", spec_path(kind))],
        );
        let spec =
            json!({"shareProcessNamespace": false, "containers": [{"name": "c", "image": "i"}]});
        assert_allowed(&run(kind, spec, "no-share-process-namespace", Value::Null));
    }
}

#[test]
fn runtime_class_allow_list_and_requirement() {
    let with =
        |rc: &str| json!({"runtimeClassName": rc, "containers": [{"name": "c", "image": "i"}]});
    let none = json!({"containers": [{"name": "c", "image": "i"}]});
    let params = json!({"allowedRuntimeClasses": ["gvisor", "kata-*"]});
    for kind in ["Pod", "Deployment", "CronJob"] {
        assert_allowed(&run(
            kind,
            with("kata-qemu"),
            "runtime-class-allowed",
            params.clone(),
        ));
        assert_denied(
            &run(kind, with("runc"), "runtime-class-allowed", params.clone()),
            &[
                &kit::text!("{}.runtimeClassName", spec_path(kind)),
                "\"runc\" is not allowed",
                "\"gvisor\", \"kata-*\"",
            ],
        );
        assert_allowed(&run(
            kind,
            none.clone(),
            "runtime-class-allowed",
            params.clone(),
        ));
        let required = json!({"allowedRuntimeClasses": ["gvisor"], "required": true});
        assert_denied(
            &run(kind, none.clone(), "runtime-class-allowed", required),
            &["not set"],
        );
    }
    // The default allow-list is empty: any explicit RuntimeClass is refused.
    assert_denied(
        &run("Pod", with("gvisor"), "runtime-class-allowed", Value::Null),
        &["(none)"],
    );
}

#[test]
fn net_raw_dropped_in_every_list() {
    for kind in ["Pod", "StatefulSet", "CronJob"] {
        for list in LISTS {
            let bad = in_list(
                list,
                json!({"name": "x", "image": "i",
                "securityContext": {"capabilities": {"drop": ["CHOWN"]}}}),
            );
            assert_denied(
                &run(kind, bad, "drop-net-raw", Value::Null),
                &[
                    &kit::text!(
                        "{}.{list}[0].securityContext.capabilities.drop",
                        spec_path(kind)
                    ),
                    "NET_RAW is not dropped",
                ],
            );
            let added = in_list(
                list,
                json!({"name": "x", "image": "i",
                "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "NET_RAW"]}}}),
            );
            assert_denied(
                &run(kind, added, "drop-net-raw", Value::Null),
                &[
                    &kit::text!("{list}[0].securityContext.capabilities.add[1]"),
                    "grants NET_RAW",
                ],
            );
            // CAP_NET_RAW drops nothing under containerd (CAP_CAP_NET_RAW):
            // see tests/shapes.rs.
            for drop in ["NET_RAW", "ALL"] {
                let good = in_list(
                    list,
                    json!({"name": "x", "image": "i",
                    "securityContext": {"capabilities": {"drop": [drop]}}}),
                );
                assert_allowed(&run(kind, good, "drop-net-raw", Value::Null));
            }
        }
    }
}

#[test]
fn group_id_ranges() {
    let params = json!({"min": 1000, "max": 65535});
    for kind in ["Pod", "Job", "CronJob"] {
        // runAsGroup: container value, inherited pod value, unset.
        for list in LISTS {
            let bad = in_list(
                list,
                json!({"name": "x", "image": "i", "securityContext": {"runAsGroup": 0}}),
            );
            assert_denied(
                &run(kind, bad, "run-as-group-range", params.clone()),
                &[
                    &kit::text!("{list}[0].securityContext.runAsGroup"),
                    "group id 0 is outside the allowed range 1000-65535",
                ],
            );
            let unset = in_list(list, json!({"name": "x", "image": "i"}));
            assert_denied(
                &run(kind, unset.clone(), "run-as-group-range", params.clone()),
                &["runAsGroup is set neither on the container nor on the pod"],
            );
            assert_allowed(&run(
                kind,
                unset,
                "run-as-group-range",
                json!({"required": false}),
            ));
        }
        let inherited = json!({"securityContext": {"runAsGroup": 5}, "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, inherited, "run-as-group-range", params.clone()),
            &[
                &kit::text!(
                    "container \"c\" at {}.securityContext.runAsGroup",
                    spec_path(kind)
                ),
                "inherited from the pod",
            ],
        );
        let good = json!({"securityContext": {"runAsGroup": 2000}, "containers": [{"name": "c", "image": "i"}],
                          "initContainers": [{"name": "i", "image": "i", "securityContext": {"runAsGroup": 3000}}]});
        assert_allowed(&run(kind, good, "run-as-group-range", params.clone()));

        let sup = json!({"securityContext": {"supplementalGroups": [2000, 0, "x"]}, "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, sup, "supplemental-groups-range", params.clone()),
            &[
                "supplementalGroups[1]: group id 0",
                "supplementalGroups[2]: must be an integer",
            ],
        );
        let sup = json!({"securityContext": {"supplementalGroups": [2000]}, "containers": [{"name": "c", "image": "i"}]});
        assert_allowed(&run(kind, sup, "supplemental-groups-range", params.clone()));

        let fs =
            json!({"securityContext": {"fsGroup": 0}, "containers": [{"name": "c", "image": "i"}]});
        assert_denied(
            &run(kind, fs, "fs-group-range", Value::Null),
            &[
                &kit::text!("{}.securityContext.fsGroup", spec_path(kind)),
                "group id 0",
            ],
        );
        let no_fs = json!({"containers": [{"name": "c", "image": "i"}]});
        assert_allowed(&run(kind, no_fs.clone(), "fs-group-range", Value::Null));
        assert_denied(
            &run(kind, no_fs, "fs-group-range", json!({"required": true})),
            &["fsGroup is not set"],
        );
    }
    // min above max is refused at settings time.
    let r = run(
        "Pod",
        json!({"containers": []}),
        "fs-group-range",
        json!({"min": 10, "max": 5}),
    );
    assert_eq!(r["code"], 400);
    assert!(
        message(&r).contains("min (10) is greater than max (5)"),
        "{}",
        message(&r)
    );
}

#[test]
fn ephemeral_containers_added_are_refused_existing_ones_are_not() {
    let before = pod(
        "team-a",
        json!({"containers": [{"name": "app", "image": "app"}]}),
    );
    let mut after = before.clone();
    after["spec"]["ephemeralContainers"] =
        json!([{"name": "debugger", "image": "busybox", "stdin": true, "tty": true}]);
    let mut req = request("Pod", "UPDATE", "team-a", after.clone());
    req["subResource"] = json!("ephemeralcontainers");
    req["oldObject"] = before;
    let r = eval(req.clone(), only("block-ephemeral-containers", Value::Null));
    assert_denied(
        &r,
        &[
            "[block-ephemeral-containers]",
            "spec.ephemeralContainers[0]",
            "ephemeral container \"debugger\" at spec.ephemeralContainers[0] (image \"busybox\") is added",
        ],
    );
    // An unrelated update of the already-debugged pod is allowed.
    req["oldObject"] = after;
    req["subResource"] = json!("");
    assert_allowed(&eval(req, only("block-ephemeral-containers", Value::Null)));
    // An exemption for the on-call group lets them debug.
    let mut req = request(
        "Pod",
        "UPDATE",
        "team-a",
        pod(
            "team-a",
            json!({"containers": [{"name": "app", "image": "app"}],
        "ephemeralContainers": [{"name": "dbg", "image": "busybox"}]}),
        ),
    );
    req["oldObject"] = pod(
        "team-a",
        json!({"containers": [{"name": "app", "image": "app"}]}),
    );
    let settings = json!({"controls": ["block-ephemeral-containers"],
        "exemptions": [{"groups": ["dev"], "controls": ["block-ephemeral-containers"], "reason": "on-call"}]});
    let r = eval(req, settings);
    assert_allowed(&r);
    assert_eq!(
        annotation(&r, kit::response::ANNOTATION_EXEMPTED),
        Some("block-ephemeral-containers (on-call)")
    );
    // In a template (which the API server would refuse anyway), on every kind.
    for kind in ["Deployment", "CronJob"] {
        let spec = json!({"containers": [{"name": "c", "image": "i"}], "ephemeralContainers": [{"name": "e", "image": "i"}]});
        assert_denied(
            &run(kind, spec, "block-ephemeral-containers", Value::Null),
            &[&kit::text!("{}.ephemeralContainers[0]", spec_path(kind))],
        );
    }
}

#[test]
fn interactive_tty_and_stdin() {
    for kind in ["Pod", "DaemonSet", "CronJob"] {
        for list in LISTS {
            let bad = in_list(
                list,
                json!({"name": "sh", "image": "i", "tty": true, "stdin": true}),
            );
            assert_denied(
                &run(kind, bad, "no-interactive-tty", Value::Null),
                &[
                    &kit::text!("{}.{list}[0].tty", spec_path(kind)),
                    &kit::text!("{list}[0].stdin"),
                    "tty is true",
                ],
            );
            let good = in_list(list, json!({"name": "sh", "image": "i", "tty": false}));
            assert_allowed(&run(kind, good, "no-interactive-tty", Value::Null));
        }
    }
}

#[test]
fn image_exemptions_reach_volume_findings() {
    let spec = json!({"containers": [{"name": "agent", "image": "registry.example.com/monitoring/agent:1",
        "volumeMounts": [{"name": "sock", "mountPath": "/run/containerd/containerd.sock"}]}],
        "volumes": [{"name": "sock", "hostPath": {"path": "/run/containerd/containerd.sock"}}]});
    let settings = json!({"controls": ["no-container-runtime-socket"], "exemptions": [
        {"images": ["registry.example.com/monitoring/*"], "reason": "node agent, SEC-42"}]});
    let r = eval(
        request(
            "DaemonSet",
            "CREATE",
            "monitoring",
            workload("DaemonSet", "monitoring", spec),
        ),
        settings,
    );
    assert_allowed(&r);
    assert!(
        annotation(&r, kit::response::ANNOTATION_EXEMPTED)
            .unwrap()
            .contains("SEC-42")
    );
}
