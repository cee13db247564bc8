//! HTTP request facts as plain data, shared by the Rust reader (`extract::rust::calls`) and
//! the JavaScript one (`extract::js`): where a request starts, its method, its URL as a
//! template, the headers set on it and where their values come from, and its body. Beside
//! them, what resolves URL pieces across files (string consts, struct field values, call
//! arguments), serialized structs and origin uses. The readers fill these, `link::requests`
//! joins them across files, and the rules judge them; nothing here says what is wrong.

use foldhash::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use thin_vec::ThinVec;

use crate::extract::gate::Gate;
use crate::extract::rust::webhooks::functions::Name;

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

/// A string as the pieces it is built from.
pub type Template = Vec<Piece>;

/// Known only at runtime in every piece (or empty): nothing a resolver can use.
pub fn is_runtime_only(template: &Template) -> bool {
    template.iter().all(|p| matches!(p, Piece::Unknown))
}

/// Where a header's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// Made by a uuid, clock or random call (`Uuid::new_v4()`, `SystemTime::now()`) at
    /// `span`, inside these loop/retry scopes (outermost first).
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
    /// A `json!` literal: every float literal written under a key in it, in source order.
    /// Shared, so a body copied into each request that sends it costs nothing however long
    /// the literal is.
    Json(Arc<[JsonFloat]>),
}

/// `"amount": 12.5` in a `json!` literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonFloat {
    pub key: String,
    /// The float literal.
    pub span: Range<usize>,
}

/// A header set on a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub name: Template,
    /// Where the header's value comes from.
    pub key: KeyOrigin,
}

/// A call to a local function that may return a request builder, with its arguments: the
/// request is that helper's, finished by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperCall {
    pub name: String,
    pub args: Vec<Template>,
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
    /// Started by calling a local helper that returns a builder.
    pub helper: Option<HelperCall>,
    /// This request is the value a helper function returns.
    pub returned_by: Option<String>,
    /// Loop and retry scopes around the request, outermost first.
    pub scopes: Vec<usize>,
    pub gate: Gate,
    /// The function the request is built in.
    pub function: String,
}

impl Request {
    /// The path of its URL, runtime pieces as `{…}`, without scheme and host.
    pub fn url_path(&self) -> String {
        let url: String = self
            .url
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.as_str(),
                _ => "{…}",
            })
            .collect();
        match url.split_once("://") {
            Some((_, rest)) => rest
                .find('/')
                .map_or(String::new(), |at| rest[at..].to_string()),
            None => url,
        }
    }
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
    pub function: Name,
    pub args: Vec<Template>,
}

/// A call of a local function or method with a path literal among its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallSite {
    /// The function called: `send` for `self.send("/customers", &body)`.
    pub function: String,
    pub args: Vec<Template>,
    pub span: Range<usize>,
    pub gate: Gate,
    /// Loop and retry scopes around the call, outermost first.
    pub scopes: Vec<usize>,
}

impl CallSite {
    /// Whether some argument starts with a path literal (`"/customers"`).
    pub fn passes_path(args: &[Template]) -> bool {
        args.iter()
            .any(|arg| matches!(arg.first(), Some(Piece::Text(text)) if text.starts_with('/')))
    }
}

/// `field: value` in a struct literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldValue {
    pub field: Name,
    pub value: Template,
}

/// A struct that derives `Serialize`, with its `f32`/`f64` fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerializedStruct {
    pub name: Name,
    /// Empty for most: kept for every serialized struct of a workspace.
    pub float_fields: ThinVec<FloatField>,
}

/// A named field of a float type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FloatField {
    pub name: String,
    /// The field's name.
    pub span: Range<usize>,
}

/// An origin use in Rust; consts are resolved within the file by the rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustOrigin {
    pub value: Template,
    pub span: Range<usize>,
    pub wildcard: bool,
    pub gate: Gate,
    pub role: crate::extract::origins::OriginRole,
    /// The struct whose field it is (`CreateSession { return_url: … }`).
    pub struct_type: Option<String>,
}

