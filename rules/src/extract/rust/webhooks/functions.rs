//! What one function does that webhook code is judged by, as plain data: its impl type,
//! extractors and parameter types, the literals that mention webhook headers, the `key=`
//! prefixes and SQL keywords of its literals, the calls it makes (in source order, with the
//! type each is on when known), `serde_json` parses and re-serializations, `==`-like
//! comparisons with the names compared, event-type literals, `Value` key paths (each with
//! where the value read comes from), event-id reads and the routes it registers. The
//! `visitor` module reads them.
//!
//! These are facts, not verdicts: which headers are signature headers, which calls verify,
//! have side effects or read the clock, and which names look like a signature are decided
//! by the rules.

use std::ops::Range;
use thin_vec::ThinVec;

pub use crate::extract::rust::webhooks::interned::Name;
use crate::extract::rust::webhooks::interned::{Callee, CalleeNumber};
use crate::extract::rust::webhooks::routes::Registration;

/// What one function does, as far as webhooks are concerned. Every function of a workspace
/// is kept until the files are linked, so what most functions have is here and the rest,
/// which few have, in [`FnRare`], allocated only when some of it is there.
#[derive(Clone, Debug, Default)]
pub struct FnFacts {
    pub name: Name,
    /// Where the name starts and ends, and where the body ends: see
    /// [`FnFacts::name_span`] and [`FnFacts::span`] (32 bits each: files are far below
    /// 4 GiB, and every function of a workspace is kept).
    start: u32,
    name_end: u32,
    end: u32,
    pub test: bool,
    /// Reads the event's id: the envelope's `id` (`event.id`, `payload["id"]`, not
    /// `event.data.id`), `event_id`/`eventId`, or the `X-0bit-Event-Id` header.
    pub reads_event_id: bool,
    /// The leading keyword of each string literal that starts like an SQL statement; sqlx
    /// query macros included. A set of 8 bits, in what would be padding: SQL is in many
    /// functions of a service that talks to its database.
    pub sql_keywords: SqlKeywords,
    /// The self type of the `impl` it is a method or associated function of:
    /// `Verifier` for `impl Verifier { fn check(..) }` and `impl Verify for Verifier`.
    pub impl_type: Option<Name>,
    /// The types of its first two typed parameters (for helpers receiving an event, and
    /// request guards); the others' are in [`FnRare`]. Read through
    /// [`FnFacts::param_types`]. Inline: most functions have one or two, and a list of its
    /// own would be an allocation for each.
    first_param_types: [Option<Name>; 2],
    /// Calls to functions and methods, in source order.
    pub calls: ThinVec<Call>,
    rare: Option<Box<FnRare>>,
}

/// The SQL statement keywords a function's literals start with (upper case), as a set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SqlKeywords(u8);

/// Every keyword a [`SqlKeywords`] can hold, in the order it lists them.
pub const SQL_KEYWORDS: [&str; 8] = [
    "INSERT", "REPLACE", "UPDATE", "DELETE", "MERGE", "UPSERT", "SELECT", "WITH",
];

impl SqlKeywords {
    /// Adds `keyword`, one of [`SQL_KEYWORDS`] (others are not kept).
    pub fn insert(&mut self, keyword: &str) {
        if let Some(at) = SQL_KEYWORDS.iter().position(|k| *k == keyword) {
            self.0 |= 1 << at;
        }
    }

    pub fn iter(self) -> impl Iterator<Item = &'static str> {
        (0..SQL_KEYWORDS.len())
            .filter(move |at| self.0 & (1 << at) != 0)
            .map(|at| SQL_KEYWORDS[at])
    }
}

