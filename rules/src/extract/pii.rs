//! Personal data and bearer material written in a document's text, as plain data: card-number
//! shapes (with their issuer range and whether they pass the Luhn check), IBANs (with the ISO
//! 13616 length of their country and the mod-97 check), phone numbers in international
//! (`+44 20 7946 0958`) and common national forms (`(415) 555-0132`, `020 7946 0958`),
//! e-mail addresses, `Bearer` token values and `gsec_` client secrets.
//!
//! Shapes are strict so that versions (`1.2.3`), dates and timestamps (`2024-05-12 10:30`,
//! `1715510400000`), ids (`ord_4155550132`, UUIDs) and amounts (`1,234.56`) do not match:
//! every candidate must stand alone (no letter, digit, `_`, `-`, `.`, `/` or `#` glued to
//! either side). What is reported, and which addresses are fine, is the rule's decision.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::extract::markdown::SegmentKind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MentionKind {
    /// 13–19 digits in one run or in the usual groups, starting in a card issuer's range
    /// with that issuer's length.
    Card {
        luhn: bool,
    },
    /// A country code, two check digits and the country's registered length.
    Iban {
        mod97: bool,
    },
    Phone {
        international: bool,
    },
    Email {
        local: String,
        domain: String,
    },
    /// The value after `Bearer ` (16 characters or more).
    Bearer,
    /// `gsec_…`
    ClientSecret,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    pub kind: MentionKind,
    pub span: Range<usize>,
    /// The text as written.
    pub value: String,
    /// What part of the document it is in.
    pub segment: SegmentKind,
}

/// ISO 13616 IBAN lengths by country (the SWIFT registry).
const IBAN_LENGTHS: [(&str, usize); 79] = [
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NL", 18),
    ("NO", 15),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
];

/// `text` with the middle of each mention masked (`*`), keeping its length and its last four
/// characters, for source excerpts that must not show personal data in full.
pub fn mask(text: &str, mentions: &[Mention]) -> String {
    let mut masked = text.as_bytes().to_vec();
    for mention in mentions {
        let end = mention.span.end.saturating_sub(4).max(mention.span.start);
        for byte in &mut masked[mention.span.start..end] {
            if byte.is_ascii_alphanumeric() {
                *byte = b'*';
            }
        }
    }
    String::from_utf8(masked).expect("only ASCII characters were replaced with ASCII")
}

/// Every mention in `text[span]`, a segment of kind `segment`, with spans in `text`.
pub fn find(text: &str, span: Range<usize>, segment: SegmentKind) -> Vec<Mention> {
    let Some(part) = text.get(span.clone()) else {
        return Vec::new();
    };
    let mut found: Vec<Mention> = Vec::new();
    let base = span.start;
    let add = |kind: MentionKind, range: Range<usize>, found: &mut Vec<Mention>| {
        let range = base + range.start..base + range.end;
        if found
            .iter()
            .any(|m| m.span.start < range.end && range.start < m.span.end)
        {
            return;
        }
        found.push(Mention {
            value: text[range.clone()].to_string(),
            kind,
            span: range,
            segment,
        });
    };
    let urls = url_ranges(part);
    let in_url = |at: usize| urls.iter().any(|r| r.contains(&at));
    for (range, kind) in secrets(part) {
        add(kind, range, &mut found);
    }
    for m in regexes().email.find_iter(part) {
        if in_url(m.start()) || !stands_alone(part, m.start(), m.end()) {
            continue;
        }
        let (local, domain) = m.as_str().split_once('@').expect("the pattern has an @");
        let kind = MentionKind::Email {
            local: local.to_string(),
            domain: domain.to_ascii_lowercase(),
        };
        add(kind, m.range(), &mut found);
    }
    for m in regexes().iban.find_iter(part) {
        if in_url(m.start()) {
            continue;
        }
        if let Some((end, mod97)) = iban_at(part, m.start()) {
            if stands_alone(part, m.start(), end) {
                add(MentionKind::Iban { mod97 }, m.start()..end, &mut found);
            }
        }
    }
    for m in regexes().digits.find_iter(part) {
        if in_url(m.start()) || !stands_alone(part, m.start(), m.end()) {
            continue;
        }
        if let Some(luhn) = card(m.as_str()) {
            add(MentionKind::Card { luhn }, m.range(), &mut found);
        }
    }
    for (pattern, international) in [
        (&regexes().international, true),
        (&regexes().national, false),
    ] {
        for m in pattern.find_iter(part) {
            if in_url(m.start()) || !stands_alone(part, m.start(), m.end()) {
                continue;
            }
            let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
            let fits = if international {
                (8..=15).contains(&digits)
            } else {
                national_digits(m.as_str(), digits)
            };
            if fits {
                add(MentionKind::Phone { international }, m.range(), &mut found);
            }
        }
    }
    found.sort_by_key(|m| m.span.start);
    found
}

