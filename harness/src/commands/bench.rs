//! `kube-soc2 bench`: size, compile time and evaluation latency of every
//! module, measured the way policy-server runs it (FRESH: a fresh instance
//! per evaluation), the way `kwctl bench` does (KWCTL: one instance reused,
//! payload built and answer decoded each time), the guest alone (GUEST: the
//! `validate` call on a prebuilt payload), and natively (the same checks
//! compiled for the host), each on its engine's configuration ([`Engines`]).
//! A do-nothing policy (`tests/bench/noop-policy`) is measured first, and
//! again beside every module: `+floor` columns are a module's time above
//! it, both timed call by call in turn (see [`measure_beside`]).
//! `FRESH faults` counts the pages each fresh instance touches: on that
//! path a module's memory footprint costs as much as its instructions.
//! `FRESH new/call/drop` splits a fresh evaluation into creating the
//! instance, the call, and dropping the instance; `FRESH GUEST warm/cold`
//! is that call on an instance that has answered before, on the same
//! engine, warm and as a fresh evaluation finds the processor
//! ([`PolicyServerGuest`]): the call minus `cold` is what the instance's
//! new pages cost it.
//! A second reference (`tests/bench/parse-policy`, built like a family)
//! reads the request whole with the kit's parser and accepts it: its row
//! is what reading the request costs a module on each path, before any
//! control runs.

use super::controls::{Format, table};
use super::dist_modules;
use crate::admission::PolicyConfig;
use crate::cluster_snapshot::Context;
use crate::engine::{Host, HostOptions, LoadedModule, PolicyInstance};
use crate::request::{self, validate_payload};
use anyhow::{Context as _, Result, anyhow};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The request measured when none is given.
pub const DEFAULT_REQUEST: &str = "tests/bench/pod-5kb.json";

/// Every family crate linked into the harness, in module-name order.
/// `kube-soc2 scaffold family` keeps this list and the one below.
pub const NATIVE_FAMILIES: &[&str] = &[
    // families: begin
    "access-control",
    "availability",
    "cluster-hardening",
    "confidentiality",
    "encryption",
    "images",
    "privacy",
    "processing-integrity",
    // families: end
];

/// The family crates linked into the harness, by module name, and the bundle
/// of them all (`soc2`, not a family: it holds theirs).
pub fn native_family(module: &str) -> Option<&'static kit::Family> {
    Some(match module {
        "soc2" => &soc2::FAMILY,
        // families: begin
        "access-control" => &access_control::FAMILY,
        "availability" => &availability::FAMILY,
        "cluster-hardening" => &cluster_hardening::FAMILY,
        "confidentiality" => &confidentiality::FAMILY,
        "encryption" => &encryption::FAMILY,
        "images" => &images::FAMILY,
        "privacy" => &privacy::FAMILY,
        "processing-integrity" => &processing_integrity::FAMILY,
        // families: end
        _ => return None,
    })
}

#[derive(Serialize, Debug, Clone, Copy)]
pub struct Latency {
    /// Microseconds.
    pub median_us: f64,
    pub p99_us: f64,
    /// Evaluations per second on one thread.
    pub per_second: f64,
}

impl Latency {
    fn from_samples(mut samples: Vec<Duration>) -> Latency {
        samples.sort();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let n = samples.len().max(1);
        let total: Duration = samples.iter().sum();
        Latency {
            median_us: samples.get(n / 2).copied().map(us).unwrap_or(0.0),
            p99_us: samples
                .get(((n * 99).div_ceil(100)).saturating_sub(1))
                .copied()
                .map(us)
                .unwrap_or(0.0),
            per_second: if total.is_zero() {
                0.0
            } else {
                samples.len() as f64 / total.as_secs_f64()
            },
        }
    }
}

/// Microseconds, medians.
#[derive(Serialize, Debug, Clone, Copy)]
pub struct FreshParts {
    pub instantiate_us: f64,
    pub validate_us: f64,
    pub drop_us: f64,
}

impl FreshParts {
    /// The faster of two measurements, by their sum.
    fn best(self, other: FreshParts) -> FreshParts {
        let total = |p: &FreshParts| p.instantiate_us + p.validate_us + p.drop_us;
        if total(&other) < total(&self) {
            other
        } else {
            self
        }
    }
}

