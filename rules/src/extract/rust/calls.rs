//! HTTP requests in Rust, read from function bodies as plain facts: where a request starts,
//! its method, its URL as a template, the headers set on it, the idempotency key's origin and
//! the body. URL pieces that live elsewhere in the crate (consts, struct fields, parameters,
//! helpers) stay symbolic here; `requests` resolves them across files.
//!
//! Recognized: reqwest (async and blocking), awc, surf and isahc method calls
//! (`client.post(url)`, `.request(Method::POST, url)`), ureq and surf free functions
//! (`ureq::post(url)`), hyper/http `Request::builder().method(..).uri(..)` and
//! `Request::post(url)`, and progenitor-style generated clients
//! (`client.create_session().idempotency_key(k).body(b).send()`).

use std::collections::HashMap;
use std::ops::Range;

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::{Expr, Pat, Stmt};

use crate::extract::rust::{path_segments, type_name, Gate};

/// One piece of a string built at runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// A `const` or `static`, by name.
    Const(String),
    /// A struct field (`self.base_url`), by name.
    Field(String),
    /// Parameter `n` of the enclosing function (not counting `self`).
    Param(usize),
    /// Known only at runtime (an id, a user value).
    Unknown,
    /// `Url::join`: what follows replaces the base's last segment unless the base ends in `/`.
    Join,
}

pub type Template = Vec<Piece>;

/// Where an idempotency key's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// Made fresh (`Uuid::new_v4()`, a clock or random value) at `span`, inside these
    /// loop/retry scopes.
    Fresh {
        span: Range<usize>,
        scopes: Vec<usize>,
    },
    Other,
}

/// What a request sends as its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// A value of this (struct) type, serialized.
    Type(String),
    /// A `json!` literal: its float values under money-like keys, with their spans.
    Json(Vec<(Range<usize>, String)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub name: Template,
    pub key: KeyOrigin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method or function name that starts the request; findings point here.
    pub span: Range<usize>,
    /// Upper-case HTTP method, when known.
    pub method: Option<String>,
    pub url: Template,
    /// The literal that holds the URL's path, when one literal does.
    pub url_literal: Option<Range<usize>>,
    /// A generated client's operation method (`create_session`).
    pub operation: Option<String>,
    pub headers: Vec<Header>,
    pub body: Option<Body>,
    /// The chain ends in `.send()`.
    pub sends: bool,
    /// Headers are also set from something this model cannot read (a map passed in, a
    /// helper's result), so a missing header cannot be told.
    pub opaque_headers: bool,
    /// Started by calling a local helper that returns a builder: its name and arguments.
    pub helper: Option<(String, Vec<Template>)>,
    /// This request is the value a helper function returns.
    pub returned_by: Option<String>,
    /// Loop and retry scopes around the request, outermost first.
    pub scopes: Vec<usize>,
    pub gate: Gate,
    /// The function the request is built in.
    pub function: String,
}

/// A string `const`/`static`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstString {
    pub name: String,
    pub value: Template,
    /// The literal the value is written in, when it is one.
    pub literal: Option<Range<usize>>,
}

/// A call `f(args)` or `x.f(args)` with string-like arguments, for resolving parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallArgs {
    pub function: String,
    pub args: Vec<Template>,
}

/// A struct that derives `Serialize`, with its `f32`/`f64` fields named like money.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerializedStruct {
    pub name: String,
    pub float_money_fields: Vec<(Range<usize>, String)>,
}

/// Everything this module reads from one file.
#[derive(Clone, Debug, Default)]
pub struct CallFacts {
    pub requests: Vec<Request>,
    pub consts: Vec<ConstString>,
    /// `field: value` in struct literals: the first value of each field that is known at
    /// all (the one `requests` resolves a field to).
    pub fields: Vec<(String, Template)>,
    /// Calls with string-like arguments: for each function, only the calls that give some
    /// argument position its first known value (the ones `requests` resolves parameters to).
    pub call_args: Vec<CallArgs>,
    pub structs: Vec<SerializedStruct>,
    /// Origins and redirect targets: return URLs, CORS origins, wildcards.
    pub origins: Vec<RustOrigin>,
    /// Fields in `fields` already.
    field_names: std::collections::HashSet<String>,
    /// The argument positions `call_args` gives a known value, per function.
    known_args: HashMap<String, Vec<bool>>,
}

/// An origin use in Rust; consts are resolved within the file by the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustOrigin {
    pub value: Template,
    pub span: Range<usize>,
    pub wildcard: bool,
    pub gate: Gate,
}

impl CallFacts {
    /// Whether a finding may point into this file: at a request, at a URL const, or at a
    /// float money field.
    pub fn may_be_reported(&self) -> bool {
        !self.requests.is_empty()
            || !self.origins.is_empty()
            || self
                .structs
                .iter()
                .any(|s| !s.float_money_fields.is_empty())
            || self.consts.iter().any(|c| {
                c.value
                    .iter()
                    .any(|p| matches!(p, Piece::Text(t) if t.contains("0bit.app")))
            })
    }
}

/// Names that mark an amount of money.
pub fn is_money_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["amount", "price", "total"]
        .iter()
        .any(|word| lower.contains(word))
}