/// Every mention in a runbook or support document: Markdown by its segments (HTML left
/// out), other text as one prose segment.
pub fn in_document(path: &str, text: &str) -> Vec<Mention> {
    let lower = path.to_ascii_lowercase();
    if !(lower.ends_with(".md") || lower.ends_with(".markdown")) {
        return find(text, 0..text.len(), SegmentKind::Prose);
    }
    crate::extract::markdown::segments(text)
        .into_iter()
        .filter(|segment| segment.kind != SegmentKind::Html)
        .flat_map(|segment| find(text, segment.span, segment.kind))
        .collect()
}

struct Patterns {
    email: Regex,
    iban: Regex,
    digits: Regex,
    international: Regex,
    national: Regex,
    bearer: Regex,
    client_secret: Regex,
    url: Regex,
}

fn regexes() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let re = |pattern: &str| Regex::new(pattern).expect("the PII patterns are valid");
        Patterns {
            email: re(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"),
            iban: re(r"[A-Z]{2}[0-9]{2}"),
            // Digits in one run, or in groups joined by one space or hyphen.
            digits: re(r"[0-9]+(?:[ -][0-9]+){0,4}"),
            international: re(r"(?:\+|\b00)[1-9][0-9]{0,3}(?:[ .-]?\(?[0-9]{1,5}\)?){1,6}"),
            national: re(r"\([2-9][0-9]{2}\) ?[2-9][0-9]{2}[ .-][0-9]{4}|\b[2-9][0-9]{2}([ .-])[2-9][0-9]{2}([ .-])[0-9]{4}|\b0[1-9][0-9]{0,4}(?:[ -][0-9]{2,8}){1,4}"),
            bearer: re(r"(?i)\bbearer[ \t]+([A-Za-z0-9._~+/-]+=*)"),
            client_secret: re(r"\bgsec_[A-Za-z0-9_]+"),
            url: re(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s<>()\[\]]+"),
        }
    })
}

fn url_ranges(text: &str) -> Vec<Range<usize>> {
    regexes().url.find_iter(text).map(|m| m.range()).collect()
}

/// Bearer values and client secrets.
fn secrets(text: &str) -> Vec<(Range<usize>, MentionKind)> {
    let mut found = Vec::new();
    for captures in regexes().bearer.captures_iter(text) {
        let value = captures.get(1).expect("group 1 always matches");
        if value.len() >= 16 {
            found.push((value.range(), MentionKind::Bearer));
        }
    }
    for m in regexes().client_secret.find_iter(text) {
        found.push((m.range(), MentionKind::ClientSecret));
    }
    found
}

/// Nothing that would make the candidate part of a longer token sits next to it.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let glued = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'/' | b'#' | b'@');
    let before_ok = start == 0 || {
        let b = bytes[start - 1];
        let time = b == b':' && start >= 2 && bytes[start - 2].is_ascii_digit();
        !(glued(b) || matches!(b, b'-' | b'.' | b'+' | b'$') || time)
    };
    let after_ok = match bytes.get(end) {
        None => true,
        Some(&b) => {
            let next = bytes.get(end + 1).copied();
            let separator_then_digit =
                matches!(b, b'-' | b'.' | b':' | b',') && next.is_some_and(|c| c.is_ascii_digit());
            !(glued(b) || b == b'%' || separator_then_digit)
        }
    };
    before_ok && after_ok
}

