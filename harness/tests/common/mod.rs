//! Helpers shared by the harness tests: the dist modules, a shared host and
//! tiny hand-written waPC guests.
#![allow(dead_code)] // each test binary uses a different subset

use kube_soc2::{Host, HostOptions, LoadedModule};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The workspace root (harness/..).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("harness lives in the workspace")
        .to_path_buf()
}

/// `dist/` or `$KUBE_SOC2_DIST`.
pub fn dist() -> PathBuf {
    std::env::var_os("KUBE_SOC2_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("dist"))
}

/// Path of `dist/<name>.wasm`; fails the test when it was not built.
pub fn dist_module(name: &str) -> PathBuf {
    let path = dist().join(format!("{name}.wasm"));
    assert!(
        path.is_file(),
        "{} is missing: run scripts/build first",
        path.display()
    );
    path
}

/// One host for the whole test binary (modules compile once), quiet stdio.
pub fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| {
        Host::new(HostOptions {
            inherit_stdio: false,
            ..HostOptions::default()
        })
        .expect("host")
    })
}

pub fn access_control() -> Arc<LoadedModule> {
    host()
        .load(&dist_module("access-control"))
        .expect("dist/access-control.wasm loads")
}

/// Text as a WAT string literal.
pub fn wat_string(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| match b {
            b'"' | b'\\' => format!("\\{b:02x}"),
            0x20..=0x7e => (*b as char).to_string(),
            _ => format!("\\{b:02x}"),
        })
        .collect()
}

/// A guest whose `__guest_call` has `body` (params 0, 1; returns i32).
pub fn guest_with_body(body: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (memory (export "memory") 1)
  (func (export "__guest_call") (param i32 i32) (result i32)
    {body}))"#
    ))
    .expect("valid WAT")
}

/// A guest answering every call with `response`.
pub fn constant_guest(response: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
  (import "wapc" "__guest_request" (func $guest_request (param i32 i32)))
  (import "wapc" "__guest_response" (func $guest_response (param i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 0) "{data}")
  (func (export "__guest_call") (param $op_len i32) (param $len i32) (result i32)
    (call $guest_response (i32.const 0) (i32.const {len}))
    (i32.const 1)))"#,
        data = wat_string(response.as_bytes()),
        len = response.len()
    ))
    .expect("valid WAT")
}

/// A guest relaying each call to the host: the waPC operation is the host
/// call's namespace, the payload is `<operation>\n<host payload>`. The host's
/// answer becomes the guest response, the host's error the guest error.
pub fn relay_guest() -> Vec<u8> {
    wat::parse_str(
        r#"(module
  (import "wapc" "__guest_request" (func $guest_request (param i32 i32)))
  (import "wapc" "__guest_response" (func $guest_response (param i32 i32)))
  (import "wapc" "__guest_error" (func $guest_error (param i32 i32)))
  (import "wapc" "__host_call" (func $host_call (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wapc" "__host_response_len" (func $host_response_len (result i32)))
  (import "wapc" "__host_response" (func $host_response (param i32)))
  (import "wapc" "__host_error_len" (func $host_error_len (result i32)))
  (import "wapc" "__host_error" (func $host_error (param i32)))
  (memory (export "memory") 4)
  (data (i32.const 0) "kubewarden")
  ;; index of the first newline in [p, p+len), or len
  (func $find_newline (param $p i32) (param $len i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (br_if $done (i32.eq (i32.load8_u (i32.add (local.get $p) (local.get $i))) (i32.const 10)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))
  (func (export "__guest_call") (param $op_len i32) (param $len i32) (result i32)
    (local $nl i32)
    (call $guest_request (i32.const 16) (i32.const 1024))
    (local.set $nl (call $find_newline (i32.const 1024) (local.get $len)))
    (if (result i32)
      (call $host_call
        (i32.const 0) (i32.const 10)
        (i32.const 16) (local.get $op_len)
        (i32.const 1024) (local.get $nl)
        (i32.add (i32.const 1025) (local.get $nl))
        (i32.sub (i32.sub (local.get $len) (local.get $nl)) (i32.const 1)))
      (then
        (call $host_response (i32.const 131072))
        (call $guest_response (i32.const 131072) (call $host_response_len))
        (i32.const 1))
      (else
        (call $host_error (i32.const 131072))
        (call $guest_error (i32.const 131072) (call $host_error_len))
        (i32.const 0)))))"#,
    )
    .expect("valid WAT")
}

/// The kube-soc2 binary, run from the workspace root.
pub fn cli() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_kube-soc2"));
    c.current_dir(workspace());
    c
}
