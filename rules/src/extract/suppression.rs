//! `launchlint: allow(rule-id[, rule-id…]) reason` comments. One silences the named rules on
//! its own line and the next. It must sit in a comment (`//`, `/*`, `#`, `<!--`) and give a
//! reason; a bad one, or one that silences nothing, is reported.

use std::ops::Range;

use crate::project::model::FileKind;

const MARKER: &str = "launchlint: allow(";

/// The comment syntaxes of a kind of file: `//` in Markdown is text, not a comment.
fn comment_openers(kind: FileKind) -> &'static [&'static str] {
    match kind {
        FileKind::Rust => &["//", "/*"],
        FileKind::FrontEnd => &["//", "/*", "<!--", "{{!", "{#"],
        FileKind::Doc => &["<!--"],
        FileKind::Env => &["#"],
        FileKind::SourceMap | FileKind::Wasm => &[],
        FileKind::Other => &["#", "//", "/*", "<!--", "--"],
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The whole `launchlint: allow(…) reason` text.
    pub span: Range<usize>,
    /// 1-based line of the comment; it covers this line and the next.
    pub line: usize,
    pub rules: Vec<String>,
    pub reason: String,
}

impl Suppression {
    pub fn covers(&self, line: usize) -> bool {
        line == self.line || line == self.line + 1
    }
}

/// Every suppression comment in `text`, a file of `kind`.
pub fn parse(text: &str, kind: FileKind) -> Vec<Suppression> {
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut line_start = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if let Some(at) = line.find(MARKER) {
            let before = &line[..at];
            if comment_openers(kind)
                .iter()
                .any(|opener| before.contains(opener))
            {
                let args_start = at + MARKER.len();
                if let Some(close) = line[args_start..].find(')') {
                    let rules = line[args_start..args_start + close]
                        .split(',')
                        .map(|rule| rule.trim().to_string())
                        .filter(|rule| !rule.is_empty())
                        .collect();
                    let reason_raw = &line[args_start + close + 1..];
                    let reason = reason_raw
                        .trim()
                        .trim_end_matches("-->")
                        .trim_end_matches("*/")
                        .trim()
                        .to_string();
                    let end = args_start + close + 1 + reason_raw.trim_end().len();
                    found.push(Suppression {
                        span: line_start + at..line_start + end,
                        line: index + 1,
                        rules,
                        reason,
                    });
                }
            }
        }
        line_start += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_comment_syntax() {
        let text = "a // launchlint: allow(secret-key-in-client) demo key, rotated\n# launchlint: allow(a, b)\n<!-- launchlint: allow(x) docs -->\nlet s = \"launchlint: allow(no)\";\n";
        let parsed = parse(text, FileKind::Other);
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0].rules, ["secret-key-in-client"]);
        assert_eq!(parsed[0].reason, "demo key, rotated");
        assert_eq!((parsed[1].line, parsed[1].reason.as_str()), (2, ""));
        assert_eq!(parsed[1].rules, ["a", "b"]);
        assert_eq!(parsed[2].reason, "docs");
        assert!(parsed[0].covers(2) && !parsed[0].covers(3));
    }

    #[test]
    fn markdown_code_is_not_a_comment() {
        let text = "```rust\n// launchlint: allow(secret-key-in-client) demo\n```\n<!-- launchlint: allow(x) y -->\n";
        let parsed = parse(text, FileKind::Doc);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].line, 4);
    }
}
