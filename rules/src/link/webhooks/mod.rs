//! 0Bit webhook handlers, joined across the files of a package: which functions are
//! handlers, and what each one reaches through calls.
//!
//! A handler is a function, outside test code, that is registered on a webhook route (a
//! route attribute, a route in its package, or a route of a router nested under a webhook
//! path), or that mentions a 0Bit webhook header ([`is_webhook_header`]) without being a
//! request guard's method or called by another function of its package. What a handler
//! does with the event, and whether that is right, is for the rules to judge.

mod graph;
mod provider;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::extract::file::FileAnalysis;
use crate::extract::rust::webhooks::{
    Call, DeStruct, Filter, FnFacts, NestedRouter, RequestGuard, Source, TaggedEnum,
};
use crate::project::contract::{names_signature_header, Contract};
use crate::project::model::ProjectModel;

pub use graph::{PackageGraph, Reaching, REACH};

/// A fact and the file it was read from.
pub struct InFile<'a, T> {
    pub file: &'a FileAnalysis,
    pub item: &'a T,
}

impl<T> Clone for InFile<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for InFile<'_, T> {}

/// A handler and what it reaches through calls in its package.
pub struct Handler<'a> {
    pub file: &'a FileAnalysis,
    pub function: &'a FnFacts,
    /// The handler, what the framework runs before it (the `from_request`/`from_data` of
    /// its parameters' types, the functions its warp route's filters call), and every
    /// function those reach, up to [`REACH`] calls deep, with their files, in the order they
    /// are first met.
    pub reach: Vec<InFile<'a, FnFacts>>,
    /// The request guards among its parameters (a rocket `DeliveryHeaders` guard): what they
    /// read, they read for the handler.
    pub guards: Vec<&'a RequestGuard>,
    /// Header names the filters of its route read for it (warp
    /// `.and(warp::header("gate-signature"))`).
    pub filter_headers: Vec<&'a str>,
    /// The route path it is registered on, when known.
    pub route: Option<String>,
    /// Its package's call graph, in [`WebhookModel`]'s.
    package: usize,
}

impl Handler<'_> {
    /// `handle_webhook` (on `/webhooks/0bit`), for messages.
    pub fn describe(&self) -> String {
        match &self.route {
            Some(route) => format!("`{}` (on `{route}`)", self.function.name),
            None => format!("`{}`", self.function.name),
        }
    }

    /// Whether the handler verifies a 0Bit signature: it, what it reaches or a request guard
    /// among its parameters reads the signature header, and something in its reach checks a
    /// signature ([`checks_signature`]).
    pub fn verifies_signature(&self) -> bool {
        self.mentions_header(names_signature_header) && self.any(checks_signature)
    }

    /// Whether `test` holds of the handler or of a function it reaches.
    pub fn any(&self, test: impl Fn(&FnFacts) -> bool) -> bool {
        self.reach.iter().any(|f| test(f.item))
    }

    /// Whether `function` is the handler or a function it reaches.
    pub fn reaches(&self, function: &FnFacts) -> bool {
        self.reach.iter().any(|f| std::ptr::eq(f.item, function))
    }

    /// Whether the handler, a function it reaches, or one of its request guards has a
    /// [header mention](crate::extract::rust::webhooks::HeaderMention) for which `test`
    /// holds.
    pub fn mentions_header(&self, test: impl Fn(&str) -> bool) -> bool {
        let in_code = self
            .reach
            .iter()
            .flat_map(|f| &f.item.rare().header_mentions);
        let in_guards = self.guards.iter().flat_map(|g| &g.header_mentions);
        in_code
            .chain(in_guards)
            .map(|h| h.literal.as_str())
            .chain(self.filter_headers.iter().copied())
            .any(test)
    }
}

/// Everything webhook rules read, per project.
#[derive(Default)]
pub struct WebhookModel<'a> {
    /// The 0Bit handlers (see [`WebhookModel::keep_0bit_handlers`]).
    pub handlers: Vec<Handler<'a>>,
    /// Handlers of other providers, and handlers with no evidence of whose they are.
    pub other_handlers: Vec<Handler<'a>>,
    /// The files, whose functions [`WebhookModel::functions`] lists.
    files: &'a [FileAnalysis],
    /// `Deserialize` structs by name (the first of each name).
    pub structs: BTreeMap<&'a str, InFile<'a, DeStruct>>,
    pub enums: Vec<InFile<'a, TaggedEnum>>,
    /// The call graphs of the packages that have handlers: the questions asked of calls
    /// are about what handlers reach.
    graphs: Vec<graph::PackageGraph<'a>>,
}

impl<'a> WebhookModel<'a> {
    /// Every function of every package, with its file (helpers included), in file order.
    /// Read from the files rather than kept in a list: a large workspace has hundreds of
    /// thousands.
    pub fn functions(&self) -> impl Iterator<Item = InFile<'a, FnFacts>> + 'a {
        self.files.iter().flat_map(|file| {
            file.webhooks
                .functions
                .iter()
                .map(move |item| InFile { file, item })
        })
    }

