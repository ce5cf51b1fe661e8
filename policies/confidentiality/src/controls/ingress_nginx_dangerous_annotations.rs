//! ingress-nginx renders Ingress annotations and paths into its nginx
//! configuration. Snippet annotations inject configuration by design
//! (CVE-2021-25742, CVE-2023-5043); the other annotation values and the
//! paths were injection vectors each time their sanitisation failed
//! (CVE-2021-25745/25746/25748, CVE-2022-4886, CVE-2023-5044, and the
//! "IngressNightmare" set behind CVE-2025-1974: CVE-2025-24514 auth-url,
//! CVE-2025-1097 auth-tls-match-cn, CVE-2025-1098 mirror-target/mirror-host;
//! then CVE-2025-15566 auth-proxy-set-headers, CVE-2026-24512 paths,
//! CVE-2026-4342 comment-based injection). The controller runs with read
//! access to every Secret of the cluster, so each of them discloses all.

use kit::Value;
use kit::{Control, Ctx, Finding, KindSet, Param, ParamKind, Severity, json};

pub static CONTROL: Control = Control {
    id: "ingress-nginx-dangerous-annotations",
    title: kit::cold!(
        "Ingresses carry no ingress-nginx snippets or configuration-injecting values"
    ),
    rationale: kit::cold!(
        "ingress-nginx copies *-snippet annotations verbatim into nginx.conf (CVE-2021-25742, CVE-2023-5043) and builds directives from the other annotations and from the paths; each sanitisation bypass (CVE-2021-25745, CVE-2021-25746, CVE-2022-4886, CVE-2023-5044, CVE-2025-24514 auth-url, CVE-2025-1097 auth-tls-match-cn, CVE-2025-1098 mirror-target/mirror-host, CVE-2025-15566, CVE-2026-24512 paths, CVE-2026-4342 comments) let whoever can write an Ingress run code in the controller, which reads every Secret of the cluster by default. Refusing snippets and the characters these injections need ({ } ; quotes, backtick, backslash (in paths: a trailing one), #, line breaks, and the lua/serviceaccount words of ingress-nginx's own block list) closes the whole class at admission, whatever the controller's version."
    ),
    remediation: kit::cold!(
        "remove the *-snippet annotations (use the dedicated annotations or a controller-level ConfigMap owned by the platform team), and write annotation values and paths without { } ; ' \" ` \\ # or line breaks"
    ),
    severity: Severity::Critical,
    tags: &["default", "exposure", "ingress"],
    criteria: kit::Criteria {
        soc2: &["C1.1", "CC6.1", "CC6.6"],
        iso27001: &["A.8.8", "A.8.12", "A.8.21"],
        pss: &[],
        cis: &[],
    },
    kinds: KindSet::Only(super::INGRESS),
    params: &[
        Param {
            name: "annotationPrefix",
            kind: ParamKind::String,
            default: r#""nginx.ingress.kubernetes.io""#,
            description: kit::cold!("The controller's --annotations-prefix"),
        },
        Param {
            name: "allowedSnippets",
            kind: ParamKind::StringList,
            default: "[]",
            description: kit::cold!(
                "Snippet annotation names (without prefix, e.g. server-snippet) to accept; their values are still checked for the injection characters"
            ),
        },
    ],
    validate_params: Some(validate),
    check,
    ..Control::DEFAULTS
};

fn validate(p: &kit::control::Params) -> Result<(), String> {
    let prefix = p.string("annotationPrefix");
    if prefix.is_empty() || prefix.contains('/') || prefix.contains(char::is_whitespace) {
        return Err(kit::text!(
            "annotationPrefix must be an annotation prefix without '/', got \"{}\"",
            prefix.chars().take(80).collect::<String>()
        ));
    }
    Ok(())
}

/// Characters nginx configuration injection needs.
const BAD_CHARS: &[char] = &['{', '}', ';', '\'', '"', '`', '\\', '#', '\n', '\r'];

