//! The criteria registry every report covers: every AICPA Trust Services
//! Criterion (TSC 2017, points of focus revised 2022) and every one of the 93
//! ISO/IEC 27001:2022 Annex A controls, with a title and whether an
//! admission / manifest control can evidence it at all ([`Evidence`]).
//!
//! The data is data: `data/criteria.tsv`, read once. SOC 2 titles are short
//! paraphrases written for this project — the criteria's text is the
//! AICPA's. ISO/IEC 27001:2022 titles are the Annex A control names. Reports
//! list the registry in its file order (SOC 2: CC1–CC9, A1, C1, PI1, P1–P8;
//! ISO: A.5–A.8), so no criterion is ever silently absent.

use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

/// The registry as shipped (tab-separated: framework, id, evidence, title).
pub const TSV: &str = include_str!("../data/criteria.tsv");

/// The two frameworks of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    /// AICPA Trust Services Criteria (SOC 2).
    Soc2,
    /// ISO/IEC 27001:2022 Annex A.
    Iso27001,
}

impl Framework {
    pub const ALL: &'static [Framework] = &[Framework::Soc2, Framework::Iso27001];

    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Soc2 => "soc2",
            Framework::Iso27001 => "iso27001",
        }
    }

    pub fn parse(s: &str) -> Option<Framework> {
        Framework::ALL.iter().copied().find(|f| f.as_str() == s)
    }
}

/// What an admission / manifest control can show for a criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// Its technical substance can be evidenced by checking what is deployed.
    Admission,
    /// Manifests evidence part of it; the rest needs process, runtime or
    /// people evidence.
    Partial,
    /// No admission control can evidence it (governance, people, physical
    /// security, procedures).
    Organisational,
}

impl Evidence {
    pub const ALL: &'static [Evidence] = &[
        Evidence::Admission,
        Evidence::Partial,
        Evidence::Organisational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Admission => "admission",
            Evidence::Partial => "partial",
            Evidence::Organisational => "organisational",
        }
    }

    pub fn parse(s: &str) -> Option<Evidence> {
        Evidence::ALL.iter().copied().find(|e| e.as_str() == s)
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One criterion of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub framework: Framework,
    pub id: &'static str,
    pub evidence: Evidence,
    pub title: &'static str,
}

/// Parses registry text; the error names the line.
pub fn parse(text: &'static str) -> Result<Vec<Criterion>, String> {
    let mut out: Vec<Criterion> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').collect();
        let [framework, id, evidence, title] = cols[..] else {
            return Err(format!(
                "line {n}: expected 4 tab-separated columns, got {}",
                cols.len()
            ));
        };
        let framework = Framework::parse(framework)
            .ok_or_else(|| format!("line {n}: unknown framework {framework:?}"))?;
        let evidence = Evidence::parse(evidence)
            .ok_or_else(|| format!("line {n}: unknown evidence {evidence:?}"))?;
        if id.is_empty() || title.trim().is_empty() {
            return Err(format!("line {n}: empty id or title"));
        }
        if out.iter().any(|c| c.framework == framework && c.id == id) {
            return Err(format!("line {n}: {id} listed twice"));
        }
        out.push(Criterion {
            framework,
            id,
            evidence,
            title: title.trim(),
        });
    }
    Ok(out)
}

/// Every criterion, in report order.
pub fn registry() -> &'static [Criterion] {
    static REGISTRY: OnceLock<Vec<Criterion>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        // A malformed registry is caught by the unit tests below.
        parse(TSV).unwrap_or_else(|e| panic!("data/criteria.tsv: {e}"))
    })
}

/// The criteria of one framework, in report order.
pub fn of(framework: Framework) -> impl Iterator<Item = &'static Criterion> {
    registry().iter().filter(move |c| c.framework == framework)
}

/// One criterion by framework and id.
pub fn lookup(framework: Framework, id: &str) -> Option<&'static Criterion> {
    registry()
        .iter()
        .find(|c| c.framework == framework && c.id == id)
}

/// Position of a criterion in report order (`None`: not in the registry).
pub fn rank(framework: Framework, id: &str) -> Option<usize> {
    of(framework).position(|c| c.id == id)
}

/// Short label of a SOC 2 Trust Services Criterion (`CC6.1`).
pub fn soc2_title(id: &str) -> Option<&'static str> {
    lookup(Framework::Soc2, id).map(|c| c.title)
}

/// Name of an ISO/IEC 27001:2022 Annex A control (`A.8.2`).
pub fn iso27001_title(id: &str) -> Option<&'static str> {
    lookup(Framework::Iso27001, id).map(|c| c.title)
}

/// Compresses sorted ids of one registry run into ranges for compact lists:
/// `CC1.1–CC1.5, CC2.1–CC2.3, CC6.4`. Consecutive means adjacent in the
/// registry and of the same group (`CC1`, `A.7`).
pub fn compress(framework: Framework, ids: &[&str]) -> String {
    fn group(id: &str) -> &str {
        id.rsplit_once('.').map_or(id, |(g, _)| g)
    }
    let mut parts: Vec<String> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let flush = |run: &mut Vec<&str>, parts: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 | 2 => parts.extend(run.iter().map(|s| s.to_string())),
            _ => parts.push(format!("{}–{}", run[0], run[run.len() - 1])),
        }
        run.clear();
    };
    for id in ids {
        let adjacent = run.last().is_some_and(|last| {
            group(last) == group(id)
                && matches!((rank(framework, last), rank(framework, id)), (Some(a), Some(b)) if b == a + 1)
        });
        if !adjacent {
            flush(&mut run, &mut parts);
        }
        run.push(id);
    }
    flush(&mut run, &mut parts);
    parts.join(", ")
}

