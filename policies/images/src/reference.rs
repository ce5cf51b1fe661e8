//! Container image references, read exactly as the container runtime reads
//! them: the grammar of `github.com/distribution/reference` (`ParseNormalizedNamed`),
//! which the kubelet, containerd and CRI-O all use.
//!
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [domain "/"] path            (at most 255 characters, domain included)
//! domain     := host [ ":" port ]            host: DNS labels (any case), or [IPv6]
//! path       := component ( "/" component )*
//! component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! digest     := algorithm ":" hex            sha256 → 64, sha384 → 96, sha512 → 128 lower-case hex
//! ```
//!
//! Normalisation: the first `/`-segment is a registry only when it contains
//! `.` or `:`, is `localhost`, or has upper-case letters; otherwise the
//! registry is `docker.io` (`index.docker.io` is the same registry), and a
//! one-segment path on `docker.io` gets the `library/` prefix. A reference
//! with neither tag nor digest means `:latest` to the runtime.
//!
//! Parsing never panics and is linear in the input; errors say what is wrong
//! with a bounded excerpt of the input.

use std::fmt;

pub const DEFAULT_DOMAIN: &str = "docker.io";
const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
const OFFICIAL_PREFIX: &str = "library/";
const NAME_MAX: usize = 255;
const TAG_MAX: usize = 128;

/// A parsed, normalised image reference: one text,
/// `domain/path[:tag][@digest]`, and where its parts end. Every container
/// of a Pod is parsed on every request, and four texts were four
/// allocations and copies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    text: String,
    /// Where the domain ends (the `/` before the path).
    domain_end: u16,
    /// Where the path ends (`:` before the tag, `@` before the digest, or
    /// the end).
    path_end: u16,
    /// Where the tag ends (`path_end` when there is none).
    tag_end: u16,
}

impl Reference {
    /// Registry host with optional port, e.g. `docker.io`, `registry.example.com:5000`.
    pub fn domain(&self) -> &str {
        &self.text[..self.domain_end as usize]
    }

    /// Repository path within the registry, e.g. `library/nginx`, `shop/api`.
    pub fn path(&self) -> &str {
        &self.text[self.domain_end as usize + 1..self.path_end as usize]
    }

    pub fn tag(&self) -> Option<&str> {
        let (end, tag_end) = (self.path_end as usize, self.tag_end as usize);
        (tag_end > end).then(|| &self.text[end + 1..tag_end])
    }

    /// `algorithm:hex`, validated.
    pub fn digest(&self) -> Option<&str> {
        self.text.get(self.tag_end as usize + 1..)
    }

    /// `domain/path`, the repository as registries and allow-lists name it.
    pub fn repository(&self) -> &str {
        &self.text[..self.path_end as usize]
    }

    /// The tag the runtime pulls: the explicit one, else `latest` when there is
    /// no digest.
    pub fn effective_tag(&self) -> Option<&str> {
        match (self.tag(), self.digest()) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// A digest is immutable; a tag is not.
    pub fn is_pinned(&self) -> bool {
        self.digest().is_some()
    }

    /// A `sha256:` digest (the only algorithm registries serve in practice).
    pub fn sha256(&self) -> Option<&str> {
        self.digest().and_then(|d| d.strip_prefix("sha256:"))
    }
}

impl fmt::Display for Reference {
    /// The fully qualified form, e.g. `docker.io/library/nginx:1.27@sha256:…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A short, printable excerpt of untrusted input for messages.
pub fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    kit::text!("\"{out}\"")
}

fn err(input: &str, why: impl fmt::Display) -> String {
    kit::text!("invalid image reference {}: {why}", excerpt(input, 80))
}

/// Where the ASCII byte `b` first occurs in `s`. References and patterns
/// are a few dozen bytes: `str::find` with a `char` sets up a `memchr`
/// search that costs more than the whole text in the modules, and a loop
/// over bytes pays the engine's epoch check per byte (`kit::bytes`).
pub(crate) fn find_byte(s: &str, b: u8) -> Option<usize> {
    kit::bytes::find(s.as_bytes(), b)
}

/// Where the ASCII byte `b` last occurs in `s` (see [`find_byte`]).
pub(crate) fn rfind_byte(s: &str, b: u8) -> Option<usize> {
    kit::bytes::rfind(s.as_bytes(), b)
}

/// `s.split_once(b)` for an ASCII byte `b` (see [`find_byte`]).
pub(crate) fn split_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = find_byte(s, b)?;
    // `b` is ASCII, so both sides of it are character boundaries.
    Some((&s[..i], &s[i + 1..]))
}

