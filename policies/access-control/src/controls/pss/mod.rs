//! The Pod Security Standards, checked as Kubernetes' `pod-security-admission`
//! checks them, one control per PSA check. Version-dependent rules follow the
//! `pssVersion` option, like a namespace's `enforce-version` label.
//!
//! PSA reads typed Go structs; these checks read untyped JSON. The helpers
//! below reproduce Go's reading: an absent or `null` pointer/struct is nil, an
//! absent string is `""`. A scalar of the wrong type (which the API server
//! never admits) where PSA restricts the value — `privileged: "true"`,
//! `runAsUser: "0"`, `seccompProfile.type: 5` — reads as a bad value, so a
//! malformed object is refused rather than waved through; a list of the wrong
//! type reads as empty.
//!
//! Values in more than one shape (issue 9): booleans are read through
//! `kit::Flag` (`enabled` forbids anything but absent/`false`, `is_true`
//! requires a JSON `true`) and integers through `kit::Int` (`runAsUser: 0.0` is
//! root, `hostPort: 0.0` is no host port). On every value the API server
//! accepts these give PSA's verdict, and PSA's conformance cases stay at 100%.
//! Capability names are deliberately NOT normalised here: PSA compares the
//! strings exactly (`add: [chown]` is outside the baseline set, `drop: [all]`
//! does not satisfy restricted), which is already the fail-closed reading;
//! the runtime-aware normalisation (`kit::value::capability_added/_dropped`)
//! is for the family's own hardening controls (`drop-net-raw`).

pub mod allow_privilege_escalation;
pub mod app_armor_profile;
pub mod capabilities_baseline;
pub mod capabilities_restricted;
pub mod host_namespaces;
pub mod host_path_volumes;
pub mod host_ports;
pub mod host_probes_and_host_lifecycle;
pub mod privileged;
pub mod proc_mount;
pub mod proc_mount_restricted;
pub mod restricted_volumes;
pub mod run_as_non_root;
pub mod run_as_user;
pub mod se_linux_options;
pub mod seccomp_profile_baseline;
pub mod seccomp_profile_restricted;
pub mod sysctls;
pub mod windows_host_process;

use kit::Value;
use kit::json::get_array;
use kit::{Container, Ctx, Finding, Operation, Param, ParamKind, PodTemplate, Request};

pub const OPTIONS: &[Param] = &[Param {
    name: "pssVersion",
    kind: ParamKind::String,
    default: "\"latest\"",
    description: kit::cold!(
        "Pod Security Standards version to apply: \"latest\" or \"v1.0\" ... \"v1.37\", like the pod-security.kubernetes.io/enforce-version label"
    ),
}];

/// The newest minor version this release knows; `latest` means this one.
pub const LATEST_MINOR: u32 = 37;

/// Minor version of a `v1.N` string, or `LATEST_MINOR` for `latest`.
pub fn parse_version(s: &str) -> Option<u32> {
    if s == "latest" {
        return Some(LATEST_MINOR);
    }
    // Only the canonical spelling, as Pod Security Admission's labels use it:
    // `u32::parse` would also take `v1.+5` and `v1.05`.
    let digits = s.strip_prefix("v1.")?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    let minor: u32 = digits.parse().ok().filter(|_| canonical)?;
    (minor <= LATEST_MINOR).then_some(minor)
}

pub fn validate_options(options: &kit::dom::Map) -> Result<(), String> {
    let v = options
        .get("pssVersion")
        .and_then(Value::as_str)
        .unwrap_or("latest");
    parse_version(v).map(|_| ()).ok_or_else(|| {
        kit::text!(
            "pssVersion: \"{v}\" is not \"latest\" or a version from v1.0 to v1.{LATEST_MINOR}"
        )
    })
}

/// The PSS minor version in force for this evaluation.
pub fn minor(ctx: &Ctx) -> u32 {
    ctx.option_str("pssVersion")
        .and_then(parse_version)
        .unwrap_or(LATEST_MINOR)
}

/// The PSS minor version to check the pod against, or `None` when PSA would
/// not evaluate the request at all: a Pod UPDATE that changes no container
/// image and adds no container (PSA `isSignificantPodUpdate`). A pod's spec is
/// otherwise immutable, so such an update (labels, annotations, tolerations,
/// ...) cannot change what the checks look at, and an existing pod admitted
/// before a policy change can still be relabelled or adopted by controllers.
pub fn evaluated(ctx: &Ctx) -> Option<u32> {
    (!insignificant_pod_update(ctx.request)).then(|| minor(ctx))
}

fn insignificant_pod_update(request: &Request) -> bool {
    if request.kind != "Pod" || request.operation != Some(Operation::Update) {
        return false;
    }
    let (Some(new), Some(old)) = (
        request.object.get("spec").filter(|s| s.is_object()),
        request.old_object.get("spec").filter(|s| s.is_object()),
    ) else {
        return false;
    };
    for list in ["containers", "initContainers"] {
        let (n, o) = (get_array(new, &[list]), get_array(old, &[list]));
        if n.len() != o.len() || n.iter().zip(o).any(|(n, o)| !same_image(n, o)) {
            return false;
        }
    }
    let old_ephemeral = get_array(old, &["ephemeralContainers"]);
    get_array(new, &["ephemeralContainers"]).iter().all(|n| {
        let name = n.get("name");
        old_ephemeral
            .iter()
            .find(|o| o.get("name") == name)
            .is_some_and(|o| same_image(n, o))
    })
}

