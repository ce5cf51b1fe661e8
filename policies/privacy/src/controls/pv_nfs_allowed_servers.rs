//! NFS PersistentVolumes only from allow-listed servers and exports.

use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "pv-nfs-allowed-servers",
    title: kit::cold!("NFS PersistentVolumes mount only allow-listed servers and exports"),
    rationale: kit::cold!(
        "An NFS PersistentVolume mounts whatever server and export it names, with the node's network identity: a volume pointing at an unreviewed server or at the root of a shared export exposes (or exfiltrates to) storage outside the platform's access control, retention and disposal (SOC 2 CC6.1, C1.2). NFS volumes are refused unless the server and the export path are allow-listed."
    ),
    remediation: kit::cold!(
        "use an allow-listed NFS server and export path (parameters allowedServers and allowedPaths), or a CSI driver with its own access control"
    ),
    severity: Severity::Medium,
    tags: &["storage"],
    criteria: Criteria {
        soc2: &["CC6.1", "C1.2"],
        iso27001: &["A.8.3", "A.8.10"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["/PersistentVolume"]),
    params: &[
        Param {
            name: "allowedServers",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "NFS servers (host names or addresses, globs) volumes may mount; empty refuses every NFS volume"
            ),
        },
        Param {
            name: "allowedPaths",
            kind: ParamKind::StringList,
            default: "[\"*\"]",
            description: kit::cold!("export paths (globs) volumes may mount"),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let nfs = match json::get(ctx.object(), &["spec", "nfs"]) {
        None | Some(Value::Null) => return Vec::new(),
        Some(v) => v,
    };
    let mut out = Vec::new();
    match json::get(nfs, &["server"]) {
        Some(Value::String(s))
            if kit::glob::any_matches(&ctx.params.strings("allowedServers"), s) => {}
        Some(Value::String(s)) => out.push(Finding::new(
            "spec.nfs.server",
            kit::text!(
                "NFS server \"{}\" is not in allowedServers",
                crate::meta::bounded(s)
            ),
        )),
        other => out.push(Finding::new(
            "spec.nfs.server",
            kit::text!(
                "NFS server {} is not a host name",
                other.map_or("missing".into(), crate::meta::shown)
            ),
        )),
    }
    match json::get(nfs, &["path"]) {
        Some(Value::String(p))
            if !p.split('/').any(|seg| seg == "..")
                && kit::glob::any_matches(&ctx.params.strings("allowedPaths"), p) => {}
        Some(Value::String(p)) => out.push(Finding::new(
            "spec.nfs.path",
            kit::text!(
                "NFS export path \"{}\" is not in allowedPaths",
                crate::meta::bounded(p)
            ),
        )),
        other => out.push(Finding::new(
            "spec.nfs.path",
            kit::text!(
                "NFS export path {} is not a path",
                other.map_or("missing".into(), crate::meta::shown)
            ),
        )),
    }
    out
}