/// Parses `input` as the runtime does (see the module documentation).
///
/// Where the parts start and end is found at once: from bit masks when the
/// input has at most 64 bytes (`kit::bytes`), which also tell whether its
/// domain and path are well formed, else in one pass; only what the masks
/// do not settle is read a byte at a time (a dozen passes and four copies
/// had taken 500 ns per reference in the modules). The test module keeps
/// the straightforward reading, part by part, that this must agree with.
pub fn parse(input: &str) -> Result<Reference, String> {
    if input.is_empty() {
        return Err("invalid image reference \"\": empty".into());
    }
    if input.len() > 4 * NAME_MAX {
        return Err(err(input, kit::text!("longer than {} bytes", 4 * NAME_MAX)));
    }
    let block = kit::bytes::Block::of(input.as_bytes());
    let parts = match &block {
        Some(block) => Parts::of_block(block),
        None => Parts::of_bytes(input.as_bytes()),
    };
    check_whole(input, parts.printable)?;
    // Digest: after the first '@' (no other part may contain one).
    let (rest, digest) = match parts.at {
        Some(i) => (&input[..i], Some(&input[i + 1..])),
        None => (input, None),
    };
    if let Some(d) = digest {
        check_digest(input, d)?;
    }
    // Tag: after the last ':' when no '/' follows it (a ':' before a '/' is a port).
    let (name, tag) = match parts.last_colon {
        Some(i) if parts.last_slash.is_none_or(|s| s < i) => (&rest[..i], Some(&rest[i + 1..])),
        _ => (rest, None),
    };
    if let Some(t) = tag {
        check_tag(input, t)?;
    }
    if name.is_empty() {
        return Err(err(input, "no repository name"));
    }
    // `split_domain`, from what the pass found: every '/' before the '@'
    // lies in the name, since a tag holds none.
    let (domain, path, path_has_slash) = match parts.first_slash {
        Some(i) if parts.registry_like || &name[..i] == "localhost" => (
            &name[..i],
            &name[i + 1..],
            parts.last_slash != parts.first_slash,
        ),
        first => (DEFAULT_DOMAIN, name, first.is_some()),
    };
    // The name starts the input: the explicit domain is its first bytes,
    // the path the bytes after it.
    let explicit_domain = if path.len() < name.len() {
        name.len() - path.len() - 1
    } else {
        0
    };
    let path_at = name.len() - path.len();
    let well_formed = block
        .as_ref()
        .is_some_and(|b| well_formed(b, explicit_domain, path_at..name.len()));
    if !well_formed {
        // What is wrong, in the order the runtime reports it.
        let (upper_case, path_ok) = scan_path(path.as_bytes());
        if upper_case {
            return Err(err(
                input,
                kit::text!("repository name {} must be lowercase", excerpt(path, 80)),
            ));
        }
        check_domain(input, domain)?;
        if let Some(comp) = path_ok.err() {
            return Err(bad_component(input, comp));
        }
    }
    let domain = if domain == LEGACY_DEFAULT_DOMAIN {
        DEFAULT_DOMAIN
    } else {
        domain
    };
    let official = domain == DEFAULT_DOMAIN && !path_has_slash;
    let prefix = if official { OFFICIAL_PREFIX } else { "" };
    if domain.len() + 1 + prefix.len() + path.len() > NAME_MAX {
        return Err(err(
            input,
            kit::text!("repository name longer than {NAME_MAX} characters"),
        ));
    }
    // `kit::text::Text`: a `String`'s `push_str` is a call out of the
    // guest per piece in the modules (see `kit::text`).
    let mut text = kit::text::Text::with_capacity(
        domain.len() + 1 + prefix.len() + path.len() + input.len() - name.len(),
    );
    for part in [domain, "/", prefix, path] {
        text.push_str(part);
    }
    // At most 255 + 1 + 128 + 1 + 135 bytes: every end fits 16 bits.
    let end = |text: &kit::text::Text| text.len() as u16;
    let domain_end = domain.len() as u16;
    let path_end = end(&text);
    if let Some(t) = tag {
        text.push_str(":");
        text.push_str(t);
    }
    let tag_end = end(&text);
    if let Some(d) = digest {
        text.push_str("@");
        text.push_str(d);
    }
    let text = text.into_string();
    Ok(Reference {
        text,
        domain_end,
        path_end,
        tag_end,
    })
}