const HTTP_METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
/// Methods of request builders: applied to a helper's result, they make it a request.
const BUILDER_METHODS: [&str; 16] = [
    "header",
    "headers",
    "set",
    "insert_header",
    "json",
    "body",
    "body_json",
    "send",
    "send_json",
    "call",
    "bearer_auth",
    "basic_auth",
    "query",
    "form",
    "timeout",
    "idempotency_key",
];
/// Crates whose free functions start requests: `ureq::post(url)`.
const CLIENT_CRATES: [&str; 7] = [
    "ureq", "surf", "isahc", "reqwest", "http", "hyper", "Request",
];
/// A URL, header name or origin is short, and these bound what a template may hold. A longer
/// one (a chain of `let b = a + a;` doubling a URL, a 500 KB literal passed to thousands of
/// calls) becomes unknown: it would be copied at each use, which grows with the square of the
/// file, or exponentially.
const MAX_TEMPLATE_PIECES: usize = 32;
const MAX_TEMPLATE_TEXT: usize = 1024;
/// Headers one header map collects (the map is copied at each use), and money floats one
/// `json!` body holds (the body is copied into every request that sends it).
const MAX_HEADERS: usize = 64;
const MAX_JSON_FLOATS: usize = 64;
/// `format!` inside `format!` arguments is read this deep: each level parses its arguments
/// again, which nested 256 deep is 256 parses of the innermost.
const MAX_FORMAT_DEPTH: usize = 4;
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
fn any_origin_argument(
    last: &str,
    exprs: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
) -> bool {
    last == "allow_origin"
        && exprs.iter().any(|e| {
            matches!(e, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Any"))
        })
}

/// Whether a call named `last` records every string literal of its arguments as an origin.
fn records_literals(last: &str, exprs: &syn::punctuated::Punctuated<Expr, syn::Token![,]>) -> bool {
    CORS_LIST_SETTERS.contains(&last) && !any_origin_argument(last, exprs)
}

/// `template`, or an unknown value if it is longer than any URL (see [`MAX_TEMPLATE_TEXT`]).
fn bounded(template: Template) -> Template {
    let text: usize = template
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) | Piece::Const(text) | Piece::Field(text) => text.len(),
            _ => 0,
        })
        .sum();
    if template.len() > MAX_TEMPLATE_PIECES || text > MAX_TEMPLATE_TEXT {
        vec![Piece::Unknown]
    } else {
        template
    }
}

/// Calls whose closure arguments are retried.
fn is_retry_call(name: &str, path: &str) -> bool {
    name.starts_with("retry")
        || (name == "spawn" && path.contains("Retry"))
        || path.contains("retry")
}

/// The value of an expression, as far as requests are concerned.
#[derive(Clone, Debug)]
enum Value {
    Str(Template, Option<Range<usize>>),
    Request(usize),
    Headers(Vec<Header>),
    Fresh(Range<usize>, Vec<usize>),
    Struct(String),
    Json(Vec<(Range<usize>, String)>),
    /// The result of calling a local function that may return a request builder: it becomes
    /// a request once a builder method is applied to it.
    HelperCall(Range<usize>, String, Vec<Template>),
    Nothing,
}

impl Value {
    fn template(&self) -> Option<Template> {
        match self {
            Value::Str(template, _) => Some(template.clone()),
            Value::Fresh(..) => Some(vec![Piece::Unknown]),
            _ => None,
        }
    }
}

/// The local variables in scope, innermost binding of each name first found. One map of
/// names to their bindings (rather than a map per block, searched from the innermost out),
/// so looking a name up costs the same at any block depth.
struct Locals {
    /// Each name's bindings, outermost first, with the depth of the block that made each.
    bindings: HashMap<String, Vec<(usize, Value)>>,
    /// The names each open block has bound, to unbind them when it closes.
    blocks: Vec<Vec<String>>,
}

impl Default for Locals {
    /// The function's own scope is open.
    fn default() -> Locals {
        Locals {
            bindings: HashMap::new(),
            blocks: vec![Vec::new()],
        }
    }
}

impl Locals {
    fn open(&mut self) {
        self.blocks.push(Vec::new());
    }

    fn close(&mut self) {
        for name in self.blocks.pop().unwrap_or_default() {
            if let Some(bindings) = self.bindings.get_mut(&name) {
                bindings.pop();
                if bindings.is_empty() {
                    self.bindings.remove(&name);
                }
            }
        }
    }

    /// `let name = value;` in the innermost open block (again: the new value replaces it).
    fn bind(&mut self, name: String, value: Value) {
        let depth = self.blocks.len();
        let bindings = self.bindings.entry(name.clone()).or_default();
        match bindings.last_mut() {
            Some((at, bound)) if *at == depth => *bound = value,
            _ => {
                bindings.push((depth, value));
                if let Some(block) = self.blocks.last_mut() {
                    block.push(name);
                }
            }
        }
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.bindings.get(name)?.last().map(|(_, value)| value)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.bindings
            .get_mut(name)?
            .last_mut()
            .map(|(_, value)| value)
    }
}

/// Reads one function body. `operations` are the method names of generated clients.
pub struct FunctionScanner<'a> {
    facts: &'a mut CallFacts,
    function: String,
    operations: &'a [String],
    gate: Gate,
    params: HashMap<String, usize>,
    param_types: HashMap<String, String>,
    locals: Locals,
    scopes: Vec<usize>,
    next_scope: &'a mut usize,
    /// `format!`s being read around the current expression.
    format_depth: usize,
    /// CORS list setters whose arguments are being read: their literals are the outermost
    /// setter's to record (it collects every literal of its arguments at once).
    cors_depth: usize,
}

