//! 0Bit webhook handlers, joined across the files of a package: which functions are
//! handlers, and what each one reaches through calls.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::extract::file::FileAnalysis;
use crate::extract::rust::webhooks::{DeStruct, FnFacts, TaggedEnum};
use crate::project::contract::Contract;
use crate::project::model::ProjectModel;

/// A handler and what it reaches through calls in its package.
pub struct Handler<'a> {
    pub file: &'a FileAnalysis,
    pub function: &'a FnFacts,
    /// The handler and every function it reaches, up to three calls deep, with their files.
    pub reach: Vec<(&'a FileAnalysis, &'a FnFacts)>,
    pub verified: bool,
    /// Source order, in the handler, of the first call that verifies.
    pub verified_at: Option<usize>,
    /// The route path it is registered on, when known.
    pub route: Option<String>,
}

impl Handler<'_> {
    /// `handle_webhook` (on `/webhooks/0bit`), for messages.
    pub fn describe(&self) -> String {
        match &self.route {
            Some(route) => format!("`{}` (on `{route}`)", self.function.name),
            None => format!("`{}`", self.function.name),
        }
    }
}

impl Handler<'_> {
    pub fn any(&self, test: impl Fn(&FnFacts) -> bool) -> bool {
        self.reach.iter().any(|(_, f)| test(f))
    }
}

/// Everything webhook rules read, per project.
#[derive(Default)]
pub struct WebhookModel<'a> {
    pub handlers: Vec<Handler<'a>>,
    /// Every function of every package, with its file (helpers included).
    pub functions: Vec<(&'a FileAnalysis, &'a FnFacts)>,
    pub structs: BTreeMap<&'a str, (&'a FileAnalysis, &'a DeStruct)>,
    pub enums: Vec<(&'a FileAnalysis, &'a TaggedEnum)>,
}

impl<'a> WebhookModel<'a> {
    /// Functions that handle 0Bit events, outside test code: reached from a handler, or
    /// matching a documented 0Bit event type.
    pub fn event_code(&self, contract: &Contract) -> Vec<(&'a FileAnalysis, &'a FnFacts)> {
        let mut found: Vec<(&FileAnalysis, &FnFacts)> = Vec::new();
        let reached = self.handlers.iter().flat_map(|h| h.reach.iter().copied());
        let matching = self.functions.iter().copied().filter(|(_, f)| {
            f.event_types
                .iter()
                .any(|(value, _)| contract.event(value).is_some())
        });
        for (file, function) in reached.chain(matching) {
            if !function.test && !found.iter().any(|(_, f)| std::ptr::eq(*f, function)) {
                found.push((file, function));
            }
        }
        found
    }
}

fn verifies(function: &FnFacts) -> bool {
    let verify_call = function.calls.iter().any(|(name, _)| {
        let lower = name.to_ascii_lowercase();
        lower.contains("verify") || lower.contains("construct_event")
    });
    function.uses_hmac || verify_call
}

pub fn build<'a>(model: &ProjectModel, files: &'a [FileAnalysis]) -> WebhookModel<'a> {
    let mut out = WebhookModel::default();
    let package_of = |file: &FileAnalysis| {
        model
            .package_of(&file.path)
            .map_or("", |p| p.dir.as_str())
            .to_string()
    };
    let mut by_package: BTreeMap<String, Vec<(&'a FileAnalysis, &'a FnFacts)>> = BTreeMap::new();
    let mut routed: BTreeMap<String, BTreeSet<&'a str>> = BTreeMap::new();
    let mut nests: BTreeMap<String, Vec<(&'a str, &'a str)>> = BTreeMap::new();
    let mut route_paths: BTreeMap<&'a str, String> = BTreeMap::new();
    let guards: BTreeSet<&str> = files
        .iter()
        .flat_map(|f| f.webhooks.signature_guards.iter().map(String::as_str))
        .collect();
    for file in files
        .iter()
        .filter(|f| !f.webhooks.functions.is_empty() || !f.webhooks.structs.is_empty())
    {
        let package = package_of(file);
        for function in &file.webhooks.functions {
            by_package
                .entry(package.clone())
                .or_default()
                .push((file, function));
            out.functions.push((file, function));
        }
        nests.entry(package.clone()).or_default().extend(
            file.webhooks
                .nested_under_webhook
                .iter()
                .map(|(f, p)| (f.as_str(), p.as_str())),
        );
        for (handler, path) in &file.webhooks.routes {
            route_paths
                .entry(handler.as_str())
                .or_insert_with(|| path.clone());
        }
        routed
            .entry(package)
            .or_default()
            .extend(file.webhooks.routed.iter().map(String::as_str));
        for de in &file.webhooks.structs {
            out.structs.entry(de.name.as_str()).or_insert((file, de));
        }
        for e in &file.webhooks.enums {
            out.enums.push((file, e));
        }
    }
    for (package, functions) in &by_package {
        let by_name: BTreeMap<&str, Vec<(&'a FileAnalysis, &'a FnFacts)>> =
            functions
                .iter()
                .fold(BTreeMap::new(), |mut map, (file, f)| {
                    map.entry(f.name.as_str()).or_default().push((*file, *f));
                    map
                });
        let called: BTreeSet<&str> = functions
            .iter()
            .flat_map(|(_, f)| f.calls.iter().map(|(n, _)| n.as_str()))
            .collect();
        let graph = CallGraph::new(&by_name, functions);
        // Handlers registered by router functions nested under a webhook path.
        let mut routed: BTreeSet<&str> = routed.get(package).cloned().unwrap_or_default();
        for (nest, prefix) in nests.get(package).into_iter().flatten() {
            for (_, router) in by_name.get(nest).into_iter().flatten() {
                for (handler, path) in &router.registers {
                    routed.insert(handler.as_str());
                    route_paths
                        .entry(handler.as_str())
                        .or_insert_with(|| format!("{prefix}{path}"));
                }
            }
        }
        for (file, function) in functions {
            if function.test {
                continue;
            }
            let is_routed = function.routed_by_attribute || routed.contains(function.name.as_str());
            // Request guards and extractors read headers for the framework; they are not handlers.
            let is_extractor = matches!(
                function.name.as_str(),
                "from_request" | "from_request_parts" | "from_data"
            );
            let reads_headers = function.reads_signature_header || function.reads_0bit_header;
            // A function that reads the headers is a handler unless another function calls it.
            let header_reader =
                reads_headers && !is_extractor && !called.contains(function.name.as_str());
            if !(is_routed || header_reader) {
                continue;
            }
            let reached = graph.reach(file, function);
            // A request-guard parameter that reads the signature reads it for the handler.
            let signature_read = reached.iter().any(|(_, f)| f.reads_signature_header)
                || function
                    .param_types
                    .iter()
                    .any(|t| guards.contains(t.as_str()));
            let verified = signature_read && reached.iter().any(|(_, f)| verifies(f));
            // The first call in the handler through which verification happens.
            let verified_at = function
                .calls
                .iter()
                .filter(|(name, _)| {
                    let lower = name.to_ascii_lowercase();
                    lower.contains("verify")
                        || lower.contains("construct_event")
                        || by_name.get(name.as_str()).is_some_and(|targets| {
                            targets.iter().any(|(_, t)| graph.verifies_within_reach(t))
                        })
                })
                .map(|(_, order)| *order)
                .min()
                .or(if function.uses_hmac { Some(0) } else { None });
            out.handlers.push(Handler {
                file,
                function,
                reach: reached,
                verified,
                verified_at,
                route: function
                    .route_attribute
                    .clone()
                    .or_else(|| route_paths.get(function.name.as_str()).cloned()),
            });
        }
    }
    out
}

