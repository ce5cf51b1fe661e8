//! NET_RAW dropped (CIS 5.2.8). PSS baseline lets containers keep the
//! runtime's default capabilities, NET_RAW among them.

use crate::controls::common::is_windows;
use kit::Value;
use kit::value::{capability_added, capability_dropped};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "drop-net-raw",
    title: kit::cold!("Containers drop the NET_RAW capability"),
    rationale: kit::cold!(
        "NET_RAW, granted by default by most runtimes, lets a process craft raw packets: ARP and DNS spoofing of its neighbours on the node and several container-escape CVEs start there."
    ),
    remediation: kit::cold!(
        "add NET_RAW (or ALL) to securityContext.capabilities.drop of every container and do not add it back in capabilities.add"
    ),
    severity: Severity::Medium,
    tags: super::OPTIONAL,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.2.8"],
    },
    check,
    ..Control::DEFAULTS
};

// Which spellings grant and which drop NET_RAW is decided in one place for
// every capability control, `kit::value::capability_added` / `_dropped`: a
// grant is read generously (`net_raw`, ` CAP_NET_RAW `, `all`), a drop
// strictly (`NET_RAW` or `ALL` only; `CAP_NET_RAW` drops nothing under
// containerd's CRI, which prefixes `CAP_` again).

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    // Capabilities do not exist on Windows; the API server forbids the field there.
    if is_windows(pod) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for c in pod.containers() {
        let caps = c.security_context(&["capabilities"]);
        let drop = caps
            .map(|v| kit::json::get_array(v, &["drop"]))
            .unwrap_or(&[]);
        if !drop
            .iter()
            .filter_map(Value::as_str)
            .any(|d| capability_dropped(d, "NET_RAW"))
        {
            findings.push(Finding::container(
                &c,
                "securityContext.capabilities.drop",
                "NET_RAW is not dropped (neither NET_RAW nor ALL is in capabilities.drop)",
            ));
        }
        let add = caps
            .map(|v| kit::json::get_array(v, &["add"]))
            .unwrap_or(&[]);
        for (k, cap) in add.iter().enumerate() {
            if let Some(cap) = cap.as_str().filter(|c| capability_added(c, "NET_RAW")) {
                findings.push(Finding::container(
                    &c,
                    &kit::text!("securityContext.capabilities.add[{k}]"),
                    kit::text!(
                        "capabilities.add grants {}, which includes NET_RAW",
                        cap.chars().take(40).collect::<String>()
                    ),
                ));
            }
        }
    }
    findings
}