/// What few functions have: see [`FnFacts::rare`].
#[derive(Clone, Debug, Default)]
pub struct FnRare {
    /// The path of its route attribute when that is a webhook path:
    /// `#[post("/webhooks/0bit")]` (actix, rocket).
    pub webhook_route: Option<String>,
    /// `Json<T>` extractor: the already-parsed body and its type.
    pub parsed_extractor: Option<String>,
    /// Its string literals that mention a signature or `X-0bit-*` header, each once.
    pub header_mentions: ThinVec<HeaderMention>,
    /// Keys of the `key=value` pairs its string literals start with (`"t="`, `"v1="`: how a
    /// signature header is split), each once.
    pub pair_keys: ThinVec<String>,
    /// For a function named `transform`, the types it builds with a struct literal
    /// (`VerifyEndpoint { inner: ep }`), each once: what a poem middleware's `transform`
    /// wraps the endpoint in. Not kept for other functions: nothing asks, and a struct
    /// literal is in a quarter of all functions.
    pub constructs: ThinVec<Name>,
    /// `serde_json::from_*` calls.
    pub parses: ThinVec<Parse>,
    /// `serde_json::to_vec`/`to_string` spans (a MAC over re-serialized JSON).
    pub reserializes: ThinVec<Range<usize>>,
    /// Comparisons that take longer the more leading bytes match (`==`, `!=`, `.eq()`,
    /// `.starts_with()`) between two computed values: not a length, a literal or `None`.
    pub comparisons: ThinVec<Comparison>,
    /// Event-type strings matched or compared.
    pub event_types: ThinVec<EventTypeString>,
    /// `event["data"]["x"]`, `.pointer("/data/x")`.
    pub value_paths: ThinVec<KeyPath>,
    /// Handlers it registers with `.route(..)`/`.at(..)`, whatever the path.
    pub registers: ThinVec<Registration>,
    /// The types of the typed parameters after the first two.
    pub more_param_types: ThinVec<Name>,
    /// The type written on the `let` a call initializes, by the call's order:
    /// `let event: GateEvent = verify_event(&headers, &body)?;`. Few calls have one, so it is
    /// kept here rather than in every [`Call`].
    pub result_types: ThinVec<(usize, Name)>,
}

/// The rare facts of a function that has none.
static NO_RARE_FACTS: FnRare = FnRare {
    webhook_route: None,
    parsed_extractor: None,
    header_mentions: ThinVec::new(),
    pair_keys: ThinVec::new(),
    constructs: ThinVec::new(),
    parses: ThinVec::new(),
    reserializes: ThinVec::new(),
    comparisons: ThinVec::new(),
    event_types: ThinVec::new(),
    value_paths: ThinVec::new(),
    registers: ThinVec::new(),
    more_param_types: ThinVec::new(),
    result_types: ThinVec::new(),
};

impl FnRare {
    fn is_empty(&self) -> bool {
        self.webhook_route.is_none()
            && self.parsed_extractor.is_none()
            && self.header_mentions.is_empty()
            && self.pair_keys.is_empty()
            && self.constructs.is_empty()
            && self.parses.is_empty()
            && self.reserializes.is_empty()
            && self.comparisons.is_empty()
            && self.event_types.is_empty()
            && self.value_paths.is_empty()
            && self.registers.is_empty()
            && self.more_param_types.is_empty()
            && self.result_types.is_empty()
    }

    fn shrink_to_fit(&mut self) {
        self.header_mentions.shrink_to_fit();
        self.pair_keys.shrink_to_fit();
        self.constructs.shrink_to_fit();
        self.parses.shrink_to_fit();
        self.reserializes.shrink_to_fit();
        self.comparisons.shrink_to_fit();
        self.event_types.shrink_to_fit();
        self.value_paths.shrink_to_fit();
        self.registers.shrink_to_fit();
        self.more_param_types.shrink_to_fit();
        self.result_types.shrink_to_fit();
    }
}

/// A string literal that mentions a signature or `X-0bit-*` header (its lower case contains
/// `signature` or starts with `x-0bit-`): mostly the header name itself, `"Gate-Signature"`,
/// `"X-0bit-Event-Id"`; sometimes text around one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderMention {
    /// The literal's value, as written.
    pub literal: String,
    pub span: Range<usize>,
}

