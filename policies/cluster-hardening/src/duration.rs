//! Go `time.Duration` strings (`4h0m0s`, `5m`, `300ms`) as Kubernetes
//! configuration files write them (`metav1.Duration`).

/// Milliseconds of a Go duration string; `None` when it is not one. Like
/// `time.ParseDuration`: an optional sign, then one or more decimal numbers
/// each with a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`); `0` alone is zero.
pub fn parse_millis(s: &str) -> Option<i64> {
    let (negative, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let millis_per_unit = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 60e3,
            "h" => 3600e3,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * millis_per_unit;
        if !total.is_finite() || total > 9.2e15 {
            return None;
        }
    }
    let millis = total.round() as i64;
    Some(if negative { -millis } else { millis })
}

#[cfg(test)]
mod tests {
    use super::parse_millis;

    #[test]
    fn reads_go_durations() {
        assert_eq!(parse_millis("4h0m0s"), Some(4 * 3600 * 1000));
        assert_eq!(parse_millis("5m"), Some(300_000));
        assert_eq!(parse_millis("1h30m"), Some(5_400_000));
        assert_eq!(parse_millis("1.5s"), Some(1500));
        assert_eq!(parse_millis("0s"), Some(0));
        assert_eq!(parse_millis("0"), Some(0));
        assert_eq!(parse_millis("-2s"), Some(-2000));
        assert_eq!(parse_millis("300ms"), Some(300));
        for bad in ["", "5", "h", "5x", "--1s", "1e3s", "9999999999999999h", "."] {
            assert_eq!(parse_millis(bad), None, "{bad}");
        }
    }
}
