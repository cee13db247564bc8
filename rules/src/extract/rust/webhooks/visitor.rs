//! Reads a function's [`FnFacts`] in one walk of its signature and body.

use foldhash::HashMap;
use std::fmt::Write;
use std::ops::Range;

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit};

use crate::extract::rust::handlers::BodyReader;
use crate::extract::rust::offsets::SpanBytes;
use crate::extract::rust::webhooks::flow::{path_type, Locals};
use crate::extract::rust::webhooks::functions::{
    Call, Comparison, EventTypeString, FnFacts, FnRare, HeaderMention, KeyPath, Name, Parse, Source,
};
use crate::extract::rust::webhooks::literals::{mentions_header, pair_key, sql_keyword};
use crate::extract::rust::webhooks::names::{
    get_path, indexed_path, is_data_access, is_event_root, Idents, Interner, NameCollector, Names,
};
use crate::extract::rust::webhooks::routes::{webhook_route_attribute, RouteReader};
use crate::ground::syntax::{last_segment, string_value, type_name};

/// Reads a function: its facts and the webhook routes its body registers. `handlers` reads
/// the same body for routes and state writes in this one walk.
pub(super) fn read_function(
    name: &syn::Ident,
    attrs: &[syn::Attribute],
    sig: &syn::Signature,
    block: &syn::Block,
    test: bool,
    handlers: Option<BodyReader<'_>>,
) -> (FnFacts, RouteReader) {
    let mut visitor = FnVisitor {
        handlers,
        facts: FnFacts::new(
            Name::from(name.to_string()),
            name.span().bytes(),
            block.brace_token.span.close().bytes().end,
            test,
        ),
        rare: FnRare {
            webhook_route: attrs.iter().find_map(webhook_route_attribute),
            ..FnRare::default()
        },
        routes: RouteReader::default(),
        order: 0,
        names: HashMap::default(),
        idents: HashMap::default(),
        interner: Interner::default(),
        locals: Locals::default(),
    };
    for input in &sig.inputs {
        if let syn::FnArg::Typed(typed) = input {
            visitor.locals.parameter(&typed.pat, &typed.ty);
            let (outer, inner) = outer_and_inner_type(&typed.ty);
            if outer.as_deref() == Some("Json") {
                visitor.rare.parsed_extractor = inner.or(Some("Json".into()));
            }
            if let Some(name) = type_name(&typed.ty) {
                visitor
                    .facts
                    .add_param_type(&mut visitor.rare, Name::from(name));
            }
        }
    }
    visitor.visit_block(block);
    let mut facts = visitor.facts;
    facts.finish(visitor.rare);
    (facts, visitor.routes)
}

/// `Json<GateEvent>` → (`Json`, `GateEvent`); `web::Json<T>` too; through references.
fn outer_and_inner_type(ty: &syn::Type) -> (Option<String>, Option<String>) {
    match ty {
        syn::Type::Reference(r) => outer_and_inner_type(&r.elem),
        syn::Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return (None, None);
            };
            let inner = match &last.arguments {
                syn::PathArguments::AngleBracketed(args) => {
                    args.args.iter().find_map(|arg| match arg {
                        syn::GenericArgument::Type(t) => type_name(t),
                        _ => None,
                    })
                }
                _ => None,
            };
            (Some(last.ident.to_string()), inner)
        }
        _ => (None, None),
    }
}

/// Words of SQL statements (lower case) that make a macro literal worth reading.
const SQL_WORDS: [&str; 4] = ["insert", "update", "delete", "select"];
/// Struct literal types one function records: a middleware wraps in one or two.
const MAX_CONSTRUCTS: usize = 16;

struct FnVisitor<'h> {
    /// Called on every node this walk visits, and given the subtrees it skips.
    handlers: Option<BodyReader<'h>>,
    facts: FnFacts,
    /// Read apart from `facts`, which keep them only when there are some.
    rare: FnRare,
    routes: RouteReader,
    order: usize,
    /// What [`Names`] says of each expression asked about, by address: comparisons nested in
    /// comparisons, field chains and matches ask about the same sub-expressions again, and
    /// reading their identifiers each time costs the square of the chain.
    names: HashMap<usize, Names>,
    /// The [`Idents`] of each comparison operand (and of its sub-expressions), by address.
    idents: HashMap<usize, Idents>,
    interner: Interner,
    /// Where its locals come from and what types they have, bound in source order.
    locals: Locals,
}

