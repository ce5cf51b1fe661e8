//! Reading a `KubeletConfiguration` (`kubelet.config.k8s.io/v1beta1`) with the
//! defaults the kubelet applies to absent fields (`SetDefaults_KubeletConfiguration`).
//!
//! These defaults are those of the configuration file, not of the command-line
//! flags: absent `authentication.anonymous.enabled` is `false` in a file but
//! `--anonymous-auth` defaults to `true`; absent `readOnlyPort` is `0` in a
//! file but `--read-only-port` defaults to 10255. kubeadm writes
//! `anonymous.enabled: false`, `webhook.enabled: true`, `authorization.mode:
//! Webhook`, `rotateCertificates: true` and zero durations (`0s`) that the
//! kubelet replaces by their defaults. Flags given on the kubelet's command
//! line override the file and are not visible in it.

use kit::Value;
use kit::{Finding, Flag, json};

pub const TAGS_DEFAULT: &[&str] = &["default", "cluster-hardening", "kubelet", "scan-only"];
pub const TAGS: &[&str] = &["cluster-hardening", "kubelet", "scan-only"];

pub fn dotted(path: &[&str]) -> String {
    path.join(".")
}

/// A boolean field that must read `want`, `default` when absent.
pub fn expect_bool(
    object: &Value,
    path: &[&str],
    want: bool,
    default: bool,
    why: &str,
) -> Option<Finding> {
    let field = dotted(path);
    match Flag::of(json::get(object, path)) {
        Flag::True if want => None,
        Flag::False if !want => None,
        Flag::Absent if default == want => None,
        Flag::Absent => Some(Finding::new(
            field.clone(),
            kit::text!(
                "{field} is absent and the kubelet.config.k8s.io/v1beta1 default ({default}) was assumed: {why}"
            ),
        )),
        Flag::Malformed => Some(Finding::new(
            field.clone(),
            kit::text!(
                "{field} is {}, not a boolean: the kubelet refuses the file, and the value cannot be verified",
                json::brief(json::get(object, path).unwrap_or(&Value::Null), 40)
            ),
        )),
        Flag::True | Flag::False => Some(Finding::new(
            field.clone(),
            kit::text!("{field} is {}: {why}", !want),
        )),
    }
}
