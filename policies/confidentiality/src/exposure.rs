//! Reading how a Service, Ingress or Gateway exposes something: cloud
//! internal-load-balancer annotations, source ranges, host names. Shared by
//! the exposure and classification controls.

use kit::{Ctx, json};
use kit::{Value, dom::Map};

/// Go's `strconv.ParseBool` true values: what the cloud controllers accept.
pub fn go_true(v: &str) -> bool {
    matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True")
}

/// How a built-in annotation's value is read.
#[derive(Clone, Copy)]
enum Want {
    /// `strconv.ParseBool` true.
    Bool,
    /// Case-insensitive `true` (Azure uses `strings.EqualFold`).
    FoldTrue,
    /// One of these exact values.
    OneOf(&'static [&'static str]),
}

/// Annotations that make a LoadBalancer Service internal (private address,
/// no internet-facing listener), per cloud controller.
const INTERNAL: &[(&str, Want)] = &[
    // AWS in-tree provider and AWS Load Balancer Controller (legacy form).
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        Want::Bool,
    ),
    // GKE (current and legacy; the legacy one also took lower case).
    (
        "networking.gke.io/load-balancer-type",
        Want::OneOf(&["Internal"]),
    ),
    (
        "cloud.google.com/load-balancer-type",
        Want::OneOf(&["Internal", "internal"]),
    ),
    // Azure.
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        Want::FoldTrue,
    ),
    // Oracle Cloud (load balancer and network load balancer).
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        Want::Bool,
    ),
    (
        "oci-network-load-balancer.oraclecloud.com/internal",
        Want::Bool,
    ),
    // OpenStack, Alibaba Cloud, IBM Cloud.
    (
        "service.beta.kubernetes.io/openstack-internal-load-balancer",
        Want::Bool,
    ),
    (
        "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type",
        Want::OneOf(&["intranet"]),
    ),
    (
        "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type",
        Want::OneOf(&["private"]),
    ),
];

/// The AWS Load Balancer Controller's scheme annotation: when present it
/// decides, whatever the legacy `aws-load-balancer-internal` says.
pub const AWS_SCHEME: &str = "service.beta.kubernetes.io/aws-load-balancer-scheme";

/// The annotation the cloud providers read when `loadBalancerSourceRanges` is empty.
pub const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

pub fn annotations(object: &Value) -> Option<&Map> {
    json::get_obj(object, &["metadata", "annotations"])
}

fn annotation<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    annotations(object)?.get(key)?.as_str()
}

/// Which annotation makes this Service internal, if any (`None`: external).
pub fn internal_by(ctx: &Ctx, service: &Value) -> Option<String> {
    if let Some(scheme) = annotation(service, AWS_SCHEME) {
        // The AWS Load Balancer Controller reads the scheme first; an
        // internet-facing scheme overrides the legacy internal annotation.
        return (scheme == "internal").then(|| kit::text!("{AWS_SCHEME}: internal"));
    }
    for (key, want) in INTERNAL {
        let Some(v) = annotation(service, key) else {
            continue;
        };
        let ok = match want {
            Want::Bool => go_true(v),
            Want::FoldTrue => v.eq_ignore_ascii_case("true"),
            Want::OneOf(values) => values.contains(&v),
        };
        if ok {
            return Some(kit::text!("{key}: {v}"));
        }
    }
    if let Some(Value::Object(extra)) = ctx.options.get("internalLoadBalancerAnnotations") {
        for (key, want) in extra {
            if let (Some(v), Some(want)) = (annotation(service, key), want.as_str())
                && v == want
            {
                return Some(kit::text!("{key}: {v}"));
            }
        }
    }
    None
}

/// `spec.type` of a Service: `Ok("ClusterIP")` when absent, `Err` with the
/// value when it is not a string.
pub fn service_type(service: &Value) -> Result<&str, &Value> {
    match json::get(service, &["spec", "type"]) {
        None | Some(Value::Null) => Ok("ClusterIP"),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(other),
    }
}

/// A source range as a control reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum Range {
    /// A CIDR with a prefix length above zero.
    Bounded,
    /// `x/0`: every address of the family.
    Open,
    /// Not a CIDR.
    Invalid,
}

pub fn range(cidr: &str) -> Range {
    let cidr = cidr.trim();
    let Some((addr, bits)) = cidr.split_once('/') else {
        return Range::Invalid;
    };
    let v4 = addr.split('.').count() == 4 && addr.split('.').all(|o| o.parse::<u8>().is_ok());
    let v6 = addr.contains(':')
        && addr
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
    let max = if v4 {
        32
    } else if v6 {
        128
    } else {
        return Range::Invalid;
    };
    match bits.parse::<u32>() {
        Ok(0) => Range::Open,
        Ok(b) if b <= max && !bits.starts_with('+') => Range::Bounded,
        _ => Range::Invalid,
    }
}

/// The host part of an address-like string, lower-cased, without a trailing dot.
pub fn normalise_host(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `host` (possibly `*.`-prefixed) lies within `domain`: the domain
/// itself or a subdomain of it. A leading `*.` or `.` on the domain is ignored.
pub fn within(host: &str, domain: &str) -> bool {
    let host = normalise_host(host);
    let host = host.strip_prefix("*.").unwrap_or(&host);
    let domain = normalise_host(domain);
    let domain = domain
        .strip_prefix("*.")
        .or_else(|| domain.strip_prefix('.'))
        .unwrap_or(&domain);
    if domain.is_empty() {
        return false;
    }
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// Whether `s` is an IPv4 or IPv6 literal.
pub fn is_ip_literal(s: &str) -> bool {
    let s = s.trim().trim_start_matches('[').trim_end_matches(']');
    (s.split('.').count() == 4
        && s.split('.')
            .all(|o| !o.is_empty() && o.parse::<u16>().is_ok()))
        || (s.contains(':')
            && s.chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(range("10.0.0.0/8"), Range::Bounded);
        assert_eq!(range("0.0.0.0/0"), Range::Open);
        assert_eq!(range("10.1.2.3/0"), Range::Open);
        assert_eq!(range("::/0"), Range::Open);
        assert_eq!(range("2001:db8::/32"), Range::Bounded);
        assert_eq!(range("10.0.0.0"), Range::Invalid);
        assert_eq!(range("10.0.0.0/33"), Range::Invalid);
        assert_eq!(range("example.com/8"), Range::Invalid);
        assert_eq!(range("10.0.0.0/+8"), Range::Invalid);
        assert_eq!(range(""), Range::Invalid);
    }

    #[test]
    fn domains() {
        assert!(within("shop.example.com", "example.com"));
        assert!(within("example.com", "example.com"));
        assert!(within("*.example.com", "example.com"));
        assert!(within("Shop.Example.COM.", ".example.com"));
        assert!(!within("badexample.com", "example.com"));
        assert!(!within("example.com.evil.io", "example.com"));
        assert!(!within("x", ""));
        assert!(is_ip_literal("127.0.0.1"));
        assert!(is_ip_literal("::1"));
        assert!(is_ip_literal("[fe80::1]"));
        assert!(!is_ip_literal("db.example.com"));
        assert!(!is_ip_literal("cafe"));
    }
}
