//! Making text from a scanned repository safe to print. Two things can go wrong when such
//! text reaches a terminal, a CI log or an annotation: a secret is shown in full, or control
//! characters in it (a newline in a file name, an ANSI or OSC escape in a source line) forge
//! output or drive the terminal. Every string that came from scanned input passes through
//! [`sanitize`] (one-line data: paths, messages, notes) or [`sanitize_source`] (multi-line
//! source excerpts, spans kept pointing at the same text) before any reporter sees it.
//!
//! Masking here is deliberately wider than detection in [`crate::extract::credential`]: any secret
//! prefix followed by 16 key characters is masked wherever it stands, glued to `\n`, `%20`,
//! a JSON escape or other text, placeholder or not. A mask keeps the prefix and the last four
//! characters and has the same length, so spans and columns do not move.

use crate::extract::credential::prefix_matcher;
use std::borrow::Cow;
use std::ops::Range;

const MIN_TAIL: usize = 16;
const SHOWN_TAIL: usize = 4;

/// `text` with the middle of every secret-shaped value replaced by `*`, same length.
pub fn mask_secrets(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut masked: Option<Vec<u8>> = None;
    for hit in prefix_matcher().find_iter(bytes) {
        let tail = bytes[hit.end()..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if tail < MIN_TAIL {
            continue;
        }
        let out = masked.get_or_insert_with(|| bytes.to_vec());
        out[hit.end()..hit.end() + tail - SHOWN_TAIL].fill(b'*');
    }
    match masked {
        // Only ASCII key characters were replaced with ASCII.
        Some(out) => Cow::Owned(String::from_utf8(out).expect("still UTF-8")),
        None => Cow::Borrowed(text),
    }
}

/// Characters that must not reach a terminal or log raw: C0 controls, DEL, C1 controls, and
/// the bidirectional overrides that make text display in another order than it reads.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How an unsafe character is shown, as rustc shows it in strings: `\n`, `\u{1b}`.
fn escaped(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        _ => format!("\\u{{{:x}}}", u32::from(c)),
    }
}

/// One line of data (a path, a message, a note) fit to print: secrets masked, every control
/// character escaped, so it stays one line and cannot carry terminal escapes.
pub fn sanitize(text: &str) -> String {
    let masked = mask_secrets(text);
    if !masked.chars().any(is_unsafe) {
        return masked.into_owned();
    }
    masked
        .chars()
        .map(|c| {
            if is_unsafe(c) {
                escaped(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Source text to show in an excerpt, and where `span` (a byte range of `text`) falls in it.
/// Line breaks and tabs stay; a `\r` before a line break is dropped; every other unsafe
/// character is escaped; secrets are masked.
pub fn sanitize_source(text: &str, span: Range<usize>) -> (String, Range<usize>) {
    let masked = mask_secrets(text);
    let mut out = String::with_capacity(masked.len());
    // (offset in `text`, offset in `out`) at every character boundary.
    let mut marks: Vec<(usize, usize)> = Vec::with_capacity(masked.len() + 1);
    let mut chars = masked.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        marks.push((at, out.len()));
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if chars.peek().is_some_and(|(_, next)| *next == '\n') => {}
            _ if is_unsafe(c) => out.push_str(&escaped(c)),
            _ => out.push(c),
        }
    }
    marks.push((masked.len(), out.len()));
    let position = |offset: usize| {
        let at = marks.partition_point(|(from, _)| *from <= offset);
        marks.get(at.saturating_sub(1)).map_or(0, |(_, to)| *to)
    };
    let start = position(span.start);
    (out, start..position(span.end).max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";

    #[test]
    fn masks_glued_keys_keeping_length() {
        for glued in [
            format!("x{KEY}"),
            format!("\\n{KEY}"),
            format!("%20{KEY}"),
            format!("\\u0022{KEY}\\u0022"),
            format!("a={KEY}={KEY}"),
        ] {
            let masked = mask_secrets(&glued);
            assert_eq!(masked.len(), glued.len());
            assert!(!masked.contains(KEY), "{masked}");
            assert!(masked.contains("sk_live_****"), "{masked}");
            assert!(masked.contains("p7dc"), "{masked}");
        }
        assert_eq!(
            mask_secrets("sk_live_short pk_live_4eC39HqLyjWDarjtT1zdp7dc"),
            "sk_live_short pk_live_4eC39HqLyjWDarjtT1zdp7dc"
        );
    }

    #[test]
    fn escapes_controls_in_data() {
        assert_eq!(
            sanitize("x\n::error file=a::forged"),
            "x\\n::error file=a::forged"
        );
        assert_eq!(
            sanitize("\u{1b}]8;;http://x\u{7}"),
            "\\u{1b}]8;;http://x\\u{7}"
        );
        assert_eq!(sanitize("a\u{9b}b\u{202e}c"), "a\\u{9b}b\\u{202e}c");
        assert_eq!(sanitize("plain ünïcode"), "plain ünïcode");
    }

    #[test]
    fn source_keeps_lines_and_moves_spans() {
        let text = "a\u{1b}[31mb\r\nkey = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n";
        let key_at = text.find("sk_live").unwrap();
        let (out, span) = sanitize_source(text, key_at..key_at + KEY.len());
        assert_eq!(
            out,
            "a\\u{1b}[31mb\nkey = \"sk_live_********************p7dc\"\n"
        );
        assert_eq!(&out[span], "sk_live_********************p7dc");
    }
}
