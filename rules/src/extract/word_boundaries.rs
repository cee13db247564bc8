//! Regex word boundaries at the speed of ASCII ones, with Unicode's verdict.

use std::sync::OnceLock;

use regex::Regex;

/// The matches of `pattern` as if each `(?-u:\b)` in it were Unicode's `\b`, leftmost first.
/// `bounded` says whether a match took a branch that starts with one (each stands first in
/// its branch, before an ASCII word character; no two branches match at the same start).
///
/// Unicode's `\b` makes the regex crate give up its DFA on text that is not ASCII and fall
/// back to an engine many times slower: one `é` in a bundle made its callbacks a tenth of a
/// scan. An ASCII boundary holds wherever a Unicode one does, and fails to be one only after
/// a word character that is not ASCII; such a match is dropped and the search goes on one
/// character later.
pub fn unicode_matches<'t>(
    pattern: &'t Regex,
    text: &'t str,
    bounded: fn(&regex::Captures) -> bool,
) -> impl Iterator<Item = regex::Captures<'t>> + 't {
    let after = |at: usize| at + text[at..].chars().next().map_or(1, char::len_utf8);
    let mut from = 0;
    std::iter::from_fn(move || loop {
        if from > text.len() {
            return None;
        }
        let captures = pattern.captures_at(text, from)?;
        let whole = captures.get(0).expect("a match has a whole");
        let before = text[..whole.start()].chars().next_back();
        if bounded(&captures) && before.is_some_and(|c| !c.is_ascii() && is_word_character(c)) {
            from = after(whole.start());
            continue;
        }
        from = if whole.is_empty() {
            after(whole.end())
        } else {
            whole.end()
        };
        return Some(captures);
    })
}

/// A word character of the regex crate's Unicode `\w`.
fn is_word_character(c: char) -> bool {
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| Regex::new(r"^\w$").expect("the word pattern is valid"));
    word.is_match(c.encode_utf8(&mut [0; 4]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    /// Match ranges, the whole's and each group's.
    fn ranges(captures: regex::Captures) -> Vec<Option<Range<usize>>> {
        captures.iter().map(|m| m.map(|m| m.range())).collect()
    }

    #[test]
    fn ascii_boundaries_match_as_unicode_ones_do() {
        use crate::extract::callbacks::{callback_bounded, definition_pattern, CALLBACK_PATTERN};
        let always: fn(&regex::Captures) -> bool = |_| true;
        let definition = definition_pattern("markPaid");
        let patterns = [
            (
                CALLBACK_PATTERN,
                callback_bounded as fn(&regex::Captures) -> bool,
            ),
            (definition.as_str(), always),
            (crate::extract::js::IMPORT_PATTERN, always),
            (crate::extract::lists::JS_LIST_PATTERN, always),
            (crate::extract::js_logs::CONSOLE_PATTERN, always),
        ];
        // Before each piece: nothing, ASCII, and characters that are (or are not) Unicode
        // word characters: `é`, `中`, `ſ`, a combining mark, and a space after `é`.
        let before = [
            "", " ", "\n", "e", "_", "$", "-", "\u{e9}", "\u{4e2d}", "\u{17f}", "\u{301}",
            "\u{e9} ", "x\u{e9}",
        ];
        let pieces = [
            "onSuccess: f",
            "onClose(",
            "on_success =",
            "on:success={f}",
            "@close=\"f\"",
            "v-on:success=\"f\"",
            "function markPaid(o) { go(); }",
            "const markPaid = () => 1;",
            "let markPaid=2",
            "var  markPaid =3",
            "markPaid(o) { go(); }",
            "async markPaid() {}",
            "  markPaid () {\n}",
            "async\n markPaid(){}",
            "import x from './a'",
            "require('../b')",
            "import('@/c')",
            "const LIST = ['a']",
            "let s: T = new Set(['b'])",
            "console.log(x)",
            "console . warn(y)",
        ];
        let mut texts = Vec::new();
        for first in before {
            for piece in pieces {
                for second in before {
                    texts.push(format!("{first}{piece}{second}onSuccess: g"));
                    texts.push(format!("x{first}{piece}\n{second}{piece}"));
                }
            }
        }
        for (ascii, bounded) in patterns {
            let unicode = Regex::new(&ascii.replace("(?-u:\\b)", "\\b")).expect("valid");
            assert_ne!(unicode.as_str(), ascii, "the pattern has an ASCII boundary");
            let ascii = Regex::new(ascii).expect("valid");
            for text in &texts {
                let expected: Vec<_> = unicode.captures_iter(text).map(ranges).collect();
                let found: Vec<_> = unicode_matches(&ascii, text, bounded).map(ranges).collect();
                assert_eq!(expected, found, "{} on {text:?}", unicode.as_str());
            }
        }
    }
}
