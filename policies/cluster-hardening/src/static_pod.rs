//! Control-plane static Pods: which containers run kube-apiserver,
//! kube-controller-manager, kube-scheduler or etcd, their flags as the
//! components read them, and findings about those flags.
//!
//! A Pod is a control-plane static Pod when it is a `Pod` in one of the
//! `controlPlaneNamespaces` (default `kube-system`) and one of its
//! `containers` runs a component (`kit::flags::component`: `command[0]`, else
//! the image name). Every other Pod, and every workload kind, is ignored: an
//! application Pod can never trip these controls.

use kit::Value;
use kit::flags::{FlagArg, Flags};
use kit::response::truncate;
use kit::{Container, ContainerList, Ctx, Finding, Flag, json};
use std::rc::Rc;

pub const APISERVER: &str = "kube-apiserver";
pub const CONTROLLER_MANAGER: &str = "kube-controller-manager";
pub const SCHEDULER: &str = "kube-scheduler";
pub const ETCD: &str = "etcd";

/// Longest flag value quoted in a message.
const MAX_VALUE: usize = 80;

/// One container of a static Pod running a control-plane component.
pub struct Component<'a> {
    pub name: &'static str,
    pub container: Container<'a>,
    pub flags: Rc<Flags<'a>>,
}

/// Whether the object under review is a Pod in a control-plane namespace.
fn in_control_plane_namespace(ctx: &Ctx) -> bool {
    let object = ctx.object();
    let ns = if ctx.request.namespace.is_empty() {
        json::get_str(object, &["metadata", "namespace"]).unwrap_or("")
    } else {
        ctx.request.namespace.as_str()
    };
    let configured = ctx.options.get(crate::CONTROL_PLANE_NAMESPACES);
    match configured.and_then(Value::as_array) {
        Some(list) => list.iter().any(|v| v.as_str() == Some(ns)),
        None => ns == "kube-system",
    }
}

/// The containers of the Pod under review that run one of `wanted`.
pub fn components<'a>(ctx: &Ctx<'a>, wanted: &[&str]) -> Vec<Component<'a>> {
    if ctx.request.kind != "Pod" || !in_control_plane_namespace(ctx) {
        return Vec::new();
    }
    let Some(pod) = ctx.pod_template() else {
        return Vec::new();
    };
    pod.containers()
        .filter(|c| c.list == ContainerList::Containers)
        .filter_map(|c| {
            let name = kit::flags::component(&c)?;
            wanted.contains(&name).then(|| Component {
                name,
                flags: ctx.flags(&c),
                container: c,
            })
        })
        .collect()
}

/// Whether the flag's value was read from the word after it (`--name value`)
/// rather than after `=` in the same word. `FlagArg` borrows both from the
/// command line, so the value follows the name directly only in the `=` form.
pub fn value_in_next_word(arg: &FlagArg) -> bool {
    arg.stray.is_some()
}

/// `--name=value` for messages, the value cut short.
pub fn shown(arg: &FlagArg) -> String {
    match arg.value {
        Some(v) => kit::text!("--{}={}", arg.name, truncate(v, MAX_VALUE)),
        None => kit::text!("--{}", arg.name),
    }
}

impl<'a> Component<'a> {
    fn who(&self) -> (kit::dom::Str, kit::dom::Str) {
        self.container.identity()
    }

    /// A finding about the word holding `arg`.
    pub fn at(&self, arg: &FlagArg, message: impl Into<String>) -> Finding {
        Finding {
            path: arg.path(&self.container),
            container: Some(self.who()),
            message: message.into(),
        }
    }

    /// A finding about a flag that is absent: it points at the command line.
    pub fn missing(&self, message: impl Into<String>) -> Finding {
        let field = if self.container.get(&["command"]).is_some() {
            "command"
        } else {
            "args"
        };
        Finding {
            path: self.container.field_path(field),
            container: Some(self.who()),
            message: message.into(),
        }
    }

    /// Command-line entries that are not strings: nothing can be said about
    /// such a command line, so every control reports it (fail closed).
    pub fn unreadable(&self) -> Vec<Finding> {
        self.flags
            .malformed
            .iter()
            .map(|path| Finding {
                path: path.clone(),
                container: Some(self.who()),
                message: kit::text!(
                    "{} command line holds a value that is not a string: the flags cannot be verified",
                    self.name
                ),
            })
            .collect()
    }

    /// A boolean flag must read `want`; `default` is what the component
    /// assumes when it is absent. `why` says what the wrong value allows.
    pub fn expect_bool(&self, flag: &str, want: bool, default: bool, why: &str) -> Option<Finding> {
        let arg = self.flags.last(flag);
        if let Some(arg) = arg
            && value_in_next_word(arg)
        {
            // pflag gives a boolean flag a value only after `=`: `--flag false`
            // sets it to true and leaves `false` as a stray argument, which
            // the component refuses ("does not take any arguments").
            return Some(self.at(
                arg,
                kit::text!(
                    "{} --{flag} {}: a boolean flag takes its value only after '=' (pflag reads --{flag} as true and the next word as a stray argument the component refuses); write --{flag}={want}",
                    self.name,
                    truncate(arg.stray.unwrap_or(""), MAX_VALUE)
                ),
            ));
        }
        match (self.flags.flag(flag), arg) {
            (Flag::True, _) if want => None,
            (Flag::False, _) if !want => None,
            (Flag::Absent, _) if default == want => None,
            (Flag::Absent, _) | (_, None) => Some(self.missing(kit::text!(
                "{} --{flag} is absent and defaults to {default}: {why}",
                self.name
            ))),
            (Flag::Malformed, Some(arg)) => Some(self.at(
                arg,
                kit::text!(
                    "{} {} is not a boolean Go's ParseBool accepts: the component refuses to start, and the value cannot be verified",
                    self.name,
                    shown(arg)
                ),
            )),
            (_, Some(arg)) => Some(self.at(arg, kit::text!("{} {}: {why}", self.name, shown(arg)))),
        }
    }

    /// A flag that must be set to a non-empty value.
    pub fn expect_set(&self, flag: &str, why: &str) -> Option<Finding> {
        match self.flags.last(flag) {
            None => Some(self.missing(kit::text!("{} --{flag} is not set: {why}", self.name))),
            Some(arg) if arg.value.is_none_or(|v| v.trim().is_empty()) => Some(self.at(
                arg,
                kit::text!("{} {} has no value: {why}", self.name, shown(arg)),
            )),
            Some(_) => None,
        }
    }

    /// The finding for a setting that may live in a file the object only
    /// names (`--config`, `--authorization-config`, ...).
    pub fn unverifiable(&self, file_flag: &str, what: &str) -> Option<Finding> {
        let arg = self.flags.last(file_flag)?;
        Some(self.at(
            arg,
            kit::text!(
                "could not verify from the object: {} reads {what} from the file {}, which this object does not contain; scan that file too or set the flag explicitly",
                self.name,
                shown(arg)
            ),
        ))
    }
}

/// Runs `check` on every container of the Pod under review that runs one of
/// `wanted`, after reporting any command line that cannot be read.
pub fn each(
    ctx: &Ctx,
    wanted: &[&str],
    check: impl Fn(&Component, &mut Vec<Finding>),
) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in components(ctx, wanted) {
        out.extend(c.unreadable());
        check(&c, &mut out);
    }
    out
}
