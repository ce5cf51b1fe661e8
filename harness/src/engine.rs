//! The wasmtime host: one Engine, modules compiled once, a fresh instance per
//! evaluation — the way policy-server runs waPC policies.

use crate::admission::{
    self, AdmissionResponse, PolicyConfig, SettingsValidationResponse, ValidationResponse,
};
use crate::catalogue::{CATALOGUE_FUNCTION, Catalogue};
use crate::cluster_snapshot::Context;
use crate::host_capabilities::{Capabilities, ContextAwareResource};
use crate::metadata::{self, Metadata};
use crate::request::validate_payload;
use crate::wapc::{self, CallState, GUEST_CALL, InstanceState, START_FUNCTIONS};
use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use wasmtime::{
    Config, Engine, ExternType, InstancePre, Linker, Module, Store, StoreLimitsBuilder, Trap,
    TypedFunc, ValType,
};
use wasmtime_wasi::WasiCtxBuilder;

/// How the host runs policies.
#[derive(Debug, Clone)]
pub struct HostOptions {
    /// Evaluation deadline in epoch ticks of one second (policy-server
    /// `--policy-timeout`, default 2, so a policy is stopped after 1–2 s).
    /// `None` = no deadline, like kwctl: modules are then compiled without
    /// epoch interruption, as kwctl compiles them.
    pub timeout_seconds: Option<u64>,
    /// Largest linear memory of one instance, in bytes. policy-server sets
    /// none; a limit turns a runaway allocation into a 500 instead of a
    /// host OOM.
    pub memory_limit: usize,
    /// Print the policies' log events to stderr.
    pub verbose: bool,
    /// Give the modules the host's stdout/stderr (policy-server does, and a
    /// Rust panic message goes there); otherwise their output is dropped.
    pub inherit_stdio: bool,
    /// Where compiled modules are kept between runs (see
    /// [`crate::compile_cache`]); `None` compiles every time.
    pub compile_cache: Option<PathBuf>,
}

pub const DEFAULT_TIMEOUT_SECONDS: u64 = 2;
pub const DEFAULT_MEMORY_LIMIT: usize = 512 * 1024 * 1024;

impl Default for HostOptions {
    fn default() -> HostOptions {
        HostOptions {
            timeout_seconds: Some(DEFAULT_TIMEOUT_SECONDS),
            memory_limit: DEFAULT_MEMORY_LIMIT,
            verbose: false,
            inherit_stdio: true,
            compile_cache: crate::compile_cache::default_dir(),
        }
    }
}

/// A deadline nobody reaches: `set_epoch_deadline` adds it to the current
/// epoch, so `u64::MAX` would overflow.
const NO_DEADLINE: u64 = 1 << 48;

/// Increments the engine's epoch every second, as policy-server's tokio task
/// does, until the host is dropped.
struct EpochTicker {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine) -> Result<EpochTicker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("kube-soc2-epoch".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(Duration::from_secs(1))
                {
                    engine.increment_epoch();
                }
            })
            .context("cannot start the epoch ticker thread")?;
        Ok(EpochTicker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A compiled policy module, ready to be instantiated any number of times
/// from any thread.
pub struct LoadedModule {
    /// File stem (`access-control` for `dist/access-control.wasm`).
    pub name: String,
    pub path: Option<PathBuf>,
    /// Size of the module file in bytes.
    pub size: usize,
    pub compile_time: Duration,
    /// Embedded `io.kubewarden.metadata`, `None` if not annotated.
    pub metadata: Option<Metadata>,
    /// What the module's `catalogue` function returned; `None` for modules
    /// that have none (any non-kube-soc2 policy).
    pub catalogue: Option<Catalogue>,
    /// Why the catalogue could not be read, when the module has one but it failed.
    pub catalogue_error: Option<String>,
    module: Module,
    pre: InstancePre<InstanceState>,
    context_aware_resources: Arc<BTreeSet<ContextAwareResource>>,
}

impl LoadedModule {
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// `contextAwareResources` of the embedded metadata.
    pub fn context_aware_resources(&self) -> &BTreeSet<ContextAwareResource> {
        &self.context_aware_resources
    }
}

impl std::fmt::Debug for LoadedModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedModule")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// Why a waPC call produced no answer; `Display` gives the waPC host's texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// Instantiation, `_start` or `wapc_init` failed.
    Init(String),
    /// `_start`/`wapc_init` ran past the deadline.
    InitInterrupted(String),
    /// The guest returned an error or trapped.
    Guest(String),
    /// The call ran past the deadline.
    Interrupted,
}

