//! Empty settings are read once per family and remembered (`Settings::read`):
//! the remembered answer must be the parsed one, other settings must get
//! their own answer, and settings that are refused are never remembered.

use kit::settings::Settings;
use kit::{Control, Criteria, Ctx, Family, Finding, NoCluster, Severity, Value};
use serde_json::json;

fn found_by(id: &'static str) -> fn(&Ctx) -> Vec<Finding> {
    match id {
        "a-default" => |_| vec![Finding::new("spec", "a-default ran")],
        "a-sizing" => |_| vec![Finding::new("spec", "a-sizing ran")],
        "b-default" => |_| vec![Finding::new("spec", "b-default ran")],
        _ => |_| vec![Finding::new("spec", "b-other ran")],
    }
}

const CRITERIA: Criteria = Criteria {
    soc2: &["CC8.1"],
    iso27001: &["A.8.32"],
    pss: &[],
    cis: &[],
};

macro_rules! control {
    ($name:ident, $id:literal, $tags:expr) => {
        static $name: Control = Control {
            id: $id,
            title: $id,
            rationale: "r",
            remediation: "f",
            severity: Severity::Low,
            tags: $tags,
            criteria: CRITERIA,
            check: |ctx| found_by($id)(ctx),
            ..Control::DEFAULTS
        };
    };
}

control!(A_DEFAULT, "a-default", &["default"]);
control!(A_SIZING, "a-sizing", &["sizing"]);
control!(B_DEFAULT, "b-default", &["default"]);
control!(B_OTHER, "b-other", &["other"]);

static A: Family = Family {
    name: "family-a",
    title: "a",
    version: "0.0.0",
    groups: &[&[&A_DEFAULT, &A_SIZING]],
    options: &[],
    validate_options: None,
    default_warn_only: &["sizing"],
    reads_whole_request: false,
    run_check: None,
};

static B: Family = Family {
    name: "family-b",
    title: "b",
    version: "0.0.0",
    groups: &[&[&B_DEFAULT, &B_OTHER]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: None,
};

/// No control is in the default set: empty settings enable nothing and are refused.
static NONE_BY_DEFAULT: Family = Family {
    name: "none-by-default",
    title: "n",
    version: "0.0.0",
    groups: &[&[&B_OTHER]],
    options: &[],
    validate_options: None,
    default_warn_only: &[],
    reads_whole_request: false,
    run_check: None,
};

/// A Pod's CREATE with `settings`, or with no `settings` key at all.
fn payload(settings: Option<serde_json::Value>) -> Vec<u8> {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                     "spec": {"containers": [{"name": "c", "image": "a:1"}]}});
    let mut p = json!({ "request": kit::testing::request(pod) });
    if let Some(s) = settings {
        p["settings"] = s;
    }
    p.to_string().into_bytes()
}

fn message(family: &Family, settings: Option<serde_json::Value>) -> String {
    let out: serde_json::Value = serde_json::from_slice(&kit::engine::validate(
        family,
        &payload(settings),
        &NoCluster,
    ))
    .unwrap();
    out["message"].as_str().unwrap_or("").to_string()
}

#[test]
fn remembered_empty_settings_read_as_parsed() {
    for family in [&A, &B] {
        for v in [Value::Null, kit::json_value!({})] {
            // What the engine reads of settings (a remembered selection is
            // listed only when asked for).
            let read = |s: Settings| {
                kit::text!(
                    "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                    s.controls,
                    s.skip,
                    s.warn_only,
                    s.exemptions,
                    s.parameters,
                    s.options,
                    s.selection(family)
                )
            };
            let parsed = read(Settings::parse(family, &v).unwrap());
            let first = read(Settings::read(family, &v).unwrap());
            let remembered = read(Settings::read(family, &v).unwrap());
            assert!(
                parsed.contains("a-default") || parsed.contains("b-"),
                "{parsed}"
            );
            assert_eq!(parsed, first);
            assert_eq!(parsed, remembered);
        }
    }
}

#[test]
fn other_settings_after_empty_ones_get_their_own_answer() {
    for _ in 0..2 {
        let m = message(&A, Some(json!({})));
        assert!(
            m.contains("a-default ran") && !m.contains("a-sizing"),
            "{m}"
        );
        let m = message(&A, Some(json!({"controls": ["sizing"], "warnOnly": []})));
        assert!(
            m.contains("a-sizing ran") && !m.contains("a-default"),
            "{m}"
        );
        let m = message(&A, None);
        assert!(m.contains("a-default ran"), "{m}");
        // Another family on the same thread, then the first again.
        let m = message(&B, Some(json!({})));
        assert!(m.contains("b-default ran") && !m.contains("a-"), "{m}");
        let m = message(&A, Some(serde_json::Value::Null));
        assert!(m.contains("a-default ran") && !m.contains("b-"), "{m}");
    }
}

#[test]
fn refused_settings_are_never_remembered() {
    for _ in 0..3 {
        let m = message(&NONE_BY_DEFAULT, Some(json!({})));
        assert!(
            m.contains("invalid settings: controls/skip: these settings enable no control"),
            "{m}"
        );
        let e = Settings::read(&NONE_BY_DEFAULT, &Value::Null).unwrap_err();
        assert!(e.starts_with("controls/skip:"), "{e}");
    }
    // A valid, non-empty payload for the same family is still read as given.
    let m = message(&NONE_BY_DEFAULT, Some(json!({"controls": ["other"]})));
    assert!(m.contains("b-other ran"), "{m}");
}
