//! Recognising credentials written as literal values: by the name they are
//! stored under and by the shape of the value (private keys, cloud access
//! keys, tokens, URLs with passwords, high-entropy strings).

use kit::Ctx;
use kit::dom::same_bytes;

/// Name fragments (upper-case, `-`/`.` read as `_`) of variables that hold secrets.
const SECRET_NAMES: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "ACCESS_KEY",
    "ACCESSKEY",
    "PRIVATE_KEY",
    "PRIVATEKEY",
    "CREDENTIAL",
    "AUTH_KEY",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "MASTER_KEY",
    "CLIENT_KEY",
    "_PWD",
    "DSN",
];

/// Last segments of a name that say the value is not the secret itself.
const REFERENCE_SUFFIXES: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "REF",
    "KEYREF",
    "SECRETREF",
    "ENDPOINT",
    "HOST",
    "PORT",
    "LENGTH",
    "LEN",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRATION",
    "LIFETIME",
    "HEADER",
    "TYPE",
    "ENABLED",
    "ENABLE",
    "DISABLED",
    "REQUIRED",
    "POLICY",
    "SIZE",
    "MIN",
    "MAX",
    "ROTATION",
    "ALGORITHM",
    "ISSUER",
    "AUDIENCE",
    "MOUNT",
    "LOCATION",
    "FORMAT",
    "KIND",
    "MODE",
    "VERSION",
];

/// For each byte, the [`SECRET_NAMES`] fragments that start with it (one
/// bit per fragment), so that a name is scanned once, not once per fragment.
const STARTING_WITH: [u32; 256] = {
    assert!(SECRET_NAMES.len() <= 32);
    let mut table = [0; 256];
    let mut f = 0;
    while f < SECRET_NAMES.len() {
        table[SECRET_NAMES[f].as_bytes()[0] as usize] |= 1 << f;
        f += 1;
    }
    table
};

/// Names longer than this are normalised on the heap.
const SHORT_NAME: usize = 64;

/// Whether a variable or key name says it holds a secret.
pub fn secret_name(name: &str) -> bool {
    // One normalised copy, compared byte by byte: names are short, and a
    // `str::contains` per fragment builds a substring searcher every time
    // (most of this function's cost on every env var of every pod).
    let name = name.trim().as_bytes();
    let normalised = |b: &u8| match b.to_ascii_uppercase() {
        b'-' | b'.' => b'_',
        other => other,
    };
    let mut short = [0; SHORT_NAME];
    let long: Vec<u8>;
    let n: &[u8] = if name.len() <= SHORT_NAME {
        for (to, from) in short.iter_mut().zip(name) {
            *to = normalised(from);
        }
        &short[..name.len()]
    } else {
        long = name.iter().map(normalised).collect();
        &long
    };
    let named = (0..n.len()).any(|i| {
        let mut fragments = STARTING_WITH[usize::from(n[i])];
        while fragments != 0 {
            let fragment = SECRET_NAMES[fragments.trailing_zeros() as usize].as_bytes();
            fragments &= fragments - 1;
            if n.len() - i >= fragment.len() && same_bytes(&n[i..i + fragment.len()], fragment) {
                return true;
            }
        }
        false
    });
    if !named {
        return false;
    }
    let last = n
        .rsplit(|&b| b == b'_')
        .find(|s| !s.is_empty())
        .unwrap_or(&[]);
    !REFERENCE_SUFFIXES
        .iter()
        .any(|s| same_bytes(s.as_bytes(), last))
}

/// Values that are not a secret whatever the name: empty, booleans, numbers,
/// paths, placeholders for substitution.
pub fn inert_value(v: &str) -> bool {
    let v = v.trim();
    v.len() < 4
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "none" | "null" | "enabled" | "disabled"
        )
        || v.bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        || v.starts_with('/')
        || v.starts_with("$(")
        || v.starts_with("${")
        || v.starts_with("{{")
        || v.starts_with("file://")
        || v.starts_with("vault:")
        || v.starts_with("ref+")
        || v.starts_with("arn:aws:secretsmanager")
}

fn run(b: &[u8], i: usize, len: usize, ok: fn(u8) -> bool) -> bool {
    b.len() >= i + len && b[i..i + len].iter().all(|c| ok(*c))
}

