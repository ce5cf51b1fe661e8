//! Every SOC 2 / ISO 27001 id any control of any family maps to is in the
//! criteria registry every report covers (`harness/report/data/criteria.tsv`),
//! and no control claims to evidence a criterion the registry says no
//! admission control can evidence.

use kube_soc2::commands::bench::{NATIVE_FAMILIES, native_family};
use report::criteria::{Evidence, Framework, lookup};

#[test]
fn every_criterion_a_control_maps_to_is_in_the_registry() {
    let mut unknown = Vec::new();
    let mut organisational = Vec::new();
    let mut mapped = 0;
    for name in NATIVE_FAMILIES {
        let family = native_family(name).expect("linked family");
        for c in family.controls() {
            for (framework, ids) in [
                (Framework::Soc2, c.criteria.soc2),
                (Framework::Iso27001, c.criteria.iso27001),
            ] {
                for id in ids {
                    mapped += 1;
                    match lookup(framework, id) {
                        None => {
                            unknown.push(format!("{name}/{}: {} {id}", c.id, framework.as_str()))
                        }
                        Some(k) if k.evidence == Evidence::Organisational => {
                            organisational.push(format!("{name}/{}: {id} ({})", c.id, k.title))
                        }
                        Some(_) => {}
                    }
                }
            }
        }
    }
    assert!(mapped > 100, "only {mapped} mappings: families not linked?");
    assert!(
        unknown.is_empty(),
        "criterion ids not in harness/report/data/criteria.tsv (a typo, or a criterion outside TSC 2017 / ISO 27001:2022 Annex A):\n{}",
        unknown.join("\n")
    );
    assert!(
        organisational.is_empty(),
        "controls mapped to criteria the registry marks `organisational` (no admission evidence possible): fix the mapping, or change the criterion's evidence in harness/report/data/criteria.tsv with a reason:\n{}",
        organisational.join("\n")
    );
}

/// The test above is not a rubber stamp.
#[test]
fn the_registry_refuses_ids_outside_the_frameworks() {
    assert!(lookup(Framework::Soc2, "CC6.9").is_none());
    assert!(lookup(Framework::Soc2, "P1").is_none());
    assert!(lookup(Framework::Iso27001, "A.8.35").is_none());
    assert!(lookup(Framework::Iso27001, "A.9.1").is_none());
    assert!(lookup(Framework::Soc2, "CC6.1").is_some());
}
