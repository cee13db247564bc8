//! Routes of every path, in every supported framework, and the state each function writes,
//! read from Rust in the webhook walk of each function body (`webhooks::visitor` calls the
//! hooks of `BodyReader`), not in a walk or a parse of their own.
//!
//! Routes: axum and poem `.route(path, get(h))`/`.at(..)`, actix `#[get("/x")]`,
//! `web::resource("/x").route(web::get().to(h))` and `App::route("/x", web::get().to(h))`,
//! rocket `#[get("/x")]`, salvo `Router::with_path("x").get(h)`, warp
//! `warp::path!("x" / "y").and_then(h)`. The webhook facts (`webhooks::routes`) keep only
//! webhook paths; these keep every literal path, so a rule can ask for its own.
//!
//! State writes: a field named for a state (`status`, `state`, `paid`, `fulfilled`, …) given a
//! literal or path value (`order.status = OrderStatus::Paid`, `status: "paid"` in a struct
//! literal, sea-orm `Set(..)`, diesel `.set(status.eq(..))`), and string literals that start
//! like an SQL write (`UPDATE`, `INSERT`), sqlx query macros included. What a write means is
//! the rules' decision.

use std::ops::Range;
use thin_vec::ThinVec;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{Expr, Lit};

use crate::extract::rust::offsets::SpanBytes;
use crate::ground::syntax::{last_segment, string_value};

#[derive(Clone, Debug, Default)]
pub struct HandlerFacts {
    pub routes: ThinVec<Route>,
    pub writes: ThinVec<StateWrite>,
}

impl HandlerFacts {
    /// Whether a finding may point into this file: at a route. (State writes are common, in
    /// struct literals everywhere; a finding about one points into a handler, whose file is
    /// kept for its web parameters, or else at the route.)
    pub fn may_be_reported(&self) -> bool {
        !self.routes.is_empty()
    }
}

/// A handler registered on a literal path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The handler's name as written (the last segment of its path).
    pub handler: String,
    /// The path as written; the pieces of a chain (`web::scope("/a")…resource("/b")`,
    /// `path!("a" / "b")`) joined with `/`. Prefixes of routers nested elsewhere are not known.
    pub path: String,
    /// The path literal, or the route attribute.
    pub span: Range<usize>,
}

/// Something a function writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateWrite {
    /// The name span of the function it is in.
    pub function: Range<usize>,
    pub span: Range<usize>,
    pub kind: WriteKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteKind {
    /// A state-named field given a value: the field, and the value's last word as written
    /// (`Paid` for `OrderStatus::Paid`, `paid` for `"paid"`, `true`).
    Field { field: String, value: String },
    /// A literal that starts like an SQL write (`UPDATE … SET`, `INSERT INTO`), lower case,
    /// whitespace collapsed, at most [`MAX_SQL`] bytes.
    Sql(String),
}

/// Words of field names that hold a state.
const STATE_FIELD_WORDS: [&str; 8] = [
    "status", "state", "paid", "fulfil", "ship", "deliver", "credit", "release",
];
/// How much of an SQL literal is kept.
const MAX_SQL: usize = 400;
/// Nodes of a route chain read for its path.
const MAX_CHAIN: usize = 64;
/// Methods that take the handler of the route their receiver builds.
const HANDLER_METHODS: [&str; 10] = [
    "to", "get", "post", "put", "patch", "handle", "and_then", "map", "then", "goal",
];
/// Routes one function is read for.
const MAX_ROUTES: usize = 256;

/// Starts reading one function: records the route of its attribute and returns the reader
/// of its body, or `None` for test code, which has no routes or writes. The webhook walk of
/// the body calls the reader's hooks on every node it visits and hands it the few subtrees
/// it does not visit itself (see `webhooks::visitor`), so a body is walked once for both.
pub(crate) fn function<'f>(
    facts: &'f mut HandlerFacts,
    name: &syn::Ident,
    attrs: &[syn::Attribute],
    test: bool,
) -> Option<BodyReader<'f>> {
    if test {
        return None;
    }
    if let Some((path, span)) = attrs.iter().find_map(route_attribute) {
        facts.routes.push(Route {
            handler: name.to_string(),
            path,
            span,
        });
    }
    Some(BodyReader {
        facts,
        function: name.span().bytes(),
        routes: 0,
    })
}

/// The path of a route attribute: `#[get("/checkout/return")]`, `#[post("/x", data = "..")]`.
fn route_attribute(attr: &syn::Attribute) -> Option<(String, Range<usize>)> {
    let last = attr.path().segments.last()?.ident.to_string();
    if !matches!(
        last.as_str(),
        "get" | "post" | "put" | "patch" | "delete" | "route"
    ) {
        return None;
    }
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    match list.tokens.clone().into_iter().next() {
        Some(TokenTree::Literal(literal)) => {
            string_value(&literal).map(|path| (path, literal.span().bytes()))
        }
        _ => None,
    }
}

