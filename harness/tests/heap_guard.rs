//! The modules' allocator starts right after their statics, in memory that
//! wasi-libc's own `malloc`, also linked into them, would claim if it ever
//! ran (see `kit::arena`). A canary at the start of that memory is checked
//! before every answer leaves a module: an evaluation in which anything else
//! wrote there must end in a trap, never in an answer.

mod common;

use common::{dist_module, host};
use kube_soc2::commands::bench::NATIVE_FAMILIES;
use kube_soc2::request::validate_payload;
use kube_soc2::{CallError, Context, PolicyConfig};
use serde_json::json;
use std::sync::Arc;

/// The canary's bytes as they lie in the guest's memory.
const CANARY: &[u8; 16] = b"kube-soc2 arena!";

fn payload() -> Vec<u8> {
    let request = json!({"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "operation": "CREATE", "userInfo": {"username": "alice"},
        "object": {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "p", "namespace": "shop"},
                   "spec": {"containers": [{"name": "app", "image": "nginx"}]}}});
    validate_payload(&request, &json!({}))
}

#[test]
fn an_overwritten_heap_start_ends_the_evaluation_in_a_trap() {
    let payload = payload();
    for module in NATIVE_FAMILIES.iter().copied().chain(["soc2"]) {
        let loaded = host().load(&dist_module(module)).expect("loads");
        let mut instance = host()
            .instantiate(
                &loaded,
                &PolicyConfig::new(module),
                &Arc::new(Context::default()),
            )
            .expect("instantiates");
        instance
            .call("validate", &payload)
            .unwrap_or_else(|e| panic!("{module}: the untouched instance answers: {e}"));
        let memory = instance
            .memory_mut()
            .expect("the modules export their memory");
        // The heap lies above the stack and the statics, where the canary's
        // value may also be (a constant, a copy on the stack): the last one.
        let at = memory
            .windows(CANARY.len())
            .rposition(|w| w == CANARY)
            .unwrap_or_else(|| panic!("{module}: no canary"));
        // What dlmalloc's first call writes there: a chunk header.
        memory[at + 12..at + 16].copy_from_slice(&0x41u32.to_le_bytes());
        match instance.call("validate", &payload) {
            // A trap (wasmtime's backtrace), not an error the guest returned.
            Err(CallError::Guest(trap)) => {
                assert!(trap.contains("wasm backtrace"), "{module}: {trap}")
            }
            Ok(answer) => panic!(
                "{module}: expected a trap, got the answer {}",
                String::from_utf8_lossy(&answer)
            ),
            Err(e) => panic!("{module}: expected a trap, got {e:?}"),
        }
    }
}
