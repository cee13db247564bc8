//! What the scanner knows of an expression's value, and the local variables that hold them.

use foldhash::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::extract::request::{Header, HelperCall, JsonFloat, KeyOrigin, Piece, Template};

/// The value of an expression, as far as requests are concerned.
#[derive(Clone, Debug)]
pub(super) enum Value {
    /// A string, and the literal it is written in when it is one.
    Str(Template, Option<Range<usize>>),
    /// The request at this index of the file's requests.
    Request(usize),
    Headers(Vec<Header>),
    /// Made by one of [`FRESH_CALLS`](super::FRESH_CALLS) at this span, in these scopes.
    Fresh(Range<usize>, Vec<usize>),
    /// A value of this type.
    Struct(String),
    /// A `json!` literal's float values.
    Json(Arc<[JsonFloat]>),
    /// The result of calling a local function that may return a request builder (the span
    /// is the call's name): it becomes a request once a builder method is applied to it.
    HelperCall(Range<usize>, HelperCall),
    Nothing,
}

impl Value {
    pub(super) fn template(&self) -> Option<Template> {
        match self {
            Value::Str(template, _) => Some(template.clone()),
            Value::Fresh(..) => Some(vec![Piece::Unknown]),
            _ => None,
        }
    }

    /// The template, or a runtime value: what a call's argument resolves to.
    pub(super) fn template_or_unknown(&self) -> Template {
        self.template().unwrap_or_else(|| vec![Piece::Unknown])
    }

    /// Where this value, set as a header, comes from.
    pub(super) fn key_origin(&self) -> KeyOrigin {
        match self {
            Value::Fresh(span, scopes) => KeyOrigin::Fresh {
                span: span.clone(),
                scopes: scopes.clone(),
            },
            _ => KeyOrigin::Other,
        }
    }
}

/// The local variables in scope, innermost binding of each name first found. One map of
/// names to their bindings (rather than a map per block, searched from the innermost out),
/// so looking a name up costs the same at any block depth.
pub(super) struct Locals {
    /// Each name's bindings, outermost first, with the depth of the block that made each.
    bindings: HashMap<String, Vec<(usize, Value)>>,
    /// The names each open block has bound, to unbind them when it closes.
    blocks: Vec<Vec<String>>,
}

impl Default for Locals {
    /// The function's own scope is open.
    fn default() -> Locals {
        Locals {
            bindings: HashMap::default(),
            blocks: vec![Vec::new()],
        }
    }
}

impl Locals {
    pub(super) fn open(&mut self) {
        self.blocks.push(Vec::new());
    }

    pub(super) fn close(&mut self) {
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
    pub(super) fn bind(&mut self, name: String, value: Value) {
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

    pub(super) fn get(&self, name: &str) -> Option<&Value> {
        self.bindings.get(name)?.last().map(|(_, value)| value)
    }

    pub(super) fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.bindings
            .get_mut(name)?
            .last_mut()
            .map(|(_, value)| value)
    }
}
