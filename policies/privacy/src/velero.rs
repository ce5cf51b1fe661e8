//! Velero `Backup` and `Schedule` objects as the controls read them
//! (velero.io/v1; field names from pkg/apis/velero/v1 backup_types.go and
//! schedule_types.go).

use kit::Value;
use kit::json;

/// The BackupSpec of a Backup (`spec`) or of a Schedule (`spec.template`),
/// with the field path prefix.
pub fn backup_spec<'a>(kind: &str, obj: &'a Value) -> (&'a Value, &'static str) {
    if kind == "Schedule" {
        (
            json::get(obj, &["spec", "template"]).unwrap_or(&Value::Null),
            "spec.template.",
        )
    } else {
        (json::get(obj, &["spec"]).unwrap_or(&Value::Null), "spec.")
    }
}

/// Whether a BackupSpec's namespace lists (globs, `*` = all) include `ns`.
pub fn covers(spec: &Value, ns: &str) -> bool {
    let included: Vec<&str> = json::get_strs(spec, &["includedNamespaces"]).collect();
    let excluded: Vec<&str> = json::get_strs(spec, &["excludedNamespaces"]).collect();
    // Velero: an empty include list means every namespace.
    let in_list = included.is_empty() || kit::glob::any_matches(&included, ns);
    in_list && !kit::glob::any_matches(&excluded, ns)
}

/// Checks a cron schedule as Velero (robfig/cron, standard 5-field parser
/// with descriptors) accepts it; the error says why not.
pub fn check_cron(s: &str) -> Result<(), String> {
    if let Some(d) = s.strip_prefix("@every ") {
        return match crate::duration::parse_go(d.trim()) {
            Ok(n) if n > 0 => Ok(()),
            Ok(_) => Err("@every needs a positive duration".into()),
            Err(e) => Err(kit::text!("@every duration {e}")),
        };
    }
    if s.starts_with('@') {
        return match s {
            "@yearly" | "@annually" | "@monthly" | "@weekly" | "@daily" | "@midnight"
            | "@hourly" => Ok(()),
            _ => Err(kit::text!(
                "unknown descriptor \"{}\"",
                crate::meta::bounded(s)
            )),
        };
    }
    // Velero accepts an optional TZ=/CRON_TZ= prefix.
    let body = match s.split_once(' ') {
        Some((tz, rest)) if tz.starts_with("TZ=") || tz.starts_with("CRON_TZ=") => rest,
        _ => s,
    };
    let fields: Vec<&str> = body.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(kit::text!(
            "has {} fields, expected 5 (minute hour day-of-month month day-of-week)",
            fields.len()
        ));
    }
    const BOUNDS: [(&str, u32, u32); 5] = [
        ("minute", 0, 59),
        ("hour", 0, 23),
        ("day of month", 1, 31),
        ("month", 1, 12),
        ("day of week", 0, 6),
    ];
    for (i, (field, (name, lo, hi))) in fields.iter().zip(BOUNDS).enumerate() {
        for part in field.split(',') {
            check_cron_part(part, i, lo, hi)
                .map_err(|e| kit::text!("{name} \"{}\" {e}", crate::meta::bounded(field)))?;
        }
    }
    Ok(())
}

fn cron_value(s: &str, index: usize) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    if !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let lower = s.to_ascii_lowercase();
    match index {
        3 => MONTHS
            .iter()
            .position(|m| *m == lower)
            .map(|p| p as u32 + 1),
        4 => DAYS.iter().position(|d| *d == lower).map(|p| p as u32),
        _ => None,
    }
}

fn check_cron_part(part: &str, index: usize, lo: u32, hi: u32) -> Result<(), String> {
    let (range, step) = match part.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (part, None),
    };
    if let Some(step) = step
        && cron_value(step, 0).is_none_or(|n| n == 0)
    {
        return Err("has an invalid step".into());
    }
    if range == "*" || (range == "?" && index >= 2) {
        return Ok(());
    }
    let (a, b) = match range.split_once('-') {
        Some((a, b)) => (a, Some(b)),
        None => (range, None),
    };
    let a = cron_value(a, index).ok_or("has a value that is not a number")?;
    let b = match b {
        Some(b) => cron_value(b, index).ok_or("has a value that is not a number")?,
        None => a,
    };
    if a < lo || b > hi || a > b {
        return Err(kit::text!("is outside {lo}-{hi}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::json_value as json;

    #[test]
    fn cron_schedules() {
        for ok in [
            "0 2 * * *",
            "*/15 * * * *",
            "0 0 1,15 * MON-FRI",
            "0 3 * jan-mar sun",
            "@daily",
            "@every 6h",
            "CRON_TZ=Europe/Berlin 0 2 * * *",
            "0 0 ? * *",
            "5-10/2 * * * *",
        ] {
            assert!(check_cron(ok).is_ok(), "{ok}: {:?}", check_cron(ok));
        }
        for bad in [
            "",
            "* * * *",
            "* * * * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "x * * * *",
            "*/0 * * * *",
            "@often",
            "@every",
            "@every -1h",
            "5-1 * * * *",
            "? * * * *",
            "0 0 * foo *",
        ] {
            assert!(check_cron(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn namespace_coverage() {
        assert!(covers(&json!({}), "shop"));
        assert!(covers(&json!({"includedNamespaces": ["*"]}), "shop"));
        assert!(covers(&json!({"includedNamespaces": ["sh*"]}), "shop"));
        assert!(!covers(&json!({"includedNamespaces": ["other"]}), "shop"));
        assert!(!covers(
            &json!({"includedNamespaces": ["*"], "excludedNamespaces": ["shop"]}),
            "shop"
        ));
    }
}
