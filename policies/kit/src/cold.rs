//! Texts an evaluation does not read, or rarely: a control's title,
//! rationale and remediation, a parameter's description (the catalogue
//! serves them, and a refusal quotes the failing control's title and fix;
//! an admitted request never reads them), a large table only some objects
//! need (processing-integrity's time zone names).
//!
//! Why they are kept out of the module's read-only data: a fresh instance
//! (policy-server's way, one per request) maps read-only data 64 KB at a
//! time, around the first byte it reads in each 64 KB, and pays for every
//! window it maps (on the bench's VM a second window cost 4.4 to 4.9 µs an
//! evaluation, ten pages more in one window 2 µs). With the texts among
//! them, the data an evaluation reads — the controls' tables, the kit's,
//! the standard library's — spread over two windows in most families.
//! [`cold!`] puts a text among the writable statics instead, after the
//! read-only data, where nothing reads it unless it is needed.

use core::cell::UnsafeCell;

/// A text among the writable statics. Never written: it is writable only
/// so that the linker places it after the read-only data.
#[repr(transparent)]
pub struct Cold<const N: usize>(UnsafeCell<[u8; N]>);

// SAFETY: nothing ever writes a `Cold`.
unsafe impl<const N: usize> Sync for Cold<N> {}

impl<const N: usize> Cold<N> {
    /// `text`'s bytes; `N` must be its length (what [`cold!`] passes).
    pub const fn new(text: &str) -> Cold<N> {
        let bytes = text.as_bytes();
        assert!(bytes.len() == N);
        let mut copy = [0u8; N];
        copy.copy_from_slice(bytes);
        Cold(UnsafeCell::new(copy))
    }

    pub const fn as_str(&'static self) -> &'static str {
        // SAFETY: the bytes were copied from a `str` and are never written.
        unsafe { core::str::from_utf8_unchecked(&*self.0.get()) }
    }
}

/// A `&'static str` whose bytes live among the writable statics (see the
/// module's documentation): for the texts of a control or parameter
/// declaration, `title: kit::cold!("...")`.
#[macro_export]
macro_rules! cold {
    ($text:expr) => {{
        // `used`: a static nothing writes is otherwise made read-only again
        // by the optimiser.
        #[used]
        static TEXT: $crate::cold::Cold<{ $text.len() }> = $crate::cold::Cold::new($text);
        TEXT.as_str()
    }};
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cold_text_reads_as_its_literal() {
        static TEXTS: [&str; 3] = [
            crate::cold!(""),
            crate::cold!("fix it"),
            crate::cold!("é ✓"),
        ];
        assert_eq!(TEXTS, ["", "fix it", "é ✓"]);
    }
}
