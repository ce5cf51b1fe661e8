//! Accepts every request without reading it: what the engine costs by itself
//! (serialising the request, the waPC round trip, decoding the answer).
//! `kube-soc2 bench` runs it beside the families and prints each family's
//! time above it.

#[cfg(target_arch = "wasm32")]
mod exports {
    use kubewarden_policy_sdk::wapc_guest as guest;

    fn validate(_payload: &[u8]) -> guest::CallResult {
        Ok(br#"{"accepted":true}"#.to_vec())
    }

    fn validate_settings(_payload: &[u8]) -> guest::CallResult {
        Ok(br#"{"valid":true}"#.to_vec())
    }

    fn protocol_version(_payload: &[u8]) -> guest::CallResult {
        Ok(b"\"v1\"".to_vec())
    }

    #[unsafe(no_mangle)]
    pub extern "C" fn wapc_init() {
        guest::register_function("validate", validate);
        guest::register_function("validate_settings", validate_settings);
        guest::register_function("protocol_version", protocol_version);
    }
}
