//! Sentences of text that speak of reach or outcome, as plain data: each sentence around a
//! word such as `worldwide`, `globally`, `everywhere`, `all countries`, `guarantee` or
//! `instant` that also speaks of availability, support, approval or verification, outside
//! comments. The text is read as written (HTML, templates, JS/TS, Markdown,
//! translation files); which sentences promise what, and which are negated, is for the rules.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

/// A sentence around an anchor word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// The sentence in the file (bounded to [`MAX_SIDE`] bytes each side of the anchor).
    pub span: Range<usize>,
    /// Its text, as written.
    pub text: String,
    /// A `?` follows it.
    pub question: bool,
}

/// Words that make a sentence worth keeping.
const ANCHORS: [&str; 14] = [
    "worldwide",
    "globally",
    "everywhere",
    "all countries",
    "every country",
    "all regions",
    "every region",
    "all markets",
    "any country",
    "guarantee",
    "guaranteed",
    "instant",
    "instantly",
    "always approved",
];
/// Folders whose Markdown and translation files are content shipped to customers (site
/// pages, marketing copy, translations) rather than documentation for developers.
pub const COPY_DIRS: [&str; 12] = [
    "content",
    "copy",
    "pages",
    "marketing",
    "i18n",
    "l10n",
    "locales",
    "locale",
    "lang",
    "translations",
    "messages",
    "strings",
];
/// Extensions of Markdown and translation files.
const COPY_EXTENSIONS: [&str; 10] = [
    "md",
    "mdx",
    "markdown",
    "json",
    "yml",
    "yaml",
    "ftl",
    "po",
    "properties",
    "arb",
];

/// A Markdown or translation file in a [copy folder](COPY_DIRS): `content/pricing.md`,
/// `src/locales/en.json`.
pub fn is_copy_file(path: &str) -> bool {
    let mut segments: Vec<&str> = path.split('/').collect();
    let name = segments.pop().unwrap_or("");
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    COPY_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
        && segments
            .iter()
            .any(|dir| COPY_DIRS.contains(&dir.to_ascii_lowercase().as_str()))
}

/// Words (or their starts) one of which a sentence must also hold to be kept: what is
/// available, supported or works everywhere, or what approval or verification is instant or
/// guaranteed. A blog post that says "instantly" or "globally" keeps no sentence.
const SUBJECTS: [&str; 6] = ["availab", "support", "works", "approv", "verif", "kyc"];

/// How far a sentence is read on each side of its anchor.
const MAX_SIDE: usize = 200;
/// Sentences kept per file.
const MAX_SENTENCES: usize = 64;

fn anchors() -> &'static AhoCorasick {
    static ANCHOR_SET: OnceLock<AhoCorasick> = OnceLock::new();
    ANCHOR_SET.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(ANCHORS)
            .expect("the anchors are plain text")
    })
}

/// How the text of a file is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// JS/TS and other code: a sentence ends at a line end too; `//` and `/* */` comments
    /// are skipped.
    Code,
    /// HTML, templates, Vue and Svelte components: prose that wraps lines, `<!-- -->`
    /// comments and script comments skipped.
    Markup,
    /// Markdown and translation files: prose, `<!-- -->` comments skipped.
    Prose,
}

/// The sentences around anchor words of `text`.
pub fn sentences(text: &str, layout: Layout) -> Vec<Sentence> {
    let mut comments: Vec<Range<usize>> = Vec::new();
    let mut found: Vec<Sentence> = Vec::new();
    for anchor in anchors().find_iter(text) {
        if found.len() >= MAX_SENTENCES {
            break;
        }
        let at = anchor.start();
        let bytes = text.as_bytes();
        // Whole words only: `reinstate` and `instantiate` do not count.
        let end = anchor.end();
        if (at > 0 && bytes[at - 1].is_ascii_alphanumeric())
            || bytes.get(end).is_some_and(u8::is_ascii_alphanumeric)
        {
            continue;
        }
        if found.last().is_some_and(|s| s.span.contains(&at)) {
            continue;
        }
        if comments.is_empty() {
            comments = comment_ranges(text, layout);
            comments.push(usize::MAX..usize::MAX);
        }
        if crate::extract::js::in_any(&comments, at) {
            continue;
        }
        let span = sentence_around(text, anchor.range(), layout);
        let lower = text[span.clone()].to_ascii_lowercase();
        if !SUBJECTS.iter().any(|s| lower.contains(s)) {
            continue;
        }
        found.push(Sentence {
            text: text[span.clone()].to_string(),
            question: text
                .get(span.end..)
                .is_some_and(|rest| rest.starts_with('?')),
            span,
        });
    }
    found
}