/// The refusals of a reference as a whole: a character that is not
/// printable ASCII (`printable`: whether every byte is), and an image ID
/// where a name belongs.
fn check_whole(input: &str, printable: bool) -> Result<(), String> {
    // Whitespace, control and non-ASCII characters are refused: what is left
    // is exactly the printable ASCII bytes.
    if !printable
        && let Some(c) = input
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    {
        return Err(err(input, kit::text!("contains the character {c:?}")));
    }
    if input.len() == 64 && is_hex(input, false) {
        return Err(err(
            input,
            "a 64-character hexadecimal string is an image ID, not a repository name",
        ));
    }
    Ok(())
}

/// Where the parts of a reference start and end.
#[derive(Debug, PartialEq)]
struct Parts {
    /// Every byte is printable ASCII.
    printable: bool,
    /// The first '@'.
    at: Option<usize>,
    /// The last ':', first and last '/' before it.
    last_colon: Option<usize>,
    first_slash: Option<usize>,
    last_slash: Option<usize>,
    /// A '.', ':' or upper-case letter before the first '/': the first
    /// segment names a registry (`split_domain`).
    registry_like: bool,
}

impl Parts {
    /// A reference of up to 64 bytes (most), from its masks: where the
    /// parts are is then a few word operations.
    fn of_block(block: &kit::bytes::Block) -> Parts {
        use kit::bytes::{below, first, last};
        let all = block.all();
        let at = first(block.eq(b'@'));
        let before_at = at.map_or(all, below);
        let colons = block.eq(b':') & before_at;
        let slashes = block.eq(b'/') & before_at;
        let first_slash = first(slashes);
        let registry_like = colons | block.eq(b'.') | block.in_range(b'A', b'Z');
        Parts {
            printable: block.in_range(0x21, 0x7E) == all,
            at,
            last_colon: last(colons),
            first_slash,
            last_slash: last(slashes),
            registry_like: registry_like & before_at & first_slash.map_or(all, below) != 0,
        }
    }

    /// A longer reference, a byte at a time.
    fn of_bytes(bytes: &[u8]) -> Parts {
        let mut parts = Parts {
            printable: true,
            at: None,
            last_colon: None,
            first_slash: None,
            last_slash: None,
            registry_like: false,
        };
        // Most bytes are lower-case letters and digits: one table load and
        // one well-predicted test each. (A `match` on the byte became a
        // jump table in the modules, an indirect jump per byte: it made
        // this pass slower than the dozen it replaced.)
        const NOTED: u8 = AT | SLASH | COLON | REGISTRY_LIKE | UNPRINTABLE;
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let class = class(b);
            if class & NOTED != 0 {
                if class & AT != 0 {
                    parts.at = Some(i);
                    break;
                }
                parts.printable &= class & UNPRINTABLE == 0;
                let before_first_slash = parts.first_slash.is_none();
                parts.registry_like |= before_first_slash && class & REGISTRY_LIKE != 0;
                if class & COLON != 0 {
                    parts.last_colon = Some(i);
                }
                if class & SLASH != 0 {
                    if before_first_slash {
                        parts.first_slash = Some(i);
                    }
                    parts.last_slash = Some(i);
                }
            }
            i += 1;
        }
        // After the '@' only printability matters (the digest is checked
        // on its own).
        parts.printable &= bytes[i..].iter().all(u8::is_ascii_graphic);
        parts
    }
}

/// What references and patterns note about a byte, as bits of [`class`]
/// (0: nothing of note). One table for both: each table is 256 bytes of
/// the module's data, which moves the heap up, and a fresh instance pays
/// for every page the heap reaches.
const AT: u8 = 1;
const SLASH: u8 = 2;
const COLON: u8 = 4;
/// '.', ':' or an upper-case letter: a first segment with one is a registry.
const REGISTRY_LIKE: u8 = 8;
const UNPRINTABLE: u8 = 16;
/// Any byte a registry or repository pattern may have.
pub(crate) const PATTERN_BYTE: u8 = 32;
/// `*`, `?`, `[` and `]`: not in a pattern's exact tag.
pub(crate) const WILDCARD: u8 = 64;
/// `:`, `[`, `]` and upper-case letters: not in a pattern's path.
pub(crate) const NOT_IN_PATH: u8 = 128;

