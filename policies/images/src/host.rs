//! Kubewarden host capabilities of the `oci` namespace (sigstore verification,
//! manifest digests), behind a small trait so native tests can answer in place
//! of a policy-server.
//!
//! Inside a Kubewarden host the calls go through `kit::wapc_guest::host_call`.
//! Natively (tests, tools) they fail unless a test installed a fake with
//! [`with_fake`]; either way a failure is reported by the controls as "could not
//! verify …", never as a pass.

use std::cell::RefCell;
use std::rc::Rc;

/// Answers host calls: the response bytes or the host's error text.
pub trait Host {
    fn call(&self, namespace: &str, operation: &str, payload: &[u8]) -> Result<Vec<u8>, String>;
}

thread_local! {
    static FAKE: RefCell<Option<Rc<dyn Host>>> = const { RefCell::new(None) };
}

/// Runs `f` with `host` answering every host call of this thread.
pub fn with_fake<R>(host: Rc<dyn Host>, f: impl FnOnce() -> R) -> R {
    FAKE.with(|h| *h.borrow_mut() = Some(host));
    let r = f();
    FAKE.with(|h| *h.borrow_mut() = None);
    r
}

/// Calls `namespace`/`operation` of the host with `payload`.
pub fn call(namespace: &str, operation: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
    if let Some(fake) = FAKE.with(|h| h.borrow().clone()) {
        return fake.call(namespace, operation, payload);
    }
    real(namespace, operation, payload)
}

#[cfg(target_arch = "wasm32")]
fn real(namespace: &str, operation: &str, payload: &[u8]) -> Result<Vec<u8>, String> {
    kit::wapc_guest::host_call("kubewarden", namespace, operation, payload)
        .map_err(|e| e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
fn real(namespace: &str, operation: &str, _payload: &[u8]) -> Result<Vec<u8>, String> {
    Err(kit::text!(
        "host capability {namespace}/{operation} is only available inside a Kubewarden host"
    ))
}

/// The first line of a host error, at most 200 characters: enough to say why,
/// never a wall of text in a rejection.
pub fn first_line(e: &str) -> String {
    let line = e.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().take(200).collect();
    if line.chars().count() > 200 {
        out.push('…');
    }
    out
}

/// Memo of host answers within one check: the same image in several
/// containers is looked up once.
#[derive(Default)]
pub struct Memo(Vec<(String, Result<Vec<u8>, String>)>);

impl Memo {
    pub fn call(
        &mut self,
        namespace: &str,
        operation: &str,
        payload: &str,
    ) -> Result<Vec<u8>, String> {
        let key = kit::text!("{namespace}/{operation} {payload}");
        if let Some((_, r)) = self.0.iter().find(|(k, _)| *k == key) {
            return r.clone();
        }
        let r = call(namespace, operation, payload.as_bytes());
        self.0.push((key, r.clone()));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_is_bounded() {
        assert_eq!(first_line("a\nb"), "a");
        assert_eq!(first_line(""), "");
        assert_eq!(first_line(&"x".repeat(500)).chars().count(), 201);
    }

    #[test]
    fn native_calls_fail_without_a_fake() {
        assert!(
            call("oci", "v2/verify", b"{}")
                .unwrap_err()
                .contains("only available")
        );
    }
}
