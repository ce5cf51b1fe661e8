//! Kubernetes metadata syntax (label values, qualified names) and small text
//! helpers for messages. Candidates for the kit.

/// A label value as the API server accepts it: empty, or at most 63
/// characters of `[A-Za-z0-9._-]` beginning and ending with an alphanumeric.
pub fn check_label_value(v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Ok(());
    }
    if v.len() > 63 {
        return Err(kit::text!("is {} characters long (at most 63)", v.len()));
    }
    check_name_chars(v)
}

fn check_name_chars(v: &str) -> Result<(), String> {
    let b = v.as_bytes();
    let alnum = |c: &u8| c.is_ascii_alphanumeric();
    if !b.first().is_some_and(alnum) || !b.last().is_some_and(alnum) {
        return Err("must begin and end with a letter or digit".into());
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(kit::text!(
            "has the character {c:?} (allowed: letters, digits, - _ .)"
        ));
    }
    Ok(())
}

/// A label or annotation key: `[prefix/]name`, the prefix a DNS-1123
/// subdomain of at most 253 characters, the name as a label value but not
/// empty.
pub fn check_qualified_name(k: &str) -> Result<(), String> {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if name.is_empty() {
        return Err("is not a label key: the name part is empty".into());
    }
    if name.len() > 63 {
        return Err("is not a label key: the name part is longer than 63 characters".into());
    }
    check_name_chars(name).map_err(|e| kit::text!("is not a label key: the name part {e}"))?;
    if let Some(p) = prefix {
        let ok = !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                let b = part.as_bytes();
                !part.is_empty()
                    && part.len() <= 63
                    && b.iter()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                    && b.first().is_some_and(u8::is_ascii_alphanumeric)
                    && b.last().is_some_and(u8::is_ascii_alphanumeric)
            });
        if !ok {
            return Err("is not a label key: the prefix is not a DNS subdomain".into());
        }
    }
    Ok(())
}

/// The first line of a host error, at most 160 characters.
pub fn first_line(e: &str) -> String {
    bounded(e.lines().next().unwrap_or(""))
}

/// `s` cut at 160 characters (on a character boundary) for messages.
pub fn bounded(s: &str) -> String {
    const MAX: usize = 160;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    kit::text!("{}…", &s[..end])
}

/// A string or other JSON value for messages, bounded.
pub fn shown(v: &kit::Value) -> String {
    kit::json::brief(v, 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values() {
        for ok in ["", "a", "team-a", "A.b_c-9", &"x".repeat(63)] {
            assert!(check_label_value(ok).is_ok(), "{ok}");
        }
        for bad in ["-a", "a-", "a b", "é", "a/b", &"x".repeat(64), "_a"] {
            assert!(check_label_value(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn qualified_names() {
        for ok in [
            "owner",
            "example.com/owner",
            "a-b.c/x_y",
            "privacy.kube-soc2.io/retention",
        ] {
            assert!(check_qualified_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/x",
            "Example.com/x",
            "a..b/x",
            "x/",
            "a/b/c",
            "-x",
            "a_b.com/x",
        ] {
            assert!(check_qualified_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounded_messages() {
        assert_eq!(first_line("a\nb"), "a");
        assert!(bounded(&"é".repeat(200)).ends_with('…'));
    }
}
