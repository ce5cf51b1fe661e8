//! Durations as the privacy controls read them: ISO 8601 durations in the
//! retention annotations (`P7Y`, `P1Y6M`, `P2W`, `PT36H`, `P0.5Y`) and Go
//! durations in Velero's `ttl` fields (`720h0m0s`, `1.5h`).
//!
//! Both parsers are strict: anything the standard (or Go's
//! `time.ParseDuration`) does not accept is an error, never a zero or a
//! default, because a retention period that silently reads as "0" would let a
//! record be disposed of the moment it is written.
//!
//! Lengths are compared in nanoseconds. Calendar units of an ISO duration have
//! no fixed length, so they take the Gregorian averages: a year is 365.2425
//! days (31 556 952 s) and a month a twelfth of that (2 629 746 s), so `P1Y`
//! equals `P12M`, `P365D` is a little shorter than `P1Y`, `P1W` is 7 days and
//! `P1D` 24 hours (no leap seconds, no daylight saving).

use std::fmt;

const NANOS_PER_SECOND: u128 = 1_000_000_000;
const SECONDS_PER_DAY: u128 = 86_400;
const SECONDS_PER_YEAR: u128 = 31_556_952;
const SECONDS_PER_MONTH: u128 = SECONDS_PER_YEAR / 12;

/// Integer digits accepted per component: far beyond any retention period
/// (10¹⁸ years), and small enough that the arithmetic never overflows `u128`.
const MAX_INT_DIGITS: usize = 18;
/// Fractional digits kept exactly: nanosecond precision of the smallest unit.
const MAX_FRACTION_DIGITS: usize = 9;

/// A parsed ISO 8601 duration; ordered by its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Iso(u128);

impl Iso {
    pub fn nanos(self) -> u128 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The length in whole days (rounded down), for messages.
    pub fn days(self) -> u128 {
        self.0 / NANOS_PER_SECOND / SECONDS_PER_DAY
    }

    /// Parses `PnYnMnWnDTnHnMnS`. Rules (ISO 8601-1:2019 §5.5.2, and
    /// ISO 8601-2 for weeks combined with other components):
    /// - `P` first, upper-case designators, components in that order, each at
    ///   most once; `T` separates the date and the time parts and must be
    ///   followed by at least one time component;
    /// - at least one component (`P` and `PT` alone are refused);
    /// - each value is one or more ASCII digits; only the last component may
    ///   have a fraction (`.` or `,` and at least one digit on each side);
    /// - no sign, no blanks, no alternative (`P0001-02-03`) format.
    pub fn parse(s: &str) -> Result<Iso, String> {
        let Some(rest) = s.strip_prefix('P') else {
            return Err("must start with P".into());
        };
        if rest.is_empty() {
            return Err("has no component after P".into());
        }
        // (designator, seconds per unit, is a time component)
        const UNITS: [(u8, u128, bool); 7] = [
            (b'Y', SECONDS_PER_YEAR, false),
            (b'M', SECONDS_PER_MONTH, false),
            (b'W', 7 * SECONDS_PER_DAY, false),
            (b'D', SECONDS_PER_DAY, false),
            (b'H', 3_600, true),
            (b'M', 60, true),
            (b'S', 1, true),
        ];
        let bytes = rest.as_bytes();
        let mut i = 0;
        let mut next_unit = 0; // index in UNITS the next component may use
        let mut in_time = false;
        let mut time_components = 0;
        let mut components = 0;
        let mut fraction_seen = false;
        let mut total: u128 = 0;
        while i < bytes.len() {
            if bytes[i] == b'T' {
                if in_time {
                    return Err("has T twice".into());
                }
                in_time = true;
                next_unit = next_unit.max(4);
                i += 1;
                continue;
            }
            if fraction_seen {
                return Err("has a component after a fractional one".into());
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let int_part = &rest[start..i];
            if int_part.is_empty() {
                return Err(kit::text!("has no digits before \"{}\"", char_at(rest, i)));
            }
            if int_part.len() > MAX_INT_DIGITS {
                return Err("has a number too large".into());
            }
            let mut frac_part = "";
            if i < bytes.len() && (bytes[i] == b'.' || bytes[i] == b',') {
                i += 1;
                let fstart = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                frac_part = &rest[fstart..i];
                if frac_part.is_empty() {
                    return Err("has a decimal sign without digits after it".into());
                }
                fraction_seen = true;
            }
            let Some(&designator) = bytes.get(i) else {
                return Err(kit::text!("ends with a number without a unit ({int_part})"));
            };
            i += 1;
            let found = UNITS
                .iter()
                .enumerate()
                .skip(next_unit)
                .find(|(_, (d, _, time))| *d == designator && *time == in_time);
            let Some((index, &(_, seconds, _))) = found else {
                return Err(if UNITS.iter().any(|(d, _, _)| *d == designator) {
                    kit::text!(
                        "has {} out of order, repeated or on the wrong side of T",
                        designator as char
                    )
                } else {
                    kit::text!("has an unknown unit \"{}\"", char_at(rest, i - 1))
                });
            };
            next_unit = index + 1;
            components += 1;
            if in_time {
                time_components += 1;
            }
            let unit = seconds * NANOS_PER_SECOND;
            let int: u128 = int_part.parse().map_err(|_| "has a number too large")?;
            let mut value = int * unit;
            if !frac_part.is_empty() {
                // Keep 9 digits exactly; further digits only round up.
                let kept = &frac_part[..frac_part.len().min(MAX_FRACTION_DIGITS)];
                let scale = 10u128.pow(kept.len() as u32);
                let numerator: u128 = kept.parse().unwrap_or(0) * unit;
                let dropped_nonzero = frac_part[kept.len()..].bytes().any(|b| b != b'0');
                value += numerator / scale
                    + u128::from(!numerator.is_multiple_of(scale) || dropped_nonzero);
            }
            total = total.saturating_add(value);
        }
        if in_time && time_components == 0 {
            return Err("has T without a time component after it".into());
        }
        if components == 0 {
            return Err("has no component".into());
        }
        Ok(Iso(total))
    }
}

fn char_at(s: &str, i: usize) -> String {
    s.get(i..)
        .and_then(|r| r.chars().next())
        .map_or_else(|| "end".to_string(), |c| c.to_string())
}

impl fmt::Display for Iso {
    /// A readable length (`2555 days`, `36 hours`), for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0 / NANOS_PER_SECOND;
        if seconds >= SECONDS_PER_DAY {
            write!(f, "{} days", seconds / SECONDS_PER_DAY)
        } else if seconds >= 3_600 {
            write!(f, "{} hours", seconds / 3_600)
        } else {
            write!(f, "{seconds} seconds")
        }
    }
}

