//! The gates of Rust code: whether code at a point is compiled only for the server or only
//! for tests, read from its attributes (`#[server]`, `#[cfg(…)]`, `#[test]`) and `cfg_if!` branches.

use syn::{Attribute, Meta};

use crate::extract::gate::Gate;

/// The gates that an item's own attributes put it behind.
pub(super) fn gate_of(attrs: &[Attribute]) -> Gate {
    let mut gate = Gate::default();
    for attr in attrs {
        let path = attr.path();
        let last = path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if path.is_ident("cfg") {
            if let Ok(predicate) = attr.parse_args::<Meta>() {
                gate = gate.or(cfg_gate(&predicate));
            }
        } else if last == "server" && path.segments.len() <= 2 {
            // leptos `#[server]`, dioxus `#[server]`, `#[leptos::server]`.
            gate.server = true;
        } else if last == "test" || last == "bench" {
            // `#[test]`, `#[tokio::test]`, `#[actix_web::test]`, `#[wasm_bindgen_test]` is below.
            gate.test = true;
        } else if last == "wasm_bindgen_test" {
            gate.test = true;
        }
    }
    gate
}

/// The branches of one `cfg_if!` chain read so far: how many had a predicate, and whether
/// one of those holds in the browser build and in a release build. Two flags rather than the
/// predicates, so a chain of thousands of branches is not evaluated again at each branch.
#[derive(Default)]
pub(super) struct CfgChain {
    pub(super) predicates: usize,
    holds_in_client: bool,
    holds_in_release: bool,
}

impl CfgChain {
    pub(super) fn push(&mut self, predicate: Option<&Meta>) {
        if let Some(predicate) = predicate {
            let [client, release] = eval_cfg(predicate);
            self.predicates += 1;
            self.holds_in_client |= client == Some(true);
            self.holds_in_release |= release == Some(true);
        }
    }
}

/// The gates of one `cfg_if!` branch: its own predicate holds and every earlier one failed.
pub(super) fn branch_gate(own: Option<&Meta>, earlier: &CfgChain) -> Gate {
    let own = own.map(cfg_gate).unwrap_or_default();
    Gate {
        server: own.server || earlier.holds_in_client,
        test: own.test || earlier.holds_in_release,
    }
}

/// The gates a `cfg` predicate puts code behind. A server-only gate is one that is off in the
/// browser build (hydrate/csr features on, ssr/server off, target wasm32); a test gate is off
/// in a release build.
pub(super) fn cfg_gate(predicate: &Meta) -> Gate {
    let [client, release] = eval_cfg(predicate);
    Gate {
        server: client == Some(false),
        test: release == Some(false),
    }
}

/// What is known of one build configuration, for evaluating `cfg` predicates.
struct Build {
    /// Features known to be on (`Some(true)`) or off (`Some(false)`); others are unknown.
    feature: fn(&str) -> Option<bool>,
    test: Option<bool>,
    wasm32: Option<bool>,
}

/// The browser build of a full-stack crate.
const CLIENT_BUILD: Build = Build {
    feature: |name| match name {
        "ssr" | "server" => Some(false),
        "hydrate" | "csr" | "web" => Some(true),
        _ => None,
    },
    test: Some(false),
    wasm32: Some(true),
};

/// A production build, either side.
const RELEASE_BUILD: Build = Build {
    feature: |_| None,
    test: Some(false),
    wasm32: None,
};

/// The builds every predicate is evaluated for, at once (each level of a predicate parses
/// its arguments, so it is read once for both): the browser build, then a release build.
const BUILDS: [&Build; 2] = [&CLIENT_BUILD, &RELEASE_BUILD];

/// `all(any(not(…)))` is read this deep; deeper is unknown. Each level parses its own
/// arguments, nested lists included, so unbounded nesting costs its depth times its size.
const MAX_CFG_DEPTH: usize = 8;

/// Three-valued evaluation of a `cfg` predicate in each of [`BUILDS`]: `None` when it depends
/// on unknowns.
pub(super) fn eval_cfg(meta: &Meta) -> [Option<bool>; 2] {
    eval_cfg_within(meta, MAX_CFG_DEPTH)
}

fn eval_cfg_within(meta: &Meta, depth: usize) -> [Option<bool>; 2] {
    match meta {
        Meta::Path(path) if path.is_ident("test") => BUILDS.map(|build| build.test),
        Meta::NameValue(nv) => {
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) = &nv.value
            else {
                return [None; 2];
            };
            let value = value.value();
            if nv.path.is_ident("feature") {
                BUILDS.map(|build| (build.feature)(&value))
            } else if nv.path.is_ident("target_arch") || nv.path.is_ident("target_family") {
                let wasm = matches!(value.as_str(), "wasm32" | "wasm");
                BUILDS.map(|build| build.wasm32.map(|is_wasm| is_wasm == wasm))
            } else {
                [None; 2]
            }
        }
        Meta::List(_) if depth == 0 => [None; 2],
        Meta::List(list) => {
            let Ok(args) = list.parse_args_with(
                syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated,
            ) else {
                return [None; 2];
            };
            let values: Vec<[Option<bool>; 2]> =
                args.iter().map(|m| eval_cfg_within(m, depth - 1)).collect();
            std::array::from_fn(|build| {
                let values: Vec<Option<bool>> = values.iter().map(|v| v[build]).collect();
                combine_cfg(&list.path, &values)
            })
        }
        _ => [None; 2],
    }
}

/// `not`, `all` and `any` over the values of their arguments.
fn combine_cfg(path: &syn::Path, values: &[Option<bool>]) -> Option<bool> {
    if path.is_ident("not") {
        values.first().copied().flatten().map(|v| !v)
    } else if path.is_ident("all") {
        if values.contains(&Some(false)) {
            Some(false)
        } else if values.iter().all(|v| *v == Some(true)) {
            Some(true)
        } else {
            None
        }
    } else if path.is_ident("any") {
        if values.contains(&Some(true)) {
            Some(true)
        } else if values.iter().all(|v| *v == Some(false)) {
            Some(false)
        } else {
            None
        }
    } else {
        None
    }
}
