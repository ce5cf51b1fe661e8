//! A short text (an image reference, a name) looked at as bit masks, one
//! bit per byte, found 16 bytes at a time with the machine's vector
//! compares (wasm `simd128` in the modules, SSE2 natively).
//!
//! In the modules every turn of a loop pays for the engine's epoch check at
//! its back edge (policy-server interrupts evaluations that way), and a
//! byte-at-a-time loop keeps few values in registers: image references were
//! read at several nanoseconds per byte. A mask answers "where is the first
//! `@`" or "is every byte printable" for the whole text at once.

/// Up to 64 bytes of text, zero-padded.
pub struct Block {
    bytes: [u8; 64],
    len: usize,
}

impl Block {
    /// The longest text a block holds.
    pub const MAX: usize = 64;

    /// `text` as a block; `None` when it is longer than [`Block::MAX`].
    pub fn of(text: &[u8]) -> Option<Block> {
        if text.len() > Block::MAX {
            return None;
        }
        let mut bytes = [0; 64];
        // SAFETY: `text` fits in `bytes`, a separate array.
        unsafe { crate::text::copy(text.as_ptr(), bytes.as_mut_ptr(), text.len()) };
        Some(Block {
            bytes,
            len: text.len(),
        })
    }

    /// A bit for every byte of the text.
    pub fn all(&self) -> u64 {
        below(self.len)
    }

    /// A bit for every byte equal to `b`.
    #[inline]
    pub fn eq(&self, b: u8) -> u64 {
        self.masks(|chunk| eq16(chunk, b)) & self.all()
    }

    /// A bit for every byte from `lo` to `hi` (both included; with `lo`
    /// above `hi` the range wraps around 255).
    #[inline]
    pub fn in_range(&self, lo: u8, hi: u8) -> u64 {
        self.masks(|chunk| in_range16(chunk, lo, hi)) & self.all()
    }

    #[inline(always)]
    fn masks(&self, f: impl Fn(&[u8; 16]) -> u16) -> u64 {
        // Always the four chunks: a loop of a known count is unrolled, and
        // a loop left in pays the epoch check at its back edge.
        let mut masks = 0;
        for (i, chunk) in self.bytes.chunks_exact(16).enumerate() {
            if let Ok(chunk) = chunk.try_into() {
                masks |= u64::from(f(chunk)) << (16 * i);
            }
        }
        masks
    }
}

/// Where `b` first occurs in `text`, sixteen bytes a step (`iter().position`
/// is a byte a step in the modules: see the module's documentation).
pub fn find(text: &[u8], b: u8) -> Option<usize> {
    let mut at = 0;
    while at < text.len() {
        let mut chunk = [0; 16];
        let n = (text.len() - at).min(16);
        // SAFETY: `n` bytes of `text` from `at` fit in `chunk`, a separate array.
        unsafe { crate::text::copy(text.as_ptr().add(at), chunk.as_mut_ptr(), n) };
        let hits = eq16(&chunk, b) & ((1u32 << n) - 1) as u16;
        if hits != 0 {
            return Some(at + hits.trailing_zeros() as usize);
        }
        at += 16;
    }
    None
}

/// Where `b` last occurs in `text` (see [`find`]).
pub fn rfind(text: &[u8], b: u8) -> Option<usize> {
    let mut end = text.len();
    while end > 0 {
        let n = end.min(16);
        let mut chunk = [0; 16];
        // SAFETY: the `n` bytes of `text` before `end` fit in `chunk`.
        unsafe { crate::text::copy(text.as_ptr().add(end - n), chunk.as_mut_ptr(), n) };
        let hits = eq16(&chunk, b) & ((1u32 << n) - 1) as u16;
        if hits != 0 {
            return Some(end - n + 15 - hits.leading_zeros() as usize);
        }
        end -= n;
    }
    None
}

/// The lowest bit set in `mask`, as a byte position.
pub fn first(mask: u64) -> Option<usize> {
    (mask != 0).then(|| mask.trailing_zeros() as usize)
}

/// The highest bit set in `mask`, as a byte position.
pub fn last(mask: u64) -> Option<usize> {
    (mask != 0).then(|| 63 - mask.leading_zeros() as usize)
}

