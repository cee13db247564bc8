//! Token-level helpers: string literals in an expression, and what `format!` and `json!`
//! tokens hold (fresh-making calls, `"key": literal` pairs).

use std::ops::Range;

use proc_macro2::{TokenStream, TokenTree};
use syn::Expr;

use super::FRESH_CALLS;
use crate::extract::request::JsonFloat;
use crate::extract::rust::offsets::SpanBytes;

/// A string literal's value and span.
pub(super) struct StringLiteral {
    pub(super) value: String,
    pub(super) span: Range<usize>,
}

/// String literals anywhere in an expression.
pub(super) fn string_literals(expr: &Expr) -> Vec<StringLiteral> {
    struct Literals(Vec<StringLiteral>);
    impl<'ast> syn::visit::Visit<'ast> for Literals {
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            self.0.push(StringLiteral {
                value: lit.value(),
                span: lit.span().bytes(),
            });
        }
    }
    let mut literals = Literals(Vec::new());
    syn::visit::Visit::visit_expr(&mut literals, expr);
    literals.0
}

/// The span of a fresh-making call (`Uuid::new_v4()`, `SystemTime::now()`) among macro tokens.
pub(super) fn fresh_call(tokens: &TokenStream) -> Option<Range<usize>> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    trees
        .iter()
        .enumerate()
        .find_map(|(at, tree)| match (tree, trees.get(at + 1)) {
            (TokenTree::Ident(ident), Some(TokenTree::Group(args)))
                if args.delimiter() == proc_macro2::Delimiter::Parenthesis
                    && FRESH_CALLS.contains(&ident.to_string().as_str()) =>
            {
                Some(ident.span().bytes())
            }
            (TokenTree::Group(group), _) => fresh_call(&group.stream()),
            _ => None,
        })
}

/// Whether a `format!`/`concat!` can build a URL: its format string has a `/`, or holds only
/// placeholders (`"{}{}"`, `"{BASE}{path}"`), or it concatenates names. Other `format!`s
/// (messages, keys) are not worth parsing.
pub(super) fn may_build_url(tokens: &TokenStream) -> bool {
    match tokens.clone().into_iter().next() {
        Some(TokenTree::Literal(literal)) => {
            let text = literal.to_string();
            let placeholders_only = text
                .trim_matches('"')
                .split('}')
                .all(|part| part.is_empty() || part.starts_with('{'));
            text.contains('/') || placeholders_only
        }
        Some(TokenTree::Ident(_)) => true,
        _ => false,
    }
}

/// `"key": literal` in `json!` tokens.
struct JsonPair {
    key: String,
    value: proc_macro2::Literal,
}

/// `"key": literal` pairs in `json!` tokens, at any depth.
fn json_literal_pairs(tokens: TokenStream, out: &mut Vec<JsonPair>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (at, tree) in trees.iter().enumerate() {
        match (tree, trees.get(at + 1), trees.get(at + 2)) {
            (TokenTree::Group(group), _, _) => json_literal_pairs(group.stream(), out),
            (
                TokenTree::Literal(key),
                Some(TokenTree::Punct(colon)),
                Some(TokenTree::Literal(value)),
            ) if colon.as_char() == ':' && key.to_string().starts_with('"') => {
                out.push(JsonPair {
                    key: key.to_string().trim_matches('"').to_string(),
                    value: value.clone(),
                });
            }
            _ => {}
        }
    }
}

/// A string under an origin key of a `json!` literal.
pub(super) struct JsonOrigin {
    pub(super) value: String,
    pub(super) span: std::ops::Range<usize>,
    pub(super) role: crate::extract::origins::OriginRole,
}

/// What a `json!` literal holds: string values under origin keys (`"return_url": "https://…"`)
/// and every float literal under a key (`"amount": 12.5`).
pub(super) struct JsonLiteral {
    pub(super) origins: Vec<JsonOrigin>,
    pub(super) floats: Vec<JsonFloat>,
}

pub(super) fn json_literal(tokens: TokenStream) -> JsonLiteral {
    let mut pairs = Vec::new();
    json_literal_pairs(tokens, &mut pairs);
    let mut origins = Vec::new();
    let mut floats = Vec::new();
    for pair in pairs {
        let text = pair.value.to_string();
        if let Some(role) = crate::extract::origins::origin_role(&pair.key) {
            if let Some(value) = crate::ground::syntax::string_value(&pair.value) {
                origins.push(JsonOrigin {
                    value,
                    span: pair.value.span().bytes(),
                    role,
                });
            }
        }
        let is_float = text.contains('.') && text.parse::<f64>().is_ok()
            || text.ends_with("f64")
            || text.ends_with("f32");
        if is_float {
            floats.push(JsonFloat {
                key: pair.key,
                span: pair.value.span().bytes(),
            });
        }
    }
    JsonLiteral { origins, floats }
}