/// The guest's `validate` on policy-server's engine (epoch checks on), on
/// one instance that has answered before, so that its pages are mapped and
/// none is new to it: `warm`, call after call; `cold`, each call right
/// after a fresh evaluation of the do-nothing policy (of the module itself
/// when the bench has none), untimed. Dropping that instance unmaps its
/// memory, which empties the processor's address translations (on this
/// project's VMs a lone unmap of that size added 2.4 to 2.8 µs to
/// access-control's next warm call), and the engine's and the kernel's work
/// evicts the guest's code and data from the caches: `cold` is what the
/// guest's instructions cost where a fresh evaluation runs them. FRESH's
/// call minus `cold` is then the instance's own pages: mapping each on
/// first touch.
#[derive(Serialize, Debug, Clone, Copy)]
pub struct PolicyServerGuest {
    pub warm: Latency,
    pub cold: Latency,
}

impl PolicyServerGuest {
    fn best(self, other: PolicyServerGuest) -> PolicyServerGuest {
        PolicyServerGuest {
            warm: self.warm.best(other.warm),
            cold: self.cold.best(other.cold),
        }
    }
}

#[derive(Serialize, Debug, Clone, Copy)]
pub struct AboveFloor {
    pub whole_evaluation: f64,
    pub fresh_instance: f64,
}

#[derive(Serialize, Debug)]
pub struct ModuleBench {
    pub module: String,
    pub size_bytes: usize,
    /// Median of three Cranelift compilations, milliseconds.
    pub compile_ms: f64,
    /// policy-server: instantiate + `_start`/`wapc_init` + `validate` each time.
    pub fresh_instance: Latency,
    /// `fresh_instance` in its three parts, medians of separate timings:
    /// creating the instance (the engine's, and the module's `wapc_init`),
    /// the `validate` call on it, and dropping it (the engine unmapping
    /// what the instance touched).
    pub fresh_parts: FreshParts,
    /// The `validate` call of FRESH on one instance instead of a fresh one:
    /// what the guest's instructions cost on policy-server's engine, warm
    /// and cold (see [`PolicyServerGuest`]).
    pub policy_server_guest: PolicyServerGuest,
    /// Minor page faults per fresh evaluation (Linux): the pages of memory
    /// a new instance touches, each mapped by the kernel (one to four µs apiece
    /// on the project's VMs) and unmapped again when the instance goes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fresh_page_faults: Option<f64>,
    /// The guest alone: `validate` on one initialised instance, payload
    /// prebuilt, answer not decoded.
    pub reused_instance: Latency,
    /// What `kwctl bench` times: on one initialised instance, building the
    /// payload from the request and settings, the waPC call, decoding the
    /// answer into the AdmissionResponse.
    pub whole_evaluation: Latency,
    /// `whole_evaluation` and `fresh_instance` medians minus the do-nothing
    /// policy's (the engine's floor), timed in turn with the module's calls;
    /// the lowest round's. When the baseline was measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above_floor_us: Option<AboveFloor>,
    /// Each round's `above_floor_us`.
    #[serde(skip)]
    floor_rounds: Vec<AboveFloor>,
    /// The family's checks compiled for the host, same payload bytes.
    pub native: Option<Latency>,
    /// Whether the wasm and native answers were byte-identical.
    pub same_answer_as_native: Option<bool>,
    /// Linear memory of a fresh instance after one `validate` (wasm memory
    /// only grows: the evaluation's peak), bytes.
    pub peak_memory_bytes: usize,
    pub allowed: bool,
}

impl Latency {
    /// The faster of two measurements of the same thing.
    fn best(self, other: Latency) -> Latency {
        if other.median_us < self.median_us {
            other
        } else {
            self
        }
    }
}

impl ModuleBench {
    /// `known` with each figure from the faster of it and `round`.
    fn keep_best(known: &mut Option<ModuleBench>, round: ModuleBench) {
        *known = Some(match known.take() {
            Some(k) => k.best_of(round),
            None => round,
        });
    }

