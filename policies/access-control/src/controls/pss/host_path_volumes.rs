//! PSS baseline "HostPath Volumes" (PSA check `hostPathVolumes`, all versions).

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "pss-host-path-volumes",
    title: kit::cold!("HostPath volumes are disallowed"),
    rationale: kit::cold!(
        "A hostPath volume mounts a directory of the node into the container: the container runtime socket, kubelet credentials or /etc are one mount away from a node takeover."
    ),
    remediation: kit::cold!(
        "replace hostPath volumes with emptyDir, configMap, secret, projected or persistentVolumeClaim volumes"
    ),
    severity: Severity::High,
    tags: super::BASELINE,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &["HostPath Volumes"],
        cis: &["5.2.12"],
    },
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    // One version of this check for every PSS version.
    if super::evaluated(ctx).is_none() {
        return Vec::new();
    }
    let pod = ctx.pod();
    pod.volumes()
        .filter(|(_, v)| super::set(v.get("hostPath")).is_some())
        .map(|(i, v)| {
            let name = v.get("name").and_then(Value::as_str).unwrap_or("");
            let path = v
                .get("hostPath")
                .and_then(|h| h.get("path"))
                .and_then(Value::as_str)
                .unwrap_or("");
            Finding::new(
                pod.field_path(&kit::text!("volumes[{i}].hostPath")),
                kit::text!("volume \"{name}\" mounts host path \"{path}\""),
            )
        })
        .collect()
}
