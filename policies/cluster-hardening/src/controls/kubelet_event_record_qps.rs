//! CIS 4.2.8: kubelet events are captured at a bounded rate.

use super::kubelet::TAGS;
use kit::{Control, Criteria, Ctx, Finding, Int, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "kubelet-event-record-qps",
    title: kit::cold!("Kubelets record events at a bounded, sufficient rate"),
    rationale: kit::cold!(
        "eventRecordQPS limits how many events per second the kubelet creates (default 50). Too low and security-relevant events (failed mounts, image pulls, evictions) are dropped from the record; 0 removes the limit, and an event storm can then overload the API server and etcd."
    ),
    remediation: kit::cold!(
        "leave eventRecordQPS at its default of 50 or set a value between the minimum parameter and your API server's capacity; never 0"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: Criteria {
        soc2: &["CC7.2"],
        iso27001: &["A.8.15"],
        pss: &[],
        cis: &["4.2.8"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    params: &[Param {
        name: "minimum",
        kind: ParamKind::Integer { min: 1, max: 10000 },
        default: "5",
        description: kit::cold!("smallest accepted eventRecordQPS"),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let min = ctx.params.int("minimum");
    let v = json::get(ctx.object(), &["eventRecordQPS"]);
    let msg = match Int::of(v) {
        Int::Absent => return Vec::new(), // default 50
        Int::Value(0) => "eventRecordQPS is 0: event creation is unlimited and an event storm can overload the API server".to_string(),
        Int::Value(n) if n < 0 => kit::text!("eventRecordQPS is {n}: negative values are refused by the kubelet"),
        Int::Value(n) if n < min => kit::text!("eventRecordQPS is {n}, below {min}: events are dropped"),
        Int::Value(_) => return Vec::new(),
        Int::Malformed => kit::text!(
            "eventRecordQPS is {}, not an integer",
            json::brief(v.unwrap_or(&kit::Value::Null), 40)
        ),
    };
    vec![Finding::new("eventRecordQPS", msg)]
}
