//! PSS baseline "Sysctls" (PSA check `sysctls`): only namespaced sysctls known
//! to be safe. The allowed list grows with the PSS version (v1.27, v1.29,
//! v1.32, v1.37).

use super::{shown, text};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-sysctls",
    title: kit::cold!("Only safe sysctls are set"),
    rationale: kit::cold!(
        "Sysctls outside the safe, namespaced set change kernel parameters shared with the node and every other pod on it, or open denial-of-service and isolation bypasses."
    ),
    remediation: kit::cold!(
        "remove from spec.securityContext.sysctls every sysctl that is not in the Pod Security Standards' safe set for the enforced version (e.g. kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start)"
    ),
    severity: Severity::Medium,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["Sysctls"],
        cis: &[],
    },
    check,
    ..Control::DEFAULTS
};

/// The allowed sysctls, each with the first PSS minor version that allows it
/// (PSA `sysctlsAllowedV1Dot0` ... `sysctlsAllowedV1Dot37`).
const ALLOWED: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
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
];

fn allowed(name: &str, minor: u32) -> bool {
    ALLOWED
        .iter()
        .any(|(n, since)| *n == name && minor >= *since)
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(minor) = super::evaluated(ctx) else {
        return Vec::new();
    };
    let pod = ctx.pod();
    let sysctls = kit::json::get_array(pod.spec, &["securityContext", "sysctls"]);
    sysctls
        .iter()
        .enumerate()
        .filter(|(_, s)| !text(s.get("name")).is_some_and(|n| allowed(n, minor)))
        .map(|(i, s)| {
            Finding::new(
                pod.field_path(&kit::text!("securityContext.sysctls[{i}].name")),
                kit::text!(
                    "sysctl {} is not in the safe set of PSS v1.{minor}",
                    shown(s.get("name"))
                ),
            )
        })
        .collect()
}
