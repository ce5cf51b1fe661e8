//! `kube-soc2 controls`: the catalogue of every module, read by calling each
//! module's own `catalogue` function.

use super::dist_modules;
use crate::catalogue::ControlInfo;
use crate::engine::Host;
use anyhow::Result;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
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
    for path in dist_modules(dist)? {
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
