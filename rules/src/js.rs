//! Environment reads in JavaScript and TypeScript (`import.meta.env.X`, `process.env.X`,
//! `process.env["X"]`), found with one regex over the text. Front-end rules only need these
//! names and places; a full JS parser would add weight without changing an answer.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvRead {
    pub span: Range<usize>,
    pub variable: String,
}

fn pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(
            r#"\b(?:import\.meta\.env|process\.env)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\])"#,
        )
        .expect("the env read pattern is valid")
    })
}

pub fn env_reads(text: &str) -> Vec<EnvRead> {
    if !text.contains(".env") {
        return Vec::new();
    }
    let comments = comment_ranges(text);
    pattern()
        .captures_iter(text)
        .filter_map(|captures| {
            let whole = captures.get(0)?;
            let variable = captures.get(1).or_else(|| captures.get(2))?;
            let in_comment = comments.iter().any(|range| range.contains(&whole.start()));
            (!in_comment).then(|| EnvRead {
                span: whole.range(),
                variable: variable.as_str().to_string(),
            })
        })
        .collect()
}

/// Byte ranges of `//` and `/* */` comments, skipping over string and template literals.
/// Regex literals are not recognized; a `//` inside one can only hide a read, never invent one.
fn comment_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => {
                at += 1;
                while at < bytes.len() && bytes[at] != quote {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at += 1;
            }
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                let end = text[at..].find('\n').map_or(bytes.len(), |n| at + n);
                ranges.push(at..end);
                at = end;
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                let end = text[at + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| at + 2 + n + 2);
                ranges.push(at..end);
                at = end;
            }
            _ => at += 1,
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_reads_outside_comments() {
        let text = "const a = import.meta.env.VITE_KEY;\n// process.env.OLD\nconst b = process.env[\"GATE_SECRET_KEY\"]; const u = \"http://x//y\"; process.env.Z";
        let names: Vec<_> = env_reads(text).into_iter().map(|r| r.variable).collect();
        assert_eq!(names, ["VITE_KEY", "GATE_SECRET_KEY", "Z"]);
    }
}
