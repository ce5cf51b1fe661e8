//! Just enough X.509 to judge a `kubernetes.io/tls` Secret: base64, PEM, a
//! bounded DER reader, and from each certificate its validity end, public key
//! type and size, and signature algorithm. Hand-written to keep the module
//! small; every read is bounds-checked and anything unexpected is an `Err`,
//! never a trap.

/// Decodes standard base64 (whitespace ignored, padding optional).
pub fn base64(input: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut padded = false;
    for (i, b) in input.bytes().enumerate() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padded = true;
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return Err(kit::text!("invalid base64 character at offset {i}")),
        };
        if padded {
            return Err("base64 data after padding".into());
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// Most certificates looked at in one bundle; a longer chain is reported.
pub const MAX_CERTIFICATES: usize = 16;

/// The DER bodies of the `CERTIFICATE` blocks of a PEM bundle, in order (at
/// most `MAX_CERTIFICATES + 1`, so the caller can tell a longer bundle).
pub fn pem_certificates(pem: &str) -> Result<Vec<Vec<u8>>, String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find(BEGIN) {
        let body = &rest[start + BEGIN.len()..];
        let Some(end) = body.find(END) else {
            return Err(kit::text!("certificate {} has no END line", out.len() + 1));
        };
        let der =
            base64(&body[..end]).map_err(|e| kit::text!("certificate {}: {e}", out.len() + 1))?;
        out.push(der);
        if out.len() > MAX_CERTIFICATES {
            break;
        }
        rest = &body[end + END.len()..];
    }
    if out.is_empty() {
        return Err("no PEM CERTIFICATE block".into());
    }
    Ok(out)
}

/// One DER element: tag and content.
struct Tlv<'a> {
    tag: u8,
    body: &'a [u8],
}

/// Reads one element from the front of `input`, returning it and the rest.
fn next(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), String> {
    let (&tag, rest) = input.split_first().ok_or("truncated DER")?;
    if tag & 0x1f == 0x1f {
        return Err("multi-byte DER tags are not used in certificates".into());
    }
    let (&first, mut rest) = rest.split_first().ok_or("truncated DER length")?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err("unsupported or truncated DER length".into());
        }
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | usize::from(b);
        }
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return Err("DER element longer than its container".into());
    }
    Ok((
        Tlv {
            tag,
            body: &rest[..len],
        },
        &rest[len..],
    ))
}

fn expect<'a>(input: &'a [u8], tag: u8, what: &str) -> Result<(&'a [u8], &'a [u8]), String> {
    let (t, rest) = next(input)?;
    if t.tag != tag {
        return Err(kit::text!(
            "expected {what} (tag 0x{tag:02x}), found tag 0x{:02x}",
            t.tag
        ));
    }
    Ok((t.body, rest))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Rsa(u32),
    /// Curve size in bits (0 for a curve this reader does not know).
    Ec(u32),
    Ed25519,
    Ed448,
    /// An algorithm this reader does not know (DSA, GOST ...), by OID text.
    Other,
}

impl Key {
    pub fn describe(self) -> String {
        match self {
            Key::Rsa(b) => kit::text!("RSA {b} bits"),
            Key::Ec(0) => "ECDSA on an unknown curve".into(),
            Key::Ec(b) => kit::text!("ECDSA P-{b}"),
            Key::Ed25519 => "Ed25519".into(),
            Key::Ed448 => "Ed448".into(),
            Key::Other => "an unrecognised key algorithm".into(),
        }
    }
}

/// What the controls need from one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// Seconds since the epoch.
    pub not_after: i64,
    pub key: Key,
    /// A signature algorithm broken for certificates (MD5, SHA-1), if used.
    pub weak_signature: Option<&'static str>,
}

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];
const CURVES: &[(&[u8], u32)] = &[
    (&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07], 256),
    (&[0x2b, 0x81, 0x04, 0x00, 0x22], 384),
    (&[0x2b, 0x81, 0x04, 0x00, 0x23], 521),
    (&[0x2b, 0x81, 0x04, 0x00, 0x0a], 256),
    (&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01], 192),
    (&[0x2b, 0x81, 0x04, 0x00, 0x21], 224),
];
const WEAK_SIGNATURES: &[(&[u8], &str)] = &[
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04],
        "md5WithRSAEncryption",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05],
        "sha1WithRSAEncryption",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01],
        "ecdsa-with-SHA1",
    ),
    (&[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03], "dsa-with-SHA1"),
];

