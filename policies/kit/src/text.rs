//! Building text without wasm's `memory.copy`.
//!
//! In the modules a copy whose length is known only at run time compiles to
//! wasm's `memory.copy` (the target enables bulk memory, and the standard
//! library comes precompiled with it), and wasmtime runs that instruction as
//! a call out of the guest into the engine: about 20 ns each on the bench
//! VM, for copies that are mostly a few bytes long. `format!`, `String`,
//! `to_string` and `Vec::extend_from_slice` copy every piece that way, and
//! an answer is built from many short pieces: availability's evaluation of
//! the bench Pod made 83 such calls, most of them for its one denial. The
//! kit builds its answers, messages and paths here instead: a piece of up to
//! [`SHORT`] bytes is copied with plain loads and stores, a longer one with
//! `memory.copy` as before. Natively every copy is `copy_nonoverlapping`.

use std::fmt;

/// The longest piece copied without `memory.copy`: sixteen 16-byte moves
/// cost less than the call out of the guest.
pub const SHORT: usize = 256;

/// Appends `bytes` to `out`.
#[inline]
pub fn append(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len());
    let len = out.len();
    // SAFETY: `reserve` made room for `bytes.len()` more bytes after `len`,
    // all of which are written before the length covers them; `bytes`
    // cannot overlap that spare room (it is borrowed while `out` is
    // borrowed mutably).
    unsafe {
        copy(bytes.as_ptr(), out.as_mut_ptr().add(len), bytes.len());
        out.set_len(len + bytes.len());
    }
}

/// Copies `n` bytes from `src` to `dst`: in the modules with
/// [`copy_short`] up to [`SHORT`] bytes, otherwise as
/// `ptr::copy_nonoverlapping` does (`memory.copy` there).
///
/// # Safety
/// As for `ptr::copy_nonoverlapping`.
#[inline]
pub unsafe fn copy(src: *const u8, dst: *mut u8, n: usize) {
    // SAFETY: the caller's.
    unsafe {
        if cfg!(target_arch = "wasm32") && n <= SHORT {
            copy_short(src, dst, n);
        } else {
            core::ptr::copy_nonoverlapping(src, dst, n);
        }
    }
}

/// Copies `n` bytes from `src` to `dst`, `n` at most [`SHORT`]: whole
/// 16-byte moves, the last of them overlapping what is already copied;
/// below 16 bytes two overlapping moves of 8, 4 or 1 and 2 bytes.
///
/// # Safety
/// `src` is valid for reading and `dst` for writing `n` bytes, and the two
/// ranges do not overlap.
#[inline(never)]
pub unsafe fn copy_short(src: *const u8, dst: *mut u8, n: usize) {
    debug_assert!(n <= SHORT);
    // SAFETY: every move below stays within the first `n` bytes of both.
    unsafe {
        if n >= 16 {
            let mut at = 0;
            // Counted down to a fixed number of moves, so that the compiler
            // does not recognise the loop as a `memcpy` (which it would
            // turn back into `memory.copy`).
            let mut moves = (n - 1) / 16;
            while moves > 0 {
                move_bytes::<16>(src.add(at), dst.add(at));
                at += 16;
                moves -= 1;
            }
            move_bytes::<16>(src.add(n - 16), dst.add(n - 16));
        } else if n >= 8 {
            move_bytes::<8>(src, dst);
            move_bytes::<8>(src.add(n - 8), dst.add(n - 8));
        } else if n >= 4 {
            move_bytes::<4>(src, dst);
            move_bytes::<4>(src.add(n - 4), dst.add(n - 4));
        } else if n > 0 {
            *dst = *src;
            *dst.add(n / 2) = *src.add(n / 2);
            *dst.add(n - 1) = *src.add(n - 1);
        }
    }
}

/// # Safety
/// As for [`copy_short`] with `n == N`.
#[inline(always)]
unsafe fn move_bytes<const N: usize>(src: *const u8, dst: *mut u8) {
    // SAFETY: the caller's.
    unsafe {
        dst.cast::<[u8; N]>()
            .write_unaligned(src.cast::<[u8; N]>().read_unaligned())
    }
}

