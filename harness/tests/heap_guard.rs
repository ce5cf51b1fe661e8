//! The modules' allocator goes on after their statics (once the room in its
//! own page is full), in memory that wasi-libc's own `malloc`, also linked
//! into them, would claim if it ever ran (see `kit::arena`). A canary at the
//! start of that memory is checked before every answer leaves a module: an
//! evaluation in which anything else wrote there must end in a trap, never
//! in an answer.

mod common;

use common::{dist_module, host};
use kube_soc2::commands::bench::NATIVE_FAMILIES;
use kube_soc2::request::validate_payload;
use kube_soc2::{CallError, Context, PolicyConfig, PolicyInstance};
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

/// A fresh instance of `module` from dist/ (its `wapc_init` has run).
fn fresh_instance(module: &str) -> PolicyInstance {
    let loaded = host().load(&dist_module(module)).expect("loads");
    host()
        .instantiate(
            &loaded,
            &PolicyConfig::new(module),
            &Arc::new(Context::default()),
        )
        .expect("instantiates")
}

/// Where the canary lies in `module`'s `memory`. The heap lies above the
/// stack and the statics, where the canary's value may also be (a
/// constant, a copy on the stack): the last one.
fn canary_at(module: &str, memory: &[u8]) -> usize {
    memory
        .windows(CANARY.len())
        .rposition(|w| w == CANARY)
        .unwrap_or_else(|| panic!("{module}: no canary"))
}

