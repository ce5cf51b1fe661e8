//! What a control is: catalogue data plus a pure check.

use crate::cluster::Cluster;
use crate::dom::{Map, Str, Value};
use crate::flags::Flags;
use crate::pod::{Container, PodTemplate};
use crate::request::Request;
use crate::same_name;
use crate::text;
use std::any::Any;
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
    Connect,
}

impl Operation {
    pub fn parse(s: &str) -> Option<Operation> {
        match s {
            "CREATE" => Some(Operation::Create),
            "UPDATE" => Some(Operation::Update),
            "DELETE" => Some(Operation::Delete),
            "CONNECT" => Some(Operation::Connect),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Connect => "CONNECT",
        }
    }
}

pub const CREATE_UPDATE: &[Operation] = &[Operation::Create, Operation::Update];

/// The kinds whose objects carry a pod template, in the order the catalogue lists them.
pub const POD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// Which kinds a control looks at.
#[derive(Clone, Copy, Debug)]
pub enum KindSet {
    /// Every Pod-bearing kind; the check gets the pod template through `Ctx::pod`.
    PodBearing,
    /// Exactly these kinds. An entry is `group/Kind` (e.g.
    /// `networking.k8s.io/Ingress`, `/Service` for the core group), which
    /// matches that API group only, or a bare `Kind`, which matches the kind in
    /// any group (kept for the built-in kinds whose name is unambiguous).
    Only(&'static [&'static str]),
}

impl KindSet {
    /// Whether an object of `kind` in API `group` is looked at.
    pub fn contains(&self, group: &str, kind: &str) -> bool {
        match self {
            KindSet::PodBearing => POD_KINDS.contains(&kind),
            KindSet::Only(kinds) => kinds.iter().any(|k| crate::kinds::matches(k, group, kind)),
        }
    }

    pub fn kinds(&self) -> &'static [&'static str] {
        match self {
            KindSet::PodBearing => POD_KINDS,
            KindSet::Only(kinds) => kinds,
        }
    }
}

/// Compliance criteria a control gives evidence for.
#[derive(Clone, Copy, Debug, Default)]
pub struct Criteria {
    /// AICPA Trust Services Criteria (2017, revised points of focus 2022), e.g. `CC6.1`.
    pub soc2: &'static [&'static str],
    /// ISO/IEC 27001:2022 Annex A controls, e.g. `A.8.2`.
    pub iso27001: &'static [&'static str],
    /// Pod Security Standards control names, e.g. `Privileged Containers`.
    pub pss: &'static [&'static str],
    /// CIS Kubernetes Benchmark recommendations, e.g. `5.2.2`.
    pub cis: &'static [&'static str],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Bool,
    Integer {
        min: i64,
        max: i64,
    },
    String,
    StringList,
    /// A map of string to string (e.g. required labels).
    StringMap,
}

impl ParamKind {
    pub fn name(&self) -> &'static str {
        match self {
            ParamKind::Bool => "boolean",
            ParamKind::Integer { .. } => "integer",
            ParamKind::String => "string",
            ParamKind::StringList => "list of strings",
            ParamKind::StringMap => "map of string to string",
        }
    }

    /// Checks a user-supplied value; the error says what was expected.
    pub fn check(&self, v: &Value) -> Result<(), String> {
        let ok = match self {
            ParamKind::Bool => v.is_boolean(),
            ParamKind::Integer { min, max } => match v.as_i64() {
                Some(n) if n < *min || n > *max => {
                    return Err(crate::text!("must be between {min} and {max}, got {n}"));
                }
                Some(_) => true,
                None => false,
            },
            ParamKind::String => v.is_string(),
            ParamKind::StringList => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            ParamKind::StringMap => v
                .as_object()
                .is_some_and(|m| m.values().all(Value::is_string)),
        };
        if ok {
            Ok(())
        } else {
            Err(crate::text!(
                "must be a {}, got {}",
                self.name(),
                crate::json::brief(v, 60)
            ))
        }
    }
}

/// A typed, documented parameter of a control (or a family-wide option).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: ParamKind,
    /// Default as JSON text; parsed on use (and verified by the catalogue tests).
    pub default: &'static str,
    pub description: &'static str,
}