/// The longest start of `s` of at most `max` bytes that ends on a
/// character boundary.
pub fn cut(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A `String` being written, whose pieces are copied by [`append`].
#[derive(Default)]
pub struct Text(Vec<u8>);

impl Text {
    pub fn with_capacity(capacity: usize) -> Text {
        Text(Vec::with_capacity(capacity))
    }

    pub fn push_str(&mut self, s: &str) {
        append(&mut self.0, s.as_bytes());
    }

    /// `n` in decimal, without the formatting machinery's per-argument calls.
    pub fn push_decimal(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        append(&mut self.0, &digits[start..]);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: as in `into_string`.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Cuts what was written from byte `start` on to at most `max` bytes,
    /// on a character boundary, ending it with `…` when cut.
    pub fn truncate_from(&mut self, start: usize, max: usize) {
        let written = &self.as_str()[start..];
        if written.len() <= max {
            return;
        }
        let end = start + cut(written, max).len();
        self.0.truncate(end);
        self.push_str("…");
    }

    pub fn into_string(self) -> String {
        // SAFETY: only whole `str`s (and `char`s, encoded) are ever appended.
        unsafe { String::from_utf8_unchecked(self.0) }
    }
}

impl fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// `s.to_string()`, copied by [`append`].
pub fn owned(s: &str) -> String {
    let mut text = Text::with_capacity(s.len());
    text.push_str(s);
    text.into_string()
}

/// `items` joined with `separator` (`[..].join(separator)`), copied by
/// [`append`].
pub fn join<'a>(items: impl IntoIterator<Item = &'a str>, separator: &str) -> String {
    let mut text = Text::default();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            text.push_str(separator);
        }
        text.push_str(item);
    }
    text.into_string()
}

/// `s.to_ascii_lowercase()`, copied by [`append`].
pub fn ascii_lowercase(s: &str) -> String {
    let mut lower = owned(s);
    lower.make_ascii_lowercase();
    lower
}

/// `format!`, its pieces copied by [`append`]: see the module's
/// documentation.
#[macro_export]
macro_rules! text {
    ($($arg:tt)*) => {
        $crate::text::format(::std::format_args!($($arg)*))
    };
}

/// [`text!`]'s work.
pub fn format(args: fmt::Arguments<'_>) -> String {
    let mut text = Text::with_capacity(64);
    // Writing to a `Text` never fails; a `Display` that fails would make
    // `format!` panic, here it ends the text instead.
    let _ = fmt::write(&mut text, args);
    text.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_decimal_writes_what_display_writes() {
        for n in [0, 7, 9, 10, 99, 100, 4096, 1 << 31, usize::MAX] {
            let mut text = Text::default();
            text.push_str("[");
            text.push_decimal(n);
            assert_eq!(text.as_str(), crate::text!("[{n}"));
        }
    }

    #[test]
    fn copy_short_copies_every_length_exactly() {
        let source: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        for n in 0..=SHORT {
            let mut target = vec![0xAA_u8; SHORT + 8];
            // SAFETY: both buffers hold more than `n + 3` bytes.
            unsafe { copy_short(source.as_ptr().add(3), target.as_mut_ptr().add(3), n) };
            assert_eq!(&target[3..3 + n], &source[3..3 + n], "length {n}");
            assert!(target[..3].iter().all(|&b| b == 0xAA), "before, length {n}");
            assert!(
                target[3 + n..].iter().all(|&b| b == 0xAA),
                "after, length {n}"
            );
        }
    }

    #[test]
    #[allow(clippy::disallowed_macros)] // compared with the standard library's
    fn append_and_text_match_the_standard_library() {
        let mut out = b"x".to_vec();
        append(&mut out, b"");
        append(&mut out, "é".repeat(200).as_bytes());
        append(&mut out, b"tail");
        assert_eq!(
            out,
            [b"x".as_slice(), "é".repeat(200).as_bytes(), b"tail"].concat()
        );
        for items in [&[][..], &["a"], &["a", "", "ß"]] {
            assert_eq!(join(items.iter().copied(), ", "), items.join(", "));
        }
        let made = text!("[{}] {:>4}: {:?} {}", "id", 7, "q\"", 1.5);
        assert_eq!(made, format!("[{}] {:>4}: {:?} {}", "id", 7, "q\"", 1.5));
        let mut t = Text::default();
        fmt::Write::write_fmt(&mut t, format_args!("{}-{}", 'ß', "z")).unwrap();
        assert_eq!(t.into_string(), "ß-z");
    }
}
