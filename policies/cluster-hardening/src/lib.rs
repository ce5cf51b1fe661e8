//! kube-soc2 cluster-hardening family (one Kubewarden policy module): API
//! server, controller manager, scheduler, etcd and kubelet configuration as
//! evidence (CIS Kubernetes Benchmark v1.9/v1.10 sections 1-4; SOC 2 CC6.1,
//! CC6.6, CC7.1, CC7.2).
//!
//! Two kinds of objects carry this configuration:
//! - the control-plane static Pods (their mirror Pods in `kube-system` at
//!   admission, the manifests of `/etc/kubernetes/manifests` in `scan`), read
//!   with the kit's flag parser ([`static_pod`]);
//! - the configuration files of the components (`KubeletConfiguration`, the
//!   audit `Policy`, `AdmissionConfiguration`), which only `scan` sees.
//!
//! Denying a mirror Pod does not stop its static Pod, so every control of the
//! family is warn-only unless the settings name their own `warnOnly`.

pub mod audit;
pub mod controls;
pub mod duration;
pub mod static_pod;

use kit::{Family, Param, ParamKind};
use kit::{Value, dom::Map};

/// The family tag every control carries (and the default `warnOnly`).
pub const FAMILY_TAG: &str = "cluster-hardening";

/// Family option: the namespaces whose Pods are control-plane static Pods.
pub const CONTROL_PLANE_NAMESPACES: &str = "controlPlaneNamespaces";

fn validate_options(options: &Map) -> Result<(), String> {
    let empty = options
        .get(CONTROL_PLANE_NAMESPACES)
        .and_then(Value::as_array)
        .is_some_and(|a| a.is_empty() || a.iter().any(|v| v.as_str() == Some("")));
    if empty {
        return Err(kit::text!(
            "{CONTROL_PLANE_NAMESPACES} must name at least one namespace, and no empty one (default [\"kube-system\"])"
        ));
    }
    Ok(())
}

pub static FAMILY: Family = Family {
    name: "cluster-hardening",
    title: kit::cold!("Cluster hardening (SOC 2 CC6.1, CC6.6, CC7.1, CC7.2; CIS 1-4)"),
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: &[Param {
        name: CONTROL_PLANE_NAMESPACES,
        kind: ParamKind::StringList,
        default: r#"["kube-system"]"#,
        description: kit::cold!(
            "namespaces whose Pods running kube-apiserver, kube-controller-manager, kube-scheduler or etcd are control-plane static Pods (mirror Pods); Pods elsewhere are never looked at"
        ),
    }],
    validate_options: Some(validate_options),
    default_warn_only: &[FAMILY_TAG],
    reads_whole_request: false,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

kit::export_family!(FAMILY);
