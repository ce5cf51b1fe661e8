//! CIS 1.2.10, 1.2.12, 1.2.13, 1.2.14: the admission plugins the benchmark
//! requires are on, AlwaysAdmit is off.

use crate::static_pod::{APISERVER, Component, each, shown};
use kit::{Control, Criteria, Ctx, Finding, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-admission-plugins",
    title: kit::cold!(
        "The API server runs NodeRestriction, ServiceAccount and NamespaceLifecycle, never AlwaysAdmit"
    ),
    rationale: kit::cold!(
        "NodeRestriction (off by default) keeps a kubelet from modifying other nodes and Pods bound elsewhere, so one compromised node does not become the cluster. ServiceAccount and NamespaceLifecycle are on by default; disabling them breaks service-account token binding and lets objects land in terminating or missing namespaces. AlwaysAdmit admits everything (deprecated)."
    ),
    remediation: kit::cold!(
        "add NodeRestriction to --enable-admission-plugins, remove AlwaysAdmit from it, and remove ServiceAccount and NamespaceLifecycle from --disable-admission-plugins"
    ),
    severity: Severity::High,
    tags: &[
        "default",
        "cluster-hardening",
        "control-plane",
        "kube-apiserver",
    ],
    criteria: Criteria {
        soc2: &["CC6.1", "CC7.1"],
        iso27001: &["A.8.2", "A.8.9"],
        pss: &[],
        cis: &["1.2.10", "1.2.12", "1.2.13", "1.2.14"],
    },
    kinds: super::POD,
    check,
    ..Control::DEFAULTS
};

/// The occurrences of `flag` whose comma list holds `plugin`.
fn naming<'c, 'a>(
    c: &'c Component<'a>,
    flag: &'c str,
    plugin: &'c str,
) -> impl Iterator<Item = &'c kit::flags::FlagArg<'a>> + 'c {
    c.flags.args.iter().filter(move |a| {
        a.name == flag && a.value.unwrap_or("").split(',').any(|p| p.trim() == plugin)
    })
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    each(ctx, &[APISERVER], |c, out| {
        let enabled = c.flags.values("enable-admission-plugins");
        let disabled = c.flags.values("disable-admission-plugins");
        if !enabled.contains(&"NodeRestriction") {
            let msg = "kube-apiserver does not enable NodeRestriction (off by default): a kubelet's credentials can modify other nodes and their Pods";
            match c.flags.last("enable-admission-plugins") {
                Some(arg) => out.push(c.at(arg, kit::text!("{msg} ({})", shown(arg)))),
                None => {
                    out.push(c.missing(kit::text!("{msg} (--enable-admission-plugins is not set)")))
                }
            }
        }
        for arg in naming(c, "enable-admission-plugins", "AlwaysAdmit") {
            out.push(c.at(
                arg,
                kit::text!(
                    "kube-apiserver {}: AlwaysAdmit admits every request and bypasses admission control",
                    shown(arg)
                ),
            ));
        }
        for plugin in ["NodeRestriction", "ServiceAccount", "NamespaceLifecycle"] {
            if disabled.contains(&plugin) {
                for arg in naming(c, "disable-admission-plugins", plugin) {
                    out.push(c.at(
                        arg,
                        kit::text!("kube-apiserver {}: {plugin} is disabled", shown(arg)),
                    ));
                }
            }
        }
    })
}
