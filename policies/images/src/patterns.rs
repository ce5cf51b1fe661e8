//! Registry and repository patterns of allow- and deny-lists, anchored on the
//! registry host and on the repository path.
//!
//! - A registry pattern matches the whole registry host (with its port):
//!   `registry.example.com` never matches `registry.example.com.evil.io` nor
//!   `registry.example.com:5000`. `*` matches within one DNS label (no `.`,
//!   `:` or `/`), `**` across labels, `?` one character of a label.
//! - A repository pattern is `registry/path`, normalised like an image
//!   reference (`nginx` → `docker.io/library/nginx`, `bitnami/*` →
//!   `docker.io/bitnami/*`); the registry part matches as above, the path part
//!   with `*` within one path segment and `**` across segments
//!   (`registry.example.com/shop/**` = every repository under `shop/`).
//!   A first segment of only `*`/`**` is a registry wildcard; `**` alone
//!   matches every image.
//!
//! Matching is a dynamic programme over at most 255 × 1,000 bytes, with no
//! recursion: no input makes it slow or deep.

use crate::reference::{
    DEFAULT_DOMAIN, NOT_IN_PATH, PATTERN_BYTE, Reference, WILDCARD, class, find_byte, rfind_byte,
    split_domain, split_once_byte,
};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    Byte(u8),
    One,
    Star,
    Globstar,
}

fn tokens(p: &str) -> Vec<Tok> {
    let b = p.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'*' if b.get(i + 1) == Some(&b'*') => {
                while i < b.len() && b[i] == b'*' {
                    i += 1;
                }
                out.push(Tok::Globstar);
                continue;
            }
            b'*' => out.push(Tok::Star),
            b'?' => out.push(Tok::One),
            c => out.push(Tok::Byte(c)),
        }
        i += 1;
    }
    out
}

/// Glob match where `*` and `?` never match a byte of `seps`; `**` matches
/// anything. Hosts (`seps` = [`HOST_SEPS`]) match in any case: their
/// patterns are kept lower-case, and the text's bytes are compared lowered
/// (no lowered copy of every image's host for every pattern).
fn glob(pattern: &str, text: &str, seps: &[u8]) -> bool {
    let host = seps == HOST_SEPS;
    let fold = |b: u8| if host { b.to_ascii_lowercase() } else { b };
    // Most entries of a list name one registry or repository exactly.
    if !pattern.bytes().any(|b| b == b'*' || b == b'?') {
        return pattern.len() == text.len()
            && pattern.bytes().zip(text.bytes()).all(|(p, t)| p == fold(t));
    }
    let t = text.as_bytes();
    // reach[j]: the pattern so far can match exactly t[..j]. `next` is
    // rewritten whole for each token.
    let mut reach = vec![false; t.len() + 1];
    let mut next = vec![false; t.len() + 1];
    reach[0] = true;
    for tok in tokens(pattern) {
        match tok {
            Tok::Byte(c) => {
                next[0] = false;
                for j in 0..t.len() {
                    next[j + 1] = reach[j] && fold(t[j]) == c;
                }
            }
            Tok::One => {
                next[0] = false;
                for j in 0..t.len() {
                    next[j + 1] = reach[j] && !seps.contains(&t[j]);
                }
            }
            Tok::Star => {
                for j in 0..=t.len() {
                    next[j] = reach[j] || (j > 0 && next[j - 1] && !seps.contains(&t[j - 1]));
                }
            }
            Tok::Globstar => {
                for j in 0..=t.len() {
                    next[j] = reach[j] || (j > 0 && next[j - 1]);
                }
            }
        }
        std::mem::swap(&mut reach, &mut next);
        if !reach.iter().any(|r| *r) {
            return false;
        }
    }
    reach[t.len()]
}

const HOST_SEPS: &[u8] = b".:/";
const PATH_SEPS: &[u8] = b"/";

/// A registry host pattern.
#[derive(Clone, Debug)]
pub struct RegistryPattern(String);

