//! The bundle keeps the kit's invariants and holds every member's controls;
//! harness/tests/families.rs and bundle.rs check it against the families.

#[test]
fn catalogue_keeps_the_kit_invariants() {
    kit::catalogue::check_family(&soc2::FAMILY).unwrap();
}

#[test]
fn every_member_control_is_in_the_bundle_once_under_its_family() {
    let catalogue: serde_json::Value = serde_json::from_slice(&soc2::catalogue()).unwrap();
    let controls = catalogue["controls"].as_array().unwrap();
    let mut n = 0;
    for member in soc2::MEMBERS {
        for c in member.controls() {
            let found: Vec<&serde_json::Value> =
                controls.iter().filter(|x| x["id"] == c.id).collect();
            assert_eq!(found.len(), 1, "{}", c.id);
            assert_eq!(found[0]["family"], member.name, "{}", c.id);
            n += 1;
        }
    }
    assert_eq!(controls.len(), n);
    assert_eq!(catalogue["family"], "soc2");
}