impl Param {
    pub fn default_value(&self) -> Value {
        // Checks read their parameters on every evaluation; most defaults
        // are one of these, and a parse (its own copy of the text, its work
        // stacks) costs far more than the value.
        match self.default {
            "[]" => Value::Array(Vec::new()),
            "{}" => Value::Object(Map::new()),
            "false" => Value::Bool(false),
            "true" => Value::Bool(true),
            "\"\"" => Value::String(Str::default()),
            "null" => Value::Null,
            // Counts and limits ("3600", "-1") are most of the rest: a plain
            // integer is read directly. Only the spellings the parser reads as
            // that integer: no sign but `-`, no leading zero, and not `-0`
            // (the parser's float -0.0); past i64 the parser decides.
            text if let Some(n) = plain_integer(text) => Value::Number(n.into()),
            text => match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                // A string without escapes is its own text.
                Some(plain) if !plain.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) => {
                    Value::String(Str::from(plain))
                }
                _ => crate::dom::parse(text.as_bytes()).unwrap_or(Value::Null),
            },
        }
    }
}

/// The strings of `text` when it is a list of strings without escapes,
/// spelled `["a", "b"]` (a space at most after each comma); `None` for any
/// other text, which the parser reads instead.
pub(crate) fn plain_string_list(text: &str) -> Option<impl Iterator<Item = &str>> {
    // One pass that checks the spelling, then one that gives the strings
    // (a `split` sets up a `memchr` search per piece: more than this costs).
    let bytes = text.as_bytes();
    let (&b'[', &b']') = (bytes.first()?, bytes.last()?) else {
        return None;
    };
    let mut at = 1;
    if bytes.len() > 2 {
        loop {
            let end = plain_string_end(bytes, at)?;
            match &bytes[end..] {
                [b']'] => break,
                [b',', b' ', b'"', ..] => at = end + 2,
                [b',', b'"', ..] => at = end + 1,
                _ => return None,
            }
        }
    }
    let mut at = 1;
    Some(std::iter::from_fn(move || {
        let end = plain_string_end(bytes, at)?;
        let s = &text[at + 1..end - 1];
        at = end + 1 + usize::from(bytes.get(end + 1) == Some(&b' '));
        Some(s)
    }))
}

/// Where the string opening at `at` ends (one past its closing quote),
/// when it holds no escape or control character.
fn plain_string_end(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    // The parser's scan, sixteen bytes a step: a byte at a time, every
    // default list of every control was read at several ns per byte.
    let end = crate::dom::plain_text_end(bytes, at + 1);
    (bytes.get(end) == Some(&b'"')).then_some(end + 1)
}

/// The value of `text` when it is `0`, or an optional `-` then a non-zero
/// digit and digits (an integer as JSON spells it, except `-0`), within i64.
fn plain_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = match digits.as_bytes() {
        [b'0'] => digits.len() == text.len(),
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if plain { text.parse().ok() } else { None }
}

/// One violation found by a check.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Full field path from the object root, e.g.
    /// `spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged`.
    pub path: String,
    /// The container the finding is about, if any (name, image) — used by
    /// image/container exemptions and named in the message. Shared with the
    /// request's text, not copied: a container with a megabyte image and
    /// thousands of findings must not hold thousands of megabytes.
    pub container: Option<(Str, Str)>,
    pub message: String,
}

impl Finding {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Finding {
        Finding {
            path: path.into(),
            container: None,
            message: message.into(),
        }
    }

    /// A control could not verify `what` because a lookup failed: the check
    /// neither passes nor fails (`explain` reports it as `error`, `validate`
    /// refuses, failing closed). Only the first line of the host's error is
    /// kept, bounded: policy-server's errors may carry a whole backtrace.
    pub fn unverified(path: impl Into<String>, what: &str, error: &str) -> Finding {
        let first = error.lines().next().unwrap_or("").trim();
        let first = crate::response::truncate(first, 300);
        Finding::new(
            path,
            crate::text!("{}{what}: {first}", crate::explain::UNVERIFIED),
        )
    }

