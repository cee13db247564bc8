//! 0Bit webhook handlers, read from Rust as plain facts and joined across files.
//!
//! Per file (in the same syn walk as everything else): every function's extractors, the
//! headers it reads, HMAC and clock use, `verify*` calls and `serde_json` parses (in source
//! order), signature comparisons, side effects, event-id reads, event-type literals and
//! `Value` key paths; the routes that register handlers on a `webhook` path; and the
//! `Deserialize` types an event may be read into.
//!
//! Across files (per package): handlers (routed on a `webhook` path, or reading the
//! `Gate-Signature`/`X-0bit-*` headers without being a helper of another function) and
//! what each one reaches through calls, up to three calls deep.

use std::collections::HashMap;
use std::ops::Range;

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit};

use crate::extract::rust::{last_segment, path_segments, type_name};

/// What one function does, as far as webhooks are concerned.
#[derive(Clone, Debug, Default)]
pub struct FnFacts {
    pub name: String,
    pub name_span: Range<usize>,
    /// From the name to the end of the body: the function's scope in the file.
    pub span: Range<usize>,
    pub test: bool,
    /// `#[post("/webhooks/…")]` (actix, rocket).
    pub routed_by_attribute: bool,
    /// `Json<T>` extractor: the already-parsed body and its type.
    pub parsed_extractor: Option<String>,
    pub reads_signature_header: bool,
    pub reads_0bit_header: bool,
    pub reads_event_id: bool,
    pub uses_hmac: bool,
    pub reads_clock: bool,
    pub parses_timestamp: bool,
    pub side_effect: bool,
    /// Calls to other functions: name and source order.
    pub calls: Vec<(String, usize)>,
    /// `serde_json::from_*` calls: span, order, target type when written, and whether the
    /// input is the event's `data` (`event["data"]`) rather than the whole body.
    pub parses: Vec<(Range<usize>, usize, Option<String>, bool)>,
    /// `serde_json::to_vec`/`to_string` spans (a MAC over re-serialized JSON).
    pub reserializes: Vec<Range<usize>>,
    pub unsafe_compares: Vec<Range<usize>>,
    /// Event-type strings matched or compared: value and span.
    pub event_types: Vec<(String, Range<usize>)>,
    /// `event["data"]["x"]`, `.pointer("/data/x")`: keys and the span of the last one.
    pub value_paths: Vec<(Vec<String>, Range<usize>)>,
    /// Types of parameters (for helpers receiving an event).
    pub param_types: Vec<String>,
    /// Takes web-framework extractors (`Bytes`, `HeaderMap`, `HttpRequest`, `State`, …).
    pub web_params: bool,
    /// Handlers this function registers with `.route(..)`, whatever the path, with the path.
    pub registers: Vec<(String, String)>,
    /// The path of a route attribute (`#[post("/webhooks/0bit")]`).
    pub route_attribute: Option<String>,
}

/// A `Deserialize` struct: its serde field names, spans and (inner) types.
#[derive(Clone, Debug, Default)]
pub struct DeStruct {
    pub name: String,
    pub fields: Vec<DeField>,
}

#[derive(Clone, Debug)]
pub struct DeField {
    pub name: String,
    pub span: Range<usize>,
    pub type_name: Option<String>,
}

/// `#[serde(tag = "type")] enum`: each variant's event type and its `data` payload type.
#[derive(Clone, Debug, Default)]
pub struct TaggedEnum {
    pub name: String,
    pub variants: Vec<(String, Range<usize>, Option<String>)>,
}

#[derive(Clone, Debug, Default)]
pub struct WebhookFacts {
    pub functions: Vec<FnFacts>,
    /// Functions registered on a route whose path contains `webhook`.
    pub routed: Vec<String>,
    /// Webhook routes: handler name and path, for messages.
    pub routes: Vec<(String, String)>,
    /// Functions whose routes are nested under a `webhook` path, with the prefix:
    /// `.nest("/webhooks", routes())`.
    pub nested_under_webhook: Vec<(String, String)>,
    /// Request-guard types whose `from_request` reads the signature header.
    pub signature_guards: Vec<String>,
    pub structs: Vec<DeStruct>,
    pub enums: Vec<TaggedEnum>,
}

