//! The JSON tree every control reads.
//!
//! Turning a 5 KB admission request into `serde_json::Value` allocates every key
//! and string and inserts every member into a `BTreeMap`; measured natively
//! that is about three quarters of a family's whole evaluation, and the guest
//! pays it again in every module. This tree keeps strings as ranges of one
//! shared copy of the payload (in the modules, of the payload itself while
//! the evaluation lasts: [`with_parsed`]; its own text only for the rare
//! string with escapes), keeps object members in document order in one exactly sized
//! vector, and is built by one hand-written pass: on the 5 KB bench Pod,
//! with an arena allocator like the modules', 87k instructions to parse and
//! drop it against 235k for `serde_json::from_slice::<Value>` and 73k for
//! serde_json merely validating it (strings scanned sixteen bytes at a
//! time, scalars read without a call). The API mirrors the part of
//! `serde_json::Value` controls use (`get`, `as_str`, `as_array`, `as_object`,
//! indexing, `pointer`, `Display`), so a control reads it the same way.
//!
//! Differences from `serde_json::Value` that matter:
//! - object members iterate in document order (serde_json's map sorts them);
//!   a key the document repeats reads as its last value, as with serde_json,
//!   but iteration shows every copy (the API server re-encodes what it sends,
//!   so an admission request never repeats a key; checking every object for
//!   repeats measured at an eighth of the whole parse);
//! - integers beyond 64 bits read as floats, as serde_json does by default.
//!
//! The tree [`with_parsed`] gives the engine is lent: its strings count
//! nothing on the document, and in the modules nothing frees it block by
//! block (the arena reclaims it whole once the call is over; see
//! `arena::building_tree`), which took a tenth to a sixth of a family's
//! evaluation.
//!
//! [`parse_on_demand`] builds the same tree lazily: an object's members are
//! parsed the first time one is asked for, so a family that reads a Pod's
//! images never parses its env, probes or status (see its documentation for
//! what that leaves unchecked).

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::num::NonZeroUsize;
use std::ops::Deref;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use std::sync::{Arc, OnceLock};

use crate::skim::{self, MAX_DEPTH, Span};

const CONTROL_CHARACTER: &str = "control character (\\u0000-\\u001F) found while parsing a string";

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(Str),
    Array(Vec<Value>),
    Object(Map),
}

/// A JSON string: a range of the shared request text, or all of its own text
/// when the document spelled it with escapes (or code built it). One thin
/// pointer, an offset and a length (16 bytes): measured cheaper to move and
/// drop than a fat `Arc<str>` beside an owned variant (24 bytes).
#[derive(Clone)]
pub struct Str {
    doc: Handle,
    start: u32,
    /// The length, not the end: a member lookup compares it with the key's
    /// length for every member it passes, one load instead of two.
    len: u32,
}

/// A JSON object, members in document order. An object of a document read
/// on demand ([`parse_on_demand`]) reads its members the first time they
/// are asked for.
#[derive(Clone)]
pub struct Map(Members);

#[derive(Clone)]
enum Members {
    Read(Vec<(Str, Value)>),
    /// Boxed, so that a `Map` (and a `Value`) stays as small as a list.
    OnDemand(Box<OnDemand>),
}

#[derive(Clone)]
struct OnDemand {
    read: OnceLock<Vec<(Str, Value)>>,
    doc: Handle,
    /// The object's ordinal among the document's containers.
    ordinal: u32,
}

/// The text every string of a parsed document is a range of; for a
/// document read on demand, also where each of its containers ends.
struct Document {
    /// Where the text is: in `owned` once that is set; until then (only
    /// while a [`with_parsed`] call lasts) the caller's bytes.
    text: AtomicPtr<u8>,
    len: usize,
    owned: OnceLock<Box<str>>,
    /// Every container (object or array) in the order it opens.
    containers: Vec<Span>,
    /// Set when a part read on demand turns out not to be valid JSON.
    malformed: AtomicBool,
}

/// A string's or an object's handle on its [`Document`]: an `Arc`'s
/// counted reference, or a lent one that counts nothing. The tree
/// [`with_parsed`] lends its function holds lent handles on the request's
/// document (only a string with escapes counts on a document of its own,
/// itself a block of the tree): the tree's blocks are left to the arena
/// rather than dropped (see `arena::building_tree`), and a counted handle
/// left undropped would keep the request's document forever.
/// Counting also cost a memory round trip through the document's count for
/// every string parsed and again for every string dropped. A clone is
/// always counted, so whatever outlives the call (a string a finding keeps)
/// holds the document as before.
struct Handle(NonNull<Document>);

/// The bit of a [`Handle`]'s address that marks it lent (a `Document` is
/// aligned to at least 4 bytes, so a real address never has it).
const LENT: usize = 1;

// SAFETY: a counted handle is an `Arc<Document>` (and `Document` is `Send`
// and `Sync`); a lent one is a shared reference to it, which `with_parsed`'s
// contract keeps within the document's life.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Handle {
    fn counted(doc: Arc<Document>) -> Handle {
        // `Arc::into_raw` is never null.
        Handle(NonNull::new(Arc::into_raw(doc).cast_mut()).expect("Arc::into_raw is not null"))
    }

    /// A handle for a tree of this handle's document: lent (counting
    /// nothing) when the tree is, else counted.
    fn for_tree(&self, lent: bool) -> Handle {
        if lent {
            Handle(self.untagged().map_addr(|a| a | LENT))
        } else {
            self.clone()
        }
    }

    /// Whether anything else than this handle counts on the document.
    fn shared(&self) -> bool {
        // SAFETY: the pointer came from `Arc::into_raw`, and the `Arc` made
        // here is never dropped: it only reads the count.
        let arc = std::mem::ManuallyDrop::new(unsafe { Arc::from_raw(self.untagged().as_ptr()) });
        Arc::strong_count(&arc) > 1
    }

    fn untagged(&self) -> NonNull<Document> {
        // SAFETY: clearing the bit of a tagged address gives back the
        // document's, which is not zero.
        self.0
            .map_addr(|a| unsafe { NonZeroUsize::new_unchecked(a.get() & !LENT) })
    }

    fn is_lent(&self) -> bool {
        self.0.addr().get() & LENT != 0
    }
}

impl Deref for Handle {
    type Target = Document;

    fn deref(&self) -> &Document {
        // SAFETY: a counted handle keeps the document alive; a lent one is
        // used only while `with_parsed`'s own counted handle does.
        unsafe { self.untagged().as_ref() }
    }
}

impl Clone for Handle {
    /// Always counted, also from a lent handle: a clone may outlive the tree.
    fn clone(&self) -> Handle {
        let doc = self.untagged();
        // SAFETY: `doc` came from `Arc::into_raw` (counted handles) or
        // `Arc::as_ptr` of a live `Arc` (lent ones), and the document is
        // alive (see `deref`).
        unsafe { Arc::increment_strong_count(doc.as_ptr()) };
        Handle(doc)
    }
}

impl Drop for Handle {
    #[inline]
    fn drop(&mut self) {
        if !self.is_lent() {
            release(self.0);
        }
    }
}

/// Gives back a counted handle's count. Out of line: a string is dropped in
/// many places, and counted ones are the few a check clones.
#[inline(never)]
fn release(doc: NonNull<Document>) {
    // SAFETY: a counted handle owns one count of its `Arc`.
    unsafe { Arc::decrement_strong_count(doc.as_ptr()) };
}

impl OnDemand {
    #[cold]
    #[inline(never)]
    fn read_now(&self) -> &Vec<(Str, Value)> {
        self.read
            .get_or_init(|| read_members(&self.doc, self.ordinal))
    }
}

impl Document {
    /// A document with its own copy of `text`.
    fn owning(text: Box<str>, containers: Vec<Span>) -> Document {
        // SAFETY: the document owns the text it reads from the start: moving
        // the box into `owned` leaves its bytes where they are.
        let document = unsafe { Document::borrowing(&text, containers) };
        let _ = document.owned.set(text);
        document
    }

