//! [`FunctionScanner`]: one function body read statement by statement, with its locals, into
//! the file's [`CallFacts`]. This part reads statements and plain expressions; calls are
//! read in `builders`, macros in `macros`, origin setters in `origin_calls`.

use foldhash::HashMap;
use std::ops::Range;

use syn::spanned::Spanned;
use syn::{Expr, Pat, Stmt};

use super::locals::{Locals, Value};
use super::{bounded, MAX_HEADERS};
use crate::extract::gate::Gate;
use crate::extract::request::{CallFacts, Header, KeyOrigin, Piece};
use crate::extract::rust::offsets::SpanBytes;
use crate::ground::syntax::type_name;

/// Reads one function body. `operations` are the method names of generated clients.
pub struct FunctionScanner<'a> {
    pub(super) facts: &'a mut CallFacts,
    pub(super) function: String,
    pub(super) operations: &'a [String],
    pub(super) gate: Gate,
    params: HashMap<String, usize>,
    param_types: HashMap<String, String>,
    pub(super) locals: Locals,
    /// Loop and retry scopes around the current expression, outermost first.
    pub(super) scopes: Vec<usize>,
    next_scope: &'a mut usize,
    /// `format!`s being read around the current expression.
    pub(super) format_depth: usize,
    /// CORS list setters whose arguments are being read: their literals are the outermost
    /// setter's to record (it collects every literal of its arguments at once).
    pub(super) cors_depth: usize,
}

impl<'a> FunctionScanner<'a> {
    /// A scanner outside any function (for a const's value): no parameters, no operations.
    pub(super) fn outside_functions(facts: &'a mut CallFacts, next_scope: &'a mut usize) -> Self {
        FunctionScanner {
            facts,
            function: String::new(),
            operations: &[],
            gate: Gate::default(),
            params: HashMap::default(),
            param_types: HashMap::default(),
            locals: Locals::default(),
            scopes: Vec::new(),
            next_scope,
            format_depth: 0,
            cors_depth: 0,
        }
    }

    pub fn scan(
        facts: &'a mut CallFacts,
        operations: &'a [String],
        next_scope: &'a mut usize,
        gate: Gate,
        name: &str,
        sig: &syn::Signature,
        block: &syn::Block,
    ) {
        let mut scanner = FunctionScanner::outside_functions(facts, next_scope);
        scanner.operations = operations;
        scanner.gate = gate;
        scanner.function = name.to_string();
        let mut index = 0;
        for input in &sig.inputs {
            if let syn::FnArg::Typed(typed) = input {
                if let Pat::Ident(ident) = &*typed.pat {
                    scanner.params.insert(ident.ident.to_string(), index);
                    if let Some(type_name) = type_name(&typed.ty) {
                        scanner
                            .param_types
                            .insert(ident.ident.to_string(), type_name);
                    }
                }
                index += 1;
            }
        }
        let Value::Request(at) = scanner.block(block) else {
            return;
        };
        // A helper returns the builder for its callers to finish: `-> RequestBuilder`.
        let returns_builder = match &sig.output {
            syn::ReturnType::Type(_, ty) => {
                let text = quote_type(ty);
                text.contains("Request") || text.contains("Builder")
            }
            syn::ReturnType::Default => false,
        };
        let request = &mut scanner.facts.requests[at];
        if returns_builder && !request.sends {
            request.returned_by = Some(name.to_string());
        }
    }

    pub(super) fn lookup(&self, name: &str) -> Option<&Value> {
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
        self.origin_call(&method, &call.args, &args, call.method.span().bytes());
        let header = args.first().and_then(Value::template).map(|name| Header {
            name,
            key: args.get(1).map_or(KeyOrigin::Other, Value::key_origin),
        });
        let bound = self.locals.get_mut(&variable);
        if let (Some(Value::Headers(headers)), Some(header)) = (bound, header) {
            if headers.len() < MAX_HEADERS {
                headers.push(header);
            }
        }
        true
    }

    /// Reads `inner` in a new loop or retry scope.
    pub(super) fn in_new_scope<T>(&mut self, inner: impl FnOnce(&mut Self) -> T) -> T {
        *self.next_scope += 1;
        self.scopes.push(*self.next_scope);
        let result = inner(self);
        self.scopes.pop();
        result
    }

    pub(super) fn expr(&mut self, expr: &Expr) -> Value {
        match expr {
            Expr::Lit(lit) => match &lit.lit {
                syn::Lit::Str(s) => Value::Str(
                    bounded(vec![Piece::Text(s.value())]),
                    Some(s.span().bytes()),
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
            Expr::Struct(s) => self.struct_literal(s),
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
                            key: value.key_origin(),
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

    /// `Config { base_url: "https://…", .. }`: each field's first known value, and origin
    /// fields as origins.
    fn struct_literal(&mut self, s: &syn::ExprStruct) -> Value {
        for field in &s.fields {
            let value = self.expr(&field.expr);
            if let syn::Member::Named(name) = &field.member {
                if let Some(role) = crate::extract::origins::origin_role(&name.to_string()) {
                    let struct_type = s.path.segments.last().map(|seg| seg.ident.to_string());
                    self.origin(&value, field.expr.span().bytes(), role, struct_type);
                }
            }
            if let (syn::Member::Named(name), Some(template)) = (&field.member, value.template()) {
                self.facts.record_field(name.to_string(), template);
            }
        }
        s.path
            .segments
            .last()
            .map_or(Value::Nothing, |seg| Value::Struct(seg.ident.to_string()))
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
    pub(super) fn name_value(&mut self, name: &str) -> Value {
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

    /// A local header map, changed by a method call: bound again with its new headers.
    pub(super) fn update_headers(&mut self, receiver: &Expr, headers: Vec<Header>) {
        if let Expr::Path(path) = receiver {
            if let Some(ident) = path.path.get_ident() {
                if let Some(bound) = self.locals.get_mut(&ident.to_string()) {
                    *bound = Value::Headers(headers);
                }
            }
        }
    }

    /// Pushes a new request started at `span` in the current scopes, with `url` as its URL.
    pub(super) fn new_request(
        &mut self,
        span: Range<usize>,
        method: Option<String>,
        url: Value,
    ) -> Value {
        let (url, url_literal) = match url {
            Value::Str(template, literal) => (template, literal),
            _ => (vec![Piece::Unknown], None),
        };
        self.facts.requests.push(crate::extract::request::Request {
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