/// The bits of `b` (see [`AT`]). A table rather than a `match`, which is a
/// jump table in the modules: an indirect jump per byte.
pub(crate) fn class(b: u8) -> u8 {
    static CLASSES: [u8; 256] = {
        let mut table = [0; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            let reference = match c {
                b'@' => AT,
                b'/' => SLASH,
                b':' => COLON | REGISTRY_LIKE,
                b'.' | b'A'..=b'Z' => REGISTRY_LIKE,
                _ if !c.is_ascii_graphic() => UNPRINTABLE,
                _ => 0,
            };
            let pattern = match c {
                b'*' | b'?' => PATTERN_BYTE | WILDCARD,
                b'[' | b']' => PATTERN_BYTE | WILDCARD | NOT_IN_PATH,
                b':' | b'A'..=b'Z' => PATTERN_BYTE | NOT_IN_PATH,
                b'-' | b'.' | b'_' | b'/' | b'@' => PATTERN_BYTE,
                _ if c.is_ascii_alphanumeric() => PATTERN_BYTE,
                _ => 0,
            };
            table[b] = reference | pattern;
            b += 1;
        }
        table
    };
    CLASSES[b as usize]
}

/// `distribution/reference` `splitDockerDomain` (before the `library/` prefix).
pub fn split_domain(name: &str) -> (&str, &str) {
    match split_once_byte(name, b'/') {
        // One pass over the bytes: a `contains` of a set of characters
        // decodes each one, and this runs for every container's image.
        Some((first, rest))
            if first == "localhost"
                || first
                    .bytes()
                    .any(|b| matches!(b, b'.' | b':' | b'A'..=b'Z')) =>
        {
            (first, rest)
        }
        _ => (DEFAULT_DOMAIN, name),
    }
}

fn is_hex(s: &str, upper_ok: bool) -> bool {
    s.bytes().all(|b| {
        b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || (upper_ok && (b'A'..=b'F').contains(&b))
    })
}

fn check_tag(input: &str, tag: &str) -> Result<(), String> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = tag.as_bytes();
    match bytes.first() {
        None => Err(err(input, "empty tag after ':'")),
        Some(&b) if !word(b) => Err(err(
            input,
            kit::text!(
                "tag {} must start with a letter, digit or '_'",
                excerpt(tag, 40)
            ),
        )),
        _ if bytes.len() > TAG_MAX => Err(err(
            input,
            kit::text!("tag longer than {TAG_MAX} characters"),
        )),
        _ if !bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-') => Err(err(
            input,
            kit::text!(
                "tag {} may only contain letters, digits, '_', '.' and '-'",
                excerpt(tag, 40)
            ),
        )),
        _ => Ok(()),
    }
}

/// Validates a digest (`sha256:<64 lower hex>` …) on its own.
pub fn digest(d: &str) -> Result<String, String> {
    check_digest(d, d).map(|()| kit::text::owned(d))
}

fn check_digest(input: &str, d: &str) -> Result<(), String> {
    let Some((alg, hex)) = split_once_byte(d, b':') else {
        return Err(err(input, "digest must be <algorithm>:<hex>"));
    };
    let comp_ok = |c: &str| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(u8::is_ascii_alphanumeric)
    };
    if !alg.split(['+', '.', '-', '_']).all(comp_ok) {
        return Err(err(
            input,
            kit::text!("digest algorithm {} is malformed", excerpt(alg, 20)),
        ));
    }
    let want = match alg {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            return Err(err(
                input,
                kit::text!(
                    "unsupported digest algorithm {} (sha256, sha384, sha512)",
                    excerpt(alg, 20)
                ),
            ));
        }
    };
    if hex.len() != want || !is_hex(hex, false) {
        return Err(err(
            input,
            kit::text!("{alg} digest must be {want} lower-case hexadecimal characters"),
        ));
    }
    Ok(())
}