impl<'a> FunctionScanner<'a> {
    pub fn scan(
        facts: &'a mut CallFacts,
        operations: &'a [String],
        next_scope: &'a mut usize,
        gate: Gate,
        name: &str,
        sig: &syn::Signature,
        block: &syn::Block,
    ) {
        let mut params = HashMap::new();
        let mut param_types = HashMap::new();
        let mut index = 0;
        for input in &sig.inputs {
            if let syn::FnArg::Typed(typed) = input {
                if let Pat::Ident(ident) = &*typed.pat {
                    params.insert(ident.ident.to_string(), index);
                    if let Some(type_name) = type_name(&typed.ty) {
                        param_types.insert(ident.ident.to_string(), type_name);
                    }
                }
                index += 1;
            }
        }
        let mut scanner = FunctionScanner {
            facts,
            function: name.to_string(),
            operations,
            gate,
            params,
            param_types,
            locals: Locals::default(),
            scopes: Vec::new(),
            next_scope,
            format_depth: 0,
            cors_depth: 0,
        };
        let value = scanner.block(block);
        // A helper returns the builder for its callers to finish: `-> RequestBuilder`.
        let returns_builder = match &sig.output {
            syn::ReturnType::Type(_, ty) => {
                let text = quote_type(ty);
                text.contains("Request") || text.contains("Builder")
            }
            syn::ReturnType::Default => false,
        };
        if let (Value::Request(at), true) = (value, returns_builder) {
            let request = &mut scanner.facts.requests[at];
            if !request.sends {
                request.returned_by = Some(name.to_string());
            }
        }
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        self.locals.get(name)
    }

    fn bind(&mut self, pat: &Pat, value: Value) {
        match pat {
            Pat::Ident(ident) => self.locals.bind(ident.ident.to_string(), value),
            Pat::Type(typed) => {
                let value = match (value, type_name(&typed.ty)) {
                    (Value::Nothing, Some(name)) => Value::Struct(name),
                    (value, _) => value,
                };
                self.bind(&typed.pat, value)
            }
            _ => {}
        }
    }

    fn block(&mut self, block: &syn::Block) -> Value {
        self.locals.open();
        let mut last = Value::Nothing;
        for stmt in &block.stmts {
            last = match stmt {
                Stmt::Local(local) => {
                    let value = local
                        .init
                        .as_ref()
                        .map_or(Value::Nothing, |init| self.expr(&init.expr));
                    self.bind(&local.pat, value);
                    Value::Nothing
                }
                Stmt::Expr(expr, semi) => {
                    if semi.is_some() && self.insert_in_place(expr) {
                        Value::Nothing
                    } else {
                        let value = self.expr(expr);
                        if semi.is_some() {
                            Value::Nothing
                        } else {
                            value
                        }
                    }
                }
                Stmt::Macro(mac) => {
                    self.macro_value(&mac.mac);
                    Value::Nothing
                }
                Stmt::Item(_) => Value::Nothing,
            };
        }
        self.locals.close();
        last
    }

    /// `map.insert(name, value);` on a local header map, as a statement: the header is added
    /// to the map where it is bound. (Read as an expression, the map is copied out of its
    /// binding and back for the call's value, which nobody reads here; a map filled by
    /// thousands of inserts then costs the square of their number.) False when `expr` is
    /// not such a call, which is then read as any expression.
    fn insert_in_place(&mut self, expr: &Expr) -> bool {
        let Expr::MethodCall(call) = expr else {
            return false;
        };
        let method = call.method.to_string();
        let Expr::Path(path) = &*call.receiver else {
            return false;
        };
        let Some(variable) = path.path.get_ident().map(|ident| ident.to_string()) else {
            return false;
        };
        if !matches!(method.as_str(), "insert" | "append")
            || !matches!(self.lookup(&variable), Some(Value::Headers(_)))
        {
            return false;
        }
        let args = self.arguments(&method, "", &call.args);
        self.origin_call(&method, &call.args, &args, call.method.span().byte_range());
        let header = args.first().and_then(Value::template).map(|name| Header {
            name,
            key: args.get(1).map_or(KeyOrigin::Other, key_origin),
        });
        let bound = self.locals.get_mut(&variable);
        if let (Some(Value::Headers(headers)), Some(header)) = (bound, header) {
            if headers.len() < MAX_HEADERS {
                headers.push(header);
            }
        }
        true
    }

    fn in_new_scope<T>(&mut self, inner: impl FnOnce(&mut Self) -> T) -> T {
        *self.next_scope += 1;
        self.scopes.push(*self.next_scope);
        let result = inner(self);
        self.scopes.pop();
        result
    }