impl WebhookFacts {
    /// Whether a webhook finding may point into this file.
    pub fn may_be_reported(&self) -> bool {
        !self.routed.is_empty()
            || !self.enums.is_empty()
            || !self.structs.is_empty()
            || self.functions.iter().any(|f| {
                f.routed_by_attribute
                    || f.web_params
                    || f.reads_signature_header
                    || f.reads_0bit_header
                    || f.uses_hmac
                    || f.parsed_extractor.is_some()
                    || !f.event_types.is_empty()
                    || !f.value_paths.is_empty()
            })
    }
}

/// Handlers one route expression is read for. A route names a handler, or one per method;
/// routes nested in another route's handler would otherwise be read once for each route
/// around them, and their handlers recorded as many times.
const MAX_ROUTE_HANDLERS: usize = 64;

/// Parameter types of web handlers.
const WEB_PARAM_TYPES: [&str; 14] = [
    "Bytes",
    "HeaderMap",
    "HttpRequest",
    "Request",
    "Json",
    "State",
    "Data",
    "Extension",
    "TypedHeader",
    "Path",
    "Query",
    "Form",
    "Payload",
    "Body",
];

const SIDE_EFFECT_WORDS: [&str; 13] = [
    "insert",
    "update",
    "execute",
    "save",
    "fulfil",
    "fulfill",
    "ship",
    "credit",
    "mark_paid",
    "send",
    "enqueue",
    "publish",
    "refund",
];
const SIGNATURE_WORDS: [&str; 8] = [
    "signature",
    "sig",
    "expected",
    "computed",
    "mac",
    "digest",
    "v1",
    "hmac",
];
const EVENT_ROOT_WORDS: [&str; 6] = [
    "event",
    "evt",
    "payload",
    "envelope",
    "webhook",
    "notification",
];

/// Reads a function; `test` when it is test code.
pub fn function_facts(
    facts: &mut WebhookFacts,
    name: &syn::Ident,
    attrs: &[syn::Attribute],
    sig: &syn::Signature,
    block: &syn::Block,
    test: bool,
) {
    let mut visitor = FnVisitor {
        facts: FnFacts {
            name: name.to_string(),
            name_span: name.span().byte_range(),
            span: name.span().byte_range().start..block.brace_token.span.close().byte_range().end,
            test,
            routed_by_attribute: attrs.iter().any(is_webhook_route_attribute),
            route_attribute: attrs.iter().find_map(route_attribute_path),
            ..FnFacts::default()
        },
        routed: Vec::new(),
        routes: Vec::new(),
        nested: Vec::new(),
        nest_prefix: String::new(),
        order: 0,
        in_webhook_nest: false,
        names: HashMap::new(),
        webhook_chains: HashMap::new(),
    };
    for input in &sig.inputs {
        if let syn::FnArg::Typed(typed) = input {
            let (outer, inner) = outer_and_inner_type(&typed.ty);
            if outer.as_deref() == Some("Json") {
                visitor.facts.parsed_extractor = inner.or(Some("Json".into()));
            }
            if let Some(name) = type_name(&typed.ty) {
                visitor.facts.web_params |= WEB_PARAM_TYPES.contains(&name.as_str());
                visitor.facts.param_types.push(name);
            }
        }
    }
    visitor.visit_block(block);
    facts.routed.extend(visitor.routed);
    facts.routes.extend(visitor.routes);
    facts.nested_under_webhook.extend(visitor.nested);
    facts.functions.push(visitor.facts);
}

