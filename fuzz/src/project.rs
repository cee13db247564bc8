//! A whole hostile repository: cross-file rules, module gating, includes, Next.js client
//! reachability, secret variables across env files, config-driven rules, manifests.
//!
//! Input format: files separated by a NUL byte (`\0`). In each file, the first line is its path
//! (relative, `/`-separated; empty, `.` and `..` components are dropped as a walk would never
//! produce them) and the rest is its content. A file with an empty path gets `DEFAULT_PATHS[i]`.
//! At most 16 files; a repeated path keeps its first file.
//!
//! The model is built the way `scan::run` builds it:
//! - `launchlint.toml` / `.launchlint.toml` / a root `Cargo.toml` are written to a scratch
//!   root and read with `config::load(root, None)`; a config error is rendered through miette
//!   and the scan goes on without a config. A valid config sets the environment,
//!   `[client] paths`, `[support] runbooks`, the launch config (allowed origins with spans, enabled products, product surface) and `[contract] extend`
//!   (each listed path that is one of the input files is written to the scratch root and read
//!   with `config::contract`);
//! - every `Cargo.toml` is read with `workspace::read_manifest` (root `[workspace.dependencies]`
//!   included) and given its side; every `package.json` / `Trunk.toml` becomes a front end;
//! - with no manifest at all, the harness's fixed model (server/, web/, app/, shop/, site/, api/)
//!   is used, so random inputs still reach client-side paths.

use std::collections::{BTreeMap, BTreeSet};

use cargo_launchlint::config;
use cargo_launchlint::workspace;
use launchlint_rules::project::model::{self, Environment, FrontEnd, Package, ProjectModel};

const MAX_FILES: usize = 16;

const DEFAULT_PATHS: [&str; MAX_FILES] = [
    "launchlint.toml",
    "server/src/main.rs",
    "server/src/gate.rs",
    "web/src/lib.rs",
    "web/src/keys.rs",
    "app/src/lib.rs",
    "app/src/server.rs",
    ".env",
    "web/dist/app.js",
    "shop/app/page.tsx",
    "shop/app/Checkout.tsx",
    "docs/runbook.md",
    "web/dist/app.js.map",
    "config/production.toml",
    "contracts/extra.toml",
    "server/src/webhooks.rs",
];

pub fn clean_path(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .split(['/', '\\'])
        .filter(|part| !matches!(*part, "" | "." | ".."))
        .collect::<Vec<_>>()
        .join("/")
}

pub fn split(data: &[u8]) -> Vec<(String, &[u8])> {
    let mut files: Vec<(String, &[u8])> = Vec::new();
    let mut seen = BTreeSet::new();
    for (at, chunk) in data.split(|&b| b == 0).take(MAX_FILES).enumerate() {
        let (raw_path, content) = match chunk.iter().position(|&b| b == b'\n') {
            Some(nl) => (&chunk[..nl], &chunk[nl + 1..]),
            None => (chunk, &[][..]),
        };
        let mut path = clean_path(raw_path);
        if path.is_empty() {
            path = DEFAULT_PATHS[at].to_string();
        }
        if seen.insert(path.clone()) {
            files.push((path, content));
        }
    }
    files
}

pub fn build_model(files: &[(String, &[u8])]) -> ProjectModel {
    let by_path: BTreeMap<&str, &[u8]> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let mut model = crate::model().clone();
    // The config is read from disk the way the binary reads it; a config error is rendered
    // (the binary would print it and stop) and the scan goes on without a config.
    let root = crate::reset_root();
    for name in ["launchlint.toml", ".launchlint.toml", "Cargo.toml"] {
        if let Some(bytes) = by_path.get(name) {
            crate::write_scratch(name, bytes);
        }
    }
    let loaded = match config::load(root, None) {
        Ok(loaded) if loaded.source.is_some() => Some(loaded),
        Ok(_) => None,
        Err(error) => {
            crate::render_error(error.as_ref());
            None
        }
    };
    let mut client_packages: BTreeSet<String> = BTreeSet::new();
    if let Some(loaded) = &loaded {
        if loaded
            .config
            .launch
            .environment
            .as_ref()
            .is_some_and(|e| *e.get_ref() == config::Environment::Sandbox)
        {
            model.environment = Environment::Sandbox;
        }
        for entry in &loaded.config.contract.extend {
            let path = clean_path(entry.get_ref().as_bytes());
            if let Some(bytes) = by_path.get(path.as_str()) {
                crate::write_scratch(&path, bytes);
            }
        }
        match config::contract(root, loaded) {
            Ok(contract) => model.set_contract(contract),
            Err(error) => crate::render_error(error.as_ref()),
        }
        model.launch = cargo_launchlint::scan::launch_config(root, loaded);
        let strings = |list: &[toml::Spanned<String>]| -> Vec<String> {
            list.iter().map(|s| s.get_ref().clone()).collect()
        };
        let _ = model.set_client_paths(&strings(&loaded.config.client.paths));
        let _ = model.set_runbook_paths(&strings(&loaded.config.support.runbooks));
        client_packages = loaded
            .config
            .client
            .packages
            .iter()
            .map(|p| p.get_ref().clone())
            .collect();
    }
    let root_deps = by_path
        .get("Cargo.toml")
        .map(|bytes| workspace::workspace_dependencies(&text(bytes)))
        .unwrap_or_default();
    let mut packages = Vec::new();
    let mut frontends = Vec::new();
    let mut any_manifest = false;
    for (path, bytes) in files {
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        match model::file_name(path) {
            "Cargo.toml" => {
                any_manifest = true;
                if let Some(manifest) = workspace::read_manifest(dir, &text(bytes), &root_deps) {
                    let (side, reason) = manifest.side(client_packages.contains(&manifest.name));
                    packages.push(Package {
                        name: manifest.name.clone(),
                        dir: manifest.dir.clone(),
                        side,
                        reason,
                    });
                }
            }
            "package.json" => {
                any_manifest = true;
                frontends.push(FrontEnd::from_package_json(dir, &text(bytes)));
            }
            "Trunk.toml" => {
                any_manifest = true;
                frontends.push(FrontEnd::trunk(dir));
            }
            _ => {}
        }
    }
    if any_manifest {
        model.packages = packages;
        model.frontends = frontends;
    }
    model
}


/// The whole `project` target: split, build the model, analyze, check, report.
pub fn run(data: &[u8]) {
    let files = split(data);
    let model = build_model(&files);
    let inputs: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    crate::run_project(&model, &inputs);
}
