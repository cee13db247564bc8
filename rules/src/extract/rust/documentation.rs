//! Strings in Rust code that exist to document, not to run (spec §2): help texts of clap
//! builders and the example values of OpenAPI and JSON Schema documents built in code. Doc
//! comments and attribute arguments are read by the walk in `collect`.

use std::ops::Range;

use crate::extract::rust::offsets::SpanBytes;

/// The byte ranges of `call`'s arguments that are documentation: the string arguments of
/// clap's help methods (`.about("…")`), and the value of a schema's example
/// (`extensions.insert("example", value)`).
pub(super) fn in_method_call(call: &syn::ExprMethodCall) -> Vec<Range<usize>> {
    let method = call.method.to_string();
    if DOC_METHODS.contains(&method.as_str()) {
        return call
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.span().bytes()),
                _ => None,
            })
            .collect();
    }
    match (call.args.first().and_then(string_key), call.args.get(1)) {
        (Some(key), Some(value)) if method == "insert" && EXAMPLE_KEYS.contains(&key.as_str()) => {
            vec![syn::spanned::Spanned::span(value).bytes()]
        }
        _ => Vec::new(),
    }
}

/// A string key as written: `"example"`, `"example".to_string()`, `"example".into()`.
fn string_key(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => Some(text.value()),
        syn::Expr::MethodCall(call) if call.args.is_empty() => string_key(&call.receiver),
        _ => None,
    }
}

/// Keys under which OpenAPI and JSON Schema documents hold example values.
const EXAMPLE_KEYS: [&str; 3] = ["example", "examples", "x-codeSamples"];

/// Attribute arguments whose value the program uses (clap's defaults), not documentation.
pub(super) const COMPILED_ATTRIBUTE_KEYS: [&str; 4] = [
    "default_value",
    "default_value_t",
    "default_values",
    "default_missing_value",
];
/// Builder methods whose string argument is help text for people (clap).
const DOC_METHODS: [&str; 8] = [
    "about",
    "long_about",
    "help",
    "long_help",
    "after_help",
    "after_long_help",
    "before_help",
    "before_long_help",
];
