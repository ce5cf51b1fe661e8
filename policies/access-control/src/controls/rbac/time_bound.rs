//! Time-bound access: a binding names its owner (or the ticket that approved
//! it) and when it expires; an expired binding can no longer be created or
//! updated, only deleted. Evidence for the access reviews and timely removal
//! SOC 2 CC6.2/CC6.3 ask for.

use super::subjects::subjects;
use crate::controls::common::{allowed, quoted};
use kit::Value;
use kit::control::Params;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "rbac-time-bound-bindings",
    title: kit::cold!(
        "Bindings carry an owner or ticket and an expiry, and expired ones are refused"
    ),
    rationale: kit::cold!(
        "Access that nobody owns and that never ends is how privileges accumulate: an owner or ticket ties each grant to an approval, and an expiry makes its removal the default instead of a task someone must remember."
    ),
    remediation: kit::cold!(
        "annotate the binding with its owner or ticket (e.g. kube-soc2.dev/owner: team-payments, kube-soc2.dev/ticket: CHG-1234) and an RFC 3339 expiry (kube-soc2.dev/expires: 2030-01-31T00:00:00Z); delete expired bindings, or renew them with a new approval"
    ),
    severity: Severity::Medium,
    tags: &["rbac"],
    criteria: Criteria {
        soc2: &["CC6.2", "CC6.3"],
        iso27001: &["A.5.15", "A.5.18"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(&["RoleBinding", "ClusterRoleBinding"]),
    params: &[
        Param {
            name: "ownerAnnotations",
            kind: ParamKind::StringList,
            default: r#"["kube-soc2.dev/owner", "kube-soc2.dev/ticket"]"#,
            description: kit::cold!(
                "Annotations naming the owner or approving ticket; at least one must be set (non-empty)"
            ),
        },
        Param {
            name: "expiryAnnotation",
            kind: ParamKind::String,
            default: r#""kube-soc2.dev/expires""#,
            description: kit::cold!(
                "Annotation holding the expiry, RFC 3339 (2030-01-31T00:00:00Z) or a date (2030-01-31, midnight UTC)"
            ),
        },
        Param {
            name: "maxValidityDays",
            kind: ParamKind::Integer { min: 0, max: 3650 },
            default: "0",
            description: kit::cold!(
                "Longest allowed time from now to the expiry, in days; 0 for no limit"
            ),
        },
        Param {
            name: "applyToServiceAccounts",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "Also require owner and expiry on bindings whose subjects are all service accounts (workload identities rather than people)"
            ),
        },
        Param {
            name: "allowedBindings",
            kind: ParamKind::StringList,
            default: r#"["system:*", "kubeadm:*", "cluster-admin"]"#,
            description: kit::cold!(
                "Binding names (globs) exempt from this control; the defaults are the bindings the API server and kubeadm create"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &Params) -> Result<(), String> {
    if p.string("expiryAnnotation").is_empty() {
        return Err("expiryAnnotation must not be empty".into());
    }
    Ok(())
}

fn annotation_path(key: &str) -> String {
    kit::text!("metadata.annotations['{key}']")
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let binding = ctx.object();
    // A binding being deleted (finalizers) must be allowed to go.
    if kit::json::get(binding, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null()) {
        return Vec::new();
    }
    let name = kit::json::get_str(binding, &["metadata", "name"]).unwrap_or("");
    if allowed(&ctx.params.strings("allowedBindings"), name) {
        return Vec::new();
    }
    // Workload identities are permanent by design; time-bound access is about people.
    let mut kinds = subjects(binding).map(|s| s.kind);
    let only_service_accounts =
        kinds.next() == Some("ServiceAccount") && kinds.all(|k| k == "ServiceAccount");
    if only_service_accounts && !ctx.params.bool("applyToServiceAccounts") {
        return Vec::new();
    }
    let annotations = kit::json::get_obj(binding, &["metadata", "annotations"]);
    let annotation = |key: &str| {
        annotations
            .and_then(|a| a.get(key))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let mut findings = Vec::new();
    let owners = ctx.params.strings("ownerAnnotations");
    if !owners.is_empty() && !owners.iter().any(|k| annotation(k).is_some()) {
        findings.push(Finding::new(
            "metadata.annotations",
            kit::text!("no owner or ticket annotation (one of {})", quoted(&owners)),
        ));
    }
    let key = ctx.params.string("expiryAnnotation");
    let Some(raw) = annotation(&key) else {
        findings.push(Finding::new(
            annotation_path(&key),
            kit::text!("no expiry annotation \"{key}\""),
        ));
        return findings;
    };
    let Some(expires) = parse_timestamp(raw) else {
        findings.push(Finding::new(
            annotation_path(&key),
            kit::text!("expiry \"{raw}\" is not an RFC 3339 timestamp or a YYYY-MM-DD date"),
        ));
        return findings;
    };
    let now = now_unix();
    if expires <= now {
        findings.push(Finding::new(
            annotation_path(&key),
            kit::text!("the binding expired at {raw}; delete it, or renew it with a new approval and expiry"),
        ));
    } else {
        let max_days = ctx.params.int("maxValidityDays");
        if max_days > 0 && expires - now > max_days * 86_400 {
            findings.push(Finding::new(
                annotation_path(&key),
                kit::text!("expiry {raw} is more than {max_days} days away"),
            ));
        }
    }
    findings
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// Seconds since the epoch of an RFC 3339 timestamp
/// (`2030-01-31T12:00:00Z`, `...T12:00:00.5+02:00`) or a plain date
/// (midnight UTC). `None` for anything else.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    let day = kit::calendar::days_from_civil(y, m, d) * 86_400;
    if b.len() == 10 {
        return Some(day);
    }
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (hh, mm, ss) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (oh, om) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    Some(day + hh * 3600 + mm * 60 + ss - offset)
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;

    #[test]
    fn rfc3339_and_dates() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("1970-01-02"), Some(86_400));
        assert_eq!(parse_timestamp("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            parse_timestamp("2030-01-31T12:00:00.123Z"),
            Some(1_896_091_200)
        );
        assert_eq!(
            parse_timestamp("2030-01-31T14:00:00+02:00"),
            parse_timestamp("2030-01-31T12:00:00Z")
        );
        assert_eq!(
            parse_timestamp("2030-01-31T10:30:00-01:30"),
            parse_timestamp("2030-01-31T12:00:00Z")
        );
        for bad in [
            "",
            "2030-02-30",
            "2030-13-01",
            "2030-1-01",
            "tomorrow",
            "2030-01-31T12:00:00",
            "2030-01-31T12:00Z",
            "2030-01-31T25:00:00Z",
            "2030-01-31T12:00:00.Z",
            "2030-01-31T12:00:00+2:00",
            "２０３０-01-31",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert!(parse_timestamp("2024-02-29").is_some());
        assert!(parse_timestamp("2023-02-29").is_none());
    }
}