    /// Whether this finding says the control could not verify the object.
    pub fn is_unverified(&self) -> bool {
        self.message.starts_with(crate::explain::UNVERIFIED)
    }

    /// A finding about a container at a full field path (e.g. one built from
    /// `c.field_path("env[3].valueFrom")` plus more).
    pub fn container_at(c: &Container, path: String, message: impl Into<String>) -> Finding {
        Finding {
            path,
            container: Some(c.identity()),
            message: message.into(),
        }
    }

    /// A finding about `field` (relative path) of a container.
    pub fn container(c: &Container, field: &str, message: impl Into<String>) -> Finding {
        Finding {
            path: c.field_path(field),
            container: Some(c.identity()),
            message: message.into(),
        }
    }
}

/// Cross-field validation of a control's parameters; the error names the problem.
pub type ParamsCheck = fn(&Params) -> Result<(), String>;

/// A family's checks by catalogue position ([`crate::direct_checks!`]): the
/// findings of `control`'s check, or `None` when `control` is not the one at
/// `position` (the engine then calls [`Control::check`] itself).
pub type RunCheck = fn(usize, &'static Control, &Ctx) -> Option<Vec<Finding>>;

/// How many catalogue positions [`crate::direct_checks!`] dispatches (the
/// positions its definition lists).
pub const DIRECT_CHECKS: usize = 256;

/// Validation of a family's options taken together.
pub type OptionsCheck = fn(&Map) -> Result<(), String>;

/// A control of the suite. Declare one with `..Control::DEFAULTS` so only what
/// differs from the common case is written, its texts with [`crate::cold!`]
/// (out of the read-only data an evaluation reads):
///
/// ```ignore
/// pub static CONTROL: Control = Control {
///     id: "ingress-tls",
///     title: kit::cold!("..."), rationale: kit::cold!("..."), remediation: kit::cold!("..."),
///     severity: Severity::High, tags: &["default"], criteria: Criteria { ... },
///     kinds: KindSet::Only(&["networking.k8s.io/Ingress"]),
///     check,
///     ..Control::DEFAULTS
/// };
/// ```
#[derive(Debug)]
pub struct Control {
    /// Stable kebab-case id, unique across every family.
    pub id: &'static str,
    pub title: &'static str,
    pub rationale: &'static str,
    pub remediation: &'static str,
    pub severity: Severity,
    /// `default` marks the recommended set; other tags group controls (`pss-baseline`, ...).
    pub tags: &'static [&'static str],
    pub criteria: Criteria,
    pub kinds: KindSet,
    pub operations: &'static [Operation],
    /// Subresources the control evaluates (e.g. `exec`); the main resource and a
    /// Pod's `ephemeralcontainers` are always evaluated when the list is empty.
    pub subresources: &'static [&'static str],
    pub params: &'static [Param],
    /// Cross-field checks of this control's parameters, beyond their types.
    pub validate_params: Option<ParamsCheck>,
    /// Cluster resources the check looks up through context (`apiVersion`,
    /// `kind`), e.g. `("storage.k8s.io/v1", "StorageClass")`: what a
    /// policy-server must grant for the control to give a verdict.
    pub reads: &'static [(&'static str, &'static str)],
    pub check: fn(&Ctx) -> Vec<Finding>,
}

fn no_findings(_: &Ctx) -> Vec<Finding> {
    Vec::new()
}

impl Control {
    /// The common case every declaration starts from: Pod-bearing kinds,
    /// CREATE and UPDATE of the main resource, no parameters. `id`, `title`,
    /// `rationale`, `remediation`, `criteria` and `check` must be overridden;
    /// `catalogue::check_family` refuses a control that keeps the empty ones.
    pub const DEFAULTS: Control = Control {
        id: "",
        title: "",
        rationale: "",
        remediation: "",
        severity: Severity::Medium,
        tags: &[],
        criteria: Criteria {
            soc2: &[],
            iso27001: &[],
            pss: &[],
            cis: &[],
        },
        kinds: KindSet::PodBearing,
        operations: CREATE_UPDATE,
        subresources: &[],
        params: &[],
        validate_params: None,
        reads: &[],
        check: no_findings,
    };

    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| same_name(p.name, name))
    }
}

