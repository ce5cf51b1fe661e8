//! Reading typed fields so that an unexpected shape never passes a control.
//!
//! The API server validates built-in fields, but a policy also sees custom
//! resources, annotations, manifests from a repository (`scan`) and requests
//! that never reached the API server's validation. A boolean may arrive as
//! `"true"`, `"yes"` or `1`; an integer as `3.0`. Reading those as "absent"
//! lets an object pass a control it violates. Every control reads booleans,
//! integers and capability names through this module, and a shape it does not
//! expect is [`Flag::Malformed`] / [`Int::Malformed`]: a violation unless the
//! control documents otherwise.

use crate::dom::Value;

/// A boolean field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    Absent,
    True,
    False,
    /// Present but not a JSON boolean (`"true"`, `"yes"`, `1`, `{}` ...).
    Malformed,
}

impl Flag {
    pub fn of(v: Option<&Value>) -> Flag {
        match v {
            None | Some(Value::Null) => Flag::Absent,
            Some(Value::Bool(true)) => Flag::True,
            Some(Value::Bool(false)) => Flag::False,
            Some(_) => Flag::Malformed,
        }
    }

    /// For controls that forbid `true`: anything but an explicit `false` or
    /// absence may mean `true` to some reader.
    pub fn may_be_true(self) -> bool {
        matches!(self, Flag::True | Flag::Malformed)
    }

    /// For controls that require `true`: only a canonical `true` satisfies them.
    pub fn is_true(self) -> bool {
        self == Flag::True
    }

    /// For controls that require an explicit `false`.
    pub fn is_false(self) -> bool {
        self == Flag::False
    }
}

/// An integer field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Int {
    Absent,
    Value(i64),
    /// Present but not an integer: a string, a non-integral number, a number
    /// outside `i64`, an object.
    Malformed,
}

impl Int {
    /// Integral floats (`3.0`, as YAML and JSON encoders sometimes write them)
    /// are integers; anything else that is not an integer is malformed.
    pub fn of(v: Option<&Value>) -> Int {
        match v {
            None | Some(Value::Null) => Int::Absent,
            Some(Value::Number(n)) => {
                if let Some(i) = n.as_i64() {
                    Int::Value(i)
                } else if let Some(f) = n.as_f64() {
                    // 2^63 itself is not representable; keep the bound exclusive.
                    if f.fract() == 0.0 && f >= -(2f64.powi(63)) && f < 2f64.powi(63) {
                        Int::Value(f as i64)
                    } else {
                        Int::Malformed
                    }
                } else {
                    Int::Malformed
                }
            }
            Some(_) => Int::Malformed,
        }
    }

    pub fn value(self) -> Option<i64> {
        match self {
            Int::Value(i) => Some(i),
            _ => None,
        }
    }
}

/// A string field: `Err` carries the field's value when it is not a string.
pub fn string(v: Option<&Value>) -> Result<Option<&str>, &Value> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(other),
    }
}

/// A Linux capability as a control must read it, in both directions.
///
/// Kubernetes does not validate capability names; the runtimes turn them into
/// `CAP_<NAME>` differently. containerd's CRI plugin upper-cases every entry
/// and prefixes `CAP_` (so `net_raw` is `CAP_NET_RAW`, but `CAP_NET_RAW`
/// becomes `CAP_CAP_NET_RAW`, which names nothing) and matches `ALL` in any
/// case; CRI-O keeps a `CAP_`-prefixed name as written and compares without
/// case. Each direction therefore reads the names pessimistically:
/// - [`capability_added`]: any spelling that some runtime would grant counts
///   as granting (case, surrounding blanks and a `CAP_` prefix ignored);
/// - [`capability_dropped`]: only a spelling that every runtime drops counts
///   as dropping: the name without prefix or blanks, in any case, or `ALL`.
pub fn capability_added(entry: &str, capability: &str) -> bool {
    let name = normalise_capability(entry);
    name == capability || name == "ALL"
}

/// See [`capability_added`].
pub fn capability_dropped(entry: &str, capability: &str) -> bool {
    entry.eq_ignore_ascii_case(capability) || entry.eq_ignore_ascii_case("ALL")
}

/// `" cap_net_raw "` → `NET_RAW`: the name some runtime may grant for `entry`.
pub fn normalise_capability(entry: &str) -> String {
    let upper = entry.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_string(),
        None => upper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_value as json;

    #[test]
    fn flags_other_than_canonical_booleans_are_malformed() {
        assert_eq!(Flag::of(None), Flag::Absent);
        assert_eq!(Flag::of(Some(&json!(null))), Flag::Absent);
        assert_eq!(Flag::of(Some(&json!(true))), Flag::True);
        assert_eq!(Flag::of(Some(&json!(false))), Flag::False);
        for odd in [
            json!("true"),
            json!("yes"),
            json!(1),
            json!("false"),
            json!({}),
        ] {
            let f = Flag::of(Some(&odd));
            assert_eq!(f, Flag::Malformed, "{odd}");
            assert!(f.may_be_true() && !f.is_true() && !f.is_false(), "{odd}");
        }
    }

    #[test]
    fn integral_floats_are_integers_and_the_rest_malformed() {
        assert_eq!(Int::of(Some(&json!(3))), Int::Value(3));
        assert_eq!(Int::of(Some(&json!(3.0))), Int::Value(3));
        assert_eq!(Int::of(Some(&json!(-2.0))), Int::Value(-2));
        assert_eq!(Int::of(Some(&json!(3.5))), Int::Malformed);
        assert_eq!(Int::of(Some(&json!("3"))), Int::Malformed);
        assert_eq!(Int::of(Some(&json!(u64::MAX))), Int::Malformed);
        assert_eq!(Int::of(Some(&json!(1e300))), Int::Malformed);
        let big = crate::dom::parse(b"100000000000000000000000").unwrap();
        assert_eq!(Int::of(Some(&big)), Int::Malformed);
        assert_eq!(Int::of(None), Int::Absent);
        assert_eq!(Int::of(Some(&json!(7))).value(), Some(7));
    }

    #[test]
    fn capabilities_are_read_pessimistically_in_each_direction() {
        for granted in [
            "NET_RAW",
            "net_raw",
            " NET_RAW ",
            "CAP_NET_RAW",
            "cap_net_raw",
            "all",
        ] {
            assert!(capability_added(granted, "NET_RAW"), "{granted}");
        }
        assert!(!capability_added("NET_ADMIN", "NET_RAW"));
        for effective in ["NET_RAW", "net_raw", "ALL", "all"] {
            assert!(capability_dropped(effective, "NET_RAW"), "{effective}");
        }
        // containerd turns these into names that drop nothing.
        for ineffective in ["CAP_NET_RAW", "cap_net_raw", " NET_RAW", "NET_RAW "] {
            assert!(!capability_dropped(ineffective, "NET_RAW"), "{ineffective}");
        }
        assert_eq!(string(Some(&json!("a"))), Ok(Some("a")));
        assert!(string(Some(&json!(1))).is_err());
    }
}