fn check_domain(input: &str, domain: &str) -> Result<(), String> {
    // host [":" port]; an IPv6 host is bracketed.
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let Some((v6, after)) = split_once_byte(rest, b']') else {
            return Err(err(input, "unterminated '[' in registry host"));
        };
        if v6.is_empty() || !v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return Err(err(input, "registry IPv6 address is malformed"));
        }
        match after {
            "" => ("", None),
            p => match p.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return Err(err(input, "unexpected text after the IPv6 address")),
            },
        }
    } else {
        match split_once_byte(domain, b':') {
            Some((h, p)) => (h, Some(p)),
            None => (domain, None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(err(
            input,
            kit::text!("registry port {} must be a number", excerpt(p, 20)),
        ));
    }
    if domain.starts_with('[') {
        return Ok(());
    }
    if !host_ok(host.as_bytes()) {
        return Err(err(
            input,
            kit::text!("registry host {} is malformed", excerpt(host, 60)),
        ));
    }
    Ok(())
}

/// Whether the domain (the first `domain` bytes of the reference in
/// `block`, none for Docker Hub's implied one) and the path (`path`) are
/// well formed, from the block's masks: what `check_domain`, `host_ok` and
/// `scan_path` decide a byte at a time, for the usual case of a reference
/// that has nothing wrong. `false` leaves it to them to say what is wrong
/// (or that nothing is: an IPv6 host is theirs to read).
fn well_formed(block: &kit::bytes::Block, domain: usize, path: std::ops::Range<usize>) -> bool {
    use kit::bytes::{below, first};
    let lower = block.in_range(b'a', b'z') | block.in_range(b'0', b'9');
    let alnum = lower | block.in_range(b'A', b'Z');
    let (dots, dashes) = (block.eq(b'.'), block.eq(b'-'));
    let (underscores, slashes, colons) = (block.eq(b'_'), block.eq(b'/'), block.eq(b':'));
    // Positions here are below 64: the text is one block.
    let bit = |i: usize| 1u64 << i;
    // host [":" port]: labels of letters, digits and inner '-' between
    // single '.'s; the port all digits.
    let domain_ok = domain == 0 || {
        let domain_bits = below(domain);
        let host_end = first(colons & domain_bits).unwrap_or(domain);
        let host = below(host_end);
        let port = domain_bits & !below(host_end + 1);
        let digits = block.in_range(b'0', b'9');
        host_end > 0
            && (bit(0) | bit(host_end - 1)) & !alnum == 0
            && host & !(alnum | dashes | dots) == 0
            && ((dots & host) << 1 | (dots & host) >> 1) & !alnum == 0
            && (host_end == domain || (domain > host_end + 1 && port & !digits == 0))
    };
    // Components of lower-case letters and digits, separated by '.', '_',
    // '__' or runs of '-': each starts and ends with a letter or digit, and
    // two separators in a row are two '-' or two (not three) '_'.
    if path.is_empty() {
        return false;
    }
    let bits = below(path.end) & !below(path.start);
    let starts = (bit(path.start) | slashes << 1) & bits;
    let ends = (bit(path.end - 1) | slashes >> 1) & bits;
    let separators = dots | dashes | underscores;
    let doubled = separators & separators >> 1 & bits;
    let allowed = (dashes & dashes >> 1) | (underscores & underscores >> 1);
    let path_ok = bits & !(lower | separators | slashes) == 0
        && (starts | ends) & !lower == 0
        && doubled & !allowed == 0
        && underscores & underscores >> 1 & underscores >> 2 & bits == 0;
    domain_ok && path_ok
}

/// DNS labels (letters, digits and inner '-') between single '.'s, in one
/// pass: the ends are letters or digits, and so is each neighbour of every
/// '.'.
fn host_ok(h: &[u8]) -> bool {
    let alnum = |i: usize| h.get(i).is_some_and(u8::is_ascii_alphanumeric);
    alnum(0)
        && alnum(h.len().wrapping_sub(1))
        && h.iter().enumerate().all(|(i, &b)| match b {
            b'.' => alnum(i - 1) && alnum(i + 1),
            b => b == b'-' || b.is_ascii_alphanumeric(),
        })
}

/// Whether `path` has upper-case letters, and its first component that is
/// not `[a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*`, in one pass.
fn scan_path(path: &[u8]) -> (bool, Result<(), &[u8]>) {
    /// Where a component's reading stands.
    #[derive(Clone, Copy, PartialEq)]
    enum At {
        Start,
        Alnum,
        Dot,
        Underscore,
        TwoUnderscores,
        Dashes,
        Wrong,
    }
    let mut upper = false;
    let mut first_bad = None;
    let mut start = 0;
    let mut at = At::Start;
    for (i, &b) in path.iter().enumerate() {
        // Most bytes: a letter or digit, decided without the `match` below
        // (a jump table in the modules).
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            if at != At::Wrong {
                at = At::Alnum;
            }
            continue;
        }
        at = match (at, b) {
            (_, b'/') => {
                if at != At::Alnum && first_bad.is_none() {
                    first_bad = Some(&path[start..i]);
                }
                start = i + 1;
                At::Start
            }
            (At::Wrong, _) => At::Wrong,
            (At::Alnum, b'.') => At::Dot,
            (At::Alnum, b'_') => At::Underscore,
            (At::Underscore, b'_') => At::TwoUnderscores,
            (At::Alnum | At::Dashes, b'-') => At::Dashes,
            _ => At::Wrong,
        };
        // A component read as wrong still has its upper-case letters found.
        upper |= b.is_ascii_uppercase();
    }
    if at != At::Alnum && first_bad.is_none() {
        first_bad = Some(&path[start..]);
    }
    (upper, first_bad.map_or(Ok(()), Err))
}