    fn expr(&mut self, expr: &Expr) -> Value {
        match expr {
            Expr::Lit(lit) => match &lit.lit {
                syn::Lit::Str(s) => Value::Str(
                    bounded(vec![Piece::Text(s.value())]),
                    Some(s.span().byte_range()),
                ),
                _ => Value::Nothing,
            },
            Expr::Path(path) => self.path_value(&path.path),
            Expr::Reference(r) => self.expr(&r.expr),
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Await(a) => {
                // Awaiting a builder (surf, isahc) sends it.
                let value = self.expr(&a.base);
                if let Value::Request(at) = value {
                    self.facts.requests[at].sends = true;
                }
                value
            }
            Expr::Try(t) => self.expr(&t.expr),
            Expr::Cast(c) => self.expr(&c.expr),
            Expr::Field(field) => {
                self.expr(&field.base);
                match &field.member {
                    syn::Member::Named(name) => {
                        Value::Str(vec![Piece::Field(name.to_string())], None)
                    }
                    syn::Member::Unnamed(_) => Value::Nothing,
                }
            }
            Expr::Macro(mac) => self.macro_value(&mac.mac),
            Expr::Struct(s) => {
                for field in &s.fields {
                    let value = self.expr(&field.expr);
                    if let syn::Member::Named(name) = &field.member {
                        if crate::extract::origins::is_origin_key(&name.to_string()) {
                            self.origin(&value, field.expr.span().byte_range());
                        }
                    }
                    if let (syn::Member::Named(name), Some(template)) =
                        (&field.member, value.template())
                    {
                        let name = name.to_string();
                        // Only a field's first known value is ever read.
                        if !is_unknown(&template) && !self.facts.field_names.contains(&name) {
                            self.facts.field_names.insert(name.clone());
                            self.facts.fields.push((name, template));
                        }
                    }
                }
                s.path
                    .segments
                    .last()
                    .map_or(Value::Nothing, |seg| Value::Struct(seg.ident.to_string()))
            }
            Expr::Assign(assign) => {
                let value = self.expr(&assign.right);
                if let Expr::Path(path) = &*assign.left {
                    if let Some(ident) = path.path.get_ident() {
                        if let Some(bound) = self.locals.get_mut(&ident.to_string()) {
                            *bound = value;
                        }
                    }
                }
                Value::Nothing
            }
            Expr::Block(b) => self.block(&b.block),
            Expr::Async(a) => self.block(&a.block),
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::If(i) => {
                self.expr(&i.cond);
                let then = self.block(&i.then_branch);
                let other = i.else_branch.as_ref().map(|(_, e)| self.expr(e));
                match (then, other) {
                    (Value::Request(at), _) | (_, Some(Value::Request(at))) => Value::Request(at),
                    _ => Value::Nothing,
                }
            }
            Expr::Match(m) => {
                self.expr(&m.expr);
                for arm in &m.arms {
                    self.expr(&arm.body);
                }
                Value::Nothing
            }
            Expr::Loop(l) => self.in_new_scope(|this| this.block(&l.body)),
            Expr::While(w) => {
                self.expr(&w.cond);
                self.in_new_scope(|this| this.block(&w.body))
            }
            Expr::ForLoop(f) => {
                self.expr(&f.expr);
                self.in_new_scope(|this| this.block(&f.body))
            }
            Expr::Closure(c) => self.expr(&c.body),
            Expr::Return(r) => r.expr.as_ref().map_or(Value::Nothing, |e| self.expr(e)),
            Expr::Let(l) => {
                let value = self.expr(&l.expr);
                self.bind(&l.pat, value);
                Value::Nothing
            }
            Expr::Tuple(t) => {
                let values: Vec<Value> = t.elems.iter().map(|e| self.expr(e)).collect();
                match values.as_slice() {
                    [name, value] => match name.template() {
                        Some(name) => Value::Headers(vec![Header {
                            name,
                            key: key_origin(value),
                        }]),
                        None => Value::Nothing,
                    },
                    _ => Value::Nothing,
                }
            }
            Expr::Array(a) => {
                let mut headers = Vec::new();
                for elem in &a.elems {
                    if let Value::Headers(h) = self.expr(elem) {
                        let room = MAX_HEADERS.saturating_sub(headers.len());
                        headers.extend(h.into_iter().take(room));
                    }
                }
                if headers.is_empty() {
                    Value::Nothing
                } else {
                    Value::Headers(headers)
                }
            }
            Expr::Binary(b) => {
                let left = self.expr(&b.left);
                let right = self.expr(&b.right);
                match (left.template(), right.template(), &b.op) {
                    (Some(mut l), Some(r), syn::BinOp::Add(_)) => {
                        l.extend(r);
                        Value::Str(bounded(l), None)
                    }
                    _ => Value::Nothing,
                }
            }
            Expr::Call(call) => self.call(call),
            Expr::MethodCall(call) => self.method_call(call),
            _ => Value::Nothing,
        }
    }

    fn path_value(&mut self, path: &syn::Path) -> Value {
        let Some(last) = path.segments.last() else {
            return Value::Nothing;
        };
        if path.segments.len() == 1 {
            return self.name_value(&last.ident.to_string());
        }
        self.const_value(last.ident.to_string())
    }

    /// A plain name: a local, a parameter, or a constant.
    fn name_value(&mut self, name: &str) -> Value {
        if let Some(value) = self.lookup(name) {
            return value.clone();
        }
        if let Some(&index) = self.params.get(name) {
            return match self.param_types.get(name) {
                Some(type_name) if !matches!(type_name.as_str(), "str" | "String" | "Url") => {
                    Value::Struct(type_name.clone())
                }
                _ => Value::Str(vec![Piece::Param(index)], None),
            };
        }
        self.const_value(name.to_string())
    }

