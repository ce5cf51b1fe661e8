//! Command-line flags of a control-plane container (kube-apiserver, etcd,
//! kube-controller-manager, kube-scheduler), read the way their flag library
//! (spf13/pflag) reads them, with the field path of each flag for findings.
//!
//! `command` and `args` are concatenated as the runtime does. Forms:
//! `--name=value`, `--name value` (the next word, when it does not start with
//! `-`), `--name` alone (a boolean set to true), `-name` (one dash, accepted by
//! pflag for long names too). A flag given twice: the last one wins for a
//! scalar, every value counts for lists (`values`).

use crate::dom::Value;
use crate::pod::Container;
use crate::same_name;

/// One occurrence of a flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagArg<'a> {
    pub name: &'a str,
    /// `None` for a bare `--name`.
    pub value: Option<&'a str>,
    /// A boolean flag written `--name word`: pflag sets it to true and leaves
    /// `word` as a stray argument, which the components refuse.
    pub stray: Option<&'a str>,
    /// The word holding the flag.
    pub word: Word,
}

/// Where a word of the command line is: its list (`command` or `args`) and
/// its index there. A field path is made from it only for a finding
/// ([`FlagArg::path`]): a 3 MiB static Pod with 60,000 words took
/// cluster-hardening 289 MiB and 1.2 s when every control formatted a path
/// for every word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    pub field: &'static str,
    pub index: usize,
}

impl Word {
    /// Field path of the word in `container` (the one it was read from),
    /// e.g. `spec.containers[0].command[3]`.
    pub fn path(&self, container: &Container) -> String {
        container.field_path(&crate::text!("{}[{}]", self.field, self.index))
    }
}

impl FlagArg<'_> {
    /// Field path of the word holding the flag in `container` (the one the
    /// flags were read from).
    pub fn path(&self, container: &Container) -> String {
        self.word.path(container)
    }
}

/// The flags of one container, in command-line order.
#[derive(Clone, Debug, Default)]
pub struct Flags<'a> {
    pub args: Vec<FlagArg<'a>>,
    /// The words of `command` + `args` (binary and positional words included).
    pub words: Vec<&'a str>,
    /// `command`/`args` entries that are not strings (fail closed: a control
    /// cannot say what such a command line does).
    pub malformed: Vec<String>,
}

impl<'a> Flags<'a> {
    /// Reads `command` then `args` of `container`.
    pub fn of_container(container: &Container<'a>) -> Flags<'a> {
        let mut words: Vec<(&'a str, Word)> = Vec::new();
        let mut malformed = Vec::new();
        for field in ["command", "args"] {
            match container.get(&[field]) {
                Some(Value::Array(items)) => {
                    words.reserve(items.len());
                    for (index, item) in items.iter().enumerate() {
                        let word = Word { field, index };
                        match item.as_str() {
                            Some(s) => words.push((s, word)),
                            None => malformed.push(word.path(container)),
                        }
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => malformed.push(container.field_path(field)),
            }
        }
        let mut flags = Flags::parse(words);
        flags.malformed = malformed;
        flags
    }

    /// Reads words given with where they are.
    pub fn parse(words: Vec<(&'a str, Word)>) -> Flags<'a> {
        let mut args = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let (word, at) = words[i];
            i += 1;
            let Some(body) = word
                .strip_prefix("--")
                .or_else(|| word.strip_prefix('-'))
                .filter(|b| !b.is_empty() && !b.starts_with('-'))
            else {
                continue;
            };
            let next_word = words
                .get(i)
                .map(|(next, _)| *next)
                .filter(|next| !next.starts_with('-') && !is_binary(next));
            let (name, value, stray) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v), None),
                // pflag never gives a boolean flag the next word: `--profiling
                // false` sets profiling to true and leaves a stray `false`.
                None if BOOLEAN_FLAGS.contains(&body) => {
                    i += usize::from(next_word.is_some());
                    (body, None, next_word)
                }
                None => {
                    i += usize::from(next_word.is_some());
                    (body, next_word, None)
                }
            };
            args.push(FlagArg {
                name,
                value,
                stray,
                word: at,
            });
        }
        Flags {
            args,
            words: words.iter().map(|(w, _)| *w).collect(),
            malformed: Vec::new(),
        }
    }

    /// The last occurrence of `name` (without dashes).
    pub fn last(&self, name: &str) -> Option<&FlagArg<'a>> {
        self.args.iter().rev().find(|a| same_name(a.name, name))
    }

    /// The value `name` takes: the last occurrence's, `"true"` for a bare flag.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.last(name).map(|a| a.value.unwrap_or("true"))
    }

    pub fn has(&self, name: &str) -> bool {
        self.last(name).is_some()
    }