impl CallError {
    pub fn is_timeout(&self) -> bool {
        matches!(self, CallError::Interrupted | CallError::InitInterrupted(_))
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Init(m) => write!(f, "Initialization failed: {m}"),
            CallError::InitInterrupted(func) => write!(
                f,
                "Initialization failed: {func} init interrupted, execution deadline exceeded"
            ),
            CallError::Guest(m) => write!(f, "Guest call failure: {m}"),
            CallError::Interrupted => write!(
                f,
                "Guest call failure: guest code interrupted, execution deadline exceeded"
            ),
        }
    }
}

impl std::error::Error for CallError {}

fn is_interrupt(e: &wasmtime::Error) -> bool {
    e.downcast_ref::<Trap>() == Some(&Trap::Interrupt)
}

/// The text wasmtime-provider stores as guest error for a trap. For a wasm
/// trap that is the error's Display (wasmtime puts the wasm backtrace first,
/// as policy-server shows it); a failure raised by the host itself (memory
/// limit) also names its cause, which that Display would hide.
fn trap_text(e: &wasmtime::Error) -> String {
    let shown = e.to_string();
    if e.downcast_ref::<Trap>().is_some() {
        return shown;
    }
    let root = e.root_cause().to_string();
    if shown.contains(&root) {
        shown
    } else {
        format!("{root}: {shown}")
    }
}

/// One live instance. policy-server makes a fresh one per evaluation;
/// kwctl's `run`/`bench` keep one for every call.
pub struct PolicyInstance {
    store: Store<InstanceState>,
    guest_call: TypedFunc<(i32, i32), i32>,
    deadline: u64,
    /// The guest's exported linear memory, if it exports one.
    memory: Option<wasmtime::Memory>,
}

impl PolicyInstance {
    /// Size of the guest's linear memory in bytes. Wasm memory only grows, so
    /// after a call this is the call's peak (what an instance of
    /// policy-server, which sets no limit, would hold at most).
    pub fn memory_bytes(&self) -> usize {
        self.memory.map_or(0, |m| m.data_size(&self.store))
    }

    /// The guest's linear memory, writable: for tests that play a part of
    /// the guest misbehaving.
    #[doc(hidden)]
    pub fn memory_mut(&mut self) -> Option<&mut [u8]> {
        self.memory.map(|m| m.data_mut(&mut self.store))
    }

    /// `WapcHost::call`: one waPC invocation of `operation`.
    pub fn call(&mut self, operation: &str, payload: &[u8]) -> Result<Vec<u8>, CallError> {
        self.call_reporting_traps(operation, payload, trap_text)
    }

    /// `call`, a trap reported with wasmtime's whole chain of errors (for a
    /// memory fault, the wasm address it faulted at) rather than the text
    /// policy-server shows: for tests that trace what the guest touches.
    #[doc(hidden)]
    pub fn call_with_trap_chain(
        &mut self,
        operation: &str,
        payload: &[u8],
    ) -> Result<Vec<u8>, CallError> {
        self.call_reporting_traps(operation, payload, |e| format!("{e:?}"))
    }

