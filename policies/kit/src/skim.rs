//! Where every container of a JSON document opens and closes, found without
//! parsing it: what lets [`crate::dom::parse_on_demand`] skip an object no
//! control reads.
//!
//! The text is looked at 64 bytes at a time, as bit masks (one bit per byte)
//! of its quotes, backslashes, brackets and non-ASCII bytes (ASCII text needs
//! no separate UTF-8 check), built 16 bytes at a time with the
//! machine's vector compares (wasm `simd128` in the modules, SSE2 natively,
//! plain byte compares elsewhere). Which quotes are escaped, which bytes are
//! inside strings and so which brackets count are then a few word operations
//! per block: 12k instructions for the 5 KB bench request natively, against
//! 28k for walking its strings eight bytes at a time (callgrind); 14.8k with
//! the non-ASCII mask, which spares ASCII text a 2.4k UTF-8 pass.

/// Containers nested deeper than this are refused, here and by the parser
/// (serde_json's own limit), so a hostile payload cannot exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 128;

/// Where a container opens and closes, and the ordinal of the first
/// container after it (to skip it with everything it holds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Span {
    pub open: u32,
    pub close: u32,
    pub after: u32,
}

/// What one pass over a document found.
#[derive(Debug, PartialEq)]
pub(crate) struct Skimmed {
    /// Every container, in the order they open.
    pub containers: Vec<Span>,
    /// Whether every byte is ASCII (so the text is UTF-8 without a check).
    pub ascii: bool,
}

/// One bit per byte of a 64-byte block.
#[derive(Default)]
struct Block {
    quotes: u64,
    backslashes: u64,
    /// `{`, `[`, `}` and `]` (told apart by the byte itself: bit 1 is set
    /// in the opening ones only, `0x7B`/`0x5B` against `0x7D`/`0x5D`).
    brackets: u64,
}

/// Every container of `bytes`, in the order they open; `None` unless the
/// text is whitespace, one object whose strings end and whose brackets match
/// (nested at most [`MAX_DEPTH`] deep) and whitespace. Nothing else is
/// checked (not even UTF-8, unless every byte is ASCII): the parser checks
/// the parts that are read.
pub(crate) fn containers(bytes: &[u8]) -> Option<Skimmed> {
    let first = bytes.iter().position(|b| !is_space(*b))?;
    if bytes[first] != b'{' || u32::try_from(bytes.len()).is_err() {
        return None;
    }
    let mut containers: Vec<Span> = Vec::with_capacity(bytes.len() / 32);
    // The containers open at this point, innermost last: each one's ordinal,
    // shifted left once, with bit 0 set for an object (so that its closing
    // bracket is checked without reading its opening one again). An array
    // rather than a `Vec`: no call in the loop, so its state stays in
    // registers in the modules.
    let mut open = [0u32; MAX_DEPTH];
    let mut depth = 0;
    let mut escape_pending = false;
    let mut in_string = 0u64;
    let mut seen = Seen::new();
    let mut end = None;
    let mut padded = [b' '; 64];
    for (index, chunk) in bytes.chunks(64).enumerate() {
        let block_bytes: &[u8; 64] = match chunk.try_into() {
            Ok(full) => full,
            Err(_) => {
                // SAFETY: the last chunk is shorter than `padded` (64 bytes).
                unsafe { crate::text::copy(chunk.as_ptr(), padded.as_mut_ptr(), chunk.len()) };
                &padded
            }
        };
        let block = block_of(block_bytes, &mut seen);
        let escaped = escaped(block.backslashes, &mut escape_pending);
        let quotes = block.quotes & !escaped;
        // Set from an opening quote up to (not including) its closing quote.
        let strings = prefix_xor(quotes) ^ in_string;
        in_string = 0u64.wrapping_sub(strings >> 63);
        let mut brackets = block.brackets & !strings;
        if brackets == 0 {
            continue;
        }
        // Room for every bracket of the block opening a container; the spans
        // are then written through a pointer, so that the loop makes no
        // call and the list's length stays in a register in the modules.
        containers.reserve(brackets.count_ones() as usize);
        let spans = containers.as_mut_ptr();
        let mut len = containers.len();
        // Not one object with matching brackets: nested too deep, a
        // container after the outermost one closed, or a closing bracket
        // with nothing open or of the other kind.
        let mut refused = false;
        while brackets != 0 {
            let bit = brackets.trailing_zeros();
            brackets &= brackets - 1;
            let pos = (index * 64 + bit as usize) as u32;
            let bracket = block_bytes[bit as usize & 63];
            // `{` and `[` have bit 1 set, `}` and `]` do not; `{}` have
            // bit 5 set, `[]` do not.
            let object = u32::from(bracket >> 5) & 1;
            if bracket & 2 != 0 {
                if depth == MAX_DEPTH || end.is_some() {
                    refused = true;
                    break;
                }
                open[depth] = (len as u32) << 1 | object;
                depth += 1;
                // SAFETY: `len` is below the capacity reserved above: at most
                // one span per bracket of the block is added.
                unsafe {
                    spans.add(len).write(Span {
                        open: pos,
                        close: 0,
                        after: 0,
                    })
                };
                len += 1;
            } else {
                if depth == 0 {
                    refused = true;
                    break;
                }
                depth -= 1;
                let opened = open[depth];
                if opened & 1 != object {
                    refused = true;
                    break;
                }
                // SAFETY: `opened >> 1` is the index a span was written at,
                // below `len`.
                let span = unsafe { &mut *spans.add((opened >> 1) as usize) };
                span.close = pos;
                span.after = len as u32;
                if depth == 0 {
                    end = Some(pos as usize);
                }
            }
        }
        // SAFETY: the first `len` spans are written.
        unsafe { containers.set_len(len) };
        if refused {
            return None;
        }
    }
    let end = end?;
    if !bytes[end + 1..].iter().all(|b| is_space(*b)) {
        return None;
    }
    // The room reserved and not used goes back: the list is the arena's most
    // recent block, so this only moves its end, and otherwise every later
    // block of the request would sit that much higher, on pages a fresh
    // instance then maps (the bench Pod: 62 spans, 744 bytes).
    containers.shrink_to_fit();
    Some(Skimmed {
        containers,
        ascii: !seen.any_high(),
    })
}

