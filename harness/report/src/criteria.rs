//! Names of the compliance criteria the controls map to, so a report reads
//! "CC6.1 Logical access security" rather than a bare id, and the order in
//! which reports list them.
//!
//! SOC 2 labels are short paraphrases of the AICPA Trust Services Criteria
//! (2017, points of focus revised 2022) — the criteria's full text is the
//! AICPA's. ISO/IEC 27001:2022 Annex A labels are the control names. Ids not
//! listed here are shown bare.

use std::cmp::Ordering;

const SOC2: &[(&str, &str)] = &[
    ("CC1.1", "Commitment to integrity and ethical values"),
    ("CC2.1", "Quality information to support internal control"),
    ("CC3.2", "Identification and analysis of risk"),
    (
        "CC3.4",
        "Assessment of changes that affect internal control",
    ),
    ("CC4.1", "Ongoing and separate evaluations of controls"),
    ("CC5.2", "General control activities over technology"),
    (
        "CC5.3",
        "Control activities deployed through policies and procedures",
    ),
    (
        "CC6.1",
        "Logical access security software, infrastructure and architectures",
    ),
    (
        "CC6.2",
        "Registration and authorisation of users before access is issued",
    ),
    (
        "CC6.3",
        "Role-based access: authorising, changing and removing access",
    ),
    ("CC6.4", "Physical access restrictions"),
    ("CC6.5", "Discontinuing protections on disposal of assets"),
    (
        "CC6.6",
        "Protection against threats from outside system boundaries",
    ),
    (
        "CC6.7",
        "Restricting transmission, movement and removal of information",
    ),
    (
        "CC6.8",
        "Preventing and detecting unauthorised or malicious software",
    ),
    (
        "CC7.1",
        "Detecting configuration changes and vulnerabilities",
    ),
    ("CC7.2", "Monitoring system components for anomalies"),
    ("CC7.3", "Evaluating security events"),
    ("CC7.4", "Responding to security incidents"),
    ("CC7.5", "Recovering from security incidents"),
    ("CC8.1", "Change management"),
    ("CC9.1", "Mitigating risks of business disruption"),
    (
        "A1.1",
        "Capacity management: maintaining and monitoring processing capacity",
    ),
    (
        "A1.2",
        "Environmental protections, backup and recovery infrastructure",
    ),
    ("A1.3", "Testing recovery plan procedures"),
    (
        "C1.1",
        "Identifying and maintaining confidential information",
    ),
    ("C1.2", "Disposing of confidential information"),
    ("PI1.3", "Processing integrity of system processing"),
];

const ISO27001: &[(&str, &str)] = &[
    ("A.5.1", "Policies for information security"),
    ("A.5.3", "Segregation of duties"),
    (
        "A.5.9",
        "Inventory of information and other associated assets",
    ),
    (
        "A.5.10",
        "Acceptable use of information and other associated assets",
    ),
    ("A.5.12", "Classification of information"),
    ("A.5.13", "Labelling of information"),
    ("A.5.14", "Information transfer"),
    ("A.5.15", "Access control"),
    ("A.5.16", "Identity management"),
    ("A.5.17", "Authentication information"),
    ("A.5.18", "Access rights"),
    ("A.5.23", "Information security for use of cloud services"),
    ("A.5.29", "Information security during disruption"),
    ("A.5.30", "ICT readiness for business continuity"),
    ("A.5.33", "Protection of records"),
    (
        "A.5.36",
        "Compliance with policies, rules and standards for information security",
    ),
    ("A.5.37", "Documented operating procedures"),
    ("A.8.1", "User endpoint devices"),
    ("A.8.2", "Privileged access rights"),
    ("A.8.3", "Information access restriction"),
    ("A.8.4", "Access to source code"),
    ("A.8.5", "Secure authentication"),
    ("A.8.6", "Capacity management"),
    ("A.8.7", "Protection against malware"),
    ("A.8.8", "Management of technical vulnerabilities"),
    ("A.8.9", "Configuration management"),
    ("A.8.10", "Information deletion"),
    ("A.8.11", "Data masking"),
    ("A.8.12", "Data leakage prevention"),
    ("A.8.13", "Information backup"),
    ("A.8.14", "Redundancy of information processing facilities"),
    ("A.8.15", "Logging"),
    ("A.8.16", "Monitoring activities"),
    ("A.8.17", "Clock synchronization"),
    ("A.8.18", "Use of privileged utility programs"),
    ("A.8.19", "Installation of software on operational systems"),
    ("A.8.20", "Networks security"),
    ("A.8.21", "Security of network services"),
    ("A.8.22", "Segregation of networks"),
    ("A.8.23", "Web filtering"),
    ("A.8.24", "Use of cryptography"),
    ("A.8.25", "Secure development life cycle"),
    ("A.8.26", "Application security requirements"),
    (
        "A.8.27",
        "Secure system architecture and engineering principles",
    ),
    ("A.8.28", "Secure coding"),
    ("A.8.29", "Security testing in development and acceptance"),
    (
        "A.8.31",
        "Separation of development, test and production environments",
    ),
    ("A.8.32", "Change management"),
];

fn lookup(table: &[(&str, &'static str)], id: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == id).map(|(_, v)| *v)
}

/// Short label of a SOC 2 Trust Services Criterion (`CC6.1`).
pub fn soc2_title(id: &str) -> Option<&'static str> {
    lookup(SOC2, id)
}

/// Name of an ISO/IEC 27001:2022 Annex A control (`A.8.2`).
pub fn iso27001_title(id: &str) -> Option<&'static str> {
    lookup(ISO27001, id)
}

/// Orders ids as people number them: `CC6.2` before `CC6.10`, `A.5.15`
/// before `A.8.2`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, nb) = (trim_zeros(&a[..da]), trim_zeros(&b[..db]));
                let ord = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if ord != Ordering::Equal {
                    return ord;
                }
                a = &a[da..];
                b = &b[db..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let n = d.iter().take_while(|&&c| c == b'0').count();
    &d[n.min(d.len().saturating_sub(1))..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        let mut ids = vec!["CC6.10", "A1.2", "CC6.2", "CC6.1", "CC10.1"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["A1.2", "CC6.1", "CC6.2", "CC6.10", "CC10.1"]);
        assert_eq!(natural_cmp("A.8.02", "A.8.2"), Ordering::Equal);
        assert_eq!(iso27001_title("A.8.2"), Some("Privileged access rights"));
        assert!(soc2_title("CC6.1").is_some());
    }
}