/// The keys of a read into a JSON `Value`: `["data", "amount"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPath {
    pub keys: Vec<String>,
    /// The last key's span.
    pub span: Range<usize>,
    /// Where the value read from comes from.
    pub source: Source,
}

/// A call of a function or method: what it calls (a [`Callee`], kept by number: a large
/// workspace has a million calls and a few thousand callees) and where.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Call {
    callee: CalleeNumber,
    /// Where the function or method name starts in the file (files are far below 4 GiB).
    at: u32,
}

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("name", &self.name())
            .field("path", &self.written_path())
            .field("on_type", &self.on_type())
            .field("at", &self.at)
            .finish()
    }
}

impl Call {
    /// A call of `name`; `path` and `on_type` are as [`Call::written_path`] and
    /// [`Call::on_type`] say.
    pub(super) fn new(name: Name, path: Option<Name>, on_type: Option<Name>, at: usize) -> Call {
        Call {
            callee: Callee {
                name,
                path,
                on_type,
            }
            .number(),
            at: u32::try_from(at).unwrap_or(u32::MAX),
        }
    }

    /// The function or method name: `new_from_slice`, `verify_signature`.
    pub fn name(&self) -> Name {
        self.callee.callee().name
    }

    /// A function's path as written, `::`-joined without generics:
    /// `Hmac::new_from_slice`. `None` for method calls.
    pub fn written_path(&self) -> Option<Name> {
        self.callee.callee().path
    }

    /// The type the call is on, when the walk knows it: `Verifier` for `Verifier::new(..)`;
    /// for `verifier.check(..)` when `verifier` is a parameter of type `Verifier` (through
    /// references, `Arc`, `State`, …) or a local declared so or made by `Verifier::…(..)` or
    /// `Verifier { .. }`; the impl's type for `self.check(..)` and `Self::check(..)`. `None`
    /// for a free function (`check(..)`, `verify::check(..)`) and for a method on a receiver
    /// of unknown type.
    pub fn on_type(&self) -> Option<Name> {
        self.callee.callee().on_type
    }

    /// Where the function or method name starts in the file.
    pub fn at(&self) -> usize {
        self.at as usize
    }

    /// The path of a function call, `""` for a method call.
    pub fn path(&self) -> &'static str {
        self.written_path().map_or("", |path| path.as_str())
    }

    /// A call into an HMAC API: the `hmac` crate (`Hmac::<Sha256>::new_from_slice`),
    /// `ring::hmac`, openssl's `PKey::hmac`.
    pub fn is_hmac(&self) -> bool {
        let path = self.path();
        self.name() == "new_from_slice"
            || path.contains("Hmac")
            || path.contains("hmac::")
            || path.contains("PKey::hmac")
    }
}

/// A `serde_json::from_*` call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parse {
    /// The span of the function name.
    pub span: Range<usize>,
    /// The order of the call among the function's [`Call`]s.
    pub order: usize,
    /// The type parsed into, when written (turbofish or `let x: T`).
    pub target_type: Option<String>,
    /// What was parsed: the first argument's [`Source`].
    pub source: Source,
    /// The input is the event's `data` (`event["data"]`) rather than the whole body.
    pub of_event_data: bool,
}

/// Where a value comes from, as far as the function's own walk can tell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Source {
    /// One of the function's parameters, as it is: `&body`. Parameters that hold the
    /// application's state (`State(..)`, `Extension(..)`, actix `web::Data<T>`, rocket
    /// `&State<T>`) do not count: for a handler, the rest is what the framework read from
    /// the request.
    Parameter,
    /// Computed from a parameter through accessors, conversions and parses:
    /// `std::str::from_utf8(&body)?`, `req.headers().get(..)`, `event["data"]`, the event a
    /// `serde_json::from_slice(&body)` returned.
    FromParameter,
    /// Returned by the function's call of this order (or computed from what it returned),
    /// which was given the function's input: `verify_event(&headers, &body)?`,
    /// `db.fetch_event(&event.id)`.
    ReturnOf(usize),
    /// Anything else: a database row, a file, an HTTP response, a constant, application
    /// state.
    #[default]
    Other,
}

