//! Runtime access: `kubectl exec`, `attach` and `port-forward` (CONNECT on
//! pods/exec, pods/attach, pods/portforward) are refused in the configured
//! namespaces, except break-glass access by members of allow-listed groups
//! who state a justification. Every break-glass access is recorded in the
//! request's audit annotations (key `kube-soc2.break-glass`), the evidence of
//! authorised, reviewed privileged access auditors ask for under CC6.2.
//!
//! Where the justification comes from: a CONNECT request carries no object
//! metadata (its object is a PodExecOptions), so there is no annotation to
//! read. It is read from `userInfo.extra[<justificationKey>]`, set per request
//! by the authenticator: an OIDC claim mapped with the API server's structured
//! authentication configuration (`claimMappings.extra`), an access proxy
//! (Teleport, Pinniped, kube-oidc-proxy) via `Impersonate-Extra-*` headers, or
//! `kubectl --as-user-extra` (1.35+). The API server copies `user.extra` into
//! the audit event too, so the justification sits next to the annotation.
//! A group naming convention (`break-glass:INC-1234`) was rejected: group
//! membership lasts as long as the credential, not one request, and needs the
//! identity provider to mint a group per incident. Teams whose authenticator
//! cannot set extras can still use group membership alone as the approval
//! (`requireJustification: false`, e.g. a just-in-time group).

use crate::controls::common::{allowed, quoted};
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Operation, Param, ParamKind, Severity};

/// Audit annotation key of the break-glass evidence; the API server prefixes
/// it with the webhook name and `/`, so it contains none itself.
pub const ANNOTATION_BREAK_GLASS: &str = "kube-soc2.break-glass";

/// Longest justification kept in the annotation.
const MAX_JUSTIFICATION: usize = 512;

const SUBRESOURCES: &[&str] = &["exec", "attach", "portforward"];

pub static CONTROL: Control = Control {
    id: "runtime-access-break-glass",
    title: kit::cold!("exec, attach and port-forward into pods are break-glass only"),
    rationale: kit::cold!(
        "An interactive session in a running pod reads its data, secrets and token and changes it outside every review and deployment control. Standing access turns every compromised account into production access; break-glass access that is justified and recorded does not."
    ),
    remediation: kit::cold!(
        "use the workload's logs, metrics and a debug copy instead; in an emergency, act as a member of a break-glass group and state the reason in userInfo.extra (e.g. kubectl --as-user-extra=kube-soc2.dev/justification=INC-1234 or your identity provider's claim)"
    ),
    severity: Severity::High,
    tags: &["runtime-access"],
    criteria: Criteria {
        soc2: &["CC6.1", "CC6.2", "CC6.3"],
        // A.8.15: the access is logged; A.8.2: privileged access is restricted.
        iso27001: &["A.5.15", "A.5.18", "A.8.2", "A.8.15"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&[
        "PodExecOptions",
        "PodAttachOptions",
        "PodPortForwardOptions",
    ]),
    operations: &[Operation::Connect],
    subresources: SUBRESOURCES,
    params: &[
        Param {
            name: "namespaces",
            kind: ParamKind::StringList,
            default: r#"["*"]"#,
            description: kit::cold!(
                "Namespaces (globs) where the access is break-glass only; elsewhere it is not checked"
            ),
        },
        Param {
            name: "subresources",
            kind: ParamKind::StringList,
            default: r#"["exec", "attach", "portforward"]"#,
            description: kit::cold!("Which of exec, attach and portforward are break-glass only"),
        },
        Param {
            name: "breakGlassGroups",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "Groups (globs) whose members may use the access with a justification"
            ),
        },
        Param {
            name: "requireJustification",
            kind: ParamKind::Bool,
            default: "true",
            description: kit::cold!(
                "Require a justification in userInfo.extra; false lets the group membership alone (e.g. a just-in-time group) be the approval"
            ),
        },
        Param {
            name: "justificationKey",
            kind: ParamKind::String,
            default: r#""kube-soc2.dev/justification""#,
            description: kit::cold!(
                "userInfo.extra key holding the justification (lower-case, as Kubernetes stores extra keys)"
            ),
        },
        Param {
            name: "minJustificationLength",
            kind: ParamKind::Integer { min: 1, max: 256 },
            default: "8",
            description: kit::cold!(
                "Shortest accepted justification, in characters (a ticket id such as INC-1234 is 8)"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    for s in p.strings("subresources") {
        if !SUBRESOURCES.contains(&s.as_str()) {
            return Err(kit::text!(
                "subresources: \"{s}\" is not one of exec, attach, portforward"
            ));
        }
    }
    if p.string("justificationKey").is_empty() {
        return Err("justificationKey must not be empty".into());
    }
    Ok(())
}

/// `exec into pod prod/web-0 (container "app", command "sh -c ...")`.
fn describe_access(ctx: &Ctx, sub: &str, ns: &str) -> String {
    let options = ctx.object();
    let mut s = kit::text!("{sub} into pod {ns}/{}", ctx.request.name());
    let mut details = Vec::new();
    if let Some(c) = kit::json::get_str(options, &["container"]).filter(|c| !c.is_empty()) {
        details.push(kit::text!("container \"{c}\""));
    }
    let command: Vec<&str> = kit::json::get_strs(options, &["command"]).collect();
    if !command.is_empty() {
        details.push(kit::text!("command \"{}\"", command.join(" ")));
    }
    let ports: Vec<String> = kit::json::get_array(options, &["ports"])
        .iter()
        .map(|p| match p {
            Value::String(s) => s.to_string(),
            other => other.to_string(),
        })
        .collect();
    if !ports.is_empty() {
        details.push(kit::text!("ports {}", ports.join(",")));
    }
    if !details.is_empty() {
        s.push_str(&kit::text!(" ({})", details.join(", ")));
    }
    s
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let sub = ctx.request.sub_resource.as_str();
    if !ctx.params.strings("subresources").iter().any(|s| s == sub) {
        return Vec::new();
    }
    let ns = ctx.request.namespace();
    if !allowed(&ctx.params.strings("namespaces"), ns) {
        return Vec::new();
    }
    let access = describe_access(ctx, sub, ns);
    let groups = ctx.params.strings("breakGlassGroups");
    let user = &ctx.request.username;
    let Some(group) = ctx.request.groups.iter().find(|g| allowed(&groups, g)) else {
        return vec![Finding::new(
            "",
            kit::text!(
                "{access} by \"{user}\" is refused: namespace \"{ns}\" allows it only to break-glass groups ({})",
                quoted(&groups)
            ),
        )];
    };
    let key = ctx.params.string("justificationKey");
    let justification = ctx.request.extra(&key).join(" ");
    let justification = justification.trim();
    if ctx.params.bool("requireJustification") {
        let min = ctx.params.int("minJustificationLength").max(1) as usize;
        if justification.chars().count() < min {
            return vec![Finding::new(
                "",
                kit::text!(
                    "{access} by \"{user}\" (break-glass group \"{group}\") is refused: no justification of at least {min} characters in userInfo.extra[\"{key}\"] (e.g. kubectl --as-user-extra={key}=INC-1234, or your identity provider's claim mapping)"
                ),
            )];
        }
    }
    let mut reason: String = justification.chars().take(MAX_JUSTIFICATION).collect();
    if reason.is_empty() {
        reason.push_str("(none required)");
    }
    ctx.record_evidence(
        ANNOTATION_BREAK_GLASS,
        kit::text!(
            "{access} by \"{user}\" as break-glass group \"{group}\"; justification: {reason}"
        ),
    );
    Vec::new()
}

pub static CONTROLS: &[&Control] = &[&CONTROL];
