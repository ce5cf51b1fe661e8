//! A validator for the subset of XML Schema that `tests/schemas/junit-10.xsd`
//! uses, over a roxmltree DOM: global and local element declarations, `ref`,
//! `sequence` / `choice` with `minOccurs` / `maxOccurs`, `mixed` content,
//! `xs:string` simple content, named complex types, declared and required
//! attributes, and `pattern` restrictions of named simple types.
//!
//! No pure-Rust XSD validator is mature enough to depend on; this one refuses
//! any XSD construct it does not know, so it cannot pass a document by
//! ignoring part of the schema.

use regex::Regex;
use roxmltree::{Document, Node};
use std::collections::HashMap;

const XS: &str = "http://www.w3.org/2001/XMLSchema";

#[derive(Debug, Clone)]
enum Particle {
    Element {
        name: String,
        min: usize,
        max: usize,
    },
    Sequence {
        min: usize,
        max: usize,
        items: Vec<Particle>,
    },
    Choice {
        min: usize,
        max: usize,
        items: Vec<Particle>,
    },
}

#[derive(Debug, Clone)]
enum Content {
    /// Text only, of this simple type (`xs:string` or a named one).
    Simple(String),
    Complex {
        mixed: bool,
        particle: Option<Particle>,
        /// (name, type, required)
        attributes: Vec<(String, String, bool)>,
    },
}

pub struct Schema {
    elements: HashMap<String, Content>,
    /// Local element declarations, by name (they never clash in this XSD).
    local: HashMap<String, Content>,
    patterns: HashMap<String, Regex>,
}

fn occurs(n: &Node, attr: &str) -> Result<usize, String> {
    match n.attribute(attr) {
        None => Ok(1),
        Some("unbounded") => Ok(usize::MAX),
        Some(v) => v.parse().map_err(|e| format!("{attr}={v}: {e}")),
    }
}

fn xs_children<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children()
        .filter(|c| c.is_element() && c.tag_name().namespace() == Some(XS))
}

impl Schema {
    pub fn parse(text: &str) -> Result<Schema, String> {
        let doc = Document::parse(text).map_err(|e| e.to_string())?;
        let mut schema = Schema {
            elements: HashMap::new(),
            local: HashMap::new(),
            patterns: HashMap::new(),
        };
        let mut named_types: HashMap<String, Node> = HashMap::new();
        let root = doc.root_element();
        for n in xs_children(root) {
            if n.tag_name().name() == "complexType" {
                named_types.insert(n.attribute("name").unwrap_or("").to_string(), n);
            }
        }
        for n in xs_children(root) {
            match n.tag_name().name() {
                "simpleType" => {
                    let name = n.attribute("name").ok_or("simpleType without name")?;
                    let restriction = xs_children(n)
                        .find(|c| c.tag_name().name() == "restriction")
                        .ok_or("simpleType without restriction")?;
                    if restriction.attribute("base") != Some("xs:string") {
                        return Err(format!("simpleType {name}: unsupported base"));
                    }
                    for facet in xs_children(restriction) {
                        if facet.tag_name().name() != "pattern" {
                            return Err(format!("simpleType {name}: unsupported facet"));
                        }
                        let p = facet.attribute("value").unwrap_or("");
                        let re = Regex::new(&format!("^(?:{p})$")).map_err(|e| e.to_string())?;
                        schema.patterns.insert(name.to_string(), re);
                    }
                }
                "element" => {
                    let name = n.attribute("name").ok_or("global element without name")?;
                    let content = schema.element_content(n, &named_types)?;
                    schema.elements.insert(name.to_string(), content);
                }
                "complexType" => {}
                other => return Err(format!("unsupported top-level xs:{other}")),
            }
        }
        Ok(schema)
    }

    fn element_content(
        &mut self,
        n: Node,
        named: &HashMap<String, Node>,
    ) -> Result<Content, String> {
        if let Some(t) = n.attribute("type") {
            if let Some(ct) = named.get(t) {
                return self.complex(*ct, named);
            }
            return Ok(Content::Simple(t.to_string()));
        }
        match xs_children(n).next() {
            Some(ct) if ct.tag_name().name() == "complexType" => self.complex(ct, named),
            None => Ok(Content::Simple("xs:string".into())),
            Some(other) => Err(format!(
                "unsupported xs:{} in element",
                other.tag_name().name()
            )),
        }
    }

    fn complex(&mut self, ct: Node, named: &HashMap<String, Node>) -> Result<Content, String> {
        let mixed = ct.attribute("mixed") == Some("true");
        let mut particle = None;
        let mut attributes = Vec::new();
        for c in xs_children(ct) {
            match c.tag_name().name() {
                "sequence" | "choice" => particle = Some(self.particle(c, named)?),
                "attribute" => attributes.push((
                    c.attribute("name")
                        .ok_or("attribute without name")?
                        .to_string(),
                    c.attribute("type").unwrap_or("xs:string").to_string(),
                    c.attribute("use") == Some("required"),
                )),
                other => return Err(format!("unsupported xs:{other} in complexType")),
            }
        }
        Ok(Content::Complex {
            mixed,
            particle,
            attributes,
        })
    }

