//! `kube-soc2 controls`: the catalogue of every module, read by calling each
//! module's own `catalogue` function. A bundle's controls are listed once,
//! under their own families (see [`without_double_counting`]).

use super::{dist_modules, without_double_counting};
use crate::catalogue::ControlInfo;
use crate::engine::Host;
use anyhow::Result;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    /// The catalogue page committed as `CONTROLS.md`.
    Markdown,
}

/// Renders rows as left-aligned columns separated by two spaces.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(
        rows.iter()
            .map(|r| line(r.iter().map(String::as_str).collect())),
    );
    out.join("\n")
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn ids(list: &[String]) -> String {
    list.join(", ")
}

/// The whole catalogue as a Markdown page: per family, then per SOC 2
/// criterion. `CONTROLS.md` is this page; a test keeps it current.
pub fn markdown(all: &[ControlInfo]) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let mut out = String::from(
        "# kube-soc2 controls\n\n\
         Generated from the modules' own catalogues (`kube-soc2 controls --format markdown > CONTROLS.md`);\n\
         a test fails when this page is stale. **default** marks the recommended set a module enables\n\
         with no settings.\n",
    );
    let mut families: Vec<&str> = all.iter().map(|c| c.family.as_str()).collect();
    families.dedup();
    let _ = writeln!(
        out,
        "\n{} controls in {} families.\n",
        all.len(),
        families.len()
    );
    for family in &families {
        let controls: Vec<&ControlInfo> = all.iter().filter(|c| c.family == *family).collect();
        let defaults = controls
            .iter()
            .filter(|c| c.tags.iter().any(|t| t == "default"))
            .count();
        let _ = writeln!(
            out,
            "## {family} ({} controls, {defaults} default)\n",
            controls.len()
        );
        out.push_str(
            "| id | title | severity | default | SOC 2 | ISO 27001 | CIS / PSS | kinds |\n",
        );
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        for c in controls {
            let default = if c.tags.iter().any(|t| t == "default") {
                "yes"
            } else {
                ""
            };
            let mut other = c.criteria.cis.clone();
            other.extend(c.criteria.pss.iter().cloned());
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {default} | {} | {} | {} | {} |",
                c.id,
                cell(&c.title),
                c.severity,
                ids(&c.criteria.soc2),
                ids(&c.criteria.iso27001),
                cell(&ids(&other)),
                cell(&c.kinds.join(", ")),
            );
        }
        out.push('\n');
    }
    let mut by_criterion: BTreeMap<&str, Vec<&ControlInfo>> = BTreeMap::new();
    for c in all {
        for id in &c.criteria.soc2 {
            by_criterion.entry(id).or_default().push(c);
        }
    }
    let mut criteria: Vec<&str> = by_criterion.keys().copied().collect();
    criteria.sort_by(|a, b| report::criteria::natural_cmp(a, b));
    out.push_str("## By SOC 2 criterion\n\n| criterion | controls |\n|---|---|\n");
    for id in criteria {
        let list: Vec<String> = by_criterion[id]
            .iter()
            .map(|c| format!("`{}` ({})", c.id, c.family))
            .collect();
        let _ = writeln!(out, "| {id} | {} |", list.join(", "));
    }
    out
}

fn row(c: &ControlInfo) -> Vec<String> {
    vec![
        c.id.clone(),
        c.family.clone(),
        c.severity.clone(),
        c.tags.join(","),
        c.criteria.soc2.join(","),
        c.criteria.iso27001.join(","),
        c.kinds.join(","),
    ]
}

pub fn controls(host: &Host, dist: &Path, format: Format) -> Result<bool> {
    let mut all: Vec<ControlInfo> = Vec::new();
    let mut ok = true;
    for path in without_double_counting(dist_modules(dist)?, &[])? {
        let module = host.load(&path)?;
        match (&module.catalogue, &module.catalogue_error) {
            (Some(c), _) => all.extend(c.controls.iter().cloned()),
            (None, Some(e)) => {
                ok = false;
                eprintln!("error: {}: cannot read the catalogue: {e}", path.display());
            }
            (None, None) => {
                ok = false;
                eprintln!(
                    "error: {} has no catalogue function (not a kube-soc2 module?)",
                    path.display()
                );
            }
        }
    }
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&all)?),
        Format::Markdown => print!("{}", markdown(&all)),
        Format::Table => {
            let rows: Vec<Vec<String>> = all.iter().map(row).collect();
            println!(
                "{}",
                table(
                    &[
                        "ID",
                        "FAMILY",
                        "SEVERITY",
                        "TAGS",
                        "SOC 2",
                        "ISO 27001",
                        "KINDS"
                    ],
                    &rows
                )
            );
            println!("{} controls", all.len());
        }
    }
    Ok(ok)
}
