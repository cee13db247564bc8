//! Small text measures shared by every layer.

/// Whether `haystack` holds `needle` in any ASCII case: `haystack.to_ascii_lowercase()
/// .contains(needle)` for a lower-case `needle`, without the copy.
pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    needle.is_empty()
        || haystack
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// Whether `text` starts with `prefix` in any ASCII case.
pub fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The words of an identifier or path, lower case: split at anything but ASCII letters and
/// digits, and where a lower-case letter or digit meets an upper-case one
/// (`SUPPORTED_COUNTRIES`, `markOrderPaid`, `/orders/{id}/mark-paid`).
pub fn identifier_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut lower_before = false;
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && lower_before) {
            words.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
        }
        lower_before = c.is_ascii_lowercase() || c.is_ascii_digit();
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(
            edit_distance("gate_session.complete", "gate_session.completed"),
            1
        );
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn words_of_identifiers() {
        assert_eq!(identifier_words("markOrderPaid"), ["mark", "order", "paid"]);
        assert_eq!(
            identifier_words("SUPPORTED_COUNTRIES"),
            ["supported", "countries"]
        );
        assert_eq!(
            identifier_words("/orders/{id}/mark-paid"),
            ["orders", "id", "mark", "paid"]
        );
    }

    #[test]
    fn ascii_case_insensitive_search_is_search_in_the_lower_cased_copy() {
        let texts = [
            "",
            "Gate-Signature",
            "X-0BIT-EVENT-ID",
            "x-0bit-",
            "SIGNATUR",
            "sIgNaTuRe\u{e9}",
            "\u{130}signature",
            "caf\u{e9} X-0bit-Id",
        ];
        for text in texts {
            for needle in ["signature", "x-0bit-", "", "\u{e9} x"] {
                let lower = text.to_ascii_lowercase();
                assert_eq!(
                    contains_ignore_ascii_case(text, needle),
                    lower.contains(needle),
                    "{text:?} {needle:?}"
                );
                assert_eq!(
                    starts_with_ignore_ascii_case(text, needle),
                    lower.starts_with(needle),
                    "{text:?} {needle:?}"
                );
            }
        }
    }
}
