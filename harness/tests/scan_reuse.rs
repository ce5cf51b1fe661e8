//! `scan` keeps one instance per module and worker instead of a fresh one per
//! evaluation, and reads an answer identical to the module's last one as it
//! read it then: neither may change what a scan reports. Every family
//! module evaluates a generated set (both mixes, failures included) both
//! ways, and the evaluations are equal, check by check, finding by finding.

mod common;

use common::{dist, host};
use kube_soc2::commands::scan::{Evaluator, build_context, load_modules, readable_by};
use report::generate::{Mix, generate_objects_mix};
use std::sync::Arc;

fn evaluate(reuse: bool, mix: Mix) -> Vec<report::Evaluation> {
    let modules = load_modules(host(), &dist(), None).expect("dist modules load");
    let objects = generate_objects_mix(300, 7, mix);
    let (context, targets) = build_context(objects, Vec::new(), None, &readable_by(&modules));
    let evaluator = Evaluator {
        host: host(),
        modules: &modules,
        context: Arc::new(context),
        default_namespace: None,
        reuse_instances: reuse,
    };
    evaluator
        .evaluate_all(&targets, 2, &|| {})
        .into_iter()
        .flat_map(|o| o.evaluations)
        .collect()
}

#[test]
fn kept_instances_answer_as_fresh_ones() {
    for mix in [Mix::Workloads, Mix::Realistic] {
        let fresh = evaluate(false, mix);
        let kept = evaluate(true, mix);
        assert!(fresh.len() > 300, "{} evaluations", fresh.len());
        let failed = fresh.iter().filter(|e| !e.violations.is_empty()).count();
        assert!(failed > 0, "the set must hold failures too");
        assert!(fresh.iter().all(|e| e.error.is_none()));
        assert_eq!(fresh.len(), kept.len());
        for (f, k) in fresh.iter().zip(&kept) {
            assert_eq!(f, k, "{} on {}", f.module, f.object.describe());
        }
    }
}
