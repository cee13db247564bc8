//! Where each file runs, from other files: module gates across `mod` declarations, files
//! that client code compiles in, and the Next.js client module graph.

use std::collections::{BTreeMap, BTreeSet};

use crate::extract::file::{FileAnalysis, HitContext};
use crate::extract::gate::Gate;
use crate::extract::rust::ModDecl;
use crate::project::model::{FileKind, PackageSide, ProjectModel, Side};

/// Settles where each file runs from the files around it, before anything is linked.
pub fn resolve(model: &ProjectModel, files: &mut [FileAnalysis]) {
    resolve_module_gates(files);
    resolve_includes(files);
    resolve_next_client_modules(model, files);
}

/// Gives each Rust file the gates of the `mod` item that declares it, transitively, so
/// `#[cfg(feature = "ssr")] mod server;` makes all of `server.rs` server-side.
fn resolve_module_gates(files: &mut [FileAnalysis]) {
    let index: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut parent: BTreeMap<usize, (usize, Gate)> = BTreeMap::new();
    for (at, file) in files.iter().enumerate() {
        for decl in &file.mod_decls {
            for candidate in module_file_candidates(&file.path, decl) {
                if let Some(&child) = index.get(candidate.as_str()) {
                    parent.entry(child).or_insert((at, decl.gate));
                    break;
                }
            }
        }
    }
    let inherited: Vec<Gate> = (0..files.len())
        .map(|mut at| {
            let mut gate = Gate::default();
            // Bounded: `#[path]` can make cycles.
            for _ in 0..64 {
                let Some(&(up, decl_gate)) = parent.get(&at) else {
                    break;
                };
                gate = gate.or(decl_gate);
                at = up;
            }
            gate
        })
        .collect();
    for (file, gate) in files.iter_mut().zip(inherited) {
        file.inherited = gate;
    }
}

/// Marks files that client-side Rust compiles in with `include_str!`/`include_bytes!`.
fn resolve_includes(files: &mut [FileAnalysis]) {
    let index: BTreeMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    let mut shipped = Vec::new();
    for file in files.iter() {
        for include in &file.includes {
            let context = HitContext {
                gate: include.gate,
                compiled: true,
                ..HitContext::default()
            };
            if file.place(&context).side != Side::Client {
                continue;
            }
            let dir = file.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            if let Some(&target) = index.get(&normalize(&join(dir, &include.path))) {
                shipped.push((target, file.path.clone()));
            }
        }
    }
    for (target, by) in shipped {
        files[target].shipped_by.get_or_insert(by);
    }
}

/// In a Next.js app, modules are server components unless a client entry reaches them: a
/// `"use client"` module or a `pages/` page, and whatever they import, transitively.
fn resolve_next_client_modules(model: &ProjectModel, files: &mut [FileAnalysis]) {
    let is_candidate = |file: &FileAnalysis| {
        file.class.kind == FileKind::FrontEnd
            && file.class.package_side == PackageSide::Client
            && !model.is_shipped_path(&file.path)
            && model.next_app_of(&file.path).is_some()
    };
    let index: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut reached: BTreeSet<usize> = BTreeSet::new();
    let mut queue: Vec<usize> = files
        .iter()
        .enumerate()
        .filter(|(_, file)| is_candidate(file))
        .filter(|(_, file)| {
            let app = model
                .next_app_of(&file.path)
                .map_or("", |app| app.dir.as_str());
            let inner = file
                .path
                .strip_prefix(app)
                .unwrap_or(&file.path)
                .trim_start_matches('/');
            file.use_client || inner.starts_with("pages/") || inner.starts_with("src/pages/")
        })
        .map(|(at, _)| at)
        .collect();
    while let Some(at) = queue.pop() {
        if !reached.insert(at) {
            continue;
        }
        let file = &files[at];
        let app = model
            .next_app_of(&file.path)
            .map_or("", |app| app.dir.as_str());
        for import in &file.imports {
            let found = module_candidates(&file.path, app, import)
                .into_iter()
                .find_map(|c| index.get(c.as_str()).copied());
            queue.extend(found);
        }
    }
    for (at, file) in files.iter_mut().enumerate() {
        if is_candidate(file) && !reached.contains(&at) {
            file.class.package_side = PackageSide::Server;
        }
    }
}

/// The local files a JS/TS file imports, as the bundler resolves them.
pub fn imported<'a>(
    model: &ProjectModel,
    files: &'a [FileAnalysis],
    file: &FileAnalysis,
) -> Vec<&'a FileAnalysis> {
    let app = model
        .next_app_of(&file.path)
        .map_or("", |app| app.dir.as_str());
    file.imports
        .iter()
        .filter_map(|import| {
            module_candidates(&file.path, app, import)
                .into_iter()
                .find_map(|candidate| files.iter().find(|f| f.path == candidate))
        })
        .collect()
}

/// Files an import specifier can resolve to, in the bundler's order.
fn module_candidates(importer: &str, app_dir: &str, specifier: &str) -> Vec<String> {
    const SUFFIXES: [&str; 11] = [
        "",
        ".ts",
        ".tsx",
        ".js",
        ".jsx",
        ".mjs",
        ".cjs",
        "/index.ts",
        "/index.tsx",
        "/index.js",
        "/index.jsx",
    ];
    let dir = importer.rsplit_once('/').map_or("", |(dir, _)| dir);
    let bases = match specifier
        .strip_prefix("@/")
        .or_else(|| specifier.strip_prefix("~/"))
    {
        Some(rest) => vec![join(app_dir, rest), join(&join(app_dir, "src"), rest)],
        None => vec![join(dir, specifier)],
    };
    bases
        .iter()
        .flat_map(|base| {
            SUFFIXES
                .iter()
                .map(move |suffix| normalize(&format!("{base}{suffix}")))
        })
        .collect()
}

fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    }
}

/// Where the file of `mod name;` declared in `parent` can be.
fn module_file_candidates(parent: &str, decl: &ModDecl) -> Vec<String> {
    let (dir, name) = parent.rsplit_once('/').unwrap_or(("", parent));
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{a}/{b}")
        }
    };
    if let Some(path) = &decl.path {
        return vec![normalize(&join(dir, path))];
    }
    let parent_dir = dir.rsplit('/').next().unwrap_or(dir);
    let owns_dir = matches!(name, "lib.rs" | "main.rs" | "mod.rs")
        || matches!(parent_dir, "bin" | "tests" | "examples" | "benches");
    let module_dir = if owns_dir {
        dir.to_string()
    } else {
        join(dir, name.trim_end_matches(".rs"))
    };
    vec![
        join(&module_dir, &format!("{}.rs", decl.name)),
        join(&module_dir, &format!("{}/mod.rs", decl.name)),
    ]
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_candidates() {
        let decl = |name: &str, path: Option<&str>| ModDecl {
            name: name.into(),
            path: path.map(Into::into),
            gate: Gate::default(),
        };
        assert_eq!(
            module_file_candidates("app/src/lib.rs", &decl("server", None)),
            ["app/src/server.rs", "app/src/server/mod.rs"]
        );
        assert_eq!(
            module_file_candidates("src/api.rs", &decl("keys", None)),
            ["src/api/keys.rs", "src/api/keys/mod.rs"]
        );
        assert_eq!(
            module_file_candidates("src/lib.rs", &decl("x", Some("../gen/x.rs"))),
            ["gen/x.rs"]
        );
    }
}