/// Whether every byte is below 0x80, 16 bytes at a time where the machine
/// has vectors (the standard library's test goes a word at a time: four
/// bytes in a wasm32 guest).
pub(crate) fn is_ascii(bytes: &[u8]) -> bool {
    let chunks = bytes.chunks_exact(16);
    let rest = chunks.remainder();
    let mut high = 0;
    for chunk in chunks {
        if let Ok(chunk) = chunk.try_into() {
            high |= high_bits(chunk);
        }
    }
    high == 0 && rest.is_ascii()
}

/// One bit per byte of `chunk` at or above 0x80.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn high_bits(chunk: &[u8; 16]) -> u16 {
    use core::arch::wasm32::*;
    // SAFETY: reads the 16 bytes `chunk` refers to; `v128_load` needs no alignment.
    i8x16_bitmask(unsafe { v128_load(chunk.as_ptr().cast()) })
}

/// One bit per byte of `chunk` at or above 0x80.
#[cfg(target_arch = "x86_64")]
fn high_bits(chunk: &[u8; 16]) -> u16 {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; the load needs no alignment.
    unsafe { _mm_movemask_epi8(_mm_loadu_si128(chunk.as_ptr().cast())) as u16 }
}

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
fn high_bits(chunk: &[u8; 16]) -> u16 {
    chunk_masks_bytewise(chunk)[3]
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// Bit `i` set when byte `i` of the block follows an unescaped backslash.
/// `pending`: whether the previous block ended with one (updated).
fn escaped(backslashes: u64, pending: &mut bool) -> u64 {
    if backslashes == 0 && !*pending {
        return 0;
    }
    let mut escaped = 0;
    let mut rest = backslashes;
    if std::mem::take(pending) {
        escaped = 1;
        rest &= !1;
    }
    while rest != 0 {
        let bit = rest.trailing_zeros();
        if bit == 63 {
            *pending = true;
            break;
        }
        // The next byte is escaped, and an escaped backslash escapes nothing.
        escaped |= 2 << bit;
        rest &= !(3 << bit);
    }
    escaped
}

/// Bit `i` is the parity of the bits `0..=i` of `x`.
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// The masks of a block; every byte of it is added to `seen`.
fn block_of(bytes: &[u8; 64], seen: &mut Seen) -> Block {
    let mut block = Block::default();
    for (i, chunk) in bytes.chunks_exact(16).enumerate() {
        let Ok(chunk) = chunk.try_into() else {
            continue;
        };
        let [quotes, backslashes, brackets] = chunk_masks(chunk, seen).map(u64::from);
        let shift = 16 * i;
        block.quotes |= quotes << shift;
        block.backslashes |= backslashes << shift;
        block.brackets |= brackets << shift;
    }
    block
}

/// Every byte looked at, OR-ed together: whether any was at or above 0x80
/// is one test at the end, not a mask per 16 bytes.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
struct Seen(core::arch::wasm32::v128);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Seen {
    fn new() -> Seen {
        Seen(core::arch::wasm32::u8x16_splat(0))
    }

    fn any_high(&self) -> bool {
        core::arch::wasm32::i8x16_bitmask(self.0) != 0
    }
}

#[cfg(target_arch = "x86_64")]
struct Seen(core::arch::x86_64::__m128i);

#[cfg(target_arch = "x86_64")]
impl Seen {
    fn new() -> Seen {
        // SAFETY: SSE2 is part of x86_64.
        Seen(unsafe { core::arch::x86_64::_mm_setzero_si128() })
    }

    fn any_high(&self) -> bool {
        // SAFETY: as in `new`.
        unsafe { core::arch::x86_64::_mm_movemask_epi8(self.0) != 0 }
    }
}

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
struct Seen(u16);

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
impl Seen {
    fn new() -> Seen {
        Seen(0)
    }

    fn any_high(&self) -> bool {
        self.0 != 0
    }
}

/// Quote, backslash, and bracket masks of 16 bytes; the bytes are added to `seen`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn chunk_masks(chunk: &[u8; 16], seen: &mut Seen) -> [u16; 3] {
    use core::arch::wasm32::*;
    // SAFETY: reads the 16 bytes `chunk` refers to; `v128_load` needs no alignment.
    let v = unsafe { v128_load(chunk.as_ptr().cast()) };
    seen.0 = v128_or(seen.0, v);
    // `[`/`]` become `{`/`}` with bit 5 set; no other byte becomes either.
    let folded = v128_or(v, u8x16_splat(0x20));
    let brackets = v128_or(
        u8x16_eq(folded, u8x16_splat(b'{')),
        u8x16_eq(folded, u8x16_splat(b'}')),
    );
    [
        i8x16_bitmask(u8x16_eq(v, u8x16_splat(b'"'))),
        i8x16_bitmask(u8x16_eq(v, u8x16_splat(b'\\'))),
        i8x16_bitmask(brackets),
    ]
}

