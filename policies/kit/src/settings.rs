//! The one settings model every family shares: per-control opt-in, skip,
//! warn-only, exemptions and parameters, plus family-specific options.

use crate::control::{Control, Family, KindSet, POD_KINDS, Param, Params};
use crate::dom::{Map, Value};
use crate::exemptions::Exemption;
use crate::{same_name, same_text};
use std::cell::{Cell, OnceCell};

/// The selector that enables the recommended set.
pub const DEFAULT_TAG: &str = "default";
/// A selector matching every control of the module.
pub const ALL: &str = "all";

const KEYS: &[&str] = &["controls", "skip", "warnOnly", "exemptions", "parameters"];

/// An enabled control, where it is in its family's catalogue (what
/// [`Family::run_check`] calls it by), and whether its findings only warn.
///
/// Eight bytes in the modules, not twelve: an evaluation lists every
/// selected control that looks at the request's kind (42 of the bundle's
/// defaults for a Pod), and a fresh instance pays for each page of memory
/// it touches: those 168 bytes were part of what took the bundle's heap
/// onto one page more on the bench Pod.
#[derive(Clone, Copy, Debug)]
pub struct Selected {
    pub control: &'static Control,
    /// `u16::MAX` past that many controls: [`Family::run_check`] then finds
    /// no check at that position and the engine calls the control's own.
    pub position: u16,
    pub warn: bool,
}