/// The calls between a package's functions, resolved once: each function's targets (every
/// function named like a call of it, first call first), and whether anything within
/// [`REACH`] calls of it verifies. Walking the calls by name for each handler, and again
/// for each call of each handler, cost the square of a dense call graph.
struct CallGraph<'a> {
    /// Targets of each function, by the function's address.
    targets: HashMap<usize, Vec<(&'a FileAnalysis, &'a FnFacts)>>,
    /// Whether a function, or one it reaches, verifies.
    verifies: HashMap<usize, bool>,
}

/// How many calls deep a handler's reach goes.
const REACH: usize = 3;

fn address(function: &FnFacts) -> usize {
    function as *const FnFacts as usize
}

impl<'a> CallGraph<'a> {
    fn new(
        by_name: &BTreeMap<&str, Vec<(&'a FileAnalysis, &'a FnFacts)>>,
        functions: &[(&'a FileAnalysis, &'a FnFacts)],
    ) -> CallGraph<'a> {
        let mut targets = HashMap::new();
        for (_, function) in functions {
            let mut seen = HashSet::new();
            let mut own = Vec::new();
            for (name, _) in &function.calls {
                for &(file, target) in by_name.get(name.as_str()).into_iter().flatten() {
                    if seen.insert(address(target)) {
                        own.push((file, target));
                    }
                }
            }
            targets.insert(address(function), own);
        }
        // Something within `k` calls of a function verifies when it does itself, or when
        // something within `k - 1` calls of one of its targets does.
        let mut verifies: HashMap<usize, bool> = functions
            .iter()
            .map(|(_, f)| (address(f), self::verifies(f)))
            .collect();
        for _ in 0..REACH {
            let next = functions
                .iter()
                .map(|(_, f)| {
                    let own = address(f);
                    let reached =
                        verifies[&own] || targets[&own].iter().any(|(_, t)| verifies[&address(t)]);
                    (own, reached)
                })
                .collect();
            verifies = next;
        }
        CallGraph { targets, verifies }
    }

    /// Whether `function` or anything it reaches within [`REACH`] calls verifies.
    fn verifies_within_reach(&self, function: &FnFacts) -> bool {
        self.verifies
            .get(&address(function))
            .copied()
            .unwrap_or(false)
    }

    /// The function and what it calls in its package, up to [`REACH`] calls deep, in the
    /// order they are first met.
    fn reach(
        &self,
        file: &'a FileAnalysis,
        function: &'a FnFacts,
    ) -> Vec<(&'a FileAnalysis, &'a FnFacts)> {
        let mut seen: Vec<(&'a FileAnalysis, &'a FnFacts)> = vec![(file, function)];
        let mut known: HashSet<usize> = HashSet::from([address(function)]);
        let mut frontier = vec![function];
        for _ in 0..REACH {
            let mut next = Vec::new();
            for f in frontier {
                for &(target_file, target) in self.targets.get(&address(f)).into_iter().flatten() {
                    if known.insert(address(target)) {
                        seen.push((target_file, target));
                        next.push(target);
                    }
                }
            }
            frontier = next;
        }
        seen
    }
}