    /// A document whose text stays the caller's `text` until
    /// [`Document::own_text`].
    ///
    /// # Safety
    /// `own_text` must run before `text` is freed or changed, whenever
    /// anything may still read the document then; no other thread may read
    /// the document while it does.
    unsafe fn borrowing(text: &str, containers: Vec<Span>) -> Document {
        Document {
            text: AtomicPtr::new(text.as_ptr().cast_mut()),
            len: text.len(),
            owned: OnceLock::new(),
            containers,
            malformed: AtomicBool::new(false),
        }
    }

    fn text(&self) -> &str {
        // SAFETY: `text` points at `len` bytes of UTF-8: those of `owned`
        // (which lives as long as the document), or the caller's, which
        // `borrowing`'s contract keeps alive until `own_text` points it at
        // `owned`.
        unsafe {
            let bytes = std::slice::from_raw_parts(self.text.load(Ordering::Acquire), self.len);
            std::str::from_utf8_unchecked(bytes)
        }
    }

    /// Gives a document still reading the caller's bytes a copy of them.
    fn own_text(&self) {
        if self.owned.get().is_none() {
            let copy: Box<str> = self.text().into();
            let at = copy.as_ptr().cast_mut();
            let _ = self.owned.set(copy);
            self.text.store(at, Ordering::Release);
        }
    }
}

/// A JSON number, with serde_json's reading of it ([`N`]), kept as two
/// 32-bit halves: a `u64` or `f64` field would align every [`Value`] to
/// 8 bytes, making it 24 bytes instead of 16 in the wasm32 modules (and
/// each object member 40 instead of 28): a third more memory for every
/// tree, which a fresh instance pays page by page.
#[derive(Clone, Copy)]
pub struct Number {
    kind: Kind,
    bits: [u32; 2],
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    PosInt,
    NegInt,
    Float,
}

/// What a [`Number`] holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum N {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

/// As the value it holds (`-0.0 == 0.0`, as before it was kept in halves).
impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        self.n() == other.n()
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Number").field(&self.n()).finish()
    }
}

static NULL: Value = Value::Null;

// What the halves of `Number` are for (see there): the modules' values stay
// 16 bytes. Checked when a module is built.
#[cfg(target_pointer_width = "32")]
const _: () = assert!(std::mem::size_of::<Value>() == 16);

/// `serde_json::json!`, giving a [`Value`]: for tests and values built in code.
#[macro_export]
macro_rules! json_value {
    ($($json:tt)+) => {
        $crate::dom::Value::from($crate::__serde_json::json!($($json)+))
    };
}

impl Value {
    /// The member `key` of an object or the element `index` of an array.
    pub fn get<I: Key>(&self, key: I) -> Option<&Value> {
        key.index_into(self)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()?.as_i64()
    }

    pub fn as_u64(&self) -> Option<u64> {
        self.as_number()?.as_u64()
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_number()?.as_f64()
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    pub fn is_i64(&self) -> bool {
        self.as_number().is_some_and(Number::is_i64)
    }

    pub fn is_u64(&self) -> bool {
        self.as_number().is_some_and(Number::is_u64)
    }

    pub fn is_f64(&self) -> bool {
        self.as_number().is_some_and(Number::is_f64)
    }

    /// RFC 6901 JSON pointer, as `serde_json::Value::pointer`.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut cur = self;
        for token in rest.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            cur = match cur {
                Value::Object(m) => m.get(&token)?,
                Value::Array(a) => {
                    if token.starts_with('+') || (token.len() > 1 && token.starts_with('0')) {
                        return None;
                    }
                    a.get(token.parse::<usize>().ok()?)?
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// The same value as a `serde_json::Value` (for code outside the checks).
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.to_serde()),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_serde).collect()),
            Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_serde()))
                    .collect(),
            ),
        }
    }
}

impl From<&serde_json::Value> for Value {
    fn from(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(Number::from_serde(n)),
            serde_json::Value::String(s) => Value::String(Str::from(s.clone())),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            serde_json::Value::Object(m) => Value::Object(Map::from_members(
                m.iter()
                    .map(|(k, v)| (Str::from(k.clone()), Value::from(v)))
                    .collect(),
            )),
        }
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        Value::from(&v)
    }
}

impl PartialEq<serde_json::Value> for Value {
    fn eq(&self, other: &serde_json::Value) -> bool {
        match (self, other) {
            (Value::Null, serde_json::Value::Null) => true,
            (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Value::Number(a), serde_json::Value::Number(b)) => *a == Number::from_serde(b),
            (Value::String(a), serde_json::Value::String(b)) => a.as_str() == b,
            (Value::Array(a), serde_json::Value::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
            }
            (Value::Object(a), serde_json::Value::Object(b)) => {
                a.len() == b.len() && b.iter().all(|(k, v)| a.get(k).is_some_and(|x| x == v))
            }
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    /// Compact JSON, as `serde_json::Value`'s `Display`.
    /// Written piece by piece, so a bounded writer (`json::brief`) stops the
    /// rendering of a huge value early.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::json::to_writer(ToFormatter(f), self).map_err(|_| fmt::Error)
    }
}

/// serde_json writes UTF-8 text in whole fragments: each chunk is a `str`.
struct ToFormatter<'f, 'g>(&'f mut fmt::Formatter<'g>);

impl std::io::Write for ToFormatter<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let text = std::str::from_utf8(bytes).map_err(std::io::Error::other)?;
        self.0.write_str(text).map_err(std::io::Error::other)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => n.serialize(s),
            Value::String(v) => s.serialize_str(v),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(m) => m.serialize(s),
        }
    }
}

/// What `Value::get` and indexing accept: a member name or an array position.
pub trait Key {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value>;
}

impl Key for str {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_object()?.get(self)
    }
}

impl Key for String {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().index_into(v)
    }
}

impl Key for usize {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_array()?.get(*self)
    }
}

impl<T: Key + ?Sized> Key for &T {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).index_into(v)
    }
}

impl<I: Key> std::ops::Index<I> for Value {
    type Output = Value;

    /// `Null` when absent, as `serde_json::Value`.
    fn index(&self, key: I) -> &Value {
        key.index_into(self).unwrap_or(&NULL)
    }
}

/// Objects are equal whatever the order of their members (as with serde_json,
/// whose maps are sorted): `{"a":1,"b":2}` is `{"b":2,"a":1}`.
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;

    /// `Null` when absent.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        matches!(self, Value::String(s) if s == other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

impl PartialEq<i64> for Value {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

impl Default for Map {
    fn default() -> Map {
        Map::from_members(Vec::new())
    }
}

impl fmt::Debug for Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A map of a lent tree leaves its members where they are: the arena
/// reclaims the whole tree at once (see `arena::building_tree`), and
/// nothing in it needs dropping (its strings' handles are lent, its own
/// documents are tree blocks too).
impl Drop for Map {
    // Out of line: every drop of a value would otherwise carry a copy.
    #[inline(never)]
    fn drop(&mut self) {
        let block = match &self.0 {
            Members::Read(members) => members.as_ptr().cast::<u8>(),
            Members::OnDemand(o) => (&raw const **o).cast::<u8>(),
        };
        if crate::arena::is_tree_block(block) {
            std::mem::forget(std::mem::replace(&mut self.0, Members::Read(Vec::new())));
        }
    }
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    fn from_members(members: Vec<(Str, Value)>) -> Map {
        Map(Members::Read(members))
    }

    /// The object opening container `ordinal` of `doc`, read when first asked.
    fn on_demand(doc: Handle, ordinal: u32) -> Map {
        Map(Members::OnDemand(Box::new(OnDemand {
            read: OnceLock::new(),
            doc,
            ordinal,
        })))
    }

    /// Small enough to inline into every lookup; the first read is a call.
    #[inline]
    fn members(&self) -> &Vec<(Str, Value)> {
        match &self.0 {
            Members::Read(members) => members,
            Members::OnDemand(o) => match o.read.get() {
                Some(members) => members,
                None => o.read_now(),
            },
        }
    }