fn route_attribute_path(attr: &syn::Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::List(list) if is_webhook_route_attribute(attr) => {
            match list.tokens.clone().into_iter().next() {
                Some(TokenTree::Literal(literal)) => {
                    Some(literal.to_string().trim_matches('"').to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn is_webhook_route_attribute(attr: &syn::Attribute) -> bool {
    let last = attr
        .path()
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    if !matches!(last.as_str(), "post" | "put" | "get" | "route" | "patch") {
        return false;
    }
    match &attr.meta {
        syn::Meta::List(list) => match list.tokens.clone().into_iter().next() {
            Some(TokenTree::Literal(literal)) => {
                literal.to_string().to_ascii_lowercase().contains("webhook")
            }
            _ => false,
        },
        _ => false,
    }
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

struct FnVisitor {
    facts: FnFacts,
    routed: Vec<String>,
    routes: Vec<(String, String)>,
    nested: Vec<(String, String)>,
    /// The path prefix of the webhook `nest` being visited.
    nest_prefix: String,
    order: usize,
    in_webhook_nest: bool,
    /// What [`Names`] says of each expression asked about, by address: comparisons nested in
    /// comparisons, field chains and matches ask about the same sub-expressions again, and
    /// reading their identifiers each time costs the square of the chain.
    names: HashMap<usize, Names>,
    /// [`chain_mentions_webhook`] of each method-call receiver asked about, by address.
    webhook_chains: HashMap<usize, bool>,
}

impl FnVisitor {
    fn names(&mut self, expr: &Expr) -> Names {
        let mut collector = NameCollector {
            memo: &mut self.names,
            current: Names::default(),
        };
        collector.visit_expr(expr);
        collector.current
    }
    fn next_order(&mut self) -> usize {
        self.order += 1;
        self.order
    }

    fn literal(&mut self, value: &str) {
        let lower = value.to_ascii_lowercase();
        if lower.contains("gate-signature") || lower.ends_with("-signature") {
            self.facts.reads_signature_header = true;
        }
        if lower.starts_with("x-0bit-") {
            self.facts.reads_0bit_header = true;
        }
        if lower == "x-0bit-event-id" || value == "eventId" || value == "event_id" {
            self.facts.reads_event_id = true;
        }
        if value.starts_with("t=") {
            self.facts.parses_timestamp = true;
        }
    }

    /// A call by name; `span` is only computed for the calls that record it.
    fn call_name(&mut self, name: &str, path: &str, span: impl FnOnce() -> Range<usize>) {
        let order = self.next_order();
        let lower = name.to_ascii_lowercase();
        if SIDE_EFFECT_WORDS.iter().any(|w| lower.contains(w)) {
            self.facts.side_effect = true;
        }
        if name == "new_from_slice"
            || path.contains("Hmac")
            || path.contains("hmac::")
            || path.contains("PKey::hmac")
        {
            self.facts.uses_hmac = true;
        }
        if matches!(name, "now" | "now_utc" | "unix_timestamp") && !path.contains("Instant") {
            self.facts.reads_clock = true;
        }
        if path.starts_with("serde_json::from_")
            || (path.is_empty() && name.starts_with("from_slice"))
        {
            self.facts.parses.push((span(), order, None, false));
        } else if path.starts_with("serde_json::to_") {
            self.facts.reserializes.push(span());
        }
        self.facts.calls.push((name.to_string(), order));
    }

    fn compare(&mut self, left: &Expr, right: &Expr, span: Range<usize>) {
        let (l, r) = (self.names(left), self.names(right));
        let is_length = |e: &Expr| matches!(e, Expr::MethodCall(m) if m.method == "len");
        let is_constant = |e: &Expr| {
            matches!(e, Expr::Lit(_)) || matches!(e, Expr::Path(p) if p.path.is_ident("None"))
        };
        if is_length(left) || is_length(right) || is_constant(left) || is_constant(right) {
            return;
        }
        if l.signature_like || r.signature_like {
            self.facts.unsafe_compares.push(span);
        }
    }

    /// [`chain_mentions_webhook`], remembered for each receiver: a chain of `.to(h)` calls
    /// asks it of every suffix of the chain.
    fn chain_mentions_webhook(&mut self, expr: &Expr) -> bool {
        let key = expr as *const Expr as usize;
        if let Some(&known) = self.webhook_chains.get(&key) {
            return known;
        }
        let mentions = match expr {
            Expr::MethodCall(m) => {
                m.args.iter().any(is_webhook_path) || self.chain_mentions_webhook(&m.receiver)
            }
            _ => chain_mentions_webhook(expr),
        };
        self.webhook_chains.insert(key, mentions);
        mentions
    }

    fn event_literal(&mut self, expr: &Expr) {
        if let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) = expr
        {
            self.facts
                .event_types
                .push((s.value(), s.span().byte_range()));
        }
    }

    fn pattern_literals(&mut self, pat: &syn::Pat) {
        match pat {
            syn::Pat::Lit(lit) => {
                if let Lit::Str(s) = &lit.lit {
                    self.facts
                        .event_types
                        .push((s.value(), s.span().byte_range()));
                }
            }
            syn::Pat::Or(or) => or.cases.iter().for_each(|p| self.pattern_literals(p)),
            _ => {}
        }
    }

    /// Handlers named in a route expression: `post(h)`, `web::post().to(h)`, `.and_then(h)`,
    /// up to [`MAX_ROUTE_HANDLERS`].
    fn route_handlers(&mut self, expr: &Expr) {
        struct Handlers<'a> {
            found: &'a mut Vec<String>,
            room: usize,
        }
        impl Handlers<'_> {
            fn named(&mut self, args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>) {
                for arg in args {
                    if let Expr::Path(p) = arg {
                        if let Some(last) = p.path.segments.last().filter(|_| self.room > 0) {
                            self.room -= 1;
                            self.found.push(last.ident.to_string());
                        }
                    }
                }
            }
        }
        impl<'ast> Visit<'ast> for Handlers<'_> {
            // Once full, the rest of the expression is not walked.
            fn visit_expr(&mut self, expr: &'ast Expr) {
                if self.room > 0 {
                    visit::visit_expr(self, expr);
                }
            }
            fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
                if let Expr::Path(f) = &*call.func {
                    let name = last_segment(&f.path);
                    if matches!(
                        name.as_str(),
                        "post" | "put" | "get" | "patch" | "any" | "on" | "delete"
                    ) {
                        self.named(&call.args);
                    }
                }
                visit::visit_expr_call(self, call);
            }
            fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
                let name = call.method.to_string();
                if matches!(
                    name.as_str(),
                    "to" | "and_then" | "handle" | "post" | "put" | "handler"
                ) {
                    self.named(&call.args);
                }
                visit::visit_expr_method_call(self, call);
            }
        }
        Handlers {
            found: &mut self.routed,
            room: MAX_ROUTE_HANDLERS,
        }
        .visit_expr(expr);
    }
}