/// Both containers name the same image (a malformed image counts as a change).
fn same_image(a: &Value, b: &Value) -> bool {
    let a = text(a.get("image"));
    a.is_some() && a == text(b.get("image"))
}

/// SOC 2 / ISO criteria shared by the pod-hardening controls: logical access
/// restrictions (CC6.1), protection against unauthorised software and
/// privilege (CC6.8), secure configuration (A.8.9) and privileged access (A.8.2).
pub const SOC2: &[&str] = &["CC6.1", "CC6.8"];
pub const ISO: &[&str] = &["A.8.2", "A.8.9"];
/// For controls that also keep a pod off the node's network: boundary
/// protection (CC6.6), network security and segregation (A.8.20, A.8.22).
pub const SOC2_NETWORK: &[&str] = &["CC6.1", "CC6.6", "CC6.8"];
pub const ISO_NETWORK: &[&str] = &["A.8.2", "A.8.9", "A.8.20", "A.8.22"];

// CIS Kubernetes Benchmark ids are those of v1.10.0 (section 5.2, "Pod Security
// Standards"; 5.7.2 for seccomp), numbered as kube-bench's cfg/cis-1.10.

pub const BASELINE: &[&str] = &["default", "pss-baseline", "pss-restricted"];
pub const RESTRICTED: &[&str] = &["pss-restricted"];

/// The 19 PSS checks of pod-security-admission: 12 baseline, then 7 restricted.
pub static CONTROLS: &[&kit::Control] = &[
    &host_namespaces::CONTROL,
    &privileged::CONTROL,
    &capabilities_baseline::CONTROL,
    &host_path_volumes::CONTROL,
    &host_ports::CONTROL,
    &app_armor_profile::CONTROL,
    &se_linux_options::CONTROL,
    &proc_mount::CONTROL,
    &seccomp_profile_baseline::CONTROL,
    &sysctls::CONTROL,
    &windows_host_process::CONTROL,
    &host_probes_and_host_lifecycle::CONTROL,
    &restricted_volumes::CONTROL,
    &allow_privilege_escalation::CONTROL,
    &run_as_non_root::CONTROL,
    &run_as_user::CONTROL,
    &seccomp_profile_restricted::CONTROL,
    &capabilities_restricted::CONTROL,
    &proc_mount_restricted::CONTROL,
];

/// A pointer or struct field as Go decodes it: `None` when absent or `null`.
pub(crate) fn set(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

/// A string field as Go decodes it: absent or `null` is `""`. `None` for any
/// other type, which callers treat as a bad value.
pub(crate) fn text(v: Option<&Value>) -> Option<&str> {
    match v {
        None | Some(Value::Null) => Some(""),
        Some(Value::String(s)) => Some(s),
        Some(_) => None,
    }
}

/// A `*bool` PSA forbids to be true: anything but absent, `null` or `false`
/// (a non-boolean is malformed and counts as set).
pub(crate) fn enabled(v: Option<&Value>) -> bool {
    kit::Flag::of(v).may_be_true()
}

/// A value quoted for a message: strings in quotes, anything else as JSON.
pub(crate) fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "\"\"".to_string(),
        Some(v) => kit::json::brief(v, 60),
    }
}

/// `spec.os.name: windows`: PSA exempts these pods from the restricted checks
/// that cannot apply to Windows (from v1.25).
pub(crate) fn is_windows(pod: &PodTemplate) -> bool {
    pod.get(&["os", "name"]).and_then(Value::as_str) == Some("windows")
}

/// `spec.hostUsers: false`: the pod runs in its own user namespace, where root
/// and an unmasked /proc are not the node's (PSA relaxes for these from v1.35).
pub(crate) fn in_user_namespace(pod: &PodTemplate) -> bool {
    kit::Flag::of(pod.get(&["hostUsers"])).is_false()
}

/// Path of an annotation of the pod template, e.g.
/// `spec.template.metadata.annotations['seccomp.security.alpha.kubernetes.io/pod']`.
pub(crate) fn annotation_path(pod: &PodTemplate, key: &str) -> String {
    kit::text!("{}.annotations['{key}']", pod.metadata_path)
}

/// The first container (of any list) called `name`.
pub(crate) fn container_named<'a>(pod: &PodTemplate<'a>, name: &str) -> Option<Container<'a>> {
    pod.containers().find(|c| c.name == name)
}

/// A finding at `path` (outside the container) that is about container `c`,
/// so container and image exemptions still apply to it.
pub(crate) fn about_container(
    c: Option<&Container>,
    path: String,
    message: impl Into<String>,
) -> Finding {
    Finding {
        path,
        container: c.map(|c| c.identity()),
        message: message.into(),
    }
}