/// Resolved parameters of one control: user values over catalogue defaults.
#[derive(Clone, Copy)]
pub struct Params<'a> {
    pub spec: &'static [Param],
    pub user: Option<&'a Map>,
}

impl<'a> Params<'a> {
    pub fn value(&self, name: &str) -> Value {
        self.with_value(name, Value::clone)
    }

    /// `f` of the value of `name`, without copying the user's value.
    fn with_value<R>(&self, name: &str, f: impl FnOnce(&Value) -> R) -> R {
        if let Some(v) = self.user.and_then(|u| u.get(name)) {
            return f(v);
        }
        match self.spec.iter().find(|p| same_name(p.name, name)) {
            Some(p) => f(&p.default_value()),
            None => f(&Value::Null),
        }
    }

    pub fn bool(&self, name: &str) -> bool {
        self.with_value(name, |v| v.as_bool().unwrap_or(false))
    }

    pub fn int(&self, name: &str) -> i64 {
        self.with_value(name, |v| v.as_i64().unwrap_or(0))
    }

    pub fn string(&self, name: &str) -> String {
        self.with_value(name, |v| text::owned(v.as_str().unwrap_or_default()))
    }

    pub fn strings(&self, name: &str) -> Vec<String> {
        // Most string-list defaults (namespaces, registries, annotation
        // names) are read without turning their text into values first.
        if self.user.is_none_or(|u| u.get(name).is_none())
            && let Some(p) = self.spec.iter().find(|p| same_name(p.name, name))
            && let Some(list) = plain_string_list(p.default)
        {
            return list.map(text::owned).collect();
        }
        self.with_value(name, |v| match v {
            Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(text::owned))
                .collect(),
            _ => Vec::new(),
        })
    }

    pub fn string_map(&self, name: &str) -> Vec<(String, String)> {
        self.with_value(name, |v| match v {
            Value::Object(m) => m
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (text::owned(k), text::owned(s))))
                .collect(),
            _ => Vec::new(),
        })
    }
}

/// Everything a check may look at. Checks are pure functions of this.
pub struct Ctx<'a> {
    pub request: &'a Request,
    /// The pod template, present for Pod-bearing kinds when a Pod-bearing
    /// control runs (see [`Ctx::pod_template`] for the others).
    pub pod: Option<&'a PodTemplate<'a>>,
    pub params: Params<'a>,
    /// Family-wide options (e.g. `pssVersion`), already validated.
    pub options: &'a crate::settings::Options,
    pub cluster: &'a dyn Cluster,
    /// What checks of this evaluation derive from the request and share; see [`Ctx::shared`].
    pub shared: &'a Shared<'a>,
}

/// Values several checks of one evaluation derive from the same request
/// (e.g. every container's parsed image reference, read by most image
/// controls): computed by the first check that asks, kept for exactly one
/// evaluation (the engine drops it with the request), one value per type.
#[derive(Default)]
pub struct Shared<'a> {
    values: RefCell<Vec<Rc<dyn Any>>>,
    /// The command-line flags read so far, by the container they were read
    /// from ([`Ctx::flags`]). Not among `values`: those must be `'static`,
    /// and flags borrow from the request.
    flags: RefCell<Vec<(&'a Value, Rc<Flags<'a>>)>>,
    /// The pod template [`Ctx::pod_template`] extracted, or why it could not.
    template: OnceCell<Result<Option<PodTemplate<'a>>, String>>,
}

impl<'a> Shared<'a> {
    /// Why the pod template a check asked for ([`Ctx::pod_template`]) is
    /// malformed: the engine then refuses the request, as it does before
    /// any check runs when a Pod-bearing control is selected.
    pub(crate) fn malformed_template(&self) -> Option<&str> {
        self.template.get()?.as_ref().err().map(String::as_str)
    }

    /// The value of type `T`, computed by `compute` if no check asked for it
    /// yet in this evaluation.
    pub fn get_or_insert_with<T: Any>(&self, compute: impl FnOnce() -> T) -> Rc<T> {
        let known = self
            .values
            .borrow()
            .iter()
            .find_map(|v| v.clone().downcast::<T>().ok());
        if let Some(v) = known {
            return v;
        }
        // Computed outside the borrow: `compute` may ask for other values.
        let v = Rc::new(compute());
        self.values.borrow_mut().push(v.clone());
        v
    }
}

