//! CronJob schedules read exactly as Kubernetes reads them.
//!
//! The API server validates `spec.schedule` with `cron.ParseStandard` of
//! robfig/cron v3 and the CronJob controller computes start times with the
//! same library, so this is a port of that parser (v3 `parser.go`), not of
//! POSIX cron:
//! - exactly 5 whitespace-separated fields (minute, hour, day of month, month,
//!   day of week), or a descriptor: `@yearly`, `@annually`, `@monthly`,
//!   `@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <Go duration>`;
//! - a field is a comma-separated list (empty items are skipped) of
//!   `*`, `?`, `N`, `N-M`, each optionally `/step`; `N/step` means `N-max/step`;
//!   `*-X` is read as `*` (the part after the hyphen is ignored);
//! - numbers as Go's `strconv.Atoi` reads them (`+5` and `05` are 5), names
//!   `JAN`–`DEC` and `SUN`–`SAT` in any case; day of week is 0–6 (7 is refused);
//! - `*` or `?` with a step of 1 marks the field as unrestricted ("star"); when
//!   both day fields are restricted a day matches if EITHER matches, otherwise
//!   both must (robfig `dayMatches`).
//!
//! Whether a parsed schedule ever fires is decided on the calendar: a
//! day-of-month restriction combined with months that never have that day
//! (30 February, 31 April) gives a schedule the controller never starts
//! (robfig's `Next` gives up after five years and returns the zero time).

/// Bit set when a field was given as `*` or `?` with step 1.
const STAR: u64 = 1 << 63;

#[derive(Clone, Copy)]
struct Bounds {
    min: u64,
    max: u64,
    names: &'static [&'static str],
    /// Value of `names[0]`.
    first: u64,
    what: &'static str,
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
    first: 0,
    what: "minute",
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
    first: 0,
    what: "hour",
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
    first: 0,
    what: "day of month",
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
    first: 1,
    what: "month",
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
    first: 0,
    what: "day of week",
};

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Longest day of each month in any year (29 February happens in leap years,
/// and a leap year always falls within robfig's five-year search window).
const MONTH_DAYS: [u64; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// A parsed 5-field schedule: one bit per allowed value, plus [`STAR`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub minute: u64,
    pub hour: u64,
    pub dom: u64,
    pub month: u64,
    pub dow: u64,
}

/// What a schedule is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    Spec(Spec),
    /// `@every <duration>`: fires at a fixed interval, in seconds (robfig
    /// rounds anything below 1 s up to 1 s).
    Every(f64),
}

/// Parses `spec` as `cron.ParseStandard` does, after the caller removed any
/// `TZ=`/`CRON_TZ=` prefix. The error reads like robfig's.
pub fn parse(spec: &str) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    if spec.starts_with('@') {
        return descriptor(spec);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(kit::text!(
            "expected exactly 5 fields, found {}",
            fields.len()
        ));
    }
    Ok(Schedule::Spec(Spec {
        minute: field(fields[0], MINUTES)?,
        hour: field(fields[1], HOURS)?,
        dom: field(fields[2], DOM)?,
        month: field(fields[3], MONTHS)?,
        dow: field(fields[4], DOW)?,
    }))
}

fn all(b: Bounds) -> u64 {
    bits(b.min, b.max, 1) | STAR
}

fn descriptor(spec: &str) -> Result<Schedule, String> {
    let (dom, month, dow, hour) = match spec {
        "@yearly" | "@annually" => (1 << 1, 1 << 1, all(DOW), 1),
        "@monthly" => (1 << 1, all(MONTHS), all(DOW), 1),
        "@weekly" => (all(DOM), all(MONTHS), 1, 1),
        "@daily" | "@midnight" => (all(DOM), all(MONTHS), all(DOW), 1),
        "@hourly" => (all(DOM), all(MONTHS), all(DOW), all(HOURS)),
        _ => {
            return match spec.strip_prefix("@every ") {
                Some(d) => go_duration(d)
                    .map(|ns| Schedule::Every((ns / 1e9).max(1.0)))
                    .map_err(|e| kit::text!("failed to parse duration {spec}: {e}")),
                None => Err(kit::text!("unrecognized descriptor: {spec}")),
            };
        }
    };
    Ok(Schedule::Spec(Spec {
        minute: 1,
        hour,
        dom,
        month,
        dow,
    }))
}