    /// Functions that handle 0Bit events, outside test code: reached from a handler, or
    /// matching a documented 0Bit event type.
    pub fn event_code(&self, contract: &Contract) -> Vec<InFile<'a, FnFacts>> {
        let mut found: Vec<InFile<'a, FnFacts>> = Vec::new();
        let reached = self.handlers.iter().flat_map(|h| h.reach.iter().copied());
        let matching = self.functions().filter(|f| {
            f.item
                .rare()
                .event_types
                .iter()
                .any(|e| contract.event(&e.value).is_some())
        });
        for function in reached.chain(matching) {
            if !function.item.test && !found.iter().any(|f| std::ptr::eq(f.item, function.item)) {
                found.push(function);
            }
        }
        found
    }

    /// The functions for which `test` holds of them or of a function within [`REACH`] calls
    /// of them in their package, among the packages that have handlers.
    pub fn within_reach(&self, test: impl Fn(&FnFacts) -> bool) -> Reaching {
        graph::within_reach(&self.graphs, test)
    }

    /// The functions of the handler's package that `call` (one of the handler's) resolves
    /// to.
    pub fn callees(&self, handler: &Handler<'a>, call: &Call) -> &[InFile<'a, FnFacts>] {
        self.graphs[handler.package].resolve(call)
    }
}

/// Header mentions that make the function with them a handler: 0Gate's `Gate-Signature`,
/// 0Pools' `*-Signature`, and the `X-0bit-*` delivery headers.
pub fn is_webhook_header(literal: &str) -> bool {
    names_signature_header(literal) || literal.to_ascii_lowercase().starts_with("x-0bit-")
}

/// Calls that check a signature, by name: `verify_signature`, `Webhook::construct_event`.
const VERIFY_CALL_WORDS: [&str; 2] = ["verify", "construct_event"];

/// Whether a function checks a signature: it computes an HMAC or calls a verify function.
/// (Whether that verifies a 0Bit delivery also needs the signature header read: see
/// [`Handler::verifies_signature`].)
pub fn checks_signature(function: &FnFacts) -> bool {
    function.calls_hmac() || function.calls.iter().any(is_verify_call)
}

/// A call of a function named like a verifier.
pub fn is_verify_call(call: &Call) -> bool {
    let lower = call.name().to_ascii_lowercase();
    VERIFY_CALL_WORDS.iter().any(|word| lower.contains(word))
}

/// Whether a value `function` reads from `source` is (part of) the webhook event (spec §2):
/// the function's input (for a handler, what the framework read from the request; for a
/// helper, what it was given), or what a verify or `construct_event` call given that input
/// returned. Database rows, files, HTTP responses and other JSON are not.
pub fn is_event_source(function: &FnFacts, source: Source) -> bool {
    match source {
        Source::Parameter | Source::FromParameter => true,
        Source::ReturnOf(order) => function
            .calls
            .get(order.wrapping_sub(1))
            .is_some_and(is_verify_call),
        Source::Other => false,
    }
}

/// Request guards and extractors read headers for the framework; they are not handlers.
const EXTRACTOR_METHODS: [&str; 3] = ["from_request", "from_request_parts", "from_data"];

/// What a middleware type runs for a request: poem's `Middleware::transform` and the `call`
/// of the endpoint it wraps the handler in, an `Endpoint::call` or salvo `Handler::handle`
/// of its own.
fn middleware_methods<'a>(
    graph: &graph::PackageGraph<'a>,
    owner: &str,
) -> Vec<InFile<'a, FnFacts>> {
    let own = ["transform", "call", "handle"]
        .iter()
        .flat_map(|name| graph.methods(owner, name).iter().copied());
    let mut methods: Vec<InFile<'a, FnFacts>> = own.collect();
    let wrapped: Vec<&str> = methods
        .iter()
        .filter(|m| m.item.name == "transform")
        .flat_map(|m| m.item.rare().constructs.iter().map(|c| c.as_str()))
        .collect();
    for endpoint in wrapped {
        methods.extend(graph.methods(endpoint, "call").iter().copied());
    }
    methods
}

/// What the files of one package say about routes, gathered before handlers are found.
#[derive(Default)]
struct PackageRoutes<'a> {
    functions: Vec<InFile<'a, FnFacts>>,
    /// Handlers on webhook routes.
    routed: BTreeSet<&'a str>,
    nests: Vec<&'a NestedRouter>,
}

