//! The control-plane static Pods (kube-apiserver, etcd) among Pod-bearing objects.

use kit::flags::{Flags, component};
use kit::{Container, Ctx, json};
use std::rc::Rc;

/// Containers of a kube-system object that run `binary`, with their flags.
pub fn containers<'a>(ctx: &Ctx<'a>, binary: &str) -> Vec<(Container<'a>, Rc<Flags<'a>>)> {
    let ns = match ctx.request.namespace() {
        "" => json::get_str(ctx.object(), &["metadata", "namespace"]).unwrap_or(""),
        ns => ns,
    };
    if ns != "kube-system" {
        return Vec::new();
    }
    ctx.pod()
        .containers()
        .filter(|c| component(c) == Some(binary))
        .map(|c| {
            let f = ctx.flags(&c);
            (c, f)
        })
        .collect()
}
