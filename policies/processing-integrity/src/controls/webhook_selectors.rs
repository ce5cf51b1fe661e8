//! Security webhooks cannot be opted out of by those they police (CC6.8, CC8.1).

use crate::webhook::{Hook, KINDS, hooks, selected};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, glob, json};

pub static CONTROL: Control = Control {
    id: "webhook-selector-bypass",
    title: kit::cold!("Security webhooks have no user-controlled exemptions"),
    rationale: kit::cold!(
        "A webhook's objectSelector is matched against labels the object's author writes, and its namespaceSelector against namespace labels that anyone allowed to edit the namespace can change: a selector such as `policy-exempt NotIn [true]` or `team In [...]` lets those the webhook polices switch it off for themselves. The only namespace label users cannot set is kubernetes.io/metadata.name (written by the API server); excluding namespaces by that label, limited to the configured system namespaces, is the safe form. Match conditions (CEL) cannot be evaluated here and are not checked."
    ),
    remediation: kit::cold!(
        "remove objectSelector from the security webhooks, and write namespaceSelector only as kubernetes.io/metadata.name NotIn [the configured system namespaces]"
    ),
    severity: Severity::High,
    tags: &["admission-control"],
    criteria: super::ADMISSION,
    kinds: KindSet::Only(KINDS),
    params: &[
        Param {
            name: "webhooks",
            kind: ParamKind::StringList,
            default: r#"["*"]"#,
            description: kit::cold!(
                "globs on the configuration name or webhook name of the security webhooks"
            ),
        },
        Param {
            name: "exemptNamespaces",
            kind: ParamKind::StringList,
            default: r#"["kube-system", "kube-public", "kube-node-lease"]"#,
            description: kit::cold!(
                "namespaces (globs) a security webhook may exclude by kubernetes.io/metadata.name"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

const NAME_LABEL: &str = "kubernetes.io/metadata.name";

fn check(ctx: &Ctx) -> Vec<Finding> {
    let hooks = match hooks(ctx.object()) {
        Ok(h) => h,
        Err(f) => return vec![f],
    };
    let patterns = ctx.params.strings("webhooks");
    let exempt = ctx.params.strings("exemptNamespaces");
    let mut out = Vec::new();
    for h in hooks.iter().filter(|h| selected(ctx, h, &patterns)) {
        object_selector(h, &mut out);
        namespace_selector(h, &exempt, &mut out);
    }
    out
}

fn is_empty_selector(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.iter().all(|(k, v)| {
            matches!(k.as_str(), "matchLabels" | "matchExpressions")
                && (v.is_null()
                    || v.as_object().is_some_and(|o| o.is_empty())
                    || v.as_array().is_some_and(|a| a.is_empty()))
        }),
        _ => false,
    }
}

fn object_selector(h: &Hook, out: &mut Vec<Finding>) {
    if let Some(sel) = h.get("objectSelector")
        && !is_empty_selector(sel)
    {
        out.push(Finding::new(
            h.field("objectSelector"),
            kit::text!(
                "{} has objectSelector {}: the objects' own authors choose whether it applies",
                h.describe(),
                json::brief(sel, 80)
            ),
        ));
    }
}

fn namespace_selector(h: &Hook, exempt: &[String], out: &mut Vec<Finding>) {
    let Some(sel) = h.get("namespaceSelector") else {
        return;
    };
    if is_empty_selector(sel) {
        return;
    }
    let path = h.field("namespaceSelector");
    let Some(m) = sel.as_object() else {
        out.push(Finding::new(
            path,
            kit::text!(
                "namespaceSelector is not an object: {}",
                json::brief(sel, 60)
            ),
        ));
        return;
    };
    match m.get("matchLabels") {
        None | Some(Value::Null) => {}
        Some(Value::Object(labels)) => {
            for k in labels.keys() {
                out.push(Finding::new(
                    kit::text!("{path}.matchLabels"),
                    kit::text!(
                        "{} applies only to namespaces labelled {k}: other namespaces are exempt",
                        h.describe()
                    ),
                ));
            }
        }
        Some(v) => out.push(Finding::new(
            kit::text!("{path}.matchLabels"),
            kit::text!("matchLabels is not a map: {}", json::brief(v, 60)),
        )),
    }
    let exprs = match m.get("matchExpressions") {
        None | Some(Value::Null) => return,
        Some(Value::Array(e)) => e,
        Some(v) => {
            out.push(Finding::new(
                kit::text!("{path}.matchExpressions"),
                kit::text!("matchExpressions is not a list: {}", json::brief(v, 60)),
            ));
            return;
        }
    };
    for (i, e) in exprs.iter().enumerate() {
        let ep = kit::text!("{path}.matchExpressions[{i}]");
        let key = json::get_str(e, &["key"]).unwrap_or("");
        let op = json::get_str(e, &["operator"]).unwrap_or("");
        if key != NAME_LABEL {
            out.push(Finding::new(
                ep,
                kit::text!(
                    "{} depends on namespace label {} ({op}), which namespace editors can change",
                    h.describe(),
                    json::brief(e.get("key").unwrap_or(&Value::Null), 60)
                ),
            ));
            continue;
        }
        match op {
            "NotIn" => {
                let outside: Vec<&str> = json::get_strs(e, &["values"])
                    .filter(|ns| !glob::any_matches(exempt, ns))
                    .collect();
                if !outside.is_empty() {
                    out.push(Finding::new(
                        ep,
                        kit::text!(
                            "{} exempts namespaces outside the allowed exemptions: {}",
                            h.describe(),
                            outside.join(", ")
                        ),
                    ));
                }
            }
            "Exists" => {}
            _ => out.push(Finding::new(
                ep,
                kit::text!(
                    "{} covers only some namespaces ({NAME_LABEL} {op}): every other namespace is exempt",
                    h.describe()
                ),
            )),
        }
    }
}