/// Reads one function's body for its routes and writes: hooks called on each node of a walk
/// that visits every node once, in source order (and a walk of its own, [`Visit`]).
pub(crate) struct BodyReader<'f> {
    facts: &'f mut HandlerFacts,
    function: Range<usize>,
    routes: usize,
}

impl BodyReader<'_> {
    fn route(&mut self, handler: String, path: String, span: Range<usize>) {
        if self.routes < MAX_ROUTES && !path.is_empty() {
            self.routes += 1;
            self.facts.routes.push(Route {
                handler,
                path,
                span,
            });
        }
    }

    fn field(&mut self, field: &str, value: &Expr, span: Range<usize>) {
        let lower = field.to_ascii_lowercase();
        if !STATE_FIELD_WORDS.iter().any(|w| lower.contains(w)) {
            return;
        }
        if let Some(value) = value_word(value) {
            self.facts.writes.push(StateWrite {
                function: self.function.clone(),
                span,
                kind: WriteKind::Field {
                    field: field.to_string(),
                    value,
                },
            });
        }
    }

    /// A string literal's value, and its span (asked only when it is a write).
    pub(crate) fn literal(&mut self, value: &str, span: impl FnOnce() -> Range<usize>) {
        // Only a literal whose first word is `update` or `insert` can be a write: nearly
        // every other is turned away before the copies below.
        let first = value.split_whitespace().next().unwrap_or_default();
        if !first.eq_ignore_ascii_case("update") && !first.eq_ignore_ascii_case("insert") {
            return;
        }
        let collapsed: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let lower = collapsed.to_ascii_lowercase();
        let update = lower.starts_with("update ") && lower.contains(" set ");
        if update || lower.starts_with("insert into ") {
            let mut end = lower.len().min(MAX_SQL);
            while !lower.is_char_boundary(end) {
                end -= 1;
            }
            self.facts.writes.push(StateWrite {
                function: self.function.clone(),
                span: span(),
                kind: WriteKind::Sql(lower[..end].to_string()),
            });
        }
    }

    fn macro_literals(&mut self, tokens: TokenStream) {
        for tree in tokens {
            match tree {
                TokenTree::Group(group) => self.macro_literals(group.stream()),
                TokenTree::Literal(literal) => {
                    if let Some(value) = string_value(&literal) {
                        self.literal(&value, || literal.span().bytes());
                    }
                }
                _ => {}
            }
        }
    }

    /// diesel `.set(status.eq(OrderStatus::Paid))`, also in tuples.
    fn diesel_set(&mut self, expr: &Expr) {
        match expr {
            Expr::Tuple(tuple) => tuple.elems.iter().for_each(|e| self.diesel_set(e)),
            Expr::Paren(inner) => self.diesel_set(&inner.expr),
            Expr::Reference(inner) => self.diesel_set(&inner.expr),
            Expr::MethodCall(call) if call.method == "eq" && call.args.len() == 1 => {
                if let Expr::Path(field) = &*call.receiver {
                    let name = last_segment(&field.path);
                    let value = call.args.first().expect("one argument");
                    self.field(&name, value, call.method.span().bytes());
                }
            }
            _ => {}
        }
    }

    pub(crate) fn assignment(&mut self, assign: &syn::ExprAssign) {
        if let Expr::Field(field) = &*assign.left {
            if let syn::Member::Named(name) = &field.member {
                self.field(&name.to_string(), &assign.right, name.span().bytes());
            }
        }
    }

    pub(crate) fn struct_literal(&mut self, literal: &syn::ExprStruct) {
        for field in &literal.fields {
            if let syn::Member::Named(name) = &field.member {
                self.field(&name.to_string(), &field.expr, name.span().bytes());
            }
        }
    }

    pub(crate) fn method_call(&mut self, call: &syn::ExprMethodCall) {
        // Compared as identifiers: a method call that is none of these allocates nothing.
        let method = &call.method;
        let args = &call.args;
        if method == "set" {
            args.iter().for_each(|a| self.diesel_set(a));
            return;
        }
        match (args.first(), args.len()) {
            // axum, poem, actix `App::route("/x", web::get().to(h))`.
            (Some(path), 2) if method == "route" || method == "at" => {
                if let Some((path, span)) = literal(path) {
                    for handler in handlers_in(&args[1]) {
                        self.route(handler, path.clone(), span.clone());
                    }
                }
            }
            // actix `web::resource("/x").route(web::get().to(h))`.
            (Some(handlers), 1) if method == "route" => {
                if let Some((path, span)) = chain_path(&call.receiver) {
                    for handler in handlers_in(handlers) {
                        self.route(handler, path.clone(), span.clone());
                    }
                }
            }
            // actix `.to(h)`, salvo `.get(h)`, warp `.and_then(h)`/`.map(h)`.
            (Some(Expr::Path(handler)), 1) if HANDLER_METHODS.iter().any(|m| method == m) => {
                if let Some((path, span)) = chain_path(&call.receiver) {
                    self.route(last_segment(&handler.path), path, span);
                }
            }
            _ => {}
        }
    }

    pub(crate) fn macro_call(&mut self, mac: &syn::Macro) {
        let name = last_segment(&mac.path);
        if matches!(
            name.as_str(),
            "query" | "query_as" | "query_scalar" | "execute" | "sql"
        ) {
            self.macro_literals(mac.tokens.clone());
        }
    }
}