    fn members_mut(&mut self) -> &mut Vec<(Str, Value)> {
        if let Members::OnDemand(o) = &mut self.0 {
            let members = match o.read.take() {
                Some(members) => members,
                None => read_members(&o.doc, o.ordinal),
            };
            self.0 = Members::Read(members);
        }
        match &mut self.0 {
            Members::Read(members) => members,
            Members::OnDemand(_) => unreachable!("read just above"),
        }
    }

    /// The member `key`; its last value when the document repeats it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let key = key.as_bytes();
        // The length first, without looking at the text; then the first byte
        // ("name", "kind" and "spec" are all four bytes long); then the rest
        // a word at a time (`==` on bytes is a call to `memcmp` in the
        // modules: wasi-libc's byte loop).
        self.members()
            .iter()
            .rev()
            .find(|(k, _)| {
                k.len() == key.len() && {
                    let k = k.as_bytes();
                    k.first() == key.first() && same_bytes(k, key)
                }
            })
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Members in document order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Str, &Value)> + ExactSizeIterator {
        self.members().iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &Str> {
        self.members().iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.members().iter().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.members().len()
    }

    pub fn is_empty(&self) -> bool {
        self.members().is_empty()
    }

    /// Takes the member `key` out (its last value, dropping repeats).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let mut found = None;
        self.members_mut().retain_mut(|(k, v)| {
            if !same_bytes(k.as_bytes(), key.as_bytes()) {
                return true;
            }
            found = Some(std::mem::take(v));
            false
        });
        found
    }

    /// The value of the member `key` (its last, when the document repeats
    /// it), leaving `null` in its place: [`Map::remove`] without moving the
    /// members after it, for a map about to be dropped.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.members_mut()
            .iter_mut()
            .rev()
            .find(|(k, _)| same_bytes(k.as_bytes(), key.as_bytes()))
            .map(|(_, v)| std::mem::take(v))
    }

    /// Adds or replaces the member `key` (for building values in code).
    pub fn insert(&mut self, key: impl Into<Str>, value: Value) {
        let key = key.into();
        let members = self.members_mut();
        match members.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => members.push((key, value)),
        }
    }
}

impl<'m> IntoIterator for &'m Map {
    type Item = (&'m Str, &'m Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'m, (Str, Value)>,
        fn(&'m (Str, Value)) -> (&'m Str, &'m Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.members().iter().map(|(k, v)| (k, v))
    }
}

impl<K: Into<Str>> FromIterator<(K, Value)> for Map {
    fn from_iter<T: IntoIterator<Item = (K, Value)>>(iter: T) -> Map {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k.as_str(), v)?;
        }
        map.end()
    }
}

impl Str {
    /// Length in bytes, without looking at the text.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn as_str(&self) -> &str {
        debug_assert!(
            self.doc.text().is_char_boundary(self.start as usize)
                && self
                    .doc
                    .text()
                    .is_char_boundary(self.start as usize + self.len())
        );
        // SAFETY: a `Str` is made only by `owned` (all of a text) and by the
        // parser (from the byte after an opening quote to its closing quote,
        // in text checked as UTF-8): both ends fall on character boundaries,
        // so the bytes between them are UTF-8. Checking that again on every
        // read measured 1–2.5 % of a family's whole evaluation.
        unsafe { std::str::from_utf8_unchecked(self.as_bytes()) }
    }

    /// The text's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.doc
            .text()
            .as_bytes()
            .get(self.start as usize..self.start as usize + self.len())
            .unwrap_or(&[])
    }

    /// A string with a text of its own.
    fn owned(text: Box<str>) -> Str {
        // Only code could build a longer one (documents are refused past
        // u32::MAX bytes), and a wasm32 guest cannot hold one at all.
        let len = u32::try_from(text.len()).expect("a string of 4 GiB or more");
        Str {
            doc: Handle::counted(Arc::new(Document::owning(text, Vec::new()))),
            start: 0,
            len,
        }
    }
}

impl Deref for Str {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::owned(s.into())
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Str::owned(s.into_boxed_str())
    }
}

/// Every comparison of a `Str` goes through [`same_bytes`]: checks compare
/// the request's strings with their constants all the time.
impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        same_bytes(self.as_bytes(), other.as_bytes())
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        *self == **other
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        *other == *self
    }
}

impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        *other == **self
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *other == **self
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        same_bytes(self.as_bytes(), other.as_bytes())
    }
}

impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Str {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl Default for Str {
    fn default() -> Str {
        Str::owned(Box::default())
    }
}

impl Number {
    fn of(n: N) -> Number {
        let (kind, bits) = match n {
            N::PosInt(n) => (Kind::PosInt, n),
            N::NegInt(n) => (Kind::NegInt, n as u64),
            N::Float(f) => (Kind::Float, f.to_bits()),
        };
        Number {
            kind,
            bits: [bits as u32, (bits >> 32) as u32],
        }
    }

    fn n(self) -> N {
        let bits = u64::from(self.bits[0]) | (u64::from(self.bits[1]) << 32);
        match self.kind {
            Kind::PosInt => N::PosInt(bits),
            Kind::NegInt => N::NegInt(bits as i64),
            Kind::Float => N::Float(f64::from_bits(bits)),
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.n() {
            N::PosInt(n) => i64::try_from(n).ok(),
            N::NegInt(n) => Some(n),
            N::Float(_) => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self.n() {
            N::PosInt(n) => Some(n),
            _ => None,
        }
    }

    /// Always `Some`: kept an `Option` like serde_json's.
    pub fn as_f64(&self) -> Option<f64> {
        Some(match self.n() {
            N::PosInt(n) => n as f64,
            N::NegInt(n) => n as f64,
            N::Float(f) => f,
        })
    }

    pub fn is_i64(&self) -> bool {
        self.as_i64().is_some()
    }

    pub fn is_u64(&self) -> bool {
        matches!(self.n(), N::PosInt(_))
    }

    pub fn is_f64(&self) -> bool {
        matches!(self.n(), N::Float(_))
    }

    fn to_serde(self) -> serde_json::Number {
        match self.n() {
            N::PosInt(n) => n.into(),
            N::NegInt(n) => n.into(),
            // Finite by construction: the parser refuses infinities.
            N::Float(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
        }
    }

    fn from_serde(n: &serde_json::Number) -> Number {
        Number::of(if let Some(u) = n.as_u64() {
            N::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            N::NegInt(i)
        } else {
            N::Float(n.as_f64().unwrap_or_default())
        })
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        Number::of(if n < 0 {
            N::NegInt(n)
        } else {
            N::PosInt(n as u64)
        })
    }
}

impl fmt::Display for Number {
    /// As `serde_json::Number`'s `Display` (floats: see `json::Floats`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.n() {
            N::PosInt(n) => write!(f, "{n}"),
            N::NegInt(n) => write!(f, "{n}"),
            N::Float(x) => f.write_str(crate::json::FloatText::of(x).as_str()),
        }
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.n() {
            N::PosInt(n) => s.serialize_u64(n),
            N::NegInt(n) => s.serialize_i64(n),
            N::Float(f) => s.serialize_f64(f),
        }
    }
}

/// Why a payload is not JSON, with serde_json's wording and position.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    message: &'static str,
    line: usize,
    column: usize,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for Error {}

/// Parses one JSON document.
pub fn parse(text: &[u8]) -> Result<Value, Error> {
    parse_keeping(text, Keep::Copy, false).map(|(value, _)| value)
}

/// How a document made from the caller's bytes holds its text.
#[derive(Clone, Copy)]
enum Keep {
    Copy,
    /// Reads the caller's bytes themselves: only [`with_parsed`] asks for
    /// it, under its safety contract (nothing reads them once its call is
    /// over).
    Borrow,
}

/// The document of `text`, holding it as `keep` says.
fn document(text: &str, containers: Vec<Span>, keep: Keep) -> Handle {
    Handle::counted(Arc::new(match keep {
        Keep::Copy => Document::owning(text.into(), containers),
        // SAFETY: see `Keep::Borrow`.
        Keep::Borrow => unsafe { Document::borrowing(text, containers) },
    }))
}

/// The document of `text`, parsed whole, and a counted handle on it;
/// `lent`: whether the tree is lent ([`with_parsed`]).
fn parse_keeping(text: &[u8], keep: Keep, lent: bool) -> Result<(Value, Handle), Error> {
    if u32::try_from(text.len()).is_err() {
        return Err(Error::at(&[], 0, "document too large"));
    }
    let text = match utf8(text, skim::is_ascii(text)) {
        Ok(t) => t,
        Err(e) => {
            // Column = byte offset on line 1, as this parser has always said.
            let at = e.valid_up_to();
            return Err(Error::at(&[], at, "invalid unicode code point"));
        }
    };
    // Room for the usual nesting of a request up front (the bench Pod's
    // deepest path holds 32 members of open objects and 4 elements of open
    // arrays; a deeper document grows the lists); a small document (a
    // parameter's default, a settings object) needs next to none, and
    // parsing one must not cost more than the values it gives. The lists
    // are freed after the parse, but the arena reuses nothing until the
    // call ends, and a fresh instance pays for every page it touches: lists
    // for 64 of each were a page more for access-control (FAULTS 9 → 8).
    let room = (text.len() / 8).min(48);
    let doc = document(text, Vec::new(), keep);
    let parse = || {
        let mut p = Parser::new(text, &doc, lent, room.min(16), room);
        p.skip_whitespace();
        let v = p.value(0)?;
        p.skip_whitespace();
        if p.pos < p.bytes.len() {
            return Err(p.error("trailing characters"));
        }
        Ok(v)
    };
    let v = if lent {
        crate::arena::building_tree(parse)
    } else {
        parse()
    }?;
    Ok((v, doc))
}

/// `text` as UTF-8; `ascii`: whether it is already known to be all ASCII,
/// which needs no further check.
fn utf8(text: &[u8], ascii: bool) -> Result<&str, std::str::Utf8Error> {
    if ascii {
        // SAFETY: every byte is below 0x80, and ASCII text is UTF-8.
        Ok(unsafe { std::str::from_utf8_unchecked(text) })
    } else {
        std::str::from_utf8(text)
    }
}

/// A document read on demand: what a check can still learn about it.
/// `None` for a document parsed whole.
pub struct Reading(Option<Handle>);

impl Reading {
    /// The reading of a document parsed whole: nothing is left to find.
    pub fn whole() -> Reading {
        Reading(None)
    }

    /// Whether a part read so far turned out not to be valid JSON. Such a
    /// part reads as empty; the caller must refuse the document.
    pub fn found_malformed(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|doc| doc.malformed.load(Ordering::Relaxed))
    }
}

/// Reads a document whose top level is an object on demand: its strings and
/// brackets are matched up in one fast pass, which also tells whether it is
/// all ASCII (otherwise it is checked as UTF-8 on its own); an object's
/// members are read (and checked as JSON) only when first asked for, so
/// the parts of an admission request no enabled control looks at are never
/// turned into a tree. A part that is read and turns out
/// malformed reads as empty and is reported by [`Reading::found_malformed`]:
/// the caller refuses the document, as [`parse`] would have. What no check
/// reads is not checked beyond its strings and brackets (the engines send
/// requests they serialised themselves, so that part is valid JSON anyway).
/// Any other document is parsed whole, as [`parse`] does.
pub fn parse_on_demand(text: &[u8]) -> Result<(Value, Reading), Error> {
    read_keeping(text, false, Keep::Copy, false).map(|(value, reading, _)| (value, reading))
}

/// `text` read whole ([`parse`]) or on demand ([`parse_on_demand`]), and
/// the handle the strings of what is read share.
fn read_keeping(
    text: &[u8],
    whole: bool,
    keep: Keep,
    lent: bool,
) -> Result<(Value, Reading, Handle), Error> {
    let skimmed = (!whole)
        .then(|| skim::containers(text))
        .flatten()
        .and_then(|skimmed| Some((utf8(text, skimmed.ascii).ok()?, skimmed.containers)));
    let Some((text, containers)) = skimmed else {
        // Read whole; or not UTF-8, or not an object whose brackets match:
        // the full parser says why (or reads it, when it is some other JSON
        // value).
        let (value, doc) = parse_keeping(text, keep, lent)?;
        return Ok((value, Reading::whole(), doc));
    };
    let doc = document(text, containers, keep);
    let root = || Value::Object(Map::on_demand(doc.for_tree(lent), 0));
    let root = if lent {
        crate::arena::building_tree(root)
    } else {
        root()
    };
    Ok((root, Reading(Some(doc.clone())), doc))
}

/// `f` of `text` read whole ([`parse`]) or on demand ([`parse_on_demand`]),
/// without a copy of `text` where that is sound: in the modules (one
/// thread), a request's copy was a page or two of fresh memory per request,
/// and a fresh instance pays for every page it touches (5 KB bench Pod,
/// FRESH: 1.3 to 1.7 µs and one or two page faults less). The strings read
/// refer to `text` while `f` runs; if clones of any are still alive when it
/// returns (kept in its result, or anywhere else), the document takes a
/// copy of `text` then.
///
/// The tree is lent to `f`: its strings and objects do not count on the
/// document (`Handle`), and in the modules its blocks are left to the
/// arena's next rewind rather than freed one by one
/// (`arena::building_tree`). Clones made from it are ordinary values.
///
/// # Safety
/// Nothing `f` is given (the tree, any [`Value`], [`Map`] or [`Str`] moved
/// out of it, or a reference into any of them) may be used after `f`
/// returns; clones of them may. Safe code can only break that by keeping
/// part of the tree itself: returning it from `f`, leaking it, or storing
/// it in a static.
pub unsafe fn with_parsed<R>(
    text: &[u8],
    whole: bool,
    f: impl FnOnce(Result<(Value, Reading), Error>) -> R,
) -> R {
    let keep = if cfg!(all(target_family = "wasm", not(target_feature = "atomics"))) {
        Keep::Borrow
    } else {
        // Another thread could still be reading the caller's bytes when a
        // copy replaced them.
        Keep::Copy
    };
    // SAFETY: the caller keeps `with_parsed`'s contract, which is this one's.
    unsafe { with_parsed_keeping(text, whole, keep, f) }
}

/// [`with_parsed`], keeping `text` as `keep` says.
///
/// # Safety
/// As for [`with_parsed`] when `keep` is [`Keep::Borrow`].
unsafe fn with_parsed_keeping<R>(
    text: &[u8],
    whole: bool,
    keep: Keep,
    f: impl FnOnce(Result<(Value, Reading), Error>) -> R,
) -> R {
    /// On drop (after `f`, or while a panic in it unwinds): gives the
    /// document a copy of the caller's bytes if anything besides this still
    /// holds it.
    struct OwnTextIfKept(Option<Handle>);
    impl Drop for OwnTextIfKept {
        fn drop(&mut self) {
            if let Some(doc) = &self.0
                && doc.shared()
            {
                doc.own_text();
            }
        }
    }
    let (parsed, doc) = match read_keeping(text, whole, keep, true) {
        Ok((value, reading, doc)) => (Ok((value, reading)), Some(doc)),
        Err(e) => (Err(e), None),
    };
    let _own = OwnTextIfKept(doc);
    f(parsed)
}

/// The members of the object opening container `ordinal` of `doc`: part
/// of a lent tree when `doc` is lent (a map of that tree), ordinary values
/// when it is counted (a map cloned from it, or of [`parse_on_demand`]).
#[inline(never)]
fn read_members(doc: &Handle, ordinal: u32) -> Vec<(Str, Value)> {
    if doc.is_lent() {
        crate::arena::building_tree(|| read_members_now(doc, ordinal, true))
    } else {
        read_members_now(doc, ordinal, false)
    }
}

fn read_members_now(doc: &Handle, ordinal: u32, lent: bool) -> Vec<(Str, Value)> {
    let Some(span) = doc.containers.get(ordinal as usize) else {
        doc.malformed.store(true, Ordering::Relaxed);
        return Vec::new();
    };
    // Room for the members of most objects of a request (68 of the bench
    // Pod's 86 objects have at most three, 77 at most six; the list grows
    // for the others), none for arrays until there is one. Every object
    // read keeps its list, and a fresh instance (policy-server's way) pays
    // for each page of memory it touches: lists sized for the largest
    // object (16 and 16) doubled availability's memory per request and
    // cost it 6 µs there (`kube-soc2 bench`, FRESH and its faults).
    let mut parser = Parser::new(doc.text(), doc, lent, 0, 6);
    parser.pos = span.open as usize;
    parser.next = ordinal;
    parser.on_demand = true;
    match parser.members(0) {
        Ok(members) => members,
        Err(_) => {
            doc.malformed.store(true, Ordering::Relaxed);
            Vec::new()
        }
    }
}

impl Error {
    /// The refusal `message` at byte `pos` of `bytes`, as line and column.
    fn at(bytes: &[u8], pos: usize, message: &'static str) -> Error {
        let before = &bytes[..pos.min(bytes.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let column = pos
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
        Error {
            message,
            line,
            column,
        }
    }
}

/// The bytes that end a run of plain string text: quote, backslash and the
/// control characters (one table lookup per byte instead of three compares).
static ENDS_PLAIN_TEXT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// `a == b`, eight bytes at a time (the last word overlapping the one
/// before it), four for shorter text: in the wasm modules `==` on byte
/// slices calls wasi-libc's `memcmp`, a byte loop, and object keys, kinds
/// and the values checks compare are mostly 4 to 20 bytes long.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let word = |s: &[u8], i: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&s[i..i + 8]);
            u64::from_le_bytes(w)
        };
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        return word(a, n - 8) == word(b, n - 8);
    }
    if n >= 4 {
        let half = |s: &[u8], i: usize| {
            let mut w = [0; 4];
            w.copy_from_slice(&s[i..i + 4]);
            u32::from_le_bytes(w)
        };
        return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
    }
    (0..n).all(|i| a[i] == b[i])
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is below `n` (`n` <= 0x80). A
/// borrow can only flag bytes above a byte that really is below `n`, so the
/// lowest flagged byte is always exact (the only one the scan reads).
const fn bytes_below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES * n as u64) & !word & HIGHS
}

