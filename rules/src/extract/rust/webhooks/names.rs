//! What the names in an expression say: the identifiers an operand is made of, whether it
//! mentions an event type or an event root, and `event["data"]["x"]`-style key paths.
//!
//! Expressions nest (comparisons in comparisons, field chains, matches), and each level
//! asks about the levels inside it; [`NameCollector`] remembers what it read of each
//! sub-expression, so a chain is read once rather than once per level.

use foldhash::HashMap;
use std::ops::Range;

use syn::visit::{self, Visit};
use syn::{Expr, Lit};

use crate::extract::rust::offsets::SpanBytes;

/// Names that make a variable the root of an event: `event`, `payload`, `envelope`, …
const EVENT_ROOT_WORDS: [&str; 6] = [
    "event",
    "evt",
    "payload",
    "envelope",
    "webhook",
    "notification",
];

/// Distinct identifiers kept of one operand. An operand is a few names long; keeping every
/// name of every level of a deeply nested expression would cost the square of it.
pub(super) const MAX_OPERAND_NAMES: usize = 16;

/// What the identifiers and field names of an expression say, for reading event types and
/// event ids.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Names {
    /// One mentions a type, a kind or an event (`event.type_`, `kind`).
    pub typed: bool,
    /// One names an event root (`event`, `payload`, `envelope`, …).
    pub event_root: bool,
    /// Whether the last one is `data` or `object`; `None` when there is none.
    pub last_is_data: Option<bool>,
}

impl Names {
    fn add(&mut self, ident: &str) {
        self.typed |= ident.contains("type") || ident.contains("kind") || ident.contains("event");
        self.event_root |= is_event_root(ident);
        self.last_is_data = Some(ident == "data" || ident == "object");
    }

    /// Adds what comes after: the names of a later part of the expression.
    fn then(&mut self, later: &Names) {
        self.typed |= later.typed;
        self.event_root |= later.event_root;
        self.last_is_data = later.last_is_data.or(self.last_is_data);
    }
}

/// The first [`MAX_OPERAND_NAMES`] distinct identifiers of an expression, in source order,
/// as indexes into an [`Interner`].
#[derive(Clone, Debug, Default)]
pub(super) struct Idents(Vec<u32>);

impl Idents {
    fn push(&mut self, id: u32) {
        if self.0.len() < MAX_OPERAND_NAMES && !self.0.contains(&id) {
            self.0.push(id);
        }
    }

    fn then(&mut self, later: &Idents) {
        for &id in &later.0 {
            self.push(id);
        }
    }
}

/// The identifiers of a function's operands, each stored once.
#[derive(Default)]
pub(super) struct Interner {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, name: String) -> u32 {
        if let Some(&id) = self.index.get(&name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer identifiers than u32::MAX");
        self.names.push(name.clone());
        self.index.insert(name, id);
        id
    }

    pub fn names(&self, idents: &Idents) -> Vec<String> {
        idents
            .0
            .iter()
            .map(|&id| self.names[id as usize].clone())
            .collect()
    }
}

/// What an expression's names say, read in source order, reusing what is known of each
/// sub-expression and remembering the rest: [`Names`], or the [`Idents`] of an operand.
pub(super) struct NameCollector<'m, T: Summary> {
    pub memo: &'m mut HashMap<usize, T>,
    pub context: &'m mut T::Context,
    pub current: T,
}

/// What [`NameCollector`] reads of each identifier, and how the parts of an expression add up.
pub(super) trait Summary: Clone + Default {
    /// What reading an identifier needs besides the summary.
    type Context;
    fn add(&mut self, ident: String, context: &mut Self::Context);
    fn then(&mut self, later: &Self);
}

impl Summary for Names {
    type Context = ();
    fn add(&mut self, ident: String, _: &mut ()) {
        Names::add(self, &ident);
    }
    fn then(&mut self, later: &Self) {
        Names::then(self, later);
    }
}

impl Summary for Idents {
    type Context = Interner;
    fn add(&mut self, ident: String, interner: &mut Interner) {
        self.push(interner.id(ident));
    }
    fn then(&mut self, later: &Self) {
        Idents::then(self, later);
    }
}

impl<'ast, T: Summary> Visit<'ast> for NameCollector<'_, T> {
    fn visit_ident(&mut self, ident: &'ast proc_macro2::Ident) {
        self.current.add(ident.to_string(), self.context);
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

pub(super) fn is_event_root(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    EVENT_ROOT_WORDS.iter().any(|w| lower.contains(w))
}

/// The root variable of a key path and its keys, each with its span:
/// `event["data"]["x"]` → `event`, `data`, `x`, if all keys are string literals.
pub(super) type KeyPath = (String, Vec<(String, Range<usize>)>);

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
pub(super) fn get_path(call: &syn::ExprMethodCall) -> Option<KeyPath> {
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
    keys.push((s.value(), s.span().bytes()));
    Some((root, keys))
}

/// `event["data"]["x"]`
pub(super) fn indexed_path(index: &syn::ExprIndex) -> Option<KeyPath> {
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
    keys.push((s.value(), s.span().bytes()));
    Some((root, keys))
}

/// `event["data"]`, `&event["data"]`, `event["data"].clone()`: the event's data object.
pub(super) fn is_data_access(expr: &Expr) -> bool {
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
