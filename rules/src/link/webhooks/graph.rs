//! The calls between the functions of each package, resolved once by name.
//!
//! A call names a function; every function of the same package with that name is a target
//! (modules are not resolved). Walking the calls by name for each handler, and again for
//! each call of each handler, cost the square of a dense call graph; here each function's
//! targets are found once, and a question over the graph ([`within_reach`]) is answered for
//! every function in a few passes.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::extract::file::FileAnalysis;
use crate::extract::rust::webhooks::FnFacts;
use crate::link::webhooks::InFile;

/// How many calls deep a handler's reach goes.
pub const REACH: usize = 3;

/// A package's functions by name.
pub(super) type ByName<'a> = BTreeMap<&'a str, Vec<InFile<'a, FnFacts>>>;

/// One package's functions by name, and each function's targets.
pub(super) struct PackageGraph<'a> {
    pub by_name: ByName<'a>,
    functions: Vec<&'a FnFacts>,
    /// Targets of each function, by the function's address: every function of the package
    /// named like one of its calls, first call first.
    targets: HashMap<usize, Vec<InFile<'a, FnFacts>>>,
}

fn address(function: &FnFacts) -> usize {
    function as *const FnFacts as usize
}

/// The functions for which a question holds of them or of something within [`REACH`]
/// calls of them; from [`WebhookModel::within_reach`](super::WebhookModel::within_reach).
pub struct Reaching {
    addresses: HashSet<usize>,
}

impl Reaching {
    pub fn contains(&self, function: &FnFacts) -> bool {
        self.addresses.contains(&address(function))
    }
}

impl<'a> PackageGraph<'a> {
    pub fn new(functions: &[InFile<'a, FnFacts>]) -> Self {
        let by_name: ByName<'a> = functions.iter().fold(BTreeMap::new(), |mut map, f| {
            map.entry(f.item.name.as_str()).or_default().push(*f);
            map
        });
        let mut targets = HashMap::new();
        for function in functions {
            let mut seen = HashSet::new();
            let mut own = Vec::new();
            for call in &function.item.calls {
                for target in by_name.get(call.name.as_str()).into_iter().flatten() {
                    if seen.insert(address(target.item)) {
                        own.push(*target);
                    }
                }
            }
            targets.insert(address(function.item), own);
        }
        PackageGraph {
            by_name,
            functions: functions.iter().map(|f| f.item).collect(),
            targets,
        }
    }

    /// The function and what it calls in its package, up to [`REACH`] calls deep, in the
    /// order they are first met.
    pub fn reach(&self, file: &'a FileAnalysis, function: &'a FnFacts) -> Vec<InFile<'a, FnFacts>> {
        let mut seen = vec![InFile {
            file,
            item: function,
        }];
        let mut known: HashSet<usize> = HashSet::from([address(function)]);
        let mut frontier = vec![function];
        for _ in 0..REACH {
            let mut next = Vec::new();
            for f in frontier {
                for target in self.targets.get(&address(f)).into_iter().flatten() {
                    if known.insert(address(target.item)) {
                        seen.push(*target);
                        next.push(target.item);
                    }
                }
            }
            frontier = next;
        }
        seen
    }

    /// Adds to `found` the functions for which `test` holds of them or of something within
    /// [`REACH`] calls.
    fn within_reach(&self, test: &impl Fn(&FnFacts) -> bool, found: &mut HashSet<usize>) {
        // Something within `k` calls of a function passes when it does itself, or when
        // something within `k - 1` calls of one of its targets does.
        let mut passes: HashMap<usize, bool> = self
            .functions
            .iter()
            .map(|f| (address(f), test(f)))
            .collect();
        for _ in 0..REACH {
            let next = self
                .functions
                .iter()
                .map(|f| {
                    let own = address(f);
                    let reached =
                        passes[&own] || self.targets[&own].iter().any(|t| passes[&address(t.item)]);
                    (own, reached)
                })
                .collect();
            passes = next;
        }
        found.extend(
            passes
                .into_iter()
                .filter_map(|(address, passes)| passes.then_some(address)),
        );
    }
}

/// The functions for which `test` holds of them or of something within [`REACH`] calls in
/// their package, for every package in `graphs`.
pub(super) fn within_reach(graphs: &[PackageGraph], test: impl Fn(&FnFacts) -> bool) -> Reaching {
    let mut addresses = HashSet::new();
    for graph in graphs {
        graph.within_reach(&test, &mut addresses);
    }
    Reaching { addresses }
}
