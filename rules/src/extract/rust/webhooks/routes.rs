//! Routes that register webhook handlers, read from router code and route attributes.
//!
//! A route is a webhook route when its path (with the prefix of the `nest` around it)
//! contains `webhook`: axum and poem `.route(path, post(h))`/`.at(..)`, routers nested
//! under a webhook path (`.nest("/webhooks", routes())`), actix `web::resource("/webhooks")
//! .route(web::post().to(h))`, salvo `Router::with_path("webhook").post(h)`, warp
//! `path!("webhooks").and_then(h)`, and actix/rocket `#[post("/webhooks/…")]`. Which
//! functions are handlers is decided across files, in `link::webhooks`.

use foldhash::HashMap;
use std::ops::Range;

use proc_macro2::TokenTree;
use syn::visit::{self, Visit};
use syn::{Expr, Lit};

use crate::extract::rust::offsets::SpanBytes;
use crate::extract::rust::webhooks::literals::mentions_header;
use crate::ground::syntax::last_segment;

/// A handler registered on a webhook route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookRoute {
    /// The handler's name as written (the last segment of its path).
    pub handler: String,
    /// The full path (nest prefixes included) when the route names one: `.route` and `.at`
    /// do, method chains (`.to(h)`, `.and_then(h)`) do not.
    pub path: Option<String>,
    /// What a filter chain runs before the handler (warp `path!("webhooks").and(..)
    /// .and_then(h)`): header names it reads and the functions it calls.
    pub filters: Vec<Filter>,
}

/// Something a route's filter chain does before its handler runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// A string literal of the chain that mentions a signature or `X-0bit-*` header:
    /// `warp::header::<String>("gate-signature")`.
    Header { literal: String, span: Range<usize> },
    /// A function outside `warp::` the chain calls to build a filter: `with_signature()`;
    /// or a function a route runs as middleware: poem `.around(verify)`, salvo
    /// `.hoop(verify_signature)`.
    Function(String),
    /// A type a route runs as middleware: poem `.with(VerifySignature)`, salvo
    /// `.hoop(VerifySignature::new(..))`.
    Middleware(String),
}

/// Methods that attach middleware to a poem endpoint or a salvo router.
const MIDDLEWARE_METHODS: [&str; 3] = ["with", "around", "hoop"];

/// The middleware a poem endpoint or salvo router chain attaches (`post(h).with(M)`,
/// `Router::with_path("webhooks").hoop(verify).post(h)`): functions and types named as
/// the argument, and what a closure argument's body reads and calls.
fn middleware(chain: &Expr) -> Vec<Filter> {
    let mut found = Vec::new();
    let mut expr = chain;
    while let Expr::MethodCall(call) = expr {
        if MIDDLEWARE_METHODS.contains(&call.method.to_string().as_str()) {
            for arg in &call.args {
                match arg {
                    Expr::Path(p) => found.push(named(&p.path)),
                    Expr::Struct(s) => found.push(Filter::Middleware(last_segment(&s.path))),
                    Expr::Call(c) => match &*c.func {
                        // `VerifySignature::new(secret)`: the type; `verify()`: the function.
                        Expr::Path(f) if f.path.segments.len() > 1 => {
                            let owner = &f.path.segments[f.path.segments.len() - 2];
                            found.push(Filter::Middleware(owner.ident.to_string()));
                        }
                        Expr::Path(f) => found.push(Filter::Function(last_segment(&f.path))),
                        _ => {}
                    },
                    Expr::Closure(closure) => found.extend(filters(&closure.body)),
                    _ => {}
                }
            }
        }
        if found.len() >= MAX_FILTERS {
            break;
        }
        expr = &call.receiver;
    }
    found
}

/// A path named as middleware: a type when it is written like one.
fn named(path: &syn::Path) -> Filter {
    let last = last_segment(path);
    if last.starts_with(|c: char| c.is_ascii_uppercase()) {
        Filter::Middleware(last)
    } else {
        Filter::Function(last)
    }
}

/// Filters one chain is read for: a route combines a handful.
const MAX_FILTERS: usize = 16;

/// The [`Filter`]s of a chain before its handler.
fn filters(chain: &Expr) -> Vec<Filter> {
    struct Filters(Vec<Filter>);
    impl<'ast> Visit<'ast> for Filters {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            if self.0.len() < MAX_FILTERS {
                visit::visit_expr(self, expr);
            }
        }
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            let value = lit.value();
            if mentions_header(&value) {
                self.0.push(Filter::Header {
                    literal: value,
                    span: lit.span().bytes(),
                });
            }
        }
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let Expr::Path(f) = &*call.func {
                let first = f.path.segments.first().map(|s| s.ident.to_string());
                if first.as_deref() != Some("warp") {
                    self.0.push(Filter::Function(last_segment(&f.path)));
                }
            }
            visit::visit_expr_call(self, call);
        }
        // `path!("webhooks" / "0bit")`: path segments, not headers.
        fn visit_macro(&mut self, _: &'ast syn::Macro) {}
    }
    let mut found = Filters(Vec::new());
    found.visit_expr(chain);
    found.0
}

/// A router function called inside `.nest(prefix, …)` on a webhook path: the routes it
/// registers are under `prefix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedRouter {
    /// The name of the function that builds the nested router: `routes` in
    /// `.nest("/webhooks", webhooks::routes())`.
    pub router: String,
    pub prefix: String,
}

/// A handler a function registers with `.route(path, …)`/`.at(path, …)`, whatever the path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub handler: String,
    /// The path as written, or `""` when it is not a string literal.
    pub path: String,
}

