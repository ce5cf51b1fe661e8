//! kube-soc2 soc2 bundle (one Kubewarden policy module): every family of the
//! suite in one module, for clusters that want one webhook for SOC 2 rather
//! than eight.
//!
//! The bundle is a [`Family`] whose control groups are the member families'
//! own, so the kit's engine evaluates it exactly as it evaluates a family:
//! one parse of the request, one pod template, one settings model, and every
//! control decides as it does in its own module. Control ids are unique
//! across the suite, so `controls`, `skip`, `warnOnly`, `exemptions` and
//! `parameters` name them as each family's module does; a tag selects the
//! controls of every family that use it (`default` is every family's
//! recommended set).
//!
//! The family-wide options are the members' together, each key once (the
//! classification label is one label, read by confidentiality and privacy
//! alike), checked by every member's own validation; the default `warnOnly`
//! is the members' together (cluster-hardening's controls warn by default).
//! Everything here is composed at compile time from the members' statics:
//! nothing is copied, so a control added to a family is in the bundle.

use kit::{Control, Family, Param, ParamKind};
use serde_json::Value;

/// The families of the suite, in module-name order (the catalogue's order).
pub const MEMBERS: &[&Family] = &[
    // families: begin
    &access_control::FAMILY,
    &availability::FAMILY,
    &cluster_hardening::FAMILY,
    &confidentiality::FAMILY,
    &encryption::FAMILY,
    &images::FAMILY,
    &privacy::FAMILY,
    &processing_integrity::FAMILY,
    // families: end
];

const fn group_count() -> usize {
    let mut n = 0;
    let mut m = 0;
    while m < MEMBERS.len() {
        n += MEMBERS[m].groups.len();
        m += 1;
    }
    n
}

const GROUP_COUNT: usize = group_count();

const fn groups() -> [&'static [&'static Control]; GROUP_COUNT] {
    let mut out: [&'static [&'static Control]; GROUP_COUNT] = [&[]; GROUP_COUNT];
    let mut k = 0;
    let mut m = 0;
    while m < MEMBERS.len() {
        let mut g = 0;
        while g < MEMBERS[m].groups.len() {
            out[k] = MEMBERS[m].groups[g];
            k += 1;
            g += 1;
        }
        m += 1;
    }
    out
}

static GROUPS: [&[&Control]; GROUP_COUNT] = groups();

/// Whether option `o` of member `m` is the first member option of its name
/// (a later member's option of the same name is the same setting; a test
/// checks that such options agree on type and default).
const fn first_of_its_name(m: usize, o: usize) -> bool {
    let name = MEMBERS[m].options[o].name;
    let mut pm = 0;
    while pm <= m {
        let options = MEMBERS[pm].options;
        let end = if pm == m { o } else { options.len() };
        let mut po = 0;
        while po < end {
            if kit::same_text(options[po].name, name) {
                return false;
            }
            po += 1;
        }
        pm += 1;
    }
    true
}

const fn option_count() -> usize {
    let mut n = 0;
    let mut m = 0;
    while m < MEMBERS.len() {
        let mut o = 0;
        while o < MEMBERS[m].options.len() {
            if first_of_its_name(m, o) {
                n += 1;
            }
            o += 1;
        }
        m += 1;
    }
    n
}

const OPTION_COUNT: usize = option_count();

/// Overwritten by [`options`]; only its type matters.
const NO_PARAM: Param = Param {
    name: "",
    kind: ParamKind::Bool,
    default: "",
    description: kit::cold!(""),
};

const fn options() -> [Param; OPTION_COUNT] {
    let mut out = [NO_PARAM; OPTION_COUNT];
    let mut k = 0;
    let mut m = 0;
    while m < MEMBERS.len() {
        let mut o = 0;
        while o < MEMBERS[m].options.len() {
            if first_of_its_name(m, o) {
                out[k] = MEMBERS[m].options[o];
                k += 1;
            }
            o += 1;
        }
        m += 1;
    }
    out
}

