//! Peak linear memory of every module on the largest request the API server
//! accepts: objects of 3 MiB (its request body limit), in the shapes that
//! cost a module most — thousands of violating containers, env lists, huge
//! strings, long flag lists, maps with thousands of keys — and, for UPDATE,
//! the same object twice (`object` and `oldObject`).
//!
//! policy-server sets no memory limit, so this is what an instance may take.
//! Wasm memory never shrinks: its size after the call is the call's peak.
//! Every answer must be a verdict (no trap, no 500), and every peak within
//! its budget: [`BUDGET`] for a family, [`BUNDLE_BUDGET`] for the bundle.
//! The numbers are printed (`--nocapture`).

mod common;

use common::dist_module;
use kube_soc2::cluster_snapshot::Context;
use kube_soc2::commands::bench::NATIVE_FAMILIES;
use kube_soc2::commands::bundle_members;
use kube_soc2::engine::DEFAULT_MEMORY_LIMIT;
use kube_soc2::request::validate_payload;
use kube_soc2::{Host, HostOptions, PolicyConfig};
use serde_json::{Value, json};
use std::sync::Arc;

/// The API server's request body limit (`MaxRequestBodyBytes`).
const MAX_OBJECT: usize = 3 * 1024 * 1024;
const MIB: f64 = 1024.0 * 1024.0;

/// The most linear memory any module may take on a 3 MiB request. The
/// largest peak is 76 MiB (access-control, 3 MiB of violating containers);
/// the default limit (512 MiB) let a 289 MiB peak pass unnoticed
/// (cluster-hardening on 60,000 flags, before `Ctx::flags`).
const BUDGET: usize = DEFAULT_MEMORY_LIMIT / 4;

/// The bundle evaluates every family's controls on one parse of the
/// request: twice a family's budget. It takes 144 MiB on the 3 MiB of
/// violating containers, where every family finds something in each.
const BUNDLE_BUDGET: usize = DEFAULT_MEMORY_LIMIT / 2;

/// The largest `make(n)` whose JSON fits in 3 MiB.
fn largest(make: impl Fn(usize) -> Value) -> Value {
    let size = |n| make(n).to_string().len();
    let (mut lo, mut hi) = (1, 2);
    while size(hi) <= MAX_OBJECT {
        lo = hi;
        hi *= 2;
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if size(mid) <= MAX_OBJECT {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    make(lo)
}

fn pod(name: &str, namespace: &str, spec: Value, annotations: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "namespace": namespace, "labels": {"app": name},
                        "annotations": annotations},
           "spec": spec})
}

fn violating_container(i: usize) -> Value {
    json!({"name": format!("c{i}"), "image": "nginx:latest",
           "securityContext": {"privileged": true, "allowPrivilegeEscalation": true,
                               "runAsUser": 0,
                               "capabilities": {"add": ["NET_RAW", "SYS_ADMIN"]}},
           "ports": [{"containerPort": 80, "hostPort": 8080 + (i % 1000)}],
           "volumeMounts": [{"name": "host", "mountPath": "/host"}]})
}