/// `ENDS_PLAIN_TEXT` for eight bytes at once (lowest flagged byte exact).
fn ends_plain_text(word: u64) -> u64 {
    bytes_below(word, 0x20)
        | bytes_below(word ^ (ONES * u64::from(b'"')), 1)
        | bytes_below(word ^ (ONES * u64::from(b'\\')), 1)
}

/// Where the plain text starting at `pos` ends: the next quote, backslash or
/// control character, or the end of `bytes`. These are exactly the bytes a
/// JSON string must escape, so the parser and the writer
/// ([`crate::json::write_str`]) share this scan. Sixteen bytes at a time
/// with the machine's vector compares while sixteen remain (a request's
/// keys and values average ~9 bytes: most end within the first step), then
/// eight at a time in a word, then byte by byte.
#[inline(always)]
pub(crate) fn plain_text_end(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(chunk) = bytes.get(pos..pos + 16) {
        let mut block = [0; 16];
        block.copy_from_slice(chunk);
        let found = plain_text_ends(&block);
        if found != 0 {
            return pos + found.trailing_zeros() as usize;
        }
        pos += 16;
    }
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let found = ends_plain_text(u64::from_le_bytes(word));
        if found != 0 {
            // Little-endian: the lowest flagged byte is the first in the text.
            return pos + (found.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while let Some(&b) = bytes.get(pos) {
        if ENDS_PLAIN_TEXT[usize::from(b)] {
            break;
        }
        pos += 1;
    }
    pos
}

/// One bit per byte of `block` that ends plain text ([`ENDS_PLAIN_TEXT`]).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn plain_text_ends(block: &[u8; 16]) -> u16 {
    use core::arch::wasm32::*;
    // SAFETY: reads the 16 bytes `block` refers to; `v128_load` needs no alignment.
    let v = unsafe { v128_load(block.as_ptr().cast()) };
    let ends = v128_or(
        v128_or(
            u8x16_eq(v, u8x16_splat(b'"')),
            u8x16_eq(v, u8x16_splat(b'\\')),
        ),
        u8x16_lt(v, u8x16_splat(0x20)),
    );
    i8x16_bitmask(ends)
}

/// One bit per byte of `block` that ends plain text ([`ENDS_PLAIN_TEXT`]).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn plain_text_ends(block: &[u8; 16]) -> u16 {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; the load reads the 16 bytes `block`
    // refers to and needs no alignment.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        let special = _mm_or_si128(
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)),
            _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)),
        );
        // Unsigned `v >= 0x20`: the larger of the two is `v` itself.
        let printable = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x20)), v);
        (_mm_movemask_epi8(special) as u16) | !(_mm_movemask_epi8(printable) as u16)
    }
}

/// One bit per byte of `block` that ends plain text ([`ENDS_PLAIN_TEXT`]).
#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
fn plain_text_ends(block: &[u8; 16]) -> u16 {
    block
        .iter()
        .enumerate()
        .filter(|(_, b)| ENDS_PLAIN_TEXT[usize::from(**b)])
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// `list[start..]`, moved into an exactly sized vector (the parser's work
/// lists hold the items of every container still open).
///
/// In the modules a copy of a length known only at run time is wasm's
/// `memory.copy`, which wasmtime runs as a call into the host: moving the
/// few items of a container one by one measured cheaper there (the
/// access-control module, 5 KB Pod: 5.4k fewer instructions per request),
/// and moving them without `Vec::push`'s capacity test, which the compiler
/// could not drop, cheaper still (0.7 µs less per request there).
/// Natively `split_off`'s `memcpy` is the cheaper one.
#[cfg(target_arch = "wasm32")]
fn take_tail<T>(list: &mut Vec<T>, start: usize) -> Vec<T> {
    let n = list.len() - start;
    let mut tail: Vec<T> = Vec::with_capacity(n);
    // SAFETY: `tail` has room for the `n` items moved; `list` gives them up
    // (its length drops to `start` before anything else can see them).
    unsafe {
        let from = list.as_ptr().add(start);
        let to = tail.as_mut_ptr();
        for i in 0..n {
            to.add(i).write(from.add(i).read());
        }
        list.set_len(start);
        tail.set_len(n);
    }
    tail
}

#[cfg(not(target_arch = "wasm32"))]
fn take_tail<T>(list: &mut Vec<T>, start: usize) -> Vec<T> {
    list.split_off(start)
}

struct Parser<'a> {
    text: &'a str,
    /// The document the tree's strings are ranges of (the same text).
    doc: &'a Handle,
    /// Whether the tree is lent: its strings get lent handles.
    lent: bool,
    bytes: &'a [u8],
    pos: usize,
    /// Reading on demand: objects below the one being read are left unread.
    on_demand: bool,
    /// Ordinal of the next container to open (on demand).
    next: u32,
    /// Elements of the arrays being parsed, innermost last.
    elements: Vec<Value>,
    /// Members of the objects being parsed, innermost last.
    members: Vec<(Str, Value)>,
    /// Where the string [`Parser::plain_string`] could not read starts.
    string_start: usize,
    /// The key [`Parser::escaped_key`] read.
    escaped_key: Option<Str>,
}