    /// Each figure from the round that measured it fastest.
    fn best_of(self, other: ModuleBench) -> ModuleBench {
        let best = |a: Option<Latency>, b: Option<Latency>| match (a, b) {
            (Some(a), Some(b)) => Some(a.best(b)),
            (a, b) => a.or(b),
        };
        let fresh_page_faults = if other.fresh_instance.median_us < self.fresh_instance.median_us {
            other.fresh_page_faults
        } else {
            self.fresh_page_faults
        };
        let mut floor_rounds = self.floor_rounds;
        floor_rounds.extend(other.floor_rounds);
        ModuleBench {
            floor_rounds,
            compile_ms: self.compile_ms.min(other.compile_ms),
            fresh_instance: self.fresh_instance.best(other.fresh_instance),
            fresh_parts: self.fresh_parts.best(other.fresh_parts),
            policy_server_guest: self.policy_server_guest.best(other.policy_server_guest),
            fresh_page_faults,
            reused_instance: self.reused_instance.best(other.reused_instance),
            whole_evaluation: self.whole_evaluation.best(other.whole_evaluation),
            native: best(self.native, other.native),
            ..self
        }
    }
}

/// Untimed calls `measure` makes first, to warm caches and lazily
/// initialised state.
fn warm_up_calls(iterations: usize) -> usize {
    (iterations / 10).max(1)
}

fn measure(iterations: usize, f: impl FnMut() -> Result<()>) -> Result<Latency> {
    measure_after(iterations, || Ok(()), f)
}

/// `f` timed right after `before`, which is not timed, each time.
fn measure_after(
    iterations: usize,
    mut before: impl FnMut() -> Result<()>,
    mut f: impl FnMut() -> Result<()>,
) -> Result<Latency> {
    for _ in 0..warm_up_calls(iterations) {
        before()?;
        f()?;
    }
    let mut samples = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        before()?;
        let start = Instant::now();
        f()?;
        samples.push(start.elapsed());
    }
    Ok(Latency::from_samples(samples))
}

/// `f` and `floor` timed in turn, call by call, the first of each pair
/// alternating: the do-nothing policy measured in the same moments as the
/// module, so that what the machine does meanwhile (another process, the
/// VM's neighbours, the processor's clock) weighs on both alike. Measured
/// minutes apart, the floor's best round and a module's disagreed by more
/// than the smaller modules' whole time above it on a busy VM (KWCTL
/// +floor −8 µs for a module that does more than the do-nothing policy).
fn measure_beside(
    iterations: usize,
    mut floor: impl FnMut() -> Result<()>,
    mut f: impl FnMut() -> Result<()>,
) -> Result<(Latency, Latency)> {
    for _ in 0..warm_up_calls(iterations) {
        floor()?;
        f()?;
    }
    let mut floor_samples = Vec::with_capacity(iterations);
    let mut samples = Vec::with_capacity(iterations);
    let timed = |g: &mut dyn FnMut() -> Result<()>, into: &mut Vec<Duration>| {
        let start = Instant::now();
        g()?;
        into.push(start.elapsed());
        Ok::<(), anyhow::Error>(())
    };
    for i in 0..iterations {
        if i % 2 == 0 {
            timed(&mut floor, &mut floor_samples)?;
            timed(&mut f, &mut samples)?;
        } else {
            timed(&mut f, &mut samples)?;
            timed(&mut floor, &mut floor_samples)?;
        }
    }
    Ok((
        Latency::from_samples(floor_samples),
        Latency::from_samples(samples),
    ))
}

/// One evaluation as `kwctl bench` times a policy: the payload built from
/// the request and settings, the waPC call, the answer decoded.
fn kwctl_evaluation(
    host: &Host,
    instance: &mut PolicyInstance,
    config: &PolicyConfig,
    request: &serde_json::Value,
    settings: &serde_json::Value,
) -> Result<()> {
    let payload = validate_payload(request, settings);
    let answer = instance.call("validate", &payload);
    std::hint::black_box(host.to_admission_response(request, answer, config));
    Ok(())
}

/// A fresh evaluation timed in its parts, `calls` times: `create`, `call`
/// on what it made, the drop of it.
fn measure_fresh_parts<I>(
    calls: usize,
    mut create: impl FnMut() -> Result<I>,
    mut call: impl FnMut(&mut I) -> Result<()>,
) -> Result<FreshParts> {
    let mut parts: [Vec<Duration>; 3] = Default::default();
    for _ in 0..calls.max(1) {
        let created = Instant::now();
        let mut instance = create()?;
        let called = Instant::now();
        call(&mut instance)?;
        let dropped = Instant::now();
        drop(instance);
        parts[0].push(called - created);
        parts[1].push(dropped - called);
        parts[2].push(dropped.elapsed());
    }
    let [instantiate, validate, dropping] =
        parts.map(|samples| Latency::from_samples(samples).median_us);
    Ok(FreshParts {
        instantiate_us: instantiate,
        validate_us: validate,
        drop_us: dropping,
    })
}

