//! cert-manager Certificates rotate keys and renew in time.

use super::shown;
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "cert-manager-certificate-lifecycle",
    title: kit::cold!("cert-manager Certificates rotate their keys and have bounded lifetimes"),
    rationale: kit::cold!(
        "With rotationPolicy Never a renewal reuses the old private key, so a key that leaked keeps working across renewals; cert-manager made Always the default only in v1.18, so the policy is required explicitly. A long duration (above maxDurationDays; public CAs cap at 398 days and are moving to 47) lengthens the window in which a compromised key stays valid, and a renewBefore shorter than minRenewBeforeHours leaves no time to react when issuance fails."
    ),
    remediation: kit::cold!(
        "set spec.privateKey.rotationPolicy: Always, spec.duration at most maxDurationDays (e.g. 2160h) and spec.renewBefore of at least minRenewBeforeHours (e.g. 360h), below the duration"
    ),
    severity: Severity::Medium,
    tags: &["encryption-in-transit", "cert-manager"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["cert-manager.io/Certificate"]),
    params: &[
        Param {
            name: "maxDurationDays",
            kind: ParamKind::Integer { min: 1, max: 36500 },
            default: "397",
            description: kit::cold!("longest certificate duration accepted, in days"),
        },
        Param {
            name: "minRenewBeforeHours",
            kind: ParamKind::Integer { min: 0, max: 87600 },
            default: "24",
            description: kit::cold!(
                "shortest renewBefore accepted, in hours (when renewBefore is set)"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

/// A Go duration (`2160h`, `1h30m`, `90m`, `3600s`) in seconds.
pub fn go_duration(s: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut num = String::new();
    let b = s.trim();
    if b.is_empty() {
        return None;
    }
    let mut chars = b.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            's' => 1,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0
            }
            'm' => 60,
            _ => return None,
        };
        let n: i64 = num.parse().ok()?;
        num.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !num.is_empty() {
        return None;
    }
    Some(total)
}

fn duration(cert: &Value, key: &str) -> Result<Option<i64>, Finding> {
    match json::get(cert, &["spec", key]) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => go_duration(s).map(Some).ok_or_else(|| {
            Finding::new(
                kit::text!("spec.{key}"),
                kit::text!("{key} {} is not a duration like 2160h", shown(s)),
            )
        }),
        Some(v) => Err(Finding::new(
            kit::text!("spec.{key}"),
            kit::text!("{key} is {}, not a string", json::brief(v, 40)),
        )),
    }
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let cert = ctx.object();
    let mut out = Vec::new();
    match json::get(cert, &["spec", "privateKey", "rotationPolicy"]) {
        Some(Value::String(p)) if p == "Always" => {}
        Some(v) => out.push(Finding::new(
            "spec.privateKey.rotationPolicy",
            kit::text!(
                "rotationPolicy is {}: renewals reuse the private key",
                json::brief(v, 40)
            ),
        )),
        None => out.push(Finding::new(
            "spec.privateKey.rotationPolicy",
            "rotationPolicy is not set: before cert-manager v1.18 renewals reuse the private key",
        )),
    }
    // cert-manager's default duration is 90 days.
    let dur = match duration(cert, "duration") {
        Ok(d) => d.unwrap_or(90 * 86_400),
        Err(f) => {
            out.push(f);
            return out;
        }
    };
    let max = ctx.params.int("maxDurationDays");
    if dur > max * 86_400 {
        out.push(Finding::new(
            "spec.duration",
            kit::text!(
                "duration of {} days is above the maximum of {max}",
                dur / 86_400
            ),
        ));
    }
    match duration(cert, "renewBefore") {
        Ok(Some(rb)) => {
            let min = ctx.params.int("minRenewBeforeHours");
            if rb < min * 3600 {
                out.push(Finding::new(
                    "spec.renewBefore",
                    kit::text!(
                        "renewBefore of {}h is below the minimum of {min}h",
                        rb / 3600
                    ),
                ));
            } else if rb >= dur {
                out.push(Finding::new(
                    "spec.renewBefore",
                    "renewBefore is not shorter than the duration: the certificate renews continuously",
                ));
            }
        }
        Ok(None) => {}
        Err(f) => out.push(f),
    }
    out
}