impl<'a> Ctx<'a> {
    /// The object under review (`oldObject` for DELETE).
    pub fn object(&self) -> &'a Value {
        self.request.subject()
    }

    /// The pod template; checks of `KindSet::PodBearing` controls always have one.
    pub fn pod(&self) -> &'a PodTemplate<'a> {
        self.pod
            .expect("engine runs PodBearing controls only with a pod template")
    }

    pub fn option_str(&self, name: &str) -> Option<&'a str> {
        self.options.get(name).and_then(Value::as_str)
    }

    /// A value derived from the request that other checks of this
    /// evaluation may need too, computed once per evaluation. `T` names the
    /// value (a family's own type, so families never share one by accident);
    /// `compute` must depend on the request alone, never on this control's
    /// parameters or options, since another control gets the same value.
    pub fn shared<T: Any>(&self, compute: impl FnOnce() -> T) -> Rc<T> {
        self.shared.get_or_insert_with(compute)
    }

    /// The pod template of the object under review for any check: the
    /// engine's ([`Ctx::pod`]) when a Pod-bearing control runs, else
    /// extracted once per evaluation, by the first check that asks; `None`
    /// when the kind has none. A malformed one reads as `None` here and the
    /// engine refuses the request once the checks have run, as it would
    /// have before them for a Pod-bearing control: cluster-hardening's
    /// static-Pod controls look at Pods alone, and most Pods they see are
    /// not static Pods at all, so extracting every Pod's template up front
    /// cost that family 3 µs per request.
    pub fn pod_template(&self) -> Option<&'a PodTemplate<'a>> {
        if let Some(pod) = self.pod {
            return Some(pod);
        }
        self.shared
            .template
            .get_or_init(|| PodTemplate::extract(&self.request.kind, self.object()))
            .as_ref()
            .ok()
            .and_then(Option::as_ref)
    }

    /// The command-line flags of `container`, read once per evaluation and
    /// shared by every check that asks: each control-plane control reads
    /// them, and a 3 MiB static Pod of 60,000 words read once per control
    /// took cluster-hardening 126 MiB (the arena reuses nothing until the
    /// evaluation ends).
    pub fn flags(&self, container: &Container<'a>) -> Rc<Flags<'a>> {
        let known = self
            .shared
            .flags
            .borrow()
            .iter()
            .find(|(raw, _)| std::ptr::eq(*raw, container.raw))
            .map(|(_, flags)| flags.clone());
        if let Some(flags) = known {
            return flags;
        }
        let flags = Rc::new(Flags::of_container(container));
        self.shared
            .flags
            .borrow_mut()
            .push((container.raw, flags.clone()));
        flags
    }
}

/// A family: one wasm module, a set of controls and family-wide options.
pub struct Family {
    /// Module name, e.g. `access-control`.
    pub name: &'static str,
    pub title: &'static str,
    pub version: &'static str,
    /// Controls in catalogue order, in groups (one per source file of the
    /// family) so each concern declares its own list.
    pub groups: &'static [&'static [&'static Control]],
    /// Top-level settings keys particular to this family (e.g. `pssVersion`).
    pub options: &'static [Param],
    pub validate_options: Option<OptionsCheck>,
    /// Selectors whose findings are warnings unless the settings name their
    /// own `warnOnly`: for families whose verdicts cannot stop what they
    /// describe at admission (a mirror Pod's static Pod runs anyway), so
    /// their default is audit evidence rather than a rejection.
    pub default_warn_only: &'static [&'static str],
    /// Parse the whole request before any control runs, instead of reading
    /// each object of it when a control first asks for it
    /// ([`crate::dom::parse_on_demand`]). Reading on demand skips what no
    /// enabled control looks at, but costs a pass over the text and a little
    /// per object read: a module whose controls read most of a Pod (the
    /// access-control family, the bundle) is faster parsing it whole.
    pub reads_whole_request: bool,
    /// The family's checks called directly ([`crate::direct_checks!`])
    /// rather than through each control's `check` pointer. In the modules a
    /// call through a pointer is wasm's `call_indirect`, and a fresh
    /// instance (policy-server makes one per request) fills each table
    /// entry the first time it is called, in a call out to the engine; see
    /// `direct_checks!` for what that cost. `None` (test families) calls
    /// through the pointers.
    pub run_check: Option<RunCheck>,
}