/// `f` alone, or beside the do-nothing policy's `floor` when there is one:
/// `f`'s latency, and its median above the floor's.
fn measure_above(
    iterations: usize,
    floor: Option<&mut dyn FnMut() -> Result<()>>,
    f: impl FnMut() -> Result<()>,
) -> Result<(Latency, Option<f64>)> {
    match floor {
        None => Ok((measure(iterations, f)?, None)),
        Some(floor) => {
            let (floor, latency) = measure_beside(iterations, floor, f)?;
            Ok((latency, Some(latency.median_us - floor.median_us)))
        }
    }
}

/// The engine configurations a module is measured on, one per host it
/// imitates. policy-server sets an evaluation deadline (`--policy-timeout`,
/// default 2 s) and so compiles modules with epoch interruption: the guest
/// checks the epoch on entering every function and at every loop iteration.
/// kwctl sets none (`kwctl run` and `kwctl bench` build their evaluator
/// without `enable_epoch_interruptions`), and its engine compiles modules
/// without those checks. On policy-server's engine the guest takes 12 to
/// 25 % longer on the bench Pod (access-control 13.0 against 10.4 µs), so
/// KWCTL and GUEST measured there read higher than `kwctl bench` would.
struct Engines {
    /// FRESH: a deadline of policy-server's default, epoch interruption on.
    policy_server: Host,
    /// KWCTL and GUEST: no deadline, no epoch interruption.
    kwctl: Host,
}

impl Engines {
    fn new() -> Result<Engines> {
        // Compiled every time: the compile time is one of the figures.
        Ok(Engines {
            policy_server: Host::new(HostOptions {
                compile_cache: None,
                ..HostOptions::default()
            })?,
            kwctl: Host::new(HostOptions {
                compile_cache: None,
                timeout_seconds: None,
                ..HostOptions::default()
            })?,
        })
    }
}

/// A module compiled for both engines.
struct Loaded {
    policy_server: Arc<LoadedModule>,
    kwctl: Arc<LoadedModule>,
}

impl Loaded {
    fn load(engines: &Engines, name: &str, bytes: &[u8], path: &Path) -> Result<Loaded> {
        let load = |host: &Host| host.load_bytes(name, bytes, Some(path.to_path_buf()));
        Ok(Loaded {
            policy_server: load(&engines.policy_server)?,
            kwctl: load(&engines.kwctl)?,
        })
    }
}

/// The do-nothing policy, loaded, for timing beside a module.
struct Floor {
    module: Loaded,
    config: PolicyConfig,
}

impl Floor {
    fn load(engines: &Engines, path: &Path) -> Result<Floor> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let module = Loaded::load(engines, "noop", &bytes, path)?;
        let config = PolicyConfig::new(&module.kwctl.name);
        Ok(Floor { module, config })
    }
}

