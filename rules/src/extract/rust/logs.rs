//! Rust logging and printing macros, read from their tokens with syn: `println!`-style
//! format arguments, `dbg!` expressions, and the `log`/`tracing` syntax of fields
//! (`name = %value`, `?value`, a bare `value`), `target:`/`parent:`/`name:` keys and the
//! message with its format arguments. The macro's tokens are split at top-level commas (and
//! `log`'s `;` before the message) and each argument is parsed as an expression.

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::Expr;

use crate::extract::gate::Gate;
use crate::extract::logs::{placeholders, LogCall, Logged, Value, ValueKind};
use crate::extract::rust::offsets::SpanBytes;
use crate::ground::syntax::{path_segments, string_value, type_name};

/// Macros that print their format arguments.
const PRINT_MACROS: [&str; 4] = ["println", "eprintln", "print", "eprint"];
/// Macros of `log` and `tracing` (and crates re-exporting them) whose arguments are
/// fields, then a message and its format arguments.
const LOG_MACROS: [&str; 13] = [
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "event",
    "log",
    "span",
    "trace_span",
    "debug_span",
    "info_span",
    "warn_span",
    "error_span",
];
/// Of those, the macros whose first argument is a level (`event!(Level::INFO, …)`).
const LEVEL_FIRST: [&str; 3] = ["event", "log", "span"];
/// Macro bodies are exempt from the file's depth check: bodies nested deeper, or longer,
/// than this are not parsed.
const MAX_GROUP_DEPTH: usize = 24;
const MAX_TOKENS: usize = 4096;
/// Expressions are read this deep; deeper parts are [`ValueKind::Other`].
const MAX_VALUE_DEPTH: usize = 16;

/// The parameters of the function being walked: name and type's last segment.
pub(super) type Params = Vec<(String, String)>;

