//! The analysis library is layered, and imports only go down (see `launchlint_rules::LAYERS`):
//! every module under `rules/src/<layer>/` may name modules of its own layer or of layers
//! below it, never above. Inside the rules layer, a rule file names no other rule file; the
//! pipeline names no rule file (rules reach it only through the registry). No two modules
//! import each other, directly or around a circle (a parent and its children aside). And no
//! file is 600 lines or longer.
//!
//! Imports are read with syn: every `use crate::…` tree and every `crate::…` / `super::…`
//! path in the code, attributes and macro bodies included.

use std::path::{Path, PathBuf};

use launchlint_rules::LAYERS;
use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

fn sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/src")
}

/// `rules/src/extract/rust/calls.rs` → `["extract", "rust", "calls"]`.
fn module_path(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(sources()).expect("below rules/src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every module path a file names, absolute (`super::` resolved), as written.
#[derive(Default)]
struct Imports {
    here: Vec<String>,
    named: Vec<Vec<String>>,
}

impl Imports {
    fn add(&mut self, segments: Vec<String>) {
        let mut absolute: Vec<String> = Vec::new();
        let mut rest = segments.as_slice();
        match rest.first().map(String::as_str) {
            Some("crate") => rest = &rest[1..],
            Some("super") | Some("self") => {
                // `self::x` names a child of the current module; each `super` goes up one.
                absolute = self.here.clone();
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "super" => {
                            absolute.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            _ => return,
        }
        absolute.extend(rest.iter().cloned());
        self.named.push(absolute);
    }

    fn tokens(&mut self, tokens: TokenStream) {
        let mut path: Vec<String> = Vec::new();
        let mut colons = 0;
        for token in tokens {
            match token {
                TokenTree::Ident(ident) => {
                    let ident = ident.to_string();
                    if path.is_empty() && !matches!(ident.as_str(), "crate" | "super" | "self") {
                        continue;
                    }
                    if path.is_empty() || colons == 2 {
                        path.push(ident);
                        colons = 0;
                    } else {
                        self.flush(&mut path);
                    }
                }
                TokenTree::Punct(punct) if punct.as_char() == ':' => colons += 1,
                TokenTree::Group(group) => {
                    self.flush(&mut path);
                    self.tokens(group.stream());
                }
                _ => {
                    self.flush(&mut path);
                    colons = 0;
                }
            }
        }
        self.flush(&mut path);
    }

    fn flush(&mut self, path: &mut Vec<String>) {
        if path.len() > 1 {
            self.add(std::mem::take(path));
        }
        path.clear();
    }
}

impl<'ast> Visit<'ast> for Imports {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut prefixes = Vec::new();
        use_paths(&item.tree, &mut Vec::new(), &mut prefixes);
        for path in prefixes {
            self.add(path);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.add(segments);
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

fn use_paths(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            use_paths(&path.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(name) => {
            let mut full = prefix.clone();
            if name.ident != "self" {
                full.push(name.ident.to_string());
            }
            out.push(full);
        }
        syn::UseTree::Rename(rename) => {
            let mut full = prefix.clone();
            full.push(rename.ident.to_string());
            out.push(full);
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(group) => {
            for tree in &group.items {
                use_paths(tree, prefix, out);
            }
        }
    }
}

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == layer)
}

/// Every rule against the layering, as a list of problems.
fn problems() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&sources(), &mut files);
    files.sort();
    let modules: Vec<(String, Vec<String>, String)> = files
        .iter()
        .map(|file| {
            let shown = file
                .strip_prefix(sources())
                .unwrap_or(file)
                .display()
                .to_string();
            let text = std::fs::read_to_string(file).expect("readable");
            (shown, module_path(file), text)
        })
        .collect();
    problems_in(&modules)
}

/// The problems of `modules`: each its file as shown, its module path and its text.
fn problems_in(modules: &[(String, Vec<String>, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (shown, here, text) in modules {
        let Some(layer) = here.first() else {
            continue; // lib.rs: the crate root declares the layers
        };
        let Some(own) = rank(layer) else {
            problems.push(format!("{shown}: `{layer}` is not a layer of `LAYERS`"));
            continue;
        };
        let syntax = syn::parse_file(text).unwrap_or_else(|e| panic!("{shown}: {e}"));
        let mut imports = Imports {
            here: here.clone(),
            ..Imports::default()
        };
        imports.visit_file(&syntax);
        for named in imports.named {
            let Some(target) = named.first() else {
                continue;
            };
            let Some(theirs) = rank(target) else { continue };
            if theirs > own {
                problems.push(format!(
                    "{shown}: `{}` imports `{}`, a layer above",
                    here.join("::"),
                    named.join("::")
                ));
            }
            let names_rule_file = target == "rules" && named.len() > 1 && is_rule_file(&named[1]);
            if names_rule_file && layer == "pipeline" {
                problems.push(format!(
                    "{shown}: the pipeline names the rule file `{}`; rules reach it through the registry",
                    named[1]
                ));
            }
            if names_rule_file
                && layer == "rules"
                && here.get(1) != Some(&named[1])
                && here.len() > 1
            {
                problems.push(format!(
                    "{shown}: the rule `{}` imports the rule file `{}`",
                    here[1], named[1]
                ));
            }
        }
    }
    problems
}

/// `#[cfg(test)] mod tests { … }`.
fn is_cfg_test(item: &syn::Item) -> bool {
    let syn::Item::Mod(module) = item else {
        return false;
    };
    module.attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Path>()
                .is_ok_and(|path| path.is_ident("test"))
    })
}

/// The module a path names: its longest prefix that is a module of the crate.
fn module_named<'a>(named: &[String], modules: &'a [Vec<String>]) -> Option<&'a Vec<String>> {
    modules
        .iter()
        .filter(|module| !module.is_empty() && named.starts_with(module))
        .max_by_key(|module| module.len())
}

/// Import cycles between modules, as chains `a -> b -> a`, in code that is not a test. A
/// module's imports of its own ancestors do not count: a parent declares its children,
/// which may use its types.
fn cycles() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&sources(), &mut files);
    files.sort();
    let modules: Vec<Vec<String>> = files.iter().map(|f| module_path(f)).collect();
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).expect("readable"))
        .collect();
    cycles_in(&modules, &texts)
}

