//! Kubernetes resource quantities ("500m", "1Gi", "1e3", "1.5") read the way the
//! API server reads them (`k8s.io/apimachinery/pkg/api/resource`), as exact
//! integers of nano-units. No floats: `0.1` and `100m` must compare equal, and a
//! rounding error must never decide an admission.

use crate::dom::Value;

/// A quantity in nano-units (10⁻⁹), rounded up to the nano as the API server
/// rounds it, and saturating at the ends of the `i128` range (about ±1.7·10²⁹
/// units: far beyond anything a node or a quota holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(i128);

const NANOS_PER_UNIT: u128 = 1_000_000_000;

/// Significant digits are kept exactly up to 36 of them (below `u128::MAX`);
/// further digits only decide the rounding up.
const MANTISSA_LIMIT: u128 = 10u128.pow(35);

/// The API server caps binary-suffixed quantities ("Ki" ... "Ei") at the
/// largest `int64` number of units.
const BINARY_CAP: u128 = (i64::MAX as u128) * NANOS_PER_UNIT;

/// Decimal exponents beyond this already saturate; clamping keeps the
/// arithmetic on `i64` far from overflow.
const EXPONENT_CLAMP: i64 = 1_000;

/// The digits of the number part: `mantissa × 10^scale`, plus whether a dropped
/// digit was non-zero (so the value must be rounded up).
#[derive(Default)]
struct Digits {
    mantissa: u128,
    scale: i64,
    sticky: bool,
}

impl Digits {
    fn push(&mut self, digit: u8, fractional: bool) {
        if self.mantissa < MANTISSA_LIMIT {
            self.mantissa = self.mantissa * 10 + u128::from(digit);
            if fractional {
                self.scale -= 1;
            }
        } else {
            // Out of exact precision: an integer digit still multiplies the
            // value by ten, a fractional one only matters for rounding.
            if !fractional {
                self.scale += 1;
            }
            self.sticky |= digit != 0;
        }
    }
}

/// `(binary shift, decimal exponent)` of a suffix, as `quantitySuffixer.interpret`.
fn suffix(s: &[u8]) -> Option<(u32, i64)> {
    Some(match s {
        b"" => (0, 0),
        b"n" => (0, -9),
        b"u" => (0, -6),
        b"m" => (0, -3),
        b"k" => (0, 3),
        b"M" => (0, 6),
        b"G" => (0, 9),
        b"T" => (0, 12),
        b"P" => (0, 15),
        b"E" => (0, 18),
        b"Ki" => (10, 0),
        b"Mi" => (20, 0),
        b"Gi" => (30, 0),
        b"Ti" => (40, 0),
        b"Pi" => (50, 0),
        b"Ei" => (60, 0),
        // "e3", "E-2", "e+6": a decimal exponent (a lone "e" is refused).
        [b'e' | b'E', exponent @ ..] => (0, parse_exponent(exponent)?),
        _ => return None,
    })
}

/// Go's `strconv.ParseInt(s, 10, 64)`: optional sign, at least one digit.
fn parse_exponent(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
    }
    let n = if negative { -n } else { n };
    Some(n.clamp(-EXPONENT_CLAMP, EXPONENT_CLAMP))
}

impl Quantity {
    pub const ZERO: Quantity = Quantity(0);

    pub fn from_nanos(nanos: i128) -> Quantity {
        Quantity(nanos)
    }

    pub fn from_units(units: i64) -> Quantity {
        Quantity(i128::from(units) * NANOS_PER_UNIT as i128)
    }