impl<'a> Parser<'a> {
    /// `elements` and `members`: room for the parser's work lists.
    fn new(
        text: &'a str,
        doc: &'a Handle,
        lent: bool,
        elements: usize,
        members: usize,
    ) -> Parser<'a> {
        Parser {
            text,
            doc,
            lent,
            bytes: text.as_bytes(),
            pos: 0,
            on_demand: false,
            next: 0,
            elements: Vec::with_capacity(elements),
            members: Vec::with_capacity(members),
            string_start: 0,
            escaped_key: None,
        }
    }

    fn error(&self, message: &'static str) -> Error {
        Error::at(self.bytes, self.pos, message)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Admission requests arrive compact: the usual answer is one compare,
    /// made inline; the loop is a call, kept out of the container loops
    /// (in the modules that measured fewer instructions and less time per
    /// request than the loop inlined, though natively it is the other way
    /// round).
    #[inline(always)]
    fn skip_whitespace(&mut self) {
        if self.bytes.get(self.pos).is_some_and(|&b| b <= b' ') {
            self.skip_whitespace_run();
        }
    }

    #[inline(never)]
    fn skip_whitespace_run(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            // Every byte above the space ends it: the first test decides.
            if b > b' ' || !matches!(b, b' ' | b'\n' | b'\t' | b'\r') {
                return;
            }
            self.pos += 1;
        }
    }

    /// Inlined into the container loops, so a string, number or literal
    /// member costs no call (nesting still recurses through `array` and
    /// `object`, which are calls).
    #[inline(always)]
    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'{') if self.on_demand => self.unread_object(),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected value")),
        }
    }

    fn literal(&mut self, word: &'static str, v: Value) -> Result<Value, Error> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.error("expected value"))
        }
    }

    /// An object left to be read when asked for, skipped with all it holds.
    fn unread_object(&mut self) -> Result<Value, Error> {
        let ordinal = self.next;
        match self.doc.containers.get(ordinal as usize) {
            Some(span) if span.open as usize == self.pos => {
                self.pos = span.close as usize + 1;
                self.next = span.after;
                Ok(Value::Object(Map::on_demand(
                    self.doc.for_tree(self.lent),
                    ordinal,
                )))
            }
            // Only a document that was not skimmed could get here.
            _ => Err(self.error("expected value")),
        }
    }

    /// An array on its own (the document, or a value the container loops
    /// leave to `value`): read as an element, then taken back, so that the
    /// container loops exist once.
    #[inline(never)]
    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        self.nested_array(depth, None)?;
        Ok(self.elements.pop().unwrap_or_default())
    }

    /// The elements of the array opening at `pos`. Inlined into `array` and
    /// `nested_array`, as `members` is.
    #[inline(always)]
    fn elements(&mut self, depth: usize) -> Result<Vec<Value>, Error> {
        if depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.next += 1;
        self.pos += 1;
        let start = self.elements.len();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Vec::new());
        }
        loop {
            self.skip_whitespace();
            // As in `members`: command lines are lists of strings.
            match self.peek() {
                Some(b'"') => match self.plain_string() {
                    Some(v) => self.elements.push(Value::String(v)),
                    None => {
                        let v = self.string_rest()?;
                        self.elements.push(Value::String(v));
                    }
                },
                Some(b'{') if !self.on_demand => self.nested_object(depth + 1, None)?,
                Some(b'[') => self.nested_array(depth + 1, None)?,
                _ => {
                    let v = self.value(depth)?;
                    self.elements.push(v);
                }
            }
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(take_tail(&mut self.elements, start));
                }
                None => return Err(self.error("EOF while parsing a list")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// An object on its own (see `array`).
    #[inline(never)]
    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        self.nested_object(depth, None)?;
        Ok(self.elements.pop().unwrap_or_default())
    }

    /// An object inside another container, pushed onto that one's list (a
    /// member named `key`, else an element) rather than returned: a value
    /// returned from a call is written to the stack a field at a time and
    /// read back whole, which the processor cannot forward from its pending
    /// writes, as a string's once was (see `members`). Pushed here, access-
    /// control took 0.45 µs less per request and availability 0.5.
    #[inline(never)]
    fn nested_object(&mut self, depth: usize, key: Option<Str>) -> Result<(), Error> {
        let value = Value::Object(Map::from_members(self.members(depth)?));
        match key {
            Some(key) => self.members.push((key, value)),
            None => self.elements.push(value),
        }
        Ok(())
    }

    /// An array inside another container (see `nested_object`).
    #[inline(never)]
    fn nested_array(&mut self, depth: usize, key: Option<Str>) -> Result<(), Error> {
        let value = Value::Array(self.elements(depth)?);
        match key {
            Some(key) => self.members.push((key, value)),
            None => self.elements.push(value),
        }
        Ok(())
    }

    /// The members of the object opening at `pos`. Inlined into `object`,
    /// so that nesting costs one call per object, as before objects could be
    /// read on demand.
    #[inline(always)]
    fn members(&mut self, depth: usize) -> Result<Vec<(Str, Value)>, Error> {
        if depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.next += 1;
        self.pos += 1;
        let start = self.members.len();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Vec::new());
        }
        loop {
            // Admission requests arrive compact: each separator is usually
            // the very next byte, and whitespace is only looked for when not.
            if self.peek() != Some(b'"') {
                self.skip_whitespace();
                match self.peek() {
                    Some(b'"') => {}
                    None => return Err(self.error("EOF while parsing an object")),
                    Some(_) => return Err(self.error("key must be a string")),
                }
            }
            // A key with escapes is read out of line and handed over in the
            // parser: returned, it went through the stack (see
            // `plain_string`).
            let key = match self.plain_string() {
                Some(key) => key,
                None => {
                    self.escaped_key()?;
                    match self.escaped_key.take() {
                        Some(key) => key,
                        None => return Err(self.error("expected value")),
                    }
                }
            };
            self.member_value(key, depth)?;
            let mut next = self.peek();
            if !matches!(next, Some(b',' | b'}')) {
                self.skip_whitespace();
                next = self.peek();
            }
            match next {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    // The outermost object takes the list as it is (no copy).
                    return Ok(if start == 0 {
                        std::mem::take(&mut self.members)
                    } else {
                        take_tail(&mut self.members, start)
                    });
                }
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// The rest of the member named `key`: its colon and value, pushed onto
    /// the members.
    #[inline(always)]
    fn member_value(&mut self, key: Str, depth: usize) -> Result<(), Error> {
        if self.peek() == Some(b':') {
            self.pos += 1;
        } else {
            self.skip_whitespace();
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `:`")),
            }
        }
        self.skip_whitespace();
        // A string (most members) goes straight into the list: built in
        // a temporary first, the 16-byte value was written a field at a
        // time and read back whole, which the processor cannot forward
        // from its pending writes (access-control 0.6 µs more per request
        // in the module, for fewer instructions). Containers push
        // themselves for the same reason.
        match self.peek() {
            Some(b'"') => match self.plain_string() {
                Some(v) => self.members.push((key, Value::String(v))),
                None => {
                    let v = self.string_rest()?;
                    self.members.push((key, Value::String(v)));
                }
            },
            Some(b'{') if !self.on_demand => self.nested_object(depth + 1, Some(key))?,
            Some(b'[') => self.nested_array(depth + 1, Some(key))?,
            _ => {
                let v = self.value(depth)?;
                self.members.push((key, v));
            }
        }
        Ok(())
    }

    /// A key [`Parser::plain_string`] could not read, into `escaped_key`.
    #[cold]
    #[inline(never)]
    fn escaped_key(&mut self) -> Result<(), Error> {
        let key = self.string_rest()?;
        self.escaped_key = Some(key);
        Ok(())
    }

    /// A string starting at the opening quote. Inlined into its callers: a
    /// call's prologue and epilogue measured at a fifth of the work of a
    /// typical short string.
    #[inline(always)]
    fn string(&mut self) -> Result<Str, Error> {
        match self.plain_string() {
            Some(s) => Ok(s),
            None => self.string_rest(),
        }
    }

    /// A string without escapes or control characters, starting at the
    /// opening quote; `None` with `pos` at the first byte that is neither
    /// (and the string's start kept for [`Parser::string_rest`]). Its own
    /// step, so that the string stays in registers: merged with the slow
    /// path's answer in one `Result`, it was written to the stack a field
    /// at a time and read back whole, which the processor cannot forward
    /// from its pending writes (a quarter of `object`'s samples).
    #[inline(always)]
    fn plain_string(&mut self) -> Option<Str> {
        // The end found in a local and `pos` written once: a store less
        // for every string.
        let start = self.pos + 1;
        let end = plain_text_end(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Some(Str {
                doc: self.doc.for_tree(self.lent),
                start: start as u32,
                len: (end - start) as u32,
            });
        }
        self.string_start = start;
        self.pos = end;
        None
    }

    /// The rest of a string [`Parser::plain_string`] stopped in.
    #[cold]
    #[inline(never)]
    fn string_rest(&mut self) -> Result<Str, Error> {
        match self.peek() {
            Some(b'\\') => self.escaped_string(self.string_start),
            Some(_) => Err(self.error(CONTROL_CHARACTER)),
            None => Err(self.error("EOF while parsing a string")),
        }
    }

    /// Moves to the next quote, backslash or control character.
    fn skip_plain_text(&mut self) {
        self.pos = plain_text_end(self.bytes, self.pos);
    }

    /// The rest of a string that has escapes, from `start` (after the quote).
    fn escaped_string(&mut self, start: usize) -> Result<Str, Error> {
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(&self.text[start..self.pos]);
        loop {
            let run = self.pos;
            self.skip_plain_text();
            out.push_str(&self.text[run..self.pos]);
            match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Str::owned(out.into_boxed_str()));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let c = self.unicode_escape()?;
                            out.push(c);
                            continue;
                        }
                        None => return Err(self.error("EOF while parsing a string")),
                        Some(_) => return Err(self.error("invalid escape")),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => return Err(self.error(CONTROL_CHARACTER)),
            }
        }
    }

    /// The character of a `\uXXXX` escape (after `\u`), pairing surrogates.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone trailing surrogate in hex escape")),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let bytes = self.bytes;
        let Some(digits) = bytes.get(self.pos..self.pos + 4) else {
            return Err(self.error("EOF while parsing a string"));
        };
        let mut n = 0;
        for &d in digits {
            let Some(v) = (d as char).to_digit(16) else {
                return Err(self.error("invalid escape"));
            };
            n = n * 16 + v;
        }
        self.pos += 4;
        Ok(n)
    }

    fn number(&mut self) -> Result<Value, Error> {
        // Most numbers of a request are small plain integers (ports, counts,
        // seconds): read in one tight loop, everything else below.
        let rest = &self.bytes[self.pos..];
        let mut n = 0u64;
        let mut len = 0;
        while let Some(&d) = rest.get(len).filter(|d| d.is_ascii_digit())
            && len < 18
        {
            n = n * 10 + u64::from(d - b'0');
            len += 1;
        }
        if len > 0
            && (rest[0] != b'0' || len == 1)
            && !matches!(rest.get(len), Some(b'.' | b'e' | b'E' | b'0'..=b'9'))
        {
            self.pos += len;
            return Ok(Value::Number(Number::of(N::PosInt(n))));
        }
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        // The integer part is read as it is scanned; `None` once it passes
        // u64 (then only the text's float reading is left, as in serde_json).
        // Nineteen digits always fit: only past them is overflow checked (a
        // checked 64-bit multiply is a 128-bit one, a call, in wasm32).
        let mut whole = Some(0u64);
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                let first = self.pos;
                while let Some(&d @ b'0'..=b'9') = self.bytes.get(self.pos) {
                    let d = u64::from(d - b'0');
                    whole = if self.pos - first < 19 {
                        whole.map(|n| n * 10 + d)
                    } else {
                        whole
                            .and_then(|n| n.checked_mul(10))
                            .and_then(|n| n.checked_add(d))
                    };
                    self.pos += 1;
                }
            }
            _ => return Err(self.error("invalid number")),
        }
        let mut integral = true;
        if self.peek() == Some(b'.') {
            integral = false;
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            integral = false;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
        }
        if let (true, Some(n)) = (integral, whole) {
            if !negative {
                return Ok(Value::Number(Number::of(N::PosInt(n))));
            }
            // serde_json reads `-0` as the float -0.0.
            if n == 0 {
                return Ok(Value::Number(Number::of(N::Float(-0.0))));
            }
            // -n fits i64 for n up to 2^63.
            if n <= i64::MIN.unsigned_abs() {
                return Ok(Value::Number(Number::of(
                    N::NegInt(n.wrapping_neg() as i64),
                )));
            }
        }
        match self.text[start..self.pos].parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Number(Number::of(N::Float(f)))),
            _ => Err(Error::at(self.bytes, start, "number out of range")),
        }
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The vector scan flags exactly the bytes of the table, at every
    /// position; and finds the first one in text of any length.
    #[test]
    fn plain_text_ends_agrees_with_the_table() {
        for b in 0..=255u8 {
            for i in 0..16 {
                let mut block = [b'a'; 16];
                block[i] = b;
                let want = u16::from(ENDS_PLAIN_TEXT[usize::from(b)]) << i;
                assert_eq!(plain_text_ends(&block), want, "byte {b:#x} at {i}");
            }
        }
        for n in 0..40 {
            for at in 0..=n {
                let mut text = vec![b'x'; n];
                if at < n {
                    text[at] = b'"';
                }
                assert_eq!(plain_text_end(&text, 0), at, "{n} {at}");
            }
        }
    }

    /// `same_bytes` says what `==` says, for every length up to three
    /// words and a difference at every position.
    #[test]
    fn same_bytes_is_slice_equality() {
        for n in 0..=24 {
            let a: Vec<u8> = (0..n as u8).map(|i| b'a' + i).collect();
            assert!(same_bytes(&a, &a.clone()), "{n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same_bytes(&a, &b), "{n} {at}");
            }
            assert!(!same_bytes(&a, &a[..n.saturating_sub(1)]) || n == 0, "{n}");
        }
    }

    fn same_as_serde(text: &str) {
        let ours = parse(text.as_bytes());
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => {
                assert!(a == b, "{text}: {a:?} != {b:?}");
                assert_eq!(a.to_serde(), b, "{text}");
            }
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{text}: ours {a:?}, serde_json {b:?}"),
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"a": [1, -2, 3.5, 1e3, -0, 18446744073709551615, 18446744073709551616, -9223372036854775809], "b": {"c": null, "d": true, "e": false}}"#,
            r#""esc\"aped\\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00""#,
            r#"  [ ]  "#,
            r#"{}"#,
            "\"caf\u{e9}\"",
            "3.0",
            "-0.0",
            "1E+2",
            // Around the plain-integer fast path's edges.
            "[0, 7, 10, 8080, 0.5, 0e1, 10.25, 3E2, 123456789012345678, 1234567890123456789]",
            "[12345678901234567890, 99999999999999999999, 18446744073709551615]",
            "{\"a\":0,\"b\":1}",
            // Whitespace wherever JSON allows it (the parser looks for it
            // only where the compact form's separator is not next).
            " {\n \"a\" :\t1 ,\r\n \"b\" : [ 1 , 2 ] , \"c\" : { } , \"d\":{\"e\" :\"f\" } } ",
            // Escapes in keys, member values and elements (each read out of
            // line), around plain strings.
            r#"{"k\"ey": "v\nal", "arr": ["a\tb", "plain", "\u00e9", {"x\\": 1}], "n\u00e9": {"p": "q"}, "z": "\/"}"#,
        ] {
            same_as_serde(text);
        }
    }

    #[test]
    fn refuses_what_serde_json_refuses() {
        for text in [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "01",
            "[00]",
            "[0123]",
            "-01",
            "1.",
            "-",
            "1e",
            "tru",
            "nul",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"a\nb\"",
            "1 2",
            "1e400",
            "[1 2]",
            "{1:2}",
            "\"\\u12\"",
            "{\"a\" : 1 , }",
            "{\"a\":1 \"b\":2}",
            "{\"a\" 1 }",
            "{ 1 : 2 }",
            "{\"a\":1 ",
            // Strings that end badly where the parser reads them out of line.
            "{\"a\u{1}\": 1}",
            "{\"a\": \"b\u{1}\"}",
            "[\"a\u{1}\"]",
            "{\"a\": \"b",
            "{\"a\\",
            "[\"a",
            "{\"a\\q\": 1}",
        ] {
            same_as_serde(text);
            assert!(parse(text.as_bytes()).is_err(), "{text:?} must be refused");
        }
        assert!(parse(b"\"\xff\"").is_err());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(parse(deep.as_bytes()).is_err());
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(fine.as_bytes()).is_ok());
    }

    #[test]
    fn reads_like_serde_json_value() {
        let v = parse(br#"{"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80}]}]}, "n": 3.0, "k": "v", "k": "w"}"#).unwrap();
        assert_eq!(v["spec"]["containers"][0]["name"].as_str(), Some("a"));
        assert_eq!(
            v.pointer("/spec/containers/0/ports/0/containerPort")
                .and_then(Value::as_u64),
            Some(80)
        );
        assert!(v["missing"]["deeper"].is_null());
        assert_eq!(v["n"].as_i64(), None);
        assert_eq!(v["n"].as_f64(), Some(3.0));
        assert_eq!(v["k"].as_str(), Some("w"));
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["spec", "n", "k", "k"]);
        assert_eq!(
            parse(br#"{"a": 1, "b": {"c": [1, 2], "d": null}}"#).unwrap(),
            parse(br#"{"b": {"d": null, "c": [1, 2]}, "a": 1}"#).unwrap()
        );
        assert_ne!(
            parse(br#"{"a": [1, 2]}"#).unwrap(),
            parse(br#"{"a": [2, 1]}"#).unwrap()
        );
        let mut m = v.as_object().unwrap().clone();
        assert_eq!(
            m.remove("k").and_then(|k| k.as_str().map(str::to_string)),
            Some("w".into())
        );
        assert!(!m.contains_key("k"));
        assert_eq!(
            parse(br#"{"b":[1,2.5,"x"],"a":null}"#).unwrap().to_string(),
            r#"{"b":[1,2.5,"x"],"a":null}"#
        );
        let owned: Value = Value::from(&json!({"x": [1, "y"]}));
        assert_eq!(owned, json!({"x": [1, "y"]}));
        assert_eq!(
            json!({"wrapped": owned}),
            json!({"wrapped": {"x": [1, "y"]}})
        );
    }

    /// Every member of every object, so that an on-demand tree reads whole.
    fn read_all(v: &Value) -> usize {
        match v {
            Value::Object(m) => m.iter().map(|(_, v)| 1 + read_all(v)).sum(),
            Value::Array(a) => a.iter().map(read_all).sum(),
            _ => 1,
        }
    }

    /// What `with_parsed` gives out may outlive the caller's bytes: here
    /// they change as soon as the call is over.
    #[test]
    fn what_outlives_with_parsed_reads_its_own_copy() {
        let original = br#"{"a": "kept", "b": {"c": "read later"}, "d": [1]}"#;
        for whole in [true, false] {
            let mut text = original.to_vec();
            // SAFETY: only values are kept, no reference into their text.
            let (kept, unread) = unsafe {
                with_parsed_keeping(&text, whole, Keep::Borrow, |parsed| {
                    let (v, _) = parsed.unwrap();
                    (v["a"].clone(), v["b"].clone())
                })
            };
            text.fill(b'x');
            assert_eq!(kept.as_str(), Some("kept"), "whole: {whole}");
            assert_eq!(unread["c"].as_str(), Some("read later"), "whole: {whole}");
            // Nothing kept: nothing to copy, and nothing reads the bytes after.
            let mut text = original.to_vec();
            // SAFETY: nothing of the document is kept.
            let n = unsafe {
                with_parsed_keeping(&text, whole, Keep::Borrow, |parsed| {
                    parsed.unwrap().0.as_object().map(Map::len)
                })
            };
            text.fill(b'x');
            assert_eq!(n, Some(3));
        }
    }

    #[test]
    fn on_demand_reads_what_parse_reads() {
        let request = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/bench/pod-5kb.json"
        ))
        .unwrap();
        for text in [
            &request[..],
            br#"{"a": [1, {"b": [{}, [], {"c": "\"}"}]}, {"d": null}], "e": {"f": {"g": -0}}, "e": 2}"#,
            br#" {} "#,
            br#"{"k": "v", "k": {"x": 1}}"#,
            "{\"é\": [\"ü{\", {\"€\": \"\u{1F600}\"}]}".as_bytes(),
        ] {
            let eager = parse(text).unwrap();
            let (lazy, reading) = parse_on_demand(text).unwrap();
            // Read in a different order: a lookup first, then everything.
            assert_eq!(lazy.pointer("/object/spec"), eager.pointer("/object/spec"));
            assert_eq!(read_all(&lazy), read_all(&eager));
            // Every member in order, repeats included (`==` reads a repeated
            // key's last value only).
            assert_eq!(lazy.to_string(), eager.to_string());
            assert!(!reading.found_malformed());
            // Taken apart before being read.
            let (Value::Object(mut lazy), _) = parse_on_demand(text).unwrap() else {
                panic!("an object");
            };
            let first = eager.as_object().unwrap().keys().next().cloned();
            if let Some(key) = first {
                assert_eq!(lazy.remove(&key).as_ref(), eager.get(&*key));
            }
        }
    }

    #[test]
    fn on_demand_other_documents_are_parsed_whole() {
        for text in ["[1, {\"a\": 2}]", "3", "\"{}\"", "null"] {
            let (v, reading) = parse_on_demand(text.as_bytes()).unwrap();
            assert_eq!(v, parse(text.as_bytes()).unwrap());
            assert!(!reading.found_malformed());
        }
        for text in [
            "",
            "{",
            "{\"a\":]",
            "{} x",
            "{\"a\": \"}",
            "[1,]",
            "{\"a\":1}}",
        ] {
            assert_eq!(
                parse_on_demand(text.as_bytes()).err(),
                parse(text.as_bytes()).err(),
                "{text:?}"
            );
        }
        let deep = "{\"a\":".to_string() + &"[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH) + "}";
        assert_eq!(
            parse_on_demand(deep.as_bytes()).err(),
            parse(deep.as_bytes()).err()
        );
        for not_utf8 in [
            &b"{\"a\": \"\xff\"}"[..],
            b"{\"\xc3\": 1}",
            b"{\"a\": \"\xe2\x82\"}",
        ] {
            assert_eq!(parse_on_demand(not_utf8).err(), parse(not_utf8).err());
            assert!(parse(not_utf8).is_err());
        }
    }

    #[test]
    fn on_demand_a_malformed_part_is_found_when_read() {
        let text = br#"{"read": {"a": tru, "b": 1}, "unread": {"c": [1,, 2]}, "fine": {"d": 1}}"#;
        let (v, reading) = parse_on_demand(text).unwrap();
        assert_eq!(v["fine"]["d"], 1);
        // What no one reads is only checked for its strings and brackets.
        assert!(!reading.found_malformed());
        // The malformed object reads as empty, and the reading says so.
        assert!(v["read"].as_object().unwrap().is_empty());
        assert!(reading.found_malformed());
        for malformed in [
            &br#"{"a": {"b": "x
y"}}"#[..],
            br#"{"a": {"b": "\q"}}"#,
            br#"{"a": {"b" 1}}"#,
            br#"{"a": {"b": 01}}"#,
            br#"{"a": {"b": [1 2]}}"#,
            br#"{"a": {1: 2}}"#,
        ] {
            assert!(parse(malformed).is_err());
            let (v, reading) = parse_on_demand(malformed).unwrap();
            read_all(&v);
            assert!(
                reading.found_malformed(),
                "{}",
                String::from_utf8_lossy(malformed)
            );
        }
    }

    #[test]
    fn errors_say_where() {
        let e = parse(b"{\n  \"a\": tru\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 7));
        assert!(e.to_string().contains("line 2 column 7"), "{e}");
    }
}