/// The cycles among `modules`, whose sources are `texts`.
fn cycles_in(modules: &[Vec<String>], texts: &[String]) -> Vec<String> {
    let mut edges: Vec<std::collections::BTreeSet<usize>> = vec![Default::default(); modules.len()];
    for (at, text) in texts.iter().enumerate() {
        // Tests may use what uses their module (a test of an extractor runs the whole
        // per-file analysis): test modules and files are left out of the cycle check.
        if modules[at]
            .last()
            .is_some_and(|name| name == "tests" || name == "test_support")
        {
            continue;
        }
        let mut syntax = syn::parse_file(text).expect("parses");
        syntax.items.retain(|item| !is_cfg_test(item));
        let mut imports = Imports {
            here: modules[at].clone(),
            ..Imports::default()
        };
        imports.visit_file(&syntax);
        for named in &imports.named {
            let Some(target) = module_named(named, modules) else {
                continue;
            };
            let here = &modules[at];
            // A child may use its parent's items (the parent declares it); a parent's use of
            // its children counts like any other import.
            if here.starts_with(target) {
                continue;
            }
            if let Some(to) = modules.iter().position(|m| m == target) {
                edges[at].insert(to);
            }
        }
    }
    // Depth-first search for a back edge, reporting each cycle once.
    let mut found = Vec::new();
    let mut state = vec![0u8; modules.len()]; // 0 new, 1 on the stack, 2 done
    fn visit(
        at: usize,
        edges: &[std::collections::BTreeSet<usize>],
        state: &mut [u8],
        stack: &mut Vec<usize>,
        modules: &[Vec<String>],
        found: &mut Vec<String>,
    ) {
        state[at] = 1;
        stack.push(at);
        for &to in &edges[at] {
            match state[to] {
                0 => visit(to, edges, state, stack, modules, found),
                1 => {
                    let from = stack.iter().position(|&m| m == to).unwrap_or(0);
                    let chain: Vec<String> = stack[from..]
                        .iter()
                        .chain([&to])
                        .map(|&m| modules[m].join("::"))
                        .collect();
                    found.push(chain.join(" -> "));
                }
                _ => {}
            }
        }
        stack.pop();
        state[at] = 2;
    }
    for at in 0..modules.len() {
        if state[at] == 0 {
            visit(at, &edges, &mut state, &mut Vec::new(), modules, &mut found);
        }
    }
    found
}

