//! The kit's parser reads exactly what serde_json reads: the same documents
//! accepted, the same values, the same documents refused, on a few thousand
//! byte-level mutants of a real admission request (no panic on any of them).

use kit::dom;

const REQUEST: &str = include_str!("../../../tests/bench/pod-5kb.json");

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes a mutation inserts: JSON's structural characters, escapes, digits,
/// multi-byte UTF-8 and invalid UTF-8.
const PIECES: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"\"",
    b"\\",
    b"\\u",
    b"\\ud83d",
    b"\\ude00",
    b"0",
    b"-",
    b"1e999",
    b".5",
    b"e",
    b"true",
    b"null",
    b" ",
    b"\n",
    b"\x01",
    "é".as_bytes(),
    b"\xff",
    b"\xc3",
];

fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if at < bytes.len() => {
                bytes.remove(at);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                bytes.splice(at..at, piece.iter().copied());
            }
            2 if at < bytes.len() => bytes[at] = rng.next() as u8,
            _ => bytes.truncate(at),
        }
    }
    bytes
}

fn agree(bytes: &[u8]) {
    let ours = dom::parse(bytes);
    let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(
            a == b,
            "same document, different values: {}",
            String::from_utf8_lossy(bytes)
        ),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "one parser accepts what the other refuses (ours {:?}, serde_json {:?}): {}",
            ours.as_ref().err(),
            theirs.as_ref().err(),
            String::from_utf8_lossy(bytes)
        ),
    }
}

#[test]
fn the_bench_request_reads_as_serde_json_reads_it() {
    agree(REQUEST.as_bytes());
    let compact =
        serde_json::to_vec(&serde_json::from_str::<serde_json::Value>(REQUEST).unwrap()).unwrap();
    agree(&compact);
}

#[test]
fn mutants_of_a_request_are_accepted_and_refused_as_serde_json_does() {
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut accepted = 0;
    for _ in 0..4000 {
        let mutant = mutate(&mut rng, REQUEST.as_bytes());
        agree(&mutant);
        accepted += usize::from(dom::parse(&mutant).is_ok());
    }
    // Mutations inside strings keep documents valid: both outcomes are exercised.
    assert!(accepted > 100, "only {accepted} mutants were valid JSON");
}