fn field(text: &str, b: Bounds) -> Result<u64, String> {
    let mut out = 0;
    for expr in text.split(',').filter(|e| !e.is_empty()) {
        out |= range(expr, b)?;
    }
    Ok(out)
}

fn range(expr: &str, b: Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end, mut extra);
    if low_and_high[0] == "*" || low_and_high[0] == "?" {
        start = b.min;
        end = b.max;
        extra = STAR;
    } else {
        start = int_or_name(low_and_high[0], b)?;
        end = match low_and_high.len() {
            1 => start,
            2 => int_or_name(low_and_high[1], b)?,
            _ => return Err(kit::text!("too many hyphens: {expr}")),
        };
        extra = 0;
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = int(range_and_step[1])?;
            if single {
                end = b.max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(kit::text!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(kit::text!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        ));
    }
    if end > b.max {
        return Err(kit::text!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        ));
    }
    if start > end {
        return Err(kit::text!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(kit::text!(
            "step of range should be a positive number: {expr}"
        ));
    }
    Ok(bits(start, end, step) | extra)
}

fn bits(start: u64, end: u64, step: u64) -> u64 {
    let mut out = 0;
    let mut i = start;
    while i <= end {
        out |= 1 << i;
        i = i.saturating_add(step);
    }
    out
}

/// Go's `strings.ToLower` for the only non-ASCII letters that lower-case to
/// ASCII (so `FRİ` is Friday, as in Go); everything else as is.
fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn int_or_name(expr: &str, b: Bounds) -> Result<u64, String> {
    if !b.names.is_empty() {
        let lower = go_lower(expr);
        if let Some(i) = b.names.iter().position(|n| *n == lower) {
            return Ok(b.first + i as u64);
        }
    }
    int(expr)
}

/// `strconv.Atoi`: optional sign, decimal digits, 64-bit range; negatives refused.
fn int(expr: &str) -> Result<u64, String> {
    let n: i64 = expr
        .parse()
        .map_err(|_| kit::text!("failed to parse int from {expr}"))?;
    if n < 0 {
        return Err(kit::text!("negative number ({n}) not allowed: {expr}"));
    }
    Ok(n as u64)
}

/// Go's `time.ParseDuration`, for `@every`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`
/// with units ns, us, µs, μs, ms, s, m, h, or `0`; at most 2^63-1 ns.
pub fn go_duration(s: &str) -> Result<f64, String> {
    let orig = s;
    let negative = s.starts_with('-');
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    if s == "0" {
        return Ok(0.0);
    }
    if s.is_empty() {
        return Err(kit::text!("invalid duration {orig:?}"));
    }
    let mut rest = s;
    let mut total = 0f64;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (int_part, after) = rest.split_at(digits);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.find(|c: char| !c.is_ascii_digit()).unwrap_or(a.len());
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(kit::text!("invalid duration {orig:?}"));
        }
        let unit_len = after
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let scale = match unit {
            "" => return Err(kit::text!("missing unit in duration {orig:?}")),
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(kit::text!("unknown unit {unit:?} in duration {orig:?}")),
        };
        let value: f64 = kit::text!(
            "{}.{}",
            if int_part.is_empty() { "0" } else { int_part },
            frac_part
        )
        .trim_end_matches('.')
        .parse()
        .map_err(|_| kit::text!("invalid duration {orig:?}"))?;
        total += value * scale;
        if total > i64::MAX as f64 {
            return Err(kit::text!("invalid duration {orig:?}"));
        }
        rest = next;
    }
    Ok(if negative { -total } else { total })
}

fn set_values(bits: u64, b: Bounds) -> impl Iterator<Item = u64> {
    (b.min..=b.max).filter(move |v| bits & (1 << v) != 0)
}

