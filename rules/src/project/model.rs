//! The in-memory project model: which packages exist, which side of the wire each one runs on,
//! and what kind of place every file is. The shell fills it from `cargo metadata`, the config
//! and the walk; everything here is pure data and decisions, so rules are testable without a
//! file system.

use std::collections::BTreeMap;

use globset::{Glob, GlobSet, GlobSetBuilder};

/// Where code runs. Shared packages are split item by item into these two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Client,
    Server,
}

/// Which side a Cargo package is on, as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageSide {
    Client,
    Server,
    /// Full-stack (leptos, dioxus): server-gated items are server, the rest ships to browsers.
    Shared,
}

impl PackageSide {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageSide::Client => "client",
            PackageSide::Server => "server",
            PackageSide::Shared => "shared",
        }
    }
}

/// `[launch] environment`: a launch gate is live unless told otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Environment {
    #[default]
    Live,
    Sandbox,
}

/// One declared dependency of a Cargo package, as the manifest states it.
#[derive(Clone, Debug, Default)]
pub struct Dependency {
    pub name: String,
    pub features: Vec<String>,
    /// Declared under `[target.'cfg(target_arch = "wasm32")'.dependencies]`.
    pub wasm_only: bool,
}

/// A Cargo package as read from `cargo metadata` or its manifest.
#[derive(Clone, Debug, Default)]
pub struct PackageManifest {
    pub name: String,
    /// Folder of the package relative to the scanned root (`""` for the root), with `/`.
    pub dir: String,
    pub dependencies: Vec<Dependency>,
    /// `[features]`: feature name to what it enables (`"leptos/hydrate"`, `"dep:axum"`).
    pub features: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug)]
pub struct Package {
    pub name: String,
    pub dir: String,
    pub side: PackageSide,
    /// Why the side was chosen, for `--verbose`-style explanations and tests.
    pub reason: String,
}

/// The parts of the config that rules check or point at.
#[derive(Clone, Debug, Default)]
pub struct LaunchConfig {
    /// The config file, relative to the root (`launchlint.toml`), when there is one.
    pub path: Option<String>,
    /// Line bookkeeping of the config file, for findings and labels that point into it.
    pub lines: crate::ground::source::LineIndex,
    /// `[origins] allowed`: each entry and its span; `None` when there is no `[origins]`.
    pub allowed_origins: Option<Vec<(String, std::ops::Range<usize>)>>,
    /// The span of the `allowed` list, for "declared origins are here" labels.
    pub allowed_span: Option<std::ops::Range<usize>>,
    pub enabled_products: Vec<String>,
    /// `[launch] product-surface` and its span.
    pub product_surface: Option<(String, std::ops::Range<usize>)>,
}

impl LaunchConfig {
    /// A finding at `span` of the config file, when there is one.
    pub fn draft(
        &self,
        span: std::ops::Range<usize>,
        message: String,
        help: String,
        evidence: String,
    ) -> Option<crate::ground::finding::Draft<'_>> {
        let path = self.path.as_deref()?;
        Some(crate::ground::finding::Draft::new(
            path,
            &self.lines,
            span,
            message,
            help,
            evidence,
        ))
    }
}

/// A folder with a `package.json` (or a trunk front end).
#[derive(Clone, Debug)]
pub struct FrontEnd {
    pub dir: String,
    /// A Node back end (express, fastify, …) with no front-end framework: all server.
    pub server_only: bool,
    /// A Next.js app: files under `app/` are server components unless they say "use client".
    pub next: bool,
}

/// Crates that only make sense in a browser.
const BROWSER_CRATES: [&str; 8] = [
    "wasm-bindgen",
    "web-sys",
    "js-sys",
    "yew",
    "sycamore",
    "dioxus-web",
    "seed",
    "trunk",
];
/// Crates that serve HTTP.
const SERVER_CRATES: [&str; 9] = [
    "axum",
    "actix-web",
    "rocket",
    "warp",
    "poem",
    "tide",
    "salvo",
    "leptos_axum",
    "leptos_actix",
];

