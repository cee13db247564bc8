//! JavaScript and TypeScript `console.*` calls, as the same facts as Rust logging macros
//! ([`crate::extract::logs`]). Arguments are split at top-level commas; each is read as a
//! member chain (`req.headers.authorization`, `cfg["apiKey"]`), a call (`redact(key)`,
//! `key.slice(0, 4)`), a string or a template literal (its `${…}` parts as arguments), and
//! anything else is opaque. Like the rest of the JS reading, no full parser: these shapes
//! are all a logging rule looks at.

use std::sync::OnceLock;

use regex::Regex;

use crate::extract::gate::Gate;
use crate::extract::js::{function_call_end, in_any, skip_string, JsText, ScanBudget};
use crate::extract::logs::{preceding, LogCall, Logged, Value, ValueKind};
use crate::extract::word_boundaries::unicode_matches;

/// Argument lists longer than this are not read.
const MAX_ARGUMENTS_BYTES: usize = 4000;
/// Member chains and calls are read this deep.
const MAX_DEPTH: usize = 8;

/// A console call; `(?-u:\b)` for `\b` (see [`unicode_matches`]).
pub(crate) const CONSOLE_PATTERN: &str =
    r"(?-u:\b)console\s*\.\s*(log|info|warn|error|debug|trace|dir|table)\s*\(";

/// Every `console.log|info|warn|error|debug|trace|dir|table(…)` call outside comments.
pub fn console_calls(js: &JsText) -> Vec<LogCall> {
    let text = js.text;
    static CALL: OnceLock<Regex> = OnceLock::new();
    if !text.contains("console") {
        return Vec::new();
    }
    let call =
        CALL.get_or_init(|| Regex::new(CONSOLE_PATTERN).expect("the console pattern is valid"));
    let comments = js.comments();
    let mut budget = ScanBudget::for_text(text);
    let mut calls = Vec::new();
    for found in unicode_matches(call, text, |_| true) {
        let whole = found.get(0).expect("group 0 always matches");
        if in_any(comments, whole.start()) {
            continue;
        }
        let open = whole.end() - 1;
        let Some(end) = function_call_end(text, open, &mut budget) else {
            continue;
        };
        if end - open > MAX_ARGUMENTS_BYTES {
            continue;
        }
        let values = split_top_level(text, open + 1, end - 1)
            .into_iter()
            .filter_map(|(start, stop)| read(text, start, stop, 0))
            .map(|value| Logged {
                field: None,
                preceded_by: None,
                value,
            })
            .collect();
        calls.push(LogCall {
            span: whole.start()..end,
            name: format!("console.{}", &found[1]),
            values,
            gate: Gate::default(),
        });
    }
    calls
}

/// The top-level comma-separated parts of `text[start..end]`, trimmed, as byte ranges.
fn split_top_level(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut part_start, mut at) = (0usize, start, start);
    while at < end {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                parts.push((part_start, at));
                part_start = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    parts.push((part_start, end));
    parts
        .into_iter()
        .filter_map(|(a, b)| {
            let part = text.get(a..b.min(text.len()))?;
            let lead = part.len() - part.trim_start().len();
            let trimmed = part.trim();
            (!trimmed.is_empty()).then(|| (a + lead, a + lead + trimmed.len()))
        })
        .collect()
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$'
}

fn is_ident(c: u8) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

/// One argument, `text[start..end]`, read as a value when its whole text is one of the
/// shapes this module knows.
fn read(text: &str, start: usize, end: usize, depth: usize) -> Option<Value> {
    let bytes = text.as_bytes();
    let source = text.get(start..end)?;
    if depth > MAX_DEPTH {
        return Some(Value::other(start..end));
    }
    match bytes.get(start)? {
        quote @ (b'"' | b'\'') => {
            let close = skip_string(bytes, start, *quote);
            let kind = if close + 1 == end {
                ValueKind::Str(source[1..source.len() - 1].to_string())
            } else {
                ValueKind::Other
            };
            return Some(Value {
                span: start..end,
                kind,
            });
        }
        b'`' => {
            let close = skip_string(bytes, start, b'`');
            if close + 1 != end {
                return Some(Value::other(start..end));
            }
            return Some(template(text, start, end, depth));
        }
        c if is_ident_start(*c) => {}
        _ => return Some(Value::other(start..end)),
    }
    // A member chain with calls and indexes.
    let mut at = start;
    while at < end && (is_ident(bytes[at]) || bytes[at] == b'.') {
        at += 1;
    }
    let mut names: Vec<&str> = text[start..at].split('.').collect();
    if names.iter().any(|n| n.is_empty()) {
        return Some(Value::other(start..end));
    }
    let first = names.remove(0);
    let mut value = Value {
        span: start..start + first.len(),
        kind: ValueKind::Path {
            segments: vec![first.to_string()],
            param_type: None,
        },
    };
    let mut offset = start + first.len();
    for name in names {
        offset += 1 + name.len();
        value = field(value, name, offset);
    }
    while at < end {
        match bytes[at] {
            b'?' if bytes.get(at + 1) == Some(&b'.') => at += 1,
            b'.' => {
                let name_start = at + 1;
                let mut name_end = name_start;
                while name_end < end && is_ident(bytes[name_end]) {
                    name_end += 1;
                }
                if name_end == name_start {
                    return Some(Value::other(start..end));
                }
                value = field(value, &text[name_start..name_end], name_end);
                at = name_end;
            }
            b'(' => {
                let close = matching(bytes, at, end)?;
                let args: Vec<Value> = split_top_level(text, at + 1, close)
                    .into_iter()
                    .filter_map(|(a, b)| read(text, a, b, depth + 1))
                    .collect();
                value = call(value, args, close + 1);
                at = close + 1;
            }
            b'[' => {
                let close = matching(bytes, at, end)?;
                let index = read(text, at + 1, close, depth + 1)
                    .unwrap_or_else(|| Value::other(at + 1..close));
                value = Value {
                    span: start..close + 1,
                    kind: ValueKind::Index {
                        base: Box::new(value),
                        index: Box::new(index),
                    },
                };
                at = close + 1;
            }
            b' ' | b'\n' | b'\t' | b'\r' => at += 1,
            _ => return Some(Value::other(start..end)),
        }
    }
    Some(value)
}