    pub fn nanos(self) -> i128 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses the string form; `None` where the API server would answer
    /// "quantities must match the regular expression ...". Like the API server,
    /// it takes a number part without digits ("", "-", ".", "Ki") as zero.
    pub fn parse(s: &str) -> Option<Quantity> {
        let bytes = s.as_bytes();
        let (negative, rest) = match bytes.split_first() {
            None => return None,
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            Some(_) => (false, bytes),
        };
        let mut digits = Digits::default();
        let mut i = 0;
        while let Some(d) = rest.get(i).filter(|d| d.is_ascii_digit()) {
            digits.push(d - b'0', false);
            i += 1;
        }
        if rest.get(i) == Some(&b'.') {
            i += 1;
            while let Some(d) = rest.get(i).filter(|d| d.is_ascii_digit()) {
                digits.push(d - b'0', true);
                i += 1;
            }
        }
        let (shift, exponent) = suffix(rest.get(i..)?)?;
        let magnitude = to_nanos(digits, shift, exponent);
        let magnitude = i128::try_from(magnitude).unwrap_or(i128::MAX);
        Some(Quantity(if negative { -magnitude } else { magnitude }))
    }

    /// A quantity as JSON holds it: the string form, or a bare number, which
    /// the API server also accepts (`cpu: 2`, `cpu: 0.5`).
    pub fn from_json(v: &Value) -> Option<Quantity> {
        match v {
            Value::String(s) => Quantity::parse(s),
            Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => None,
        }
    }

    /// `self × factor`, rounded up to the nano, saturating.
    pub fn times(self, factor: Quantity) -> Quantity {
        let scale = NANOS_PER_UNIT as i128;
        match self.0.checked_mul(factor.0) {
            Some(p) => Quantity(p.div_euclid(scale) + i128::from(p.rem_euclid(scale) != 0)),
            // Only for values far beyond any real resource: give up the nano digits.
            None => Quantity((self.0 / scale).saturating_mul(factor.0)),
        }
    }
}