impl PackageManifest {
    /// Features this package turns on for a dependency, directly or through its own features
    /// (`hydrate = ["leptos/hydrate"]`).
    fn dependency_features(&self, dependency: &Dependency) -> Vec<String> {
        let mut features = dependency.features.clone();
        let prefix = format!("{}/", dependency.name);
        let weak_prefix = format!("{}?/", dependency.name);
        for enabled in self.features.values().flatten() {
            if let Some(feature) = enabled
                .strip_prefix(&prefix)
                .or_else(|| enabled.strip_prefix(&weak_prefix))
            {
                features.push(feature.to_string());
            }
        }
        features
    }

    /// The side of a package from its dependencies (spec §2, "Sides").
    pub fn side(&self, declared_client: bool) -> (PackageSide, String) {
        if declared_client {
            return (PackageSide::Client, "named in `[client] packages`".into());
        }
        let mut browser = None;
        let mut server = None;
        for dependency in &self.dependencies {
            let name = dependency.name.as_str();
            let features = self.dependency_features(dependency);
            let has = |feature: &str| features.iter().any(|f| f == feature);
            let is_browser = BROWSER_CRATES.contains(&name)
                || name.starts_with("gloo")
                || (name == "leptos" && (has("csr") || has("hydrate")))
                || (name == "dioxus" && has("web"))
                || dependency.wasm_only;
            let is_server = SERVER_CRATES.contains(&name)
                || (name == "hyper" && has("server"))
                || (name == "leptos" && has("ssr"))
                || (name == "dioxus" && (has("server") || has("fullstack") && has("axum")));
            if is_browser && browser.is_none() {
                browser = Some(name.to_string());
            }
            if is_server && server.is_none() {
                server = Some(name.to_string());
            }
        }
        match (browser, server) {
            (Some(b), Some(s)) => (PackageSide::Shared, format!("depends on `{b}` and `{s}`")),
            (Some(b), None) => (PackageSide::Client, format!("depends on `{b}`")),
            (None, Some(s)) => (PackageSide::Server, format!("depends on `{s}`")),
            (None, None) => (PackageSide::Server, "no browser dependency".into()),
        }
    }
}

/// What kind of file a path is, from its name alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Rust,
    /// `.env`, `.env.*`
    Env,
    /// `.js .mjs .cjs .ts .jsx .tsx .vue .svelte .astro .html`, and page templates
    /// (`.hbs .tera .jinja .j2 .njk .liquid`)
    FrontEnd,
    SourceMap,
    Wasm,
    /// Markdown and text read by people: runbooks, support docs.
    Doc,
    /// Anything else that is text: TOML, YAML, JSON, shell, …
    Other,
}

impl FileKind {
    pub fn of(path: &str) -> FileKind {
        let name = file_name(path);
        if name == ".env" || name.starts_with(".env.") {
            return FileKind::Env;
        }
        match extension(name) {
            "rs" => FileKind::Rust,
            "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" | "jsx" | "tsx" | "vue" | "svelte"
            | "astro" | "html" | "htm" | "hbs" | "handlebars" | "tera" | "jinja" | "j2" | "njk"
            | "liquid" => FileKind::FrontEnd,
            "map" => FileKind::SourceMap,
            "wasm" => FileKind::Wasm,
            "md" | "markdown" | "txt" | "rst" | "adoc" => FileKind::Doc,
            _ => FileKind::Other,
        }
    }
}

pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn extension(name: &str) -> &str {
    name.rsplit_once('.')
        .map_or("", |(stem, ext)| if stem.is_empty() { "" } else { ext })
}

/// Built bundle folders: what a build writes for browsers.
const BUNDLE_DIRS: [&str; 7] = ["dist", "build", "out", "pkg", "public", "static", "www"];
/// Folders that hold tests, examples and fixtures: never live scope.
const TEST_DIRS: [&str; 8] = [
    "tests",
    "test",
    "benches",
    "examples",
    "fixtures",
    "__tests__",
    "__fixtures__",
    "testdata",
];
/// Words in a file name that mark another environment than production.
const NON_LIVE_WORDS: [&str; 13] = [
    "dev",
    "development",
    "test",
    "tests",
    "testing",
    "sandbox",
    "staging",
    "stage",
    "local",
    "spec",
    "example",
    "examples",
    "sample",
];

