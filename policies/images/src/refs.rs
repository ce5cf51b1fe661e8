//! The image reference of every container of the pod template, parsed once
//! per evaluation and shared by every image control that reads it.

use crate::reference::{self, Reference};
use kit::{Container, Ctx, Finding};
use std::rc::Rc;

/// Every container's parsed reference, in `PodTemplate::containers` order:
/// a function of the request alone, so one evaluation parses each once
/// (see `kit::Ctx::shared`), and the controls share it rather than copy it.
struct References(Vec<Result<Rc<Reference>, String>>);

/// Each container (containers, initContainers, ephemeralContainers) with its
/// parsed reference, or why it does not parse (`no image` when absent).
/// An iterator, not a list: most controls walk it once.
pub fn containers<'a>(
    ctx: &Ctx<'a>,
) -> impl Iterator<Item = (Container<'a>, Result<Rc<Reference>, String>)> + 'a {
    let parsed = ctx.shared(|| {
        References(
            ctx.pod()
                .containers()
                .map(|c| match c.get(&["image"]) {
                    None | Some(kit::Value::Null) => Err("no image".to_string()),
                    Some(_) => reference::parse(c.image).map(Rc::new),
                })
                .collect(),
        )
    });
    ctx.pod()
        .containers()
        .enumerate()
        .filter_map(move |(i, c)| Some((c, parsed.0.get(i)?.clone())))
}

/// Only the containers whose reference parses: for controls whose subject a
/// malformed reference cannot be (the runtime cannot pull it at all;
/// `image-reference-valid` reports it).
pub fn parsed<'a>(ctx: &Ctx<'a>) -> impl Iterator<Item = (Container<'a>, Rc<Reference>)> + 'a {
    containers(ctx).filter_map(|(c, r)| r.ok().map(|r| (c, r)))
}

/// A finding at `image` for a positive requirement that a malformed reference
/// cannot meet (fail closed).
pub fn unparsable(c: &Container, control: &str, why: &str) -> Finding {
    Finding::container(
        c,
        "image",
        kit::text!("{control} cannot be verified: {why}"),
    )
}