    fn call_reporting_traps(
        &mut self,
        operation: &str,
        payload: &[u8],
        trap_text: fn(&wasmtime::Error) -> String,
    ) -> Result<Vec<u8>, CallError> {
        let (Ok(op_len), Ok(payload_len)) =
            (i32::try_from(operation.len()), i32::try_from(payload.len()))
        else {
            return Err(CallError::Guest(format!(
                "payload of {} bytes does not fit a 32-bit guest",
                payload.len()
            )));
        };
        self.store.data_mut().call.start(operation, payload);
        self.store.set_epoch_deadline(self.deadline);
        let result = self.guest_call.call(&mut self.store, (op_len, payload_len));
        let state = std::mem::take(&mut self.store.data_mut().call);
        match result {
            Ok(0) => Err(CallError::Guest(state.guest_error.unwrap_or_else(|| {
                "No error message set for call failure".to_string()
            }))),
            Ok(_) => match (state.guest_response, state.guest_error) {
                (Some(response), _) => Ok(response),
                (None, Some(error)) => Err(CallError::Guest(error)),
                (None, None) => Err(CallError::Guest(
                    "No error message OR response set for call success".to_string(),
                )),
            },
            Err(e) if is_interrupt(&e) => Err(CallError::Interrupted),
            Err(e) => Err(CallError::Guest(trap_text(&e))),
        }
    }
}

/// Names the profiler wasmtime reports the modules' compiled code to. With
/// `perfmap`, wasmtime writes `/tmp/perf-<pid>.map` and `perf report` shows
/// the guest's functions by name instead of bare addresses (build the modules
/// with `CARGO_PROFILE_RELEASE_STRIP=false` to keep their names).
pub const PROFILE_ENV: &str = "KUBE_SOC2_PROFILE";

fn profiler_named(name: &std::ffi::OsStr) -> Result<wasmtime::ProfilingStrategy> {
    match name.to_str() {
        Some("perfmap") => Ok(wasmtime::ProfilingStrategy::PerfMap),
        Some("" | "none") => Ok(wasmtime::ProfilingStrategy::None),
        _ => bail!("{PROFILE_ENV}={name:?}: expected perfmap or none"),
    }
}

/// The wasmtime host. `Send + Sync`: load once, evaluate from many threads.
pub struct Host {
    engine: Engine,
    linker: Linker<InstanceState>,
    options: HostOptions,
    modules: Mutex<HashMap<PathBuf, Arc<LoadedModule>>>,
    no_resources: Arc<BTreeSet<ContextAwareResource>>,
    _ticker: Option<EpochTicker>,
}

