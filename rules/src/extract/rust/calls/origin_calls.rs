//! Origins and redirect targets set in Rust: `.return_url(..)`, `.allow_origin(..)`,
//! `AllowOrigin::list(..)`, `Cors::permissive()`, recorded as [`RustOrigin`]s.

use std::ops::Range;

use syn::spanned::Spanned;
use syn::Expr;

use super::literals::string_literals;
use super::locals::Value;
use super::scanner::FunctionScanner;
use crate::extract::origins::{origin_role, OriginRole};
use crate::extract::request::{Piece, RustOrigin, Template};
use crate::extract::rust::offsets::SpanBytes;

type Args = syn::punctuated::Punctuated<Expr, syn::Token![,]>;

/// CORS setters whose arguments' string literals are origins (see `origin_call`).
const CORS_LIST_SETTERS: [&str; 6] = [
    "allow_origin",
    "allowed_origin",
    "exact",
    "list",
    "some_exact",
    "some",
];

/// `allow_origin(Any)`: any origin.
fn any_origin_argument(last: &str, exprs: &Args) -> bool {
    last == "allow_origin"
        && exprs.iter().any(|e| {
            matches!(e, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Any"))
        })
}

/// Whether a call named `last` records every string literal of its arguments as an origin.
pub(super) fn records_literals(last: &str, exprs: &Args) -> bool {
    CORS_LIST_SETTERS.contains(&last) && !any_origin_argument(last, exprs)
}

impl FunctionScanner<'_> {
    /// An origin set in this function, not a wildcard and not a struct field.
    fn plain_origin(&self, value: Template, span: Range<usize>, role: OriginRole) -> RustOrigin {
        RustOrigin {
            value,
            span,
            wildcard: false,
            gate: self.gate,
            role,
            struct_type: None,
        }
    }

    /// A value used as an origin or redirect target: a field of a struct literal of
    /// `struct_type`, or the argument of a setter.
    pub(super) fn origin(
        &mut self,
        value: &Value,
        span: Range<usize>,
        role: OriginRole,
        struct_type: Option<String>,
    ) {
        if let Value::Str(template, literal) = value {
            let span = literal.clone().unwrap_or(span);
            let origin = RustOrigin {
                struct_type,
                ..self.plain_origin(template.clone(), span, role)
            };
            self.facts.origins.push(origin);
        }
    }

    /// A string literal's value as an origin.
    pub(super) fn literal_origin(&mut self, value: String, span: Range<usize>, role: OriginRole) {
        let origin = self.plain_origin(vec![Piece::Text(value)], span, role);
        self.facts.origins.push(origin);
    }

    /// CORS and redirect setters: `.return_url(..)`, `.allow_origin(..)`, `AllowOrigin::list(..)`,
    /// `Cors::permissive()`. `name` is the method name or the function's full path.
    pub(super) fn origin_call(
        &mut self,
        name: &str,
        exprs: &Args,
        args: &[Value],
        span: Range<usize>,
    ) {
        let last = name.rsplit("::").next().unwrap_or(name);
        let wildcard_call = matches!(
            last,
            "allow_any_origin" | "send_wildcard" | "permissive" | "very_permissive" | "any" | "all"
        ) && (name.contains("Cors")
            || name.contains("AllowOrigin")
            || name.contains("AllowedOrigins")
            || !name.contains("::"))
            && (last != "any" || name.contains("AllowOrigin"))
            && (last != "all" || name.contains("AllowedOrigins"));
        let any_argument = any_origin_argument(last, exprs);
        if wildcard_call || any_argument {
            let origin = RustOrigin {
                wildcard: true,
                ..self.plain_origin(vec![Piece::Text("*".into())], span, OriginRole::Cors)
            };
            self.facts.origins.push(origin);
            return;
        }
        if records_literals(last, exprs) {
            // Inside another setter's arguments, the outer one records these same literals.
            if self.cors_depth > 0 {
                return;
            }
            for expr in exprs {
                for literal in string_literals(expr) {
                    self.literal_origin(literal.value, literal.span, OriginRole::Cors);
                }
            }
        } else if let (Some(role), [arg]) = (origin_role(last), args) {
            let expr_span = exprs.first().map_or(span, |e| e.span().bytes());
            self.origin(arg, expr_span, role, None);
        }
    }
}
