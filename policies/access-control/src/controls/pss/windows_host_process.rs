//! PSS baseline "HostProcess" (PSA check `windowsHostProcess`, all versions).

use super::enabled;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-windows-host-process",
    title: kit::cold!("Windows HostProcess containers are disallowed"),
    rationale: kit::cold!(
        "A Windows HostProcess container runs directly on the node as a host process, with privileged access to the Windows node."
    ),
    remediation: kit::cold!(
        "remove securityContext.windowsOptions.hostProcess (pod and containers) or set it to false"
    ),
    severity: Severity::Critical,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["HostProcess"],
        cis: &["5.2.11"],
    },
    check,
    ..Control::DEFAULTS
};

const PATH: [&str; 3] = ["securityContext", "windowsOptions", "hostProcess"];
const FIELD: &str = "securityContext.windowsOptions.hostProcess";
const MESSAGE: &str = "hostProcess is true: the container runs as a process of the Windows node";

fn check(ctx: &Ctx) -> Vec<Finding> {
    // One version of this check for every PSS version.
    if super::evaluated(ctx).is_none() {
        return Vec::new();
    }
    let pod = ctx.pod();
    let mut findings = Vec::new();
    if enabled(pod.get(&PATH)) {
        findings.push(Finding::new(pod.field_path(FIELD), MESSAGE));
    }
    findings.extend(
        pod.containers()
            .filter(|c| enabled(c.security_context(&PATH[1..])))
            .map(|c| Finding::container(&c, FIELD, MESSAGE)),
    );
    findings
}
