//! kube-apiserver and etcd accept only TLS 1.2+ with strong cipher suites.

use super::shown;
use crate::controlplane;
use crate::tls::{strong_go_suite, version_rank};
use kit::{Control, Criteria, Ctx, Finding, Param, ParamKind, Severity};

pub static CONTROL: Control = Control {
    id: "control-plane-tls-strength",
    title: kit::cold!("kube-apiserver and etcd use TLS 1.2+ and strong cipher suites"),
    rationale: kit::cold!(
        "The API server and etcd carry every credential of the cluster. --tls-min-version below VersionTLS12 (etcd: --tls-min-version below TLS1.2) re-enables deprecated protocols, and cipher-suite lists with non-AEAD or non-ECDHE suites (CBC, RSA key exchange, 3DES, RC4) allow downgrade and padding-oracle attacks. Flags left unset use the Go defaults (TLS 1.2+ since Go 1.22); CIS 1.2.29 asks for an explicit strong list, which requireExplicit enforces."
    ),
    remediation: kit::cold!(
        "set --tls-min-version=VersionTLS12 (etcd: --tls-min-version=TLS1.2) and --tls-cipher-suites (etcd: --cipher-suites) to TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
    ),
    severity: Severity::High,
    tags: &["default", "encryption-in-transit", "control-plane"],
    criteria: Criteria {
        soc2: &["CC6.7"],
        iso27001: &["A.8.24", "A.8.20"],
        pss: &[],
        cis: &["1.2.29"],
    },
    params: &[Param {
        name: "requireExplicit",
        kind: ParamKind::Bool,
        default: "false",
        description: kit::cold!(
            "also report when the minimum version or the cipher suites are left to the defaults"
        ),
    }],
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let explicit = ctx.params.bool("requireExplicit");
    let mut out = Vec::new();
    for (binary, suites_flag) in [
        ("kube-apiserver", "tls-cipher-suites"),
        ("etcd", "cipher-suites"),
    ] {
        for (c, flags) in controlplane::containers(ctx, binary) {
            if let Some(p) = flags.malformed.first() {
                out.push(Finding::container(
                    &c,
                    "",
                    kit::text!("{p} is not a string: the command line cannot be read"),
                ));
                continue;
            }
            let path = |name: &str| {
                flags
                    .last(name)
                    .map_or_else(|| c.field_path("command"), |a| a.path(&c))
            };
            match flags.get("tls-min-version") {
                Some(v) => match version_rank(v) {
                    Some(r) if r >= 12 => {}
                    _ => out.push(Finding {
                        path: path("tls-min-version"),
                        container: Some(c.identity()),
                        message: kit::text!(
                            "{binary} --tls-min-version={} allows protocols older than TLS 1.2",
                            shown(v)
                        ),
                    }),
                },
                None if explicit => out.push(Finding::container(
                    &c,
                    "command",
                    kit::text!("{binary} does not set --tls-min-version"),
                )),
                None => {}
            }
            let suites = flags.values(suites_flag);
            let weak: Vec<&str> = suites
                .iter()
                .copied()
                .filter(|s| !strong_go_suite(s))
                .collect();
            if !weak.is_empty() {
                out.push(Finding {
                    path: path(suites_flag),
                    container: Some(c.identity()),
                    message: kit::text!(
                        "{binary} --{suites_flag} includes weak suites {}",
                        shown(&weak.join(","))
                    ),
                });
            } else if suites.is_empty() && explicit {
                out.push(Finding::container(
                    &c,
                    "command",
                    kit::text!("{binary} does not set --{suites_flag}"),
                ));
            }
        }
    }
    out
}