impl<'ast> Visit<'ast> for BodyReader<'_> {
    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        self.assignment(assign);
        visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
        self.struct_literal(literal);
        visit::visit_expr_struct(self, literal);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.method_call(call);
        visit::visit_expr_method_call(self, call);
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.literal(&lit.value(), || lit.span().bytes());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.macro_call(mac);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {
        // Nested items are read on their own.
    }
}

fn literal(expr: &Expr) -> Option<(String, Range<usize>)> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some((s.value(), s.span().bytes())),
        _ => None,
    }
}

/// The last word of a value as written: `OrderStatus::Paid` → `Paid`, `"paid"` → `paid`,
/// through `Set(..)`, `Some(..)`, `.into()`, `.to_string()` and references.
fn value_word(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(path) => Some(last_segment(&path.path)),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Bool(b), ..
        }) => Some(b.value.to_string()),
        Expr::Reference(r) => value_word(&r.expr),
        Expr::Paren(p) => value_word(&p.expr),
        Expr::Call(call) if call.args.len() == 1 => match &*call.func {
            Expr::Path(f) if matches!(last_segment(&f.path).as_str(), "Set" | "Some") => {
                value_word(call.args.first().expect("one argument"))
            }
            _ => None,
        },
        Expr::MethodCall(call)
            if call.args.is_empty()
                && matches!(
                    call.method.to_string().as_str(),
                    "into" | "to_string" | "to_owned" | "as_str" | "as_ref"
                ) =>
        {
            value_word(&call.receiver)
        }
        _ => None,
    }
}

/// Handlers named in a route's handler expression: `get(h)`, `get(h).post(h2)`,
/// `web::get().to(h)`, `h`.
fn handlers_in(expr: &Expr) -> Vec<String> {
    struct Handlers(Vec<String>);
    impl<'ast> Visit<'ast> for Handlers {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            if self.0.len() < MAX_ROUTES {
                visit::visit_expr(self, expr);
            }
        }
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let Expr::Path(f) = &*call.func {
                if matches!(
                    last_segment(&f.path).as_str(),
                    "get" | "post" | "put" | "patch" | "delete" | "any" | "on"
                ) {
                    self.paths(call.args.iter());
                }
            }
            visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if matches!(
                call.method.to_string().as_str(),
                "to" | "get" | "post" | "put" | "patch" | "delete" | "handler"
            ) {
                self.paths(call.args.iter());
            }
            visit::visit_expr_method_call(self, call);
        }
    }
    impl Handlers {
        fn paths<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
            for arg in args {
                if let Expr::Path(p) = arg {
                    self.0.push(last_segment(&p.path));
                }
            }
        }
    }
    if let Expr::Path(p) = expr {
        return vec![last_segment(&p.path)];
    }
    let mut found = Handlers(Vec::new());
    found.visit_expr(expr);
    found.0
}

/// The path a route chain names: the literals of `resource("/x")`, `scope("/x")`,
/// `with_path("x")`, `path("x")` (warp, also inside `.and(..)`) and `path!("a" / "b")`, in
/// source order, joined with `/`, and the span of the last one.
fn chain_path(expr: &Expr) -> Option<(String, Range<usize>)> {
    let mut pieces: Vec<(String, Range<usize>)> = Vec::new();
    let mut budget = MAX_CHAIN;
    collect_path(expr, &mut pieces, &mut budget);
    let span = pieces.last()?.1.clone();
    let path = pieces
        .iter()
        .map(|(p, _)| p.trim_matches('/'))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    Some((format!("/{path}"), span))
}

const PATH_FUNCTIONS: [&str; 4] = ["resource", "scope", "with_path", "path"];

fn collect_path(expr: &Expr, pieces: &mut Vec<(String, Range<usize>)>, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    match expr {
        Expr::MethodCall(call) => {
            collect_path(&call.receiver, pieces, budget);
            let name = call.method.to_string();
            if PATH_FUNCTIONS.contains(&name.as_str()) {
                pieces.extend(call.args.first().and_then(literal));
            } else if name == "and" {
                call.args
                    .iter()
                    .for_each(|a| collect_path(a, pieces, budget));
            }
        }
        Expr::Call(call) => {
            if let Expr::Path(f) = &*call.func {
                if PATH_FUNCTIONS.contains(&last_segment(&f.path).as_str()) {
                    pieces.extend(call.args.first().and_then(literal));
                }
            }
        }
        Expr::Macro(mac) if last_segment(&mac.mac.path) == "path" => {
            for tree in mac.mac.tokens.clone() {
                if let TokenTree::Literal(literal) = tree {
                    if let Some(value) = string_value(&literal) {
                        pieces.push((value, literal.span().bytes()));
                    }
                }
            }
        }
        Expr::Paren(p) => collect_path(&p.expr, pieces, budget),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