/// A Go duration (`metav1.Duration`, `time.ParseDuration`) in nanoseconds:
/// `[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+`, or `0`. Go refuses
/// values beyond ±2⁶³−1 ns (about 292 years); so does this.
pub fn parse_go(s: &str) -> Result<i64, String> {
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err("is empty".into());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.bytes().take_while(u8::is_ascii_digit).count();
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(kit::text!("has no digits at \"{}\"", char_at(rest, 0)));
        }
        let unit_len = after
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(after.len(), |(i, _)| i);
        let (unit, after) = after.split_at(unit_len);
        let nanos_per: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => NANOS_PER_SECOND,
            "m" => 60 * NANOS_PER_SECOND,
            "h" => 3_600 * NANOS_PER_SECOND,
            "" => return Err("has a number without a unit".into()),
            other => return Err(kit::text!("has an unknown unit \"{other}\"")),
        };
        if int_part.len() > 30 {
            return Err("is out of range".into());
        }
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| "is out of range")?
        };
        let mut value = int.saturating_mul(nanos_per);
        let mut scale: u128 = 1;
        let mut frac: u128 = 0;
        for d in frac_part.bytes().take(20) {
            frac = frac * 10 + u128::from(d - b'0');
            scale *= 10;
        }
        value = value.saturating_add(frac * nanos_per / scale);
        total = total.saturating_add(value);
        if total > i64::MAX as u128 {
            return Err("is out of range".into());
        }
        rest = after;
    }
    let total = total as i64;
    Ok(if negative { -total } else { total })
}

/// Nanoseconds of an ISO duration as an `i128`, to compare with Go durations.
pub fn iso_nanos(d: Iso) -> i128 {
    i128::try_from(d.nanos()).unwrap_or(i128::MAX)
}