impl Host {
    pub fn new(options: HostOptions) -> Result<Host> {
        let mut config = Config::new();
        // As policy-server: function references (Go ≥ 1.26 policies), and
        // epoch interruption when there is an evaluation deadline. Without
        // one, as kwctl (it sets no deadline), none: every call and loop
        // iteration of the guest then checks the epoch for nothing (a fifth
        // of access-control's guest time on the bench Pod).
        config.wasm_function_references(true);
        config.epoch_interruption(options.timeout_seconds.is_some());
        if let Some(profiler) = std::env::var_os(PROFILE_ENV) {
            config.profiler(profiler_named(&profiler)?);
        }
        let engine = Engine::new(&config).map_err(|e| anyhow!("cannot create engine: {e}"))?;
        let mut linker: Linker<InstanceState> = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |s| &mut s.wasi)
            .map_err(|e| anyhow!("cannot link WASI: {e}"))?;
        wapc::add_to_linker(&mut linker).map_err(|e| anyhow!("cannot link waPC: {e}"))?;
        let ticker = match options.timeout_seconds {
            Some(_) => Some(EpochTicker::start(engine.clone())?),
            None => None,
        };
        Ok(Host {
            engine,
            linker,
            options,
            modules: Mutex::new(HashMap::new()),
            no_resources: Arc::new(BTreeSet::new()),
            _ticker: ticker,
        })
    }

    pub fn options(&self) -> &HostOptions {
        &self.options
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn deadline(&self) -> u64 {
        self.options.timeout_seconds.unwrap_or(NO_DEADLINE)
    }

    /// Compiles the module at `path` once; later calls return the same module.
    pub fn load(&self, path: &Path) -> Result<Arc<LoadedModule>> {
        let key = std::fs::canonicalize(path)
            .with_context(|| format!("cannot read module {}", path.display()))?;
        // Held while compiling so two threads never compile the same module.
        let mut modules = self
            .modules
            .lock()
            .map_err(|_| anyhow!("module cache poisoned"))?;
        if let Some(m) = modules.get(&key) {
            return Ok(m.clone());
        }
        let bytes = std::fs::read(&key)
            .with_context(|| format!("cannot read module {}", path.display()))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "policy".into());
        let loaded = self
            .load_bytes(&name, &bytes, Some(path.to_path_buf()))
            .with_context(|| format!("cannot load module {}", path.display()))?;
        modules.insert(key, loaded.clone());
        Ok(loaded)
    }

    /// Compiles a module from memory (not cached).
    pub fn load_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        path: Option<PathBuf>,
    ) -> Result<Arc<LoadedModule>> {
        let metadata = metadata::read_metadata(bytes)?;
        if let Some(m) = &metadata
            && m.execution_mode == "kubewarden-wapc"
            && m.protocol_version.as_deref().is_some_and(|v| v != "v1")
        {
            bail!(
                "the module's metadata declares protocol version {:?}; only v1 is supported",
                m.protocol_version
            );
        }
        let started = Instant::now();
        let module = crate::compile_cache::compile(
            &self.engine,
            bytes,
            self.options.compile_cache.as_deref(),
        )
        .map_err(|e| anyhow!("{e:#}"))?;
        let compile_time = started.elapsed();
        check_guest_call(&module)?;
        let pre = self
            .linker
            .instantiate_pre(&module)
            .map_err(|e| anyhow!("cannot link the module: {e:#}"))?;
        let context_aware_resources = Arc::new(
            metadata
                .as_ref()
                .map(|m| m.context_aware_resources.iter().cloned().collect())
                .unwrap_or_default(),
        );
        let mut loaded = LoadedModule {
            name: name.to_string(),
            path,
            size: bytes.len(),
            compile_time,
            metadata,
            catalogue: None,
            catalogue_error: None,
            module,
            pre,
            context_aware_resources,
        };
        match self.read_catalogue(&loaded) {
            Ok(c) => loaded.catalogue = c,
            Err(e) => loaded.catalogue_error = Some(e),
        }
        Ok(Arc::new(loaded))
    }

    fn read_catalogue(&self, module: &LoadedModule) -> Result<Option<Catalogue>, String> {
        let config = PolicyConfig::new(&module.name);
        let ctx = Arc::new(Context::default());
        let mut instance = self
            .instantiate(module, &config, &ctx)
            .map_err(|e| e.to_string())?;
        match instance.call(CATALOGUE_FUNCTION, &[]) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| format!("the catalogue is not valid JSON: {e}")),
            Err(CallError::Guest(m)) if m.starts_with("No handler registered") => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    /// A fresh instance, `_start` and `wapc_init` already run.
    pub fn instantiate(
        &self,
        module: &LoadedModule,
        config: &PolicyConfig,
        context: &Arc<Context>,
    ) -> Result<PolicyInstance, CallError> {
        let mut wasi = WasiCtxBuilder::new();
        if self.options.inherit_stdio {
            wasi.inherit_stdio();
        }
        // fd_write on the calling thread, not through a tokio worker.
        wasi.allow_blocking_current_thread(true);
        let state = InstanceState {
            wasi: wasi.build_p1(),
            limits: StoreLimitsBuilder::new()
                .memory_size(self.options.memory_limit)
                .trap_on_grow_failure(true)
                .build(),
            call: CallState::default(),
            capabilities: Capabilities {
                module: module.name.clone(),
                context: context.clone(),
                granted_resources: if config.allow_context_aware {
                    module.context_aware_resources.clone()
                } else {
                    self.no_resources.clone()
                },
                verbose: self.options.verbose,
            },
        };
        let deadline = self.deadline();
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(deadline);
        let instance = module.pre.instantiate(&mut store).map_err(|e| {
            if is_interrupt(&e) {
                CallError::InitInterrupted("instantiation".into())
            } else {
                CallError::Init(trap_text(&e))
            }
        })?;
        let guest_call = instance
            .get_typed_func::<(i32, i32), i32>(&mut store, GUEST_CALL)
            .map_err(|_| {
                CallError::Init(
                    "Guest call function (__guest_call) not exported by wasm module.".into(),
                )
            })?;
        for name in START_FUNCTIONS {
            let Ok(start) = instance.get_typed_func::<(), ()>(&mut store, name) else {
                continue;
            };
            store.set_epoch_deadline(deadline);
            if let Err(e) = start.call(&mut store, ()) {
                // A WASI command's `_start` ends with proc_exit(0).
                if name == "_start"
                    && e.downcast_ref::<wasmtime_wasi::I32Exit>()
                        .is_some_and(|x| x.0 == 0)
                {
                    continue;
                }
                if is_interrupt(&e) {
                    return Err(CallError::InitInterrupted(name.to_string()));
                }
                return Err(CallError::Init(trap_text(&e)));
            }
        }
        let memory = instance.get_memory(&mut store, "memory");
        Ok(PolicyInstance {
            store,
            guest_call,
            deadline,
            memory,
        })
    }

    /// One waPC call on a fresh instance.
    pub fn call(
        &self,
        module: &LoadedModule,
        config: &PolicyConfig,
        context: &Arc<Context>,
        operation: &str,
        payload: &[u8],
    ) -> Result<Vec<u8>, CallError> {
        self.instantiate(module, config, context)?
            .call(operation, payload)
    }

    /// `validate_settings` on a fresh instance, with policy-evaluator's
    /// handling of guest failures. `null` settings are `{}`.
    pub fn validate_settings(
        &self,
        module: &LoadedModule,
        settings: &Value,
    ) -> Result<SettingsValidationResponse> {
        let settings = settings_object(settings)?;
        let payload = serde_json::to_vec(&settings)?;
        let ctx = Arc::new(Context::default());
        let config = PolicyConfig::new(&module.name);
        Ok(
            match self.call(module, &config, &ctx, "validate_settings", &payload) {
                Ok(bytes) => serde_json::from_slice::<SettingsValidationResponse>(&bytes)
                    .unwrap_or_else(|e| SettingsValidationResponse {
                        valid: false,
                        message: Some(format!("error: {e}")),
                    }),
                Err(e) => SettingsValidationResponse {
                    valid: false,
                    message: Some(format!("Error invoking settings validation callback: {e}")),
                },
            },
        )
    }

    /// `validate` on a fresh instance → the AdmissionResponse policy-server
    /// would send back, mode and mutation rules applied. Settings are
    /// expected to have passed [`Host::validate_settings`] (policy-server
    /// checks them once, at start). `Err` only for a request or settings
    /// that are not JSON objects.
    pub fn evaluate(
        &self,
        module: &LoadedModule,
        request: &Value,
        settings: &Value,
        config: &PolicyConfig,
        context: &Arc<Context>,
    ) -> Result<AdmissionResponse> {
        let settings = settings_object(settings)?;
        if !request.is_object() {
            bail!(
                "the AdmissionRequest must be a JSON object, got {}",
                admission::json_type_name(request)
            );
        }
        let payload = validate_payload(request, &settings);
        let result = self.call(module, config, context, "validate", &payload);
        Ok(self.to_admission_response(request, result, config))
    }

    /// `explain` on a fresh instance: the module's evaluation of the same
    /// payload as `validate`, as data (`kit::explain`). With `request` `None`,
    /// the module's reading of the settings alone. `Err` for a trap, a
    /// timeout, a module without `explain` or an answer that is not JSON.
    pub fn explain(
        &self,
        module: &LoadedModule,
        request: Option<&Value>,
        settings: &Value,
        config: &PolicyConfig,
        context: &Arc<Context>,
    ) -> Result<Value> {
        let settings = settings_object(settings)?;
        let payload = match request {
            Some(request) => validate_payload(request, &settings),
            None => serde_json::to_vec(&serde_json::json!({"settings": settings}))?,
        };
        let bytes = self
            .call(module, config, context, "explain", &payload)
            .map_err(|e| anyhow!("{e}"))?;
        read_explanation(&bytes)
    }

    /// Turns the outcome of a `validate` call into the AdmissionResponse.
    pub fn to_admission_response(
        &self,
        request: &Value,
        result: Result<Vec<u8>, CallError>,
        config: &PolicyConfig,
    ) -> AdmissionResponse {
        let uid = request.get("uid").and_then(Value::as_str).unwrap_or("");
        let object = request.get("object").filter(|o| !o.is_null());
        let response = match result {
            Ok(bytes) => match serde_json::from_slice::<ValidationResponse>(&bytes) {
                Ok(vr) => admission::from_validation_response(uid, object, vr),
                Err(e) => AdmissionResponse::reject_internal_server_error(
                    uid,
                    format!("cannot deserialize the policy's response: {e}"),
                ),
            },
            Err(e) if e.is_timeout() => AdmissionResponse::timeout(uid),
            Err(e) => AdmissionResponse::reject_internal_server_error(uid, e),
        };
        admission::process_response(response, config)
    }
}

