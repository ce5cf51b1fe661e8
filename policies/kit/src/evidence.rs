//! Evidence a control records about a request, whatever the verdict.
//!
//! Some controls must leave a trace even when they *admit* a request: a
//! break-glass `kubectl exec` is allowed, yet the auditor wants to see who used
//! it and why (SOC 2 CC6.2). A check keeps its signature
//! (`fn(&Ctx) -> Vec<Finding>`) and calls [`Ctx::record_evidence`]; the engine
//! returns what was recorded as audit annotations of the response. The journal
//! lives for exactly one [`crate::engine::evaluate`] call: it is cleared before
//! the first control runs and drained into the response after the last one, so
//! nothing leaks from one request to the next (wasm modules are single-threaded;
//! native test threads each get their own journal).

use crate::control::Ctx;
use crate::response::Response;
use std::cell::RefCell;

/// Longest value kept per key: audit annotations land in every audit event of
/// the request, so a hostile or careless caller must not be able to bloat them.
pub const MAX_VALUE_BYTES: usize = 4096;

thread_local! {
    static JOURNAL: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

impl Ctx<'_> {
    /// Records `value` under the audit annotation `key` for this evaluation.
    ///
    /// The API server prefixes the key with the webhook name and `/`, so `key`
    /// itself must be a qualified name without `/` (e.g. `kube-soc2.break-glass`),
    /// or the API server drops it. Several records under one key are joined by
    /// `"; "`.
    pub fn record_evidence(&self, key: &str, value: impl Into<String>) {
        let value = value.into();
        JOURNAL.with(|j| {
            let Ok(mut j) = j.try_borrow_mut() else {
                return;
            };
            match j.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => {
                    v.push_str("; ");
                    v.push_str(&value);
                }
                None => j.push((key.to_string(), value)),
            }
        });
    }
}

/// Starts the journal of one evaluation.
pub(crate) fn begin() {
    JOURNAL.with(|j| {
        if let Ok(mut j) = j.try_borrow_mut() {
            j.clear();
        }
    });
}

/// Moves what was recorded into the response's audit annotations.
pub(crate) fn attach(response: &mut Response) {
    let entries = JOURNAL.with(|j| {
        j.try_borrow_mut()
            .map(|mut j| std::mem::take(&mut *j))
            .unwrap_or_default()
    });
    if entries.is_empty() {
        return;
    }
    for (key, mut value) in entries {
        truncate(&mut value, MAX_VALUE_BYTES);
        response.annotate(key, value);
    }
}

fn truncate(s: &mut String, max: usize) {
    if s.len() <= max {
        return;
    }
    let mut end = max - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s.push('…');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_char_boundaries() {
        let mut s = "é".repeat(10);
        truncate(&mut s, 8);
        assert!(s.len() <= 8, "{s}");
        assert!(s.ends_with('…'));
        let mut short = "ok".to_string();
        truncate(&mut short, 8);
        assert_eq!(short, "ok");
    }
}
