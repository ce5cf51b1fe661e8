//! Container-runtime sockets mounted from the host (Kyverno
//! `disallow-cri-sock-mount`, Kubescape C-0074), including mounts of a parent
//! directory such as `/var/run`, which expose the socket just the same.

use crate::controls::common::volume_findings;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "no-container-runtime-socket",
    title: kit::cold!("Container-runtime sockets are not mounted into pods"),
    rationale: kit::cold!(
        "Whoever reaches the Docker, containerd or CRI-O socket can start privileged containers on the node and read every other container: it is root on the node, bypassing every admission control."
    ),
    remediation: kit::cold!(
        "remove the hostPath volume that exposes the runtime socket (or its directory); build images with a rootless builder (e.g. BuildKit rootless, kaniko) instead of the node's runtime"
    ),
    severity: Severity::Critical,
    tags: super::DEFAULT,
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.2.12"],
    },
    params: PARAMS,
    check,
    ..Control::DEFAULTS
};

const PARAMS: &[Param] = &[Param {
    name: "extraSocketPaths",
    kind: ParamKind::StringList,
    default: "[]",
    description: kit::cold!(
        "Further host socket paths to protect (absolute), in addition to the Docker, containerd, CRI-O, cri-dockerd, Podman, k3s, k0s and MicroK8s defaults"
    ),
}];

/// Where runtimes put their API socket (both `/var/run` and `/run`: on most
/// distributions one is a symlink to the other).
const SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/var/run/dockershim.sock",
    "/var/run/podman/podman.sock",
    "/run/podman/podman.sock",
    "/run/k3s/containerd/containerd.sock",
    "/run/k0s/containerd.sock",
    "/var/snap/microk8s/common/run/containerd.sock",
];

/// `path` without trailing or doubled slashes (`/var//run/` is `/var/run`).
fn normalise(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Whether mounting host path `mounted` exposes `socket`: the socket itself or
/// any directory above it.
fn exposes(mounted: &str, socket: &str) -> bool {
    socket == mounted
        || (socket.starts_with(mounted)
            && (mounted == "/" || socket.as_bytes().get(mounted.len()) == Some(&b'/')))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let pod = ctx.pod();
    let mut findings = Vec::new();
    let mut extra: Option<Vec<String>> = None;
    for (i, v) in pod.volumes() {
        let Some(raw) = kit::json::get_str(v, &["hostPath", "path"]) else {
            continue;
        };
        let mounted = normalise(raw);
        // Parameters are read only for pods that mount host paths at all.
        let extra = extra.get_or_insert_with(|| ctx.params.strings("extraSocketPaths"));
        let hit = SOCKETS
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str))
            .find(|s| exposes(&mounted, &normalise(s)));
        if let Some(socket) = hit {
            let what = if mounted == normalise(socket) {
                kit::text!("is the host's container-runtime socket {socket}")
            } else {
                kit::text!(
                    "is host path {mounted}, which contains the container-runtime socket {socket}"
                )
            };
            findings.extend(volume_findings(pod, i, v, "hostPath.path", &what));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_and_their_directories() {
        assert_eq!(normalise("/var//run/"), "/var/run");
        assert_eq!(normalise("/"), "/");
        assert_eq!(normalise("/./var/run/docker.sock"), "/var/run/docker.sock");
        assert!(exposes("/var/run", "/var/run/docker.sock"));
        assert!(exposes("/", "/var/run/docker.sock"));
        assert!(exposes("/var/run/docker.sock", "/var/run/docker.sock"));
        assert!(!exposes("/var/ru", "/var/run/docker.sock"));
        assert!(!exposes("/var/run/docker.sock.d", "/var/run/docker.sock"));
        assert!(!exposes("/var/log", "/var/run/docker.sock"));
    }
}