fn upper_digit(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

fn b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// The kind of credential `v` contains, by shape; `None` when it has none.
///
/// Every value of every Pod's env is looked at. A value of up to 64 bytes
/// (most) is looked at as masks (`kit::bytes`): a key can only start at a
/// word boundary with one of six letters, and a URL password needs `://`,
/// so most values are decided without a loop over their bytes.
pub fn credential_shape(v: &str, entropy: bool) -> Option<&'static str> {
    match kit::bytes::Block::of(v.as_bytes()) {
        Some(block) => shape_from_masks(v, &block, entropy),
        None => shape_byte_by_byte(v, entropy),
    }
}

fn shape_from_masks(v: &str, block: &kit::bytes::Block, entropy: bool) -> Option<&'static str> {
    let dashes = block.eq(b'-');
    if dashes & dashes >> 1 & dashes >> 2 & dashes >> 3 & dashes >> 4 != 0
        && let Some(pem) = pem_key(v)
    {
        return Some(pem);
    }
    let alnum =
        block.in_range(b'a', b'z') | block.in_range(b'A', b'Z') | block.in_range(b'0', b'9');
    let boundaries = (1 | !alnum << 1) & block.all();
    let first_letters = [b'A', b'g', b'x', b's', b'r', b'e'];
    let mut starts = first_letters.iter().fold(0, |m, &c| m | block.eq(c)) & boundaries;
    while starts != 0 {
        let i = starts.trailing_zeros() as usize;
        starts &= starts - 1;
        if let Some(key) = key_at(v, i) {
            return Some(key);
        }
    }
    let (colons, slashes) = (block.eq(b':'), block.eq(b'/'));
    url_or_entropy(v, colons & slashes >> 1 & slashes >> 2 != 0, entropy)
}

fn shape_byte_by_byte(v: &str, entropy: bool) -> Option<&'static str> {
    let b = v.as_bytes();
    if b.windows(5).any(|w| w.iter().all(|&c| c == b'-'))
        && let Some(pem) = pem_key(v)
    {
        return Some(pem);
    }
    for i in 0..b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if boundary && let Some(key) = key_at(v, i) {
            return Some(key);
        }
    }
    url_or_entropy(v, true, entropy)
}

/// The shapes looked for once no key was found: a URL with a password
/// (`has_scheme`: whether `v` may hold `://`) and, with `entropy`, a
/// random-looking string.
fn url_or_entropy(v: &str, has_scheme: bool, entropy: bool) -> Option<&'static str> {
    if has_scheme && url_with_password(v) {
        return Some("a URL with an embedded password");
    }
    if entropy && high_entropy(v) {
        return Some("a high-entropy string");
    }
    None
}

/// A PEM private key, in a value with five dashes in a row.
fn pem_key(v: &str) -> Option<&'static str> {
    (v.contains("PRIVATE KEY-----") && v.contains("-----BEGIN")).then_some("a PEM private key")
}

/// The key or token starting at byte `i` of `v` (a word boundary), if any.
fn key_at(v: &str, i: usize) -> Option<&'static str> {
    let b = v.as_bytes();
    let w = b.get(i..i + 4)?;
    match w {
        b"AKIA" | b"ASIA" | b"AGPA" | b"AIDA" | b"AROA" | b"ANPA"
            if run(b, i + 4, 16, upper_digit)
                && !b.get(i + 20).is_some_and(u8::is_ascii_alphanumeric) =>
        {
            return Some("an AWS access key id");
        }
        b"AIza" if run(b, i + 4, 35, b64url) => return Some("a Google API key"),
        b"ghp_" | b"gho_" | b"ghs_" | b"ghu_" if run(b, i + 4, 36, b64url) => {
            return Some("a GitHub token");
        }
        b"glpa" if v[i..].starts_with("glpat-") && run(b, i + 6, 20, b64url) => {
            return Some("a GitLab token");
        }
        b"xoxb" | b"xoxp" | b"xoxa" | b"xoxs" if b.get(i + 4) == Some(&b'-') => {
            return Some("a Slack token");
        }
        b"sk_l" | b"rk_l" if v[i + 2..].starts_with("_live_") => {
            return Some("a Stripe live key");
        }
        _ => {}
    }
    (w.starts_with(b"eyJ") && jwt_at(&v[i..])).then_some("a JSON Web Token")
}