fn bench_module(
    engines: &Engines,
    path: &Path,
    floor: Option<&Floor>,
    request: &serde_json::Value,
    settings: &serde_json::Value,
    iterations: usize,
) -> Result<ModuleBench> {
    let payload = &validate_payload(request, settings)[..];
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The compile time is policy-server's (it compiles every module it
    // serves); kwctl's engine compiles the same code without epoch checks.
    let mut compiles: Vec<Duration> = Vec::new();
    for _ in 0..2 {
        let m = engines
            .policy_server
            .load_bytes(&name, &bytes, Some(path.to_path_buf()))?;
        compiles.push(m.compile_time);
    }
    let loaded = Loaded::load(engines, &name, &bytes, path)?;
    compiles.push(loaded.policy_server.compile_time);
    compiles.sort();
    let host = &engines.policy_server;
    let module = &loaded.policy_server;
    // Granted, so context-aware controls read the same empty snapshot the
    // native run gets instead of failing on the grant.
    let config = PolicyConfig {
        allow_context_aware: true,
        ..PolicyConfig::new(&module.name)
    };
    let context = Arc::new(Context::default());
    let call_error = |e: crate::engine::CallError| anyhow!("{name}: {e}");

    let wasm_answer = host
        .call(module, &config, &context, "validate", payload)
        .map_err(call_error)?;
    let allowed = serde_json::from_slice::<serde_json::Value>(&wasm_answer)
        .ok()
        .and_then(|v| v.get("accepted").and_then(serde_json::Value::as_bool))
        .unwrap_or(false);

    let peak_memory_bytes = {
        let mut instance = host
            .instantiate(module, &config, &context)
            .map_err(call_error)?;
        instance.call("validate", payload).map_err(call_error)?;
        instance.memory_bytes()
    };
    let fresh_call = || {
        host.call(module, &config, &context, "validate", payload)
            .map(drop)
            .map_err(call_error)
    };
    // Counted on the module's calls alone (the timing below interleaves
    // the floor's), which also warm it up.
    let fault_calls = warm_up_calls(iterations);
    let faults_before = minor_page_faults();
    for _ in 0..fault_calls {
        fresh_call()?;
    }
    let fresh_page_faults = faults_before
        .zip(minor_page_faults())
        .map(|(before, after)| after.saturating_sub(before) as f64 / fault_calls as f64);
    let fresh_parts = measure_fresh_parts(
        fault_calls,
        || {
            host.instantiate(module, &config, &context)
                .map_err(call_error)
        },
        |instance| {
            instance
                .call("validate", payload)
                .map(drop)
                .map_err(call_error)
        },
    )?;
    let floor_error = |e: crate::engine::CallError| anyhow!("do-nothing policy: {e}");
    let shared_context = &context;
    let mut floor_fresh = floor.map(|floor| {
        move || {
            host.call(
                &floor.module.policy_server,
                &floor.config,
                shared_context,
                "validate",
                payload,
            )
            .map(drop)
            .map_err(floor_error)
        }
    });
    let (fresh, fresh_above) = measure_above(
        iterations,
        floor_fresh
            .as_mut()
            .map(|f| f as &mut dyn FnMut() -> Result<()>),
        fresh_call,
    )?;
    let policy_server_guest = {
        let mut instance = host
            .instantiate(module, &config, &context)
            .map_err(call_error)?;
        let mut call = || {
            instance
                .call("validate", payload)
                .map(drop)
                .map_err(call_error)
        };
        let warm = measure(iterations, &mut call)?;
        let cold = match floor_fresh.as_mut() {
            Some(floor_fresh) => measure_after(iterations, floor_fresh, call)?,
            None => measure_after(iterations, fresh_call, call)?,
        };
        PolicyServerGuest { warm, cold }
    };
    // Reused instances are kwctl's.
    let host = &engines.kwctl;
    let module = &loaded.kwctl;
    let mut instance = host
        .instantiate(module, &config, &context)
        .map_err(call_error)?;
    let reused = measure(iterations, || {
        instance
            .call("validate", payload)
            .map(drop)
            .map_err(call_error)
    })?;
    let mut floor_instance = match floor {
        Some(floor) => Some((
            floor,
            host.instantiate(&floor.module.kwctl, &floor.config, &context)
                .map_err(floor_error)?,
        )),
        None => None,
    };
    let mut floor_whole = floor_instance.as_mut().map(|(floor, instance)| {
        || kwctl_evaluation(host, instance, &floor.config, request, settings)
    });
    let (whole, whole_above) = measure_above(
        iterations,
        floor_whole
            .as_mut()
            .map(|f| f as &mut dyn FnMut() -> Result<()>),
        || kwctl_evaluation(host, &mut instance, &config, request, settings),
    )?;
    let (native, same) = match native_family(&module.name) {
        Some(family) => {
            let snapshot = kit::Snapshot::default();
            let native_answer = kit::engine::validate(family, payload, &snapshot);
            let latency = measure(iterations, || {
                std::hint::black_box(kit::engine::validate(
                    family,
                    std::hint::black_box(payload),
                    &snapshot,
                ));
                Ok(())
            })?;
            (Some(latency), Some(native_answer == wasm_answer))
        }
        None => (None, None),
    };
    Ok(ModuleBench {
        module: module.name.clone(),
        size_bytes: bytes.len(),
        compile_ms: compiles[compiles.len() / 2].as_secs_f64() * 1e3,
        fresh_instance: fresh,
        fresh_parts,
        policy_server_guest,
        fresh_page_faults,
        reused_instance: reused,
        whole_evaluation: whole,
        above_floor_us: None,
        floor_rounds: whole_above
            .zip(fresh_above)
            .map(|(whole_evaluation, fresh_instance)| AboveFloor {
                whole_evaluation,
                fresh_instance,
            })
            .into_iter()
            .collect(),
        native,
        same_answer_as_native: same,
        peak_memory_bytes,
        allowed,
    })
}

