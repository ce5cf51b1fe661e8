//! Borrowing accessors over the request's JSON tree ([`Value`]).
//!
//! Admission objects are read as untyped JSON rather than k8s-openapi structs:
//! deserialising a whole Pod into typed structs is what makes most Kubewarden
//! policies weigh megabytes and take hundreds of microseconds. A wrong type in a
//! field simply reads as "absent" here, and the engine's shape checks report the
//! fields a control depends on.

use crate::dom::{Map, Value};

pub fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for key in path {
        cur = cur.as_object()?.get(key)?;
    }
    Some(cur)
}

pub fn get_str<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    get(v, path)?.as_str()
}

pub fn get_bool(v: &Value, path: &[&str]) -> Option<bool> {
    get(v, path)?.as_bool()
}

pub fn get_i64(v: &Value, path: &[&str]) -> Option<i64> {
    get(v, path)?.as_i64()
}

pub fn get_obj<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Map> {
    get(v, path)?.as_object()
}

/// The array at `path`, or an empty slice when absent or not an array.
pub fn get_array<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    get(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The strings of the array at `path`, skipping non-string items.
pub fn get_strs<'a>(v: &'a Value, path: &[&str]) -> impl Iterator<Item = &'a str> {
    get_array(v, path).iter().filter_map(Value::as_str)
}

/// A short JSON rendering of a value for messages, cut at `max` bytes (on a
/// character boundary). Rendering stops at the cut: a megabyte string costs
/// no megabyte (the modules' arena reclaims nothing until the call ends).
pub fn brief(v: &impl std::fmt::Display, max: usize) -> String {
    use std::fmt::Write;
    let mut out = Bounded {
        text: String::new(),
        // One byte past the cut tells "exactly max" from "longer".
        limit: max + 1,
    };
    let complete = write!(out, "{v}").is_ok();
    let mut s = out.text;
    if complete && s.len() <= max {
        return s;
    }
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push('…');
    s
}

/// A `fmt::Write` that refuses what goes beyond `limit` bytes.
struct Bounded {
    text: String,
    limit: usize,
}

impl std::fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let room = self.limit.saturating_sub(self.text.len());
        if s.len() <= room {
            self.text.push_str(s);
            return Ok(());
        }
        let mut end = room;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.text.push_str(&s[..end]);
        Err(std::fmt::Error)
    }
}

/// Writes `s` as a JSON string, byte for byte as serde_json writes it (quote,
/// backslash and control characters escaped, nothing else). Answers are
/// mostly plain identifiers and messages: runs without an escape are copied
/// whole, where serde_json looks at every byte and writes in pieces (each a
/// `memory.copy` call out of the guest).
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0;
    loop {
        let end = crate::dom::plain_text_end(bytes, run);
        crate::text::append(out, &bytes[run..end]);
        let Some(&b) = bytes.get(end) else { break };
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        run = end + 1;
    }
    out.push(b'"');
}

/// [`write_str`], or `null` for `None`.
pub fn write_optional_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// `value` as JSON, as `serde_json::to_vec` writes it (numbers too: see
/// [`Floats`]); nothing, rather than part of it, if it cannot be written.
pub fn to_vec<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    match to_writer(&mut out, value) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// [`to_vec`] into any writer.
pub fn to_writer<W: std::io::Write, T: serde::Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    value.serialize(&mut serde_json::Serializer::with_formatter(writer, Floats))
}

/// serde_json's compact formatter, floats written from the standard
/// library's shortest digits in serde_json's layout. serde_json's own float
/// writer brings a 17 KB table into every module's read-only data, which a
/// fresh instance maps page by page; floats are rare in what the modules
/// write (a value quoted in a message), so that table was paid for nothing.
pub struct Floats;

impl serde_json::ser::Formatter for Floats {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        w.write_all(FloatText::of(value).as_bytes())
    }

    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        w.write_all(FloatText::of(value).as_bytes())
    }
}

/// A finite float as serde_json writes it: the shortest digits that read
/// back as the same value, in positional notation for decimal exponents
/// from -5 to 15 (`0.00001`, `3.0`, `1000000000000000.0`), in scientific
/// notation otherwise (`1e-6`, `1.5e+16`).
pub(crate) struct FloatText {
    bytes: [u8; 40],
    len: usize,
}

