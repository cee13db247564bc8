//! HTTP requests in Rust, read from function bodies as plain facts (see `extract::request`):
//! where a request starts, its method, its URL as a template, the headers set on it, where
//! each header's value comes from and the body. URL pieces that live elsewhere in the crate
//! (consts, struct fields, parameters, helpers) stay symbolic here; `link::requests` resolves
//! them across files.
//!
//! Recognized: reqwest (async and blocking), awc, surf and isahc method calls
//! (`client.post(url)`, `.request(Method::POST, url)`), ureq and surf free functions
//! (`ureq::post(url)`), hyper/http `Request::builder().method(..).uri(..)` and
//! `Request::post(url)`, and progenitor-style generated clients
//! (`client.create_session().idempotency_key(k).body(b).send()`).
//!
//! The reader is one [`FunctionScanner`] per function body, cut by what it reads:
//! `scanner` (statements, locals and plain expressions), `builders` (calls that start a
//! request and the builder methods applied to it), `macros` (`format!`, `concat!`, `json!`),
//! `origin_calls` (CORS and redirect setters), `literals` (token-level helpers), `locals`
//! (the values it tracks) and `items` (consts and serialized structs).

mod builders;
mod items;
mod literals;
mod locals;
mod macros;
mod origin_calls;
mod scanner;
#[cfg(test)]
mod tests;

/// What the scanner fills, one per file (defined with the other request facts).
pub use crate::extract::request::CallFacts;
pub use items::{const_string, serialized_struct};
pub use scanner::FunctionScanner;

use crate::extract::request::{Piece, Template};

/// The client API this reader knows: HTTP method names of builders and free functions.
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

/// Calls that make a value new on every run: uuids, clocks, randomness. Their values are
/// recorded as [`KeyOrigin::Fresh`](crate::extract::request::KeyOrigin) with the scopes they
/// are made in; the rules judge where that matters. The list stays here, not in a rule,
/// because it also shapes the other facts: a `format!` holding such a call is a runtime
/// value rather than a URL template, and `now()` is no helper call to resolve.
const FRESH_CALLS: [&str; 7] = [
    "new_v4",
    "now_v7",
    "new_v7",
    "now",
    "random",
    "gen",
    "gen_range",
];

/// Calls whose closure arguments are retried: their arguments are read in a scope of their
/// own, as loop bodies are. (Which calls open a scope is decided here, while reading: a
/// scope for every call's arguments would make every value carry its whole call nesting.)
fn is_retry_call(name: &str, path: &str) -> bool {
    name.starts_with("retry")
        || (name == "spawn" && path.contains("Retry"))
        || path.contains("retry")
}

/// A URL, header name or origin is short, and these bound what a template may hold. A longer
/// one (a chain of `let b = a + a;` doubling a URL, a 500 KB literal passed to thousands of
/// calls) becomes unknown: it would be copied at each use, which grows with the square of the
/// file, or exponentially.
const MAX_TEMPLATE_PIECES: usize = 32;
const MAX_TEMPLATE_TEXT: usize = 1024;
/// Headers one header map collects (the map is copied at each use).
const MAX_HEADERS: usize = 64;
/// `format!` inside `format!` arguments is read this deep: each level parses its arguments
/// again, which nested 256 deep is 256 parses of the innermost.
const MAX_FORMAT_DEPTH: usize = 4;

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
