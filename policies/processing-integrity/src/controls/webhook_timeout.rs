//! Admission webhooks answer quickly (PI1.3, CC8.1).

use crate::webhook::{KINDS, hooks, is_v1beta1};
use kit::{Control, Ctx, Finding, Int, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "webhook-timeout",
    title: kit::cold!("Admission webhook timeouts are bounded"),
    rationale: kit::cold!(
        "Every request a webhook matches waits up to timeoutSeconds for it: a slow or unreachable webhook with a long timeout stalls deployments, controllers and the API server's request budget, and clients time out before the webhook's verdict (with failurePolicy Ignore the change then goes through unchecked). Kubernetes defaults to 10 s (30 s for the removed v1beta1 API) and allows 1–30 s."
    ),
    remediation: kit::cold!(
        "set webhooks[*].timeoutSeconds between 1 and the configured maximum (the v1 default, 10, is accepted)"
    ),
    severity: Severity::Medium,
    tags: &["default", "admission-control"],
    criteria: super::ADMISSION,
    kinds: KindSet::Only(KINDS),
    params: &[Param {
        name: "maxSeconds",
        kind: ParamKind::Integer { min: 1, max: 30 },
        default: "10",
        description: kit::cold!("largest timeoutSeconds accepted"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let hooks = match hooks(ctx.object()) {
        Ok(h) => h,
        Err(f) => return vec![f],
    };
    let max = ctx.params.int("maxSeconds");
    let default = if is_v1beta1(ctx) { 30 } else { 10 };
    hooks
        .iter()
        .filter_map(|h| {
            let path = h.field("timeoutSeconds");
            let (n, shown) = match Int::of(h.get("timeoutSeconds")) {
                Int::Absent => (default, kit::text!("not set ({default} s)")),
                Int::Value(n) => (n, kit::text!("{n} s")),
                Int::Malformed => {
                    return Some(Finding::new(
                        path,
                        kit::text!(
                            "{} timeoutSeconds is not an integer: {}",
                            h.describe(),
                            h.get("timeoutSeconds")
                                .map_or("?".into(), |v| json::brief(v, 30))
                        ),
                    ));
                }
            };
            if (1..=max).contains(&n) {
                return None;
            }
            Some(Finding::new(
                path,
                kit::text!(
                    "{} timeoutSeconds is {shown}, outside 1–{max} s",
                    h.describe()
                ),
            ))
        })
        .collect()
}