/// `mantissa × 2^shift × 10^(scale + exponent)` in nano-units, rounded up.
fn to_nanos(digits: Digits, shift: u32, exponent: i64) -> u128 {
    let Digits {
        mut mantissa,
        scale,
        mut sticky,
    } = digits;
    if mantissa == 0 {
        return 0;
    }
    let mut power = scale + exponent + 9;
    let factor = 1u128 << shift;
    // Keep mantissa × 2^shift within u128: dropped digits only round up.
    let mut scaled = loop {
        match mantissa.checked_mul(factor) {
            Some(v) => break v,
            None => {
                sticky |= mantissa % 10 != 0;
                mantissa /= 10;
                power += 1;
            }
        }
    };
    if power >= 0 {
        scaled = u32::try_from(power)
            .ok()
            .and_then(|p| 10u128.checked_pow(p))
            .and_then(|p| scaled.checked_mul(p))
            .unwrap_or(u128::MAX);
    } else {
        // Below the nano: round up to the next nano (inf.RoundUp).
        scaled = match u32::try_from(-power)
            .ok()
            .and_then(|p| 10u128.checked_pow(p))
        {
            Some(divisor) => scaled / divisor + u128::from(scaled % divisor != 0 || sticky),
            None => 1,
        };
    }
    if shift > 0 {
        scaled = scaled.min(BINARY_CAP);
    }
    scaled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_value as json;

    fn nanos(s: &str) -> i128 {
        Quantity::parse(s)
            .unwrap_or_else(|| panic!("{s} should parse"))
            .nanos()
    }

    #[test]
    fn decimal_binary_and_exponent_forms() {
        const N: i128 = 1_000_000_000;
        assert_eq!(nanos("500m"), N / 2);
        assert_eq!(nanos("0.5"), N / 2);
        assert_eq!(nanos(".5"), N / 2);
        assert_eq!(nanos("1."), N);
        assert_eq!(nanos("2"), 2 * N);
        assert_eq!(nanos("+2"), 2 * N);
        assert_eq!(nanos("-2"), -2 * N);
        assert_eq!(nanos("1k"), 1_000 * N);
        assert_eq!(nanos("1M"), 1_000_000 * N);
        assert_eq!(nanos("1G"), 1_000_000_000 * N);
        assert_eq!(nanos("1E"), 10i128.pow(18) * N);
        assert_eq!(nanos("1Ki"), 1024 * N);
        assert_eq!(nanos("1Gi"), 1024 * 1024 * 1024 * N);
        assert_eq!(nanos("1.5Gi"), 3 * 512 * 1024 * 1024 * N);
        assert_eq!(nanos("1e3"), 1_000 * N);
        assert_eq!(nanos("1E3"), 1_000 * N);
        assert_eq!(nanos("1e+3"), 1_000 * N);
        assert_eq!(nanos("15e-1"), 3 * N / 2);
        assert_eq!(nanos("1u"), 1_000);
        assert_eq!(nanos("1n"), 1);
        assert_eq!(nanos("0"), 0);
        assert_eq!(nanos("000100m"), N / 10);
        assert_eq!(Quantity::parse("100m"), Quantity::parse("0.1"));
        assert_eq!(Quantity::parse("1024Mi"), Quantity::parse("1Gi"));
    }

    #[test]
    fn rounds_up_to_the_nano_like_the_api_server() {
        assert_eq!(nanos("0.1n"), 1);
        assert_eq!(nanos("1.5n"), 2);
        assert_eq!(nanos("0.000000000000000000000000000000000000000001"), 1);
        assert_eq!(nanos("-0.1n"), -1);
        // 40 significant digits: exact to the nano, the rest rounds up.
        assert_eq!(
            nanos("1.0000000000000000000000000000000000000001"),
            1_000_000_001
        );
    }

    #[test]
    fn quirks_of_the_api_server_are_kept() {
        // A number part without digits is zero: the API server accepts these.
        for s in ["-", "+", ".", "Ki", "m", "1.G"] {
            assert!(Quantity::parse(s).is_some(), "{s}");
        }
        assert_eq!(nanos("Ki"), 0);
        assert_eq!(nanos("1.G"), 1_000_000_000_000_000_000);
    }

    #[test]
    fn refuses_what_the_api_server_refuses() {
        for s in [
            "",
            "1e",
            "1E+",
            "1 ",
            " 1",
            "1KB",
            "1ki",
            "1Kib",
            "abc",
            "1.2.3",
            "1e3.5",
            "0x10",
            "1,5",
            "1e99999999999999999999",
            "++1",
            "1_000",
            "1m1",
            "Ee3",
            "1ee3",
            "٣",
        ] {
            assert_eq!(Quantity::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn huge_values_saturate_instead_of_wrapping() {
        let big = Quantity::parse("1e400").unwrap();
        assert_eq!(big.nanos(), i128::MAX);
        assert_eq!(Quantity::parse("-1e400").unwrap().nanos(), -i128::MAX);
        // Binary quantities are capped at int64 units, like the API server does.
        assert_eq!(nanos("100000000Ei"), i128::from(i64::MAX) * 1_000_000_000);
        assert!(Quantity::parse(&"9".repeat(100_000)).is_some());
        assert!(Quantity::parse(&crate::text!("0.{}1", "0".repeat(100_000))).is_some());
        assert_eq!(big.times(big).nanos(), i128::MAX);
    }

    #[test]
    fn json_numbers_and_strings() {
        assert_eq!(Quantity::from_json(&json!(2)), Quantity::parse("2"));
        assert_eq!(Quantity::from_json(&json!(0.5)), Quantity::parse("500m"));
        assert_eq!(Quantity::from_json(&json!(1e3)), Quantity::parse("1k"));
        assert_eq!(Quantity::from_json(&json!("1Gi")), Quantity::parse("1Gi"));
        assert_eq!(Quantity::from_json(&json!(true)), None);
        assert_eq!(Quantity::from_json(&json!(null)), None);
    }

    #[test]
    fn multiplication_for_ratios() {
        let q = |s| Quantity::parse(s).unwrap();
        assert_eq!(q("500m").times(q("4")), q("2"));
        assert_eq!(q("1Gi").times(q("1.5")), q("1536Mi"));
        assert_eq!(q("1n").times(q("0.5")), q("1n"));
    }
}
