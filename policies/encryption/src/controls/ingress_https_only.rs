//! Plain HTTP is disabled or redirected, read per ingress controller.

use super::{annotation, annotation_path, shown};
use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "ingress-https-only",
    title: kit::cold!("Ingresses do not serve plain HTTP"),
    rationale: kit::cold!(
        "Even with TLS configured, most ingress controllers also listen on port 80: a client following an http:// link, or an attacker downgrading it, sends credentials and cookies in clear text. Each controller has its own switch: ingress-nginx redirects to HTTPS when TLS is configured unless ssl-redirect is \"false\" (force-ssl-redirect: \"true\" redirects always); GCE needs kubernetes.io/ingress.allow-http: \"false\"; AWS Load Balancer Controller listens on HTTPS only when listen-ports has no HTTP entry, or redirects with ssl-redirect; Traefik routes every entrypoint unless router.entrypoints names only HTTPS ones. The controller is read from spec.ingressClassName or the kubernetes.io/ingress.class annotation; an entrypoint-level redirect (Traefik) or a FrontendConfig (GKE) cannot be seen at admission."
    ),
    remediation: kit::cold!(
        "ingress-nginx: nginx.ingress.kubernetes.io/force-ssl-redirect: \"true\"; GCE: kubernetes.io/ingress.allow-http: \"false\"; ALB: alb.ingress.kubernetes.io/listen-ports: '[{\"HTTPS\":443}]' or ssl-redirect: \"443\"; Traefik: traefik.ingress.kubernetes.io/router.entrypoints: websecure"
    ),
    severity: Severity::High,
    tags: &["encryption-in-transit"],
    criteria: super::TRANSIT,
    kinds: KindSet::Only(&["networking.k8s.io/Ingress"]),
    params: &[
        Param {
            name: "classControllers",
            kind: ParamKind::StringMap,
            default: "{}",
            description: kit::cold!(
                "ingress class → controller (nginx, gce, alb, traefik) for class names that do not say which controller they are"
            ),
        },
        Param {
            name: "allowUnknownControllers",
            kind: ParamKind::Bool,
            default: "false",
            description: kit::cold!(
                "pass Ingresses of controllers this control cannot read instead of reporting them"
            ),
        },
        Param {
            name: "traefikPlainEntrypoints",
            kind: ParamKind::StringList,
            default: "[\"web\"]",
            description: kit::cold!("Traefik entrypoints that listen on plain HTTP"),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

const CONTROLLERS: [&str; 4] = ["nginx", "gce", "alb", "traefik"];

fn validate(p: &kit::control::Params) -> Result<(), String> {
    for (class, c) in p.string_map("classControllers") {
        if !CONTROLLERS.contains(&c.as_str()) {
            return Err(kit::text!(
                "classControllers.{class} must be one of nginx, gce, alb, traefik, got \"{c}\""
            ));
        }
    }
    Ok(())
}

/// Which controller serves the Ingress, and where the class was read.
fn controller(ctx: &Ctx) -> (Option<String>, String, String) {
    let ing = ctx.object();
    let (class, path) = match json::get_str(ing, &["spec", "ingressClassName"]) {
        Some(c) => (c.to_string(), "spec.ingressClassName".to_string()),
        None => match annotation(ctx, "kubernetes.io/ingress.class") {
            Some(c) => (
                c.to_string(),
                annotation_path("kubernetes.io/ingress.class"),
            ),
            None => (String::new(), "spec.ingressClassName".to_string()),
        },
    };
    if let Some((_, c)) = ctx
        .params
        .string_map("classControllers")
        .into_iter()
        .find(|(k, _)| *k == class)
    {
        return (Some(c), class, path);
    }
    let lower = class.to_ascii_lowercase();
    let found = if lower.contains("nginx") {
        Some("nginx")
    } else if lower == "gce" || lower == "gce-internal" {
        Some("gce")
    } else if lower == "alb" || lower.starts_with("alb-") || lower.contains("aws-load-balancer") {
        Some("alb")
    } else if lower.contains("traefik") {
        Some("traefik")
    } else if class.is_empty() && annotation(ctx, "alb.ingress.kubernetes.io/scheme").is_some() {
        Some("alb")
    } else {
        None
    };
    (found.map(str::to_string), class, path)
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ing = ctx.object();
    let has_tls = !json::get_array(ing, &["spec", "tls"]).is_empty();
    let (ctrl, class, class_path) = controller(ctx);
    let one = |key: &str, msg: String| vec![Finding::new(annotation_path(key), msg)];
    match ctrl.as_deref() {
        Some("nginx") => {
            const FORCE: &str = "nginx.ingress.kubernetes.io/force-ssl-redirect";
            const REDIRECT: &str = "nginx.ingress.kubernetes.io/ssl-redirect";
            if annotation(ctx, FORCE) == Some("true") {
                return Vec::new();
            }
            match annotation(ctx, REDIRECT) {
                _ if !has_tls => one(
                    FORCE,
                    "ingress-nginx serves this Ingress over plain HTTP: it has no spec.tls and force-ssl-redirect is not \"true\"".into(),
                ),
                None | Some("true") => Vec::new(),
                Some(v) => one(
                    REDIRECT,
                    kit::text!("ssl-redirect is {}: ingress-nginx serves plain HTTP next to HTTPS", shown(v)),
                ),
            }
        }
        Some("gce") => {
            const KEY: &str = "kubernetes.io/ingress.allow-http";
            match annotation(ctx, KEY) {
                Some("false") => Vec::new(),
                v => one(
                    KEY,
                    kit::text!(
                        "GCE load balancers listen on HTTP unless allow-http is \"false\" (found {})",
                        v.map_or("nothing".into(), shown)
                    ),
                ),
            }
        }
        Some("alb") => alb(ctx, has_tls),
        Some("traefik") => {
            const KEY: &str = "traefik.ingress.kubernetes.io/router.entrypoints";
            let plain = ctx.params.strings("traefikPlainEntrypoints");
            match annotation(ctx, KEY) {
                None => one(
                    KEY,
                    "without router.entrypoints Traefik routes the Ingress on every entrypoint, plain HTTP included".into(),
                ),
                Some(v) => match v.split(',').map(str::trim).find(|e| plain.iter().any(|p| p == e)) {
                    Some(e) => one(KEY, kit::text!("entrypoint {} listens on plain HTTP", shown(e))),
                    None => Vec::new(),
                },
            }
        }
        _ if ctx.params.bool("allowUnknownControllers") => Vec::new(),
        _ => vec![Finding::new(
            class_path,
            kit::text!(
                "cannot tell whether ingress class {} serves plain HTTP; map it in classControllers or enable allowUnknownControllers",
                if class.is_empty() {
                    "(none)".to_string()
                } else {
                    shown(&class)
                }
            ),
        )],
    }
}

fn alb(ctx: &Ctx, has_tls: bool) -> Vec<Finding> {
    const PORTS: &str = "alb.ingress.kubernetes.io/listen-ports";
    const REDIRECT: &str = "alb.ingress.kubernetes.io/ssl-redirect";
    const CERT: &str = "alb.ingress.kubernetes.io/certificate-arn";
    if annotation(ctx, REDIRECT).is_some_and(|v| !v.trim().is_empty()) {
        return Vec::new();
    }
    let http = match annotation(ctx, PORTS) {
        // Without listen-ports the controller opens HTTPS:443 when a certificate
        // is given (annotation or discovered from spec.tls), else HTTP:80.
        None => !(has_tls || annotation(ctx, CERT).is_some()),
        Some(raw) => match kit::dom::parse(raw.as_bytes()) {
            Ok(Value::Array(items)) => items.iter().any(|i| {
                i.as_object()
                    .is_none_or(|m| m.keys().any(|k| k.eq_ignore_ascii_case("HTTP")))
            }),
            _ => {
                return vec![Finding::new(
                    annotation_path(PORTS),
                    kit::text!(
                        "listen-ports {} is not a JSON list of {{\"HTTPS\": port}}",
                        shown(raw)
                    ),
                )];
            }
        },
    };
    if http {
        vec![Finding::new(
            annotation_path(PORTS),
            "the ALB has a plain HTTP listener and ssl-redirect is not set",
        )]
    } else {
        Vec::new()
    }
}