/// Reads the answer of an `explain` call.
pub fn read_explanation(bytes: &[u8]) -> Result<Value> {
    serde_json::from_slice(bytes)
        .map_err(|e| anyhow!("the module's explain answered with invalid JSON: {e}"))
}

/// `--memory-limit` in MiB as bytes: 0 means no limit, like `--timeout 0`.
pub fn memory_limit_bytes(mib: usize) -> usize {
    if mib == 0 {
        usize::MAX
    } else {
        mib.saturating_mul(1024 * 1024)
    }
}

/// Settings are always an object; `null` (none given) is `{}`.
pub fn settings_object(settings: &Value) -> Result<Value> {
    match settings {
        Value::Null => Ok(Value::Object(Default::default())),
        Value::Object(_) => Ok(settings.clone()),
        other => bail!(
            "settings must be a JSON object, got {}",
            admission::json_type_name(other)
        ),
    }
}

fn check_guest_call(module: &Module) -> Result<()> {
    match module.get_export(GUEST_CALL) {
        Some(ExternType::Func(f))
            if f.params()
                .map(|p| matches!(p, ValType::I32))
                .eq([true, true])
                && f.results().map(|r| matches!(r, ValType::I32)).eq([true]) =>
        {
            Ok(())
        }
        Some(_) => bail!("{GUEST_CALL} has the wrong type; expected (i32, i32) -> i32"),
        None => bail!("Guest call function ({GUEST_CALL}) not exported by wasm module."),
    }
}

/// `scan` evaluates from many threads with one host.
const _: () = {
    const fn shared_across_threads<T: Send + Sync>() {}
    shared_across_threads::<Host>();
    shared_across_threads::<LoadedModule>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::ProfilingStrategy;

    #[test]
    fn a_profiler_is_named_or_refused() {
        let named = |s: &str| profiler_named(std::ffi::OsStr::new(s));
        assert_eq!(named("perfmap").unwrap(), ProfilingStrategy::PerfMap);
        assert_eq!(named("").unwrap(), ProfilingStrategy::None);
        assert_eq!(named("none").unwrap(), ProfilingStrategy::None);
        let refused = named("jitdump").unwrap_err().to_string();
        assert!(
            refused.contains("KUBE_SOC2_PROFILE") && refused.contains("perfmap"),
            "{refused}"
        );
    }
}
