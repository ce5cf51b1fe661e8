//! The shared kit of every kube-soc2 policy family.
//!
//! A family crate declares its controls as data ([`Control`]) with a pure check
//! function each, bundles them in a [`Family`], and calls [`export_family!`].
//! Everything else — parsing the admission request, locating the pod template of
//! any Pod-bearing kind, the per-control opt-in settings, exemptions, turning
//! findings into one `ValidationResponse`, host capabilities — lives here, so a
//! control never repeats it.

pub mod arena;
pub mod calendar;
pub mod catalogue;
pub mod cluster;
pub mod control;
pub mod dom;
pub mod engine;
pub mod evidence;
pub mod exemptions;
pub mod explain;
pub mod flags;
pub mod glob;
pub mod json;
pub mod kinds;
pub mod labels;
pub mod pod;
pub mod quantity;
pub mod rbac;
pub mod request;
pub mod response;
pub mod settings;
mod skim;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
pub mod value;

pub use cluster::{Cluster, NoCluster, Snapshot};
pub use control::{
    Control, Criteria, Ctx, Family, Finding, KindSet, Operation, Param, ParamKind, Params, Severity,
};
pub use dom::Value;
pub use pod::{Container, ContainerList, PodTemplate};
pub use request::Request;
pub use value::{Flag, Int};

#[doc(hidden)]
pub use serde_json as __serde_json;

/// Re-exported so family crates need no direct waPC dependency.
pub use kubewarden_policy_sdk::wapc_guest;

/// Largest `validate` payload a module evaluates. The API server refuses bodies
/// above 3 MiB and etcd objects above 1.5 MiB, so anything bigger is not a real
/// admission request; refusing it early keeps a hostile payload from costing
/// seconds of parsing inside the webhook's deadline.
pub const MAX_PAYLOAD_BYTES: usize = 8 * 1024 * 1024;

/// `a == b` for the names settings, parameters and flags are looked up by:
/// in the modules `==` on `str` calls wasi-libc's `memcmp`, a byte loop,
/// and a check reads its parameters and options by name on every request
/// (the bundle's options are a list of 30).
#[inline]
pub fn same_name(a: &str, b: &str) -> bool {
    dom::same_bytes(a.as_bytes(), b.as_bytes())
}

/// `a == b`, usable in constants (`str`'s `==` is not a `const fn`): the
/// bundle composes its options and every module its default selection at
/// compile time.
pub const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Generates the waPC entry points Kubewarden's policy-server calls:
/// `validate`, `validate_settings`, `protocol_version`, plus `catalogue`
/// (the family's control catalogue as JSON, read by `kube-soc2 controls`) and
/// `explain` (the evaluation of `validate` as data, see [`explain`]).
///
/// With the kit's `bundle` feature only the native entry points are
/// generated: a bundle module links several families, and a wasm module has
/// one allocator and one `wapc_init` (its own, from [`export_module!`]).
#[macro_export]
macro_rules! export_family {
    ($family:expr) => {
        $crate::export_module!($family, $crate::catalogue::to_json(&$family), family);
    };
}

/// [`export_family!`] with the catalogue given as an expression (a bundle
/// names each control's own family). The last argument is `family` (waPC
/// exports unless the kit's `bundle` feature is on) or `bundle` (always).
#[macro_export]
macro_rules! export_module {
    ($family:expr, $catalogue:expr, $kind:ident) => {
        /// The selection of empty settings, worked out when the module is
        /// compiled: a fresh instance (policy-server's way) need not work
        /// it out again for every request.
        static DEFAULTS: Option<$crate::settings::Defaults> =
            $crate::settings::Defaults::of(&$family);
        /// The controls each Pod-bearing kind is looked at by, likewise.
        static POD_KINDS: Option<$crate::settings::PodKinds> =
            $crate::settings::PodKinds::of(&$family);

        fn assume_defaults() {
            if let Some(defaults) = DEFAULTS {
                defaults.assume(&$family, POD_KINDS.as_ref());
            }
        }

        /// Native entry point with the same contract as the waPC `validate`.
        pub fn validate(payload: &[u8]) -> Vec<u8> {
            assume_defaults();
            $crate::engine::validate(&$family, payload, &$crate::cluster::HostCluster::default())
        }

        /// Native entry point with the same contract as the waPC `validate_settings`.
        pub fn validate_settings(payload: &[u8]) -> Vec<u8> {
            $crate::engine::validate_settings(&$family, payload)
        }

        /// Native entry point with the same contract as the waPC `explain`.
        pub fn explain(payload: &[u8]) -> Vec<u8> {
            assume_defaults();
            $crate::engine::explain(&$family, payload, &$crate::cluster::HostCluster::default())
        }

        /// The module's control catalogue as JSON.
        pub fn catalogue() -> Vec<u8> {
            $catalogue
        }

        $crate::__wapc_exports!($kind);
    };
}

#[cfg(not(feature = "bundle"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __wapc_exports {
    ($kind:ident) => {
        $crate::__wapc_module!();
    };
}

#[cfg(feature = "bundle")]
#[doc(hidden)]
#[macro_export]
macro_rules! __wapc_exports {
    (family) => {};
    (bundle) => {
        $crate::__wapc_module!();
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __wapc_module {
    () => {
        #[cfg(target_arch = "wasm32")]
        mod wapc_exports {
            use $crate::wapc_guest as guest;

            fn validate(payload: &[u8]) -> guest::CallResult {
                Ok(super::validate(payload))
            }

            fn validate_settings(payload: &[u8]) -> guest::CallResult {
                Ok(super::validate_settings(payload))
            }

            fn protocol_version(_payload: &[u8]) -> guest::CallResult {
                Ok(b"\"v1\"".to_vec())
            }

            fn explain(payload: &[u8]) -> guest::CallResult {
                Ok(super::explain(payload))
            }

            fn catalogue(_payload: &[u8]) -> guest::CallResult {
                Ok(super::catalogue())
            }

            #[global_allocator]
            static ALLOCATOR: $crate::arena::Arena = $crate::arena::Arena::new();

            #[unsafe(no_mangle)]
            pub extern "C" fn wapc_init() {
                // The first code a fresh instance runs (policy-server's way,
                // one instance per request): see `Arena::touch`.
                ALLOCATOR.touch();
                guest::register_function("validate", validate);
                guest::register_function("validate_settings", validate_settings);
                guest::register_function("protocol_version", protocol_version);
                guest::register_function("catalogue", catalogue);
                guest::register_function("explain", explain);
                // Everything allocated so far (the waPC registry) lives for the
                // instance; what comes after is per call.
                ALLOCATOR.checkpoint();
            }
        }
    };
}
