//! What a string literal of a function body says on its own: whether it names a webhook
//! header, the SQL statement it starts with, the `key=` of a `key=value` pair.

use crate::ground::text::{contains_ignore_ascii_case, starts_with_ignore_ascii_case};

/// Whether a literal may name a delivery's header: a `*signature*` or an `X-0bit-*` name, in
/// any case (a header mention of the body, a header filter of a route).
pub(super) fn mentions_header(value: &str) -> bool {
    contains_ignore_ascii_case(value, "signature")
        || starts_with_ignore_ascii_case(value, "x-0bit-")
}

/// The first words of the statements [`sql_keyword`] knows, lower case.
const STATEMENT_WORDS: [&str; 8] = [
    "insert", "replace", "update", "delete", "merge", "upsert", "select", "with",
];

/// The leading keyword of a literal that starts like an SQL statement, upper case:
/// `"INSERT INTO events …"` → `INSERT`. A lone word (`"update"`) is not a statement.
pub(super) fn sql_keyword(value: &str) -> Option<&'static str> {
    // Nearly every literal starts with another word: it is turned away before the copy.
    let first = value.split_whitespace().next()?;
    if !STATEMENT_WORDS
        .iter()
        .any(|word| first.eq_ignore_ascii_case(word))
    {
        return None;
    }
    let lower = value.trim_start().to_ascii_lowercase();
    let mut words = lower.split_whitespace();
    let first = words.next()?;
    let second = words.next()?;
    let rest = lower.as_str();
    match first {
        "insert" | "replace" if second == "into" || second == "or" || second == "ignore" => {
            Some(if first == "insert" {
                "INSERT"
            } else {
                "REPLACE"
            })
        }
        "update" if rest.contains(" set ") => Some("UPDATE"),
        "delete" if second == "from" => Some("DELETE"),
        "merge" if second == "into" => Some("MERGE"),
        "upsert" => Some("UPSERT"),
        "select" => Some("SELECT"),
        "with" if rest.contains(" as ") => Some("WITH"),
        _ => None,
    }
}

/// The key of a `key=value` pair a literal starts with: `"t="` → `t`.
pub(super) fn pair_key(value: &str) -> Option<&str> {
    let (key, _) = value.split_once('=')?;
    let word = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    word.then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`sql_keyword`] as it was before its first word was checked ahead of the copy.
    fn sql_keyword_of_the_copy(value: &str) -> Option<&'static str> {
        let lower = value.trim_start().to_ascii_lowercase();
        let mut words = lower.split_whitespace();
        let (first, second) = (words.next()?, words.next()?);
        match first {
            "insert" if matches!(second, "into" | "or" | "ignore") => Some("INSERT"),
            "replace" if matches!(second, "into" | "or" | "ignore") => Some("REPLACE"),
            "update" if lower.contains(" set ") => Some("UPDATE"),
            "delete" if second == "from" => Some("DELETE"),
            "merge" if second == "into" => Some("MERGE"),
            "upsert" => Some("UPSERT"),
            "select" => Some("SELECT"),
            "with" if lower.contains(" as ") => Some("WITH"),
            _ => None,
        }
    }

    #[test]
    fn statements_are_known_by_their_first_word() {
        let firsts = [
            "INSERT", "replace", "Update", "delete", "MERGE", "upsert", "select", "With", "drop",
            "updates", "\u{e9}", "",
        ];
        let seconds = ["into", "OR", "ignore", "x", "from", "set", "as", ""];
        for first in firsts {
            for second in seconds {
                for lead in ["", "  ", "\n\t", "\u{3000}"] {
                    for tail in ["", " t SET a = 1", " AS (SELECT 1)", " events"] {
                        let value = format!("{lead}{first} {second}{tail}");
                        assert_eq!(
                            sql_keyword(&value),
                            sql_keyword_of_the_copy(&value),
                            "{value:?}"
                        );
                    }
                }
            }
        }
    }
}