/// The lowest of the rounds' figures above the floor, each column on its
/// own, as every other figure is its best round's. The VM this project
/// measures on has slow phases of seconds in which everything takes up to
/// twice as long: timing the floor beside the module cancels what is added
/// to both, not what is multiplied, so a round in a slow phase reads
/// higher above the floor too (access-control's KWCTL 12 in one run, 22 in
/// the next, GUEST 12 against 18). `None` without rounds.
fn best_above(rounds: &[AboveFloor]) -> Option<AboveFloor> {
    let lowest = |v: &mut dyn Iterator<Item = f64>| v.min_by(f64::total_cmp);
    Some(AboveFloor {
        whole_evaluation: lowest(&mut rounds.iter().map(|a| a.whole_evaluation))?,
        fresh_instance: lowest(&mut rounds.iter().map(|a| a.fresh_instance))?,
    })
}

/// Minor page faults of the calling thread so far.
#[cfg(target_os = "linux")]
fn minor_page_faults() -> Option<u64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `getrusage` fills the struct it is given; RUSAGE_THREAD
    // counts only this thread (the evaluations run on it).
    let status = unsafe { libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) };
    // SAFETY: initialised by the successful call (and zeroed before).
    (status == 0).then(|| unsafe { usage.assume_init() }.ru_minflt as u64)
}

#[cfg(not(target_os = "linux"))]
fn minor_page_faults() -> Option<u64> {
    None
}

/// The do-nothing policy `scripts/build` writes, the engine's floor.
pub const DEFAULT_BASELINE: &str = "target/bench/noop.wasm";

/// The parse-only module `scripts/build` writes.
pub const DEFAULT_PARSE_REFERENCE: &str = "target/bench/parse.wasm";

/// `path` when it is a file; otherwise none, and a note that there is no
/// `what` there and what the table goes `without`.
fn reference_module<'p>(path: Option<&'p Path>, what: &str, without: &str) -> Option<&'p Path> {
    let path = path?;
    if path.is_file() {
        return Some(path);
    }
    eprintln!(
        "note: no {what} at {} (scripts/build writes it); {without}",
        path.display()
    );
    None
}