/// Why a parsed schedule never fires, or `None` when it does.
pub fn never_fires(s: &Spec) -> Option<String> {
    for (bits, b) in [(s.minute, MINUTES), (s.hour, HOURS), (s.month, MONTHS)] {
        if bits & !STAR == 0 {
            return Some(kit::text!("the {} field selects no value", b.what));
        }
    }
    let dom_star = s.dom & STAR != 0;
    let dow_star = s.dow & STAR != 0;
    let dom_any = s.dom & !STAR != 0;
    let dow_any = s.dow & !STAR != 0;
    if !(dom_star || dow_star) {
        // Either day field may match.
        if dom_any || dow_any {
            return None;
        }
        return Some("the day-of-month and day-of-week fields select no value".into());
    }
    if !dow_any {
        return Some("the day-of-week field selects no value".into());
    }
    if !dom_any {
        return Some("the day-of-month field selects no value".into());
    }
    // Both must match; a weekday restriction is met on some date of any day
    // that exists, so the question is whether a selected day exists in a
    // selected month.
    let fires = set_values(s.month, MONTHS)
        .any(|m| set_values(s.dom, DOM).any(|d| d <= MONTH_DAYS[(m - 1) as usize]));
    if fires {
        return None;
    }
    let days: Vec<String> = set_values(s.dom, DOM).map(|d| d.to_string()).collect();
    let months: Vec<&str> = set_values(s.month, MONTHS)
        .map(|m| MONTH_NAMES[(m - 1) as usize])
        .collect();
    Some(kit::text!(
        "day {} never occurs in {}",
        days.join(","),
        months.join(", ")
    ))
}

