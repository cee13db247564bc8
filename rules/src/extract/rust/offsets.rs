//! Byte offsets of spans, without proc-macro2's slow path.
//!
//! proc-macro2 counts positions in characters, and `Span::byte_range` turns them into bytes
//! through a per-file map from character to byte offsets that it searches and grows on
//! every call: on real code that was a twentieth of the whole scan. While a file is read
//! (see [`FileLines::of`]), [`SpanBytes::bytes`] instead takes the span's line and column,
//! which proc-macro2 finds by a binary search, and adds the column to the line's start: in a
//! file that is all ASCII a column of characters is one of bytes, and in any other file the
//! column's characters are counted from the line's start. Spans read outside that scope go
//! through `byte_range`. Inside it, every span must come from that file's parse (syn keeps
//! token spans when it re-parses tokens; text parsed apart, with `parse_str`, would count
//! from its own start): debug builds check each span against `byte_range`.

use std::cell::RefCell;
use std::ops::Range;

use proc_macro2::Span;

#[derive(Default)]
struct Lines {
    /// The byte offset of each line's start; empty when no file is being read.
    starts: Vec<u32>,
    /// The file's text when it is not all ASCII (to count characters in), else empty.
    text: String,
}

thread_local! {
    static LINES: RefCell<Lines> = RefCell::default();
}

/// While alive, spans on this thread are read against one file's lines.
pub(crate) struct FileLines(());

impl FileLines {
    /// Lines of `text` for the spans of `syn::parse_file(text)`, or `None` when syn strips a
    /// prefix before parsing (a byte order mark, or a first line that starts with `#!` but not
    /// `#![`, a shebang), so that spans do not count from `text`'s start.
    pub(crate) fn of(text: &str) -> Option<FileLines> {
        if text.starts_with('\u{feff}') || (text.starts_with("#!") && !text.starts_with("#![")) {
            return None;
        }
        LINES.with(|lines| {
            let mut lines = lines.borrow_mut();
            lines.starts.clear();
            lines.starts.push(0);
            // Files over `MAX_PARSE_BYTES` are never parsed, so offsets fit in 32 bits.
            lines
                .starts
                .extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at as u32 + 1));
            lines.text.clear();
            if !text.is_ascii() {
                lines.text.push_str(text);
            }
        });
        Some(FileLines(()))
    }
}

impl Drop for FileLines {
    fn drop(&mut self) {
        LINES.with(|lines| {
            let mut lines = lines.borrow_mut();
            lines.starts.clear();
            lines.text = String::new();
        });
    }
}

impl Lines {
    /// The byte offset of 1-based `line`'s character `column`.
    fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)? as usize;
        if self.text.is_empty() {
            return Some(start + column);
        }
        let rest = self.text.get(start..)?;
        let mut chars = rest.char_indices();
        match chars.nth(column) {
            Some((at, _)) => Some(start + at),
            // The end of the file.
            None => (rest.chars().count() == column).then_some(self.text.len()),
        }
    }
}

pub(crate) trait SpanBytes {
    /// The same as `byte_range()`.
    fn bytes(&self) -> Range<usize>;
}

impl SpanBytes for Span {
    fn bytes(&self) -> Range<usize> {
        let fast = LINES.with(|lines| {
            let lines = lines.borrow();
            if lines.starts.is_empty() {
                return None;
            }
            let (start, end) = (self.start(), self.end());
            Some(lines.offset(start.line, start.column)?..lines.offset(end.line, end.column)?)
        });
        let bytes = fast.unwrap_or_else(|| self.byte_range());
        debug_assert_eq!(bytes, self.byte_range(), "fast byte offsets of a span");
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token's offsets, read both ways, over text with several lines, an inner attribute
    /// (not a shebang), CRLF line ends, and characters of two to four bytes.
    #[test]
    fn fast_offsets_are_proc_macro2_offsets() {
        for text in [
            "#![allow(dead_code)]\nfn main() {\n    let url = \"https://api.0bit.app\";\n}\n",
            "fn a() {}\r\n\r\nstruct B { c: u8 }\n",
            "// café\nfn a() { let s = \"é\"; let t = \"🦀\"; }\n/// ü\nfn b() {}",
        ] {
            let tokens: proc_macro2::TokenStream = text.parse().expect("test text lexes");
            let lines = FileLines::of(text).expect("no prefix to strip");
            fn walk(tokens: proc_macro2::TokenStream, text: &str) {
                for token in tokens {
                    let span = token.span();
                    assert_eq!(span.bytes(), span.byte_range(), "{token} in {text:?}");
                    if let proc_macro2::TokenTree::Group(group) = token {
                        walk(group.stream(), text);
                    }
                }
            }
            walk(tokens, text);
            drop(lines);
            LINES.with(|lines| assert!(lines.borrow().starts.is_empty()));
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
}