fn literal_text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// Whether a route path mentions webhooks.
fn is_webhook_path(expr: &Expr) -> bool {
    matches!(expr, Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) if s.value().to_ascii_lowercase().contains("webhook"))
}

/// What the naming heuristics ask of the identifiers and field names of an expression.
#[derive(Clone, Copy, Debug, Default)]
struct Names {
    /// One is named like a signature (`signature`, `expected_sig`, `mac`, …).
    signature_like: bool,
    /// One mentions a type, a kind or an event (`event.type_`, `kind`).
    typed: bool,
    /// One names an event root (`event`, `payload`, `envelope`, …).
    event_root: bool,
    /// Whether the last one is `data` or `object`; `None` when there is none.
    last_is_data: Option<bool>,
}

impl Names {
    fn add(&mut self, ident: &str) {
        let lower = ident.to_ascii_lowercase();
        // `w`, `…_w` or `w_…`, without formatting the two affixes for every identifier.
        let affixed = |w: &str| {
            let suffix = lower
                .strip_suffix(w)
                .is_some_and(|rest| rest.ends_with('_'));
            let prefix = lower
                .strip_prefix(w)
                .is_some_and(|rest| rest.starts_with('_'));
            lower == w || suffix || prefix
        };
        self.signature_like |=
            lower.contains("signature") || SIGNATURE_WORDS.iter().any(|w| affixed(w));
        self.typed |= ident.contains("type") || ident.contains("kind") || ident.contains("event");
        self.event_root |= is_event_root(ident);
        self.last_is_data = Some(ident == "data" || ident == "object");
    }