#[allow(clippy::too_many_arguments)]
pub fn bench(
    dist: &Path,
    baseline: Option<&Path>,
    parse_reference: Option<&Path>,
    request_path: Option<&Path>,
    settings: Option<&str>,
    iterations: usize,
    rounds: usize,
    format: Format,
) -> Result<bool> {
    let iterations = iterations.max(1);
    let rounds = rounds.max(1);
    let request_path = request_path.unwrap_or(Path::new(DEFAULT_REQUEST));
    let text = std::fs::read_to_string(request_path)
        .with_context(|| format!("cannot read {}", request_path.display()))?;
    let request = request::from_input(request::parse_text(&text)?)
        .with_context(|| format!("cannot use the request {}", request_path.display()))?;
    let settings = super::run::parse_settings(settings)?;
    // Exactly the bytes policy-server would send (sorted keys), for wasm and native alike.
    let request = request.to_value();
    let payload = validate_payload(&request, &settings);
    let engines = Engines::new()?;
    let floor_path = reference_module(
        baseline,
        "baseline module",
        "figures above the floor are omitted",
    );
    let parse_path = reference_module(parse_reference, "parse-only module", "its row is omitted");
    let mut modules = dist_modules(dist)?;
    if let Some(path) = parse_path {
        modules.insert(0, path.to_path_buf());
    }
    // Rounds alternate the modules, so that a burst of other work on the
    // machine lands on one round of each rather than on all of one module;
    // each figure is the best round's.
    let beside = floor_path
        .map(|path| Floor::load(&engines, path))
        .transpose()?;
    let mut floor: Option<ModuleBench> = None;
    let mut best: Vec<Option<ModuleBench>> = modules.iter().map(|_| None).collect();
    for _ in 0..rounds {
        if let Some(path) = floor_path {
            let f = bench_module(&engines, path, None, &request, &settings, iterations)?;
            ModuleBench::keep_best(&mut floor, f);
        }
        for (path, known) in modules.iter().zip(best.iter_mut()) {
            let r = bench_module(
                &engines,
                path,
                beside.as_ref(),
                &request,
                &settings,
                iterations,
            )?;
            ModuleBench::keep_best(known, r);
        }
    }
    let mut results = Vec::new();
    for mut r in best.into_iter().flatten() {
        r.above_floor_us = best_above(&r.floor_rounds);
        results.push(r);
    }
    if parse_path.is_some() {
        results[0].module = "(parse only)".into();
    }
    if let Some(mut f) = floor {
        f.module = "(do-nothing policy)".into();
        results.insert(0, f);
    }
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "request": request_path,
                "payloadBytes": payload.len(),
                "iterations": iterations,
                "rounds": rounds,
                "modules": results,
            }))?
        ),
        Format::Table | Format::Markdown => {
            println!(
                "request {} ({} bytes payload), {iterations} iterations per measure, best of {rounds} round(s), times in µs; +floor: the module's median minus the do-nothing policy's, the two timed in turn call by call, lowest round",
                request_path.display(),
                payload.len()
            );
            let f = |v: f64| format!("{v:.1}");
            let rows: Vec<Vec<String>> = results
                .iter()
                .map(|r| {
                    vec![
                        r.module.clone(),
                        r.size_bytes.to_string(),
                        format!("{:.0}", r.compile_ms),
                        f(r.fresh_instance.median_us),
                        f(r.fresh_instance.p99_us),
                        format!("{:.0}", r.fresh_instance.per_second),
                        r.fresh_page_faults
                            .map_or("-".into(), |p| format!("{p:.1}")),
                        format!(
                            "{:.1}/{:.1}/{:.1}",
                            r.fresh_parts.instantiate_us,
                            r.fresh_parts.validate_us,
                            r.fresh_parts.drop_us
                        ),
                        format!(
                            "{:.1}/{:.1}",
                            r.policy_server_guest.warm.median_us,
                            r.policy_server_guest.cold.median_us
                        ),
                        f(r.whole_evaluation.median_us),
                        r.above_floor_us
                            .map_or("-".into(), |a| f(a.whole_evaluation)),
                        r.above_floor_us.map_or("-".into(), |a| f(a.fresh_instance)),
                        f(r.reused_instance.median_us),
                        f(r.reused_instance.p99_us),
                        r.native.map_or("-".into(), |n| f(n.median_us)),
                        r.native.map_or("-".into(), |n| f(n.p99_us)),
                        match r.same_answer_as_native {
                            Some(true) => "yes".into(),
                            Some(false) => "NO".into(),
                            None => "-".into(),
                        },
                        format!("{:.1}", r.peak_memory_bytes as f64 / (1024.0 * 1024.0)),
                        r.allowed.to_string(),
                    ]
                })
                .collect();
            println!(
                "{}",
                table(
                    &[
                        "MODULE",
                        "BYTES",
                        "COMPILE ms",
                        "FRESH med",
                        "FRESH p99",
                        "FRESH /s",
                        "FRESH faults",
                        "FRESH new/call/drop",
                        "FRESH GUEST warm/cold",
                        "KWCTL med",
                        "KWCTL +floor",
                        "FRESH +floor",
                        "GUEST med",
                        "GUEST p99",
                        "NATIVE med",
                        "NATIVE p99",
                        "SAME",
                        "PEAK MiB",
                        "ALLOWED",
                    ],
                    &rows
                )
            );
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_column_above_the_floor_is_its_lowest_round() {
        let round = |whole_evaluation, fresh_instance| AboveFloor {
            whole_evaluation,
            fresh_instance,
        };
        let best = best_above(&[round(12.3, 24.0), round(22.4, 23.1), round(11.9, 41.2)]).unwrap();
        assert_eq!(best.whole_evaluation, 11.9);
        assert_eq!(best.fresh_instance, 23.1);
        assert!(best_above(&[]).is_none());
    }

    #[test]
    fn the_floor_and_the_module_are_timed_in_turn() {
        let order = std::cell::RefCell::new(Vec::new());
        let (floor, module) = measure_beside(
            4,
            || {
                order.borrow_mut().push('f');
                Ok(())
            },
            || {
                order.borrow_mut().push('m');
                Ok(())
            },
        )
        .unwrap();
        // One warm-up pair, then four timed pairs whose first call alternates.
        assert_eq!(order.into_inner().iter().collect::<String>(), "fmfmmffmmf");
        assert!(floor.median_us >= 0.0 && module.median_us >= 0.0);
    }
}