/// The parameters of a signature, by name, with the last segment of each type.
pub(super) fn params(sig: &syn::Signature) -> Params {
    sig.inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => match &*typed.pat {
                syn::Pat::Ident(ident) => Some((ident.ident.to_string(), param_type(&typed.ty)?)),
                // `State(key): State<SecretString>`: the name holds the extractor's inner type.
                syn::Pat::TupleStruct(tuple) => match tuple.elems.iter().collect::<Vec<_>>()[..] {
                    [syn::Pat::Ident(ident)] => Some((
                        ident.ident.to_string(),
                        param_type(first_generic(&typed.ty)?)?,
                    )),
                    _ => None,
                },
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// The first type argument of a path type: `SecretString` of `State<SecretString>`.
fn first_generic(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    match &path.path.segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}

fn param_type(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => param_type(&r.elem),
        syn::Type::Slice(slice) => Some(format!("[{}]", type_name(&slice.elem)?)),
        syn::Type::Path(p) => {
            // `Vec<u8>` is bytes, not `u8`.
            let last = p.path.segments.last()?;
            if last.ident == "Vec" {
                return type_name(ty).map(|inner| format!("Vec<{inner}>"));
            }
            type_name(ty)
        }
        _ => None,
    }
}

/// A logging or printing macro call, read into a [`LogCall`]; `None` for other macros and
/// for bodies that do not parse.
pub(super) fn log_call(
    mac: &syn::Macro,
    gate: Gate,
    params: &[(String, String)],
) -> Option<LogCall> {
    let last = mac.path.segments.last()?.ident.to_string();
    let kind = if PRINT_MACROS.contains(&last.as_str()) {
        Syntax::Format
    } else if last == "dbg" {
        Syntax::Exprs
    } else if LOG_MACROS.contains(&last.as_str()) {
        Syntax::Log
    } else {
        return None;
    };
    if !shallow(mac.tokens.clone()) {
        return None;
    }
    let start = mac.path.segments.first()?.ident.span().bytes().start;
    let end = super::spans::DelimiterSpan::delimiter_span(mac).bytes().end;
    let reader = Reader { params };
    let mut chunks = split(mac.tokens.clone());
    if kind == Syntax::Log && LEVEL_FIRST.contains(&last.as_str()) && !chunks.is_empty() {
        chunks.remove(0);
    }
    let values = match kind {
        Syntax::Exprs => chunks
            .into_iter()
            .filter_map(|chunk| reader.expr(chunk))
            .map(|value| Logged {
                field: None,
                preceded_by: None,
                value,
            })
            .collect(),
        Syntax::Format => reader.format_args(chunks),
        Syntax::Log => reader.log_args(chunks),
    };
    let name = path_segments(&mac.path).join("::");
    Some(LogCall {
        span: start..end,
        name,
        values,
        gate,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// `println!("fmt", args…)`
    Format,
    /// `dbg!(a, b)`
    Exprs,
    /// `info!(target: "t", field = %v, ?w; "fmt", args…)`
    Log,
}

/// Whether `tokens` are few and shallow enough to parse: iterative, as the depth is what is
/// checked.
fn shallow(tokens: TokenStream) -> bool {
    let mut count = 0;
    let mut pending = vec![tokens.into_iter()];
    while let Some(trees) = pending.last_mut() {
        match trees.next() {
            Some(tree) => {
                count += 1;
                if count > MAX_TOKENS {
                    return false;
                }
                if let TokenTree::Group(group) = tree {
                    if pending.len() >= MAX_GROUP_DEPTH {
                        return false;
                    }
                    pending.push(group.stream().into_iter());
                }
            }
            None => {
                pending.pop();
            }
        }
    }
    true
}

/// The top-level arguments: split at `,` and `;`.
fn split(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut chunks = vec![Vec::new()];
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if matches!(p.as_char(), ',' | ';') => chunks.push(Vec::new()),
            _ => chunks.last_mut().expect("never empty").push(tree),
        }
    }
    chunks.retain(|chunk| !chunk.is_empty());
    chunks
}

/// The position of an assignment's lone `=` (not `==`, `<=`, `=>`, …) in a chunk.
fn lone_equals(chunk: &[TokenTree]) -> Option<usize> {
    chunk.iter().enumerate().position(|(at, tree)| {
        let TokenTree::Punct(p) = tree else {
            return false;
        };
        let joined_before = at
            .checked_sub(1)
            .and_then(|b| match &chunk[b] {
                TokenTree::Punct(before) => Some(before.spacing() == Spacing::Joint),
                _ => None,
            })
            .unwrap_or(false);
        p.as_char() == '=' && p.spacing() == Spacing::Alone && !joined_before
    })
}

/// A leading `%` or `?` sigil (tracing's Display and Debug).
fn strip_sigil(chunk: &[TokenTree]) -> &[TokenTree] {
    match chunk.first() {
        Some(TokenTree::Punct(p)) if matches!(p.as_char(), '%' | '?') => &chunk[1..],
        _ => chunk,
    }
}

/// The name of a field as written: `user.email`, `"key"`, `r#type`.
fn field_name(tokens: &[TokenTree]) -> String {
    tokens
        .iter()
        .map(|tree| match tree {
            TokenTree::Literal(literal) => {
                string_value(literal).unwrap_or_else(|| literal.to_string())
            }
            other => other.to_string().trim_start_matches("r#").to_string(),
        })
        .collect()
}

/// A `target:`, `parent:` or `name:` key of tracing or log.
fn is_key(chunk: &[TokenTree]) -> bool {
    matches!(
        (chunk.first(), chunk.get(1)),
        (Some(TokenTree::Ident(key)), Some(TokenTree::Punct(colon)))
            if colon.as_char() == ':' && colon.spacing() == Spacing::Alone
                && matches!(key.to_string().as_str(), "target" | "parent" | "name")
    )
}

struct Reader<'p> {
    params: &'p [(String, String)],
}

