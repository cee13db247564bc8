//! Markdown, parsed as Markdown with `pulldown-cmark`, into the byte ranges of its text by
//! kind: prose, inline code, code blocks, link targets and HTML. A rule reading a runbook can
//! then treat a phone-shaped number in prose differently from one in a shell transcript, and
//! a `mailto:` link differently from a URL. Other text documents (`.txt`, `.rst`, `.adoc`)
//! are one prose segment.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    /// Paragraphs, headings, lists, tables, link texts.
    Prose,
    /// `` `inline code` ``
    InlineCode,
    /// Fenced or indented code blocks.
    CodeBlock,
    /// The destination of a link or autolink (`https://…`, `mailto:…`).
    LinkTarget,
    /// Raw HTML, comments included.
    Html,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    /// Byte range in the file.
    pub span: Range<usize>,
}

/// The segments of a Markdown document, in order, adjacent ones of the same kind merged.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |kind: SegmentKind, span: Range<usize>| {
        if span.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.kind == kind && last.span.end >= span.start => {
                last.span.end = last.span.end.max(span.end)
            }
            _ => out.push(Segment { kind, span }),
        }
    };
    let mut in_code_block = false;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(_) if in_code_block => push(SegmentKind::CodeBlock, range),
            Event::Text(_) => push(SegmentKind::Prose, range),
            Event::Code(_) => push(SegmentKind::InlineCode, range),
            Event::Html(_) | Event::InlineHtml(_) => push(SegmentKind::Html, range),
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                // The destination as written, searched for in the link's own source text.
                let source = &text[range.clone()];
                if let Some(at) = source.rfind(dest_url.as_ref()) {
                    let start = range.start + at;
                    push(SegmentKind::LinkTarget, start..start + dest_url.len());
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|segment| segment.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(SegmentKind, &str)> {
        segments(text)
            .into_iter()
            .map(|s| (s.kind, &text[s.span]))
            .collect()
    }

    #[test]
    fn tells_prose_code_and_links_apart() {
        let text = "# Refunds\n\nCall `refund` or [mail us](mailto:ops@shop.test).\n\n```sh\ncurl -H \"Authorization: Bearer $OBIT_SECRET_KEY\"\n```\n<!-- note -->\n";
        let found = kinds(text);
        assert!(
            found.contains(&(SegmentKind::Prose, "Refunds")),
            "{found:?}"
        );
        assert!(found.contains(&(SegmentKind::InlineCode, "`refund`")));
        assert!(found.contains(&(SegmentKind::LinkTarget, "mailto:ops@shop.test")));
        assert!(found.contains(&(SegmentKind::Prose, "mail us")));
        assert!(found.contains(&(
            SegmentKind::CodeBlock,
            "curl -H \"Authorization: Bearer $OBIT_SECRET_KEY\"\n"
        )));
        assert!(found
            .iter()
            .any(|(k, t)| *k == SegmentKind::Html && t.contains("note")));
    }

    #[test]
    fn adjacent_text_is_one_segment() {
        let text = "Write to jane_doe@mail.test [or not].\n";
        let found = kinds(text);
        assert_eq!(
            found,
            [(SegmentKind::Prose, "Write to jane_doe@mail.test [or not].")]
        );
    }
}
