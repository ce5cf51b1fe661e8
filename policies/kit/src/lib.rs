//! The shared kit of every kube-soc2 policy family.
//!
//! A family crate declares its controls as data ([`Control`]) with a pure check
//! function each, bundles them in a [`Family`] (whose checks
//! [`direct_checks!`] dispatches), and calls [`export_family!`].
//! Everything else — parsing the admission request, locating the pod template of
//! any Pod-bearing kind, the per-control opt-in settings, exemptions, turning
//! findings into one admission response, host capabilities — lives here, so a
//! control never repeats it.

pub mod arena;
pub mod bytes;
pub mod calendar;
pub mod catalogue;
pub mod cluster;
pub mod cold;
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
pub mod text;
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

/// Defines `fn $name` ([`control::RunCheck`]): `$family`'s checks called by
/// catalogue position, each one a direct call, worked out when the module is
/// compiled. Name it in the family's `run_check`.
///
/// In the modules a call through a `Control::check` pointer is wasm's
/// `call_indirect`, and wasmtime fills each entry of a fresh instance's
/// function table the first time it is called, in a call out to the engine:
/// policy-server makes a fresh instance per request, so every check the
/// request ran paid it (the bundle 57 times, access-control 23 times per
/// request on the 5 KB bench Pod, counted with a probe on wasmtime's
/// `table_get_lazy_init_func_ref`). Positions past the 256th, and a control
/// that is not the one at its position, are left to the pointer.
#[macro_export]
macro_rules! direct_checks {
    ($name:ident, $family:path) => {
        $crate::__direct_checks!(
            $name,
            $family;
        0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
        32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60
        61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89
        90 91 92 93 94 95 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111 112 113
        114 115 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 131 132 133 134 135
        136 137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152 153 154 155 156 157
        158 159 160 161 162 163 164 165 166 167 168 169 170 171 172 173 174 175 176 177 178 179
        180 181 182 183 184 185 186 187 188 189 190 191 192 193 194 195 196 197 198 199 200 201
        202 203 204 205 206 207 208 209 210 211 212 213 214 215 216 217 218 219 220 221 222 223
        224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245
        246 247 248 249 250 251 252 253 254 255
        );
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __direct_checks {
    ($name:ident, $family:path; $($position:literal)*) => {
        fn $name(
            position: usize,
            control: &'static $crate::Control,
            ctx: &$crate::Ctx,
        ) -> Option<Vec<$crate::Finding>> {
            match position {
                $($position => {
                    const AT: Option<&'static $crate::Control> =
                        $crate::control::control_at(&$family, $position);
                    const CHECK: Option<fn(&$crate::Ctx) -> Vec<$crate::Finding>> = match AT {
                        Some(at) => Some(at.check),
                        None => None,
                    };
                    match (AT, CHECK) {
                        (Some(at), Some(check)) if core::ptr::eq(at, control) => Some(check(ctx)),
                        _ => None,
                    }
                })*
                _ => None,
            }
        }
    };
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
                checked(super::validate(payload))
            }

            fn validate_settings(payload: &[u8]) -> guest::CallResult {
                checked(super::validate_settings(payload))
            }

            /// `answer`, unless the memory it was worked out in was written
            /// over (see `kit::arena`): then a trap, never an answer.
            fn checked(answer: Vec<u8>) -> guest::CallResult {
                if !ALLOCATOR.intact() {
                    std::process::abort();
                }
                Ok(answer)
            }

            fn protocol_version(_payload: &[u8]) -> guest::CallResult {
                Ok(b"\"v1\"".to_vec())
            }

            fn explain(payload: &[u8]) -> guest::CallResult {
                checked(super::explain(payload))
            }

            fn catalogue(_payload: &[u8]) -> guest::CallResult {
                Ok(super::catalogue())
            }

            use $crate::arena::ALLOCATOR;

            #[global_allocator]
            static GLOBAL: $crate::arena::Global = $crate::arena::Global;

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