    /// Adds what comes after: the names of a later part of the expression.
    fn then(&mut self, later: &Names) {
        self.signature_like |= later.signature_like;
        self.typed |= later.typed;
        self.event_root |= later.event_root;
        self.last_is_data = later.last_is_data.or(self.last_is_data);
    }
}

/// Reads [`Names`] of an expression in source order, reusing what is known of each
/// sub-expression and remembering the rest.
struct NameCollector<'m> {
    memo: &'m mut HashMap<usize, Names>,
    current: Names,
}

impl<'ast> Visit<'ast> for NameCollector<'_> {
    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        self.current.add(&ident.to_string());
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        let key = expr as *const Expr as usize;
        if let Some(known) = self.memo.get(&key) {
            self.current.then(known);
            return;
        }
        let before = std::mem::take(&mut self.current);
        visit::visit_expr(self, expr);
        let own = std::mem::replace(&mut self.current, before);
        self.current.then(&own);
        self.memo.insert(key, own);
    }
}

/// `event["data"]["x"]`: the root variable's name and the keys, if all are string literals.
/// The root variable of a key path and its keys, each with its span.
type KeyPath = (String, Vec<(String, Range<usize>)>);

/// Steps a key path is followed down (indexes, `.get`s and `&`s). A payload path is a few
/// keys deep; each step of a chain is asked for its own path, so following chains of any
/// length would cost the square of the chain.
const MAX_PATH_STEPS: usize = 32;

fn index_path_within(expr: &Expr, steps: usize) -> Option<KeyPath> {
    let steps = steps.checked_sub(1)?;
    match expr {
        Expr::Index(index) => indexed_path_within(index, steps),
        Expr::Path(p) => Some((p.path.segments.last()?.ident.to_string(), Vec::new())),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(name) => Some((name.to_string(), Vec::new())),
            _ => None,
        },
        Expr::MethodCall(m) if m.method == "get" => get_path_within(m, steps),
        Expr::Reference(r) => index_path_within(&r.expr, steps),
        _ => None,
    }
}

/// `event["data"].get("x")`
fn get_path(call: &syn::ExprMethodCall) -> Option<KeyPath> {
    get_path_within(call, MAX_PATH_STEPS)
}

fn get_path_within(call: &syn::ExprMethodCall, steps: usize) -> Option<KeyPath> {
    let Some(Expr::Lit(syn::ExprLit {
        lit: Lit::Str(s), ..
    })) = call.args.first()
    else {
        return None;
    };
    let (root, mut keys) = index_path_within(&call.receiver, steps)?;
    keys.push((s.value(), s.span().byte_range()));
    Some((root, keys))
}

/// `event["data"]["x"]`
fn indexed_path(index: &syn::ExprIndex) -> Option<KeyPath> {
    indexed_path_within(index, MAX_PATH_STEPS)
}

fn indexed_path_within(index: &syn::ExprIndex, steps: usize) -> Option<KeyPath> {
    let Expr::Lit(syn::ExprLit {
        lit: Lit::Str(s), ..
    }) = &*index.index
    else {
        return None;
    };
    let (root, mut keys) = index_path_within(&index.expr, steps)?;
    keys.push((s.value(), s.span().byte_range()));
    Some((root, keys))
}

/// `event["data"]`, `&event["data"]`, `event["data"].clone()`: the event's data object.
fn is_data_access(expr: &Expr) -> bool {
    match expr {
        Expr::Reference(r) => is_data_access(&r.expr),
        Expr::MethodCall(m)
            if matches!(m.method.to_string().as_str(), "clone" | "to_owned" | "take") =>
        {
            is_data_access(&m.receiver)
        }
        Expr::Index(index) => indexed_path(index)
            .is_some_and(|(_, keys)| keys.last().is_some_and(|(k, _)| k == "data")),
        Expr::Field(field) => matches!(&field.member, syn::Member::Named(name) if name == "data"),
        _ => false,
    }
}