/// Where a file sits, before anything inside it is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileClass {
    pub kind: FileKind,
    /// For non-Rust files: client or server. For Rust files: the package side, where shared
    /// means per-item.
    pub package_side: PackageSide,
    /// Under `tests/`, `examples/`, `fixtures/`, a `*.test.*` file, …
    pub test_code: bool,
    /// False when the file name marks another environment (or the launch is `sandbox`).
    pub live: bool,
    /// A runbook or support document (reported by `runbook-leak`, not the code rules).
    pub runbook: bool,
    /// Tracked by git but listed by an ignore file: read by the credential rules only, since
    /// an ignore file must not hide a committed secret.
    pub credentials_only: bool,
}

/// Everything the rules need to know about the project as a whole.
#[derive(Clone, Debug, Default)]
pub struct ProjectModel {
    /// What the config says about the launch, with where it says it.
    pub launch: LaunchConfig,
    /// The 0Bit contract: built in, plus `[contract] extend` files.
    pub contract: crate::project::contract::Contract,
    /// Method names of generated clients for the contract's operations (`create_session`).
    pub operation_methods: Vec<String>,
    pub packages: Vec<Package>,
    pub frontends: Vec<FrontEnd>,
    pub environment: Environment,
    client_paths: Option<GlobSet>,
    client_prefixes: Vec<String>,
    runbook_paths: Option<GlobSet>,
    runbook_prefixes: Vec<String>,
    /// Files git tracks that the ignore files would have hidden (see [`FileClass`]).
    pub credentials_only: std::collections::BTreeSet<String>,
}

