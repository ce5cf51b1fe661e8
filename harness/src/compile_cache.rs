//! Machine code of the modules, kept between runs.
//!
//! Compiling the eight family modules takes 3–6 s of Cranelift work on two
//! cores: more than evaluating 10,000 objects, and paid again by every
//! `scan`, `run` and test process. The compiled module is written to a cache
//! folder under a name made of the module's sha256 and the engine's
//! compatibility hash (wasmtime version, its configuration, the host CPU), and
//! read back instead of compiling when both match.
//!
//! What is read back is code the process will run, so a cache file is
//! trusted only as far as it is checked: the file ends with the sha256 of what
//! precedes it (a torn or damaged file is compiled again, never loaded), and
//! wasmtime refuses a file from another version or configuration. The folder
//! must belong to the user running the tool and be writable by nobody else
//! (as ssh requires of its keys): otherwise another local user could place
//! code there, and the cache is not used.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use wasmtime::{Engine, Module};

/// `KUBE_SOC2_CACHE_DIR` (empty: no cache), else `$XDG_CACHE_HOME/kube-soc2`,
/// else `$HOME/.cache/kube-soc2`; `None` when none is set.
pub fn default_dir() -> Option<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = std::env::var_os("KUBE_SOC2_CACHE_DIR") {
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
    env("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| Path::new(&home).join(".cache")))
        .map(|base| base.join("kube-soc2"))
}

const DIGEST_LEN: usize = 32;

/// The module compiled from `wasm`: read from `dir` when an earlier run
/// compiled it with an engine like this one, else compiled (and written there
/// for the next run; a cache that cannot be written only costs the time).
pub fn compile(engine: &Engine, wasm: &[u8], dir: Option<&Path>) -> wasmtime::Result<Module> {
    let Some(dir) = dir.filter(|dir| private_folder(dir)) else {
        return Module::new(engine, wasm);
    };
    let path = dir.join(file_name(engine, wasm));
    if let Some(module) = read(engine, &path) {
        return Ok(module);
    }
    let module = Module::new(engine, wasm)?;
    if let Ok(code) = module.serialize() {
        write(dir, &path, &code);
    }
    Ok(module)
}

/// Whether `dir` (created if missing, for its owner alone) belongs to this
/// user and only they may write in it.
#[cfg(unix)]
fn private_folder(dir: &Path) -> bool {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    if !dir.exists() {
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let user = unsafe { libc::geteuid() };
    std::fs::metadata(dir).is_ok_and(|m| m.is_dir() && m.uid() == user && m.mode() & 0o022 == 0)
}

#[cfg(not(unix))]
fn private_folder(dir: &Path) -> bool {
    std::fs::create_dir_all(dir).is_ok()
}

fn file_name(engine: &Engine, wasm: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let digest = report::evidence::sha256(wasm);
    let module = digest.trim_start_matches("sha256:");
    format!("{module}-{:016x}.cwasm", hasher.finish())
}

fn read(engine: &Engine, path: &Path) -> Option<Module> {
    let file = std::fs::read(path).ok()?;
    let (code, digest) = file.split_at_checked(file.len().checked_sub(DIGEST_LEN)?)?;
    if Sha256::digest(code).as_slice() != digest {
        return None;
    }
    // SAFETY: `code` is what `Module::serialize` wrote for a module with this
    // sha256 and an engine with this compatibility hash (the file name), and
    // it is intact (its sha256 matched); wasmtime checks its header against
    // this engine again and returns an error rather than code it cannot run.
    unsafe { Module::deserialize(engine, code) }.ok()
}

/// Writes `code` and its digest to `path`: to a file of its own first, then
/// renamed, so that processes reading and writing the cache at the same time
/// (parallel test binaries) never see a part of a file.
fn write(dir: &Path, path: &Path, code: &[u8]) {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let partial = dir.join(format!(
        ".{}-{}.partial",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let mut file = Vec::with_capacity(code.len() + DIGEST_LEN);
    file.extend_from_slice(code);
    file.extend_from_slice(&Sha256::digest(code));
    if std::fs::write(&partial, &file).is_err() || std::fs::rename(&partial, path).is_err() {
        let _ = std::fs::remove_file(&partial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("kube-soc2-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn cached(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_compiled_module_is_read_back_and_a_damaged_one_compiled_again() {
        let engine = Engine::default();
        let dir = dir("roundtrip");
        compile(&engine, EMPTY_MODULE, Some(&dir)).unwrap();
        let files = cached(&dir);
        assert_eq!(files.len(), 1, "{files:?}");
        assert!(read(&engine, &files[0]).is_some());

        // One flipped byte: refused by the digest, compiled and rewritten.
        let mut bytes = std::fs::read(&files[0]).unwrap();
        bytes[0] ^= 0xff;
        std::fs::write(&files[0], &bytes).unwrap();
        assert!(read(&engine, &files[0]).is_none());
        compile(&engine, EMPTY_MODULE, Some(&dir)).unwrap();
        assert!(read(&engine, &files[0]).is_some());

        // Cut short: refused too.
        std::fs::write(&files[0], &bytes[..bytes.len() / 2]).unwrap();
        assert!(read(&engine, &files[0]).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn another_engine_configuration_uses_another_file() {
        let dir = dir("engines");
        compile(&Engine::default(), EMPTY_MODULE, Some(&dir)).unwrap();
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        let other = Engine::new(&config).unwrap();
        compile(&other, EMPTY_MODULE, Some(&dir)).unwrap();
        assert_eq!(cached(&dir).len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_folder_means_no_cache() {
        assert!(compile(&Engine::default(), EMPTY_MODULE, None).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_others_may_write_is_not_used() {
        use std::os::unix::fs::PermissionsExt;
        let dir = dir("shared");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        compile(&Engine::default(), EMPTY_MODULE, Some(&dir)).unwrap();
        assert!(cached(&dir).is_empty());
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        compile(&Engine::default(), EMPTY_MODULE, Some(&dir)).unwrap();
        assert_eq!(cached(&dir).len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
