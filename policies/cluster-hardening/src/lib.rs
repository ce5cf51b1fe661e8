//! kube-soc2 cluster-hardening family (one Kubewarden policy module): API server, controller manager, scheduler, etcd and kubelet configuration as evidence (CIS Kubernetes Benchmark 1-4; SOC 2 CC6.1, CC6.6, CC7.1, CC7.2).

pub mod controls;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "cluster-hardening",
    title: "Cluster hardening (SOC 2 CC6.1, CC6.6, CC7.1, CC7.2; CIS 1-4)",
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
};

kit::export_family!(FAMILY);