fn field(base: Value, name: &str, end: usize) -> Value {
    Value {
        span: base.span.start..end,
        kind: ValueKind::Field {
            base: Box::new(base),
            name: name.to_string(),
        },
    }
}

/// `f(args)` or `receiver.method(args)`, from the value before the parenthesis.
fn call(callee: Value, args: Vec<Value>, end: usize) -> Value {
    let span = callee.span.start..end;
    let kind = match callee.kind {
        ValueKind::Field { base, name } => match base.kind {
            // `JSON.stringify(x)`: a function of a capitalized namespace.
            ValueKind::Path { segments, .. }
                if segments[0].starts_with(|c: char| c.is_ascii_uppercase()) =>
            {
                ValueKind::Call {
                    function: format!("{}.{name}", segments[0]),
                    args,
                }
            }
            _ => ValueKind::Method {
                receiver: base,
                method: name,
                args,
            },
        },
        ValueKind::Path { segments, .. } => ValueKind::Call {
            function: segments.join("."),
            args,
        },
        _ => ValueKind::Other,
    };
    Value { span, kind }
}

/// The index of the bracket closing the one at `open`, before `end`.
fn matching(bytes: &[u8], open: usize, end: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = open;
    while at < end {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// A template literal: its `${…}` parts, each with the text before it.
fn template(text: &str, start: usize, end: usize, depth: usize) -> Value {
    let bytes = text.as_bytes();
    let mut args = Vec::new();
    let mut text_start = start + 1;
    let mut at = start + 1;
    while at + 1 < end {
        match bytes[at] {
            b'\\' => at += 2,
            b'$' if bytes[at + 1] == b'{' => {
                let Some(close) = matching(bytes, at + 1, end) else {
                    break;
                };
                let before = preceding(&text[text_start..at]);
                if let Some(value) = split_top_level(text, at + 2, close)
                    .first()
                    .and_then(|&(a, b)| read(text, a, b, depth + 1))
                {
                    args.push(Logged {
                        field: None,
                        preceded_by: Some(before.to_string()),
                        value,
                    });
                }
                at = close + 1;
                text_start = at;
            }
            _ => at += 1,
        }
    }
    Value {
        span: start..end,
        kind: ValueKind::Format {
            name: "template".into(),
            args,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<ValueKind> {
        console_calls(&JsText::new(text))
            .into_iter()
            .flat_map(|c| c.values)
            .map(|l| l.value.kind)
            .collect()
    }

    #[test]
    fn reads_member_chains_calls_and_templates() {
        let text = "// console.log(secret)\nconsole.log(\"key\", req.headers[\"authorization\"], apiKey.slice(0, 4), JSON.stringify(body));\nconsole.error(`Bearer ${token} for ${order.id}`, a + b);\n";
        let calls = console_calls(&JsText::new(text));
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "console.log");
        let all = kinds(text);
        assert!(matches!(&all[0], ValueKind::Str(s) if s == "key"));
        assert!(
            matches!(&all[1], ValueKind::Index { index, .. } if index.kind == ValueKind::Str("authorization".into()))
        );
        assert!(matches!(&all[2], ValueKind::Method { method, .. } if method == "slice"));
        assert!(
            matches!(&all[3], ValueKind::Call { function, .. } if function == "JSON.stringify")
        );
        let ValueKind::Format { args, .. } = &all[4] else {
            panic!("{:?}", all[4]);
        };
        assert_eq!(args[0].preceded_by.as_deref(), Some("Bearer "));
        assert!(matches!(&args[1].value.kind, ValueKind::Field { name, .. } if name == "id"));
        assert_eq!(all[5], ValueKind::Other);
    }

    #[test]
    fn spans_point_at_the_argument() {
        let text = "console.log(process.env.OBIT_SECRET_KEY);";
        let calls = console_calls(&JsText::new(text));
        let value = &calls[0].values[0].value;
        assert_eq!(&text[value.span.clone()], "process.env.OBIT_SECRET_KEY");
    }
}