/// The shortest time between two starts, in minutes, as far as the clock
/// fields tell: the gaps between the minutes of the day it fires at, plus the
/// gap across midnight when it fires every day. Days that are skipped only
/// make intervals longer, so this never overstates how often it runs.
pub fn shortest_interval_minutes(s: &Spec) -> Option<u64> {
    let times: Vec<u64> = set_values(s.hour, HOURS)
        .flat_map(|h| set_values(s.minute, MINUTES).map(move |m| h * 60 + m))
        .collect();
    let (first, last) = (*times.first()?, *times.last()?);
    let mut shortest = times.windows(2).map(|w| w[1] - w[0]).min();
    let every_day = s.dom & STAR != 0 && s.dow & STAR != 0 && s.month & STAR != 0;
    if every_day {
        let across = 1440 - last + first;
        shortest = Some(shortest.map_or(across, |g| g.min(across)));
    }
    shortest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Spec {
        match parse(s) {
            Ok(Schedule::Spec(spec)) => spec,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn reads_what_robfig_reads() {
        for s in [
            "*/5 * * * *",
            "0 0 * * ?",
            "30 2 * * *",
            "0 9 * JAN-mar MON-FRI",
            "0 9 * * fRi",
            "+5 05 1,,15 * *",
            "5/15 * * * *",
            "*-3 * * * *",
            "0 0 1 */3 *",
            "0 0 29 2 *",
            "  0   0 * * *  ",
            "0 0 * * 0-6",
            "0 0 * * FRİ",
        ] {
            ok(s);
        }
        for s in [
            "@yearly",
            "@annually",
            "@monthly",
            "@weekly",
            "@daily",
            "@midnight",
            "@hourly",
        ] {
            ok(s);
        }
        assert_eq!(parse("@every 1h30m"), Ok(Schedule::Every(5400.0)));
        assert_eq!(parse("@every 1.5h"), Ok(Schedule::Every(5400.0)));
        assert_eq!(parse("@every -5s"), Ok(Schedule::Every(1.0)));
        assert_eq!(parse("@every 0"), Ok(Schedule::Every(1.0)));
        assert_eq!(
            ok("5/15 * * * *").minute,
            (1 << 5) | (1 << 20) | (1 << 35) | (1 << 50)
        );
        assert_eq!(ok("*-3 * * * *").minute, all(MINUTES));
        assert_eq!(ok("*/1 * * * *").minute, all(MINUTES));
        assert_eq!(ok("*/2 * * * *").minute & STAR, 0);
    }

    #[test]
    fn refuses_what_robfig_refuses() {
        for (s, err) in [
            ("", "empty spec"),
            ("* * * *", "expected exactly 5 fields, found 4"),
            ("0 0 * * * *", "expected exactly 5 fields, found 6"),
            ("60 * * * *", "end of range (60) above maximum (59)"),
            ("* 24 * * *", "above maximum (23)"),
            ("* * 0 * *", "below minimum (1)"),
            ("* * * 13 *", "above maximum (12)"),
            ("* * * * 7", "above maximum (6)"),
            ("5-1 * * * *", "beyond end of range"),
            ("1-2-3 * * * *", "too many hyphens"),
            ("*/2/3 * * * *", "too many slashes"),
            ("*/0 * * * *", "step of range should be a positive number"),
            ("-1 * * * *", "failed to parse int from"),
            ("x * * * *", "failed to parse int from x"),
            ("* * * * mon-xyz", "failed to parse int from xyz"),
            ("* * * JANUARY *", "failed to parse int"),
            ("99999999999999999999 * * * *", "failed to parse int"),
            ("@reboot", "unrecognized descriptor"),
            ("@Daily", "unrecognized descriptor"),
            ("@every", "unrecognized descriptor"),
            ("@every 5", "missing unit"),
            ("@every 5y", "unknown unit"),
            ("@every  5m", "failed to parse duration"),
            ("@every 99999999999h", "invalid duration"),
            (" @daily", "expected exactly 5 fields, found 1"),
        ] {
            let e = parse(s).unwrap_err();
            assert!(e.contains(err), "{s}: {e}");
        }
    }

    #[test]
    fn impossible_dates_never_fire() {
        for (s, why) in [
            ("0 0 30 2 *", "day 30 never occurs in February"),
            (
                "0 0 31 4,6,9,11 *",
                "day 31 never occurs in April, June, September, November",
            ),
            ("0 0 30-31 feb ?", "day 30,31 never occurs in February"),
            ("0 0 31 2 */1", "never occurs in February"),
            ("0 0 * 2 ,", "day-of-week field selects no value"),
            (", * * * *", "minute field selects no value"),
            ("0 0 , * ?", "day-of-month field selects no value"),
        ] {
            let got = never_fires(&ok(s)).unwrap_or_else(|| panic!("{s} fires"));
            assert!(got.contains(why), "{s}: {got}");
        }
        for s in [
            "0 0 30 2 1",
            "0 0 29 2 *",
            "0 0 31 * *",
            "0 0 30 1-2 *",
            "0 0 31 */2 *",
            "0 0 , * 1",
            "0 0 * 2 mon",
            "30 2 * * *",
        ] {
            assert_eq!(never_fires(&ok(s)), None, "{s}");
        }
        for d in ["@yearly", "@monthly", "@weekly", "@daily", "@hourly"] {
            assert_eq!(never_fires(&ok(d)), None, "{d}");
        }
    }

    #[test]
    fn shortest_intervals() {
        for (s, want) in [
            ("* * * * *", Some(1)),
            ("*/5 * * * *", Some(5)),
            ("0 * * * *", Some(60)),
            ("0,50 * * * *", Some(10)),
            ("30 2 * * *", Some(1440)),
            ("59 23,0 * * *", Some(60)),
            ("0,59 0,23 * * *", Some(1)),
            ("0 9 * * 1-5", None),
            ("0 9,17 * * 1-5", Some(480)),
        ] {
            assert_eq!(shortest_interval_minutes(&ok(s)), want, "{s}");
        }
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("1h30m"), Ok(5400e9));
        assert_eq!(go_duration(".5s"), Ok(0.5e9));
        assert_eq!(go_duration("1.s"), Ok(1e9));
        assert_eq!(go_duration("2µs"), Ok(2e3));
        assert!(go_duration("").is_err());
        assert!(go_duration(".s").is_err());
        assert!(go_duration("1h 30m").is_err());
        assert!(go_duration("h").is_err());
    }
}
