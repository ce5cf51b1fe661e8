//! CIS 1.2.3, 1.2.9, 1.2.11 (Manual): further admission plugins the benchmark
//! recommends where they fit the cluster.

use crate::static_pod::{APISERVER, each, shown};
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "apiserver-extra-admission-plugins",
    title: kit::cold!("The API server enables the recommended optional admission plugins"),
    rationale: kit::cold!(
        "EventRateLimit keeps a flood of events from exhausting the API server and etcd; AlwaysPullImages makes every Pod prove it may pull its image, so a cached private image cannot be reused by another tenant; DenyServiceExternalIPs blocks the Service externalIPs man-in-the-middle (CVE-2020-8554). They are Manual in the benchmark: whether each fits depends on the cluster, hence the list parameter."
    ),
    remediation: kit::cold!(
        "add the listed plugins to --enable-admission-plugins (EventRateLimit also needs --admission-control-config-file with its configuration)"
    ),
    severity: Severity::Low,
    tags: &["cluster-hardening", "control-plane", "kube-apiserver"],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.6"],
        iso27001: &["A.8.9", "A.8.6"],
        pss: &[],
        cis: &["1.2.3", "1.2.9", "1.2.11"],
    },
    kinds: super::POD,
    params: &[Param {
        name: "plugins",
        kind: ParamKind::StringList,
        default: r#"["EventRateLimit", "AlwaysPullImages", "DenyServiceExternalIPs"]"#,
        description: kit::cold!("admission plugins that must be in --enable-admission-plugins"),
    }],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    let plugins = p.strings("plugins");
    if plugins.is_empty()
        || plugins
            .iter()
            .any(|s| s.trim().is_empty() || s.contains(','))
    {
        return Err(
            "plugins must list at least one plugin name, without commas or empty names".into(),
        );
    }
    Ok(())
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let required = ctx.params.strings("plugins");
    each(ctx, &[APISERVER], |c, out| {
        let enabled = c.flags.values("enable-admission-plugins");
        let missing: Vec<&str> = required
            .iter()
            .map(String::as_str)
            .filter(|p| !enabled.contains(p))
            .collect();
        if missing.is_empty() {
            return;
        }
        let msg = kit::text!("kube-apiserver does not enable {}", missing.join(", "));
        match c.flags.last("enable-admission-plugins") {
            Some(arg) => out.push(c.at(arg, kit::text!("{msg} ({})", shown(arg)))),
            None => {
                out.push(c.missing(kit::text!("{msg} (--enable-admission-plugins is not set)")))
            }
        }
    })
}