    /// `Method::POST`, `header::CONTENT_TYPE`, `GATE_BASE`: a constant, by its name.
    fn const_value(&self, name: String) -> Value {
        if name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            Value::Str(vec![Piece::Const(name)], None)
        } else {
            Value::Nothing
        }
    }

    fn new_request(&mut self, span: Range<usize>, method: Option<String>, url: Value) -> Value {
        let (url, url_literal) = match url {
            Value::Str(template, literal) => (template, literal),
            _ => (vec![Piece::Unknown], None),
        };
        self.facts.requests.push(Request {
            span,
            method,
            url,
            url_literal,
            operation: None,
            headers: Vec::new(),
            body: None,
            sends: false,
            opaque_headers: false,
            helper: None,
            returned_by: None,
            scopes: self.scopes.clone(),
            gate: self.gate,
            function: self.function.clone(),
        });
        Value::Request(self.facts.requests.len() - 1)
    }

    fn call(&mut self, call: &syn::ExprCall) -> Value {
        let Expr::Path(func) = &*call.func else {
            self.expr(&call.func);
            for arg in &call.args {
                self.expr(arg);
            }
            return Value::Nothing;
        };
        let segments: Vec<String> = path_segments(&func.path);
        let name = segments.last().cloned().unwrap_or_default();
        let full = segments.join("::");
        let span = func
            .path
            .segments
            .last()
            .map_or(0..0, |s| s.ident.span().byte_range());
        let args: Vec<Value> = self.arguments(&name, &full, &call.args);
        self.origin_call(&full, &call.args, &args, span.clone());
        let first_segment = segments.first().map(String::as_str).unwrap_or("");
        let from_client = segments.len() >= 2 && CLIENT_CRATES.contains(&first_segment)
            || segments.iter().any(|s| s == "Request");
        match name.as_str() {
            m if HTTP_METHODS.contains(&m) && from_client => {
                let url = args.into_iter().next().unwrap_or(Value::Nothing);
                return self.new_request(span, Some(m.to_ascii_uppercase()), url);
            }
            "request" if from_client && args.len() >= 2 => {
                let method = args[0].template().and_then(|t| method_of(&t));
                let url = args.into_iter().nth(1).unwrap_or(Value::Nothing);
                return self.new_request(span, method, url);
            }
            "builder" if segments.iter().any(|s| s == "Request") => {
                return self.new_request(span, Some("GET".into()), Value::Nothing);
            }
            name if FRESH_CALLS.contains(&name) => {
                return Value::Fresh(call.span().byte_range(), self.scopes.clone());
            }
            "new" if first_segment.contains("Ulid") || segments.iter().any(|s| s == "Ulid") => {
                return Value::Fresh(call.span().byte_range(), self.scopes.clone());
            }
            "new" if name == "new" && segments.iter().any(|s| s == "HeaderMap") => {
                return Value::Headers(Vec::new());
            }
            "parse" | "from_static" | "from_str" | "from" | "new" | "Some" | "Ok" => {
                if let Some(Value::Str(t, l)) = args.first() {
                    return Value::Str(t.clone(), l.clone());
                }
                return args.into_iter().next().unwrap_or(Value::Nothing);
            }
            "to_string" | "to_vec" => return args.into_iter().next().unwrap_or(Value::Nothing),
            _ => {}
        }
        self.record_call_args(&name, &args);
        // A local helper that may return a request builder: resolved across files.
        if segments.len() == 1 {
            let templates = args
                .iter()
                .map(|a| a.template().unwrap_or_else(|| vec![Piece::Unknown]))
                .collect();
            return Value::HelperCall(span, name, templates);
        }
        Value::Nothing
    }

    /// A call to a function that may return a request builder. It becomes a request only if
    /// the resolver finds such a helper; otherwise it is dropped.
    fn helper_request(&mut self, span: Range<usize>, name: String, args: Vec<Template>) -> Value {
        let value = self.new_request(span, None, Value::Nothing);
        if let Value::Request(at) = value {
            self.facts.requests[at].helper = Some((name, args));
        }
        value
    }

    /// The values of a call's arguments; a retry call's closures get a scope of their own,
    /// and a CORS list setter's arguments are read as such.
    fn arguments(
        &mut self,
        name: &str,
        path: &str,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    ) -> Vec<Value> {
        let cors = records_literals(name.rsplit("::").next().unwrap_or(name), args);
        self.cors_depth += usize::from(cors);
        let values = if is_retry_call(name, path) {
            self.in_new_scope(|this| args.iter().map(|a| this.expr(a)).collect())
        } else {
            args.iter().map(|a| self.expr(a)).collect()
        };
        self.cors_depth -= usize::from(cors);
        values
    }

    /// Records a call's string-like arguments, when one gives a parameter of `function` its
    /// first known value in this file: the resolver reads only those.
    fn record_call_args(&mut self, function: &str, args: &[Value]) {
        let known = self
            .facts
            .known_args
            .entry(function.to_string())
            .or_default();
        let mut adds = false;
        for (at, arg) in args.iter().enumerate() {
            let is_known = matches!(arg.template(), Some(t) if !is_unknown(&t));
            if is_known && !known.get(at).copied().unwrap_or(false) {
                if known.len() <= at {
                    known.resize(at + 1, false);
                }
                known[at] = true;
                adds = true;
            }
        }
        if adds {
            let templates: Vec<Template> = args
                .iter()
                .map(|a| a.template().unwrap_or_else(|| vec![Piece::Unknown]))
                .collect();
            self.facts.call_args.push(CallArgs {
                function: function.to_string(),
                args: templates,
            });
        }
    }

    fn method_call(&mut self, call: &syn::ExprMethodCall) -> Value {
        let name = call.method.to_string();
        let span = call.method.span().byte_range();
        let receiver = self.expr(&call.receiver);
        let args: Vec<Value> = self.arguments(&name, "", &call.args);
        self.origin_call(&name, &call.args, &args, span.clone());
        // `self.get(path)` is the crate's own method (a helper), never an HTTP client.
        let on_self = matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("self"));
        let starts_request = !on_self
            && ((HTTP_METHODS.contains(&name.as_str())
                && args.len() == 1
                && matches!(args[0], Value::Str(..)))
                || (name == "request" && args.len() == 2));
        match receiver {
            Value::Request(at) => {
                self.apply(at, &name, args);
                Value::Request(at)
            }
            Value::HelperCall(helper_span, helper, helper_args)
                if BUILDER_METHODS.contains(&name.as_str()) =>
            {
                let Value::Request(at) = self.helper_request(helper_span, helper, helper_args)
                else {
                    return Value::Nothing;
                };
                self.apply(at, &name, args);
                Value::Request(at)
            }
            // `self.http.post(url)`: the receiver (a field, a param) is the client.
            _ if starts_request => self.start_from_method(call, &name, span, args),
            Value::Headers(mut headers) if matches!(name.as_str(), "insert" | "append") => {
                if let Some(name) = args
                    .first()
                    .and_then(Value::template)
                    .filter(|_| headers.len() < MAX_HEADERS)
                {
                    headers.push(Header {
                        name,
                        key: args.get(1).map_or(KeyOrigin::Other, key_origin),
                    });
                }
                self.update_headers(&call.receiver, headers.clone());
                Value::Headers(headers)
            }
            Value::Str(template, literal) => match name.as_str() {
                "join" => match args.first().and_then(Value::template) {
                    Some(path) => {
                        let mut joined = template;
                        joined.push(Piece::Join);
                        joined.extend(path);
                        Value::Str(bounded(joined), None)
                    }
                    None => Value::Nothing,
                },
                "to_string" | "to_owned" | "into" | "as_str" | "clone" | "as_ref" | "unwrap"
                | "expect" | "to_lowercase" | "parse" | "as_bytes" => Value::Str(template, literal),
                _ => Value::Nothing,
            },
            Value::Fresh(span, scopes) => Value::Fresh(span, scopes),
            Value::Struct(type_name) if matches!(name.as_str(), "clone" | "to_owned" | "into") => {
                Value::Struct(type_name)
            }
            _ => self.start_from_method(call, &name, span, args),
        }
    }

    /// `client.post(url)`, `client.request(Method::POST, url)`, `client.create_session()`,
    /// `self.gate_post(path)` (a helper).
    fn start_from_method(
        &mut self,
        call: &syn::ExprMethodCall,
        name: &str,
        span: Range<usize>,
        args: Vec<Value>,
    ) -> Value {
        let on_self = matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("self"));
        if HTTP_METHODS.contains(&name) && args.len() == 1 && !on_self {
            if let Some(Value::Str(..)) = args.first() {
                let url = args.into_iter().next().unwrap_or(Value::Nothing);
                return self.new_request(span, Some(name.to_ascii_uppercase()), url);
            }
        }
        if name == "request" && args.len() == 2 && !on_self {
            let method = args[0].template().and_then(|t| method_of(&t));
            let url = args.into_iter().nth(1).unwrap_or(Value::Nothing);
            return self.new_request(span, method, url);
        }
        if call.args.is_empty() && self.operations.iter().any(|op| op == name) {
            let value = self.new_request(span, None, Value::Nothing);
            if let Value::Request(at) = value {
                self.facts.requests[at].operation = Some(name.to_string());
            }
            return value;
        }
        self.record_call_args(name, &args);
        // `self.gate_post("/gate_sessions", &key)`: maybe a helper that returns a builder.
        if matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("self")) {
            let templates = args
                .iter()
                .map(|a| a.template().unwrap_or_else(|| vec![Piece::Unknown]))
                .collect();
            return Value::HelperCall(span, name.to_string(), templates);
        }
        Value::Nothing
    }

    /// A builder method applied to request `at`.
    fn apply(&mut self, at: usize, name: &str, args: Vec<Value>) {
        let mut args = args.into_iter();
        let first = args.next().unwrap_or(Value::Nothing);
        let second = args.next().unwrap_or(Value::Nothing);
        let request = &mut self.facts.requests[at];
        match name {
            "header" | "set" | "header_str" | "append_header" | "insert_header" | "with_header" => {
                match first {
                    Value::Headers(headers) => request.headers.extend(headers),
                    other => {
                        if let Some(name) = other.template() {
                            request.headers.push(Header {
                                name,
                                key: key_origin(&second),
                            });
                        }
                    }
                }
            }
            "headers" => match first {
                Value::Headers(headers) => request.headers.extend(headers),
                _ => request.opaque_headers = true,
            },
            "idempotency_key" => request.headers.push(Header {
                name: vec![Piece::Text("idempotency-key".into())],
                key: key_origin(&first),
            }),
            "method" => request.method = first.template().and_then(|t| method_of(&t)),
            "uri" | "url" => {
                if let Value::Str(template, literal) = first {
                    request.url = template;
                    request.url_literal = literal;
                }
            }
            "json" | "body" | "send_json" | "body_json" | "send_body" | "send_string" => {
                match first {
                    Value::Struct(type_name) => request.body = Some(Body::Type(type_name)),
                    Value::Json(floats) => request.body = Some(Body::Json(floats)),
                    _ => {}
                }
                if name.starts_with("send") {
                    request.sends = true;
                }
            }
            "send" | "call" | "send_form" | "send_async" | "recv_json" | "recv_string"
            | "recv_bytes" => request.sends = true,
            _ => {}
        }
    }

    /// A value used as an origin or redirect target.
    fn origin(&mut self, value: &Value, span: Range<usize>) {
        if let Value::Str(template, literal) = value {
            let span = literal.clone().unwrap_or(span);
            self.facts.origins.push(RustOrigin {
                value: template.clone(),
                span,
                wildcard: false,
                gate: self.gate,
            });
        }
    }

    /// CORS and redirect setters: `.return_url(..)`, `.allow_origin(..)`, `AllowOrigin::list(..)`,
    /// `Cors::permissive()`. `name` is the method name or the function's full path.
    fn origin_call(
        &mut self,
        name: &str,
        exprs: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
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
            self.facts.origins.push(RustOrigin {
                value: vec![Piece::Text("*".into())],
                span,
                wildcard: true,
                gate: self.gate,
            });
            return;
        }
        if records_literals(last, exprs) {
            // Inside another setter's arguments, the outer one records these same literals.
            if self.cors_depth > 0 {
                return;
            }
            for expr in exprs {
                for (value, literal) in string_literals(expr) {
                    self.facts.origins.push(RustOrigin {
                        value: vec![Piece::Text(value)],
                        span: literal,
                        wildcard: false,
                        gate: self.gate,
                    });
                }
            }
        } else if crate::extract::origins::is_origin_key(last) && args.len() == 1 {
            let expr_span = exprs.first().map_or(span, |e| e.span().byte_range());
            self.origin(&args[0], expr_span);
        }
    }

    fn update_headers(&mut self, receiver: &Expr, headers: Vec<Header>) {
        if let Expr::Path(path) = receiver {
            if let Some(ident) = path.path.get_ident() {
                if let Some(bound) = self.locals.get_mut(&ident.to_string()) {
                    *bound = Value::Headers(headers);
                }
            }
        }
    }

    fn macro_value(&mut self, mac: &syn::Macro) -> Value {
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
                for (value, span) in json_origin_values(mac.tokens.clone()) {
                    self.facts.origins.push(RustOrigin {
                        value: vec![Piece::Text(value)],
                        span,
                        wildcard: false,
                        gate: self.gate,
                    });
                }
                let mut floats = json_money_floats(mac.tokens.clone());
                floats.truncate(MAX_JSON_FLOATS);
                Value::Json(floats)
            }
            "vec" => Value::Nothing,
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
                template.extend(value.template().unwrap_or_else(|| vec![Piece::Unknown]));
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

