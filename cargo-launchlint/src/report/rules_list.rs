//! `cargo launchlint rules`: every rule with its default level, area and a one-line summary,
//! for a terminal (fitted to its width, 80 columns when not a terminal) or as JSON. The full
//! docs are `cargo launchlint explain <rule>`.

use launchlint_rules::rules::{self, Rule};
use serde::Serialize;

/// The rules as a table: `id  level  area (live only)`, then the summary indented below,
/// wrapped to `width` columns.
pub fn human(width: usize) -> String {
    let id_width = rules::ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let area_width = rules::ALL.iter().map(|r| r.area.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules::ALL {
        let live = if rule.live_only { " (live only)" } else { "" };
        let head = format!(
            "{:<id_width$}  {:<4}  {:<area_width$}{live}",
            rule.id,
            rule.default.as_str(),
            rule.area,
        );
        out.push_str(head.trim_end());
        out.push('\n');
        for line in wrap(rule.summary, width.saturating_sub(INDENT.len()).max(20)) {
            out.push_str(INDENT);
            out.push_str(&line);
            out.push('\n');
        }
    }
    out.push_str("\n`cargo launchlint explain <rule>` prints a rule's docs\n");
    out
}

const INDENT: &str = "    ";

/// Splits `text` at spaces into lines of at most `width` characters; a word longer than
/// that is cut with `…`.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word: String = if word.chars().count() > width {
            word.chars().take(width - 1).chain(['…']).collect()
        } else {
            word.to_string()
        };
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[derive(Serialize)]
struct JsonRule {
    id: &'static str,
    default: &'static str,
    area: &'static str,
    live_only: bool,
    summary: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    security_severity: Option<f64>,
}

impl JsonRule {
    fn of(rule: &Rule) -> Self {
        JsonRule {
            id: rule.id,
            default: rule.default.as_str(),
            area: rule.area,
            live_only: rule.live_only,
            summary: rule.summary,
            security_severity: rule.security_severity,
        }
    }
}

/// The rules as a JSON array, in docs order.
pub fn json() -> String {
    let list: Vec<JsonRule> = rules::ALL.iter().map(|rule| JsonRule::of(rule)).collect();
    let mut out = serde_json::to_string_pretty(&list).expect("plain data serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 5), ["abcd…"]);
        assert!(wrap("", 5).is_empty());
    }

    #[test]
    fn every_line_fits_the_width() {
        for line in human(80).lines() {
            assert!(line.chars().count() <= 80, "{line}");
        }
        // Summaries wrap in a narrower terminal; the head line is what it is.
        for line in human(40).lines().filter(|line| line.starts_with(INDENT)) {
            assert!(line.chars().count() <= 40, "{line}");
        }
    }
}