impl FloatText {
    pub(crate) fn of(value: impl std::fmt::LowerExp + Into<f64> + Copy) -> FloatText {
        let value_bits = value.into().to_bits();
        // `{:e}` gives the shortest round-trip digits: `-1.2345e-7`.
        let mut sci = FloatText {
            bytes: [0; 40],
            len: 0,
        };
        let _ = std::fmt::Write::write_fmt(&mut sci, format_args!("{value:e}"));
        let text = &sci.bytes[..sci.len];
        let (negative, text) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let e = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
        let exponent: i32 = std::str::from_utf8(&text[(e + 1).min(text.len())..])
            .ok()
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        let mut digits = [0u8; 20];
        let mut count = 0;
        for &b in text[..e]
            .iter()
            .filter(|b| b.is_ascii_digit())
            .take(digits.len())
        {
            digits[count] = b;
            count += 1;
        }
        // Where two shortest digit strings are equally close to the value,
        // `{:e}` takes the upper one and serde_json the even one.
        if count > 1
            && digits[count - 1] % 2 == 1
            && halfway_below(value_bits, &digits[..count], exponent)
        {
            digits[count - 1] -= 1;
        }
        let digits = &digits[..count];

        let mut out = FloatText {
            bytes: [0; 40],
            len: 0,
        };
        if negative {
            out.push(b"-");
        }
        if (-5..=15).contains(&exponent) {
            if exponent < 0 {
                out.push(b"0.");
                for _ in 0..(-exponent - 1) {
                    out.push(b"0");
                }
                out.push(digits);
            } else {
                let whole = exponent as usize + 1;
                if digits.len() <= whole {
                    out.push(digits);
                    for _ in digits.len()..whole {
                        out.push(b"0");
                    }
                    out.push(b".0");
                } else {
                    out.push(&digits[..whole]);
                    out.push(b".");
                    out.push(&digits[whole..]);
                }
            }
        } else {
            out.push(&digits[..1]);
            if digits.len() > 1 {
                out.push(b".");
                out.push(&digits[1..]);
            }
            out.push(if exponent < 0 { b"e-" } else { b"e+" });
            let _ =
                std::fmt::Write::write_fmt(&mut out, format_args!("{}", exponent.unsigned_abs()));
        }
        out
    }

    fn push(&mut self, bytes: &[u8]) {
        let end = (self.len + bytes.len()).min(self.bytes.len());
        self.bytes[self.len..end].copy_from_slice(&bytes[..end - self.len]);
        self.len = end;
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII is ever pushed.
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// Whether the float `bits` lies exactly halfway between the decimal
/// `digits` × 10^(`exponent` − digits + 1) and the one a unit lower in its
/// last place: (10·digits − 5) × 10^q = mantissa × 2^e, q = exponent −
/// digits, checked in integers. A product too large for 128 bits means no
/// (such ties sit between 16- and 17-digit neighbours, far below that).
fn halfway_below(bits: u64, digits: &[u8], exponent: i32) -> bool {
    let raw_exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = u128::from(bits & ((1 << 52) - 1));
    let (mantissa, e2) = if raw_exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, raw_exponent - 1075)
    };
    let whole = digits
        .iter()
        .fold(0u128, |n, d| n * 10 + u128::from(d - b'0'));
    let midpoint = whole * 10 - 5;
    let q = exponent - digits.len() as i32;
    let (a, b) = ((-q).max(0) as u32, (-e2).max(0) as u32);
    let pow = |base: u128, k: u32| base.checked_pow(k);
    let left = pow(10, (q + a as i32) as u32)
        .and_then(|p| midpoint.checked_mul(p))
        .and_then(|n| pow(2, b).and_then(|p| n.checked_mul(p)));
    let right = pow(2, (e2 + b as i32) as u32)
        .and_then(|p| mantissa.checked_mul(p))
        .and_then(|n| pow(10, a).and_then(|p| n.checked_mul(p)));
    matches!((left, right), (Some(l), Some(r)) if l == r)
}