    /// Every value of a list flag: all occurrences, each split at commas,
    /// trimmed, empty items dropped.
    pub fn values(&self, name: &str) -> Vec<&'a str> {
        self.args
            .iter()
            .filter(|a| same_name(a.name, name))
            .flat_map(|a| a.value.unwrap_or("").split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A boolean flag as Go's `strconv.ParseBool` reads it; `Malformed` for
    /// anything else (the component would refuse to start, but the object
    /// still claims something a control cannot verify).
    pub fn flag(&self, name: &str) -> crate::value::Flag {
        use crate::value::Flag;
        match self.get(name) {
            None => Flag::Absent,
            Some("1" | "t" | "T" | "true" | "TRUE" | "True") => Flag::True,
            Some("0" | "f" | "F" | "false" | "FALSE" | "False") => Flag::False,
            Some(_) => Flag::Malformed,
        }
    }

    /// The name of the program: the first word's last path segment.
    pub fn binary(&self) -> &'a str {
        self.words
            .first()
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .unwrap_or("")
    }
}

/// Boolean flags of the control-plane components that controls read: the
/// only form that sets them to false is `--name=false`.
pub const BOOLEAN_FLAGS: &[&str] = &[
    "allow-privileged",
    "anonymous-auth",
    "auto-tls",
    "client-cert-auth",
    "enable-bootstrap-token-auth",
    "enable-debugging-handlers",
    "insecure-skip-tls-verify",
    "make-iptables-util-chains",
    "peer-auto-tls",
    "peer-client-cert-auth",
    "profiling",
    "protect-kernel-defaults",
    "read-only-port-enabled",
    "rotate-certificates",
    "service-account-lookup",
    "use-service-account-credentials",
];

/// A word that starts a new program in `sh -c`-less command lines is never a
/// flag value; only the control-plane binaries are recognised.
fn is_binary(word: &str) -> bool {
    let base = word.rsplit('/').next().unwrap_or(word);
    matches!(
        base,
        "kube-apiserver" | "kube-controller-manager" | "kube-scheduler" | "etcd" | "kubelet"
    )
}

/// Which control-plane component a container runs, by its program name
/// (`command[0]`, else the image's repository name).
pub fn component(container: &Container) -> Option<&'static str> {
    const COMPONENTS: [&str; 5] = [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "etcd",
        "kubelet",
    ];
    let first = container
        .get(&["command", "0"])
        .or_else(|| container.get(&["command"]).and_then(|c| c.get(0)))
        .and_then(Value::as_str)
        .map(|w| w.rsplit('/').next().unwrap_or(w));
    if let Some(c) = first.and_then(|f| COMPONENTS.iter().find(|c| **c == f)) {
        return Some(c);
    }
    let repo = container.image.split(['@', ':']).next().unwrap_or("");
    let name = repo.rsplit('/').next().unwrap_or("");
    COMPONENTS.iter().find(|c| same_name(c, name)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Flag;

    fn parse(line: &str) -> Flags<'_> {
        Flags::parse(
            line.split(' ')
                .enumerate()
                .map(|(index, w)| {
                    (
                        w,
                        Word {
                            field: "command",
                            index,
                        },
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn reads_every_form_pflag_accepts() {
        let f = parse(
            "kube-apiserver --anonymous-auth=false --authorization-mode Node,RBAC -profiling \
             --enable-admission-plugins=NodeRestriction --enable-admission-plugins=AlwaysPullImages --v=2 --insecure",
        );
        assert_eq!(f.binary(), "kube-apiserver");
        assert_eq!(f.get("anonymous-auth"), Some("false"));
        assert_eq!(f.flag("anonymous-auth"), Flag::False);
        assert_eq!(f.values("authorization-mode"), ["Node", "RBAC"]);
        assert_eq!(
            f.last("authorization-mode").unwrap().word,
            Word {
                field: "command",
                index: 2
            }
        );
        assert_eq!(f.flag("profiling"), Flag::True);
        assert_eq!(
            f.values("enable-admission-plugins"),
            ["NodeRestriction", "AlwaysPullImages"]
        );
        assert_eq!(f.get("insecure"), Some("true"));
        assert_eq!(f.flag("v"), Flag::Malformed);
        assert!(!f.has("audit-log-path"));
    }

    #[test]
    fn last_occurrence_wins_and_odd_words_do_not_panic() {
        let f = parse("etcd --auto-tls=true --auto-tls=false - -- --=x ---x --client-cert-auth");
        assert_eq!(f.flag("auto-tls"), Flag::False);
        assert_eq!(f.flag("client-cert-auth"), Flag::True);
        // A boolean flag never takes the next word, as in pflag.
        let f = parse("kube-apiserver --anonymous-auth false --v 2");
        assert_eq!(f.flag("anonymous-auth"), Flag::True);
        assert_eq!(f.last("anonymous-auth").unwrap().stray, Some("false"));
        assert_eq!(f.get("v"), Some("2"));
        assert!(parse("").args.is_empty());
    }
}
