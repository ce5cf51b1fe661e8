#[test]
fn catalogue_keeps_the_kit_invariants() {
    kit::catalogue::check_family(&privacy::FAMILY).unwrap();
}
