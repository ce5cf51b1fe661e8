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
