//! CIS 4.2.6: the kubelet manages its iptables utility chains.

use super::kubelet::{TAGS, expect_bool};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "kubelet-iptables-util-chains",
    title: kit::cold!("Kubelets manage their iptables utility chains"),
    rationale: kit::cold!(
        "With makeIPTablesUtilChains (default true) the kubelet keeps the iptables chains that drop marked and martian packets consistent with the Pods' networking needs; turned off, manual rules drift and can leave node ports open."
    ),
    remediation: kit::cold!(
        "remove makeIPTablesUtilChains: false from the KubeletConfiguration (or set it to true)"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: Criteria {
        soc2: &["CC6.6"],
        iso27001: &["A.8.20", "A.8.9"],
        pss: &[],
        cis: &["4.2.6"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    expect_bool(
        ctx.object(),
        &["makeIPTablesUtilChains"],
        true,
        true,
        "the kubelet does not keep its iptables chains in place",
    )
    .into_iter()
    .collect()
}
