//! Macros whose values matter to requests: `format!`/`concat!` (URL templates, or fresh
//! values) and `json!` (bodies, and origins written in them).

use proc_macro2::TokenStream;
use syn::Expr;

use super::literals::{fresh_call, json_literal, may_build_url};
use super::locals::Value;
use super::scanner::FunctionScanner;
use super::{bounded, MAX_FORMAT_DEPTH};
use crate::extract::request::Piece;

impl FunctionScanner<'_> {
    pub(super) fn macro_value(&mut self, mac: &syn::Macro) -> Value {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match name.as_str() {
            // A key like `format!("{id}-{}", Uuid::new_v4())` is fresh; a URL is a template.
            "format" | "concat" if self.format_depth >= MAX_FORMAT_DEPTH => Value::Nothing,
            "format" | "concat" => match fresh_call(&mac.tokens) {
                Some(span) => Value::Fresh(span, self.scopes.clone()),
                None if may_build_url(&mac.tokens) => {
                    self.format_depth += 1;
                    let value = self.format_value(&name, mac.tokens.clone());
                    self.format_depth -= 1;
                    value
                }
                None => Value::Nothing,
            },
            "json" => {
                let literal = json_literal(mac.tokens.clone());
                for origin in literal.origins {
                    self.literal_origin(origin.value, origin.span, origin.role);
                }
                Value::Json(literal.floats.into())
            }
            // Other macros' bodies are not expressions in general; requests are not built there.
            _ => Value::Nothing,
        }
    }

    /// `format!("{BASE}/x/{}", id)` and `concat!(BASE, "/x")` as templates.
    fn format_value(&mut self, name: &str, tokens: TokenStream) -> Value {
        let Ok(args) = syn::parse::Parser::parse2(
            syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated,
            tokens,
        ) else {
            return Value::Nothing;
        };
        let values: Vec<(Value, Option<String>)> = args
            .iter()
            .map(|arg| match arg {
                // `format!("{x}", x = value)`
                Expr::Assign(assign) => {
                    let key = match &*assign.left {
                        Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
                        _ => None,
                    };
                    (self.expr(&assign.right), key)
                }
                other => (self.expr(other), None),
            })
            .collect();
        if name == "concat" {
            let mut template = Vec::new();
            for (value, _) in &values {
                template.extend(value.template_or_unknown());
            }
            return Value::Str(bounded(template), None);
        }
        let Some((Value::Str(format, literal), _)) = values.first() else {
            return Value::Nothing;
        };
        let [Piece::Text(format)] = format.as_slice() else {
            return Value::Nothing;
        };
        let mut template = Vec::new();
        let mut positional = values
            .iter()
            .skip(1)
            .filter(|(_, key)| key.is_none())
            .map(|(v, _)| v);
        let mut rest = format.as_str();
        while let Some(open) = rest.find('{') {
            if rest[open..].starts_with("{{") {
                template.push(Piece::Text(rest[..open + 1].to_string()));
                rest = &rest[open + 2..];
                continue;
            }
            template.push(Piece::Text(rest[..open].to_string()));
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let inner = &rest[open + 1..close];
            let key = inner.split(':').next().unwrap_or("");
            let value = if key.is_empty() {
                positional.next().and_then(Value::template)
            } else if let Some((value, _)) = values.iter().find(|(_, k)| k.as_deref() == Some(key))
            {
                value.template()
            } else {
                // Inline `{name}`: a local, a parameter or a constant.
                self.name_value(key).template()
            };
            template.extend(value.unwrap_or_else(|| vec![Piece::Unknown]));
            rest = &rest[(close + 1).min(rest.len())..];
        }
        template.push(Piece::Text(rest.to_string()));
        template.retain(|piece| !matches!(piece, Piece::Text(t) if t.is_empty()));
        Value::Str(bounded(template), literal.clone())
    }
}
