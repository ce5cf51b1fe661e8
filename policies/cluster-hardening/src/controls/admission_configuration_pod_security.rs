//! The PodSecurity admission plugin's cluster-wide defaults and exemptions
//! (CIS 5.2.1: at least one active policy control mechanism).

use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity, json, value};

pub static CONTROL: Control = Control {
    id: "admission-configuration-pod-security",
    title: kit::cold!(
        "Pod Security admission enforces at least baseline cluster-wide, with bounded exemptions"
    ),
    rationale: kit::cold!(
        "The PodSecurity plugin's defaults apply to every namespace without pod-security.kubernetes.io labels; its built-in default is enforce: privileged, i.e. nothing is checked. Exemptions (namespaces, users, runtime classes) switch the plugin off entirely for what they name, so each must be deliberate and few."
    ),
    remediation: kit::cold!(
        "configure the PodSecurity plugin in the AdmissionConfiguration (--admission-control-config-file) with defaults.enforce: baseline or restricted, and exemptions limited to the allowed namespaces, users and runtime classes"
    ),
    severity: Severity::Medium,
    tags: &["cluster-hardening", "admission-configuration", "scan-only"],
    criteria: Criteria {
        soc2: &["CC6.1", "CC8.1"],
        iso27001: &["A.8.9", "A.5.15"],
        pss: &[],
        cis: &["5.2.1"],
    },
    kinds: super::ADMISSION_CONFIGURATION,
    params: &[
        Param {
            name: "minimumLevel",
            kind: ParamKind::String,
            default: r#""baseline""#,
            description: kit::cold!(
                "least strict accepted defaults.enforce: baseline or restricted"
            ),
        },
        Param {
            name: "allowedNamespaces",
            kind: ParamKind::StringList,
            default: r#"["kube-system"]"#,
            description: kit::cold!("namespaces that may be exempted"),
        },
        Param {
            name: "allowedUsernames",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!("users that may be exempted"),
        },
        Param {
            name: "allowedRuntimeClasses",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!("runtime classes that may be exempted"),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    match p.string("minimumLevel").as_str() {
        "baseline" | "restricted" => Ok(()),
        other => Err(kit::text!(
            "minimumLevel must be baseline or restricted, got \"{other}\""
        )),
    }
}

fn rank(level: &str) -> Option<u8> {
    match level {
        "privileged" => Some(0),
        "baseline" => Some(1),
        "restricted" => Some(2),
        _ => None,
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let object = ctx.object();
    let plugins = json::get_array(object, &["plugins"]);
    let Some((i, plugin)) = plugins
        .iter()
        .enumerate()
        .find(|(_, p)| json::get_str(p, &["name"]) == Some("PodSecurity"))
    else {
        return vec![Finding::new(
            "plugins",
            "no PodSecurity plugin configuration: the built-in default (enforce privileged) applies to every unlabelled namespace",
        )];
    };
    let base = kit::text!("plugins[{i}]");
    let Some(config) = json::get(plugin, &["configuration"]).filter(|v| v.is_object()) else {
        let path = json::get_str(plugin, &["path"]).unwrap_or("");
        return vec![Finding::new(
            if path.is_empty() {
                base.clone()
            } else {
                kit::text!("{base}.path")
            },
            if path.is_empty() {
                "the PodSecurity entry has no configuration: the built-in default (enforce privileged) applies".to_string()
            } else {
                kit::text!(
                    "could not verify from the object: the PodSecurity configuration is in the file {}, which this object does not contain; scan it inline or check that file",
                    kit::response::truncate(path, 80)
                )
            },
        )];
    };
    let min = ctx.params.string("minimumLevel");
    let min_rank = rank(&min).unwrap_or(1);
    let mut out = Vec::new();
    let field = kit::text!("{base}.configuration.defaults.enforce");
    match value::string(json::get(config, &["defaults", "enforce"])) {
        Ok(level) => {
            let level = level.unwrap_or("privileged");
            match rank(level) {
                Some(r) if r >= min_rank => {}
                Some(_) => out.push(Finding::new(
                    field,
                    kit::text!(
                        "defaults.enforce is {level}{}: below {min}",
                        if json::get(config, &["defaults", "enforce"]).is_none() {
                            " (absent, the built-in default)"
                        } else {
                            ""
                        }
                    ),
                )),
                None => out.push(Finding::new(
                    field,
                    kit::text!(
                        "defaults.enforce is \"{}\", not privileged, baseline or restricted",
                        kit::response::truncate(level, 40)
                    ),
                )),
            }
        }
        Err(v) => out.push(Finding::new(
            field,
            kit::text!("defaults.enforce is {}, not a string", json::brief(v, 40)),
        )),
    }
    for (key, param) in [
        ("namespaces", "allowedNamespaces"),
        ("usernames", "allowedUsernames"),
        ("runtimeClasses", "allowedRuntimeClasses"),
    ] {
        let allowed = ctx.params.strings(param);
        match json::get(config, &["exemptions", key]) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (j, v) in items.iter().enumerate() {
                    if !v.as_str().is_some_and(|s| allowed.iter().any(|a| a == s)) {
                        out.push(Finding::new(
                            kit::text!("{base}.configuration.exemptions.{key}[{j}]"),
                            kit::text!(
                                "exemption {} is not in {param}: Pod Security is not applied to it",
                                json::brief(v, 60)
                            ),
                        ));
                    }
                }
            }
            Some(v) => out.push(Finding::new(
                kit::text!("{base}.configuration.exemptions.{key}"),
                kit::text!("exemptions.{key} is {}, not a list", json::brief(v, 40)),
            )),
        }
    }
    out
}