/// Everything the request readers take from one file.
#[derive(Clone, Debug, Default)]
pub struct CallFacts {
    pub requests: ThinVec<Request>,
    pub consts: ThinVec<ConstString>,
    /// `field: value` in struct literals: the first value of each field that is known at
    /// all (the one `requests` resolves a field to).
    pub fields: ThinVec<FieldValue>,
    /// Calls with string-like arguments: for each function, only the calls that give some
    /// argument position its first known value (the ones `requests` resolves parameters to).
    pub call_args: ThinVec<CallArgs>,
    pub structs: ThinVec<SerializedStruct>,
    /// Origins and redirect targets: return URLs, CORS origins, wildcards.
    pub origins: ThinVec<RustOrigin>,
    /// Calls of local functions with a path literal among their arguments
    /// (`self.send("/customers", &body)`): each may be a request through a helper that sends.
    pub call_sites: ThinVec<CallSite>,
    /// What only recording needs; dropped by [`CallFacts::finish`] (boxed, so a kept file's
    /// facts do not carry its empty maps).
    recording: Option<Box<Recording>>,
}

/// What [`CallFacts`] needs only while its file is read.
#[derive(Clone, Debug, Default)]
struct Recording {
    /// Fields in `fields` already.
    field_names: HashSet<String>,
    /// The argument positions `call_args` gives a known value, per function.
    known_args: HashMap<String, Vec<bool>>,
}

impl CallFacts {
    /// Whether a finding may point into this file: at a request, an origin, a float field
    /// of a serialized struct, or a URL const.
    pub fn may_be_reported(&self) -> bool {
        !self.requests.is_empty()
            || !self.origins.is_empty()
            || !self.call_sites.is_empty()
            || self.structs.iter().any(|s| !s.float_fields.is_empty())
            || self.consts.iter().any(|c| {
                c.value
                    .iter()
                    .any(|p| matches!(p, Piece::Text(t) if t.contains("0bit.app")))
            })
    }

    /// Drops what only recording needed and the spare capacity of what stays: a file's facts
    /// are kept until the end of the run.
    pub fn finish(&mut self) {
        self.recording = None;
        self.requests.shrink_to_fit();
        self.consts.shrink_to_fit();
        self.fields.shrink_to_fit();
        self.call_args.shrink_to_fit();
        self.structs.shrink_to_fit();
        self.origins.shrink_to_fit();
        self.call_sites.shrink_to_fit();
    }

    /// Records `field: value`, unless the value is unknown or the field has one already:
    /// only a field's first known value is ever read.
    pub fn record_field(&mut self, field: String, mut value: Template) {
        let field_names = &mut self.recording.get_or_insert_default().field_names;
        if !is_runtime_only(&value) && !field_names.contains(&field) {
            value.shrink_to_fit();
            self.fields.push(FieldValue {
                field: Name::from(field.as_str()),
                value,
            });
            field_names.insert(field);
        }
    }

    /// Records a call's arguments when one gives a parameter of `function` its first known
    /// value in this file: the resolver reads only those.
    pub fn record_call_args(&mut self, function: &str, mut args: Vec<Template>) {
        let recording = self.recording.get_or_insert_default();
        let known = recording
            .known_args
            .entry(function.to_string())
            .or_default();
        let mut adds = false;
        for (at, arg) in args.iter().enumerate() {
            if !is_runtime_only(arg) && !known.get(at).copied().unwrap_or(false) {
                if known.len() <= at {
                    known.resize(at + 1, false);
                }
                known[at] = true;
                adds = true;
            }
        }
        if adds {
            for arg in &mut args {
                arg.shrink_to_fit();
            }
            args.shrink_to_fit();
            self.call_args.push(CallArgs {
                function: Name::from(function),
                args,
            });
        }
    }
}