/// The control at catalogue position `position` of `family`: what
/// [`crate::direct_checks!`] works out for each position when the module is
/// compiled.
pub const fn control_at(family: &Family, position: usize) -> Option<&'static Control> {
    let mut rest = position;
    let mut g = 0;
    while g < family.groups.len() {
        let group = family.groups[g];
        if rest < group.len() {
            return Some(group[rest]);
        }
        rest -= group.len();
        g += 1;
    }
    None
}

impl Family {
    /// Every control of the family, in catalogue order.
    pub fn controls(&self) -> impl Iterator<Item = &'static Control> + '_ {
        self.groups.iter().flat_map(|g| g.iter().copied())
    }

    pub fn control(&self, id: &str) -> Option<&'static Control> {
        self.controls().find(|c| c.id == id)
    }

    /// Every tag used by at least one control, sorted.
    pub fn tags(&self) -> Vec<&'static str> {
        let mut tags: Vec<&'static str> = self
            .controls()
            .flat_map(|c| c.tags.iter().copied())
            .collect();
        tags.sort_unstable();
        tags.dedup();
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Param::default_value` reads common defaults without the parser: it
    /// must give what the parser gives, and leave everything else to it.
    #[test]
    fn defaults_read_as_the_parser_reads_them() {
        for text in [
            "[]",
            "{}",
            "false",
            "true",
            "null",
            "\"\"",
            "\"confidential\"",
            "\"720h\"",
            "\"a\\\"b\"",
            "\"tab\\tbed\"",
            "\"\\u00e9\"",
            "\"",
            "\"a\" \"b\"",
            "[\"latest\"]",
            "10",
            "0",
            "-1",
            "-0",
            "00",
            "01",
            "-01",
            "+1",
            "-",
            "1.5",
            "1e3",
            "2147483647",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            " 1",
            "1 ",
            "{\"a\": \"b\"}",
            "not json",
        ] {
            let param = Param {
                name: "p",
                kind: ParamKind::String,
                default: text,
                description: "",
            };
            let parsed = crate::dom::parse(text.as_bytes()).unwrap_or(Value::Null);
            assert_eq!(param.default_value(), parsed, "{text}");
        }
    }

    /// A default list of strings is read without the parser only when it
    /// is spelled plainly; what it gives is what the parser gives.
    #[test]
    fn plain_string_lists_read_as_the_parser_reads_them() {
        for (text, plain) in [
            ("[]", true),
            ("[\"a\"]", true),
            ("[\"a\", \"b\"]", true),
            ("[\"a\",\"b\"]", true),
            ("[\"\", \" \"]", true),
            ("[\"a,b\", \"c\"]", true),
            ("[\"a\" , \"b\"]", false),
            ("[\"a\",  \"b\"]", false),
            ("[\"a\\\"b\"]", false),
            ("[\"a\\\\b\"]", false),
            ("[\"a\", 1]", false),
            ("[\"a\",]", false),
            ("[,]", false),
            ("[ ]", false),
            ("[\"a\"", false),
            ("\"a\"", false),
        ] {
            let list = plain_string_list(text).map(|l| l.collect::<Vec<_>>());
            assert_eq!(list.is_some(), plain, "{text}");
            if let Some(list) = list {
                let parsed = crate::dom::parse(text.as_bytes()).unwrap();
                let parsed: Vec<&str> = parsed
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(list, parsed, "{text}");
            }
            let spec: &'static [Param] = Box::leak(Box::new([Param {
                name: "p",
                kind: ParamKind::StringList,
                default: text,
                description: "",
            }]));
            let params = Params { spec, user: None };
            let want = crate::dom::parse(text.as_bytes()).ok();
            let want: Vec<String> = want
                .iter()
                .filter_map(Value::as_array)
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            assert_eq!(params.strings("p"), want, "{text}");
        }
    }
}
