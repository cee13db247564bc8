//! What one function does that webhook code is judged by, as plain data: its extractors and
//! parameter types, the literals that mention webhook headers and the `key=` prefixes of its
//! literals, the calls and macros it makes (in source order), `serde_json` parses and
//! re-serializations, `==`-like comparisons with the names compared, event-type literals,
//! `Value` key paths, event-id reads and the routes it registers. The `visitor` module
//! reads them.
//!
//! These are facts, not verdicts: which headers are signature headers, which calls verify,
//! have side effects or read the clock, and which names look like a signature are decided
//! by the rules.

use std::ops::Range;

use crate::extract::rust::webhooks::routes::Registration;

/// What one function does, as far as webhooks are concerned.
#[derive(Clone, Debug, Default)]
pub struct FnFacts {
    pub name: String,
    pub name_span: Range<usize>,
    /// From the name to the end of the body: the function's scope in the file.
    pub span: Range<usize>,
    pub test: bool,
    /// The path of its route attribute when that is a webhook path:
    /// `#[post("/webhooks/0bit")]` (actix, rocket).
    pub webhook_route: Option<String>,
    /// `Json<T>` extractor: the already-parsed body and its type.
    pub parsed_extractor: Option<String>,
    /// Types of parameters (for helpers receiving an event, and request guards).
    pub param_types: Vec<String>,
    /// Its string literals that mention a signature or `X-0bit-*` header, each once.
    pub header_mentions: Vec<HeaderMention>,
    /// Keys of the `key=value` pairs its string literals start with (`"t="`, `"v1="`: how a
    /// signature header is split), each once.
    pub pair_keys: Vec<String>,
    /// Reads the event's id: the envelope's `id` (`event.id`, `payload["id"]`, not
    /// `event.data.id`), `event_id`/`eventId`, or the `X-0bit-Event-Id` header.
    pub reads_event_id: bool,
    /// Calls to functions and methods, in source order.
    pub calls: Vec<Call>,
    /// Names of the macros it invokes (`query` for `sqlx::query!`), each once.
    pub macros: Vec<String>,
    /// `serde_json::from_*` calls.
    pub parses: Vec<Parse>,
    /// `serde_json::to_vec`/`to_string` spans (a MAC over re-serialized JSON).
    pub reserializes: Vec<Range<usize>>,
    /// Comparisons that take longer the more leading bytes match (`==`, `!=`, `.eq()`,
    /// `.starts_with()`) between two computed values: not a length, a literal or `None`.
    pub comparisons: Vec<Comparison>,
    /// Event-type strings matched or compared.
    pub event_types: Vec<EventTypeString>,
    /// `event["data"]["x"]`, `.pointer("/data/x")`.
    pub value_paths: Vec<KeyPath>,
    /// Handlers it registers with `.route(..)`/`.at(..)`, whatever the path.
    pub registers: Vec<Registration>,
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
}

/// A call of a function or method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The function or method name: `new_from_slice`, `verify_signature`.
    pub name: String,
    /// A function's path as written, `::`-joined without generics:
    /// `Hmac::new_from_slice`. `None` for method calls.
    pub path: Option<String>,
    /// Position among the function's calls, from 1.
    pub order: usize,
}

impl Call {
    /// The path of a function call, `""` for a method call.
    pub fn path(&self) -> &str {
        self.path.as_deref().unwrap_or("")
    }

    /// A call into an HMAC API: the `hmac` crate (`Hmac::<Sha256>::new_from_slice`),
    /// `ring::hmac`, openssl's `PKey::hmac`.
    pub fn is_hmac(&self) -> bool {
        let path = self.path();
        self.name == "new_from_slice"
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
    /// The input is the event's `data` (`event["data"]`) rather than the whole body.
    pub of_event_data: bool,
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
}

impl FnFacts {
    /// Calls an HMAC API ([`Call::is_hmac`]).
    pub fn calls_hmac(&self) -> bool {
        self.calls.iter().any(Call::is_hmac)
    }

    /// Every function of every file is kept until the files are linked: no room to spare.
    pub(super) fn shrink_to_fit(&mut self) {
        self.param_types.shrink_to_fit();
        self.header_mentions.shrink_to_fit();
        self.pair_keys.shrink_to_fit();
        self.calls.shrink_to_fit();
        self.macros.shrink_to_fit();
        self.parses.shrink_to_fit();
        self.reserializes.shrink_to_fit();
        self.comparisons.shrink_to_fit();
        self.event_types.shrink_to_fit();
        self.value_paths.shrink_to_fit();
        self.registers.shrink_to_fit();
    }
}