/// A catalogue position as [`Selected`] keeps it.
fn position(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

#[derive(Debug, Default)]
pub struct Settings {
    pub controls: Vec<String>,
    pub skip: Vec<String>,
    pub warn_only: Vec<String>,
    pub exemptions: Vec<Exemption>,
    pub parameters: Map,
    pub options: Options,
    /// The enabled controls in catalogue order, each with whether its
    /// findings only warn: what [`Settings::enabled`] and
    /// [`Settings::warn_only`] say, worked out once by [`Settings::parse`]
    /// (the bundle has over 200 controls; every evaluation walked them
    /// several times). For remembered empty settings, listed only when
    /// asked for ([`Settings::selection`]): a Pod-bearing request takes its
    /// controls from the compiled table instead.
    selection: OnceCell<Vec<Selected>>,
    /// The remembered selection of empty settings (what `selection` is
    /// listed from when first asked), and the module's table of the controls
    /// each Pod-bearing kind is looked at by, when it has one.
    remembered: Option<(Defaults, Option<&'static PodKinds>)>,
}

/// True if `selector` (an id, a tag or `all`) names `control`.
/// A `const fn`: each module works out its default selection with it when
/// compiled ([`Defaults::of`]).
pub const fn selects(selector: &str, control: &Control) -> bool {
    if same_text(selector, ALL) || same_text(selector, control.id) {
        return true;
    }
    let mut t = 0;
    while t < control.tags.len() {
        if same_text(control.tags[t], selector) {
            return true;
        }
        t += 1;
    }
    false
}

/// Most deployments give no settings (`{}`), and an instance serves one
/// policy with fixed settings (kwctl, `scan` and every reused instance
/// evaluate the same settings again and again): the selection those
/// settings make is remembered, so the next evaluation neither walks every
/// control nor re-runs the checks of the settings. Kept in place, without
/// the heap: the wasm modules' arena rewinds only when every allocation of a
/// call is freed (see `arena`), so a cache holding one would keep it from
/// ever rewinding. A family of more controls than this is not remembered.
const REMEMBERED_CONTROLS: usize = 512;
const WORDS: usize = REMEMBERED_CONTROLS / 64;

/// What the answer for empty settings depends on, by the address of
/// `'static` data: the controls (with their tags), the default `warnOnly`,
/// the options and their check. Nothing `'static` ever moves or is freed,
/// so equal keys mean the same family definition, even if the `Family`
/// value itself is not a static.
#[derive(Clone, Copy, PartialEq, Eq)]
struct FamilyKey {
    groups: (usize, usize),
    default_warn_only: (usize, usize),
    options: (usize, usize),
    validate_options: usize,
}

impl FamilyKey {
    fn of(family: &Family) -> FamilyKey {
        FamilyKey {
            groups: (family.groups.as_ptr() as usize, family.groups.len()),
            default_warn_only: (
                family.default_warn_only.as_ptr() as usize,
                family.default_warn_only.len(),
            ),
            options: (family.options.as_ptr() as usize, family.options.len()),
            validate_options: family.validate_options.map_or(0, |f| f as usize),
        }
    }
}

/// The selection empty settings make in one family, as catalogue positions.
/// Each module works its own out when it is compiled ([`Defaults::of`],
/// held by [`crate::export_module!`]) and starts every evaluation with it
/// remembered: policy-server gives every request a fresh instance, which
/// remembers nothing, so without it every request walked every control's
/// tags (44k instructions in the bundle, a fifth of its evaluation).
/// [`crate::catalogue::check_family`] (every family's catalogue test)
/// checks it against [`Settings::parse`] of `{}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Defaults {
    enabled: [u64; WORDS],
    warn: [u64; WORDS],
}

/// Sets bit `i` of `words`.
const fn mark(words: &mut [u64; WORDS], i: usize) {
    words[i / 64] |= 1 << (i % 64);
}

impl Defaults {
    const NONE: Defaults = Defaults {
        enabled: [0; WORDS],
        warn: [0; WORDS],
    };

    /// What [`Settings::parse`] selects from `{}`: the controls tagged
    /// [`DEFAULT_TAG`], warning when a selector of the family's default
    /// `warnOnly` names them. `None` when the family is too large to
    /// remember, or enables nothing by default (which `parse` refuses,
    /// naming why).
    pub const fn of(family: &Family) -> Option<Defaults> {
        let mut d = Defaults::NONE;
        let mut any = false;
        let mut i = 0;
        let mut g = 0;
        while g < family.groups.len() {
            let group = family.groups[g];
            let mut c = 0;
            while c < group.len() {
                let control = group[c];
                if selects(DEFAULT_TAG, control) {
                    if i >= REMEMBERED_CONTROLS {
                        return None;
                    }
                    any = true;
                    mark(&mut d.enabled, i);
                    let mut w = 0;
                    while w < family.default_warn_only.len() {
                        if selects(family.default_warn_only[w], control) {
                            mark(&mut d.warn, i);
                        }
                        w += 1;
                    }
                }
                i += 1;
                c += 1;
            }
            g += 1;
        }
        if any { Some(d) } else { None }
    }

    /// The selection `settings` made, as positions in `family`'s catalogue;
    /// `None` when the family is too large to remember.
    fn of_settings(family: &Family, settings: &Settings) -> Option<Defaults> {
        let mut d = Defaults::NONE;
        let mut selected = settings.listed().iter().peekable();
        for (i, control) in family.controls().enumerate() {
            let Some(next) = selected.peek() else {
                break;
            };
            if !std::ptr::eq(next.control, control) {
                continue;
            }
            if i >= REMEMBERED_CONTROLS {
                return None;
            }
            mark(&mut d.enabled, i);
            if next.warn {
                mark(&mut d.warn, i);
            }
            selected.next();
        }
        // Every selected control found at its position, in order.
        selected.peek().is_none().then_some(d)
    }

    /// What [`Settings::read`] remembers after parsing `{}` for `family`
    /// (for the test that compares it with [`Defaults::of`]).
    pub fn of_parse(family: &Family) -> Result<Defaults, String> {
        let settings = Settings::parse(family, &Value::Null)?;
        Defaults::of_settings(family, &settings)
            .ok_or_else(|| "too many controls to remember".into())
    }

    /// Makes these the remembered selection of empty settings for `family`
    /// (they must be `Defaults::of(family)`, and `pods` `PodKinds::of(family)`),
    /// unless it is remembered already.
    pub fn assume(self, family: &Family, pods: Option<&'static PodKinds>) {
        let key = FamilyKey::of(family);
        if REMEMBERED.with(Cell::get).is_none_or(|r| r.family != key) {
            Remembered::set(key, self, pods);
        }
    }

    fn selection(&self, family: &Family) -> Vec<Selected> {
        let count = self.enabled.iter().map(|w| w.count_ones() as usize).sum();
        let mut out = Vec::with_capacity(count);
        // From one set bit to the next, moving through the groups only as
        // far as each: this runs on every evaluation with empty settings,
        // and most of a large family's controls are not enabled by default.
        let mut groups = family.groups.iter();
        let (mut group, mut first): (&[&'static Control], usize) = (&[], 0);
        for (w, &word) in self.enabled.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                while i >= first + group.len() {
                    first += group.len();
                    match groups.next() {
                        Some(next) => group = next,
                        // Only a selection made for another family.
                        None => return out,
                    }
                }
                out.push(Selected {
                    control: group[i - first],
                    position: position(i),
                    warn: self.warn[w] & (1 << (i % 64)) != 0,
                });
            }
        }
        out
    }
}

/// Each Pod-bearing kind in its own API group, in [`POD_KINDS`] order.
const POD_KIND_GROUPS: [(&str, &str); POD_KINDS.len()] = [
    ("", "Pod"),
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("", "ReplicationController"),
    ("batch", "Job"),
    ("batch", "CronJob"),
];

/// For each Pod-bearing kind in its own API group, which controls of one
/// family look at it (catalogue positions). Worked out when the module is
/// compiled, like [`Defaults`]: with empty settings the engine takes the
/// controls for a Pod-bearing request from it instead of asking every
/// enabled control whether its kinds include the request's (10k
/// instructions in the bundle, on every request of a fresh instance).
/// [`crate::catalogue::check_family`] checks it against `KindSet::contains`.
#[derive(Debug)]
pub struct PodKinds([[u64; WORDS]; POD_KINDS.len()]);

impl PodKinds {
    /// `None` when the family is too large to remember (as [`Defaults::of`]).
    pub const fn of(family: &Family) -> Option<PodKinds> {
        let mut table = [[0; WORDS]; POD_KINDS.len()];
        let mut i = 0;
        let mut g = 0;
        while g < family.groups.len() {
            let group = family.groups[g];
            let mut c = 0;
            while c < group.len() {
                if i >= REMEMBERED_CONTROLS {
                    return None;
                }
                let mut k = 0;
                while k < POD_KIND_GROUPS.len() {
                    let (api_group, kind) = POD_KIND_GROUPS[k];
                    if looks_at(group[c].kinds, api_group, kind) {
                        mark(&mut table[k], i);
                    }
                    k += 1;
                }
                i += 1;
                c += 1;
            }
            g += 1;
        }
        Some(PodKinds(table))
    }

    /// The controls of `selection` that look at `kind` of API `group`, in
    /// catalogue order; `None` when that is not a Pod-bearing kind in its
    /// own group (the engine then asks each control).
    fn select(
        &self,
        family: &Family,
        selection: &Defaults,
        group: &str,
        kind: &str,
    ) -> Option<Vec<Selected>> {
        let k = POD_KIND_GROUPS
            .iter()
            .position(|&(g, k)| same_name(k, kind) && same_name(g, group))?;
        let mut wanted = selection.enabled;
        for (w, kinds) in wanted.iter_mut().zip(&self.0[k]) {
            *w &= kinds;
        }
        Some(
            Defaults {
                enabled: wanted,
                warn: selection.warn,
            }
            .selection(family),
        )
    }

    /// Where this table (made for `family`) and `KindSet::contains`
    /// disagree: the catalogue test's check.
    pub fn disagreement(&self, family: &Family) -> Option<String> {
        for (i, control) in family.controls().enumerate() {
            for (k, &(group, kind)) in POD_KIND_GROUPS.iter().enumerate() {
                let table = self.0[k][i / 64] & (1 << (i % 64)) != 0;
                if table != control.kinds.contains(group, kind) {
                    return Some(crate::text!(
                        "{}: the compiled table says {table} for {group}/{kind}",
                        control.id
                    ));
                }
            }
        }
        None
    }
}

/// `KindSet::contains` for the table, as a `const fn`.
const fn looks_at(kinds: KindSet, group: &str, kind: &str) -> bool {
    let entries = match kinds {
        KindSet::PodBearing => return true,
        KindSet::Only(entries) => entries,
    };
    let mut e = 0;
    while e < entries.len() {
        let entry = entries[e].as_bytes();
        let (kind, group) = (kind.as_bytes(), group.as_bytes());
        // `Kind` alone, or `group/Kind`.
        if entry.len() == kind.len() {
            if same_bytes_const(entry, 0, kind) {
                return true;
            }
        } else if entry.len() == group.len() + 1 + kind.len()
            && entry[group.len()] == b'/'
            && same_bytes_const(entry, 0, group)
            && same_bytes_const(entry, group.len() + 1, kind)
        {
            return true;
        }
        e += 1;
    }
    false
}

/// Whether `text` starts with `part` at `at` (`at + part.len()` within it).
const fn same_bytes_const(text: &[u8], at: usize, part: &[u8]) -> bool {
    let mut i = 0;
    while i < part.len() {
        if text[at + i] != part[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The selection of empty settings of the family `family` identifies.
#[derive(Clone, Copy)]
struct Remembered {
    family: FamilyKey,
    selection: Defaults,
    /// The module's compiled table, when it gave one ([`Defaults::assume`]).
    pods: Option<&'static PodKinds>,
}

impl Remembered {
    fn set(family: FamilyKey, selection: Defaults, pods: Option<&'static PodKinds>) {
        REMEMBERED.with(|c| {
            c.set(Some(Remembered {
                family,
                selection,
                pods,
            }))
        });
    }
}

thread_local! {
    /// The selection of empty settings, for the family last evaluated with
    /// them (one per thread: native tests run families side by side).
    static REMEMBERED: Cell<Option<Remembered>> = const { Cell::new(None) };
}

impl Settings {
    /// [`Settings::parse`], remembering the answer for empty settings (none,
    /// `null` or `{}`) per family: only valid settings are remembered, and
    /// any other settings are parsed as given, every time.
    pub fn read(family: &Family, v: &Value) -> Result<Settings, String> {
        let empty = match v {
            Value::Null => true,
            Value::Object(m) => m.is_empty(),
            _ => false,
        };
        if !empty {
            return Settings::parse(family, v);
        }
        let key = FamilyKey::of(family);
        if let Some(known) = REMEMBERED.with(Cell::get).filter(|r| r.family == key) {
            let mut s = Settings::defaults(family);
            s.remembered = Some((known.selection, known.pods));
            return Ok(s);
        }
        let s = Settings::parse(family, v)?;
        if let Some(selection) = Defaults::of_settings(family, &s) {
            Remembered::set(key, selection, None);
        }
        Ok(s)
    }

    /// The selected controls that look at `kind` of API `group`, from the
    /// compiled table: `None` unless these are the remembered empty settings
    /// and that is a Pod-bearing kind in its own group.
    pub(crate) fn selected_for_kind(
        &self,
        family: &Family,
        group: &str,
        kind: &str,
    ) -> Option<Vec<Selected>> {
        let (selection, pods) = self.remembered?;
        pods?.select(family, &selection, group, kind)
    }

    /// What settings hold before the user's keys are read: the default
    /// selectors, the family's default `warnOnly`, no exemptions or
    /// parameters, every option at its default, read when first asked for
    /// (no selection yet).
    fn defaults(family: &Family) -> Settings {
        Settings::unread(family)
    }

    /// The default selectors and the family's default `warnOnly`, before
    /// any key of the settings is read (options not filled in yet).
    fn unread(family: &Family) -> Settings {
        Settings {
            options: Options::defaults(family.options),
            controls: vec![crate::text::owned(DEFAULT_TAG)],
            warn_only: family
                .default_warn_only
                .iter()
                .map(|w| crate::text::owned(w))
                .collect(),
            ..Settings::default()
        }
    }

    /// Parses and validates settings; errors name the offending key.
    pub fn parse(family: &Family, v: &Value) -> Result<Settings, String> {
        let empty = Map::new();
        let m = match v {
            Value::Object(m) => m,
            Value::Null => &empty,
            other => {
                return Err(crate::text!(
                    "settings must be an object, got {}",
                    crate::json::brief(other, 60)
                ));
            }
        };
        let mut s = Settings::unread(family);
        for (key, value) in m {
            match key.as_str() {
                "controls" => s.controls = selectors(family, key, value)?,
                "skip" => s.skip = selectors(family, key, value)?,
                "warnOnly" => s.warn_only = selectors(family, key, value)?,
                "exemptions" => s.exemptions = Exemption::parse_list(family, value)?,
                "parameters" => s.parameters = parameters(family, value)?,
                _ => match family.options.iter().find(|o| o.name == key) {
                    Some(opt) => {
                        opt.kind
                            .check(value)
                            .map_err(|e| crate::text!("{key}: {e}"))?;
                        s.options.given.insert(key.clone(), value.clone());
                    }
                    None => {
                        let mut valid: Vec<&str> = KEYS.to_vec();
                        valid.extend(family.options.iter().map(|o| o.name));
                        return Err(crate::text!(
                            "unknown settings key \"{key}\"; valid keys: {}",
                            valid.join(", ")
                        ));
                    }
                },
            }
        }
        if let Some(check) = family.validate_options {
            check(&s.options.complete())?;
        }
        let selection: Vec<_> = family
            .controls()
            .enumerate()
            .filter(|&(_, control)| s.is_enabled(control))
            .map(|(i, control)| Selected {
                control,
                position: position(i),
                warn: s.warn_only(control),
            })
            .collect();
        s.selection = OnceCell::from(selection);
        s.refuse_silent_disabling(family, m.contains_key("warnOnly"))?;
        s.refuse_unconfigured()?;
        Ok(s)
    }

    /// A control whose own parameter check refuses its defaults (an allow-list
    /// that is empty until configured) would deny every object: naming it in
    /// `controls` without parameters is refused, naming the parameters it
    /// needs. Broad selectors (`all`, a tag) still enable it, and its findings
    /// say what is missing: `monitor` deployments of everything stay valid.
    fn refuse_unconfigured(&self) -> Result<(), String> {
        for &Selected { control, .. } in self.listed() {
            let Some(check) = control.validate_params else {
                continue;
            };
            if !self.controls.iter().any(|sel| sel == control.id) {
                continue;
            }
            if self.parameters.contains_key(control.id) {
                continue; // checked with the given values in `parameters`
            }
            check(&Params {
                spec: control.params,
                user: None,
            })
            .map_err(|e| {
                crate::text!(
                    "parameters.{}: {e}; the control is named in controls and needs parameters",
                    control.id
                )
            })?;
        }
        Ok(())
    }

    /// Settings that leave nothing enforced are almost always a mistake, and
    /// one that reads as "compliant" in every report. Refused, naming the key:
    /// an operator who wants no enforcement runs the policy in `mode: monitor`
    /// or does not deploy it.
    fn refuse_silent_disabling(&self, family: &Family, user_warn_only: bool) -> Result<(), String> {
        if self.listed().is_empty() && family.controls().next().is_some() {
            return Err(crate::text!(
                "controls/skip: these settings enable no control of module {} (controls: [{}], skip: [{}]); remove the policy instead, or enable at least one control",
                family.name,
                self.controls.join(", "),
                self.skip.join(", ")
            ));
        }
        for sel in &self.controls {
            if self.skip.contains(sel) {
                return Err(crate::text!(
                    "skip: \"{sel}\" is also listed in controls; a selector cannot be both enabled and skipped"
                ));
            }
        }
        if user_warn_only && self.listed().iter().all(|s| s.warn) {
            return Err(crate::text!(
                "warnOnly: every enabled control of module {} would only warn; run the policy with `mode: monitor` for that, or keep at least one control enforced",
                family.name
            ));
        }
        Ok(())
    }

    /// Whether the selectors enable `control` (and no `skip` selector
    /// disables it).
    fn is_enabled(&self, control: &Control) -> bool {
        self.controls.iter().any(|sel| selects(sel, control))
            && !self.skip.iter().any(|sel| selects(sel, control))
    }

    pub fn warn_only(&self, control: &Control) -> bool {
        self.warn_only.iter().any(|sel| selects(sel, control))
    }

    /// The enabled controls of `family` (the family these settings were
    /// read for) in catalogue order ([`Selected`]).
    pub fn selection(&self, family: &Family) -> &[Selected] {
        self.selection.get_or_init(|| {
            self.remembered
                .map(|(d, _)| d.selection(family))
                .unwrap_or_default()
        })
    }

    /// The selection [`Settings::parse`] listed (what the checks of the
    /// settings themselves look at).
    fn listed(&self) -> &[Selected] {
        self.selection.get().map_or(&[], Vec::as_slice)
    }

    pub fn params(&self, control: &Control) -> Params<'_> {
        Params {
            spec: control.params,
            // Settings mostly set no parameter: no lookup (a call) then.
            user: if self.parameters.is_empty() {
                None
            } else {
                self.parameters.get(control.id).and_then(Value::as_object)
            },
        }
    }
}

/// The family's options: those the settings give, and the others at their
/// default. A default is read when a check first asks for it: most
/// evaluations read one or two options, and reading every default (lists
/// among them) on every evaluation was a tenth of the bundle's fixed cost.
#[derive(Debug, Default)]
pub struct Options {
    given: Map,
    spec: &'static [Param],
    /// One per entry of `spec`, filled when asked for.
    defaults: Vec<OnceCell<Value>>,
}

impl Options {
    fn defaults(spec: &'static [Param]) -> Options {
        Options {
            given: Map::new(),
            spec,
            defaults: spec.iter().map(|_| OnceCell::new()).collect(),
        }
    }

    /// The option `name`: as the settings give it, or its default; `None`
    /// for a name that is not an option of the family.
    pub fn get(&self, name: &str) -> Option<&Value> {
        // Settings mostly give no option: no lookup (a call) then.
        if !self.given.is_empty()
            && let Some(v) = self.given.get(name)
        {
            return Some(v);
        }
        let i = self.spec.iter().position(|p| same_name(p.name, name))?;
        Some(self.defaults[i].get_or_init(|| self.spec[i].default_value()))
    }

    /// Every option, defaults included, as one object (what a family's
    /// `validate_options` checks).
    pub fn complete(&self) -> Map {
        self.spec
            .iter()
            .filter_map(|p| Some((p.name, self.get(p.name)?.clone())))
            .collect()
    }
}

/// Reads a list of selectors (control ids or tags), refusing unknown ones.
pub fn selectors(family: &Family, key: &str, v: &Value) -> Result<Vec<String>, String> {
    let items = match v {
        Value::Array(items) => items,
        Value::String(s) => {
            return selectors(family, key, &Value::Array(vec![Value::String(s.clone())]));
        }
        other => {
            return Err(crate::text!(
                "{key} must be a list of control ids or tags, got {}",
                crate::json::brief(other, 60)
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(sel) = item.as_str() else {
            return Err(crate::text!("{key}[{i}] must be a string, got {item}"));
        };
        if !family.controls().any(|c| selects(sel, c)) {
            return Err(crate::text!(
                "{key}[{i}]: \"{sel}\" is neither a control id nor a tag of module {}; tags: {}; controls: {}",
                family.name,
                family.tags().join(", "),
                family
                    .controls()
                    .map(|c| c.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out.push(sel.to_string());
    }
    Ok(out)
}

fn parameters(family: &Family, v: &Value) -> Result<Map, String> {
    let Value::Object(m) = v else {
        return Err("parameters must be an object keyed by control id".into());
    };
    for (id, params) in m {
        let Some(control) = family.control(id) else {
            let with_params: Vec<&str> = family
                .controls()
                .filter(|c| !c.params.is_empty())
                .map(|c| c.id)
                .collect();
            return Err(crate::text!(
                "parameters.{id}: no such control in module {}; controls with parameters: {}",
                family.name,
                with_params.join(", ")
            ));
        };
        let Value::Object(pm) = params else {
            return Err(crate::text!("parameters.{id} must be an object"));
        };
        for (name, value) in pm {
            let Some(spec) = control.param(name) else {
                let valid: Vec<&str> = control.params.iter().map(|p| p.name).collect();
                return Err(crate::text!(
                    "parameters.{id}.{name}: unknown parameter; valid: {}",
                    if valid.is_empty() {
                        "(none)".to_string()
                    } else {
                        valid.join(", ")
                    }
                ));
            };
            spec.kind
                .check(value)
                .map_err(|e| crate::text!("parameters.{id}.{name}: {e}"))?;
        }
        if let Some(check) = control.validate_params {
            check(&Params {
                spec: control.params,
                user: Some(pm),
            })
            .map_err(|e| crate::text!("parameters.{id}: {e}"))?;
        }
    }
    Ok(m.clone())
}
