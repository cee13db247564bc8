//! Handlers of routes of any path, joined across the files of a package: the functions a
//! route registers, and what their calls resolve to in the package (the webhook model's call
//! graph, built here for the packages that have the routes asked for). Which routes matter,
//! and what a handler's reach means, is for the rules.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::extract::file::FileAnalysis;
use crate::extract::rust::handlers::Route;
use crate::extract::rust::webhooks::{Call, FnFacts};
use crate::link::webhooks::{InFile, PackageGraph, REACH};
use crate::project::model::ProjectModel;

/// A function registered on a route.
pub struct RouteHandler<'a> {
    /// The file that registers the route.
    pub route_file: &'a FileAnalysis,
    pub route: &'a Route,
    pub file: &'a FileAnalysis,
    pub function: &'a FnFacts,
    /// The package's call graph, in [`RouteModel`]'s.
    package: usize,
}

impl RouteHandler<'_> {
    /// `checkout_return` (on `/checkout/return`), for messages.
    pub fn describe(&self) -> String {
        format!("`{}` (on `{}`)", self.function.name, self.route.path)
    }
}

/// The handlers of the routes asked for, and their packages' call graphs.
pub struct RouteModel<'a> {
    pub handlers: Vec<RouteHandler<'a>>,
    graphs: Vec<PackageGraph<'a>>,
    /// The package directory of each graph.
    packages: Vec<String>,
}

impl<'a> RouteModel<'a> {
    /// The functions of the handler's package that `call` resolves to.
    pub fn callees(&self, handler: &RouteHandler<'a>, call: &Call) -> &[InFile<'a, FnFacts>] {
        self.graphs[handler.package].resolve(call)
    }

    /// The handler and what it calls in its package, up to
    /// [`REACH`](crate::link::webhooks::REACH) calls deep.
    pub fn reach(&self, handler: &RouteHandler<'a>) -> Vec<InFile<'a, FnFacts>> {
        let root = InFile {
            file: handler.file,
            item: handler.function,
        };
        self.graphs[handler.package].reach(&[root])
    }

    /// The package directory of the handler (`""` outside any package).
    pub fn package_dir(&self, handler: &RouteHandler<'a>) -> &str {
        &self.packages[handler.package]
    }
}

/// What [`RouteModel::first_in_reach`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found<T> {
    /// Where in the handler's file: the thing itself, or the call that leads to it.
    pub span: Range<usize>,
    pub value: T,
    /// The calls followed to it, outermost first (empty when it is in the handler itself).
    pub through: Vec<String>,
}

/// What a function does itself, as spans in its file with what each is.
pub type Own<'o, 'a, T> = &'o dyn Fn(InFile<'a, FnFacts>) -> Vec<(Range<usize>, T)>;
/// What a call does by its name alone.
pub type ByName<'o, T> = &'o dyn Fn(&Call) -> Option<T>;

/// A function's first finding and the calls that lead to it.
type First<T> = Option<(T, Vec<String>)>;

struct Walk<'w, 'o, 'a, T> {
    model: &'w RouteModel<'a>,
    handler: &'w RouteHandler<'a>,
    own: Own<'o, 'a, T>,
    by_name: ByName<'o, T>,
    /// The first thing found in each function, by address.
    memo: RefCell<HashMap<usize, First<T>>>,
}

impl<'a, T: Clone> Walk<'_, '_, 'a, T> {
    /// Everything `function` does that is asked about, first in source order first: its own
    /// things, and its calls, each standing for the first thing found in what it resolves
    /// to, or else for what its name says.
    fn steps(&self, function: InFile<'a, FnFacts>, depth: usize) -> Vec<Found<T>> {
        let mut steps: Vec<Found<T>> = (self.own)(function)
            .into_iter()
            .map(|(span, value)| Found {
                span,
                value,
                through: Vec::new(),
            })
            .collect();
        for call in &function.item.calls {
            let inner = (depth < REACH)
                .then(|| {
                    self.model
                        .callees(self.handler, call)
                        .iter()
                        .find_map(|callee| self.first(*callee, depth + 1))
                })
                .flatten();
            let span = call.at()..call.at() + call.name().len();
            let found = match inner {
                Some((value, mut through)) => {
                    through.insert(0, call.name().to_string());
                    Some((value, through))
                }
                None => (self.by_name)(call).map(|value| (value, Vec::new())),
            };
            if let Some((value, through)) = found {
                steps.push(Found {
                    span,
                    value,
                    through,
                });
            }
        }
        steps.sort_by_key(|found| found.span.start);
        steps
    }

    fn first(&self, function: InFile<'a, FnFacts>, depth: usize) -> First<T> {
        let key = function.item as *const FnFacts as usize;
        if let Some(known) = self.memo.borrow().get(&key) {
            return known.clone();
        }
        // A call back into a function being walked finds nothing new.
        self.memo.borrow_mut().insert(key, None);
        let found = self
            .steps(function, depth)
            .into_iter()
            .next()
            .map(|f| (f.value, f.through));
        self.memo.borrow_mut().insert(key, found.clone());
        found
    }
}

impl<'a> RouteModel<'a> {
    /// The first thing the handler does that `own` or `by_name` says something about, in
    /// source order, looking into the functions its calls resolve to in its package (up to
    /// [`REACH`] calls deep): `own` says what a function does itself, `by_name` what a call
    /// does when what it resolves to says nothing.
    pub fn first_in_reach<T: Clone>(
        &self,
        handler: &RouteHandler<'a>,
        own: Own<'_, 'a, T>,
        by_name: ByName<'_, T>,
    ) -> Option<Found<T>> {
        let walk = Walk {
            model: self,
            handler,
            own,
            by_name,
            memo: RefCell::new(HashMap::new()),
        };
        let root = InFile {
            file: handler.file,
            item: handler.function,
        };
        walk.steps(root, 0).into_iter().next()
    }
}