/// Whether a digit shape is a card number: issuer range and length, grouping of four (or
/// Amex's 4-6-5 and Diners' 4-6-4); `Some(passes Luhn)`.
fn card(shape: &str) -> Option<bool> {
    let groups: Vec<&str> = shape.split([' ', '-']).collect();
    let separators: Vec<char> = shape.chars().filter(|c| *c == ' ' || *c == '-').collect();
    if separators.windows(2).any(|w| w[0] != w[1]) {
        return None;
    }
    let digits: String = groups.concat();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let grouped = lengths.len() == 1
        || lengths[..lengths.len() - 1].iter().all(|&l| l == 4)
        || lengths == [4, 6, 5]
        || lengths == [4, 6, 4];
    if !grouped || !issuer_length(&digits) {
        return None;
    }
    Some(luhn(&digits))
}

/// A card issuer's range with one of its lengths: Visa, Mastercard, Amex, Discover,
/// Diners, JCB, UnionPay.
fn issuer_length(digits: &str) -> bool {
    let n = digits.len();
    let prefix = |len: usize| digits[..len.min(n)].parse::<u32>().unwrap_or(0);
    match digits.as_bytes().first() {
        Some(b'4') => matches!(n, 13 | 16 | 19),
        Some(b'5') => n == 16 && (51..=55).contains(&prefix(2)),
        Some(b'2') => n == 16 && (2221..=2720).contains(&prefix(4)),
        Some(b'3') => match prefix(2) {
            34 | 37 => n == 15,
            36 | 38 | 39 => n == 14,
            30 => n == 14 && (300..=305).contains(&prefix(3)),
            35 => (16..=19).contains(&n) && (3528..=3589).contains(&prefix(4)),
            _ => false,
        },
        Some(b'6') => {
            (16..=19).contains(&n)
                && (prefix(4) == 6011
                    || prefix(2) == 65
                    || prefix(2) == 62
                    || (644..=649).contains(&prefix(3)))
        }
        _ => false,
    }
}

/// The Luhn checksum of a digit string.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// The IBAN starting at `start`: the country's registered number of characters, in groups of
/// four when spaced; `Some((end, passes mod-97))`.
fn iban_at(text: &str, start: usize) -> Option<(usize, bool)> {
    let bytes = text.as_bytes();
    let country = text.get(start..start + 2)?;
    let length = IBAN_LENGTHS.iter().find(|(c, _)| *c == country)?.1;
    let mut chars = String::new();
    let mut at = start;
    while chars.len() < length && at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii_digit() || b.is_ascii_uppercase() {
            chars.push(b as char);
            at += 1;
        } else if b == b' '
            && chars.len() % 4 == 0
            && bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            at += 1;
        } else {
            return None;
        }
    }
    (chars.len() == length).then(|| (at, mod97(&chars)))
}

/// The ISO 13616 check: the first four characters moved to the end, letters as 10–35, the
/// number modulo 97 is 1.
pub fn mod97(iban: &str) -> bool {
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        remainder = if value < 10 {
            (remainder * 10 + value) % 97
        } else {
            (remainder * 100 + value) % 97
        };
    }
    remainder == 1
}