/// Quote, backslash, and bracket masks of 16 bytes; the bytes are added to `seen`.
#[cfg(target_arch = "x86_64")]
fn chunk_masks(chunk: &[u8; 16], seen: &mut Seen) -> [u16; 3] {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; the load reads the 16 bytes `chunk`
    // refers to and needs no alignment.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        seen.0 = _mm_or_si128(seen.0, v);
        let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let mask = |v, b: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8))) as u16;
        [
            mask(v, b'"'),
            mask(v, b'\\'),
            mask(folded, b'{') | mask(folded, b'}'),
        ]
    }
}

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
fn chunk_masks(chunk: &[u8; 16], seen: &mut Seen) -> [u16; 3] {
    let [quotes, backslashes, brackets, high] = chunk_masks_bytewise(chunk);
    seen.0 |= high;
    [quotes, backslashes, brackets]
}

/// What the vector versions compute, a byte at a time.
#[cfg_attr(
    any(
        all(target_arch = "wasm32", target_feature = "simd128"),
        target_arch = "x86_64"
    ),
    allow(dead_code)
)]
fn chunk_masks_bytewise(chunk: &[u8; 16]) -> [u16; 4] {
    let mut masks = [0u16; 4];
    for (i, &b) in chunk.iter().enumerate() {
        masks[3] |= u16::from(b >> 7) << i;
        let which = match b | 0x20 {
            _ if b == b'"' => 0,
            _ if b == b'\\' => 1,
            b'{' | b'}' => 2,
            _ => continue,
        };
        masks[which] |= 1 << i;
    }
    masks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The containers of `text`, found byte by byte with escapes honoured.
    fn spans_byte_by_byte(text: &str) -> Vec<Span> {
        // Brackets outside strings, found byte by byte with escapes honoured.
        let bytes = text.as_bytes();
        let mut out: Vec<Span> = Vec::new();
        let mut open = Vec::new();
        let (mut in_string, mut escaped) = (false, false);
        for (pos, &b) in bytes.iter().enumerate() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => {
                    open.push(out.len());
                    out.push(Span {
                        open: pos as u32,
                        close: 0,
                        after: 0,
                    });
                }
                b'}' | b']' => {
                    let k = open.pop().unwrap();
                    let after = out.len() as u32;
                    out[k].close = pos as u32;
                    out[k].after = after;
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn finds_the_brackets_a_byte_by_byte_reading_finds() {
        let request = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/bench/pod-5kb.json"
        ))
        .unwrap();
        let compact =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&request).unwrap())
                .unwrap();
        let escapes = r#"{"a":"\\","b":"\"{","c":["\\\"]",{"d":"x\\\\"}],"e":"\\\\\\\"}"}"#;
        let mut long_escapes = String::from(r#"{"k":""#);
        for i in 0..200 {
            // Backslash runs of every length across block boundaries.
            long_escapes.push_str(&"\\\\".repeat(i % 7));
            long_escapes.push_str(if i % 3 == 0 { "\\\"" } else { "x{" });
        }
        long_escapes.push_str(r#"","l":[{}]}"#);
        for text in [
            &request,
            &compact,
            escapes,
            &long_escapes,
            "{}",
            " {\"a\":[]} \n",
            "{\"é\":[\"ü{\",{\"€\":\"\u{1F600}]\"}]}",
        ] {
            serde_json::from_str::<serde_json::Value>(text).unwrap();
            assert_eq!(
                containers(text.as_bytes()),
                Some(Skimmed {
                    containers: spans_byte_by_byte(text),
                    ascii: text.is_ascii()
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_one_object_with_matching_brackets() {
        for text in [
            "",
            " ",
            "[]",
            "\"{}\"",
            "{",
            "}",
            "{]",
            "{\"a\":[}]",
            "{\"a\":\"}",
            "{} {}",
            "{}x",
            "{\"a\":\"\\\"}",
        ] {
            assert_eq!(containers(text.as_bytes()), None, "{text:?}");
        }
        // A bracket of the other kind, at every position around a block's end.
        for pad in 0..70 {
            let text = crate::text!(r#"{{"p":"{}","a":[{{}}],"b":{{"c":[]}}}}"#, "x".repeat(pad));
            assert!(containers(text.as_bytes()).is_some(), "{text}");
            for (at, b) in text.bytes().enumerate().skip(1) {
                let other = match b {
                    b'{' => b'[',
                    b'[' => b'{',
                    b'}' => b']',
                    b']' => b'}',
                    _ => continue,
                };
                let mut swapped = text.clone().into_bytes();
                swapped[at] = other;
                assert_eq!(
                    containers(&swapped),
                    None,
                    "{}",
                    String::from_utf8_lossy(&swapped)
                );
            }
        }
        let deep =
            "{\"a\":".to_string() + &"[".repeat(MAX_DEPTH - 1) + &"]".repeat(MAX_DEPTH - 1) + "}";
        assert!(containers(deep.as_bytes()).is_some());
        let deeper = "{\"a\":".to_string() + &"[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH) + "}";
        assert_eq!(containers(deeper.as_bytes()), None);
    }

    #[test]
    fn ascii_is_told_from_any_other_byte_at_any_position() {
        let text = vec![b'a'; 100];
        assert!(is_ascii(&text));
        assert!(is_ascii(b""));
        for at in 0..text.len() {
            for high in [0x80u8, 0xc3, 0xff] {
                let mut t = text.clone();
                t[at] = high;
                assert!(!is_ascii(&t), "{at} {high:#x}");
                assert!(!is_ascii(&t[at..]), "{at} {high:#x}");
            }
        }
    }

    #[test]
    fn the_vector_masks_are_the_bytewise_masks() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut chunk = [0u8; 16];
            for b in &mut chunk {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly the bytes that matter, and their neighbours.
                const BYTES: &[u8] = b"\"\\{}[]zZ;=|~ \x7b\x5b\x80\xff";
                *b = BYTES[(x % BYTES.len() as u64) as usize];
            }
            let mut seen = Seen::new();
            let [quotes, backslashes, brackets, high] = chunk_masks_bytewise(&chunk);
            assert_eq!(
                chunk_masks(&chunk, &mut seen),
                [quotes, backslashes, brackets],
                "{chunk:?}"
            );
            assert_eq!(seen.any_high(), high != 0, "{chunk:?}");
        }
    }
}