impl FnVisitor<'_> {
    fn names(&mut self, expr: &Expr) -> Names {
        let mut collector = NameCollector {
            memo: &mut self.names,
            context: &mut (),
            current: Names::default(),
        };
        collector.visit_expr(expr);
        collector.current
    }

    /// The identifiers of a comparison operand.
    fn operand(&mut self, expr: &Expr) -> Vec<String> {
        let mut collector = NameCollector {
            memo: &mut self.idents,
            context: &mut self.interner,
            current: Idents::default(),
        };
        collector.visit_expr(expr);
        let idents = collector.current;
        self.interner.names(&idents)
    }

    fn next_order(&mut self) -> usize {
        self.order += 1;
        self.order
    }

    /// A string literal of the body (or of a macro body read for them).
    fn literal(&mut self, value: &str, span: impl FnOnce() -> Range<usize>) {
        if mentions_header(value) && !self.rare.header_mentions.iter().any(|h| h.literal == value) {
            self.rare.header_mentions.push(HeaderMention {
                literal: value.to_string(),
                span: span(),
            });
        }
        if value.eq_ignore_ascii_case("x-0bit-event-id")
            || value == "eventId"
            || value == "event_id"
        {
            self.facts.reads_event_id = true;
        }
        if let Some(keyword) = sql_keyword(value) {
            self.facts.sql_keywords.insert(keyword);
        }
        if let Some(key) = pair_key(value) {
            if !self.rare.pair_keys.iter().any(|k| k == key) {
                self.rare.pair_keys.push(key.to_string());
            }
        }
    }

    /// A call by name, on a type when known; `input` is its first argument (or receiver),
    /// `span` is its name's. Returns its order.
    fn call(
        &mut self,
        name: &str,
        path: Option<&str>,
        on_type: Option<String>,
        input: Option<&Expr>,
        span: impl FnOnce() -> Range<usize>,
    ) -> usize {
        let order = self.next_order();
        let span = span();
        let at = span.start;
        let written = path.unwrap_or("");
        if written.starts_with("serde_json::from_")
            || (path.is_none() && name.starts_with("from_slice"))
        {
            self.rare.parses.push(Parse {
                span,
                order,
                target_type: None,
                source: input.map_or(Source::Other, |e| self.locals.source(e)),
                of_event_data: input.is_some_and(is_data_access),
            });
        } else if written.starts_with("serde_json::to_") {
            self.rare.reserializes.push(span);
        }
        self.facts.calls.push(Call::new(
            name.into(),
            path.map(Name::from),
            on_type.map(Name::from),
            at,
        ));
        order
    }

    fn compare(&mut self, left: &Expr, right: &Expr, span: Range<usize>) {
        let is_length = |e: &Expr| matches!(e, Expr::MethodCall(m) if m.method == "len");
        let is_constant = |e: &Expr| {
            matches!(e, Expr::Lit(_)) || matches!(e, Expr::Path(p) if p.path.is_ident("None"))
        };
        if is_length(left) || is_length(right) || is_constant(left) || is_constant(right) {
            return;
        }
        let (left, right) = (self.operand(left), self.operand(right));
        self.rare.comparisons.push(Comparison { span, left, right });
    }

    /// `expr` compared with a value from `source`.
    fn event_literal(&mut self, expr: &Expr, source: Source) {
        if let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) = expr
        {
            self.rare.event_types.push(EventTypeString {
                value: s.value(),
                span: s.span().bytes(),
                source,
            });
        }
    }

    /// The string literals of a match arm on a value from `source`.
    fn pattern_literals(&mut self, pat: &syn::Pat, source: Source) {
        match pat {
            syn::Pat::Lit(lit) => {
                if let Lit::Str(s) = &lit.lit {
                    self.rare.event_types.push(EventTypeString {
                        value: s.value(),
                        span: s.span().bytes(),
                        source,
                    });
                }
            }
            syn::Pat::Or(or) => or
                .cases
                .iter()
                .for_each(|p| self.pattern_literals(p, source)),
            _ => {}
        }
    }

    /// A key path read from a value from `source`.
    fn record_path(&mut self, root: &str, keys: Vec<(String, Range<usize>)>, source: Source) {
        let Some((_, last_span)) = keys.last().cloned() else {
            return;
        };
        let names: Vec<String> = keys.into_iter().map(|(k, _)| k).collect();
        if names.first().is_some_and(|k| k == "id") && names.len() == 1 {
            self.facts.reads_event_id = true;
        }
        if is_event_root(root) || names.first().is_some_and(|k| k == "data") {
            self.rare.value_paths.push(KeyPath {
                keys: names,
                span: last_span,
                source,
            });
        }
    }

    /// Literals and `event.id`-style reads inside macro bodies (`sqlx::query!`, `format!`).
    fn macro_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (at, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(group) => self.macro_tokens(group.stream()),
                TokenTree::Literal(literal) => {
                    // Only literals that can mean something here are worth parsing.
                    let raw = literal.to_string();
                    let lower = raw.to_ascii_lowercase();
                    if ["signature", "x-0bit", "t=", "event"]
                        .iter()
                        .chain(&SQL_WORDS)
                        .any(|m| lower.contains(m))
                    {
                        if let Some(value) = string_value(literal) {
                            self.literal(&value, || literal.span().bytes());
                        }
                    }
                }
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    if name == "event_id" || name == "eventId" {
                        self.facts.reads_event_id = true;
                    }
                    let field_id = matches!(
                        (trees.get(at + 1), trees.get(at + 2)),
                        (Some(TokenTree::Punct(dot)), Some(TokenTree::Ident(id))) if dot.as_char() == '.' && id == "id"
                    );
                    if field_id && is_event_root(&name) {
                        self.facts.reads_event_id = true;
                    }
                }
                TokenTree::Punct(_) => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for FnVisitor<'_> {
    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        let value = lit.value();
        if let Some(handlers) = &mut self.handlers {
            handlers.literal(&value, || lit.span().bytes());
        }
        self.literal(&value, || lit.span().bytes());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(handlers) = &mut self.handlers {
            handlers.macro_call(mac);
        }
        let name = last_segment(&mac.path);
        // sqlx query macros are where `event.id` is bound for the event log, and their SQL
        // says whether they write.
        if matches!(
            name.as_str(),
            "query" | "query_as" | "query_scalar" | "execute"
        ) {
            self.macro_tokens(mac.tokens.clone());
        }
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(func) = &*call.func {
            // `a::b::c` in one buffer, the name its last segment.
            let mut written = String::new();
            let mut name_start = 0;
            for (at, segment) in func.path.segments.iter().enumerate() {
                if at > 0 {
                    written.push_str("::");
                }
                name_start = written.len();
                write!(written, "{}", segment.ident).expect("writing to a String cannot fail");
            }
            // The function name's span: `Spanned` on the whole call would re-print it.
            let span = || {
                func.path
                    .segments
                    .last()
                    .map_or(0..0, |s| s.ident.span().bytes())
            };
            let parses_before = self.rare.parses.len();
            let on_type = path_type(&func.path);
            let order = self.call(
                &written[name_start..],
                Some(&written),
                on_type,
                call.args.first(),
                span,
            );
            self.locals.called(call, order);
            if let Some(parse) = self.rare.parses.get_mut(parses_before) {
                // `serde_json::from_slice::<GateEvent>(&body)`: the turbofish names the type.
                if let Some(syn::PathArguments::AngleBracketed(args)) =
                    func.path.segments.last().map(|s| &s.arguments)
                {
                    parse.target_type = args.args.iter().find_map(|arg| match arg {
                        syn::GenericArgument::Type(t) => type_name(t),
                        _ => None,
                    });
                }
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if let Some(handlers) = &mut self.handlers {
            handlers.method_call(call);
        }
        let name = call.method.to_string();
        let span = call.method.span().bytes();
        match name.as_str() {
            "eq" | "starts_with" => {
                if let Some(arg) = call.args.first() {
                    self.compare(&call.receiver, arg, span.clone());
                }
            }
            "route" | "at" if call.args.len() == 2 => {
                let path = call.args.first().expect("two arguments");
                if let Some(handlers) = call.args.iter().nth(1) {
                    let registered = self.routes.route(path, handlers);
                    self.rare.registers.extend(registered);
                }
            }
            "pointer" => {
                if let Some(Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(s), ..
                })) = call.args.first()
                {
                    let keys: Vec<String> = s
                        .value()
                        .split('/')
                        .filter(|k| !k.is_empty())
                        .map(String::from)
                        .collect();
                    let source = self.locals.source(&call.receiver);
                    self.rare.value_paths.push(KeyPath {
                        keys,
                        span: s.span().bytes(),
                        source,
                    });
                }
            }
            "get" => {
                if let Some((root, keys)) = get_path(call) {
                    let source = self.locals.source(&call.receiver);
                    self.record_path(&root, keys, source);
                }
            }
            _ => {}
        }
        self.routes.chain(call);
        if RouteReader::is_webhook_nest(call) {
            // Only the nested router is under the webhook path, not the chain before it.
            self.visit_expr(&call.receiver);
            let outer = self.routes.enter_nest(call);
            for arg in &call.args {
                self.routes.nest_argument(arg);
                self.visit_expr(arg);
            }
            self.routes.leave_nest(outer);
            return;
        }
        // `payload.id`-style reads come through fields; method names count as calls.
        let on_type = self.locals.type_of(&call.receiver);
        let order = self.call(&name, None, on_type, Some(&call.receiver), || span.clone());
        self.locals.called(call, order);
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        if let Some(handlers) = &mut self.handlers {
            handlers.assignment(assign);
        }
        visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
        if let Some(handlers) = &mut self.handlers {
            handlers.struct_literal(literal);
        }
        if self.facts.name == "transform" && self.rare.constructs.len() < MAX_CONSTRUCTS {
            let name = last_segment(&literal.path);
            if !self.rare.constructs.iter().any(|c| *c == name) {
                self.rare.constructs.push(Name::from(name));
            }
        }
        visit::visit_expr_struct(self, literal);
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        if matches!(binary.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            self.compare(&binary.left, &binary.right, binary.op.span().bytes());
            // `event.type_ == "gate_session.completed"`
            if self.names(&binary.left).typed {
                let source = self.locals.source(&binary.left);
                self.event_literal(&binary.right, source);
            }
            if self.names(&binary.right).typed {
                let source = self.locals.source(&binary.right);
                self.event_literal(&binary.left, source);
            }
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        // The scrutinee first: where it comes from may be a call inside it.
        self.visit_expr(&m.expr);
        if self.names(&m.expr).typed {
            let source = self.locals.source(&m.expr);
            for arm in &m.arms {
                self.pattern_literals(&arm.pat, source);
            }
        }
        for arm in &m.arms {
            self.visit_arm(arm);
        }
    }

    fn visit_expr_field(&mut self, field: &'ast syn::ExprField) {
        if let syn::Member::Named(name) = &field.member {
            let member = name.to_string();
            if member == "event_id" || member == "eventId" {
                self.facts.reads_event_id = true;
            }
            if member == "id" {
                let base = self.names(&field.base);
                let through_data = base.last_is_data == Some(true);
                if !through_data && base.event_root {
                    self.facts.reads_event_id = true;
                }
            }
        }
        visit::visit_expr_field(self, field);
    }

    fn visit_expr_index(&mut self, index: &'ast syn::ExprIndex) {
        if let Some((root, keys)) = indexed_path(index) {
            let source = self.locals.source(&index.expr);
            self.record_path(&root, keys, source);
            // The outer index has been recorded whole; do not record its inner prefixes.
            if let Some(handlers) = &mut self.handlers {
                handlers.visit_expr_index(index);
            }
            return;
        }
        visit::visit_expr_index(self, index);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let before = self.rare.parses.len();
        visit::visit_local(self, local);
        let init = local.init.as_ref().map(|init| &*init.expr);
        // `let event: GateEvent = serde_json::from_slice(&body)?;`
        if let (syn::Pat::Type(typed), Some(init)) = (&local.pat, init) {
            let type_name = type_name(&typed.ty);
            if let Some(parse) = self.rare.parses.get_mut(before) {
                parse.target_type = parse.target_type.take().or(type_name.clone());
            }
            // `let event: GateEvent = verify_event(&headers, &body)?;`
            if let (Some(order), Some(type_name)) = (self.locals.call_order(init), type_name) {
                if (1..=self.facts.calls.len()).contains(&order) {
                    self.rare.result_types.retain(|(at, _)| *at != order);
                    self.rare.result_types.push((order, Name::from(type_name)));
                }
            }
        }
        self.locals.local(&local.pat, init);
    }

    fn visit_expr_let(&mut self, binding: &'ast syn::ExprLet) {
        // `if let Ok(event) = serde_json::from_slice::<GateEvent>(&body)`
        visit::visit_expr_let(self, binding);
        self.locals.local(&binding.pat, Some(&binding.expr));
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if let Some(ident) = path.path.get_ident() {
            if ident == "event_id" || ident == "eventId" {
                self.facts.reads_event_id = true;
            }
        }
        visit::visit_expr_path(self, path);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {
        // Nested items are read on their own.
    }
}
