//! CIS 4.3.1: kube-proxy serves its metrics on loopback only.

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Severity, json, value};

pub static CONTROL: Control = Control {
    id: "kube-proxy-metrics-bind-address",
    title: kit::cold!("kube-proxy serves its metrics on loopback only"),
    rationale: kit::cold!(
        "kube-proxy's metrics endpoint has no authentication. Bound to every interface (0.0.0.0:10249) it tells anyone on the network the node's Services, endpoints and sync timings. The default is 127.0.0.1:10249; kubeadm writes an empty metricsBindAddress, which means that default."
    ),
    remediation: kit::cold!(
        "set metricsBindAddress to 127.0.0.1:10249 (or leave it empty) in the KubeProxyConfiguration, which kubeadm keeps in the kube-system/kube-proxy ConfigMap (key config.conf)"
    ),
    severity: Severity::Medium,
    tags: &["cluster-hardening", "kube-proxy"],
    criteria: Criteria {
        soc2: &["CC6.6"],
        iso27001: &["A.8.20"],
        pss: &[],
        cis: &["4.3.1"],
    },
    kinds: KindSet::Only(&[
        "kubeproxy.config.k8s.io/KubeProxyConfiguration",
        "/ConfigMap",
    ]),
    check,
    ..Control::DEFAULTS
};

/// Whether `address` (`host:port`, `[v6]:port`, or a bare host) is loopback;
/// empty means the default (127.0.0.1:10249).
fn loopback(address: &str) -> bool {
    let a = address.trim().trim_matches(|c| c == '"' || c == '\'');
    if a.is_empty() {
        return true;
    }
    let host = if let Some(rest) = a.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else if a.matches(':').count() > 1 {
        a // bare IPv6
    } else {
        a.rsplit_once(':').map_or(a, |(h, _)| h)
    };
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

fn finding(path: String, address: &str) -> Finding {
    Finding::new(
        path,
        kit::text!(
            "metricsBindAddress is \"{}\": kube-proxy metrics are served without authentication beyond loopback",
            kit::response::truncate(address.trim(), 60)
        ),
    )
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    if ctx.request.kind == "KubeProxyConfiguration" {
        return match value::string(json::get(object, &["metricsBindAddress"])) {
            Ok(None) => Vec::new(),
            Ok(Some(a)) if loopback(a) => Vec::new(),
            Ok(Some(a)) => vec![finding("metricsBindAddress".into(), a)],
            Err(v) => vec![Finding::new(
                "metricsBindAddress",
                kit::text!("metricsBindAddress is {}, not a string", json::brief(v, 40)),
            )],
        };
    }
    // The kube-proxy ConfigMap kubeadm writes: its config.conf is the
    // KubeProxyConfiguration as YAML; metricsBindAddress is a top-level key.
    let name = json::get_str(object, &["metadata", "name"]).unwrap_or("");
    let ns =
        json::get_str(object, &["metadata", "namespace"]).unwrap_or(ctx.request.namespace.as_str());
    if name != "kube-proxy" || ns != "kube-system" {
        return Vec::new();
    }
    let Some(Value::String(conf)) = json::get(object, &["data", "config.conf"]) else {
        return Vec::new();
    };
    conf.lines()
        .filter_map(|l| l.strip_prefix("metricsBindAddress:"))
        .filter(|a| !loopback(a.split('#').next().unwrap_or("")))
        .map(|a| finding("data.config.conf".into(), a))
        .take(1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::loopback;

    #[test]
    fn loopback_addresses() {
        for a in [
            "",
            "127.0.0.1:10249",
            "localhost:10249",
            "[::1]:10249",
            "::1",
            "\"\"",
            "127.0.0.1",
        ] {
            assert!(loopback(a), "{a}");
        }
        for a in [
            "0.0.0.0:10249",
            "10.0.0.10:10249",
            "[::]:10249",
            ":10249",
            "0.0.0.0",
        ] {
            assert!(!loopback(a), "{a}");
        }
    }
}
