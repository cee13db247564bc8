//! The calls between the functions of each package, resolved once.
//!
//! A call is followed to what it resolves to: a call on a type (`Verifier::new(..)`,
//! `verifier.check(..)` with `verifier: Verifier`, `self.check(..)` in `impl Verifier`) to
//! that type's methods of its name, a free function call (`check(..)`, `verify::check(..)`)
//! to the package's free functions of its name, and a method call on a receiver of unknown
//! type to nothing: `client.verify()` on another crate's client is not the package's
//! `verify`. (Modules are not resolved, so two free functions of one name are both targets.)
//! Each function's targets are found once, and a question over the graph ([`within_reach`])
//! is answered for every function in a few passes.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use crate::extract::rust::webhooks::{Call, FnFacts};
use crate::link::webhooks::InFile;

/// How many calls deep a handler's reach goes.
pub const REACH: usize = 3;

/// One package's functions, and each function's targets.
pub struct PackageGraph<'a> {
    /// Every function, methods included, sorted by name (a stable sort: functions of one
    /// name in file order), for [`PackageGraph::named`].
    by_name: Vec<InFile<'a, FnFacts>>,
    /// The same, sorted by name and then by impl type, free functions first: the free
    /// functions of a name, and the methods of a type and name, are each one run of it.
    by_name_and_type: Vec<InFile<'a, FnFacts>>,
    functions: Vec<&'a FnFacts>,
    /// Every function's targets, one function after another: what its calls resolve to,
    /// first call first. One list for the package, not one per function: a large package
    /// has tens of thousands of functions.
    targets: Vec<InFile<'a, FnFacts>>,
    /// Where each function's targets are in `targets`, by the function's address.
    target_ranges: HashMap<usize, (u32, u32)>,
}

/// The run of `sorted` that `order` says is equal to what is wanted (`order` says how a
/// function compares with it, in the order `sorted` is in).
fn run<'s, 'a>(
    sorted: &'s [InFile<'a, FnFacts>],
    order: impl Fn(&FnFacts) -> Ordering,
) -> &'s [InFile<'a, FnFacts>] {
    let start = sorted.partition_point(|f| order(f.item) == Ordering::Less);
    let end = start + sorted[start..].partition_point(|f| order(f.item) == Ordering::Equal);
    &sorted[start..end]
}

fn name_and_type(function: &FnFacts) -> (&str, Option<&str>) {
    (function.name.as_str(), function.impl_type.as_deref())
}

/// A position in a package's target list (packages have far fewer than `u32::MAX` calls).
fn index(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
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
        let mut by_name = functions.to_vec();
        by_name.sort_by_key(|f| f.item.name);
        let mut by_name_and_type = functions.to_vec();
        by_name_and_type.sort_by(|a, b| name_and_type(a.item).cmp(&name_and_type(b.item)));
        let mut graph = PackageGraph {
            by_name,
            by_name_and_type,
            functions: functions.iter().map(|f| f.item).collect(),
            targets: Vec::new(),
            target_ranges: HashMap::with_capacity(functions.len()),
        };
        let mut targets = Vec::new();
        let mut seen = HashSet::new();
        for function in functions {
            seen.clear();
            let start = targets.len();
            for call in &function.item.calls {
                for target in graph.resolve(call) {
                    if seen.insert(address(target.item)) {
                        targets.push(*target);
                    }
                }
            }
            let range = (index(start), index(targets.len()));
            graph.target_ranges.insert(address(function.item), range);
        }
        targets.shrink_to_fit();
        graph.targets = targets;
        graph
    }

    /// What `function`'s calls resolve to, first call first.
    fn targets_of(&self, function: &FnFacts) -> &[InFile<'a, FnFacts>] {
        self.target_ranges
            .get(&address(function))
            .and_then(|&(start, end)| self.targets.get(start as usize..end as usize))
            .unwrap_or(&[])
    }

    /// The functions of the package `call` resolves to (see the module docs).
    pub fn resolve(&self, call: &Call) -> &[InFile<'a, FnFacts>] {
        match (call.on_type(), call.written_path()) {
            (Some(owner), _) => self.methods(owner.as_str(), call.name().as_str()),
            (None, Some(_)) => self.free_functions(call.name().as_str()),
            (None, None) => &[],
        }
    }

    /// Every function of the package named `name`, methods included (for routers named in
    /// a `nest`), in file order.
    pub fn named(&self, name: &str) -> &[InFile<'a, FnFacts>] {
        run(&self.by_name, |f| f.name.as_str().cmp(name))
    }

    /// The roots (a handler, and what the framework runs before it) and what they call in
    /// their package, up to [`REACH`] calls deep, in the order they are first met.
    pub fn reach(&self, roots: &[InFile<'a, FnFacts>]) -> Vec<InFile<'a, FnFacts>> {
        let mut seen: Vec<InFile<'a, FnFacts>> = Vec::new();
        let mut known: HashSet<usize> = HashSet::new();
        for root in roots {
            if known.insert(address(root.item)) {
                seen.push(*root);
            }
        }
        let mut frontier: Vec<&FnFacts> = seen.iter().map(|f| f.item).collect();
        for _ in 0..REACH {
            let mut next = Vec::new();
            for f in frontier {
                for target in self.targets_of(f) {
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

    /// The methods named `name` of the package's impls of `owner`.
    pub fn methods(&self, owner: &str, name: &str) -> &[InFile<'a, FnFacts>] {
        run(&self.by_name_and_type, |f| {
            name_and_type(f).cmp(&(name, Some(owner)))
        })
    }

    /// The package's free functions named `name`.
    pub fn free_functions(&self, name: &str) -> &[InFile<'a, FnFacts>] {
        run(&self.by_name_and_type, |f| {
            name_and_type(f).cmp(&(name, None))
        })
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
                        passes[&own] || self.targets_of(f).iter().any(|t| passes[&address(t.item)]);
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