/// Parses one DER certificate.
pub fn parse(der: &[u8]) -> Result<Certificate, String> {
    let (cert, _) = expect(der, 0x30, "Certificate SEQUENCE")?;
    let (tbs, after_tbs) = expect(cert, 0x30, "TBSCertificate SEQUENCE")?;
    let (sig_alg, _) = expect(after_tbs, 0x30, "signatureAlgorithm")?;
    let (sig_oid, _) = expect(sig_alg, 0x06, "signature algorithm OID")?;
    let mut rest = tbs;
    // [0] EXPLICIT version, optional.
    if rest.first() == Some(&0xa0) {
        rest = next(rest)?.1;
    }
    rest = expect(rest, 0x02, "serialNumber")?.1;
    rest = expect(rest, 0x30, "signature")?.1;
    rest = expect(rest, 0x30, "issuer")?.1;
    let (validity, rest) = expect(rest, 0x30, "validity")?;
    let rest = expect(rest, 0x30, "subject")?.1;
    let (spki, _) = expect(rest, 0x30, "subjectPublicKeyInfo")?;
    let (_, after_not_before) = next(validity)?;
    let (na, _) = next(after_not_before)?;
    let not_after = time(na.tag, na.body)?;
    Ok(Certificate {
        not_after,
        key: key(spki)?,
        weak_signature: WEAK_SIGNATURES
            .iter()
            .find(|(oid, _)| *oid == sig_oid)
            .map(|(_, n)| *n),
    })
}

fn key(spki: &[u8]) -> Result<Key, String> {
    let (alg, rest) = expect(spki, 0x30, "key algorithm")?;
    let (oid, params) = expect(alg, 0x06, "key algorithm OID")?;
    let (bits, _) = expect(rest, 0x03, "subjectPublicKey BIT STRING")?;
    Ok(if oid == OID_RSA || oid == OID_RSA_PSS {
        let key = bits.get(1..).ok_or("empty RSA key")?;
        let (seq, _) = expect(key, 0x30, "RSAPublicKey")?;
        let (modulus, _) = expect(seq, 0x02, "RSA modulus")?;
        Key::Rsa(bit_length(modulus))
    } else if oid == OID_EC {
        let curve = match next(params) {
            Ok((t, _)) if t.tag == 0x06 => t.body,
            _ => &[],
        };
        Key::Ec(
            CURVES
                .iter()
                .find(|(c, _)| *c == curve)
                .map_or(0, |(_, b)| *b),
        )
    } else if oid == OID_ED25519 {
        Key::Ed25519
    } else if oid == OID_ED448 {
        Key::Ed448
    } else {
        Key::Other
    })
}

/// Bits of a non-negative big-endian INTEGER.
fn bit_length(n: &[u8]) -> u32 {
    let Some(pos) = n.iter().position(|b| *b != 0) else {
        return 0;
    };
    let len = (n.len() - pos) as u32;
    len * 8 - n[pos].leading_zeros()
}

fn two(b: &[u8], i: usize) -> Result<i64, String> {
    match (b.get(i), b.get(i + 1)) {
        (Some(a @ b'0'..=b'9'), Some(c @ b'0'..=b'9')) => {
            Ok(i64::from(a - b'0') * 10 + i64::from(c - b'0'))
        }
        _ => Err("malformed certificate time".into()),
    }
}

/// UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) → epoch seconds.
fn time(tag: u8, b: &[u8]) -> Result<i64, String> {
    let (year, off) = match tag {
        0x17 => {
            let yy = two(b, 0)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, 2)
        }
        0x18 => (two(b, 0)? * 100 + two(b, 2)?, 4),
        t => return Err(kit::text!("certificate time has tag 0x{t:02x}")),
    };
    if b.len() != off + 11 || b[off + 10] != b'Z' {
        return Err("certificate time is not of the form ...HHMMSSZ".into());
    }
    let (mo, d, h, mi, s) = (
        two(b, off)?,
        two(b, off + 2)?,
        two(b, off + 4)?,
        two(b, off + 6)?,
        two(b, off + 8)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return Err("certificate time out of range".into());
    }
    Ok(kit::calendar::days_from_civil(year, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// `2030-01-31` for messages.
pub fn date(epoch: i64) -> String {
    let (y, m, d) = kit::calendar::civil_from_days(epoch.div_euclid(86_400));
    kit::text!("{y:04}-{m:02}-{d:02}")
}

/// Seconds since the epoch now (WASI clock inside the module).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
