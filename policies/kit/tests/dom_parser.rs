//! The kit's parser reads exactly what serde_json reads: the same documents
//! accepted, the same values, the same documents refused — on every JSON
//! document of the repository (compact and pretty), hand-made edge cases,
//! every truncation of small documents and a few thousand byte-level mutants
//! of a real admission request (no panic on any of them).

use kit::dom;

const REQUEST: &str = include_str!("../../../tests/bench/pod-5kb.json");

/// The repository's other JSON: the PSS conformance cases (one document a
/// line, real Pod specs), a `kubectl get -o json` list and two schemas.
const CONFORMANCE: &str = include_str!("../../../tests/conformance/pss-cases.jsonl");
const DOCUMENTS: &[&str] = &[
    include_str!("../../../harness/report/tests/data/kubectl-get.json"),
    include_str!("../../../harness/report/report.schema.json"),
    include_str!("../../../harness/report/tests/schemas/sarif-schema-2.1.0.json"),
];

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

/// The same document compact, pretty, and with whitespace around every token.
fn spellings(text: &str) -> Vec<Vec<u8>> {
    let value: serde_json::Value = serde_json::from_str(text).unwrap();
    let compact = serde_json::to_string(&value).unwrap();
    // Every JSON whitespace character around every structural one outside
    // strings.
    let mut spaced = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in compact.chars() {
        let structural = !in_string && matches!(c, '{' | '}' | '[' | ']' | ':' | ',');
        if structural {
            spaced.push_str(" \t");
        }
        spaced.push(c);
        if structural {
            spaced.push_str("\r\n");
        }
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ => {}
        }
    }
    vec![
        text.as_bytes().to_vec(),
        compact.into_bytes(),
        serde_json::to_vec_pretty(&value).unwrap(),
        spaced.into_bytes(),
    ]
}

#[test]
fn every_json_document_of_the_repository_reads_as_serde_json_reads_it() {
    let mut documents = 0;
    for text in DOCUMENTS
        .iter()
        .copied()
        .chain(CONFORMANCE.lines().filter(|l| !l.trim().is_empty()))
        .chain([REQUEST])
    {
        for spelling in spellings(text) {
            agree(&spelling);
        }
        documents += 1;
    }
    assert!(documents > 380, "only {documents} documents read");
}

/// Documents that exercise one rule each, valid and invalid.
const EDGE_CASES: &[&str] = &[
    // strings: every escape, surrogate pairs, raw multi-byte text, long runs
    r#""\"\\\/\b\f\n\r\t""#,
    r#""\u0000\u001f\u0020\u007F\u00e9\u20AC\uFFFF""#,
    r#""\ud83d\ude00 \uD834\uDD1E""#,
    "\"caf\u{e9} \u{1F600} \u{4e2d}\u{6587}\"",
    r#""a string longer than eight bytes, then an escape \n and more plain text after it""#,
    r#"["", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "abcdefghijklmnop\"q"]"#,
    r#""\ud800""#,
    r#""\ud800\u0041""#,
    r#""\udc00""#,
    r#""\ud800\"#,
    r#""\u12""#,
    r#""\u12g4""#,
    r#""\x""#,
    "\"tab\tinside\"",
    "\"newline\ninside\"",
    "\"nul\u{0}inside\"",
    "\"unterminated",
    // numbers: integers at and past the 64-bit edges, signs, fractions, exponents
    "[0, -0, 1, -1, 9007199254740993, 18446744073709551615, 18446744073709551616]",
    "[-9223372036854775808, -9223372036854775809, 99999999999999999999999]",
    "[0.0, -0.0, 1.5, -1.5, 3.0, 1e3, 1E3, 1e+3, 1e-3, 2.5E-3, 1.7976931348623157e308]",
    "[5e-324, 1e-400, 0.1, 0.30000000000000004, 123456789012345678901234567890.5]",
    "[1e309]",
    "-1e400",
    "01",
    "-01",
    "1.",
    ".5",
    "-",
    "+1",
    "1e",
    "1e+",
    "0x10",
    "NaN",
    "Infinity",
    // literals and structure
    "[true, false, null]",
    "tru",
    "nulll",
    "[1,]",
    "[,1]",
    "{\"a\":1,}",
    "{\"a\" 1}",
    "{\"a\":}",
    "{1:2}",
    "{\"a\":1 \"b\":2}",
    "[1 2]",
    "1 2",
    "{} ",
    "",
    "   ",
    // whitespace everywhere, and characters that are not JSON whitespace
    " \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ } ] \t\r\n} \t\r\n",
    "\u{a0}1",
    "[1\u{b}]",
    "\u{feff}{}",
];

#[test]
fn edge_cases_read_and_refused_as_serde_json_does() {
    for text in EDGE_CASES {
        agree(text.as_bytes());
    }
    // A repeated key reads as its last value, as with serde_json (iteration
    // shows every copy: see `dom`).
    let repeated = dom::parse(br#"{"k":1,"k":2,"k":{"k":[3]}}"#).unwrap();
    assert_eq!(repeated["k"], serde_json::json!({"k": [3]}));
    assert_eq!(repeated.as_object().map(|m| m.len()), Some(3));
    // Invalid UTF-8 is refused, inside and outside strings.
    for bytes in [
        &b"\"\xff\""[..],
        b"\"\xc3\"",
        b"[\xe2\x82]",
        b"\xed\xa0\x80",
    ] {
        agree(bytes);
        assert!(dom::parse(bytes).is_err());
    }
}

#[test]
fn nesting_is_read_to_the_limit_and_refused_past_it() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        for depth in [1, 2, 127, 128, 129, 200] {
            let text = open.repeat(depth) + "0" + &close.repeat(depth);
            // serde_json stops one level earlier (127); this parser has always
            // read 128 levels, and keeps that limit.
            if depth != 128 {
                agree(text.as_bytes());
            }
            assert_eq!(dom::parse(text.as_bytes()).is_ok(), depth <= 128, "{text}");
        }
    }
}