    fn particle(&mut self, n: Node, named: &HashMap<String, Node>) -> Result<Particle, String> {
        let (min, max) = (occurs(&n, "minOccurs")?, occurs(&n, "maxOccurs")?);
        match n.tag_name().name() {
            "element" => {
                let name = match n.attribute("ref") {
                    Some(r) => r.to_string(),
                    None => {
                        let name = n.attribute("name").ok_or("element without name or ref")?;
                        let content = self.element_content(n, named)?;
                        self.local.insert(name.to_string(), content);
                        name.to_string()
                    }
                };
                Ok(Particle::Element { name, min, max })
            }
            kind @ ("sequence" | "choice") => {
                let items = xs_children(n)
                    .map(|c| self.particle(c, named))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(if kind == "sequence" {
                    Particle::Sequence { min, max, items }
                } else {
                    Particle::Choice { min, max, items }
                })
            }
            other => Err(format!("unsupported particle xs:{other}")),
        }
    }

    fn decl(&self, name: &str) -> Option<&Content> {
        self.local.get(name).or_else(|| self.elements.get(name))
    }

    /// Validates a whole document; the error names the element path.
    pub fn validate(&self, xml: &str) -> Result<(), String> {
        let doc = Document::parse(xml).map_err(|e| format!("not well-formed: {e}"))?;
        let root = doc.root_element();
        let name = root.tag_name().name();
        let content = self
            .elements
            .get(name)
            .ok_or_else(|| format!("<{name}> is not a global element of the schema"))?;
        self.validate_element(root, content, name)
    }

    fn check_simple(&self, type_name: &str, value: &str, at: &str) -> Result<(), String> {
        match type_name {
            "xs:string" => Ok(()),
            t => match self.patterns.get(t) {
                Some(re) if re.is_match(value) => Ok(()),
                Some(_) => Err(format!(
                    "{at}: \"{value}\" does not match the pattern of {t}"
                )),
                None => Err(format!("{at}: unknown simple type {t}")),
            },
        }
    }

    fn validate_element(&self, n: Node, content: &Content, path: &str) -> Result<(), String> {
        let children: Vec<Node> = n.children().filter(|c| c.is_element()).collect();
        let text: String = n
            .children()
            .filter(|c| c.is_text())
            .filter_map(|c| c.text())
            .collect();
        match content {
            Content::Simple(t) => {
                if !children.is_empty() {
                    return Err(format!(
                        "{path}: simple content must not have child elements"
                    ));
                }
                if n.attributes().len() > 0 {
                    return Err(format!("{path}: simple content takes no attributes"));
                }
                self.check_simple(t, &text, path)
            }
            Content::Complex {
                mixed,
                particle,
                attributes,
            } => {
                for a in n.attributes() {
                    let Some((_, t, _)) = attributes.iter().find(|(name, _, _)| name == a.name())
                    else {
                        return Err(format!("{path}: attribute {} is not declared", a.name()));
                    };
                    self.check_simple(t, a.value(), &format!("{path}/@{}", a.name()))?;
                }
                for (name, _, required) in attributes {
                    if *required && n.attribute(name.as_str()).is_none() {
                        return Err(format!("{path}: required attribute {name} is missing"));
                    }
                }
                if !mixed && !text.trim().is_empty() {
                    return Err(format!(
                        "{path}: text is not allowed in element-only content"
                    ));
                }
                let names: Vec<&str> = children.iter().map(|c| c.tag_name().name()).collect();
                let ends = match particle {
                    Some(p) => self.match_particle(p, &names, 0),
                    None => vec![0],
                };
                if !ends.contains(&names.len()) {
                    return Err(format!(
                        "{path}: children {names:?} do not match the content model"
                    ));
                }
                for c in children {
                    let name = c.tag_name().name();
                    let decl = self
                        .decl(name)
                        .ok_or_else(|| format!("{path}/{name}: no declaration"))?;
                    self.validate_element(c, decl, &format!("{path}/{name}"))?;
                }
                Ok(())
            }
        }
    }

    /// Every position the particle can end at, starting at `pos`.
    fn match_particle(&self, p: &Particle, names: &[&str], pos: usize) -> Vec<usize> {
        let (min, max) = match p {
            Particle::Element { min, max, .. }
            | Particle::Sequence { min, max, .. }
            | Particle::Choice { min, max, .. } => (*min, *max),
        };
        let mut ends = Vec::new();
        let mut frontier = vec![pos];
        let mut count = 0;
        if min == 0 {
            ends.push(pos);
        }
        while !frontier.is_empty() && count < max {
            count += 1;
            let mut next = Vec::new();
            for &at in &frontier {
                for end in self.match_once(p, names, at) {
                    // A repetition that consumes nothing cannot help.
                    if end > at && !next.contains(&end) {
                        next.push(end);
                    }
                }
            }
            if count >= min {
                for &e in &next {
                    if !ends.contains(&e) {
                        ends.push(e);
                    }
                }
            }
            frontier = next;
        }
        // min > 0 with parts that may be empty: one empty pass satisfies it.
        if min > 0 && self.match_once(p, names, pos).contains(&pos) && !ends.contains(&pos) {
            ends.push(pos);
        }
        ends
    }

    fn match_once(&self, p: &Particle, names: &[&str], pos: usize) -> Vec<usize> {
        match p {
            Particle::Element { name, .. } => {
                if names.get(pos) == Some(&name.as_str()) {
                    vec![pos + 1]
                } else {
                    vec![]
                }
            }
            Particle::Sequence { items, .. } => {
                let mut at = vec![pos];
                for item in items {
                    let mut next = Vec::new();
                    for &a in &at {
                        for e in self.match_particle(item, names, a) {
                            if !next.contains(&e) {
                                next.push(e);
                            }
                        }
                    }
                    at = next;
                }
                at
            }
            Particle::Choice { items, .. } => {
                let mut out = Vec::new();
                for item in items {
                    for e in self.match_particle(item, names, pos) {
                        if !out.contains(&e) {
                            out.push(e);
                        }
                    }
                }
                out
            }
        }
    }
}
