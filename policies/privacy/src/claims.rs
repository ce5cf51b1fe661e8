//! The PersistentVolumeClaims a request creates: the claim itself, or a
//! StatefulSet's `volumeClaimTemplates`, with the field path prefix of each.

use kit::Value;
use kit::{Ctx, json};

pub struct Claim<'a> {
    /// Prefix of field paths (`` or `spec.volumeClaimTemplates[0].`).
    pub prefix: String,
    pub claim: &'a Value,
}

impl Claim<'_> {
    pub fn path(&self, field: &str) -> String {
        kit::text!("{}{field}", self.prefix)
    }
}

/// Kinds whose objects hold claims.
pub const KINDS: &[&str] = &["/PersistentVolumeClaim", "apps/StatefulSet"];

pub fn of<'a>(ctx: &Ctx<'a>) -> Vec<Claim<'a>> {
    let obj = ctx.object();
    match ctx.request.kind.as_str() {
        "PersistentVolumeClaim" => vec![Claim {
            prefix: String::new(),
            claim: obj,
        }],
        "StatefulSet" => json::get_array(obj, &["spec", "volumeClaimTemplates"])
            .iter()
            .enumerate()
            .map(|(i, claim)| Claim {
                prefix: kit::text!("spec.volumeClaimTemplates[{i}]."),
                claim,
            })
            .collect(),
        _ => Vec::new(),
    }
}
