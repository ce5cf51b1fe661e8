//! IANA time zone names, as the API server accepts them for a CronJob's
//! `spec.timeZone` (`validateTimeZone` in pkg/apis/batch/validation): not
//! empty, each `/`-separated part 1–14 characters of `[A-Za-z._+0-9-]`, not
//! `.`/`..`, not starting with `-`, not `Local` (any case), and a name Go's
//! `time.LoadLocation` finds in the time zone database.
//!
//! `data/zones.txt` holds the database's names (zones and backward-compatible
//! links, tzdata 2025b, from `tzdata.zi`), sorted, one per line: ~9 KB.

/// Among the writable statics (`kit::cold!`): read only for a CronJob that
/// names a time zone.
static ZONES: &str = kit::cold!(include_str!("data/zones.txt"));

/// Whether `name` is a zone of the embedded database (case-sensitive, as Go).
pub fn known(name: &str) -> bool {
    // ~600 short lines: a scan costs a few microseconds and no allocation.
    ZONES.lines().any(|z| z == name)
}

/// Why the API server refuses `name` as a time zone, or `None` when it accepts it.
pub fn refusal(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("timeZone must be nil or a non-empty string".into());
    }
    for part in name.split('/') {
        let chars_ok = (1..=14).contains(&part.len())
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'));
        if part == "." || part == ".." || part.starts_with('-') || !chars_ok {
            return Some(kit::text!("unknown time zone {name}"));
        }
    }
    if name.eq_ignore_ascii_case("local") {
        return Some(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
                .into(),
        );
    }
    if !known(name) {
        return Some(kit::text!("unknown time zone {name}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_is_sorted_and_complete_enough() {
        let all: Vec<&str> = ZONES.lines().collect();
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(all, sorted);
        assert!(all.len() > 500);
        for z in [
            "UTC",
            "Etc/UTC",
            "Europe/Berlin",
            "America/New_York",
            "Asia/Kolkata",
            "Asia/Calcutta",
            "US/Eastern",
            "Etc/GMT+5",
            "Europe/Kyiv",
            "EST5EDT",
        ] {
            assert_eq!(refusal(z), None, "{z}");
        }
    }

    #[test]
    fn refusals_follow_the_api_server() {
        for (z, why) in [
            ("", "non-empty"),
            ("Local", "explicit time zone"),
            ("local", "explicit time zone"),
            ("Europe/Pariss", "unknown time zone"),
            ("europe/berlin", "unknown time zone"),
            ("../etc/passwd", "unknown time zone"),
            ("Europe//Berlin", "unknown time zone"),
            ("-Europe", "unknown time zone"),
            ("America/Argentina_Buenos_Aires_X", "unknown time zone"),
            ("UTC ", "unknown time zone"),
        ] {
            let got = refusal(z).unwrap_or_else(|| panic!("{z:?} accepted"));
            assert!(got.contains(why), "{z:?}: {got}");
        }
    }
}