/// Orders ids as people number them: `CC6.2` before `CC6.10`, `A.5.15`
/// before `A.8.2`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|&&c| c == b'0').count();
    &d[n.min(d.len().saturating_sub(1))..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        let mut ids = vec!["CC6.10", "A1.2", "CC6.2", "CC6.1", "CC10.1"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["A1.2", "CC6.1", "CC6.2", "CC6.10", "CC10.1"]);
        assert_eq!(natural_cmp("A.8.02", "A.8.2"), Ordering::Equal);
        assert_eq!(iso27001_title("A.8.2"), Some("Privileged access rights"));
        assert!(soc2_title("CC6.1").is_some());
    }

    /// Every TSC 2017 criterion, in the AICPA's order.
    const TSC: &[(&str, usize)] = &[
        ("CC1.", 5),
        ("CC2.", 3),
        ("CC3.", 4),
        ("CC4.", 2),
        ("CC5.", 3),
        ("CC6.", 8),
        ("CC7.", 5),
        ("CC8.", 1),
        ("CC9.", 2),
        ("A1.", 3),
        ("C1.", 2),
        ("PI1.", 5),
        ("P1.", 1),
        ("P2.", 1),
        ("P3.", 2),
        ("P4.", 3),
        ("P5.", 2),
        ("P6.", 7),
        ("P7.", 1),
        ("P8.", 1),
    ];

    #[test]
    fn registry_holds_every_tsc_criterion_and_every_annex_a_control() {
        let soc2: Vec<&str> = of(Framework::Soc2).map(|c| c.id).collect();
        let want: Vec<String> = TSC
            .iter()
            .flat_map(|(p, n)| (1..=*n).map(move |i| format!("{p}{i}")))
            .collect();
        assert_eq!(soc2, want);
        assert_eq!(soc2.len(), 61);

        let iso: Vec<&str> = of(Framework::Iso27001).map(|c| c.id).collect();
        let want: Vec<String> = [(5, 37), (6, 8), (7, 14), (8, 34)]
            .iter()
            .flat_map(|(theme, n)| (1..=*n).map(move |i| format!("A.{theme}.{i}")))
            .collect();
        assert_eq!(iso, want);
        assert_eq!(iso.len(), 93);

        assert_eq!(
            lookup(Framework::Iso27001, "A.8.34").unwrap().title,
            "Protection of information systems during audit testing"
        );
        assert_eq!(
            iso27001_title("A.5.23"),
            Some("Information security for use of cloud services")
        );
        assert!(lookup(Framework::Soc2, "CC9.3").is_none());
        assert!(lookup(Framework::Soc2, "A.8.2").is_none());
    }

    #[test]
    fn people_physical_and_governance_criteria_cannot_be_evidenced_by_admission() {
        for c in registry() {
            let organisational = ["CC1.", "CC2.", "CC3.", "A.6.", "A.7."]
                .iter()
                .any(|p| c.id.starts_with(p))
                || ["CC6.4", "CC7.3", "CC7.4", "CC7.5", "A1.3"].contains(&c.id);
            if organisational {
                assert_eq!(c.evidence, Evidence::Organisational, "{}", c.id);
            }
            assert!(!c.title.is_empty() && c.title.len() < 100, "{}", c.id);
        }
        for (id, e) in [
            ("CC6.1", Evidence::Admission),
            ("A.8.9", Evidence::Admission),
            ("CC8.1", Evidence::Partial),
        ] {
            assert_eq!(
                lookup(
                    if id.starts_with("A.") {
                        Framework::Iso27001
                    } else {
                        Framework::Soc2
                    },
                    id
                )
                .unwrap()
                .evidence,
                e
            );
        }
    }

    #[test]
    fn malformed_registries_are_refused() {
        assert!(
            parse("soc2\tCC1.1\tadmission\n")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(
            parse("sox\tCC1.1\tadmission\tx\n")
                .unwrap_err()
                .contains("framework")
        );
        assert!(
            parse("soc2\tCC1.1\tsome\tx\n")
                .unwrap_err()
                .contains("evidence")
        );
        assert!(
            parse("soc2\tCC1.1\tpartial\tx\nsoc2\tCC1.1\tpartial\ty\n")
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn compressed_lists() {
        assert_eq!(
            compress(
                Framework::Soc2,
                &[
                    "CC1.1", "CC1.2", "CC1.3", "CC1.4", "CC1.5", "CC2.1", "CC2.2", "CC6.4"
                ]
            ),
            "CC1.1–CC1.5, CC2.1, CC2.2, CC6.4"
        );
        assert_eq!(
            compress(Framework::Iso27001, &["A.5.37", "A.6.1", "A.6.2", "A.6.3"]),
            "A.5.37, A.6.1–A.6.3"
        );
    }
}