fn is_rule_file(module: &str) -> bool {
    launchlint_rules::rules::ALL
        .iter()
        .any(|rule| rule.id.replace('-', "_") == module)
}

#[test]
fn imports_only_go_down() {
    let problems = problems();
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_import_cycles() {
    let cycles = cycles();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// A planted cycle is caught, also one through a parent's use of its child; a child using
/// its parent's types is not a cycle.
#[test]
fn a_cycle_is_caught() {
    let module = |path: &str| path.split("::").map(String::from).collect::<Vec<_>>();
    let modules = [
        module("extract::a"),
        module("extract::b"),
        module("extract::b::c"),
    ];
    let texts = [
        "use crate::extract::b::c::X;".to_string(),
        "mod c; use c::Y; pub struct Z;".to_string(),
        "use super::Z; use crate::extract::a::W;".to_string(),
    ];
    assert_eq!(
        cycles_in(&modules, &texts),
        ["extract::a -> extract::b::c -> extract::a"]
    );
}

/// The check itself works: planted imports of each forbidden kind are caught, through the
/// same code that checks the crate.
#[test]
fn forbidden_imports_are_caught() {
    let module = |shown: &str, path: &str, text: &str| {
        let path = path.split("::").map(String::from).collect();
        (shown.to_string(), path, text.to_string())
    };
    let planted = [
        module(
            "ground/source.rs",
            "ground::source",
            "use crate::pipeline::check; fn f() { super::super::rules::ALL; }",
        ),
        module(
            "rules/unverified_webhook.rs",
            "rules::unverified_webhook",
            "use crate::rules::unknown_webhook_event::check;",
        ),
        module(
            "pipeline/mod.rs",
            "pipeline",
            "fn f() { crate::rules::unverified_webhook::UNVERIFIED_WEBHOOK; }",
        ),
        module(
            "extract/file.rs",
            "extract::file",
            "use crate::link::facts::Facts;",
        ),
        module(
            "extract/js.rs",
            "extract::js",
            "use crate::extract::file::FileAnalysis;",
        ),
    ];
    let problems = problems_in(&planted);
    assert_eq!(
        problems,
        [
            "ground/source.rs: `ground::source` imports `pipeline::check`, a layer above",
            "ground/source.rs: `ground::source` imports `rules::ALL`, a layer above",
            "rules/unverified_webhook.rs: the rule `unverified_webhook` imports the rule file `unknown_webhook_event`",
            "pipeline/mod.rs: the pipeline names the rule file `unverified_webhook`; rules reach it through the registry",
            "extract/file.rs: `extract::file` imports `link::facts::Facts`, a layer above",
        ],
        "{problems:#?}"
    );
}

#[test]
fn the_largest_module_is_under_600_lines() {
    let mut files = Vec::new();
    rust_files(&sources(), &mut files);
    let too_long: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file).ok()?.lines().count();
            (lines >= 600).then(|| format!("{}: {lines} lines", file.display()))
        })
        .collect();
    assert!(too_long.is_empty(), "{too_long:?}");
}
