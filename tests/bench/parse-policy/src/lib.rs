//! Reads the request whole into the kit's tree, as access-control and the
//! bundle do before their first control, and accepts it: what reading a
//! request costs a module by itself on each of the bench's paths. It is
//! built like a family (the kit's allocator, `wapc_init` and exports), so
//! that `kube-soc2 bench` can tell a family's time above the do-nothing
//! policy apart into reading the request and everything after it.

/// Accepts a request it could read, refuses one it could not.
pub fn validate(payload: &[u8]) -> Vec<u8> {
    // SAFETY: only a bool leaves the function given the tree.
    let read = unsafe {
        kit::dom::with_parsed(payload, true, |parsed| {
            parsed.is_ok_and(|(payload, _)| payload.get("request").is_some_and(|r| r.is_object()))
        })
    };
    if read {
        br#"{"accepted":true}"#.to_vec()
    } else {
        br#"{"accepted":false,"message":"parse-policy: not an admission request"}"#.to_vec()
    }
}

pub fn validate_settings(_payload: &[u8]) -> Vec<u8> {
    br#"{"valid":true}"#.to_vec()
}

pub fn explain(_payload: &[u8]) -> Vec<u8> {
    b"{}".to_vec()
}

pub fn catalogue() -> Vec<u8> {
    b"[]".to_vec()
}

kit::__wapc_module!();