/// Known only at runtime, in every piece (or empty): nothing for the resolver.
fn is_unknown(template: &Template) -> bool {
    template.iter().all(|p| matches!(p, Piece::Unknown))
}

fn key_origin(value: &Value) -> KeyOrigin {
    match value {
        Value::Fresh(span, scopes) => KeyOrigin::Fresh {
            span: span.clone(),
            scopes: scopes.clone(),
        },
        _ => KeyOrigin::Other,
    }
}

/// `POST` from `Method::POST`, `"post"`, `reqwest::Method::POST`.
fn method_of(template: &Template) -> Option<String> {
    let word = match template.as_slice() {
        [Piece::Text(text)] | [Piece::Const(text)] => text.to_ascii_uppercase(),
        _ => return None,
    };
    HTTP_METHODS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(&word))
        .then_some(word)
}

/// A type's path segments joined, for looking for `Request`/`Builder` in a return type.
fn quote_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Reference(r) => quote_type(&r.elem),
        syn::Type::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| {
                let args = match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => a
                        .args
                        .iter()
                        .filter_map(|arg| match arg {
                            syn::GenericArgument::Type(t) => Some(quote_type(t)),
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    _ => String::new(),
                };
                format!("{}<{args}>", s.ident)
            })
            .collect::<Vec<_>>()
            .join("::"),
        syn::Type::ImplTrait(_) => "impl".into(),
        _ => String::new(),
    }
}