fn is_event_root(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    EVENT_ROOT_WORDS.iter().any(|w| lower.contains(w))
}

impl<'ast> Visit<'ast> for FnVisitor {
    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.literal(&lit.value());
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = last_segment(&mac.path);
        // sqlx query macros write, and are where `event.id` is bound for the event log.
        if matches!(
            name.as_str(),
            "query" | "query_as" | "query_scalar" | "execute"
        ) {
            self.facts.side_effect = true;
            self.macro_tokens(mac.tokens.clone());
        }
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(func) = &*call.func {
            let segments: Vec<String> = path_segments(&func.path);
            let name = segments.last().cloned().unwrap_or_default();
            let path = segments.join("::");
            // The function name's span: `Spanned` on the whole call would re-print it.
            let span = || {
                func.path
                    .segments
                    .last()
                    .map_or(0..0, |s| s.ident.span().byte_range())
            };
            let parses_before = self.facts.parses.len();
            self.call_name(&name, &path, span);
            if let Some(parse) = self.facts.parses.get_mut(parses_before) {
                parse.3 = call.args.first().is_some_and(is_data_access);
            }
            // `serde_json::from_slice::<GateEvent>(&body)`: the turbofish names the type.
            if let (Some(parse), Some(last)) = (
                self.facts.parses.get_mut(parses_before),
                func.path.segments.last(),
            ) {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    parse.2 = args.args.iter().find_map(|arg| match arg {
                        syn::GenericArgument::Type(t) => type_name(t),
                        _ => None,
                    });
                }
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        let span = call.method.span().byte_range();
        match name.as_str() {
            "eq" | "starts_with" => {
                if let Some(arg) = call.args.first() {
                    self.compare(&call.receiver, arg, span.clone());
                }
            }
            "route" | "at" if call.args.len() == 2 => {
                let path = call.args.first().expect("two arguments");
                if let Some(handlers) = call.args.iter().nth(1) {
                    let before = self.routed.len();
                    self.route_handlers(handlers);
                    let found: Vec<String> = self.routed[before..].to_vec();
                    let path_text = literal_text(path).unwrap_or_default();
                    if is_webhook_path(path) || self.in_webhook_nest {
                        let full = format!("{}{path_text}", self.nest_prefix);
                        self.routes
                            .extend(found.iter().map(|h| (h.clone(), full.clone())));
                    } else {
                        self.routed.truncate(before);
                    }
                    self.facts
                        .registers
                        .extend(found.into_iter().map(|h| (h, path_text.clone())));
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
                    self.facts.value_paths.push((keys, s.span().byte_range()));
                }
            }
            "get" => {
                if let Some((root, keys)) = get_path(call) {
                    self.record_path(&root, keys);
                }
            }
            _ => {}
        }
        // actix `web::resource("/webhooks").route(web::post().to(h))`, salvo
        // `Router::with_path("webhook").post(h)`, warp `path!("webhooks").and_then(h)`.
        if matches!(name.as_str(), "to" | "and_then" | "post" | "handle")
            && self.chain_mentions_webhook(&call.receiver)
        {
            for arg in &call.args {
                if let Expr::Path(p) = arg {
                    self.routed.push(last_segment(&p.path));
                } else {
                    self.route_handlers(arg);
                }
            }
        }
        if name == "nest" && call.args.first().is_some_and(is_webhook_path) {
            // Only the nested router is under the webhook path, not the chain before it.
            self.visit_expr(&call.receiver);
            let outer = std::mem::replace(&mut self.in_webhook_nest, true);
            let prefix = call.args.first().and_then(literal_text).unwrap_or_default();
            let nested_prefix = format!("{}{prefix}", self.nest_prefix);
            let outer_prefix = std::mem::replace(&mut self.nest_prefix, nested_prefix);
            for arg in &call.args {
                // `.nest("/webhooks", webhooks::routes())`: routes built in another function.
                if let Expr::Call(inner) = arg {
                    if let Expr::Path(f) = &*inner.func {
                        let prefix = self.nest_prefix.clone();
                        self.nested.extend(
                            f.path
                                .segments
                                .last()
                                .map(|s| (s.ident.to_string(), prefix)),
                        );
                    }
                }
                self.visit_expr(arg);
            }
            self.in_webhook_nest = outer;
            self.nest_prefix = outer_prefix;
            return;
        }
        // `payload.id`-style reads come through fields; method names count as calls.
        self.call_name(&name, "", || span.clone());
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        if matches!(binary.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            self.compare(&binary.left, &binary.right, binary.op.span().byte_range());
            // `event.type_ == "gate_session.completed"`
            if self.names(&binary.left).typed {
                self.event_literal(&binary.right);
            }
            if self.names(&binary.right).typed {
                self.event_literal(&binary.left);
            }
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        if self.names(&m.expr).typed {
            for arm in &m.arms {
                self.pattern_literals(&arm.pat);
            }
        }
        visit::visit_expr_match(self, m);
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
            self.record_path(&root, keys);
            // The outer index has been recorded whole; do not record its inner prefixes.
            return;
        }
        visit::visit_expr_index(self, index);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // `let event: GateEvent = serde_json::from_slice(&body)?;`
        if let (syn::Pat::Type(typed), Some(init)) = (&local.pat, &local.init) {
            let before = self.facts.parses.len();
            visit::visit_local(self, local);
            let type_name = type_name(&typed.ty);
            if let Some(parse) = self.facts.parses.get_mut(before) {
                parse.2 = parse.2.take().or(type_name);
            }
            let _ = init;
            return;
        }
        visit::visit_local(self, local);
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

impl FnVisitor {
    fn record_path(&mut self, root: &str, keys: Vec<(String, Range<usize>)>) {
        let Some((_, last_span)) = keys.last().cloned() else {
            return;
        };
        let names: Vec<String> = keys.into_iter().map(|(k, _)| k).collect();
        if names.first().is_some_and(|k| k == "id") && names.len() == 1 {
            self.facts.reads_event_id = true;
        }
        if is_event_root(root) || names.first().is_some_and(|k| k == "data") {
            self.facts.value_paths.push((names, last_span));
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
                        .any(|m| lower.contains(m))
                    {
                        if let Ok(Lit::Str(s)) = syn::parse_str::<Lit>(&raw) {
                            self.literal(&s.value());
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

/// Whether a method chain's receiver mentions a `webhook` path: `web::resource("/webhooks")`.
fn chain_mentions_webhook(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            m.args.iter().any(is_webhook_path) || chain_mentions_webhook(&m.receiver)
        }
        Expr::Call(c) => c.args.iter().any(is_webhook_path),
        Expr::Macro(m) => m
            .mac
            .tokens
            .to_string()
            .to_ascii_lowercase()
            .contains("webhook"),
        _ => false,
    }
}

/// Records the self type of a `FromRequest`/`FromRequestParts`/`FromData` impl whose methods
/// (read since `functions_before`) read the signature header: a handler taking that type
/// reads the signature.
pub fn guard_impl(
    facts: &mut WebhookFacts,
    implementation: &syn::ItemImpl,
    functions_before: usize,
) {
    let Some((_, trait_path, _)) = &implementation.trait_ else {
        return;
    };
    let trait_name = last_segment(trait_path);
    if !matches!(
        trait_name.as_str(),
        "FromRequest" | "FromRequestParts" | "FromData"
    ) {
        return;
    }
    let reads = facts
        .functions
        .get(functions_before..)
        .is_some_and(|fs| fs.iter().any(|f| f.reads_signature_header));
    if let (true, Some(self_type)) = (reads, type_name(&implementation.self_ty)) {
        facts.signature_guards.push(self_type);
    }
}

/// A `Deserialize` struct or `#[serde(tag = "type")]` enum.
pub fn type_facts(facts: &mut WebhookFacts, item: &syn::Item) {
    let (attrs, name) = match item {
        syn::Item::Struct(s) => (&s.attrs, s.ident.to_string()),
        syn::Item::Enum(e) => (&e.attrs, e.ident.to_string()),
        _ => return,
    };
    let derives = attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().contains("Deserialize"))
    });
    if !derives {
        return;
    }
    let rename_all = serde_value(attrs, "rename_all");
    match item {
        syn::Item::Struct(s) => {
            let fields = s
                .fields
                .iter()
                .filter(|f| {
                    !has_serde_flag(&f.attrs, "flatten") && !has_serde_flag(&f.attrs, "skip")
                })
                .filter_map(|f| {
                    let ident = f.ident.as_ref()?;
                    let raw = ident.to_string();
                    let raw = raw.trim_start_matches("r#");
                    let name = serde_value(&f.attrs, "rename")
                        .unwrap_or_else(|| rename(raw, rename_all.as_deref()));
                    Some(DeField {
                        name,
                        span: ident.span().byte_range(),
                        type_name: type_name(&f.ty),
                    })
                })
                .collect();
            facts.structs.push(DeStruct { name, fields });
        }
        syn::Item::Enum(e) if serde_value(attrs, "tag").is_some() => {
            let variants = e
                .variants
                .iter()
                .map(|v| {
                    let explicit = serde_literal(&v.attrs, "rename");
                    let (value, span) = match explicit {
                        Some((value, span)) => (value, span),
                        None => (
                            rename(&v.ident.to_string(), rename_all.as_deref()),
                            v.ident.span().byte_range(),
                        ),
                    };
                    let payload = match &v.fields {
                        syn::Fields::Unnamed(f) => f.unnamed.first().and_then(|f| type_name(&f.ty)),
                        _ => None,
                    };
                    (value, span, payload)
                })
                .collect();
            facts.enums.push(TaggedEnum { name, variants });
        }
        _ => {}
    }
}

fn has_serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde") && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().split([',', ' ']).any(|t| t == flag))
    })
}

fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    serde_literal(attrs, key).map(|(value, _)| value)
}

/// `#[serde(key = "value")]`: the value and its span.
fn serde_literal(attrs: &[syn::Attribute], key: &str) -> Option<(String, Range<usize>)> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let syn::Meta::List(list) = &attr.meta else {
            continue;
        };
        let trees: Vec<TokenTree> = list.tokens.clone().into_iter().collect();
        for (at, tree) in trees.iter().enumerate() {
            if let (
                TokenTree::Ident(ident),
                Some(TokenTree::Punct(eq)),
                Some(TokenTree::Literal(value)),
            ) = (tree, trees.get(at + 1), trees.get(at + 2))
            {
                if ident == key && eq.as_char() == '=' {
                    if let Ok(Lit::Str(s)) = syn::parse_str::<Lit>(&value.to_string()) {
                        return Some((s.value(), value.span().byte_range()));
                    }
                }
            }
        }
    }
    None
}

/// serde's `rename_all` for the common cases.
fn rename(name: &str, rule: Option<&str>) -> String {
    let words: Vec<String> = split_words(name);
    match rule {
        Some("snake_case") => words.join("_"),
        Some("camelCase") => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.clone() } else { capitalize(w) })
            .collect(),
        Some("PascalCase") => words.iter().map(|w| capitalize(w)).collect(),
        Some("kebab-case") => words.join("-"),
        Some("SCREAMING_SNAKE_CASE") => words.join("_").to_uppercase(),
        Some("lowercase") => name.to_lowercase(),
        Some("UPPERCASE") => name.to_uppercase(),
        _ => name.to_string(),
    }
}

fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else if c.is_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
            current.push(c.to_ascii_lowercase());
        } else {
            current.push(c.to_ascii_lowercase());
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_renames() {
        assert_eq!(rename("createdAt", Some("snake_case")), "created_at");
        assert_eq!(rename("customer_email", Some("camelCase")), "customerEmail");
        assert_eq!(
            rename("GateSessionCompleted", Some("snake_case")),
            "gate_session_completed"
        );
        assert_eq!(rename("event_id", None), "event_id");
    }
}
