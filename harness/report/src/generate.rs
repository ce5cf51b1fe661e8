//! Realistic generated manifests for the scan benchmark ("scan 10,000
//! objects", issue 5), and a small thread-safe timer for objects per second
//! and time to first result.
//!
//! The mix resembles a real cluster: about a third of the objects carry a pod
//! template (Deployments, StatefulSets, CronJobs, Jobs, DaemonSets), the rest
//! are Services, ConfigMaps, PDBs, HPAs, ServiceAccounts, NetworkPolicies,
//! Ingresses and RBAC. About a quarter of the workloads have the usual
//! mistakes (no resources, root, privilege escalation, `:latest`), so the
//! benchmark also pays for building rejection messages. Output depends only on
//! `n` and `seed`.

use crate::inputs::{Object, Origin};
use serde_json::{Value, json};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// xorshift64*: deterministic, dependency-free, good enough for a mix.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const TIERS: &[&str] = &[
    "web", "api", "worker", "cache", "db", "gateway", "auth", "search",
];

/// Kinds in proportion (one entry per share).
const MIX: &[&str] = &[
    "Deployment",
    "Deployment",
    "Deployment",
    "Deployment",
    "Service",
    "Service",
    "Service",
    "ConfigMap",
    "ConfigMap",
    "ConfigMap",
    "StatefulSet",
    "CronJob",
    "Job",
    "DaemonSet",
    "PodDisruptionBudget",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "ServiceAccount",
    "ServiceAccount",
    "NetworkPolicy",
    "Ingress",
    "Role",
    "RoleBinding",
];

struct App {
    ns: String,
    name: String,
    labels: Value,
}

fn container(rng: &mut Rng, app: &App, sloppy: bool) -> Value {
    let version = format!("1.{}.{}", rng.below(30), rng.below(10));
    let mut c = json!({
        "name": app.name,
        "image": format!("registry.example.com/{}/{}:{version}", app.ns, app.name),
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "envFrom": [{"configMapRef": {"name": format!("{}-config", app.name)}}],
        "resources": {
            "requests": {"cpu": format!("{}m", 50 * (1 + rng.below(8))), "memory": format!("{}Mi", 64 * (1 + rng.below(8)))},
            "limits": {"cpu": "1", "memory": "1Gi"}
        },
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 10},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 20},
        "securityContext": {
            "runAsNonRoot": true,
            "runAsUser": 10001,
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": true,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"}
        }
    });
    if sloppy {
        match rng.below(5) {
            0 => c["image"] = json!(format!("docker.io/library/{}:latest", app.name)),
            1 => {
                c["securityContext"] = json!({"privileged": true});
            }
            2 => {
                if let Some(o) = c.as_object_mut() {
                    o.remove("resources");
                }
            }
            3 => c["securityContext"]["allowPrivilegeEscalation"] = json!(true),
            _ => {
                if let Some(o) = c.as_object_mut() {
                    o.remove("livenessProbe");
                    o.remove("readinessProbe");
                }
            }
        }
    }
    c
}