impl Reader<'_> {
    fn expr(&self, chunk: Vec<TokenTree>) -> Option<Value> {
        let stream: TokenStream = chunk.into_iter().collect();
        let expr: Expr = syn::parse2(stream).ok()?;
        Some(self.value(&expr, 0))
    }

    /// `"fmt", a, name = b`: the format string's captured names, then each argument with
    /// the text before its placeholder.
    fn format_args(&self, chunks: Vec<Vec<TokenTree>>) -> Vec<Logged> {
        let mut args: Vec<(Option<String>, Value)> = Vec::new();
        for chunk in chunks {
            match lone_equals(&chunk) {
                Some(at) => {
                    let name = field_name(&chunk[..at]);
                    if let Some(value) = self.expr(chunk[at + 1..].to_vec()) {
                        args.push((Some(name), value));
                    }
                }
                None => {
                    if let Some(value) = self.expr(chunk) {
                        args.push((None, value));
                    }
                }
            }
        }
        self.format(args)
    }

    /// Arguments of a formatting call: the first is the format string when it is a literal.
    fn format(&self, args: Vec<(Option<String>, Value)>) -> Vec<Logged> {
        let mut args = args.into_iter();
        let Some((None, first)) = args.next() else {
            return Vec::new();
        };
        let rest: Vec<(Option<String>, Value)> = args.collect();
        let ValueKind::Str(format) = &first.kind else {
            // Not a literal format string (`println!(concat!(…))`): every argument as is.
            let mut all = vec![Logged {
                field: None,
                preceded_by: None,
                value: first,
            }];
            all.extend(rest.into_iter().map(|(field, value)| Logged {
                field,
                preceded_by: None,
                value,
            }));
            return all;
        };
        let mut out = vec![Logged {
            field: None,
            preceded_by: None,
            value: first.clone(),
        }];
        let mut used = vec![false; rest.len()];
        let positional: Vec<usize> = (0..rest.len()).filter(|&i| rest[i].0.is_none()).collect();
        let mut next = 0;
        for (key, _, before) in placeholders(format) {
            let index = if key.is_empty() {
                let index = positional.get(next).copied();
                next += 1;
                index
            } else if let Ok(n) = key.parse::<usize>() {
                positional.get(n).copied()
            } else if let Some(i) = rest.iter().position(|(k, _)| k.as_deref() == Some(&key)) {
                Some(i)
            } else {
                // A captured variable: `{api_key}`.
                out.push(Logged {
                    field: Some(key.clone()),
                    preceded_by: Some(before),
                    value: Value {
                        span: first.span.clone(),
                        kind: ValueKind::Path {
                            param_type: self.param_type(&key),
                            segments: vec![key],
                        },
                    },
                });
                continue;
            };
            if let Some(i) = index.filter(|&i| !used[i]) {
                used[i] = true;
                out.push(Logged {
                    field: rest[i].0.clone(),
                    preceded_by: Some(before),
                    value: rest[i].1.clone(),
                });
            }
        }
        for (i, (field, value)) in rest.into_iter().enumerate() {
            if !used[i] {
                out.push(Logged {
                    field,
                    preceded_by: None,
                    value,
                });
            }
        }
        out
    }

    /// `log`/`tracing` arguments: keys, fields, then the message and its format arguments.
    fn log_args(&self, chunks: Vec<Vec<TokenTree>>) -> Vec<Logged> {
        let mut out = Vec::new();
        let mut message: Option<Vec<(Option<String>, Value)>> = None;
        for chunk in chunks {
            if is_key(&chunk) {
                continue;
            }
            if let Some(message) = &mut message {
                // Format arguments of the message.
                match lone_equals(&chunk) {
                    Some(at) => {
                        if let Some(value) = self.expr(chunk[at + 1..].to_vec()) {
                            message.push((Some(field_name(&chunk[..at])), value));
                        }
                    }
                    None => message.extend(self.expr(chunk).map(|v| (None, v))),
                }
                continue;
            }
            match lone_equals(&chunk) {
                Some(at) => {
                    let field = field_name(&chunk[..at]);
                    if let Some(value) = self.expr(strip_sigil(&chunk[at + 1..]).to_vec()) {
                        out.push(Logged {
                            field: Some(field),
                            preceded_by: None,
                            value,
                        });
                    }
                }
                None => {
                    let Some(value) = self.expr(strip_sigil(&chunk).to_vec()) else {
                        continue;
                    };
                    if let ValueKind::Str(_) = value.kind {
                        message = Some(vec![(None, value)]);
                        continue;
                    }
                    // `?value`, `%value`, `value`: a field named like the value's last name.
                    let field = match &value.kind {
                        ValueKind::Path { segments, .. } => segments.last().cloned(),
                        ValueKind::Field { name, .. } => Some(name.clone()),
                        _ => None,
                    };
                    out.push(Logged {
                        field,
                        preceded_by: None,
                        value,
                    });
                }
            }
        }
        if let Some(message) = message {
            out.extend(self.format(message));
        }
        out
    }

    fn param_type(&self, name: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(param, _)| param == name)
            .map(|(_, ty)| ty.clone())
    }

    fn value(&self, expr: &Expr, depth: usize) -> Value {
        let span = syn::spanned::Spanned::span(expr).bytes();
        if depth > MAX_VALUE_DEPTH {
            return Value::other(span);
        }
        let inner = |e: &Expr| Box::new(self.value(e, depth + 1));
        let kind = match expr {
            Expr::Reference(r) => return self.value(&r.expr, depth + 1),
            Expr::Paren(p) => return self.value(&p.expr, depth + 1),
            Expr::Group(g) => return self.value(&g.expr, depth + 1),
            Expr::Try(t) => return self.value(&t.expr, depth + 1),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                return self.value(&u.expr, depth + 1)
            }
            Expr::Path(path) => {
                let segments = path_segments(&path.path);
                let param_type = match segments.as_slice() {
                    [one] => self.param_type(one),
                    _ => None,
                };
                ValueKind::Path {
                    segments,
                    param_type,
                }
            }
            Expr::Field(field) => ValueKind::Field {
                base: inner(&field.base),
                name: match &field.member {
                    syn::Member::Named(ident) => ident.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                },
            },
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(string),
                ..
            }) => ValueKind::Str(string.value()),
            Expr::MethodCall(call) => ValueKind::Method {
                receiver: inner(&call.receiver),
                method: call.method.to_string(),
                args: call.args.iter().map(|a| self.value(a, depth + 1)).collect(),
            },
            Expr::Call(call) => match &*call.func {
                Expr::Path(path) => ValueKind::Call {
                    function: path_segments(&path.path).join("::"),
                    args: call.args.iter().map(|a| self.value(a, depth + 1)).collect(),
                },
                _ => ValueKind::Other,
            },
            Expr::Index(index) => ValueKind::Index {
                base: inner(&index.expr),
                index: inner(&index.index),
            },
            Expr::Range(_) => ValueKind::Range,
            Expr::Macro(mac) => {
                let name = mac
                    .mac
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if matches!(name.as_str(), "format" | "format_args") && depth < 4 {
                    let args = self.format_args(split(mac.mac.tokens.clone()));
                    ValueKind::Format { name, args }
                } else {
                    ValueKind::Other
                }
            }
            _ => ValueKind::Other,
        };
        Value { span, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(source: &str) -> Vec<LogCall> {
        crate::extract::rust::analyze(source, &[])
            .expect("test source parses")
            .logs
    }

    fn fields(call: &LogCall) -> Vec<String> {
        call.values
            .iter()
            .map(|l| l.field.clone().unwrap_or_else(|| "-".into()))
            .collect()
    }

    #[test]
    fn tracing_fields_sigils_and_messages() {
        let source = r#"
            fn f(key: &str, body: Bytes, State(secret): State<SecretString>) {
                tracing::info!(target: "gate", api_key = %key, ?body, order.id = 7, "sent {} to {who}", key.len());
                info!(secret);
                event!(Level::WARN, token = ?t, "x");
            }
        "#;
        let found = calls(source);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].name, "tracing::info");
        assert_eq!(
            fields(&found[0]),
            ["api_key", "body", "order.id", "-", "-", "who"]
        );
        let ValueKind::Path { param_type, .. } = &found[0].values[1].value.kind else {
            panic!("{:?}", found[0].values[1]);
        };
        assert_eq!(param_type.as_deref(), Some("Bytes"));
        assert!(matches!(
            &found[0].values[4].value.kind,
            ValueKind::Method { method, .. } if method == "len"
        ));
        assert_eq!(found[0].values[4].preceded_by.as_deref(), Some("sent "));
        assert_eq!(fields(&found[1]), ["secret"]);
        assert!(matches!(
            &found[1].values[0].value.kind,
            ValueKind::Path { param_type: Some(t), .. } if t == "SecretString"
        ));
        assert_eq!(fields(&found[2]), ["token", "-"]);
    }

    #[test]
    fn print_macros_and_captures() {
        let source = r#"
            fn f() {
                println!("Authorization: Bearer {}", token);
                eprintln!("{api_key:?} {x}", x = redact(&k));
                dbg!(&config.secret_key, 1 + 2);
                let s = format!("{}", a);
                assert!(x == y, "message");
            }
        "#;
        let found = calls(source);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[0].values[1].preceded_by.as_deref(),
            Some("Authorization: Bearer ")
        );
        assert_eq!(fields(&found[1]), ["-", "api_key", "x"]);
        assert!(matches!(
            &found[1].values[2].value.kind,
            ValueKind::Call { function, .. } if function == "redact"
        ));
        assert!(matches!(
            &found[2].values[0].value.kind,
            ValueKind::Field { name, .. } if name == "secret_key"
        ));
        assert!(matches!(found[2].values[1].value.kind, ValueKind::Other));
    }

    #[test]
    fn test_gates_and_nested_format() {
        let source = r#"
            #[test]
            fn t() { println!("{}", format!("Bearer {}", token)); }
        "#;
        let found = calls(source);
        assert!(found[0].gate.test);
        let ValueKind::Format { args, .. } = &found[0].values[1].value.kind else {
            panic!("{:?}", found[0].values);
        };
        assert_eq!(args[1].preceded_by.as_deref(), Some("Bearer "));
    }
}