impl std::fmt::Write for FloatText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json_value as json;

    #[test]
    fn accessors_follow_paths_and_tolerate_wrong_types() {
        let v = json!({"a": {"b": [1, "x", 2], "c": "s", "d": true, "e": 5}});
        assert_eq!(get_str(&v, &["a", "c"]), Some("s"));
        assert_eq!(get_bool(&v, &["a", "d"]), Some(true));
        assert_eq!(get_i64(&v, &["a", "e"]), Some(5));
        assert_eq!(get_array(&v, &["a", "b"]).len(), 3);
        assert_eq!(get_strs(&v, &["a", "b"]).collect::<Vec<_>>(), vec!["x"]);
        assert!(get(&v, &["a", "c", "deeper"]).is_none());
        assert!(get_array(&v, &["a", "c"]).is_empty());
        assert_eq!(brief(&json!("ééééé"), 3), "\"é…");
        assert_eq!(brief(&json!("abc"), 5), "\"abc\"");
        assert_eq!(brief(&json!("abcd"), 5), "\"abcd…");
        assert_eq!(brief(&json!([1, 2]), 5), "[1,2]");
        let huge = crate::dom::Value::String("x".repeat(1 << 20).into());
        assert_eq!(brief(&huge, 10).len(), 10 + '…'.len_utf8());
    }

    /// serde_json's own float writer is the reference: every float the
    /// modules write reads as it would have before (positional and
    /// scientific ranges, their edges, subnormals, the extremes, and a
    /// million bit patterns).
    #[test]
    fn floats_are_written_as_serde_json_writes_them() {
        let mut cases = vec![
            0.0,
            -0.0,
            1.0,
            3.0,
            -2.5,
            0.1,
            100.0,
            12345.678,
            1e-5,
            1.5e-5,
            9.999_999_999_999_999e-6,
            1e-6,
            1e-4,
            1e15,
            9.999_999_999_999_998e15,
            1e16,
            1.5e16,
            1.234_567_890_123_456_8e17,
            1e21,
            1e100,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            1e-320,
            2f64.powi(63),
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..1_000_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            cases.push(f64::from_bits(state));
            // Decimal-looking values too, where the digit count is short.
            cases.push((state % 2_000_001) as f64 / 1000.0 - 1000.0);
            // Eighths from 2^40 to 2^53: most of them ties at 17 digits.
            cases.push(((state >> 11) % (1 << 53)) as f64 / 8.0 + (1u64 << 40) as f64);
        }
        for f in cases.into_iter().filter(|f| f.is_finite()) {
            assert_eq!(
                String::from_utf8(to_vec(&f)).unwrap(),
                serde_json::to_string(&f).unwrap(),
                "{f:e}"
            );
        }
        let f = 0.1f32;
        assert_eq!(to_vec(&f), serde_json::to_vec(&f).unwrap());
        for text in [
            "1.5",
            "-0.0",
            "1e300",
            "2.5e-7",
            "1658206780088562.25",
            "7",
            "-7",
        ] {
            let ours = crate::dom::parse(text.as_bytes()).unwrap();
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours.to_string(), theirs.to_string());
            assert_eq!(ours.as_number().unwrap().to_string(), theirs.to_string());
        }
        let tree = serde_json::json!({"a": [1.5, -0.0, 1e300, "x"], "b": 2});
        assert_eq!(to_vec(&tree), serde_json::to_vec(&tree).unwrap());
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let mut cases: Vec<String> = (0u8..=0x7f).map(|b| char::from(b).to_string()).collect();
        cases.extend(
            (0u8..=0x7f).map(|b| crate::text!("container {} at spec.containers[0]", char::from(b))),
        );
        cases.extend([
            String::new(),
            "plain".into(),
            "exactly8".into(),
            "\"quoted\" and \\ back\nslash\ttab\u{1}\u{1f}\u{7f}".into(),
            "é ü 日本 🚀 \u{2028}".into(),
            "a".repeat(1000) + "\"" + &"b".repeat(7),
        ]);
        for s in &cases {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }
}