fn pod_template(rng: &mut Rng, app: &App) -> Value {
    let sloppy = rng.chance(25);
    let mut spec = json!({
        "serviceAccountName": app.name,
        "automountServiceAccountToken": false,
        "securityContext": {"runAsNonRoot": true, "fsGroup": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [container(rng, app, sloppy)],
        "topologySpreadConstraints": [{
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": app.labels}
        }]
    });
    if sloppy && rng.chance(30) {
        spec["hostNetwork"] = json!(true);
    }
    json!({"metadata": {"labels": app.labels}, "spec": spec})
}

fn meta(app: &App, name: &str) -> Value {
    json!({"name": name, "namespace": app.ns, "labels": app.labels})
}

fn object(rng: &mut Rng, kind: &str, app: &App) -> Value {
    let n = &app.name;
    match kind {
        "Deployment" => json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(app, n),
            "spec": {
                "replicas": 2 + rng.below(3),
                "selector": {"matchLabels": app.labels},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}},
                "template": pod_template(rng, app)
            }
        }),
        "StatefulSet" => json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": meta(app, n),
            "spec": {
                "replicas": 3, "serviceName": n,
                "selector": {"matchLabels": app.labels},
                "template": pod_template(rng, app),
                "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}]
            }
        }),
        "DaemonSet" => json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": meta(app, &format!("{n}-agent")),
            "spec": {"selector": {"matchLabels": app.labels}, "template": pod_template(rng, app)}
        }),
        "Job" => {
            let mut t = pod_template(rng, app);
            t["spec"]["restartPolicy"] = json!("Never");
            json!({
                "apiVersion": "batch/v1", "kind": "Job", "metadata": meta(app, &format!("{n}-migrate")),
                "spec": {"backoffLimit": 2, "ttlSecondsAfterFinished": 3600, "template": t}
            })
        }
        "CronJob" => {
            let mut t = pod_template(rng, app);
            t["spec"]["restartPolicy"] = json!("OnFailure");
            json!({
                "apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta(app, &format!("{n}-nightly")),
                "spec": {
                    "schedule": format!("{} {} * * *", rng.below(60), rng.below(6)),
                    "concurrencyPolicy": "Forbid",
                    "jobTemplate": {"spec": {"backoffLimit": 1, "template": t}}
                }
            })
        }
        "Service" => json!({
            "apiVersion": "v1", "kind": "Service", "metadata": meta(app, n),
            "spec": {"type": "ClusterIP", "selector": app.labels, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}
        }),
        "ConfigMap" => json!({
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(app, &format!("{n}-config")),
            "data": {"LOG_LEVEL": "info", "FEATURE_FLAGS": format!("flag-{}", rng.below(100))}
        }),
        "PodDisruptionBudget" => json!({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(app, n),
            "spec": {"minAvailable": 1, "selector": {"matchLabels": app.labels}}
        }),
        "HorizontalPodAutoscaler" => json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(app, n),
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": n},
                "minReplicas": 2, "maxReplicas": 10,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]
            }
        }),
        "ServiceAccount" => json!({
            "apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(app, n),
            "automountServiceAccountToken": false
        }),
        "NetworkPolicy" => json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta(app, &format!("{n}-ingress")),
            "spec": {
                "podSelector": {"matchLabels": app.labels},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": app.ns}}}], "ports": [{"port": 8080}]}]
            }
        }),
        "Ingress" => json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta(app, n),
            "spec": {
                "ingressClassName": "nginx",
                "tls": [{"hosts": [format!("{n}.example.com")], "secretName": format!("{n}-tls")}],
                "rules": [{"host": format!("{n}.example.com"), "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": n, "port": {"name": "http"}}}}]}}]
            }
        }),
        "Role" => json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta(app, &format!("{n}-reader")),
            "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]
        }),
        _ => json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta(app, &format!("{n}-reader")),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": format!("{n}-reader")},
            "subjects": [{"kind": "ServiceAccount", "name": n, "namespace": app.ns}]
        }),
    }
}

/// Pod-bearing kinds only: every object reaches every module whose rules
/// take workloads, so a scan pays the most evaluations per object.
const WORKLOADS: &[&str] = &[
    "Deployment",
    "Deployment",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
];

/// Which kinds `generate` draws from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mix {
    /// A cluster's proportions: a third of the objects carry a pod template.
    #[default]
    Realistic,
    /// Only Pod-bearing kinds (the heaviest scan per object).
    Workloads,
}

impl Mix {
    pub fn parse(s: &str) -> Result<Mix, String> {
        match s {
            "realistic" => Ok(Mix::Realistic),
            "workloads" => Ok(Mix::Workloads),
            _ => Err(format!("--mix: \"{s}\" is not one of realistic, workloads")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mix::Realistic => "realistic",
            Mix::Workloads => "workloads",
        }
    }

    fn kinds(self) -> &'static [&'static str] {
        match self {
            Mix::Realistic => MIX,
            Mix::Workloads => WORKLOADS,
        }
    }
}