/// Calls that make a value new on every run: uuids, clocks, randomness.
const FRESH_CALLS: [&str; 7] = [
    "new_v4",
    "now_v7",
    "new_v7",
    "now",
    "random",
    "gen",
    "gen_range",
];

/// The span of a fresh-making call (`Uuid::new_v4()`, `SystemTime::now()`) among macro tokens.
fn fresh_call(tokens: &TokenStream) -> Option<Range<usize>> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    trees
        .iter()
        .enumerate()
        .find_map(|(at, tree)| match (tree, trees.get(at + 1)) {
            (TokenTree::Ident(ident), Some(TokenTree::Group(args)))
                if args.delimiter() == proc_macro2::Delimiter::Parenthesis
                    && FRESH_CALLS.contains(&ident.to_string().as_str()) =>
            {
                Some(ident.span().byte_range())
            }
            (TokenTree::Group(group), _) => fresh_call(&group.stream()),
            _ => None,
        })
}

/// Whether a `format!`/`concat!` can build a URL: its format string has a `/`, or holds only
/// placeholders (`"{}{}"`, `"{BASE}{path}"`), or it concatenates names. Other `format!`s
/// (messages, keys) are not worth parsing.
fn may_build_url(tokens: &TokenStream) -> bool {
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

/// String literals anywhere in an expression, with their spans.
fn string_literals(expr: &Expr) -> Vec<(String, Range<usize>)> {
    struct Literals(Vec<(String, Range<usize>)>);
    impl<'ast> syn::visit::Visit<'ast> for Literals {
        fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
            self.0.push((lit.value(), lit.span().byte_range()));
        }
    }
    let mut literals = Literals(Vec::new());
    syn::visit::Visit::visit_expr(&mut literals, expr);
    literals.0
}