impl RegistryPattern {
    pub fn parse(p: &str) -> Result<RegistryPattern, String> {
        let ok = |b: u8| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']' | b'*' | b'?')
        };
        if p.is_empty() || p.len() > 255 || !p.bytes().all(ok) {
            return Err(kit::text!(
                "{} is not a registry host pattern (letters, digits, '-', '.', ':', '[', ']', '*', '?'; no path)",
                crate::reference::excerpt(p, 60)
            ));
        }
        let p = if p == "index.docker.io" {
            DEFAULT_DOMAIN
        } else {
            p
        };
        Ok(RegistryPattern(kit::text::ascii_lowercase(p)))
    }

    pub fn matches(&self, r: &Reference) -> bool {
        glob(&self.0, r.domain(), HOST_SEPS)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A repository pattern (`registry/path`).
#[derive(Clone, Debug)]
pub struct RepositoryPattern {
    host: String,
    path: String,
    /// An exact tag the image must have (`quay.io/etcd/etcd:v3.4.12`).
    tag: Option<String>,
    /// An exact digest the image must have.
    digest: Option<String>,
}

impl RepositoryPattern {
    pub fn parse(p: &str) -> Result<RepositoryPattern, String> {
        let why = || {
            kit::text!(
                "{} is not a repository pattern (e.g. registry.example.com/team/*, nginx, **, quay.io/etcd/etcd:v3.4.12)",
                crate::reference::excerpt(p, 60)
            )
        };
        if p.is_empty() || p.len() > 512 || !p.bytes().all(|b| class(b) & PATTERN_BYTE != 0) {
            return Err(why());
        }
        // An exact tag and/or digest may follow the repository, as in
        // trusted-repos' `images` lists.
        let (p, digest) = match split_once_byte(p, b'@') {
            Some((r, d)) => (
                r,
                Some(crate::reference::digest(d).map_err(|e| kit::text!("{}: {e}", why()))?),
            ),
            None => (p, None),
        };
        let (p, tag) = match rfind_byte(p, b':') {
            Some(i) if find_byte(&p[i + 1..], b'/').is_none() => {
                let t = &p[i + 1..];
                if t.is_empty() || t.bytes().any(|b| class(b) & WILDCARD != 0) {
                    return Err(why());
                }
                (&p[..i], Some(kit::text::owned(t)))
            }
            _ => (p, None),
        };
        if p == "**" {
            return Ok(RepositoryPattern {
                host: "**".into(),
                path: "**".into(),
                tag,
                digest,
            });
        }
        let (host, path) = match split_once_byte(p, b'/') {
            Some((first, rest)) if !first.is_empty() && first.bytes().all(|b| b == b'*') => {
                (first, rest)
            }
            _ => split_domain(p),
        };
        let host = if host == "index.docker.io" {
            DEFAULT_DOMAIN
        } else {
            host
        };
        // The path: lower-case, no ':' (that would be a tag).
        if path.is_empty()
            || path.bytes().any(|b| class(b) & NOT_IN_PATH != 0)
            || path.starts_with('/')
            || path.ends_with('/')
            || path.as_bytes().windows(2).any(|w| w == b"//")
        {
            return Err(why());
        }
        let path =
            if host == DEFAULT_DOMAIN && find_byte(path, b'/').is_none() && !path.starts_with("**")
            {
                kit::text!("library/{path}")
            } else {
                kit::text::owned(path)
            };
        Ok(RepositoryPattern {
            host: kit::text::ascii_lowercase(host),
            path,
            tag,
            digest,
        })
    }

    pub fn matches(&self, r: &Reference) -> bool {
        glob(&self.host, r.domain(), HOST_SEPS)
            && glob(&self.path, r.path(), PATH_SEPS)
            && self.tag.as_deref().is_none_or(|t| r.tag() == Some(t))
            && self.digest.as_deref().is_none_or(|d| r.digest() == Some(d))
    }

    /// The normalised form, for messages.
    pub fn text(&self) -> String {
        let mut s = kit::text!("{}/{}", self.host, self.path);
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }
}

/// Parses every entry of a setting; the error names the setting and entry.
pub fn parse_all<T>(
    key: &str,
    entries: &[String],
    f: fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| f(e).map_err(|m| kit::text!("{key}[{i}]: {m}")))
        .collect()
}