static OPTIONS: [Param; OPTION_COUNT] = options();

const fn warn_only_count() -> usize {
    let mut n = 0;
    let mut m = 0;
    while m < MEMBERS.len() {
        n += MEMBERS[m].default_warn_only.len();
        m += 1;
    }
    n
}

const WARN_ONLY_COUNT: usize = warn_only_count();

const fn default_warn_only() -> [&'static str; WARN_ONLY_COUNT] {
    let mut out = [""; WARN_ONLY_COUNT];
    let mut k = 0;
    let mut m = 0;
    while m < MEMBERS.len() {
        let mut w = 0;
        while w < MEMBERS[m].default_warn_only.len() {
            out[k] = MEMBERS[m].default_warn_only[w];
            k += 1;
            w += 1;
        }
        m += 1;
    }
    out
}

static DEFAULT_WARN_ONLY: [&str; WARN_ONLY_COUNT] = default_warn_only();

/// What the bundle reads of each member when it runs: taken from the
/// members' statics when the module is compiled, so that the module holds no
/// reference to them. A member's `Family` would keep its own
/// `direct_checks!` dispatcher in the module, a second copy of the checks
/// the bundle's dispatcher calls (70 KB of the 1.5 MiB budget).
struct Member {
    name: &'static str,
    groups: &'static [&'static [&'static Control]],
    validate_options: Option<kit::control::OptionsCheck>,
}

const fn members() -> [Member; MEMBERS.len()] {
    let mut out = [const {
        Member {
            name: "",
            groups: &[],
            validate_options: None,
        }
    }; MEMBERS.len()];
    let mut m = 0;
    while m < MEMBERS.len() {
        out[m] = Member {
            name: MEMBERS[m].name,
            groups: MEMBERS[m].groups,
            validate_options: MEMBERS[m].validate_options,
        };
        m += 1;
    }
    out
}

static MEMBER_PARTS: [Member; MEMBERS.len()] = members();

/// Every member's own check of its options (each reads only its keys).
fn validate_options(options: &kit::dom::Map) -> Result<(), String> {
    for member in &MEMBER_PARTS {
        if let Some(check) = member.validate_options {
            check(options)?;
        }
    }
    Ok(())
}

pub static FAMILY: Family = Family {
    name: "soc2",
    title: kit::cold!("SOC 2 suite: every kube-soc2 family in one module"),
    version: env!("CARGO_PKG_VERSION"),
    groups: &GROUPS,
    options: &OPTIONS,
    validate_options: Some(validate_options),
    default_warn_only: &DEFAULT_WARN_ONLY,
    // Every family's controls together read most of a Pod (measured: the
    // on-demand reading costs more than it saves); see
    // `Family::reads_whole_request`.
    reads_whole_request: true,
    run_check: Some(run_check),
};

kit::direct_checks!(run_check, FAMILY);

/// The name of the member family a control of the bundle comes from.
pub fn member_of(id: &str) -> Option<&'static str> {
    MEMBER_PARTS
        .iter()
        .find(|m| m.groups.iter().flat_map(|g| g.iter()).any(|c| c.id == id))
        .map(|m| m.name)
}

/// The bundle's catalogue: the kit's, with every control naming its own
/// family, so `kube-soc2 controls`, `explain` and the reports describe a
/// control the same whichever module evaluated it.
pub fn catalogue_json() -> Vec<u8> {
    let mut catalogue = kit::catalogue::to_value(&FAMILY);
    if let Some(controls) = catalogue.get_mut("controls").and_then(Value::as_array_mut) {
        for control in controls {
            let member = control
                .get("id")
                .and_then(Value::as_str)
                .and_then(member_of);
            if let Some(member) = member {
                control["family"] = Value::from(member);
            }
        }
    }
    kit::json::to_vec(&catalogue)
}

kit::export_module!(FAMILY, catalogue_json(), bundle);