/// `"key": literal` pairs in `json!` tokens, at any depth.
fn json_literal_pairs(tokens: TokenStream, out: &mut Vec<(String, proc_macro2::Literal)>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (at, tree) in trees.iter().enumerate() {
        match (tree, trees.get(at + 1), trees.get(at + 2)) {
            (TokenTree::Group(group), _, _) => json_literal_pairs(group.stream(), out),
            (
                TokenTree::Literal(key),
                Some(TokenTree::Punct(colon)),
                Some(TokenTree::Literal(value)),
            ) if colon.as_char() == ':' && key.to_string().starts_with('"') => {
                out.push((key.to_string().trim_matches('"').to_string(), value.clone()));
            }
            _ => {}
        }
    }
}

/// String values under origin keys in `json!` tokens: `"return_url": "https://…"`.
fn json_origin_values(tokens: TokenStream) -> Vec<(String, Range<usize>)> {
    let mut pairs = Vec::new();
    json_literal_pairs(tokens, &mut pairs);
    pairs
        .into_iter()
        .filter(|(key, _)| crate::extract::origins::is_origin_key(key))
        .filter_map(
            |(_, value)| match syn::parse_str::<syn::Lit>(&value.to_string()) {
                Ok(syn::Lit::Str(s)) => Some((s.value(), value.span().byte_range())),
                _ => None,
            },
        )
        .collect()
}

/// Float literals under money-like keys in `json!` tokens: `"amount": 12.5`.
fn json_money_floats(tokens: TokenStream) -> Vec<(Range<usize>, String)> {
    let mut pairs = Vec::new();
    json_literal_pairs(tokens, &mut pairs);
    pairs
        .into_iter()
        .filter(|(key, value)| {
            let text = value.to_string();
            let is_float = text.contains('.') && text.parse::<f64>().is_ok()
                || text.ends_with("f64")
                || text.ends_with("f32");
            is_float && is_money_name(key)
        })
        .map(|(key, value)| (value.span().byte_range(), key))
        .collect()
}

/// A `const`/`static` string item.
pub fn const_string(name: &str, expr: &Expr) -> Option<ConstString> {
    let mut facts = CallFacts::default();
    let mut next_scope = 0;
    let mut scanner = FunctionScanner {
        facts: &mut facts,
        function: String::new(),
        operations: &[],
        gate: Gate::default(),
        params: HashMap::new(),
        param_types: HashMap::new(),
        locals: Locals::default(),
        scopes: Vec::new(),
        next_scope: &mut next_scope,
        format_depth: 0,
        cors_depth: 0,
    };
    match scanner.expr(expr) {
        Value::Str(value, literal) => Some(ConstString {
            name: name.to_string(),
            value,
            literal,
        }),
        _ => None,
    }
}

/// A struct deriving `Serialize`, with its money fields of float type.
pub fn serialized_struct(item: &syn::ItemStruct) -> Option<SerializedStruct> {
    let derives_serialize = item.attrs.iter().any(|attr| {
        attr.path().is_ident("derive") && attr.meta.to_token_stream_string().contains("Serialize")
    });
    if !derives_serialize {
        return None;
    }
    let float_money_fields = item
        .fields
        .iter()
        .filter_map(|field| {
            let ident = field.ident.as_ref()?;
            let is_float = matches!(type_name(&field.ty).as_deref(), Some("f32" | "f64"));
            (is_float && is_money_name(&ident.to_string()))
                .then(|| (ident.span().byte_range(), ident.to_string()))
        })
        .collect();
    Some(SerializedStruct {
        name: item.ident.to_string(),
        float_money_fields,
    })
}

trait MetaText {
    fn to_token_stream_string(&self) -> String;
}

impl MetaText for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        match self {
            syn::Meta::List(list) => list.tokens.to_string(),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requests(source: &str) -> Vec<Request> {
        crate::extract::rust::analyze(source, &[])
            .expect("test source parses")
            .calls
            .requests
    }

    #[test]
    fn locals_follow_blocks() {
        let shadowed = r#"fn f() { let u = "https://a/1"; { let u = "https://b/2"; g(u); } client.post(u).send(); }"#;
        assert_eq!(
            requests(shadowed)[0].url,
            [Piece::Text("https://a/1".into())]
        );
        let assigned =
            r#"fn f() { let u = "https://a/1"; { u = "https://b/2"; } client.post(u).send(); }"#;
        assert_eq!(
            requests(assigned)[0].url,
            [Piece::Text("https://b/2".into())]
        );
    }

    #[test]
    fn header_maps_grow_in_place() {
        let source = r#"fn f() { let mut h = HeaderMap::new(); h.insert("idempotency-key", Uuid::new_v4()); h.insert("x-a", v); client.post("https://a/1").headers(h).send(); }"#;
        let headers = &requests(source)[0].headers;
        assert_eq!(headers.len(), 2);
        assert!(matches!(headers[0].key, KeyOrigin::Fresh { .. }));
    }

    #[test]
    fn templates_are_bounded() {
        assert_eq!(
            bounded(vec![Piece::Text("a".repeat(MAX_TEMPLATE_TEXT))]).len(),
            1
        );
        assert_eq!(
            bounded(vec![Piece::Text("a".repeat(MAX_TEMPLATE_TEXT + 1))]),
            [Piece::Unknown]
        );
        assert_eq!(
            bounded(vec![Piece::Unknown; MAX_TEMPLATE_PIECES + 1]),
            [Piece::Unknown]
        );
    }
}