/// A comparison, with the identifiers each side is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The operator or method name.
    pub span: Range<usize>,
    /// The first distinct identifiers of the left side (the receiver of `.eq()`), in
    /// source order, field and method names included.
    pub left: Vec<String>,
    pub right: Vec<String>,
}

impl Comparison {
    /// The identifiers of both sides.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.left.iter().chain(&self.right).map(String::as_str)
    }
}

/// A string an event type is compared with or matched against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventTypeString {
    pub value: String,
    pub span: Range<usize>,
    /// Where the value compared or matched comes from.
    pub source: Source,
}

impl FnFacts {
    /// Calls an HMAC API ([`Call::is_hmac`]).
    pub fn calls_hmac(&self) -> bool {
        self.calls.iter().any(Call::is_hmac)
    }

    /// Makes it a method of `self_type`: its calls on `Self` are calls on that type.
    pub(super) fn in_impl(&mut self, self_type: &str) {
        let self_type = Name::from(self_type);
        self.impl_type = Some(self_type);
        for call in &mut self.calls {
            let callee = call.callee.callee();
            if callee.on_type.is_some_and(|t| t == "Self") {
                let on_type = Some(self_type);
                call.callee = Callee { on_type, ..callee }.number();
            }
        }
    }

    /// The calls with their order: a call's order is its position among the function's
    /// calls, from 1 (it is not stored: a call is kept for every call in a large workspace).
    pub fn ordered_calls(&self) -> impl Iterator<Item = (usize, &Call)> {
        (1..).zip(&self.calls)
    }

    /// The types of its typed parameters, in order.
    pub fn param_types(&self) -> impl Iterator<Item = Name> + '_ {
        let first = self.first_param_types.into_iter().flatten();
        first.chain(self.rare().more_param_types.iter().copied())
    }

    /// Adds the type of its next typed parameter (before its rare facts are boxed).
    pub(super) fn add_param_type(&mut self, rare: &mut FnRare, name: Name) {
        match self
            .first_param_types
            .iter_mut()
            .find(|slot| slot.is_none())
        {
            Some(slot) => *slot = Some(name),
            None => rare.more_param_types.push(name),
        }
    }

    /// The type written on the `let` that the call of this order initializes.
    pub fn result_type(&self, order: usize) -> Option<&str> {
        self.rare()
            .result_types
            .iter()
            .find(|(at, _)| *at == order)
            .map(|(_, name)| name.as_str())
    }

    /// The name's span, `fn` keyword left out.
    pub fn name_span(&self) -> Range<usize> {
        self.start as usize..self.name_end as usize
    }

    /// From the name to the end of the body: the function's scope in the file.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// A function named `name` at `name_span`, whose body ends at `body_end`, with no facts
    /// read yet.
    pub(super) fn new(name: Name, name_span: Range<usize>, body_end: usize, test: bool) -> Self {
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        FnFacts {
            name,
            start: offset(name_span.start),
            name_end: offset(name_span.end),
            end: offset(body_end),
            test,
            ..FnFacts::default()
        }
    }

    /// What few functions have (the same empty facts for those that have none of it).
    pub fn rare(&self) -> &FnRare {
        self.rare.as_deref().unwrap_or(&NO_RARE_FACTS)
    }

    /// Takes the rare facts read, keeping them only when there are some, and drops spare
    /// capacity: every function of every file is kept until the files are linked.
    pub(super) fn finish(&mut self, mut rare: FnRare) {
        self.calls.shrink_to_fit();
        if !rare.is_empty() {
            rare.shrink_to_fit();
            self.rare = Some(Box::new(rare));
        }
    }
}
