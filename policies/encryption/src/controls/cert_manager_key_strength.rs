//! cert-manager Certificates ask for strong keys.

use super::shown;
use kit::{Control, Ctx, Finding, Int, KindSet, Param, ParamKind, Severity, json};

pub const KEY_PARAMS: [Param; 2] = [
    Param {
        name: "minRsaBits",
        kind: ParamKind::Integer {
            min: 1024,
            max: 16384,
        },
        default: "2048",
        description: kit::cold!("smallest RSA key accepted"),
    },
    Param {
        name: "minEcdsaBits",
        kind: ParamKind::Integer { min: 224, max: 521 },
        default: "256",
        description: kit::cold!("smallest ECDSA curve accepted (256 = P-256)"),
    },
];

pub static CONTROL: Control = Control {
    id: "cert-manager-key-strength",
    title: kit::cold!("cert-manager Certificates use strong private keys"),
    rationale: kit::cold!(
        "The key of a certificate protects every session it serves: RSA keys below 2048 bits and ECDSA below P-256 are below NIST SP 800-57 / BSI recommendations and can be factored or forged within the lifetime of recorded traffic. cert-manager defaults to RSA 2048 when no algorithm is given; an explicit smaller size or an unknown algorithm is refused. Applies only to cert-manager objects."
    ),
    remediation: kit::cold!(
        "set spec.privateKey.algorithm: ECDSA with size: 256 (or 384), RSA with size: 2048 or more, or Ed25519"
    ),
    severity: Severity::High,
    tags: &["default", "encryption-in-transit", "cert-manager"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["cert-manager.io/Certificate"]),
    params: &KEY_PARAMS,
    check,
    ..Control::DEFAULTS
};

fn check(ctx: &Ctx) -> Vec<Finding> {
    let cert = ctx.object();
    let algorithm = match kit::value::string(json::get(cert, &["spec", "privateKey", "algorithm"]))
    {
        Ok(a) => a.unwrap_or("RSA"),
        Err(v) => {
            return vec![Finding::new(
                "spec.privateKey.algorithm",
                kit::text!("algorithm is {}, not a string", json::brief(v, 40)),
            )];
        }
    };
    let size = Int::of(json::get(cert, &["spec", "privateKey", "size"]));
    let (min, default) = match algorithm {
        "RSA" => (ctx.params.int("minRsaBits"), 2048),
        "ECDSA" => (ctx.params.int("minEcdsaBits"), 256),
        "Ed25519" => return Vec::new(),
        a => {
            return vec![Finding::new(
                "spec.privateKey.algorithm",
                kit::text!("algorithm {} is not RSA, ECDSA or Ed25519", shown(a)),
            )];
        }
    };
    let bits = match size {
        Int::Absent => default,
        Int::Value(0) => default,
        Int::Value(b) => b,
        Int::Malformed => {
            return vec![Finding::new(
                "spec.privateKey.size",
                kit::text!(
                    "size is {}, not an integer",
                    json::brief(
                        json::get(cert, &["spec", "privateKey", "size"])
                            .unwrap_or(&kit::Value::Null),
                        40
                    )
                ),
            )];
        }
    };
    if bits < min {
        let path = if size == Int::Absent {
            "spec.privateKey"
        } else {
            "spec.privateKey.size"
        };
        return vec![Finding::new(
            path,
            kit::text!("{algorithm} key of {bits} bits is below the minimum of {min}"),
        )];
    }
    Vec::new()
}
