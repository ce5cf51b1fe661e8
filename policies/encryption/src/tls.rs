//! TLS vocabulary shared by the in-transit controls: host coverage, protocol
//! versions and cipher suites as the common proxies and Go servers name them.

/// Whether a TLS host entry (`*.example.com` or exact) covers a rule host.
/// A wildcard covers exactly one label, as in certificate matching (RFC 6125).
pub fn host_covered(tls_host: &str, host: &str) -> bool {
    let tls_host = tls_host.trim().to_ascii_lowercase();
    let host = host.trim().to_ascii_lowercase();
    if tls_host == host {
        return true;
    }
    match tls_host.strip_prefix("*.") {
        Some(suffix) if !suffix.is_empty() => match host.split_once('.') {
            Some((label, rest)) => !label.is_empty() && label != "*" && rest == suffix,
            None => false,
        },
        _ => false,
    }
}

/// Protocol names (nginx `ssl_protocols`, OpenSSL, Envoy) older than TLS 1.2.
pub fn weak_protocol(p: &str) -> bool {
    let p = p.trim().to_ascii_lowercase().replace(['_', ' '], "");
    matches!(
        p.as_str(),
        "sslv2"
            | "sslv3"
            | "tlsv1"
            | "tlsv1.0"
            | "tlsv1.1"
            | "tls1"
            | "tls1.0"
            | "tls1.1"
            | "tlsv10"
            | "tlsv11"
            | "tls10"
            | "tls11"
            | "versiontls10"
            | "versiontls11"
    )
}

/// Fragments of OpenSSL / IANA cipher names that mark a weak suite: no
/// forward secrecy is not listed (many estates still need it), broken
/// primitives are.
const WEAK_CIPHER_PARTS: &[&str] = &[
    "rc4", "des", "3des", "md5", "null", "export", "exp-", "anull", "enull", "adh", "aecdh",
    "idea", "seed", "psk", "srp", "rc2", "exp",
];

/// Whether one cipher (or OpenSSL cipher-string item) enables a weak suite.
/// An exclusion item (`!RC4`, `-RC4`) is never weak.
pub fn weak_cipher(c: &str) -> bool {
    let c = c.trim().to_ascii_lowercase();
    if c.starts_with('!') || c.starts_with('-') || c.is_empty() {
        return false;
    }
    let c = c.trim_start_matches('+');
    c == "all"
        || c == "low"
        || c == "medium"
        || c == "complementofdefault"
        || WEAK_CIPHER_PARTS.iter().any(|w| {
            c.split(['-', '_', ':', '+'])
                .any(|part| part == *w || (w.len() > 3 && part.starts_with(w)))
        })
}

/// Go / Kubernetes `--tls-cipher-suites` names accepted as strong: TLS 1.3
/// suites and ECDHE with an AEAD (the CIS 1.2.29 list).
pub fn strong_go_suite(s: &str) -> bool {
    let s = s.trim();
    matches!(
        s,
        "TLS_AES_128_GCM_SHA256" | "TLS_AES_256_GCM_SHA384" | "TLS_CHACHA20_POLY1305_SHA256"
    ) || (s.starts_with("TLS_ECDHE_")
        && (s.contains("_GCM_") || s.contains("CHACHA20_POLY1305"))
        && !s.contains("RC4")
        && !s.contains("3DES"))
}

/// Rank of a TLS version as written by Kubernetes (`VersionTLS12`) or etcd
/// (`TLS1.2`): 10, 11, 12, 13, or `None` when unrecognised.
pub fn version_rank(v: &str) -> Option<u8> {
    let v = v
        .trim()
        .to_ascii_lowercase()
        .replace(['_', ' ', '.', 'v'], "");
    match v.strip_prefix("ersion").unwrap_or(&v) {
        "tls10" | "tls1" => Some(10),
        "tls11" => Some(11),
        "tls12" => Some(12),
        "tls13" => Some(13),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(host_covered("*.example.com", "shop.example.com"));
        assert!(host_covered("Shop.Example.com", "shop.example.com"));
        assert!(!host_covered("*.example.com", "example.com"));
        assert!(!host_covered("*.example.com", "a.b.example.com"));
        assert!(!host_covered("*.", "a."));
        assert!(!host_covered("example.com", "*.example.com"));
    }

    #[test]
    fn protocols_ciphers_and_versions() {
        assert!(weak_protocol("TLSv1.1") && weak_protocol("SSLv3") && !weak_protocol("TLSv1.2"));
        assert!(weak_cipher("RC4-SHA") && weak_cipher("DES-CBC3-SHA") && weak_cipher("ALL"));
        assert!(weak_cipher("ECDHE-RSA-NULL-SHA") && weak_cipher("EXP-RC2-CBC-MD5"));
        assert!(!weak_cipher("ECDHE-RSA-AES128-GCM-SHA256") && !weak_cipher("!aNULL"));
        assert!(!weak_cipher("HIGH"));
        assert!(strong_go_suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        assert!(!strong_go_suite("TLS_RSA_WITH_AES_128_GCM_SHA256"));
        assert!(!strong_go_suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        assert_eq!(version_rank("VersionTLS12"), Some(12));
        assert_eq!(version_rank("TLS1.3"), Some(13));
        assert_eq!(version_rank("VersionTLS10"), Some(10));
        assert_eq!(version_rank("tls9"), None);
    }
}
