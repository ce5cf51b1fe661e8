//! Shell-style globs (`*`, `?`) for exemption and allow-list patterns such as
//! `registry.example.com/team-*/*` or `kube-*`.

pub fn matches(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    // Position of the last `*` and the text index it was tried at: iterative
    // backtracking keeps this linear-ish and free of recursion on hostile input.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

pub fn any_matches<S: AsRef<str>>(patterns: &[S], text: &str) -> bool {
    patterns.iter().any(|p| matches(p.as_ref(), text))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("*", ""));
        assert!(matches("kube-*", "kube-system"));
        assert!(!matches("kube-*", "default"));
        assert!(matches("ghcr.io/acme/*", "ghcr.io/acme/api:1.2"));
        assert!(matches("a?c", "abc"));
        assert!(!matches("a?c", "ac"));
        assert!(matches("*b*b*", "abxxbyy"));
        assert!(!matches("exact", "exactly"));
        assert!(matches(&"*a".repeat(50), &"a".repeat(200)));
    }
}
