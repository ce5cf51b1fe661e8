//! CIS 4.2.5: idle exec/attach/port-forward streams are closed.

use super::kubelet::TAGS;
use crate::duration::parse_millis;
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "kubelet-streaming-idle-timeout",
    title: kit::cold!("Kubelets close idle streaming connections"),
    rationale: kit::cold!(
        "exec, attach and port-forward sessions stay open until streamingConnectionIdleTimeout passes without traffic. A forgotten session is a live shell into a container; an unbounded number of idle streams exhausts the node. The kubelet file default is 4h (a 0s in the file, as kubeadm writes, is replaced by that default)."
    ),
    remediation: kit::cold!(
        "set streamingConnectionIdleTimeout in the KubeletConfiguration to at most the maximum parameter (e.g. 5m)"
    ),
    severity: Severity::Low,
    tags: TAGS,
    criteria: Criteria {
        soc2: &["CC6.1"],
        iso27001: &["A.8.5"],
        pss: &[],
        cis: &["4.2.5"],
    },
    kinds: super::KUBELET_CONFIGURATION,
    params: &[Param {
        name: "maximumSeconds",
        kind: ParamKind::Integer { min: 1, max: 86400 },
        default: "14400",
        description: kit::cold!(
            "longest accepted streamingConnectionIdleTimeout, in seconds (default 4h, the kubelet's own default)"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

const DEFAULT_MILLIS: i64 = 4 * 3600 * 1000;

fn check(ctx: &Ctx) -> Vec<Finding> {
    let max = ctx.params.int("maximumSeconds").saturating_mul(1000);
    let field = "streamingConnectionIdleTimeout";
    let (millis, note) = match json::get(ctx.object(), &[field]) {
        None | Some(Value::Null) => (DEFAULT_MILLIS, " (absent: the 4h default was assumed)"),
        Some(Value::String(s)) => match parse_millis(s.trim()) {
            Some(0) => (DEFAULT_MILLIS, " (0 is replaced by the 4h default)"),
            Some(n) if n > 0 => (n, ""),
            _ => {
                return vec![Finding::new(
                    field,
                    kit::text!(
                        "{field} is \"{}\", not a positive Go duration: the value cannot be verified",
                        kit::response::truncate(s, 40)
                    ),
                )];
            }
        },
        Some(v) => {
            return vec![Finding::new(
                field,
                kit::text!("{field} is {}, not a duration string", json::brief(v, 40)),
            )];
        }
    };
    if millis > max {
        return vec![Finding::new(
            field,
            kit::text!(
                "{field} is {}s{note}, above {}s: idle exec and port-forward sessions stay open",
                millis / 1000,
                max / 1000
            ),
        )];
    }
    Vec::new()
}