/// The directories of the packages (`""` outside any) with 0Bit evidence in a file, or a
/// request to the 0Bit API sent from one; and the root package when the launch config has a
/// 0Bit section.
pub fn packages_with_0bit<'a>(
    model: &'a ProjectModel,
    files: &[FileAnalysis],
    requests: &[crate::link::requests::ResolvedRequest],
) -> std::collections::BTreeSet<&'a str> {
    let dir = |file: &FileAnalysis| model.package_of(&file.path).map_or("", |p| p.dir.as_str());
    let mut found: std::collections::BTreeSet<&str> = files
        .iter()
        .filter(|f| !f.evidence.is_empty())
        .map(dir)
        .collect();
    found.extend(requests.iter().map(|r| dir(r.sent_from)));
    // A launch config with a 0Bit section speaks for the root package.
    if model.launch.declares_launch {
        found.insert(
            model
                .package_of("Cargo.toml")
                .map_or("", |p| p.dir.as_str()),
        );
    }
    found
}

/// The handlers of the routes whose path `wanted` accepts: the functions of the route's
/// package with the handler's name, outside test code.
pub fn handlers_of<'a>(
    model: &ProjectModel,
    files: &'a [FileAnalysis],
    wanted: impl Fn(&str) -> bool,
) -> RouteModel<'a> {
    let package_of = |file: &FileAnalysis| {
        model
            .package_of(&file.path)
            .map_or("", |p| p.dir.as_str())
            .to_string()
    };
    let mut routes: BTreeMap<String, Vec<InFile<'a, Route>>> = BTreeMap::new();
    for file in files {
        for route in file.handlers.routes.iter().filter(|r| wanted(&r.path)) {
            routes
                .entry(package_of(file))
                .or_default()
                .push(InFile { file, item: route });
        }
    }
    let mut out = RouteModel {
        handlers: Vec::new(),
        graphs: Vec::new(),
        packages: Vec::new(),
    };
    if routes.is_empty() {
        return out;
    }
    let mut functions: BTreeMap<String, Vec<InFile<'a, FnFacts>>> = BTreeMap::new();
    for file in files.iter().filter(|f| !f.webhooks.functions.is_empty()) {
        let package = package_of(file);
        if routes.contains_key(&package) {
            let entry = functions.entry(package).or_default();
            entry.extend(
                file.webhooks
                    .functions
                    .iter()
                    .map(|item| InFile { file, item }),
            );
        }
    }
    for (package, package_routes) in routes {
        let functions = functions.remove(&package).unwrap_or_default();
        let graph = PackageGraph::new(&functions);
        let index = out.graphs.len();
        for route in package_routes {
            for function in graph
                .named(route.item.handler.as_str())
                .iter()
                .filter(|f| !f.item.test)
            {
                let duplicate = out.handlers.iter().any(|h| {
                    std::ptr::eq(h.function, function.item) && h.route.path == route.item.path
                });
                if !duplicate {
                    out.handlers.push(RouteHandler {
                        route_file: route.file,
                        route: route.item,
                        file: function.file,
                        function: function.item,
                        package: index,
                    });
                }
            }
        }
        out.graphs.push(graph);
        out.packages.push(package);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::TestProject;

    #[test]
    fn handlers_of_wanted_routes_across_files() {
        let project = TestProject::new(&[
            (
                "src/main.rs",
                r#"fn app() -> Router { Router::new().route("/checkout/return", get(checkout::back)).route("/health", get(health)) }
                async fn health() {}"#,
            ),
            (
                "src/checkout.rs",
                r#"pub async fn back(Query(q): Query<Back>) { orders::mark_paid(&q.order).await; }
                #[cfg(test)] mod tests { async fn back() {} }"#,
            ),
        ]);
        let routes = handlers_of(&project.model, &project.files, |p| p.contains("return"));
        let described: Vec<String> = routes.handlers.iter().map(|h| h.describe()).collect();
        assert_eq!(described, ["`back` (on `/checkout/return`)"]);
        assert_eq!(routes.handlers[0].file.path, "src/checkout.rs");
    }

    #[test]
    fn the_first_thing_in_reach_in_source_order() {
        let project = TestProject::new(&[(
            "src/main.rs",
            r#"fn app() -> Router { Router::new().route("/a", get(a)).route("/b", get(b)) }
            async fn a() { log(); Orders::settle(1); look(); }
            async fn b() { look(); Orders::settle(1); }
            struct Orders;
            impl Orders { fn settle(id: u32) { inner(id); } }
            fn inner(id: u32) { paid(id); }"#,
        )]);
        let routes = handlers_of(&project.model, &project.files, |_| true);
        let by_name = |call: &Call| match call.name().as_str() {
            "paid" => Some("paid"),
            "look" => Some("look"),
            _ => None,
        };
        let own = |_: InFile<'_, FnFacts>| Vec::new();
        let mut first: Vec<(String, &str, Vec<String>)> = routes
            .handlers
            .iter()
            .map(|h| {
                let found = routes.first_in_reach(h, &own, &by_name).expect("found");
                (h.function.name.to_string(), found.value, found.through)
            })
            .collect();
        first.sort();
        assert_eq!(
            first,
            [
                (
                    "a".into(),
                    "paid",
                    vec!["settle".to_string(), "inner".into()]
                ),
                ("b".into(), "look", vec![]),
            ]
        );
    }
}
