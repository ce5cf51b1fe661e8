//! NetworkPolicies that silently allow everything. A policy with
//! `ingress: [{}]`, or a rule whose peers are "every pod of every namespace",
//! looks like segmentation in a review yet cancels the namespace's
//! default-deny: Kubernetes unions all policies, so one allow-all wins. None
//! of the peer libraries refuses it.

use super::policy::{Direction, applies_to, is_empty_selector};
use kit::Value;
use kit::{Control, Criteria, Ctx, Finding, KindSet, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "network-policy-no-allow-all",
    title: kit::cold!("NetworkPolicies do not allow all traffic"),
    rationale: kit::cold!(
        "NetworkPolicies add up: a single rule allowing every source (or destination) on every port undoes the namespace's default-deny for the pods it selects, while still looking like a policy to a reviewer."
    ),
    remediation: kit::cold!(
        "name the peers (podSelector/namespaceSelector with labels, or ipBlock ranges) and the ports the traffic needs instead of an empty rule, an empty peer list or empty selectors"
    ),
    severity: Severity::High,
    tags: &["default", "network"],
    criteria: Criteria {
        soc2: super::SOC2,
        iso27001: super::ISO,
        pss: &[],
        cis: &["5.3.2"],
    },
    kinds: KindSet::Only(&["NetworkPolicy"]),
    params: &[
        Param {
            name: "forbidEgressToAnywhere",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "Also refuse egress to 0.0.0.0/0 or ::/0 (the Internet), whatever the ports"
            ),
        },
        Param {
            name: "forbidIngressFromAnywhere",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "Also refuse ingress from 0.0.0.0/0 or ::/0, whatever the ports (leave false for ingress controllers)"
            ),
        },
    ],
    check,
    ..Control::DEFAULTS
};

fn is_empty_list(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// A peer that stands for every pod of every namespace: a namespaceSelector
/// selecting all namespaces with no narrowing podSelector, or an empty peer.
fn every_pod(peer: &Value) -> bool {
    let Some(p) = peer.as_object() else {
        return false;
    };
    if p.get("ipBlock").is_some_and(|b| !b.is_null()) {
        return false;
    }
    match p.get("namespaceSelector") {
        None | Some(Value::Null) => p.get("podSelector").is_none_or(Value::is_null),
        ns => is_empty_selector(ns) && is_empty_selector(p.get("podSelector")),
    }
}

fn anywhere(peer: &Value) -> Option<&str> {
    kit::json::get_str(peer, &["ipBlock", "cidr"]).filter(|c| matches!(*c, "0.0.0.0/0" | "::/0"))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let np = ctx.object();
    let mut findings = Vec::new();
    for dir in [Direction::Ingress, Direction::Egress] {
        if !applies_to(np, dir) {
            continue;
        }
        let (rules_key, peers_key) = dir.fields();
        let (side, everyone) = match dir {
            Direction::Ingress => ("from", "any source"),
            Direction::Egress => ("to", "any destination"),
        };
        let mut forbid_anywhere: Option<bool> = None;
        for (i, rule) in kit::json::get_array(np, &["spec", rules_key])
            .iter()
            .enumerate()
        {
            let any_port = is_empty_list(rule.get("ports"));
            let peers = rule.get(peers_key);
            let path = kit::text!("spec.{rules_key}[{i}]");
            if is_empty_list(peers) {
                if any_port {
                    findings.push(Finding::new(
                        path,
                        kit::text!("rule allows {dir} traffic {side} {everyone} on every port (no {peers_key} and no ports)", dir = dir.name()),
                    ));
                }
                continue;
            }
            for (j, peer) in kit::json::get_array(rule, &[peers_key]).iter().enumerate() {
                let peer_path = kit::text!("{path}.{peers_key}[{j}]");
                if any_port && every_pod(peer) {
                    findings.push(Finding::new(
                        peer_path,
                        kit::text!(
                            "peer selects every pod of every namespace, on every port ({} traffic {side} the whole cluster)",
                            dir.name()
                        ),
                    ));
                } else if let Some(cidr) = anywhere(peer) {
                    let forbid = *forbid_anywhere.get_or_insert_with(|| {
                        ctx.params.bool(match dir {
                            Direction::Ingress => "forbidIngressFromAnywhere",
                            Direction::Egress => "forbidEgressToAnywhere",
                        })
                    });
                    if forbid {
                        findings.push(Finding::new(
                            kit::text!("{peer_path}.ipBlock.cidr"),
                            kit::text!(
                                "{} traffic {side} {cidr} (any address) is allowed",
                                dir.name()
                            ),
                        ));
                    }
                }
            }
        }
    }
    findings
}