fn comment_ranges(text: &str, layout: Layout) -> Vec<Range<usize>> {
    let mut ranges = match layout {
        Layout::Code | Layout::Markup => crate::extract::js::comment_ranges(text),
        Layout::Prose => Vec::new(),
    };
    if layout != Layout::Code {
        // In markup the JS scanner may take an apostrophe for a quote; HTML comments are
        // found on their own and win.
        if layout == Layout::Markup {
            ranges.retain(|r| text[r.clone()].starts_with("/*"));
        }
        let mut from = 0;
        while let Some(open) = text[from..].find("<!--").map(|n| n + from) {
            let end = text[open..]
                .find("-->")
                .map_or(text.len(), |n| open + n + 3);
            ranges.push(open..end);
            from = end;
        }
        ranges.sort_by_key(|r| r.start);
    }
    ranges
}

/// The sentence around `anchor`: to the nearest sentence end, quote, brace or blank line (in
/// code, line end) on each side, at most [`MAX_SIDE`] bytes away.
fn sentence_around(text: &str, anchor: Range<usize>, layout: Layout) -> Range<usize> {
    let bytes = text.as_bytes();
    let ends = |at: usize| -> bool {
        match bytes[at] {
            b'.' => bytes
                .get(at + 1)
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'<'),
            b'!' | b'?' | b'"' | b'`' | b'{' | b'}' | b';' => true,
            b'\n' => {
                layout == Layout::Code
                    || bytes.get(at + 1) == Some(&b'\n')
                    || (at > 0 && bytes[at - 1] == b'\n')
            }
            _ => false,
        }
    };
    let mut start = anchor.start;
    while start > 0 && anchor.start - start < MAX_SIDE && !ends(start - 1) {
        start -= 1;
    }
    let mut end = anchor.end;
    while end < bytes.len() && end - anchor.end < MAX_SIDE && !ends(end) {
        end += 1;
    }
    let start = crate::ground::source::floor_char_boundary(text, start);
    let mut end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, layout: Layout) -> Vec<String> {
        sentences(text, layout)
            .into_iter()
            .map(|s| s.text.trim().to_string())
            .collect()
    }

    #[test]
    fn sentences_around_anchors() {
        let html = "<p>Buy crypto in minutes. Available <b>worldwide</b>, with instant verification!</p>\n<!-- available worldwide later -->\n";
        assert_eq!(
            texts(html, Layout::Markup),
            ["Available <b>worldwide</b>, with instant verification"]
        );
        let js = "const title = 'Not yet available worldwide';\n// guaranteed approval\nconst reinstantiate = 1;\n";
        assert_eq!(
            texts(js, Layout::Code),
            ["const title = 'Not yet available worldwide'"]
        );
        let md = "# Pricing\n\nOur ramp is available in all\ncountries. Fees apply.\n";
        assert!(texts(md, Layout::Prose).is_empty(), "the anchor is split");
        let md = "Our ramp works in all countries. Fees apply.\n";
        assert_eq!(
            texts(md, Layout::Prose),
            ["Our ramp works in all countries"]
        );
    }

    #[test]
    fn copy_files() {
        for path in [
            "content/pricing.md",
            "web/src/locales/en.json",
            "site/pages/buy.mdx",
        ] {
            assert!(is_copy_file(path), "{path}");
        }
        for path in [
            "README.md",
            "docs/setup.md",
            "content/logo.png",
            "package.json",
        ] {
            assert!(!is_copy_file(path), "{path}");
        }
    }
}
