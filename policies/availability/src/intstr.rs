//! `IntOrString` fields holding a count or a percentage (`maxUnavailable`,
//! `maxSurge`, `minAvailable`), resolved against a replica count the way the
//! controllers resolve them (`intstr.GetScaledValueFromIntOrPercent`).

use kit::Value;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    Int(i64),
    Percent(i64),
}

impl IntOrPercent {
    /// Reads the JSON form: an integer, or a string `"<digits>%"`. Anything else
    /// (a bare numeric string, a negative percentage) is `None`: the API server
    /// refuses those, so no control has to guess what they mean.
    pub fn from_json(v: &Value) -> Option<IntOrPercent> {
        match v {
            // `kit::Int` decides: `1.0` is 1, `1.5` is not a count.
            Value::Number(_) => kit::Int::of(Some(v)).value().map(IntOrPercent::Int),
            Value::String(s) => {
                let digits = s.strip_suffix('%')?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                digits.parse().ok().map(IntOrPercent::Percent)
            }
            _ => None,
        }
    }

    /// The count this value stands for out of `total`; percentages are
    /// rounded up or down as the controller reading the field does.
    pub fn scaled(self, total: i64, round_up: bool) -> i64 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => {
                let product = i128::from(p) * i128::from(total);
                let value = if round_up {
                    (product + 99).div_euclid(100)
                } else {
                    product.div_euclid(100)
                };
                i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
            }
        }
    }

    pub fn is_zero(self) -> bool {
        matches!(self, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IntOrPercent::{Int, Percent};
    use super::*;
    use kit::json_value as json;

    #[test]
    fn reads_and_scales_like_the_controllers() {
        assert_eq!(IntOrPercent::from_json(&json!(1)), Some(Int(1)));
        assert_eq!(IntOrPercent::from_json(&json!("25%")), Some(Percent(25)));
        assert_eq!(IntOrPercent::from_json(&json!("25")), None);
        assert_eq!(IntOrPercent::from_json(&json!("-5%")), None);
        assert_eq!(IntOrPercent::from_json(&json!("%")), None);
        assert_eq!(IntOrPercent::from_json(&json!(1.5)), None);
        assert_eq!(IntOrPercent::from_json(&json!(1.0)), Some(Int(1)));
        assert_eq!(IntOrPercent::from_json(&json!(1e300)), None);
        assert_eq!(IntOrPercent::from_json(&json!(null)), None);
        // Deployment maxUnavailable rounds down, PDB values round up.
        assert_eq!(Percent(25).scaled(2, false), 0);
        assert_eq!(Percent(25).scaled(2, true), 1);
        assert_eq!(Percent(50).scaled(3, true), 2);
        assert_eq!(Percent(100).scaled(4, false), 4);
        assert_eq!(Int(3).scaled(10, true), 3);
        assert_eq!(Percent(i64::MAX).scaled(i64::MAX, true), i64::MAX);
        assert!(Percent(0).is_zero() && Int(0).is_zero() && !Int(1).is_zero());
        assert_eq!(Percent(30).to_string(), "30%");
    }
}
