//! Where a function's values come from, as far as one walk of it can tell: which locals hold
//! its input (a parameter, or something computed from one), and which hold a value of a
//! known type.
//!
//! The visitor binds parameters and `let`s as it meets them, in source order, and asks of an
//! expression where it comes from ([`Locals::source`]) and of a method's receiver what type
//! it is ([`Locals::type_of`]). Nothing here follows a value into another function: what a
//! callee returns is only known as "returned by call N" ([`Source::ReturnOf`]), for the
//! link layer to judge.

use foldhash::HashMap;

use syn::{Expr, Pat};

use crate::extract::rust::webhooks::functions::Source;

/// Methods whose result is the receiver seen another way: accessors of requests and headers,
/// conversions of bytes and strings, splitting, and `Option`/`Result` plumbing.
const PRESERVING_METHODS: [&str; 49] = [
    "headers",
    "into_parts",
    "extract",
    "get",
    "get_one",
    "get_all",
    "body",
    "into_body",
    "body_mut",
    "bytes",
    "to_bytes",
    "collect",
    "text",
    "into_string",
    "to_str",
    "to_string",
    "to_owned",
    "to_vec",
    "as_ref",
    "as_bytes",
    "as_str",
    "as_slice",
    "as_deref",
    "as_object",
    "as_array",
    "clone",
    "into",
    "into_inner",
    "into_bytes",
    "freeze",
    "unwrap",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "expect",
    "ok",
    "ok_or",
    "ok_or_else",
    "map_err",
    "and_then",
    "map",
    "take",
    "trim",
    "split",
    "split_once",
    "strip_prefix",
    "lines",
    "iter",
    "into_iter",
];

/// `Result` and `Option` methods that pass a call's value on.
const PLUMBING: [&str; 7] = [
    "unwrap",
    "expect",
    "map_err",
    "ok_or",
    "ok_or_else",
    "context",
    "with_context",
];

/// Functions whose result is their first argument seen another way: UTF-8 and byte
/// conversions, body collectors, extractors run by hand, and `serde_json`'s parses.
const PRESERVING_FUNCTIONS: [&str; 11] = [
    "from_utf8",
    "from_utf8_lossy",
    "to_bytes",
    "from",
    "from_request",
    "from_request_parts",
    "from_slice",
    "from_str",
    "from_value",
    "from_reader",
    "Some",
];

/// Parameter wrappers that hold the application's state, not the request: axum `State` and
/// `Extension`, actix `web::Data<T>`, rocket `&State<T>`.
const STATE_WRAPPERS: [&str; 3] = ["State", "Extension", "Data"];

/// Types that a value is used through unchanged: `Arc<Verifier>` is called like a
/// `Verifier`.
const TRANSPARENT_WRAPPERS: [&str; 6] = ["Arc", "Rc", "Box", "State", "Extension", "Data"];

/// What the walk knows of a function's locals so far.
#[derive(Default)]
pub(super) struct Locals {
    /// Locals that hold the function's input; the rest are [`Source::Other`].
    sources: HashMap<String, Source>,
    /// Locals of a known type.
    types: HashMap<String, String>,
    /// The order of each call and method call met, by the address of its expression.
    call_orders: HashMap<usize, usize>,
}

fn address<T>(node: &T) -> usize {
    node as *const T as usize
}

/// `Parameter` seen through a conversion is `FromParameter`; the rest stay as they are.
fn derived(source: Source) -> Source {
    match source {
        Source::Parameter => Source::FromParameter,
        other => other,
    }
}

impl Locals {
    /// Binds a parameter: its names hold the input unless it is application state, and have
    /// its type.
    pub fn parameter(&mut self, pat: &Pat, ty: &syn::Type) {
        let state = is_state(ty);
        let source = if state {
            Source::Other
        } else {
            Source::Parameter
        };
        // `Json(event): Json<GateEvent>`: the pattern takes the wrapper apart.
        let ty_name = match pat {
            Pat::TupleStruct(_) => type_argument(ty).and_then(binding_type),
            _ => binding_type(ty),
        };
        self.bind(pat, source, ty_name.as_deref());
    }

    /// Binds the names of `let pat = init`, after `init` has been walked.
    pub fn local(&mut self, pat: &Pat, init: Option<&Expr>) {
        let source = init.map_or(Source::Other, |e| self.source(e));
        let written = match pat {
            Pat::Type(typed) => binding_type(&typed.ty),
            _ => None,
        };
        let made = init.and_then(|e| self.type_of(e));
        self.bind(pat, source, written.or(made).as_deref());
    }

    /// Records the order of a call expression, for [`Source::ReturnOf`].
    pub fn called<T>(&mut self, call: &T, order: usize) {
        self.call_orders.insert(address(call), order);
    }

    /// The order of the call whose result `expr` is, through `?`, `.await` and
    /// `Result` plumbing: `verify_event(&h, &body).map_err(Error::from)?`.
    pub fn call_order(&self, expr: &Expr) -> Option<usize> {
        match expr {
            Expr::Try(t) => self.call_order(&t.expr),
            Expr::Await(a) => self.call_order(&a.base),
            Expr::Paren(p) => self.call_order(&p.expr),
            Expr::MethodCall(m) if PLUMBING.contains(&m.method.to_string().as_str()) => {
                self.call_order(&m.receiver)
            }
            Expr::MethodCall(m) => self.call_orders.get(&address(m)).copied(),
            Expr::Call(c) => self.call_orders.get(&address(c)).copied(),
            _ => None,
        }
    }