/// A config path entry is a folder prefix (`web/dist/`) or, with glob characters, a glob.
fn split_paths(entries: &[String]) -> Result<(Vec<String>, Option<GlobSet>), String> {
    let mut prefixes = Vec::new();
    let mut globs = GlobSetBuilder::new();
    let mut any_glob = false;
    for entry in entries {
        let entry = entry.trim_start_matches("./");
        if entry.contains(['*', '?', '[', '{']) {
            globs.add(Glob::new(entry).map_err(|error| error.to_string())?);
            any_glob = true;
        } else {
            prefixes.push(entry.trim_end_matches('/').to_string());
        }
    }
    let globs = if any_glob {
        Some(globs.build().map_err(|e| e.to_string())?)
    } else {
        None
    };
    Ok((prefixes, globs))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn under_any(path: &str, prefixes: &[String], globs: &Option<GlobSet>) -> bool {
    prefixes.iter().any(|prefix| {
        prefix.is_empty()
            || path == prefix
            || path
                .strip_prefix(prefix.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }) || globs.as_ref().is_some_and(|globs| globs.is_match(path))
}

impl ProjectModel {
    pub fn new(environment: Environment) -> Self {
        let mut model = ProjectModel {
            environment,
            ..Default::default()
        };
        model.set_contract(crate::project::contract::Contract::builtin());
        model
    }

    pub fn set_contract(&mut self, contract: crate::project::contract::Contract) {
        self.operation_methods = contract.endpoints.iter().map(|e| e.method_name()).collect();
        self.contract = contract;
    }

    /// `[client] paths`: folders or globs shipped to browsers.
    pub fn set_client_paths(&mut self, entries: &[String]) -> Result<(), String> {
        (self.client_prefixes, self.client_paths) = split_paths(entries)?;
        Ok(())
    }

    /// `[support] runbooks`.
    pub fn set_runbook_paths(&mut self, entries: &[String]) -> Result<(), String> {
        (self.runbook_prefixes, self.runbook_paths) = split_paths(entries)?;
        Ok(())
    }

    /// The package whose folder holds `path` (the innermost one).
    pub fn package_of(&self, path: &str) -> Option<&Package> {
        self.packages
            .iter()
            .filter(|package| under_any(path, std::slice::from_ref(&package.dir), &None))
            .max_by_key(|package| package.dir.len())
    }

    fn frontend_of(&self, path: &str) -> Option<&FrontEnd> {
        self.frontends
            .iter()
            .filter(|frontend| under_any(path, std::slice::from_ref(&frontend.dir), &None))
            .max_by_key(|frontend| frontend.dir.len())
    }

    /// True for files that are shipped to browsers: under `[client] paths` or in a built
    /// bundle folder. These are scanned even when gitignored.
    pub fn is_shipped_path(&self, path: &str) -> bool {
        if under_any(path, &self.client_prefixes, &self.client_paths) {
            return true;
        }
        let dirs: Vec<&str> = path.split('/').collect();
        let dirs = &dirs[..dirs.len().saturating_sub(1)];
        dirs.iter().any(|dir| BUNDLE_DIRS.contains(dir))
            || dirs
                .windows(2)
                .any(|w| w == [".next", "static"] || w == ["target", "site"])
    }

    pub fn classify(&self, path: &str) -> FileClass {
        let kind = FileKind::of(path);
        let name = file_name(path);
        let dirs: Vec<&str> = path.split('/').collect();
        let dirs = &dirs[..dirs.len() - 1];
        let test_code = dirs.iter().any(|dir| TEST_DIRS.contains(dir))
            || name
                .split(['.', '_', '-'])
                .any(|word| matches!(word, "test" | "spec"));
        let live = self.environment == Environment::Live
            && !test_code
            && !name
                .split(['.', '_', '-'])
                .any(|word| NON_LIVE_WORDS.contains(&word.to_ascii_lowercase().as_str()));
        let runbook = kind == FileKind::Doc && self.is_runbook(path, dirs, name);
        let package_side = match kind {
            FileKind::Rust => match self.package_of(path) {
                // A build script runs on the build host, whatever the package targets.
                Some(package) if path == join(&package.dir, "build.rs") => PackageSide::Server,
                Some(package) => package.side,
                None => PackageSide::Server,
            },
            // Env files follow the public-prefix rule, variable by variable.
            FileKind::Env => PackageSide::Server,
            _ if self.is_shipped_path(path) => PackageSide::Client,
            FileKind::FrontEnd if self.is_front_end_source(path) => PackageSide::Client,
            // Server-rendered templates (askama, tera, handlebars) become the pages browsers get.
            FileKind::FrontEnd if dirs.contains(&"templates") => PackageSide::Client,
            _ => PackageSide::Server,
        };
        FileClass {
            kind,
            package_side,
            test_code,
            live,
            runbook,
            credentials_only: self.credentials_only.contains(path),
        }
    }

    fn is_runbook(&self, path: &str, dirs: &[&str], name: &str) -> bool {
        if under_any(path, &self.runbook_prefixes, &self.runbook_paths) {
            return true;
        }
        let upper = name.to_ascii_uppercase();
        dirs.iter()
            .any(|dir| matches!(*dir, "docs" | "runbooks" | "support" | "ISSUE_TEMPLATE"))
            || upper.starts_with("RUNBOOK")
            || upper.starts_with("SUPPORT")
    }

    /// A front-end source of a front-end package that is not one of its server paths.
    fn is_front_end_source(&self, path: &str) -> bool {
        let in_client_crate = self
            .package_of(path)
            .is_some_and(|package| package.side != PackageSide::Server);
        let frontend = self.frontend_of(path);
        if frontend.is_some_and(|f| f.server_only) || (frontend.is_none() && !in_client_crate) {
            return false;
        }
        let dir = frontend.map_or_else(
            || self.package_of(path).map_or("", |p| p.dir.as_str()),
            |f| f.dir.as_str(),
        );
        let inner = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .trim_start_matches('/');
        !is_server_path(inner)
    }
}

/// Server paths of a front-end package (spec §2): API routes, route handlers, server folders,
/// `*.server.*` files, SvelteKit `+server.*` endpoints, build tool config that runs in Node
/// (`vite.config.ts`), and Next.js `middleware`/`instrumentation`, which run on the server.
fn is_server_path(inner: &str) -> bool {
    let name = file_name(inner);
    let dirs: Vec<&str> = inner.split('/').collect();
    let dirs = &dirs[..dirs.len() - 1];
    let in_app_dir = dirs.first().is_some_and(|d| *d == "app")
        || (dirs.first() == Some(&"src") && dirs.get(1) == Some(&"app"));
    inner.starts_with("pages/api/")
        || inner.starts_with("src/pages/api/")
        || (in_app_dir && name.starts_with("route."))
        || dirs.contains(&"server")
        || name.contains(".server.")
        || (dirs.is_empty() && name.contains(".config."))
        || name.starts_with("+server.")
        || ((dirs.is_empty() || dirs == ["src"])
            && (name.starts_with("middleware.") || name.starts_with("instrumentation.")))
}

/// The directive prologue of a JS module: the string statements (`"use client";`) before
/// any other code, after comments.
fn directives(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(comment) = rest.strip_prefix("//") {
            rest = comment.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(comment) = rest.strip_prefix("/*") {
            rest = comment.split_once("*/").map_or("", |(_, after)| after);
        } else if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let Some((directive, after)) = rest[1..].split_once(quote) else {
                break;
            };
            found.push(directive);
            rest = after.trim_start().trim_start_matches(';');
        } else {
            break;
        }
    }
    found
}

/// `import "server-only"`: the module refuses to be bundled for the browser.
fn imports_server_only(text: &str) -> bool {
    text.contains("import \"server-only\"") || text.contains("import 'server-only'")
}

impl ProjectModel {
    /// Whether a front-end file that its path calls client declares that it runs on the
    /// server: a `"use server"` directive or `import "server-only"`.
    pub fn runs_on_server(&self, text: &str) -> bool {
        directives(text).contains(&"use server") || imports_server_only(text)
    }

    /// The Next.js app holding `path`, if any.
    pub fn next_app_of(&self, path: &str) -> Option<&FrontEnd> {
        self.frontend_of(path).filter(|frontend| frontend.next)
    }
}

/// `"use client"` in a module's directive prologue.
pub fn declares_use_client(text: &str) -> bool {
    directives(text).contains(&"use client")
}

/// The byte range of an Astro component's frontmatter (the `---` fenced script at the top),
/// which runs on the server and is never shipped.
pub fn astro_frontmatter(text: &str) -> Option<std::ops::Range<usize>> {
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with("---") {
        return None;
    }
    let body = start + 3;
    let end = text[body..]
        .find("\n---")
        .map_or(text.len(), |at| body + at + 4);
    Some(start..end)
}

impl FrontEnd {
    /// A trunk front end (`Trunk.toml`): all its sources are client.
    pub fn trunk(dir: &str) -> FrontEnd {
        FrontEnd {
            dir: dir.to_string(),
            server_only: false,
            next: false,
        }
    }

    /// Reads what matters of a `package.json`: Node packages that name only server
    /// frameworks are back ends; Next.js apps have server components.
    pub fn from_package_json(dir: &str, package_json: &str) -> FrontEnd {
        const FRONT_END: [&str; 14] = [
            "react",
            "react-dom",
            "vue",
            "svelte",
            "@sveltejs/kit",
            "solid-js",
            "preact",
            "next",
            "nuxt",
            "astro",
            "vite",
            "@angular/core",
            "lit",
            "@0bit/gate-js",
        ];
        const BACK_END: [&str; 6] = [
            "express",
            "fastify",
            "koa",
            "@hapi/hapi",
            "@nestjs/core",
            "hono",
        ];
        let value = serde_json::from_str::<serde_json::Value>(package_json).unwrap_or_default();
        let names: Vec<&str> = ["dependencies", "devDependencies"]
            .iter()
            .filter_map(|section| value.get(section)?.as_object())
            .flat_map(|deps| deps.keys().map(String::as_str))
            .collect();
        FrontEnd {
            dir: dir.to_string(),
            server_only: names.iter().any(|n| BACK_END.contains(n))
                && !names.iter().any(|n| FRONT_END.contains(n)),
            next: names.contains(&"next"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(name: &str, features: &[&str]) -> Dependency {
        Dependency {
            name: name.into(),
            features: features.iter().map(|f| f.to_string()).collect(),
            wasm_only: false,
        }
    }

    #[test]
    fn sides_from_dependencies() {
        let side = |deps: Vec<Dependency>, features: &[(&str, &[&str])]| {
            let manifest = PackageManifest {
                dependencies: deps,
                features: features
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
                    .collect(),
                ..Default::default()
            };
            manifest.side(false).0
        };
        assert_eq!(side(vec![dep("axum", &[])], &[]), PackageSide::Server);
        assert_eq!(side(vec![dep("yew", &["csr"])], &[]), PackageSide::Client);
        assert_eq!(
            side(vec![dep("leptos", &["csr"])], &[]),
            PackageSide::Client
        );
        assert_eq!(side(vec![dep("leptos", &[])], &[]), PackageSide::Server);
        assert_eq!(
            side(
                vec![dep("leptos", &[]), dep("axum", &[])],
                &[
                    ("hydrate", &["leptos/hydrate"]),
                    ("ssr", &["dep:axum", "leptos/ssr"])
                ]
            ),
            PackageSide::Shared
        );
        assert_eq!(side(vec![dep("serde", &[])], &[]), PackageSide::Server);
    }

    #[test]
    fn classifies_places() {
        let mut model = ProjectModel::new(Environment::Live);
        model.frontends.push(FrontEnd::trunk("web"));
        model.set_client_paths(&["assets/".into()]).unwrap();
        let side = |path: &str| model.classify(path).package_side;
        assert_eq!(side("web/src/main.ts"), PackageSide::Client);
        assert_eq!(side("web/pages/api/session.ts"), PackageSide::Server);
        assert_eq!(side("web/app/checkout/route.ts"), PackageSide::Server);
        assert_eq!(side("web/vite.config.ts"), PackageSide::Server);
        assert_eq!(side("server/dist/app.js"), PackageSide::Client);
        assert_eq!(side("assets/app.js"), PackageSide::Client);
        assert_eq!(side("tools/seed.js"), PackageSide::Server);
        assert!(!model.classify(".env.development").live);
        assert!(!model.classify("config/sandbox.toml").live);
        assert!(model.classify("config/production.toml").live);
        assert!(
            model.classify("src/device.rs").live,
            "words, not substrings"
        );
        assert!(model.classify("tests/api.rs").test_code);
        assert!(model.classify("docs/runbook.md").runbook);
        model.packages.push(Package {
            name: "web".into(),
            dir: "web".into(),
            side: PackageSide::Client,
            reason: String::new(),
        });
        let side = |path: &str| model.classify(path).package_side;
        assert_eq!(side("web/src/main.rs"), PackageSide::Client);
        assert_eq!(side("web/build.rs"), PackageSide::Server);
    }

    #[test]
    fn package_json_kinds() {
        let read = |json: &str| FrontEnd::from_package_json("web", json);
        assert!(read(r#"{"dependencies":{"express":"4"}}"#).server_only);
        assert!(!read(r#"{"dependencies":{"next":"14","express":"4"}}"#).server_only);
        assert!(!read(r#"{"dependencies":{"react":"18"}}"#).server_only);
        assert!(read(r#"{"dependencies":{"next":"14"}}"#).next);
        assert!(!read("not json").server_only);
    }

    #[test]
    fn text_decides_some_front_end_files() {
        let mut model = ProjectModel::new(Environment::Live);
        model.frontends.push(FrontEnd::from_package_json(
            "shop",
            r#"{"dependencies":{"next":"14"}}"#,
        ));
        assert!(model.next_app_of("shop/app/checkout/page.tsx").is_some());
        assert!(model.next_app_of("web/src/main.ts").is_none());
        assert!(declares_use_client(
            "\"use client\";\nexport function Pay() {}"
        ));
        assert!(declares_use_client(
            "/* pay */\n'use client'\nexport function Pay() {}"
        ));
        let mentions =
            "// A server component (no \"use client\")\nexport default function Page() {}";
        assert!(!declares_use_client(mentions));
        assert!(!model.runs_on_server("export function Pay() {}"));
        assert!(model.runs_on_server("import 'server-only';"));
        assert!(model.runs_on_server("\"use server\";\nexport async function act() {}"));
        assert_eq!(
            model
                .classify("shop/src/routes/api/+server.ts")
                .package_side,
            PackageSide::Server
        );
        assert_eq!(
            model.classify("shop/middleware.ts").package_side,
            PackageSide::Server
        );
        let astro = "---\nconst k = import.meta.env.SECRET;\n---\n<p>{k}</p>";
        assert_eq!(astro_frontmatter(astro), Some(0..41));
        assert_eq!(astro_frontmatter("<p>hi</p>"), None);
    }
}
