//! What code hands to a logging or printing call, as plain data: Rust's `println!`/
//! `eprintln!`/`dbg!`, the `log` and `tracing` macros (fields, `%`/`?` sigils, the message and
//! its format arguments, captured `{name}`s), and JavaScript's `console.*`. Each value is kept
//! as the shape of its expression (a name read, a field, a method or function call, an
//! index, a string), so a rule can tell `api_key` from `api_key.len()` or `redact(&api_key)`.
//!
//! These are facts, not verdicts: which names are secrets and which calls redact is the
//! rule's decision. The Rust macros are read in the one syn walk (`extract::rust`), the JS
//! calls by [`crate::extract::js_logs`].

use std::ops::Range;

use crate::extract::gate::Gate;

/// One call of a logging or printing macro or function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogCall {
    /// The macro or callee, from its first path segment to the closing delimiter.
    pub span: Range<usize>,
    /// As written, without `!`: `println`, `tracing::info`, `console.log`.
    pub name: String,
    pub values: Vec<Logged>,
    /// The gate in force at the call (test code, server-only).
    pub gate: Gate,
}

/// One thing a call logs: a field, a format argument, a captured name, a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    /// The field or argument name: `api_key` of `api_key = %key`, `%key` or
    /// `format!("{x}", x = key)`; `None` for positional arguments and messages.
    pub field: Option<String>,
    /// The literal text of the format string right before this argument's placeholder, at
    /// most [`PRECEDING_CHARS`] characters (`"Authorization: Bearer "` for
    /// `println!("Authorization: Bearer {}", token)`); `None` when it has no placeholder.
    pub preceded_by: Option<String>,
    pub value: Value,
}

/// How much of the format text before a placeholder [`Logged::preceded_by`] keeps.
pub const PRECEDING_CHARS: usize = 40;

/// The last [`PRECEDING_CHARS`] characters of `text` (all of it when shorter): what
/// [`Logged::preceded_by`] keeps of the format text before a placeholder.
pub(crate) fn preceding(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .nth(PRECEDING_CHARS - 1)
        .map_or(0, |(at, _)| at);
    &text[start..]
}

/// The shape of an expression, as far as logging is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub span: Range<usize>,
    pub kind: ValueKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// A name read: a variable, a constant or a path (`header::AUTHORIZATION`), by segments.
    Path {
        segments: Vec<String>,
        /// When the name is a parameter of the enclosing function: its type's last segment
        /// (`Bytes`, `String`, `str`, `[u8]`, `Secret`).
        param_type: Option<String>,
    },
    /// `base.name`; in JS also `base?.name`.
    Field { base: Box<Value>, name: String },
    /// A string literal's value.
    Str(String),
    /// `receiver.method(args)`.
    Method {
        receiver: Box<Value>,
        method: String,
        args: Vec<Value>,
    },
    /// `function(args)`, the function's path `::`- (or `.`-) joined: `String::from_utf8_lossy`.
    Call { function: String, args: Vec<Value> },
    /// `base[index]`; a range index (`&key[..4]`) has a [`ValueKind::Range`] index.
    Index { base: Box<Value>, index: Box<Value> },
    /// `a..b`, `..4`.
    Range,
    /// A formatting macro or template inside the value: `format!("Bearer {}", token)`, a JS
    /// template literal; its arguments as [`Logged`] values.
    Format { name: String, args: Vec<Logged> },
    /// Anything else (numbers, operators, closures, blocks): not looked into.
    Other,
}

/// Stems of the names a logging rule can judge (`secret`, `api_key`, `authorization`,
/// `bearer`, `whsec`): a retention prefilter, as [`crate::extract::credential::may_contain`]
/// is for credentials. A call that reads no name holding one of them (in any case), no
/// function parameter and no text ending in one of them is dropped after extraction (unless
/// a credential sits in the file), so files that only log ordinary values do not keep their
/// text. The rules that read these facts test that their word lists are covered.
pub const NAME_STEMS: [&str; 5] = ["secret", "key", "auth", "bearer", "whsec"];

impl LogCall {
    /// Whether some value could matter to a logging rule: see [`NAME_STEMS`].
    pub fn may_matter(&self) -> bool {
        self.values.iter().any(Logged::may_matter)
    }
}

impl Logged {
    fn may_matter(&self) -> bool {
        let stem = |text: &str| {
            let lower = text.to_ascii_lowercase();
            NAME_STEMS.iter().any(|stem| lower.contains(stem))
        };
        self.field.as_deref().is_some_and(stem)
            || self.preceded_by.as_deref().is_some_and(stem)
            || self.value.may_matter(&stem)
    }
}

impl Value {
    fn may_matter(&self, stem: &dyn Fn(&str) -> bool) -> bool {
        match &self.kind {
            ValueKind::Path {
                segments,
                param_type,
            } => param_type.is_some() || segments.iter().any(|s| stem(s)),
            ValueKind::Field { base, name } => stem(name) || base.may_matter(stem),
            ValueKind::Str(text) => stem(text),
            ValueKind::Method { receiver, args, .. } => {
                receiver.may_matter(stem) || args.iter().any(|a| a.may_matter(stem))
            }
            ValueKind::Call { args, .. } => args.iter().any(|a| a.may_matter(stem)),
            ValueKind::Index { base, index } => base.may_matter(stem) || index.may_matter(stem),
            ValueKind::Format { args, .. } => args.iter().any(Logged::may_matter),
            ValueKind::Range | ValueKind::Other => false,
        }
    }

    pub fn other(span: Range<usize>) -> Value {
        Value {
            span,
            kind: ValueKind::Other,
        }
    }
}

/// The placeholders of a format string: for each, its key (`""` positional, `"0"` an index,
/// `"name"` a named argument or captured variable), the byte range of the placeholder within
/// `format`, and the literal text right before it (at most [`PRECEDING_CHARS`] characters).
/// `{{` and `}}` are escapes.
pub fn placeholders(format: &str) -> Vec<(String, Range<usize>, String)> {
    let mut found = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    let bytes = format.as_bytes();
    while at < bytes.len() {
        match bytes[at] {
            b'{' if bytes.get(at + 1) == Some(&b'{') => at += 2,
            b'}' if bytes.get(at + 1) == Some(&b'}') => at += 2,
            b'{' => {
                let close = format[at..].find('}').map_or(format.len(), |c| at + c);
                let inner = &format[at + 1..close];
                let key = inner.split(':').next().unwrap_or("").trim().to_string();
                let before = preceding(&format[text_start..at]);
                let end = (close + 1).min(format.len());
                found.push((key, at..end, before.replace("{{", "{").replace("}}", "}")));
                at = end;
                text_start = end;
            }
            _ => at += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_of_format_strings() {
        let found = placeholders("Bearer {} for {order_id:?} {{literal}} {0}");
        let keys: Vec<&str> = found.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(keys, ["", "order_id", "0"]);
        assert_eq!(found[0].2, "Bearer ");
        assert_eq!(found[1].2, " for ");
        assert_eq!(found[2].2, " {literal} ");
        assert_eq!(placeholders("no {{placeholders}}"), []);
    }
}