    fn bind(&mut self, pat: &Pat, source: Source, ty: Option<&str>) {
        match pat {
            Pat::Ident(ident) => {
                let name = ident.ident.to_string();
                match ty {
                    Some(ty) => self.types.insert(name.clone(), ty.to_string()),
                    None => self.types.remove(&name),
                };
                if source == Source::Other {
                    self.sources.remove(&name);
                } else {
                    self.sources.insert(name, source);
                }
            }
            Pat::Type(typed) => self.bind(&typed.pat, source, ty),
            Pat::Reference(r) => self.bind(&r.pat, source, ty),
            // `Json(event)`, `Ok(event)`, `Some(x)`: the inner value, of the inner type.
            Pat::TupleStruct(t) => {
                for elem in &t.elems {
                    self.bind(elem, derived(source), ty);
                }
            }
            Pat::Tuple(t) => {
                for elem in &t.elems {
                    self.bind(elem, derived(source), None);
                }
            }
            Pat::Struct(s) => {
                for field in &s.fields {
                    self.bind(&field.pat, derived(source), None);
                }
            }
            _ => {}
        }
    }

    /// Where the value of `expr` comes from.
    pub fn source(&self, expr: &Expr) -> Source {
        match expr {
            Expr::Path(p) => p
                .path
                .get_ident()
                .and_then(|ident| self.sources.get(&ident.to_string()).copied())
                .unwrap_or(Source::Other),
            Expr::Reference(r) => self.source(&r.expr),
            Expr::Paren(p) => self.source(&p.expr),
            Expr::Group(g) => self.source(&g.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.source(&u.expr),
            Expr::Try(t) => derived(self.source(&t.expr)),
            Expr::Await(a) => derived(self.source(&a.base)),
            Expr::Cast(c) => derived(self.source(&c.expr)),
            Expr::Field(f) => derived(self.source(&f.base)),
            Expr::Index(i) => derived(self.source(&i.expr)),
            Expr::MethodCall(m) => {
                let receiver = self.source(&m.receiver);
                if PRESERVING_METHODS.contains(&m.method.to_string().as_str()) {
                    return derived(receiver);
                }
                let given_input = receiver != Source::Other
                    || m.args.iter().any(|a| self.source(a) != Source::Other);
                self.returned(address(m), given_input)
            }
            Expr::Call(c) => {
                let Expr::Path(func) = &*c.func else {
                    return Source::Other;
                };
                let name = func
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                if PRESERVING_FUNCTIONS.contains(&name.as_str()) {
                    return c
                        .args
                        .first()
                        .map_or(Source::Other, |a| derived(self.source(a)));
                }
                let given_input = c.args.iter().any(|a| self.source(a) != Source::Other);
                self.returned(address(c), given_input)
            }
            _ => Source::Other,
        }
    }

    /// What a call given the function's input returns.
    fn returned(&self, call: usize, given_input: bool) -> Source {
        match self.call_orders.get(&call) {
            Some(&order) if given_input => Source::ReturnOf(order),
            _ => Source::Other,
        }
    }

    /// The type of a receiver or initializer, when known: `self` (as `Self`), a local or
    /// parameter of a known type, `Type::f(..)` (taken to make a `Type`), `Type { .. }`.
    pub fn type_of(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Path(p) => {
                let ident = p.path.get_ident()?.to_string();
                if ident == "self" {
                    return Some("Self".into());
                }
                self.types.get(&ident).cloned()
            }
            Expr::Reference(r) => self.type_of(&r.expr),
            Expr::Paren(p) => self.type_of(&p.expr),
            Expr::Try(t) => self.type_of(&t.expr),
            Expr::Await(a) => self.type_of(&a.base),
            Expr::Call(c) => match &*c.func {
                Expr::Path(func) => path_type(&func.path),
                _ => None,
            },
            Expr::Struct(s) => s.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
    }
}

/// The type a path call is on: `Verifier` in `Verifier::new`, `Self` in `Self::check`;
/// `None` for a free function (`verify::check`, `check`). Types are told from modules by
/// their capital letter.
pub(super) fn path_type(path: &syn::Path) -> Option<String> {
    let count = path.segments.len();
    let owner = path.segments.iter().nth(count.checked_sub(2)?)?;
    let name = owner.ident.to_string();
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(name)
}

/// Whether a parameter's type holds application state rather than part of the request.
/// rocket's `Data<'r>` is the request body: only a `Data` with a type argument is state.
fn is_state(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = peel(ty) else {
        return false;
    };
    let Some(last) = p.path.segments.last() else {
        return false;
    };
    let name = last.ident.to_string();
    let has_type_argument = matches!(&last.arguments, syn::PathArguments::AngleBracketed(args)
        if args.args.iter().any(|a| matches!(a, syn::GenericArgument::Type(_))));
    STATE_WRAPPERS.contains(&name.as_str()) && (name != "Data" || has_type_argument)
}

fn peel(ty: &syn::Type) -> &syn::Type {
    match ty {
        syn::Type::Reference(r) => peel(&r.elem),
        syn::Type::Paren(p) => peel(&p.elem),
        other => other,
    }
}

/// The first type argument of a path type: `GateEvent` of `Json<GateEvent>`.
fn type_argument(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(p) = peel(ty) else {
        return None;
    };
    match &p.path.segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// The type a binding of `ty` is called as: through references and
/// [`TRANSPARENT_WRAPPERS`], `&Arc<Verifier>` → `Verifier`.
fn binding_type(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = peel(ty) else {
        return None;
    };
    let last = p.path.segments.last()?;
    let name = last.ident.to_string();
    if TRANSPARENT_WRAPPERS.contains(&name.as_str()) {
        if let Some(inner) = type_argument(ty) {
            return binding_type(inner);
        }
    }
    Some(name)
}
