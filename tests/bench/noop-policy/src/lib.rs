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

    /// Shares its page with the waPC registry and the other statics.
    static mut FIRST_WRITE: u8 = 1;

    #[unsafe(no_mangle)]
    pub extern "C" fn wapc_init() {
        // The families' modules write their statics' page before anything
        // reads it (`kit::arena::Arena::touch`): a page first read and then
        // written costs a fresh instance a copy-on-write break and a TLB
        // flush. Doing the same here keeps that guest-side cost out of the
        // engine's floor.
        // SAFETY: one thread; a plain store to this module's own static.
        unsafe { core::ptr::write_volatile(&raw mut FIRST_WRITE, 0) };
        guest::register_function("validate", validate);
        guest::register_function("validate_settings", validate_settings);
        guest::register_function("protocol_version", protocol_version);
    }
}
