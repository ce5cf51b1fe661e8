//! kube-soc2 encryption family (one Kubewarden policy module): TLS at every edge, mesh mTLS, certificates, encryption at rest, control-plane encryption, secret hygiene (SOC 2 CC6.1, CC6.7, C1.1).

pub mod controlplane;
pub mod controls;
pub mod secrets;
pub mod storage;
pub mod tls;
pub mod x509;

use kit::Family;

pub static FAMILY: Family = Family {
    name: "encryption",
    title: kit::cold!("Encryption and secrets (SOC 2 CC6.1, CC6.7, C1.1)"),
    version: env!("CARGO_PKG_VERSION"),
    groups: &[controls::CONTROLS],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

kit::export_family!(FAMILY);