/// Go nanoseconds in the readable form of [`Iso`]'s `Display`.
pub fn describe_go(nanos: i64) -> String {
    if nanos < 0 {
        return kit::text!("{nanos} ns (negative)");
    }
    Iso(nanos as u128).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u128 = SECONDS_PER_DAY * NANOS_PER_SECOND;
    const HOUR: u128 = 3_600 * NANOS_PER_SECOND;

    fn n(s: &str) -> u128 {
        Iso::parse(s)
            .unwrap_or_else(|e| panic!("{s} should parse: {e}"))
            .nanos()
    }

    #[test]
    fn every_component_and_their_combinations() {
        assert_eq!(n("P1D"), DAY);
        assert_eq!(n("P2W"), 14 * DAY);
        assert_eq!(n("P1Y"), SECONDS_PER_YEAR * NANOS_PER_SECOND);
        assert_eq!(n("P1Y"), n("P12M"));
        assert!(n("P365D") < n("P1Y") && n("P366D") > n("P1Y"));
        assert_eq!(n("PT36H"), 36 * HOUR);
        assert_eq!(n("PT1M"), 60 * NANOS_PER_SECOND);
        assert_eq!(n("P1M"), SECONDS_PER_MONTH * NANOS_PER_SECOND);
        assert_eq!(n("PT1S"), NANOS_PER_SECOND);
        assert_eq!(
            n("P1Y2M3W4DT5H6M7S"),
            n("P1Y") + n("P2M") + n("P3W") + n("P4D") + n("PT5H") + n("PT6M") + n("PT7S")
        );
        assert_eq!(n("P1DT12H"), DAY + 12 * HOUR);
        assert_eq!(n("P0D"), 0);
        assert!(Iso::parse("PT0S").unwrap().is_zero());
        assert_eq!(n("P007D"), 7 * DAY);
    }

    #[test]
    fn fractions_only_on_the_last_component() {
        assert_eq!(n("P0.5D"), DAY / 2);
        assert_eq!(n("P0,5D"), DAY / 2);
        assert_eq!(n("P1DT1.5H"), DAY + 3 * HOUR / 2);
        assert_eq!(n("PT0.000000001S"), 1);
        // Beyond the nanosecond, a non-zero digit rounds up.
        assert_eq!(n("PT0.0000000001S"), 1);
        assert_eq!(n("PT0.0000000000S"), 0);
        assert_eq!(n("P0.5Y"), n("P6M"));
        for bad in ["P0.5Y1M", "P1.5DT1H", "PT1.5H30M", "P1.D", "P.5D", "P1,D"] {
            assert!(Iso::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "P",
            "PT",
            "P1DT",
            "1D",
            "p1d",
            "P1d",
            "P-1D",
            "-P1D",
            "+P1D",
            "P1D ",
            " P1D",
            "P 1D",
            "P1",
            "PD",
            "PTH",
            "P1H",
            "PT1D",
            "PT1Y",
            "P1D1Y",
            "P1M1Y",
            "P1D1D",
            "PT1S1M",
            "P1DT1HT1M",
            "P1X",
            "P1Ｄ",
            "P١D",
            "P0001-02-03",
            "P1Y2M3DT",
            "P1E3D",
            "P1_000D",
            "P1000000000000000000000D",
            "PT1H1H",
        ] {
            assert!(Iso::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(
            Iso::parse("P1DT")
                .unwrap_err()
                .contains("T without a time component")
        );
        assert!(Iso::parse("P").unwrap_err().contains("no component"));
    }

    #[test]
    fn huge_values_saturate_and_hostile_input_does_not_panic() {
        let max = kit::text!(
            "P{}Y{}M{}W{}D",
            "9".repeat(18),
            "9".repeat(18),
            "9".repeat(18),
            "9".repeat(18)
        );
        assert!(Iso::parse(&max).unwrap().nanos() > n("P1000Y"));
        assert!(Iso::parse(&kit::text!("P1.{}D", "9".repeat(100_000))).is_ok());
        assert!(Iso::parse(&"P".repeat(10_000)).is_err());
        assert!(Iso::parse("Pé").is_err());
        assert_eq!(Iso::parse("P7Y").unwrap().days(), 2556);
        assert_eq!(Iso::parse("PT36H").unwrap().to_string(), "1 days");
        assert_eq!(Iso::parse("PT2H").unwrap().to_string(), "2 hours");
        assert_eq!(Iso::parse("PT5S").unwrap().to_string(), "5 seconds");
    }

    #[test]
    fn go_durations_as_time_parse_duration() {
        const S: i64 = 1_000_000_000;
        assert_eq!(parse_go("720h0m0s"), Ok(720 * 3_600 * S));
        assert_eq!(parse_go("720h"), Ok(720 * 3_600 * S));
        assert_eq!(parse_go("1.5h"), Ok(5_400 * S));
        assert_eq!(parse_go(".5h"), Ok(1_800 * S));
        assert_eq!(parse_go("5.h"), Ok(5 * 3_600 * S));
        assert_eq!(parse_go("1h30m"), Ok(5_400 * S));
        assert_eq!(parse_go("10ms"), Ok(10_000_000));
        assert_eq!(parse_go("3µs"), Ok(3_000));
        assert_eq!(parse_go("3us"), Ok(3_000));
        assert_eq!(parse_go("0"), Ok(0));
        assert_eq!(parse_go("-1h"), Ok(-3_600 * S));
        assert_eq!(parse_go("+1s"), Ok(S));
        assert_eq!(parse_go("2562047h47m16.854775807s"), Ok(i64::MAX));
        for bad in [
            "", "1", "h", ".h", "1d", "1H", "1h ", " 1h", "1hm", "1.2.3h", "2562048h", "P1D", "-",
            "1e3s", "--1h",
        ] {
            assert!(parse_go(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(parse_go(&"9".repeat(10_000)).is_err());
        assert_eq!(describe_go(720 * 3_600 * S), "30 days");
        assert!(describe_go(-1).contains("negative"));
    }
}
