//! 0Bit webhook code, read from Rust as plain facts, in the same syn walk as everything else.
//!
//! Per function ([`functions`], read by `visitor`): what it does that webhook code is judged
//! by. Per file: the webhook routes that register handlers ([`routes`]), the request guards
//! that read headers for a handler, and the serde types an event may be read into
//! ([`serde_types`]).
//!
//! Which functions are handlers, and what they reach through calls, is joined across files
//! in `link::webhooks`; what the facts mean is decided by the webhook rules.

mod flow;
pub mod functions;
mod interned;
mod literals;
mod names;
pub mod routes;
pub mod serde_types;
#[cfg(test)]
mod tests;
mod visitor;

pub use functions::{
    Call, Comparison, EventTypeString, FnFacts, HeaderMention, KeyPath, Parse, Source,
};
pub use routes::{Filter, NestedRouter, Registration, WebhookRoute};
pub use serde_types::{DeField, DeStruct, TaggedEnum, TaggedVariant};

use crate::extract::rust::handlers::HandlerFacts;
use crate::extract::rust::offsets::SpanBytes;
use crate::ground::syntax::{last_segment, type_name};
use thin_vec::ThinVec;

#[derive(Clone, Debug, Default)]
pub struct WebhookFacts {
    pub functions: ThinVec<FnFacts>,
    /// Handlers registered on a route whose path contains `webhook`.
    pub routes: ThinVec<WebhookRoute>,
    /// Router functions nested under a webhook path: `.nest("/webhooks", routes())`.
    pub nested_routers: ThinVec<NestedRouter>,
    /// Request-guard types (`impl FromRequest for DeliveryHeaders`) that mention headers.
    pub request_guards: ThinVec<RequestGuard>,
    pub structs: ThinVec<DeStruct>,
    pub enums: ThinVec<TaggedEnum>,
}

/// A type that a `FromRequest`/`FromRequestParts`/`FromData` impl makes a request guard: a
/// handler taking it as a parameter reads what the guard's methods read.
#[derive(Clone, Debug)]
pub struct RequestGuard {
    /// The self type of the impl.
    pub type_name: String,
    /// What the impl's methods mention of headers ([`FnFacts::header_mentions`]), each once.
    pub header_mentions: Vec<HeaderMention>,
}

/// Parameter types of web handlers.
const WEB_PARAM_TYPES: [&str; 14] = [
    "Bytes",
    "HeaderMap",
    "HttpRequest",
    "Request",
    "Json",
    "State",
    "Data",
    "Extension",
    "TypedHeader",
    "Path",
    "Query",
    "Form",
    "Payload",
    "Body",
];

impl WebhookFacts {
    /// Whether a webhook finding may point into this file.
    pub fn may_be_reported(&self) -> bool {
        !self.routes.is_empty()
            || !self.enums.is_empty()
            || !self.structs.is_empty()
            || self.functions.iter().any(|f| {
                let rare = f.rare();
                rare.webhook_route.is_some()
                    || f.param_types()
                        .any(|t| WEB_PARAM_TYPES.contains(&t.as_str()))
                    || !rare.header_mentions.is_empty()
                    || f.calls_hmac()
                    || rare.parsed_extractor.is_some()
                    || !rare.event_types.is_empty()
                    || !rare.value_paths.is_empty()
            })
    }
}

impl WebhookFacts {
    /// Drops spare capacity: a file's facts are kept until the end of the run (each
    /// function's were shrunk as it was read).
    pub fn shrink_to_fit(&mut self) {
        self.functions.shrink_to_fit();
        self.routes.shrink_to_fit();
        self.nested_routers.shrink_to_fit();
        self.request_guards.shrink_to_fit();
        self.structs.shrink_to_fit();
        self.enums.shrink_to_fit();
    }
}

/// Reads a function, and its routes and state writes into `handlers` in the same walk;
/// `test` when it is test code.
pub fn function_facts(
    facts: &mut WebhookFacts,
    handlers: &mut HandlerFacts,
    name: &syn::Ident,
    attrs: &[syn::Attribute],
    sig: &syn::Signature,
    block: &syn::Block,
    test: bool,
) {
    let body = crate::extract::rust::handlers::function(handlers, name, attrs, test);
    let (function, routes) = visitor::read_function(name, attrs, sig, block, test, body);
    facts.routes.extend(routes.routes);
    facts.nested_routers.extend(routes.nested);
    facts.functions.push(function);
}

/// Reads an impl block whose methods were read since `functions_before`: gives its methods
/// their self type (and `Self` in their calls), and records a `FromRequest`/
/// `FromRequestParts`/`FromData` impl whose methods mention headers as a request guard.
pub fn impl_facts(
    facts: &mut WebhookFacts,
    implementation: &syn::ItemImpl,
    functions_before: usize,
) {
    if let Some(self_type) = type_name(&implementation.self_ty) {
        let methods: Vec<std::ops::Range<usize>> = implementation
            .items
            .iter()
            .filter_map(|item| match item {
                syn::ImplItem::Fn(method) => Some(method.sig.ident.span().bytes()),
                _ => None,
            })
            .collect();
        for function in facts
            .functions
            .get_mut(functions_before..)
            .into_iter()
            .flatten()
        {
            // Functions nested in a method's body are not the impl's.
            if methods.contains(&function.name_span()) {
                function.in_impl(&self_type);
            }
        }
    }
    guard(facts, implementation, functions_before);
}

/// Records a request guard: see [`impl_facts`].
fn guard(facts: &mut WebhookFacts, implementation: &syn::ItemImpl, functions_before: usize) {
    let Some((_, trait_path, _)) = &implementation.trait_ else {
        return;
    };
    let trait_name = last_segment(trait_path);
    if !matches!(
        trait_name.as_str(),
        "FromRequest" | "FromRequestParts" | "FromData"
    ) {
        return;
    }
    let mut header_mentions: Vec<HeaderMention> = Vec::new();
    for header in facts
        .functions
        .get(functions_before..)
        .into_iter()
        .flatten()
        .flat_map(|f| &f.rare().header_mentions)
    {
        if !header_mentions.iter().any(|h| h.literal == header.literal) {
            header_mentions.push(header.clone());
        }
    }
    if header_mentions.is_empty() {
        return;
    }
    if let Some(self_type) = type_name(&implementation.self_ty) {
        facts.request_guards.push(RequestGuard {
            type_name: self_type,
            header_mentions,
        });
    }
}

/// A `Deserialize` struct or `#[serde(tag = "type")]` enum.
pub fn type_facts(facts: &mut WebhookFacts, item: &syn::Item) {
    match serde_types::serde_type(item) {
        Some(serde_types::SerdeType::Struct(de)) => facts.structs.push(de),
        Some(serde_types::SerdeType::Tagged(tagged)) => facts.enums.push(tagged),
        None => {}
    }
}