/// The 3 MiB objects measured, by name.
fn shapes() -> Vec<(&'static str, Value)> {
    let host_volume = json!([{"name": "host", "hostPath": {"path": "/"}}]);
    vec![
        (
            "containers",
            largest(|n| {
                pod(
                    "many",
                    "team-a",
                    json!({"hostNetwork": true, "hostPID": true, "volumes": host_volume,
                           "containers": (0..n).map(violating_container).collect::<Vec<_>>()}),
                    json!({}),
                )
            }),
        ),
        (
            "env",
            largest(|n| {
                let env: Vec<Value> = (0..n)
                    .map(|i| json!({"name": format!("PASSWORD_{i}"), "value": "hunter2hunter2"}))
                    .collect();
                pod(
                    "env",
                    "team-a",
                    json!({"containers": [{"name": "c", "image": "nginx", "env": env}]}),
                    json!({}),
                )
            }),
        ),
        (
            "strings",
            // The case: a 1 MiB image and 2,000 capability entries,
            // and a huge annotation.
            largest(|n| {
                let caps: Vec<String> = (0..2000).map(|i| format!("CAP_X{i}")).collect();
                pod(
                    "strings",
                    "team-a",
                    json!({"containers": [{"name": "c",
                        "image": format!("registry.example.com/{}:latest", "a".repeat(1 << 20)),
                        "securityContext": {"capabilities": {"add": caps}}}]}),
                    json!({"note": "x".repeat(n)}),
                )
            }),
        ),
        (
            "flags",
            largest(|n| {
                let mut command = vec![json!("kube-apiserver")];
                command.extend((0..n).map(|i| json!(format!("--flag-{i}=value-{i}"))));
                pod(
                    "kube-apiserver",
                    "kube-system",
                    json!({"hostNetwork": true,
                           "containers": [{"name": "kube-apiserver",
                                           "image": "registry.k8s.io/kube-apiserver:v1.33.0",
                                           "command": command}]}),
                    json!({}),
                )
            }),
        ),
        (
            "configmap",
            largest(|n| {
                let data: serde_json::Map<String, Value> = (0..n)
                    .map(|i| {
                        (
                            format!("aws_secret_access_key_{i}"),
                            json!("AKIAIOSFODNN7EXAMPLE"),
                        )
                    })
                    .collect();
                json!({"apiVersion": "v1", "kind": "ConfigMap",
                       "metadata": {"name": "big", "namespace": "team-a"}, "data": data})
            }),
        ),
        (
            "ingress",
            largest(|n| {
                let rules: Vec<Value> = (0..n)
                    .map(|i| {
                        json!({"host": format!("h{i}.example.com"), "http": {"paths": [
                        {"path": "/", "pathType": "Prefix",
                         "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}})
                    })
                    .collect();
                json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                       "metadata": {"name": "big", "namespace": "team-a",
                                    "annotations": {"nginx.ingress.kubernetes.io/server-snippet": "x"}},
                       "spec": {"rules": rules}})
            }),
        ),
    ]
}

fn request(operation: &str, object: &Value) -> Value {
    let mut r = kit::testing::request(object.clone());
    if operation == "UPDATE" {
        r["operation"] = json!("UPDATE");
        r["oldObject"] = object.clone();
    }
    r
}

/// No deadline: on a loaded machine a 3 MiB evaluation may outlast
/// policy-server's 2 s, and this test measures memory, not time. The limit
/// is wasm32's own (4 GiB), so a peak above the harness's default is
/// measured rather than cut short.
fn host() -> Host {
    Host::new(HostOptions {
        timeout_seconds: None,
        inherit_stdio: false,
        memory_limit: 4 << 30,
        ..HostOptions::default()
    })
    .expect("host")
}

/// About 20 s on 2 cores (96 evaluations of 3 MiB requests).
#[test]
fn every_module_stays_bounded_on_3_mib_requests() {
    let host = &host();
    let shapes = shapes();
    for (name, object) in &shapes {
        let size = object.to_string().len();
        assert!(
            size <= MAX_OBJECT && size > MAX_OBJECT * 9 / 10,
            "{name}: {size} bytes"
        );
    }
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    let modules: Vec<&str> = NATIVE_FAMILIES
        .iter()
        .copied()
        .chain([soc2::FAMILY.name])
        .collect();
    for family in &modules {
        let budget = if bundle_members(family).is_some() {
            BUNDLE_BUDGET
        } else {
            BUDGET
        };
        let module = host.load(&dist_module(family)).expect("module loads");
        // Every control the module has, where its settings allow that.
        let all = json!({"controls": ["all"]});
        let settings = match host.validate_settings(&module, &all) {
            Ok(r) if r.valid => all,
            _ => json!({}),
        };
        let config = PolicyConfig {
            allow_context_aware: true,
            ..PolicyConfig::new(&module.name)
        };
        let context = Arc::new(Context::default());
        let mut peaks = Vec::new();
        let mut idle = 0;
        for (shape, object) in &shapes {
            for operation in ["CREATE", "UPDATE"] {
                let payload = validate_payload(&request(operation, object), &settings);
                let mut instance = host
                    .instantiate(&module, &config, &context)
                    .expect("instantiates");
                idle = instance.memory_bytes();
                let started = std::time::Instant::now();
                let answer = instance.call("validate", &payload);
                let elapsed = started.elapsed();
                let peak = instance.memory_bytes();
                let problem = match answer {
                    Err(e) => Some(format!(
                        "no verdict: {}",
                        e.to_string().lines().next().unwrap_or("")
                    )),
                    Ok(answer) => {
                        let response: Value = serde_json::from_slice(&answer).expect("JSON answer");
                        let message = response["message"].as_str().unwrap_or("");
                        if !response["accepted"].is_boolean() {
                            Some(format!("not a verdict: {response}"))
                        } else if message.len() > 64 * 1024 {
                            Some(format!("a {} byte message", message.len()))
                        } else if peak > budget {
                            Some(format!("above the budget of {} MiB", budget >> 20))
                        } else {
                            None
                        }
                    }
                };
                if let Some(problem) = problem {
                    failures.push(format!(
                        "{family} {shape} {operation}: {problem} ({} MiB)",
                        peak >> 20
                    ));
                }
                peaks.push((*shape, operation, peak, elapsed));
            }
        }
        rows.push((family, idle, peaks));
    }
    println!(
        "peak linear memory (MiB) per 3 MiB request, CREATE / UPDATE (object + oldObject); idle = after init"
    );
    print!("{:<22}{:>6}", "module", "idle");
    for (shape, _) in &shapes {
        print!("{:>18}", shape);
    }
    println!("{:>10}", "max");
    for (family, idle, peaks) in &rows {
        print!("{family:<22}{:>6.1}", *idle as f64 / MIB);
        for pair in peaks.chunks(2) {
            print!(
                "{:>18}",
                format!(
                    "{:.0} / {:.0}",
                    pair[0].2 as f64 / MIB,
                    pair[1].2 as f64 / MIB
                )
            );
        }
        let max = peaks.iter().map(|p| p.2).max().unwrap_or(0);
        println!("{:>10.0}", max as f64 / MIB);
    }
    let slowest = rows
        .iter()
        .flat_map(|(f, _, p)| p.iter().map(move |p| (f, p)))
        .max_by_key(|(_, p)| p.3)
        .map(|(f, p)| format!("{f} {} {}: {:.2} s", p.0, p.1, p.3.as_secs_f64()));
    println!("slowest evaluation: {}", slowest.unwrap_or_default());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A reused instance (kwctl's way, `scan`'s, the bench's) must not grow
/// call after call: the modules' arena rewinds only once everything a call
/// allocated is freed, so anything a module keeps on the heap across calls
/// (a cache filled on first use, say) stops the rewind and the instance grows
/// by a request's worth of memory on every call.
#[test]
fn a_reused_instance_does_not_grow() {
    let host = &host();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bench/pod-5kb.json"),
    )
    .expect("the bench request");
    let request: Value = serde_json::from_str(&text).expect("JSON request");
    // The same Pod with escaped strings (their text is the tree's own) and
    // an `options` list the engine takes out of the tree and drops.
    let mut escaped = request.clone();
    escaped["object"]["metadata"]["annotations"]["note"] = json!("line\n\"quoted\" \u{e9}");
    escaped["object"]["spec"]["containers"][0]["args"] = json!(["--flag=\"a b\"", "tab\there"]);
    escaped["options"] = json!(["not", "an", "object"]);
    let modules = NATIVE_FAMILIES.iter().copied().chain([soc2::FAMILY.name]);
    for family in modules {
        let module = host.load(&dist_module(family)).expect("module loads");
        let config = PolicyConfig::new(&module.name);
        let mut instance = host
            .instantiate(&module, &config, &Arc::new(Context::default()))
            .expect("instantiates");
        let mut sizes = Vec::new();
        for (request, settings, operation) in [
            (&request, json!({}), "validate"),
            (&request, json!({"controls": ["all"]}), "validate"),
            (&escaped, json!({"controls": ["all"]}), "validate"),
            (&escaped, json!({}), "explain"),
        ] {
            let payload = validate_payload(request, &settings);
            let first = instance.call(operation, &payload).expect("a verdict");
            for _ in 0..100 {
                instance.call(operation, &payload).expect("a verdict");
            }
            // The arena grows 1 MiB at a time: 100 calls that kept a 5 KB
            // request's allocations would have taken several steps.
            let settled = instance.memory_bytes();
            for _ in 0..200 {
                let again = instance.call(operation, &payload).expect("a verdict");
                assert_eq!(again, first, "{family} {operation}: another answer");
            }
            sizes.push((operation, settled, instance.memory_bytes()));
        }
        for (operation, settled, after) in sizes {
            assert_eq!(
                settled, after,
                "{family} {operation}: the reused instance grew from {settled} to {after} bytes in 200 calls"
            );
        }
    }
}