fn bad_component(input: &str, comp: &[u8]) -> String {
    // `comp` lies between '/' bytes (or the ends) of the path.
    let comp = std::str::from_utf8(comp).unwrap_or_default();
    err(
        input,
        kit::text!(
            "repository path component {} must be lower-case letters and digits separated by '.', '_', '__' or '-'",
            excerpt(comp, 40)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Reference {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn bad(s: &str, needle: &str) {
        match parse(s) {
            Ok(r) => panic!("{s} parsed as {r:?}"),
            Err(e) => assert!(e.contains(needle), "{s}: {e} lacks {needle:?}"),
        }
    }

    const D: &str = "sha256:5d0c2b5f7a4e8e9f1c3b2a1d0e9f8c7b6a5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f";

    #[test]
    fn docker_hub_normalisation() {
        let r = ok("nginx");
        assert_eq!(r.repository(), "docker.io/library/nginx");
        assert_eq!(r.tag(), None);
        assert_eq!(r.effective_tag(), Some("latest"));
        assert_eq!(r.to_string(), "docker.io/library/nginx");
        assert_eq!(ok("nginx:1.27").repository(), "docker.io/library/nginx");
        assert_eq!(
            ok("bitnami/redis:7").repository(),
            "docker.io/bitnami/redis"
        );
        assert_eq!(
            ok("docker.io/nginx").repository(),
            "docker.io/library/nginx"
        );
        assert_eq!(
            ok("index.docker.io/nginx").repository(),
            "docker.io/library/nginx"
        );
        assert_eq!(
            ok("index.docker.io/library/nginx:1").repository(),
            "docker.io/library/nginx"
        );
        assert_eq!(ok("a/b/c/d").repository(), "docker.io/a/b/c/d");
    }

    #[test]
    fn registry_hosts_ports_and_localhost() {
        let r = ok("registry.example.com/shop/api:2.31.4");
        assert_eq!((r.domain(), r.path()), ("registry.example.com", "shop/api"));
        let r = ok("registry.example.com:5000/shop/api");
        assert_eq!(r.domain(), "registry.example.com:5000");
        assert_eq!(r.tag(), None);
        let r = ok("registry.example.com:5000/shop/api:1.0");
        assert_eq!(r.tag(), Some("1.0"));
        assert_eq!(ok("localhost/app").domain(), "localhost");
        assert_eq!(ok("localhost:5000/app:v1").domain(), "localhost:5000");
        assert_eq!(ok("myhost:80/app").domain(), "myhost:80");
        assert_eq!(ok("[::1]:5000/app").domain(), "[::1]:5000");
        assert_eq!(ok("[2001:db8::1]/app").domain(), "[2001:db8::1]");
        assert_eq!(ok("192.168.1.10:5000/app").domain(), "192.168.1.10:5000");
        // No '.', ':' nor localhost: a Docker Hub user, not a registry.
        assert_eq!(ok("registry/app").repository(), "docker.io/registry/app");
        // An upper-case first segment is a registry host (as in distribution/reference).
        assert_eq!(ok("Registry/app").domain(), "Registry");
        // "localhost:5000" alone is the Hub image library/localhost with tag 5000.
        let r = ok("localhost:5000");
        assert_eq!(
            (r.repository(), r.tag()),
            ("docker.io/library/localhost", Some("5000"))
        );
        assert_eq!(ok("gcr.io/distroless/static").domain(), "gcr.io");
        assert_eq!(ok("k8s.gcr.io/pause:3.9").domain(), "k8s.gcr.io");
    }

    #[test]
    fn tags_and_digests() {
        let r = ok(&kit::text!("registry.example.com/shop/frontend:3.12.0@{D}"));
        assert_eq!(r.tag(), Some("3.12.0"));
        assert_eq!(r.digest(), Some(D));
        assert!(r.is_pinned());
        assert_eq!(r.effective_tag(), Some("3.12.0"));
        assert_eq!(r.sha256().map(str::len), Some(64));
        let r = ok(&kit::text!("nginx@{D}"));
        assert_eq!(r.tag(), None);
        assert_eq!(r.effective_tag(), None);
        let r = ok(&kit::text!("host:5000/a@{D}"));
        assert_eq!((r.domain(), r.tag()), ("host:5000", None));
        assert_eq!(ok("nginx:Latest").tag(), Some("Latest"));
        assert_eq!(ok("nginx:_x").tag(), Some("_x"));
        assert_eq!(
            ok(&kit::text!("a:{}", "x".repeat(128))).tag().map(str::len),
            Some(128)
        );
        ok(&kit::text!("a@sha512:{}", "a".repeat(128)));
        ok(&kit::text!("a@sha384:{}", "0".repeat(96)));
        assert_eq!(
            ok(&kit::text!("a:1@{D}")).to_string(),
            kit::text!("docker.io/library/a:1@{D}")
        );
    }

    #[test]
    fn malformed_references_are_refused_with_reasons() {
        bad("", "empty");
        bad("Nginx", "must be lowercase");
        bad("library/Nginx:1", "must be lowercase");
        bad("registry.example.com/Shop/api", "must be lowercase");
        bad("nginx:", "empty tag");
        bad("nginx:-x", "must start");
        bad("nginx:a+b", "may only contain");
        bad(&kit::text!("a:{}", "x".repeat(129)), "longer than 128");
        bad("nginx@sha256:abc", "64 lower-case");
        bad(
            &kit::text!("nginx@sha256:{}", "A".repeat(64)),
            "64 lower-case",
        );
        bad(
            &kit::text!("nginx@md5:{}", "a".repeat(32)),
            "unsupported digest algorithm",
        );
        bad("nginx@", "digest must be");
        bad("nginx@sha256", "digest must be");
        bad(&kit::text!("nginx@{D}@{D}"), "lower-case");
        bad(" nginx", "character");
        bad("nginx\n", "character");
        bad("ngïnx", "character");
        bad("a//b", "path component");
        bad("a/", "path component");
        bad("/a", "path component");
        bad("a..b", "path component");
        bad("a___b", "path component");
        bad("a-", "path component");
        bad("-a", "path component");
        bad(":1", "no repository");
        bad("host.com:abc/x", "port");
        bad("host.com:/x", "port");
        bad("-host.com/x", "registry host");
        bad("host..com/x", "registry host");
        bad("[::1/x", "unterminated");
        bad("[zz]:5/x", "IPv6");
        // Without '.' or ':' the first segment is a Docker Hub namespace, as in the runtime.
        bad("[zz]/x", "path component");
        bad(&"a".repeat(64).replace('a', "0"), "image ID");
        bad(&kit::text!("a/{}", "b".repeat(260)), "longer than 255");
        bad(&"x".repeat(5000), "longer than");
        ok("a__b");
        ok("a---b.c_d");
        ok(&"a".repeat(64)[..63]);
    }

    /// `[a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*`, read run by run.
    fn component_ok(b: &[u8]) -> bool {
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
            return false;
        }
        let mut i = 0;
        while i < b.len() {
            if alnum(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && !alnum(b[i]) {
                i += 1;
            }
            let sep = &b[start..i];
            if !(matches!(sep, b"." | b"_" | b"__") || sep.iter().all(|&s| s == b'-')) {
                return false;
            }
        }
        true
    }

    /// Every string of up to `max` bytes from `alphabet`.
    fn all_strings(alphabet: &[u8], max: usize) -> Vec<Vec<u8>> {
        let mut out = vec![Vec::new()];
        let mut last = vec![Vec::new()];
        for _ in 0..max {
            last = last
                .iter()
                .flat_map(|s: &Vec<u8>| {
                    alphabet.iter().map(move |&b| {
                        let mut s = s.clone();
                        s.push(b);
                        s
                    })
                })
                .collect();
            out.extend(last.iter().cloned());
        }
        out
    }

    #[test]
    fn one_pass_checks_agree_with_splitting_into_parts() {
        for h in all_strings(b"a0-.:", 6) {
            let labels = h.split(|&b| b == b'.').all(|l| {
                !l.is_empty()
                    && l[0].is_ascii_alphanumeric()
                    && l[l.len() - 1].is_ascii_alphanumeric()
                    && l.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-')
            });
            assert_eq!(host_ok(&h), labels, "{:?}", String::from_utf8_lossy(&h));
        }
        for p in all_strings(b"a0-._/A", 7) {
            let first_bad = p.split(|&b| b == b'/').find(|c| !component_ok(c));
            let upper = p.iter().any(u8::is_ascii_uppercase);
            assert_eq!(
                scan_path(&p),
                (upper, first_bad.map_or(Ok(()), Err)),
                "{:?}",
                String::from_utf8_lossy(&p)
            );
        }
    }

    #[test]
    fn masks_find_the_parts_a_byte_by_byte_reading_finds() {
        for s in all_strings(b"a.A:/@ -", 6) {
            assert_eq!(
                Parts::of_block(&kit::bytes::Block::of(&s).unwrap()),
                Parts::of_bytes(&s),
                "{:?}",
                String::from_utf8_lossy(&s)
            );
        }
        let long = kit::text!("registry.example.com:5000/team/app:1.0@{}x", "é".repeat(12));
        assert_eq!(long.len(), 64);
        let block = kit::bytes::Block::of(long.as_bytes()).unwrap();
        assert_eq!(Parts::of_block(&block), Parts::of_bytes(long.as_bytes()));
    }

    /// The reference read a question at a time, each with its own pass, as
    /// `parse` read it before it found the parts in one pass.
    fn part_by_part(
        input: &str,
    ) -> Result<(String, String, Option<String>, Option<String>), String> {
        if input.is_empty() || input.len() > 4 * NAME_MAX {
            return parse(input).map(|r| panic!("{input:?} parsed as {r:?}"));
        }
        check_whole(input, input.bytes().all(|b| b.is_ascii_graphic()))?;
        let (rest, digest) = match split_once_byte(input, b'@') {
            Some((r, d)) => (r, Some(check_digest(input, d).map(|()| d.to_string())?)),
            None => (input, None),
        };
        let (name, tag) = match rfind_byte(rest, b':') {
            Some(i) if find_byte(&rest[i + 1..], b'/').is_none() => {
                (&rest[..i], Some(&rest[i + 1..]))
            }
            _ => (rest, None),
        };
        if let Some(t) = tag {
            check_tag(input, t)?;
        }
        if name.is_empty() {
            return Err(err(input, "no repository name"));
        }
        let (domain, path) = split_domain(name);
        if path.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(err(
                input,
                kit::text!("repository name {} must be lowercase", excerpt(path, 80)),
            ));
        }
        check_domain(input, domain)?;
        if let Some(c) = path
            .as_bytes()
            .split(|&b| b == b'/')
            .find(|c| !component_ok(c))
        {
            return Err(bad_component(input, c));
        }
        let domain = if domain == LEGACY_DEFAULT_DOMAIN {
            DEFAULT_DOMAIN
        } else {
            domain
        };
        let path = if domain == DEFAULT_DOMAIN && find_byte(path, b'/').is_none() {
            kit::text!("{OFFICIAL_PREFIX}{path}")
        } else {
            path.to_string()
        };
        if domain.len() + 1 + path.len() > NAME_MAX {
            return Err(err(
                input,
                kit::text!("repository name longer than {NAME_MAX} characters"),
            ));
        }
        Ok((domain.to_string(), path, tag.map(str::to_string), digest))
    }

    #[test]
    fn one_pass_parse_agrees_with_reading_part_by_part() {
        // Odd pieces too (empty, NUL, a bare algorithm): besides agreeing,
        // `parse` must not panic on any of them.
        let pieces = [
            "",
            "\u{0}",
            "sha256",
            "a",
            "A",
            ":",
            "@",
            "/",
            ".",
            "-",
            "_",
            "__",
            "[",
            "]",
            "1",
            "localhost",
            "docker.io",
            "index.docker.io",
            "sha256:",
            "é",
            " ",
        ];
        let digest = kit::text!("@sha256:{}", "f".repeat(64));
        let mut inputs = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        for s in [
                            kit::text!("{a}{b}{c}{d}"),
                            kit::text!("{a}{b}{c}{d}{digest}"),
                            kit::text!("{a}/{b}{c}:{d}{digest}"),
                            kit::text!("{a}{b}/{c}{d}:{a}"),
                        ] {
                            let new = parse(&s).map(|r| {
                                assert_eq!(r.to_string().len(), r.text.len());
                                let (tag, digest) = (r.tag(), r.digest());
                                (
                                    r.domain().into(),
                                    r.path().into(),
                                    tag.map(Into::into),
                                    digest.map(Into::into),
                                )
                            });
                            assert_eq!(new, part_by_part(&s), "{s:?}");
                            inputs += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(inputs, 4 * 21 * 21 * 21 * 21);
    }

    #[test]
    fn excerpts_are_cut_with_an_ellipsis() {
        assert!(excerpt(&"é".repeat(200), 5).ends_with("…\""));
    }
}