/// `eyJ<header>.eyJ<payload>.<signature>` with base64url segments.
fn jwt_at(s: &str) -> bool {
    let token: &str = s
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .next()
        .unwrap_or("");
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && parts[0].len() >= 10
        && parts[1].starts_with("eyJ")
        && parts[1].len() >= 10
        && parts[2].len() >= 10
}

/// `scheme://user:password@host` with a literal password.
fn url_with_password(v: &str) -> bool {
    let mut rest = v;
    // A byte scan: `str::find` sets up a substring searcher for every value.
    let separator = |s: &str| s.as_bytes().windows(3).position(|w| w == b"://");
    while let Some(i) = separator(rest) {
        let after = &rest[i + 3..];
        let authority = after
            .split(['/', ' ', '\n', '"', '\'', '?', '#'])
            .next()
            .unwrap_or("");
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, password)) = userinfo.split_once(':')
            && !password.is_empty()
            && !inert_value(password)
            && !password.starts_with('$')
        {
            return true;
        }
        rest = after;
    }
    false
}

/// A single token of at least 32 characters mixing upper case, lower case
/// and digits (two or more) with a Shannon entropy of at least 4.3 bits per character:
/// random keys look like this, hex digests, UUIDs and words do not.
pub fn high_entropy(v: &str) -> bool {
    let v = v.trim();
    let b = v.as_bytes();
    if b.len() < 32 || b.len() > 4096 || v.starts_with('/') {
        return false;
    }
    // The alphabet of keys. A URL's ':' is outside it: a URL needs no test
    // of its own.
    if !b
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_'))
    {
        return false;
    }
    let (mut up, mut low, mut dig) = (false, false, 0);
    let mut counts = [0u32; 128];
    for &c in b {
        up |= c.is_ascii_uppercase();
        low |= c.is_ascii_lowercase();
        dig += usize::from(c.is_ascii_digit());
        counts[usize::from(c & 0x7f)] += 1;
    }
    if !(up && low && dig >= 2) {
        return false;
    }
    let n = b.len() as f64;
    let h: f64 = counts
        .iter()
        .filter(|c| **c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum();
    h >= 4.3
}

/// The allow-lists every literal-credential control reads.
pub struct Allow {
    names: Vec<String>,
    values: Vec<String>,
    entropy: bool,
}

impl Allow {
    pub fn of(ctx: &Ctx) -> Allow {
        Allow {
            names: ctx.params.strings("allowNames"),
            values: ctx.params.strings("allowValues"),
            entropy: ctx.params.bool("detectHighEntropy"),
        }
    }

    /// Why the literal `value` stored under `name` looks like a credential.
    pub fn judge(&self, name: &str, value: &str) -> Option<String> {
        if kit::glob::any_matches(&self.names, name) || kit::glob::any_matches(&self.values, value)
        {
            return None;
        }
        if let Some(shape) = credential_shape(value, self.entropy) {
            return Some(kit::text!("holds {shape}"));
        }
        if secret_name(name) && !inert_value(value) {
            return Some("is named like a credential and has a literal value".into());
        }
        None
    }
}

pub const PARAMS: &[kit::Param] = &[
    kit::Param {
        name: "allowNames",
        kind: kit::ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "variable or key names (globs, e.g. \"*_TOKEN_AUDIENCE\") never reported"
        ),
    },
    kit::Param {
        name: "allowValues",
        kind: kit::ParamKind::StringList,
        default: "[]",
        description: kit::cold!(
            "values (globs, e.g. \"dev-*\") never reported, e.g. documented test placeholders"
        ),
    },
    kit::Param {
        name: "detectHighEntropy",
        kind: kit::ParamKind::Bool,
        default: "true",
        description: kit::cold!(
            "also report any value of 32+ characters that looks random (mixed case and digits, ≥ 4.3 bits of entropy per character)"
        ),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Values of up to 64 bytes are looked at as masks; a byte-by-byte
    /// reading of the same value must find the same shape.
    #[test]
    fn masks_find_the_shapes_a_byte_by_byte_reading_finds() {
        let keys = [
            "AKIAIOSFODNN7EXAMPLE",
            "AIzaSyD-1234567890abcdefghijklmnopqrstu",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "glpat-abcdefghijklmnopqrst",
            "xoxb-1",
            "sk_live_1",
            "rk_live_1",
            "eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.abcdefghijklmn",
            "https://user:hunter2x@db",
            "-----BEGIN RSA PRIVATE KEY-----",
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRg",
        ];
        let around = ["", "x", "=", "-", " ", "é", "A", "a:b//", "ghp_"];
        let mut looked_at = 0;
        for key in keys {
            for before in around {
                for after in around {
                    let v = kit::text!("{before}{key}{after}");
                    for cut in 0..=v.len() {
                        let Some(v) = v.get(..cut) else { continue };
                        let Some(block) = kit::bytes::Block::of(v.as_bytes()) else {
                            continue;
                        };
                        for entropy in [false, true] {
                            assert_eq!(
                                shape_from_masks(v, &block, entropy),
                                shape_byte_by_byte(v, entropy),
                                "{v:?}"
                            );
                            looked_at += 1;
                        }
                    }
                }
            }
        }
        assert!(looked_at > 20_000, "{looked_at}");
    }

    #[test]
    fn names_values_and_shapes() {
        assert!(
            secret_name("DATABASE_PASSWORD")
                && secret_name("api-key")
                && secret_name("GITHUB_TOKEN")
        );
        assert!(
            !secret_name("PASSWORD_FILE") && !secret_name("TOKEN_TTL") && !secret_name("LOG_LEVEL")
        );
        assert!(
            inert_value("")
                && inert_value("true")
                && inert_value("3600")
                && inert_value("/run/secrets/db")
        );
        assert!(!inert_value("hunter22"));
        assert_eq!(
            credential_shape("AKIAIOSFODNN7EXAMPLE", false),
            Some("an AWS access key id")
        );
        assert_eq!(credential_shape("xAKIAIOSFODNN7EXAMPLE", false), None);
        assert_eq!(
            credential_shape("-----BEGIN RSA PRIVATE KEY-----\nMII", false),
            Some("a PEM private key")
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(credential_shape(jwt, false), Some("a JSON Web Token"));
        assert_eq!(
            credential_shape("postgres://app:s3cr3tpw@db:5432/x", false),
            Some("a URL with an embedded password")
        );
        assert_eq!(
            credential_shape("postgres://app:$(DB_PASSWORD)@db:5432/x", false),
            None
        );
        assert_eq!(
            credential_shape("redis://redis.shop.svc.cluster.local:6379/0", true),
            None
        );
        assert!(high_entropy("q8Zt3LmR7vXw2PkN9sHd4GfJ6bYc1TeA5uWo0"));
        assert!(!high_entropy("0123456789abcdef0123456789abcdef01234567"));
        assert!(!high_entropy("550e8400-e29b-41d4-a716-446655440000"));
        assert!(!high_entropy("ThisIsAVeryLongConfigurationName2"));
    }

    /// The byte-wise reading agrees with the plain string one it replaced
    /// (upper-case, `-`/`.` as `_`, `contains`, last non-empty segment).
    #[test]
    fn secret_name_reads_names_as_the_string_version_did() {
        let by_strings = |name: &str| {
            let n = name.trim().to_ascii_uppercase().replace(['-', '.'], "_");
            SECRET_NAMES.iter().any(|s| n.contains(s)) && {
                let last = n.rsplit('_').find(|s| !s.is_empty()).unwrap_or("");
                !REFERENCE_SUFFIXES.contains(&last)
            }
        };
        let names = [
            "",
            "_",
            "__",
            "DB_PASSWORD",
            "db-password",
            "db.password",
            " db_password\t",
            "PASSWORD_FILE",
            "password_file_",
            "TOKEN__",
            "_TOKEN",
            "api-key",
            "apikey",
            "ApiKey_Path",
            "LOG_LEVEL",
            "DSN",
            "dsn.",
            "x_pwd",
            "pwd",
            "ÉTOKEN",
            "TOKEN_É",
            "\u{a0}TOKEN\u{a0}",
            "tokenttl",
            "TOKEN-TTL",
            "MY_SECRET_REF",
            "SECRETREF",
            "SIGNING-KEY",
            "signing_key.version",
            "pass",
            "PASSWD_",
            "AUTH_KEY_NAME",
        ];
        for name in names {
            assert_eq!(secret_name(name), by_strings(name), "{name:?}");
        }
    }
}
