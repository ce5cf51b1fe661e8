//! PersistentVolumes are not hostPath volumes.

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "pv-no-host-path",
    title: kit::cold!("PersistentVolumes do not use hostPath"),
    rationale: kit::cold!(
        "A hostPath PersistentVolume is a directory of whichever node the pod lands on: any pod scheduled there with the claim reads and writes the node's filesystem, the data is neither access-controlled nor disposed of by the storage system (Retain leaves it on the node, Recycle runs rm -rf), and it silently follows the scheduler from node to node. Pod Security Standards forbid inline hostPath volumes; a hostPath PersistentVolume is the same hole one indirection away (SOC 2 CC6.1, C1.2). Local volumes (spec.local with node affinity) are the supported way to use node disks."
    ),
    remediation: kit::cold!(
        "use a CSI driver or a local PersistentVolume (spec.local with nodeAffinity) instead of spec.hostPath, or list the path in allowedPaths for a reviewed exception"
    ),
    severity: Severity::High,
    tags: &["default", "storage"],
    criteria: Criteria {
        soc2: &["CC6.1", "C1.2"],
        iso27001: &["A.8.3", "A.8.10"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["/PersistentVolume"]),
    params: &[Param {
        name: "allowedPaths",
        kind: ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "host paths (globs) allowed for hostPath PersistentVolumes, e.g. a reviewed provisioner directory"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let host_path = match json::get(ctx.object(), &["spec", "hostPath"]) {
        None | Some(Value::Null) => return Vec::new(),
        Some(v) => v,
    };
    let path = json::get_str(host_path, &["path"]);
    if let Some(p) = path
        && !p.contains("..")
        && kit::glob::any_matches(&ctx.params.strings("allowedPaths"), p)
    {
        return Vec::new();
    }
    vec![Finding::new(
        "spec.hostPath",
        kit::text!(
            "the volume is the host directory {}: node filesystem access without access control or disposal",
            path.map_or_else(
                || crate::meta::shown(host_path),
                |p| kit::text!("\"{}\"", crate::meta::bounded(p))
            )
        ),
    )]
}