/// National forms: North American `(415) 555-0132`/`415-555-0132` have ten digits; trunk-`0`
/// forms (`020 7946 0958`, `06 12 34 56 78`) ten or eleven.
fn national_digits(shape: &str, digits: usize) -> bool {
    if shape.starts_with('0') {
        // A group that reads as a year makes it a date (`05 12 2024 10`).
        let year = shape.split([' ', '-']).any(|group| {
            group.len() == 4
                && group
                    .parse::<u32>()
                    .is_ok_and(|y| (1900..=2099).contains(&y))
        });
        (10..=11).contains(&digits) && !year
    } else {
        digits == 10
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, &'static str)> {
        find(text, 0..text.len(), SegmentKind::Prose)
            .into_iter()
            .map(|m| {
                let kind = match m.kind {
                    MentionKind::Card { luhn: true } => "card",
                    MentionKind::Card { luhn: false } => "card?",
                    MentionKind::Iban { mod97: true } => "iban",
                    MentionKind::Iban { mod97: false } => "iban?",
                    MentionKind::Phone { .. } => "phone",
                    MentionKind::Email { .. } => "email",
                    MentionKind::Bearer => "bearer",
                    MentionKind::ClientSecret => "gsec",
                };
                (m.value, kind)
            })
            .collect()
    }

    #[test]
    fn finds_personal_data() {
        for (text, value, kind) in [
            (
                "card 4111 1111 1111 1111 declined",
                "4111 1111 1111 1111",
                "card",
            ),
            ("card 4111-1111-1111-1112.", "4111-1111-1111-1112", "card?"),
            ("Amex 378282246310005", "378282246310005", "card"),
            (
                "IBAN DE89 3704 0044 0532 0130 00 refunded",
                "DE89 3704 0044 0532 0130 00",
                "iban",
            ),
            (
                "IBAN GB82WEST12345698765432",
                "GB82WEST12345698765432",
                "iban",
            ),
            (
                "IBAN GB82WEST12345698765433",
                "GB82WEST12345698765433",
                "iban?",
            ),
            ("call +44 20 7946 0958 now", "+44 20 7946 0958", "phone"),
            ("call +1 (415) 555-0132", "+1 (415) 555-0132", "phone"),
            ("call (415) 555-0132", "(415) 555-0132", "phone"),
            ("call 415-555-0132", "415-555-0132", "phone"),
            ("call 020 7946 0958", "020 7946 0958", "phone"),
            ("tel 06 12 34 56 78", "06 12 34 56 78", "phone"),
            ("mail jane.doe@gmail.com.", "jane.doe@gmail.com", "email"),
            (
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
                "bearer",
            ),
            (
                "secret gsec_gs_8f2K_9QmLkVb8RtYx3",
                "gsec_gs_8f2K_9QmLkVb8RtYx3",
                "gsec",
            ),
        ] {
            assert_eq!(kinds(text), [(value.to_string(), kind)], "{text}");
        }
    }

    #[test]
    fn versions_dates_timestamps_ids_and_amounts_are_not_personal_data() {
        for text in [
            "upgrade to 1.24.3 or v2.10.4",
            "released 2024-05-12, at 2024-05-12T10:30:00Z or 2024-05-12 10:30:00",
            "on 12/05/2024 and 05.12.2024 and 12 05 2024",
            "epoch 1715510400 or 1715510400000 ms",
            "order ord_4155550132 and #415-555-0132 and ord-4111111111111111",
            "request 550e8400-e29b-41d4-a716-446655440000",
            "amount 1,234.56 EUR or 12 345 678,90 or 4 242 424 242",
            "https://shop.test/orders/4111111111111111?phone=+442079460958",
            "port 8080, pid 415 555 and 10:30:15",
            "see RFC 7231 section 6.5.1 and ISO 13616",
            "build 20240512 1030 and 0.1.4",
            "on 05 12 2024 10 h",
            "hosts 10.0.0.1, 203.0.113.195 and 192.168.100.200:8443",
            "offsets 2026-05-12 10:30:00 +0100 and +05:30, at 1715510400.123",
        ] {
            assert_eq!(kinds(text), [], "{text}");
        }
    }

    #[test]
    fn checksums() {
        assert!(luhn("4242424242424242"));
        assert!(!luhn("4242424242424241"));
        assert!(mod97("DE89370400440532013000"));
        assert!(!mod97("DE89370400440532013001"));
    }
}