/// The bits below position `i` (all of them from 64 on).
pub fn below(i: usize) -> u64 {
    if i >= 64 { u64::MAX } else { (1 << i) - 1 }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn eq16(chunk: &[u8; 16], b: u8) -> u16 {
    use core::arch::wasm32::*;
    // SAFETY: reads the 16 bytes `chunk` refers to; `v128_load` needs no alignment.
    let v = unsafe { v128_load(chunk.as_ptr().cast()) };
    i8x16_bitmask(u8x16_eq(v, u8x16_splat(b)))
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn in_range16(chunk: &[u8; 16], lo: u8, hi: u8) -> u16 {
    use core::arch::wasm32::*;
    // SAFETY: as in `eq16`.
    let v = unsafe { v128_load(chunk.as_ptr().cast()) };
    // `v - lo <= hi - lo`, unsigned and wrapping: one compare for a range.
    let offset = u8x16_sub(v, u8x16_splat(lo));
    i8x16_bitmask(u8x16_le(offset, u8x16_splat(hi.wrapping_sub(lo))))
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn eq16(chunk: &[u8; 16], b: u8) -> u16 {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86_64; the load reads the 16 bytes `chunk`
    // refers to and needs no alignment.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8))) as u16
    }
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn in_range16(chunk: &[u8; 16], lo: u8, hi: u8) -> u16 {
    use core::arch::x86_64::*;
    // SAFETY: as in `eq16`.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        let offset = _mm_sub_epi8(v, _mm_set1_epi8(lo as i8));
        // Unsigned `offset <= hi - lo`: the smaller of the two is `offset`.
        let span = _mm_set1_epi8(hi.wrapping_sub(lo) as i8);
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(offset, span), offset)) as u16
    }
}

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
fn eq16(chunk: &[u8; 16], b: u8) -> u16 {
    bytewise(chunk, |c| c == b)
}

#[cfg(not(any(
    all(target_arch = "wasm32", target_feature = "simd128"),
    target_arch = "x86_64"
)))]
fn in_range16(chunk: &[u8; 16], lo: u8, hi: u8) -> u16 {
    bytewise(chunk, |c| c.wrapping_sub(lo) <= hi.wrapping_sub(lo))
}

/// What the vector versions compute, a byte at a time.
#[cfg_attr(
    any(
        all(target_arch = "wasm32", target_feature = "simd128"),
        target_arch = "x86_64"
    ),
    allow(dead_code)
)]
fn bytewise(chunk: &[u8; 16], f: impl Fn(u8) -> bool) -> u16 {
    chunk
        .iter()
        .enumerate()
        .filter(|(_, b)| f(**b))
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vector_masks_are_the_bytewise_masks() {
        // Every byte value at every position of a chunk, against targets
        // and ranges at the edges (0, 0x7F, 0x80, 0xFF, empty and full).
        let ranges = [
            (0u8, 0u8),
            (0, 255),
            (0x21, 0x7E),
            (b'A', b'Z'),
            (0x80, 0xFF),
            (0xFF, 0xFF),
            (5, 4),
        ];
        for first in 0..=255u8 {
            let mut chunk = [0u8; 16];
            for (i, b) in chunk.iter_mut().enumerate() {
                *b = first.wrapping_add((i * 17) as u8);
            }
            for target in [0, b'@', 0x7F, 0x80, 0xFF, first] {
                assert_eq!(eq16(&chunk, target), bytewise(&chunk, |c| c == target));
            }
            for (lo, hi) in ranges {
                assert_eq!(
                    in_range16(&chunk, lo, hi),
                    bytewise(&chunk, |c| c.wrapping_sub(lo) <= hi.wrapping_sub(lo)),
                    "{lo}..={hi}"
                );
            }
        }
    }

    #[test]
    fn finds_what_iterators_find() {
        for len in 0..70 {
            for seed in 0..8u8 {
                let text: Vec<u8> = (0..len)
                    .map(|i| {
                        if (i as u8).wrapping_mul(7) % 11 == seed {
                            b'@'
                        } else {
                            b'a'
                        }
                    })
                    .collect();
                assert_eq!(find(&text, b'@'), text.iter().position(|&c| c == b'@'));
                assert_eq!(rfind(&text, b'@'), text.iter().rposition(|&c| c == b'@'));
                assert_eq!(find(&text, 0), None);
            }
        }
    }

    #[test]
    fn masks_cover_exactly_the_text() {
        for len in 0..=64 {
            let text: Vec<u8> = (0..len)
                .map(|i| if i % 3 == 0 { b'@' } else { 0 })
                .collect();
            let block = Block::of(&text).unwrap();
            let want_at = (0..len)
                .filter(|i| i % 3 == 0)
                .fold(0u64, |m, i| m | 1 << i);
            assert_eq!(block.eq(b'@'), want_at, "{len}");
            // The padding is zeros, and is never reported.
            assert_eq!(block.eq(0), block.all() & !want_at, "{len}");
            assert_eq!(block.all().count_ones() as usize, len);
        }
        assert!(Block::of(&[b'a'; 65]).is_none());
        assert_eq!((first(0), last(0)), (None, None));
        assert_eq!((first(0b1010), last(0b1010)), (Some(1), Some(3)));
        assert_eq!((below(0), below(3), below(64)), (0, 0b111, u64::MAX));
    }
}