pub fn build<'a>(model: &ProjectModel, files: &'a [FileAnalysis]) -> WebhookModel<'a> {
    let mut out = WebhookModel {
        files,
        ..WebhookModel::default()
    };
    let package_of = |file: &FileAnalysis| {
        model
            .package_of(&file.path)
            .map_or("", |p| p.dir.as_str())
            .to_string()
    };
    let mut packages: BTreeMap<String, PackageRoutes<'a>> = BTreeMap::new();
    // The first path each handler name is routed on, across packages.
    let mut route_paths: BTreeMap<&'a str, String> = BTreeMap::new();
    // The filters of each handler name's routes.
    let mut route_filters: BTreeMap<&'a str, Vec<&'a Filter>> = BTreeMap::new();
    let mut guards: BTreeMap<&'a str, Vec<&'a RequestGuard>> = BTreeMap::new();
    for guard in files.iter().flat_map(|f| &f.webhooks.request_guards) {
        guards
            .entry(guard.type_name.as_str())
            .or_default()
            .push(guard);
    }
    for file in files
        .iter()
        .filter(|f| !f.webhooks.functions.is_empty() || !f.webhooks.structs.is_empty())
    {
        let package = packages.entry(package_of(file)).or_default();
        for function in &file.webhooks.functions {
            let function = InFile {
                file,
                item: function,
            };
            package.functions.push(function);
        }
        package.nests.extend(&file.webhooks.nested_routers);
        for route in &file.webhooks.routes {
            if let Some(path) = &route.path {
                route_paths
                    .entry(route.handler.as_str())
                    .or_insert_with(|| path.clone());
            }
            package.routed.insert(route.handler.as_str());
            route_filters
                .entry(route.handler.as_str())
                .or_default()
                .extend(&route.filters);
        }
        for de in &file.webhooks.structs {
            out.structs
                .entry(de.name.as_str())
                .or_insert(InFile { file, item: de });
        }
        for e in &file.webhooks.enums {
            out.enums.push(InFile { file, item: e });
        }
    }
    for package in packages.into_values() {
        // Handlers registered by router functions nested under a webhook path.
        let mut routed = package.routed;
        for nest in &package.nests {
            let routers = package
                .functions
                .iter()
                .filter(|f| f.item.name == nest.router);
            for router in routers {
                for registration in &router.item.rare().registers {
                    routed.insert(registration.handler.as_str());
                    route_paths
                        .entry(registration.handler.as_str())
                        .or_insert_with(|| format!("{}{}", nest.prefix, registration.path));
                }
            }
        }
        // The call graph is the costly part: a package with no function that could be a
        // handler (routed, or naming a webhook header) needs none.
        let may_have_handlers = package.functions.iter().any(|f| {
            !f.item.test
                && (f.item.rare().webhook_route.is_some()
                    || routed.contains(f.item.name.as_str())
                    || f.item
                        .rare()
                        .header_mentions
                        .iter()
                        .any(|h| is_webhook_header(&h.literal)))
        });
        if !may_have_handlers {
            continue;
        }
        let graph = graph::PackageGraph::new(&package.functions);
        let handlers_before = out.handlers.len();
        let called: BTreeSet<&str> = package
            .functions
            .iter()
            .flat_map(|f| f.item.calls.iter().map(|c| c.name().as_str()))
            .collect();
        for InFile {
            file,
            item: function,
        } in package.functions.iter().copied()
        {
            if function.test {
                continue;
            }
            let is_routed =
                function.rare().webhook_route.is_some() || routed.contains(function.name.as_str());
            let is_extractor = EXTRACTOR_METHODS.contains(&function.name.as_str());
            // A header named in a route's filter is read for that route's handler.
            let in_filter = |span: &std::ops::Range<usize>| {
                file.webhooks
                    .routes
                    .iter()
                    .flat_map(|r| &r.filters)
                    .any(|f| matches!(f, Filter::Header { span: at, .. } if at == span))
            };
            let mentions_header = function
                .rare()
                .header_mentions
                .iter()
                .any(|h| is_webhook_header(&h.literal) && !in_filter(&h.span));
            // A function that mentions the headers is a handler unless another function calls it.
            let header_reader =
                mentions_header && !is_extractor && !called.contains(function.name.as_str());
            if !(is_routed || header_reader) {
                continue;
            }
            let filters = route_filters.get(function.name.as_str());
            let filters = filters.map_or(&[][..], Vec::as_slice);
            let mut roots = vec![InFile {
                file,
                item: function,
            }];
            // What the framework runs before the handler: its parameters' extractors, and
            // the functions its route's filters call.
            for ty in function.param_types() {
                for method in EXTRACTOR_METHODS {
                    roots.extend(graph.methods(ty.as_str(), method));
                }
            }
            for filter in filters {
                match filter {
                    Filter::Function(name) => roots.extend(graph.free_functions(name)),
                    Filter::Middleware(owner) => roots.extend(middleware_methods(&graph, owner)),
                    Filter::Header { .. } => {}
                }
            }
            out.handlers.push(Handler {
                file,
                function,
                reach: graph.reach(&roots),
                filter_headers: filters
                    .iter()
                    .filter_map(|f| match f {
                        Filter::Header { literal, .. } => Some(literal.as_str()),
                        Filter::Function(_) | Filter::Middleware(_) => None,
                    })
                    .collect(),
                guards: function
                    .param_types()
                    .flat_map(|t| guards.get(t.as_str()).into_iter().flatten().copied())
                    .collect(),
                route: function
                    .rare()
                    .webhook_route
                    .clone()
                    .or_else(|| route_paths.get(function.name.as_str()).cloned()),
                package: out.graphs.len(),
            });
        }
        if out.handlers.len() > handlers_before {
            out.graphs.push(graph);
        }
    }
    out
}
