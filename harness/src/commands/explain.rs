//! `kube-soc2 explain <control-id>`: one control as a person needs it —
//! what it checks and why, how to fix a finding, its criteria with their
//! titles, kinds, parameters with types and defaults, a settings snippet, and
//! a passing and a failing example taken from its fixtures.

use super::{dist_modules, without_double_counting};
use crate::catalogue::ControlInfo;
use crate::engine::Host;
use anyhow::{Result, bail};
use serde_json::{Value, json};
use std::fmt::Write;
use std::path::Path;

/// The first case of `fixtures/<id>.yaml` whose expectation is `allowed`.
fn example(fixtures: &Path, id: &str, allowed: bool) -> Option<(String, Value)> {
    let text = std::fs::read_to_string(fixtures.join(format!("{id}.yaml"))).ok()?;
    serde_yaml::Deserializer::from_str(&text)
        .filter_map(|doc| <Value as serde::Deserialize>::deserialize(doc).ok())
        .find(|case| {
            case.pointer("/expect/allowed").and_then(Value::as_bool) == Some(allowed)
                && case.get("object").is_some()
        })
        .map(|case| {
            let what = case["description"].as_str().unwrap_or_default().to_string();
            (what, case["object"].clone())
        })
}

fn yaml_block(out: &mut String, v: &Value) {
    let text = serde_yaml::to_string(v).unwrap_or_default();
    out.push_str("```yaml\n");
    out.push_str(&text);
    out.push_str("```\n");
}

/// The page `explain` prints for `c`, found in `module` (the settings
/// snippet is keyed by it: the control's family, or the bundle holding it).
pub fn render(c: &ControlInfo, module: &str, fixtures: &Path) -> String {
    let mut out = String::new();
    let default = c.tags.iter().any(|t| t == "default");
    let _ = writeln!(out, "# {} — {}\n", c.id, c.title);
    let in_module = if module == c.family {
        String::new()
    } else {
        format!(" (in module {module})")
    };
    let _ = writeln!(
        out,
        "family {}{in_module}, severity {}, {} (tags: {})\n",
        c.family,
        c.severity,
        if default {
            "in the default set"
        } else {
            "opt-in"
        },
        c.tags.join(", ")
    );
    let _ = writeln!(out, "Why: {}\n\nFix: {}\n", c.rationale, c.remediation);
    out.push_str("Criteria:\n");
    for id in &c.criteria.soc2 {
        let title = report::criteria::soc2_title(id).unwrap_or("");
        let _ = writeln!(out, "  SOC 2 {id}  {title}");
    }
    for id in &c.criteria.iso27001 {
        let title = report::criteria::iso27001_title(id).unwrap_or("");
        let _ = writeln!(out, "  ISO/IEC 27001:2022 {id}  {title}");
    }
    for id in &c.criteria.cis {
        let _ = writeln!(out, "  CIS Kubernetes Benchmark {id}");
    }
    for name in &c.criteria.pss {
        let _ = writeln!(out, "  Pod Security Standards: {name}");
    }
    let _ = writeln!(
        out,
        "\nKinds: {}; operations: {}",
        c.kinds.join(", "),
        c.operations.join(", ")
    );
    if !c.reads.is_empty() {
        let reads: Vec<String> = c
            .reads
            .iter()
            .map(|r| format!("{} {}", r.api_version, r.kind))
            .collect();
        let _ = writeln!(out, "Reads from the cluster: {}", reads.join(", "));
    }
    let mut params = serde_json::Map::new();
    if !c.parameters.is_empty() {
        out.push_str("\nParameters:\n");
        for p in &c.parameters {
            let name = p["name"].as_str().unwrap_or_default();
            let _ = writeln!(
                out,
                "  {name} ({}, default {}): {}",
                p["type"].as_str().unwrap_or_default(),
                p["default"],
                p["description"].as_str().unwrap_or_default()
            );
            params.insert(name.to_string(), p["default"].clone());
        }
    }
    let mut settings = json!({"controls": [c.id]});
    if !params.is_empty() {
        settings["parameters"] = json!({ &c.id: params });
    }
    out.push_str("\nSettings (`kube-soc2 scan --settings`, or the policy's settings alone):\n");
    yaml_block(&mut out, &json!({ module: settings }));
    for (allowed, heading) in [(true, "Passes"), (false, "Fails")] {
        if let Some((what, object)) = example(fixtures, &c.id, allowed) {
            let _ = writeln!(out, "\n{heading}: {what}");
            yaml_block(&mut out, &object);
        }
    }
    out
}

pub fn explain(host: &Host, dist: &Path, id: &str) -> Result<bool> {
    let mut known = Vec::new();
    // The modules `scan` would use, so the settings snippet names one of them.
    for path in without_double_counting(dist_modules(dist)?, &[])? {
        let module = host.load(&path)?;
        let Some(catalogue) = &module.catalogue else {
            continue;
        };
        if let Some(c) = catalogue.control(id) {
            let fixtures = Path::new("policies").join(&c.family).join("fixtures");
            print!("{}", render(c, &module.name, &fixtures));
            return Ok(true);
        }
        known.extend(catalogue.controls.iter().map(|c| c.id.clone()));
    }
    let close: Vec<&String> = known
        .iter()
        .filter(|k| k.contains(id) || id.contains(k.as_str()))
        .take(5)
        .collect();
    if close.is_empty() {
        bail!(
            "no control \"{id}\" in the modules of {}; `kube-soc2 controls` lists them",
            dist.display()
        );
    }
    bail!(
        "no control \"{id}\" in the modules of {}; did you mean {}?",
        dist.display(),
        close
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
}