#[test]
fn every_truncation_of_a_small_document_is_refused_where_serde_json_refuses_it() {
    let small = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p\u00e9-\ud83d\ude00","labels":{}},"spec":{"containers":[{"name":"c","image":"nginx:1.25","ports":[{"containerPort":8080}],"resources":{"limits":{"cpu":0.5,"memory":-1e3}}}],"hostNetwork":false,"priority":null}}"#;
    for spelling in spellings(small) {
        for end in 0..=spelling.len() {
            let prefix = &spelling[..end];
            agree(prefix);
            let whole = prefix.trim_ascii_end().len() == spelling.trim_ascii_end().len();
            assert_eq!(dom::parse(prefix).is_ok(), whole, "{end}");
        }
    }
}

/// What a refusal says, and where: the kit's own wording and positions (not
/// always serde_json's: e.g. a lone surrogate is named as such), pinned so a
/// faster parser cannot change what a user is told.
#[test]
fn refusals_say_what_and_where() {
    for (text, expected) in REFUSALS {
        let error = dom::parse(text.as_bytes()).expect_err(text);
        assert_eq!(error.to_string(), *expected, "{text:?}");
    }
    let deep = "[".repeat(129) + &"]".repeat(129);
    assert_eq!(
        dom::parse(deep.as_bytes()).unwrap_err().to_string(),
        "recursion limit exceeded at line 1 column 128"
    );
    let error = dom::parse(b"{\"a\":\"\xff\"}").unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid unicode code point at line 1 column 6"
    );
}

const REFUSALS: &[(&str, &str)] = &[
    ("", "EOF while parsing a value at line 1 column 0"),
    ("   ", "EOF while parsing a value at line 1 column 3"),
    ("{", "EOF while parsing an object at line 1 column 1"),
    ("{\"a\"", "EOF while parsing an object at line 1 column 4"),
    ("{\"a\":", "EOF while parsing a value at line 1 column 5"),
    ("{\"a\":1", "EOF while parsing an object at line 1 column 6"),
    (
        "{\"a\":1,",
        "EOF while parsing an object at line 1 column 7",
    ),
    ("{\"a\" 1}", "expected `:` at line 1 column 5"),
    ("{\"a\":}", "expected value at line 1 column 5"),
    ("{1:2}", "key must be a string at line 1 column 1"),
    (
        "{\"a\":1 \"b\":2}",
        "expected `,` or `}` at line 1 column 7",
    ),
    ("[1,]", "expected value at line 1 column 3"),
    ("[,1]", "expected value at line 1 column 1"),
    ("[1 2]", "expected `,` or `]` at line 1 column 3"),
    ("[1", "EOF while parsing a list at line 1 column 2"),
    ("1 2", "trailing characters at line 1 column 2"),
    ("{} x", "trailing characters at line 1 column 3"),
    ("tru", "expected value at line 1 column 0"),
    ("nulll", "trailing characters at line 1 column 4"),
    ("01", "trailing characters at line 1 column 1"),
    ("-01", "trailing characters at line 1 column 2"),
    ("1.", "invalid number at line 1 column 2"),
    (".5", "expected value at line 1 column 0"),
    ("-", "invalid number at line 1 column 1"),
    ("+1", "expected value at line 1 column 0"),
    ("1e", "invalid number at line 1 column 2"),
    ("1e+", "invalid number at line 1 column 3"),
    ("0x10", "trailing characters at line 1 column 1"),
    ("1e309", "number out of range at line 1 column 0"),
    ("-1e400", "number out of range at line 1 column 0"),
    ("[1e309]", "number out of range at line 1 column 1"),
    (
        "\"\\ud800\"",
        "lone leading surrogate in hex escape at line 1 column 7",
    ),
    (
        "\"\\ud800\\u0041\"",
        "lone leading surrogate in hex escape at line 1 column 13",
    ),
    (
        "\"\\udc00\"",
        "lone trailing surrogate in hex escape at line 1 column 7",
    ),
    ("\"\\u12\"", "EOF while parsing a string at line 1 column 3"),
    ("\"\\u12g4\"", "invalid escape at line 1 column 3"),
    ("\"\\x\"", "invalid escape at line 1 column 2"),
    (
        "\"abcdefghij",
        "EOF while parsing a string at line 1 column 11",
    ),
    (
        "\"abcdefghij\\",
        "EOF while parsing a string at line 1 column 12",
    ),
    ("\"a\\u00", "EOF while parsing a string at line 1 column 4"),
    (
        "{\n  \"spec\": {\n    \"x\": tru\n  }\n}",
        "expected value at line 3 column 9",
    ),
    (
        "\"tab\there\"",
        "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 4",
    ),
    (
        "\"nl\nhere\"",
        "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3",
    ),
    ("[1\u{b}]", "expected `,` or `]` at line 1 column 2"),
    ("\u{a0}1", "expected value at line 1 column 0"),
    ("-1e400x", "number out of range at line 1 column 0"),
];
