#[test]
fn catalogue_keeps_the_kit_invariants() {
    kit::catalogue::check_family(&processing_integrity::FAMILY).unwrap();
}

/// Every kind a control looks at is routed to the module by a rule of
/// metadata.yml (its resource name appears there), and every context-aware
/// lookup is declared under contextAwareResources.
#[test]
fn metadata_routes_every_kind_and_declares_every_lookup() {
    let metadata = include_str!("../metadata.yml");
    let (rules, context) = metadata
        .split_once("contextAwareResources:")
        .expect("metadata.yml has contextAwareResources");
    let plural = |kind: &str| {
        let lower = kind.to_ascii_lowercase();
        if let Some(stem) = lower.strip_suffix('y') {
            kit::text!("{stem}ies")
        } else if lower.ends_with('s') {
            kit::text!("{lower}es")
        } else {
            kit::text!("{lower}s")
        }
    };
    for c in processing_integrity::FAMILY.controls() {
        for k in c.kinds.kinds() {
            let kind = k.rsplit('/').next().unwrap();
            let resource = plural(kind);
            assert!(
                rules.contains(&resource),
                "{}: no metadata.yml rule for {resource}",
                c.id
            );
        }
        for (api_version, kind) in c.reads {
            assert!(
                context.contains(&kit::text!("apiVersion: {api_version}\n    kind: {kind}")),
                "{}: {api_version} {kind} is not in contextAwareResources",
                c.id
            );
        }
    }
}
