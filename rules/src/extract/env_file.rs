//! `.env` files, line by line: `[export] NAME=value`, quoted or not, with `#` comments.
//! Only what the rules need: each variable's name, its value and where both are.

use std::ops::Range;

/// Prefixes that bundlers expose to browser code.
pub const PUBLIC_PREFIXES: [&str; 7] = [
    "VITE_",
    "NEXT_PUBLIC_",
    "PUBLIC_",
    "REACT_APP_",
    "GATSBY_",
    "EXPO_PUBLIC_",
    "NUXT_PUBLIC_",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub name: String,
    pub name_span: Range<usize>,
    pub value: String,
    pub value_span: Range<usize>,
}

impl Assignment {
    pub fn is_public(&self) -> bool {
        is_public(&self.name)
    }
}

pub fn is_public(name: &str) -> bool {
    PUBLIC_PREFIXES
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

pub fn parse(text: &str) -> Vec<Assignment> {
    let mut assignments = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(assignment) = parse_line(line, line_start) {
            assignments.push(assignment);
        }
        line_start += line.len();
    }
    assignments
}

fn parse_line(line: &str, offset: usize) -> Option<Assignment> {
    let body = line.trim_end_matches(['\n', '\r']);
    let indent = body.len() - body.trim_start().len();
    let mut rest = &body[indent..];
    let mut name_start = offset + indent;
    if let Some(after) = rest.strip_prefix("export ") {
        name_start += rest.len() - after.trim_start().len();
        rest = after.trim_start();
    }
    let (name, value_part) = rest.split_once('=')?;
    let name = name.trim_end();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return None;
    }
    let value_offset = name_start + rest.len() - value_part.len();
    let lead = value_part.len() - value_part.trim_start().len();
    let raw = &value_part[lead..];
    // `NAME= # note`: a comment after blanks leaves the value empty, as dotenv reads it.
    let raw = if lead > 0 && raw.starts_with('#') {
        ""
    } else {
        raw
    };
    let (value, start) = match raw.chars().next() {
        Some(quote @ ('"' | '\'' | '`')) => {
            let inner = &raw[1..];
            let end = inner.find(quote).unwrap_or(inner.len());
            (&inner[..end], value_offset + lead + 1)
        }
        // An unquoted value ends at ` #`, where a comment starts.
        _ => {
            let end = raw
                .find(" #")
                .or_else(|| raw.find("\t#"))
                .unwrap_or(raw.len());
            (raw[..end].trim_end(), value_offset + lead)
        }
    };
    Some(Assignment {
        name: name.to_string(),
        name_span: name_start..name_start + name.len(),
        value: value.to_string(),
        value_span: start..start + value.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let text =
            "# comment\nA=1\nexport B = \"two words\" # note\nC='x' \nD=plain # c\nnot a line\n";
        let parsed = parse(text);
        let pairs: Vec<_> = parsed
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("A", "1"), ("B", "two words"), ("C", "x"), ("D", "plain")]
        );
        for assignment in &parsed {
            assert_eq!(&text[assignment.name_span.clone()], assignment.name);
            assert_eq!(&text[assignment.value_span.clone()], assignment.value);
        }
    }

    #[test]
    fn public_names() {
        assert!(is_public("NEXT_PUBLIC_X") && !is_public("OBIT_SECRET_KEY"));
    }
}