/// `n` generated objects. Names are unique per kind and namespace.
pub fn generate(n: usize, seed: u64) -> Vec<Value> {
    generate_mix(n, seed, Mix::Realistic)
}

/// `n` generated objects of `mix`.
pub fn generate_mix(n: usize, seed: u64, mix: Mix) -> Vec<Value> {
    let kinds = mix.kinds();
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let tier = TIERS[i % TIERS.len()];
            let ns = format!("team-{:02}", (i / 97) % 40);
            let name = format!("{tier}-{i:05}");
            let labels = json!({
                "app.kubernetes.io/name": name,
                "app.kubernetes.io/part-of": ns,
                "app.kubernetes.io/component": tier,
            });
            let app = App { ns, name, labels };
            let kind = kinds[rng.below(kinds.len() as u64) as usize];
            object(&mut rng, kind, &app)
        })
        .collect()
}

/// The same objects as loaded objects (origin `generated`, one document each),
/// ready for the harness's evaluation loop.
pub fn generate_objects(n: usize, seed: u64) -> Vec<Object> {
    generate_objects_mix(n, seed, Mix::Realistic)
}

/// [`generate_objects`] of `mix`.
pub fn generate_objects_mix(n: usize, seed: u64, mix: Mix) -> Vec<Object> {
    generate_mix(n, seed, mix)
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let origin = Origin {
                file: "generated".to_string(),
                document: i + 1,
                item: None,
                line: 0,
                source: None,
            };
            Object::new(i, origin, &value)
        })
        .collect()
}

/// The same objects as one multi-document YAML stream, to benchmark loading
/// as well (write it to a file and scan that).
pub fn generate_yaml(n: usize, seed: u64) -> String {
    generate_yaml_mix(n, seed, Mix::Realistic)
}

/// [`generate_yaml`] of `mix`.
pub fn generate_yaml_mix(n: usize, seed: u64, mix: Mix) -> String {
    let mut out = String::new();
    for v in generate_mix(n, seed, mix) {
        out.push_str("---\n");
        out.push_str(&serde_yaml::to_string(&v).unwrap_or_default());
    }
    out
}

/// Counts finished objects from any thread and remembers when the first one
/// finished.
#[derive(Debug)]
pub struct Throughput {
    start: Instant,
    first: OnceLock<Duration>,
    done: AtomicUsize,
}

impl Default for Throughput {
    fn default() -> Self {
        Throughput::start()
    }
}

impl Throughput {
    pub fn start() -> Throughput {
        Throughput {
            start: Instant::now(),
            first: OnceLock::new(),
            done: AtomicUsize::new(0),
        }
    }

    /// Call once per object whose evaluation finished.
    pub fn record(&self) {
        self.first.get_or_init(|| self.start.elapsed());
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    pub fn finish(&self) -> BenchReport {
        BenchReport {
            objects: self.done.load(Ordering::Relaxed),
            total: self.start.elapsed(),
            time_to_first_result: self.first.get().copied(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchReport {
    pub objects: usize,
    pub total: Duration,
    pub time_to_first_result: Option<Duration>,
}

impl BenchReport {
    pub fn objects_per_second(&self) -> f64 {
        let secs = self.total.as_secs_f64();
        if secs > 0.0 {
            self.objects as f64 / secs
        } else {
            0.0
        }
    }
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} objects in {:.3}s: {:.0} objects/s, first result after {}",
            self.objects,
            self.total.as_secs_f64(),
            self.objects_per_second(),
            match self.time_to_first_result {
                Some(d) => format!("{:.1}ms", d.as_secs_f64() * 1000.0),
                None => "-".to_string(),
            }
        )
    }
}