/// Words of ingress-nginx's recommended `annotation-value-word-blocklist`
/// that never occur in legitimate values.
const BAD_WORDS: &[&str] = &[
    "load_module",
    "lua_package",
    "_by_lua",
    "serviceaccount",
    "/var/run/secrets",
];

/// What makes `value` dangerous, if anything.
fn injection(value: &str) -> Option<String> {
    if let Some(c) = value.chars().find(|c| BAD_CHARS.contains(c)) {
        return Some(kit::text!("contains {}", c.escape_default()));
    }
    let lower = value.to_ascii_lowercase();
    BAD_WORDS
        .iter()
        .find(|w| lower.contains(*w))
        .map(|w| kit::text!("contains \"{w}\""))
}

/// Paths may be regular expressions (`use-regex`), where `\.` is common: a
/// backslash is refused only at the end, where it would escape the quote
/// ingress-nginx closes the location with.
fn path_injection(path: &str) -> Option<String> {
    if path.ends_with('\\') {
        return Some("ends with a backslash".into());
    }
    injection(&path.replace('\\', ""))
}

fn check(ctx: &Ctx) -> Vec<Finding> {
    let ing = ctx.object();
    let prefix = kit::text!("{}/", ctx.params.string("annotationPrefix"));
    let allowed = ctx.params.strings("allowedSnippets");
    let mut out = Vec::new();
    if let Some(annotations) = json::get_obj(ing, &["metadata", "annotations"]) {
        for (key, value) in annotations {
            let Some(name) = key.strip_prefix(&prefix) else {
                continue;
            };
            let path = kit::text!("metadata.annotations.{key}");
            if name.ends_with("-snippet") && !allowed.iter().any(|a| a == name) {
                out.push(Finding::new(
                    path,
                    kit::text!("{name} injects raw nginx configuration into the controller (CVE-2021-25742, CVE-2023-5043)"),
                ));
                continue;
            }
            match value {
                Value::String(v) => {
                    if let Some(why) = injection(v) {
                        out.push(Finding::new(
                            path,
                            kit::text!(
                                "{name} value {} {why}: the value can inject nginx configuration (CVE-2025-1974 family)",
                                json::brief(value, 60)
                            ),
                        ));
                    }
                }
                Value::Null => {}
                other => out.push(Finding::new(
                    path,
                    kit::text!("{name} is not a string ({})", json::brief(other, 60)),
                )),
            }
        }
    }
    for (i, rule) in json::get_array(ing, &["spec", "rules"]).iter().enumerate() {
        for (j, p) in json::get_array(rule, &["http", "paths"]).iter().enumerate() {
            if let Some(path) = p.get("path").and_then(Value::as_str)
                && let Some(why) = path_injection(path)
            {
                out.push(Finding::new(
                    kit::text!("spec.rules[{i}].http.paths[{j}].path"),
                    kit::text!(
                        "path {} {why}: paths are rendered into nginx location blocks (CVE-2021-25745, CVE-2022-4886, CVE-2026-24512)",
                        json::brief(&Value::String(path.into()), 60)
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{injection, path_injection};

    #[test]
    fn legitimate_values_pass_and_injections_do_not() {
        for ok in [
            "https://$host/oauth2/auth",
            "https://auth.example.com/oauth2/start?rd=$escaped_request_uri",
            "10.0.0.0/8,192.168.0.0/16",
            "true",
            "CN=client.example.com",
            "/api(/|$)(.*)",
        ] {
            assert!(injection(ok).is_none(), "{ok}");
        }
        assert!(path_injection(r"/static/.*\.js").is_none());
        assert!(path_injection("/x\\").is_some());
        assert!(path_injection("/x\\;").is_some());
        for bad in [
            "http://example.com/#;\ninjection_point",
            "CN=invalid|cn\"",
            "x } location / {",
            "a;b",
            "/var/run/secrets/kubernetes.io/serviceaccount/token",
            "content_by_lua_block",
        ] {
            assert!(injection(bad).is_some(), "{bad}");
        }
    }
}