/// Handlers one route expression is read for. A route names a handler, or one per method;
/// routes nested in another route's handler would otherwise be read once for each route
/// around them, and their handlers recorded as many times.
const MAX_ROUTE_HANDLERS: usize = 64;

/// The path of a route attribute on a webhook path: `#[post("/webhooks/0bit")]`.
pub(super) fn webhook_route_attribute(attr: &syn::Attribute) -> Option<String> {
    let last = attr
        .path()
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    if !matches!(last.as_str(), "post" | "put" | "get" | "route" | "patch") {
        return None;
    }
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    match list.tokens.clone().into_iter().next() {
        Some(TokenTree::Literal(literal)) => {
            let written = literal.to_string();
            written
                .to_ascii_lowercase()
                .contains("webhook")
                .then(|| written.trim_matches('"').to_string())
        }
        _ => None,
    }
}

/// The routes found in one function's body, as the function is walked.
#[derive(Default)]
pub(super) struct RouteReader {
    pub routes: Vec<WebhookRoute>,
    pub nested: Vec<NestedRouter>,
    /// The path prefix of the webhook `nest` being visited.
    prefix: String,
    in_webhook_nest: bool,
    /// [`chain_mentions_webhook`] of each method-call receiver asked about, by address.
    webhook_chains: HashMap<usize, bool>,
}

/// What [`RouteReader::enter_nest`] saves, to be given back to [`RouteReader::leave_nest`].
pub(super) struct OuterNest {
    in_webhook_nest: bool,
    prefix: String,
}

impl RouteReader {
    /// `.route(path, handlers)`/`.at(path, handlers)`: records the handlers when the path is a
    /// webhook path, and returns every handler registered, whatever the path.
    pub fn route(&mut self, path: &Expr, handlers: &Expr) -> Vec<Registration> {
        let found = route_handlers(handlers);
        let path_text = literal_text(path).unwrap_or_default();
        if is_webhook_path(path) || self.in_webhook_nest {
            let full = format!("{}{path_text}", self.prefix);
            let before = middleware(handlers);
            self.routes.extend(found.iter().map(|handler| WebhookRoute {
                handler: handler.clone(),
                path: Some(full.clone()),
                filters: before.clone(),
            }));
        }
        found
            .into_iter()
            .map(|handler| Registration {
                handler,
                path: path_text.clone(),
            })
            .collect()
    }

    /// `web::resource("/webhooks").route(web::post().to(h))`, salvo
    /// `Router::with_path("webhook").post(h)`, warp `path!("webhooks").and_then(h)`.
    pub fn chain(&mut self, call: &syn::ExprMethodCall) {
        let name = call.method.to_string();
        if !matches!(name.as_str(), "to" | "and_then" | "post" | "handle")
            || !self.chain_mentions_webhook(&call.receiver)
        {
            return;
        }
        // warp runs the filters combined before `.and_then(h)`.
        // salvo runs the router's hoops before `.post(h)`/`.handle(h)`.
        let before = if name == "and_then" {
            filters(&call.receiver)
        } else {
            middleware(&call.receiver)
        };
        for arg in &call.args {
            let handlers = match arg {
                Expr::Path(p) => vec![last_segment(&p.path)],
                _ => route_handlers(arg),
            };
            self.routes
                .extend(handlers.into_iter().map(|handler| WebhookRoute {
                    handler,
                    path: None,
                    filters: before.clone(),
                }));
        }
    }

    /// `.nest("/webhooks", …)`: a router nested on a webhook path.
    pub fn is_webhook_nest(call: &syn::ExprMethodCall) -> bool {
        call.method == "nest" && call.args.first().is_some_and(is_webhook_path)
    }

    /// Enters a [webhook nest](RouteReader::is_webhook_nest): until
    /// [`RouteReader::leave_nest`], routes are under its path.
    pub fn enter_nest(&mut self, call: &syn::ExprMethodCall) -> OuterNest {
        let prefix = call.args.first().and_then(literal_text).unwrap_or_default();
        let nested_prefix = format!("{}{prefix}", self.prefix);
        OuterNest {
            in_webhook_nest: std::mem::replace(&mut self.in_webhook_nest, true),
            prefix: std::mem::replace(&mut self.prefix, nested_prefix),
        }
    }

    /// An argument of a webhook nest: `.nest("/webhooks", webhooks::routes())` names a
    /// router built in another function.
    pub fn nest_argument(&mut self, arg: &Expr) {
        if let Expr::Call(inner) = arg {
            if let Expr::Path(f) = &*inner.func {
                let prefix = self.prefix.clone();
                self.nested
                    .extend(f.path.segments.last().map(|s| NestedRouter {
                        router: s.ident.to_string(),
                        prefix,
                    }));
            }
        }
    }

    pub fn leave_nest(&mut self, outer: OuterNest) {
        self.in_webhook_nest = outer.in_webhook_nest;
        self.prefix = outer.prefix;
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
}

/// Handlers named in a route expression: `post(h)`, `web::post().to(h)`, `.and_then(h)`,
/// up to [`MAX_ROUTE_HANDLERS`].
fn route_handlers(expr: &Expr) -> Vec<String> {
    struct Handlers {
        found: Vec<String>,
        room: usize,
    }
    impl Handlers {
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
    impl<'ast> Visit<'ast> for Handlers {
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
    let mut handlers = Handlers {
        found: Vec::new(),
        room: MAX_ROUTE_HANDLERS,
    };
    handlers.visit_expr(expr);
    handlers.found
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