/// The `registries` and `repositories` parameters of a control, parsed.
/// Invalid patterns were refused by `validate_settings`; any left over are
/// skipped.
pub fn registries_and_repositories(
    params: &kit::Params,
) -> (Vec<RegistryPattern>, Vec<RepositoryPattern>) {
    let registries = params
        .strings("registries")
        .iter()
        .filter_map(|p| RegistryPattern::parse(p).ok())
        .collect();
    let repositories = params
        .strings("repositories")
        .iter()
        .filter_map(|p| RepositoryPattern::parse(p).ok())
        .collect();
    (registries, repositories)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::parse;

    fn reg(p: &str, image: &str) -> bool {
        RegistryPattern::parse(p)
            .unwrap()
            .matches(&parse(image).unwrap())
    }

    fn repo(p: &str, image: &str) -> bool {
        RepositoryPattern::parse(p)
            .unwrap()
            .matches(&parse(image).unwrap())
    }

    #[test]
    fn registries_are_anchored() {
        assert!(reg(
            "registry.example.com",
            "registry.example.com/shop/api:1"
        ));
        assert!(!reg(
            "registry.example.com",
            "registry.example.com.evil.io/shop/api:1"
        ));
        assert!(!reg("registry.example.com", "evilregistry.example.com/x"));
        assert!(!reg("registry.example.com", "registry.example.com:5000/x"));
        assert!(reg(
            "registry.example.com:5000",
            "registry.example.com:5000/x"
        ));
        assert!(reg("*.example.com", "registry.example.com/x"));
        assert!(!reg("*.example.com", "a.b.example.com/x"));
        assert!(!reg("*.example.com", "example.com/x"));
        assert!(reg("**.example.com", "a.b.example.com/x"));
        assert!(!reg("registry.example.*", "registry.example.com.evil.io/x"));
        assert!(reg("docker.io", "nginx"));
        assert!(reg("index.docker.io", "nginx"));
        assert!(reg("k8s.gcr.io", "k8s.gcr.io/pause:3.9"));
        assert!(!reg("k8s.gcr.io", "registry.k8s.io/pause:3.9"));
        assert!(reg("Registry.Example.com", "registry.example.com/x"));
        assert!(reg("registry.example.com", "Registry.Example.COM/x"));
        assert!(reg("*.example.com", "REG.Example.com/x"));
        assert!(!reg("*.example.com", "REG.Example.org/x"));
        assert!(RegistryPattern::parse("registry.example.com/shop").is_err());
        assert!(RegistryPattern::parse("").is_err());
        assert!(RegistryPattern::parse("a b").is_err());
    }

    #[test]
    fn repositories_are_anchored_on_host_and_path() {
        assert!(repo(
            "registry.example.com/shop/*",
            "registry.example.com/shop/api:1"
        ));
        assert!(!repo(
            "registry.example.com/shop/*",
            "registry.example.com/shop/a/b:1"
        ));
        assert!(repo(
            "registry.example.com/shop/**",
            "registry.example.com/shop/a/b:1"
        ));
        assert!(!repo(
            "registry.example.com/shop/**",
            "registry.example.com/shopping/a"
        ));
        assert!(!repo(
            "registry.example.com/shop/*",
            "registry.example.com.evil.io/shop/api"
        ));
        assert!(repo("nginx", "nginx:1.27"));
        assert!(repo("nginx", "docker.io/library/nginx"));
        assert!(!repo("nginx", "bitnami/nginx"));
        assert!(repo("bitnami/*", "bitnami/redis"));
        assert!(repo("docker.io/**", "nginx"));
        assert!(repo("**", "registry.example.com/shop/api"));
        assert!(repo("**", "nginx"));
        assert!(!repo("*/shop/*", "registry.example.com/shop/api"));
        assert!(repo("**/shop/*", "registry.example.com/shop/api"));
        assert!(!repo("**/shop/*", "a.b/c/shop/api"));
        assert!(repo("**/shop/api", "registry.example.com/shop/api"));
        assert!(repo(
            "gcr.io/google_containers/**",
            "gcr.io/google_containers/pause:3.1"
        ));
        assert!(repo(
            "quay.io/etcd/etcd:v3.4.12",
            "quay.io/etcd/etcd:v3.4.12"
        ));
        assert!(!repo(
            "quay.io/etcd/etcd:v3.4.12",
            "quay.io/etcd/etcd:v3.4.13"
        ));
        assert!(!repo("quay.io/etcd/etcd:v3.4.12", "quay.io/etcd/etcd"));
        assert!(repo("localhost:5000/a", "localhost:5000/a:1"));
        let d = kit::text!("sha256:{}", "a".repeat(64));
        assert!(repo(&kit::text!("nginx:1@{d}"), &kit::text!("nginx:1@{d}")));
        assert!(!repo(&kit::text!("nginx@{d}"), "nginx:1"));
        for bad in [
            "",
            "nginx:",
            "nginx:*",
            "registry.example.com/Shop",
            "a//b",
            "a/",
            "/a",
            "quay.io/a:b/c",
            "quay.io/team/[x]",
            "nginx:v[1]",
            "x@sha256:1",
            "a b",
        ] {
            assert!(RepositoryPattern::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            RepositoryPattern::parse("nginx").unwrap().text(),
            "docker.io/library/nginx"
        );
    }

    #[test]
    fn hostile_patterns_stay_fast() {
        let p = "*a".repeat(100);
        assert!(!glob(&p, &"b".repeat(999), b"/"));
        assert!(glob(&p, &"a".repeat(999), b"/"));
        assert!(glob(&"**".repeat(100), &"a/".repeat(400), b"/"));
        assert!(!glob("a", "", b"/"));
        assert!(glob("", "", b"/"));
    }
}