#[test]
fn an_overwritten_heap_start_ends_the_evaluation_in_a_trap() {
    let payload = payload();
    for module in NATIVE_FAMILIES.iter().copied().chain(["soc2"]) {
        let mut instance = fresh_instance(module);
        instance
            .call("validate", &payload)
            .unwrap_or_else(|e| panic!("{module}: the untouched instance answers: {e}"));
        let memory = instance
            .memory_mut()
            .expect("the modules export their memory");
        let at = canary_at(module, memory);
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

/// A module's data segments: offset and bytes, in memory order (the
/// read-only data first, the writable statics last; the zero-initialised
/// statics are in no segment).
fn data_segments(module: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let mut segments = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        let Ok(wasmparser::Payload::DataSection(reader)) = payload else {
            continue;
        };
        for data in reader {
            let data = data.expect("a data segment");
            let wasmparser::DataKind::Active { offset_expr, .. } = data.kind else {
                continue;
            };
            if let Ok(wasmparser::Operator::I32Const { value }) =
                offset_expr.get_operators_reader().read()
            {
                segments.push((value as u32 as usize, data.data.to_vec()));
            }
        }
    }
    segments.sort();
    segments
}

/// Where a module's writable statics start: its last data segment's offset.
fn statics_start(module: &[u8]) -> usize {
    data_segments(module)
        .last()
        .map_or(0, |(offset, _)| *offset)
}

/// Every text of `module`'s catalogue that `kit::cold!` declares: the
/// family's title, each control's title, rationale and remediation, each
/// parameter's and option's description (the empty ones left out).
fn catalogue_texts(module: &str) -> Vec<String> {
    let loaded = host().load(&dist_module(module)).expect("loads");
    let catalogue = loaded.catalogue.as_ref().expect("a catalogue");
    let mut texts = vec![catalogue.title.clone()];
    for control in &catalogue.controls {
        texts.extend([&control.title, &control.rationale, &control.remediation].map(String::clone));
        texts.extend(
            control
                .parameters
                .iter()
                .filter_map(|p| p["description"].as_str().map(str::to_owned)),
        );
    }
    texts.extend(
        catalogue
            .options
            .iter()
            .filter_map(|p| p["description"].as_str().map(str::to_owned)),
    );
    texts.retain(|t| !t.is_empty());
    texts
}

/// Where `text` first lies in `data`.
fn find(data: &[u8], text: &str) -> Option<usize> {
    data.windows(text.len()).position(|w| w == text.as_bytes())
}

/// The controls' and parameters' texts (`kit::cold!`) lie among the
/// writable statics, out of the read-only data an evaluation reads (see
/// `kit::cold`): a text declared as a plain literal would be found there.
#[test]
fn the_controls_texts_are_kept_out_of_the_read_only_data() {
    for module in NATIVE_FAMILIES.iter().copied().chain(["soc2"]) {
        let segments = data_segments(&std::fs::read(dist_module(module)).expect("reads"));
        let (read_only, writable) = (&segments[0].1, &segments[segments.len() - 1].1);
        let texts = catalogue_texts(module);
        for text in &texts {
            assert!(
                find(writable, text).is_some() && find(read_only, text).is_none(),
                "{module}: {text:?} is not kept with the writable statics (declare it with kit::cold!)"
            );
        }
    }
}

/// The arena's page comes right before the writable statics a call touches
/// (`kit::arena`), so that a call's statics and blocks take no more pages
/// than their bytes need: everything after it up to the canary (the start
/// of the memory after the statics) lies on the next page, and the texts of
/// `kit::cold!`, which evaluations do not read, lie before it. Were the
/// texts or another static placed after the arena, the page before the
/// canary's would not be the arena's: `wapc_init`'s first blocks, the waPC
/// registry's keys, would not be in it. Not for the bundle: it links eight
/// family crates, and the linker lays out some of their texts after the
/// kit's statics, the arena among them (its statics take a page more).
#[test]
fn the_arenas_page_precedes_the_other_statics() {
    for module in NATIVE_FAMILIES {
        let start = statics_start(&std::fs::read(dist_module(module)).expect("reads"));
        let mut instance = fresh_instance(module);
        let memory = instance
            .memory_mut()
            .expect("the modules export their memory");
        let canary = canary_at(module, memory);
        let arena = (canary / 4096 - 1) * 4096;
        assert!(
            arena >= start,
            "{module}: statics at {start:#x}, the memory after them at {canary:#x}"
        );
        let key = b"validate_settings";
        assert!(
            memory[arena..arena + 4096]
                .windows(key.len())
                .any(|w| w == key),
            "{module}: the page at {arena:#x}, before the memory after the statics at {canary:#x}, is not the arena's"
        );
    }
}

/// The modules that refuse the bench Pod with their default settings
/// (availability: a container without a liveness probe): a refusal reads
/// its failing controls' titles and fixes.
const REFUSE_THE_BENCH_POD: &[&str] = &["availability", "soc2"];

/// The size of the host's memory pages: what the kernel maps one at a time.
#[cfg(unix)]
fn host_page() -> usize {
    // SAFETY: sysconf reads a constant of the system.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).expect("a page size")
}

/// The pages of `module`'s memory image (its data segments) that one
/// `validate` of `payload` on a fresh instance touches, in the order it
/// first touches them, and its answer: every page of the image is
/// protected before the call, and the page each memory fault names is left
/// unprotected on the next try, on a new instance, until the call answers.
/// The guest writes each page of its payload's buffer before the host
/// copies the payload in, so every fault is the guest's own (one in the
/// host would end the process).
#[cfg(unix)]
fn image_pages_one_validate_touches(
    module: &str,
    segments: &[(usize, Vec<u8>)],
    payload: &[u8],
) -> (Vec<usize>, Vec<u8>) {
    let page = host_page();
    let start = segments[0].0 / page * page;
    let end = segments
        .iter()
        .map(|(offset, bytes)| offset + bytes.len())
        .max()
        .expect("data")
        .div_ceil(page)
        * page;
    let mut touched: Vec<usize> = Vec::new();
    loop {
        let mut instance = fresh_instance(module);
        let memory = instance
            .memory_mut()
            .expect("the modules export their memory");
        for at in (start..end)
            .step_by(page)
            .filter(|at| !touched.contains(at))
        {
            // SAFETY: a page of the instance's own linear memory, which
            // only this thread uses and whose mapping wasmtime drops with
            // the instance; the guest's faults on it are traps.
            let status = unsafe {
                libc::mprotect(memory.as_mut_ptr().add(at).cast(), page, libc::PROT_NONE)
            };
            assert_eq!(status, 0, "{module}: mprotect");
        }
        let trap = match instance.call_with_trap_chain("validate", payload) {
            Ok(answer) => return (touched, answer),
            Err(CallError::Guest(trap)) => trap,
            Err(e) => panic!("{module}: {e:?}"),
        };
        let address = trap
            .split("memory fault at wasm address 0x")
            .nth(1)
            .and_then(|rest| {
                let hex: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
                usize::from_str_radix(&hex, 16).ok()
            })
            .unwrap_or_else(|| panic!("{module}: a trap other than a memory fault: {trap}"));
        let at = address / page * page;
        assert!(
            (start..end).contains(&at) && !touched.contains(&at),
            "{module}: a fault at {address:#x}, outside the pages still protected"
        );
        touched.push(at);
    }
}

/// An admission reads no page of the catalogue's texts (`kit::cold!`: the
/// controls', the parameters' and the family's; [`catalogue_texts`]): a
/// read there would map the 64 KB around it, texts and all, in every fresh
/// instance (see `kit::cold`). Also prints how many pages of its read-only
/// data each module's `validate` of the bench Pod reads (`--nocapture`).
#[cfg(unix)]
#[test]
fn an_admission_reads_no_page_of_the_controls_texts() {
    let request: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::workspace().join("tests/bench/pod-5kb.json"))
            .expect("the bench Pod"),
    )
    .expect("JSON");
    let payload = validate_payload(&request, &json!({}));
    for module in NATIVE_FAMILIES.iter().copied().chain(["soc2"]) {
        let segments = data_segments(&std::fs::read(dist_module(module)).expect("reads"));
        let read_only = &segments[0];
        let read_only_end = read_only.0 + read_only.1.len();
        let (touched, answer) = image_pages_one_validate_touches(module, &segments, &payload);
        let admitted = serde_json::from_slice::<serde_json::Value>(&answer).expect("a JSON answer")
            ["accepted"]
            == true;
        assert_eq!(
            admitted,
            !REFUSE_THE_BENCH_POD.contains(&module),
            "{module}: {}",
            String::from_utf8_lossy(&answer)
        );
        let read_only_pages = touched.iter().filter(|&&at| at < read_only_end).count();
        println!(
            "{module}: {read_only_pages} of {} pages of read-only data read, {} pages of the image touched",
            read_only_end.div_ceil(host_page()) - read_only.0 / host_page(),
            touched.len()
        );
        if !admitted {
            continue;
        }
        let writable = &segments[segments.len() - 1];
        for text in catalogue_texts(module) {
            let Some(offset) = find(&writable.1, &text) else {
                continue;
            };
            let (first, last) = (writable.0 + offset, writable.0 + offset + text.len() - 1);
            let page = touched
                .iter()
                .find(|&&at| at <= last && first < at + host_page());
            assert!(
                page.is_none(),
                "{module}: validate touched the page at {:#x}, which holds the text {text:?}",
                page.unwrap_or(&0)
            );
        }
    }
}
