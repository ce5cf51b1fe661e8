//! The waPC host side: the nine `wapc` imports a guest links against, the
//! per-call buffers they work on, and `__guest_call` driving.
//!
//! Semantics follow the `wapc` 2.x host + `wasmtime-provider` that Kubewarden's
//! policy-evaluator uses: the host stores the operation and payload, calls
//! `__guest_call(op_len, payload_len)`; the guest pulls them with
//! `__guest_request` and answers through `__guest_response` or `__guest_error`.
//! Guest → host RPCs go through `__host_call` and are answered synchronously.

use crate::host_capabilities::Capabilities;
use wasmtime::{Caller, Extern, Linker, Memory, StoreLimits};
use wasmtime_wasi::p1::WasiP1Ctx;

/// Import module name of every waPC host function.
pub const HOST_NAMESPACE: &str = "wapc";
/// The guest's dispatcher, exported by `wapc-guest`.
pub const GUEST_CALL: &str = "__guest_call";
/// Start functions called after instantiation, in this order, when exported
/// (`_start` for TinyGo/WASI commands, `wapc_init` for Rust guests).
pub const START_FUNCTIONS: [&str; 2] = ["_start", "wapc_init"];

/// Buffers of the guest call in progress and of the last host call.
#[derive(Default)]
pub struct CallState {
    pub operation: String,
    pub payload: Vec<u8>,
    pub guest_response: Option<Vec<u8>>,
    pub guest_error: Option<String>,
    pub host_response: Option<Vec<u8>>,
    pub host_error: Option<String>,
}

impl CallState {
    /// What `wapc::WapcHost::call` does before every invocation.
    pub fn start(&mut self, operation: &str, payload: &[u8]) {
        *self = CallState {
            operation: operation.to_string(),
            payload: payload.to_vec(),
            ..CallState::default()
        };
    }
}

/// Everything a wasm instance's host functions can reach: the `T` of its `Store`.
pub struct InstanceState {
    pub wasi: WasiP1Ctx,
    pub limits: StoreLimits,
    pub call: CallState,
    pub capabilities: Capabilities,
}

fn memory(caller: &mut Caller<'_, InstanceState>) -> wasmtime::Result<Memory> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Ok(m),
        _ => wasmtime::bail!("the guest module does not export a memory named \"memory\""),
    }
}

fn read(caller: &mut Caller<'_, InstanceState>, ptr: i32, len: i32) -> wasmtime::Result<Vec<u8>> {
    let mem = memory(caller)?;
    let mut buf = vec![0u8; len as u32 as usize];
    mem.read(&*caller, ptr as u32 as usize, &mut buf)
        .map_err(|_| wasmtime::format_err!("guest pointer {ptr}+{len} is out of bounds"))?;
    Ok(buf)
}

fn read_string(
    caller: &mut Caller<'_, InstanceState>,
    ptr: i32,
    len: i32,
) -> wasmtime::Result<String> {
    Ok(String::from_utf8_lossy(&read(caller, ptr, len)?).into_owned())
}

fn write(caller: &mut Caller<'_, InstanceState>, ptr: i32, data: &[u8]) -> wasmtime::Result<()> {
    let mem = memory(caller)?;
    mem.write(&mut *caller, ptr as u32 as usize, data)
        .map_err(|_| wasmtime::format_err!("guest pointer {ptr}+{} is out of bounds", data.len()))
}

fn len_i32(len: usize) -> i32 {
    // Guest buffers live in a 32-bit address space.
    i32::try_from(len).unwrap_or(i32::MAX)
}

/// Adds the nine `wapc` host functions.
pub fn add_to_linker(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        HOST_NAMESPACE,
        "__guest_request",
        |mut caller: Caller<'_, InstanceState>, op_ptr: i32, payload_ptr: i32| {
            let payload = std::mem::take(&mut caller.data_mut().call.payload);
            let operation = caller.data().call.operation.clone();
            let written = write(&mut caller, payload_ptr, &payload)
                .and_then(|()| write(&mut caller, op_ptr, operation.as_bytes()));
            caller.data_mut().call.payload = payload;
            written
        },
    )?;
    linker.func_wrap(
        HOST_NAMESPACE,
        "__guest_response",
        |mut caller: Caller<'_, InstanceState>, ptr: i32, len: i32| {
            let bytes = read(&mut caller, ptr, len)?;
            caller.data_mut().call.guest_response = Some(bytes);
            Ok(())
        },
    )?;
    linker.func_wrap(
        HOST_NAMESPACE,
        "__guest_error",
        |mut caller: Caller<'_, InstanceState>, ptr: i32, len: i32| {
            let message = read_string(&mut caller, ptr, len)?;
            caller.data_mut().call.guest_error = Some(message);
            Ok(())
        },
    )?;
    linker.func_wrap(
        HOST_NAMESPACE,
        "__host_call",
        |mut caller: Caller<'_, InstanceState>,
         bd_ptr: i32,
         bd_len: i32,
         ns_ptr: i32,
         ns_len: i32,
         op_ptr: i32,
         op_len: i32,
         ptr: i32,
         len: i32|
         -> wasmtime::Result<i32> {
            let binding = read_string(&mut caller, bd_ptr, bd_len)?;
            let namespace = read_string(&mut caller, ns_ptr, ns_len)?;
            let operation = read_string(&mut caller, op_ptr, op_len)?;
            let payload = read(&mut caller, ptr, len)?;
            let state = caller.data_mut();
            state.call.host_response = None;
            state.call.host_error = None;
            match state
                .capabilities
                .host_call(&binding, &namespace, &operation, &payload)
            {
                Ok(response) => {
                    state.call.host_response = Some(response);
                    Ok(1)
                }
                Err(message) => {
                    state.call.host_error = Some(message);
                    Ok(0)
                }
            }
        },
    )?;
    linker.func_wrap(
        HOST_NAMESPACE,
        "__host_response_len",
        |caller: Caller<'_, InstanceState>| -> i32 {
            len_i32(
                caller
                    .data()
                    .call
                    .host_response
                    .as_ref()
                    .map_or(0, Vec::len),
            )
        },
    )?;
    linker.func_wrap(
        HOST_NAMESPACE,
        "__host_response",
        |mut caller: Caller<'_, InstanceState>, ptr: i32| match caller
            .data_mut()
            .call
            .host_response
            .take()
        {
            Some(response) => {
                let written = write(&mut caller, ptr, &response);
                caller.data_mut().call.host_response = Some(response);
                written
            }
            None => Ok(()),
        },
    )?;
    linker.func_wrap(
        HOST_NAMESPACE,
        "__host_error_len",
        |caller: Caller<'_, InstanceState>| -> i32 {
            len_i32(
                caller
                    .data()
                    .call
                    .host_error
                    .as_ref()
                    .map_or(0, String::len),
            )
        },
    )?;
    linker.func_wrap(
        HOST_NAMESPACE,
        "__host_error",
        |mut caller: Caller<'_, InstanceState>, ptr: i32| match caller
            .data()
            .call
            .host_error
            .clone()
        {
            Some(error) => write(&mut caller, ptr, error.as_bytes()),
            None => Ok(()),
        },
    )?;
    linker.func_wrap(
        HOST_NAMESPACE,
        "__console_log",
        |mut caller: Caller<'_, InstanceState>, ptr: i32, len: i32| {
            let message = read_string(&mut caller, ptr, len)?;
            caller.data().capabilities.console_log(&message);
            Ok(())
        },
    )?;
    Ok(())
}
