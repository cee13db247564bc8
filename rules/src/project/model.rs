//! The in-memory project model: which packages exist, which side of the wire each one runs on,
//! and what kind of place every file is. The shell fills it from `cargo metadata`, the config
//! and the walk; everything here is pure data and decisions, so rules are testable without a
//! file system.

use globset::{Glob, GlobSet, GlobSetBuilder};

pub use crate::project::files::{file_name, FileClass, FileKind, Scope};
pub use crate::project::front_end::{astro_frontmatter, declares_use_client, FrontEnd};
use crate::project::front_end::{directives, imports_server_only, is_server_path};
pub use crate::project::package::{Dependency, Package, PackageManifest, PackageSide, Side};

/// `[launch] environment`: a launch gate is live unless told otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Environment {
    #[default]
    Live,
    Sandbox,
}

/// The parts of the config that rules check or point at.
#[derive(Clone, Debug, Default)]
pub struct LaunchConfig {
    /// The config file, relative to the root (`launchlint.toml`), when there is one.
    pub path: Option<String>,
    /// Line bookkeeping of the config file, for findings and labels that point into it.
    pub lines: crate::ground::source::LineIndex,
    /// `[origins] allowed`: each entry and its span; `None` when there is no `[origins]`.
    pub allowed_origins: Option<Vec<Declared>>,
    /// The span of the `allowed` list, for "declared origins are here" labels.
    pub allowed_span: Option<std::ops::Range<usize>>,
    pub enabled_products: Vec<String>,
    /// `[launch] product-surface` and its span.
    pub product_surface: Option<Declared>,
    /// The config has a `[launch]`, `[origins]`, `[contract]` or `[monitoring]` section: the
    /// project says it launches on 0Bit.
    pub declares_launch: bool,
    /// The `[launch]` record, when the config has a `[launch]` section.
    pub record: Option<LaunchRecord>,
    /// `[monitoring]`, when the config has one.
    pub monitoring: Option<Monitoring>,
}

/// The `[launch]` section as written: each key with its span in the config file.
#[derive(Clone, Debug, Default)]
pub struct LaunchRecord {
    /// The `[launch]` header (or the first key, when the section is written another way).
    pub span: std::ops::Range<usize>,
    pub product_surface: Option<Declared>,
    pub sandbox_evidence_id: Option<Declared>,
    /// `compliance-approved`, as `true`/`false`, and its span.
    pub compliance_approved: Option<Declared>,
}

/// `[monitoring]` as written.
#[derive(Clone, Debug, Default)]
pub struct Monitoring {
    /// The `[monitoring]` header (or its first key).
    pub span: std::ops::Range<usize>,
    /// `alerts`: each path or glob and its span.
    pub alerts: Vec<Declared>,
    /// `covers`: the signal key (`session-failures`, `webhook-dead-letters`,
    /// `reconciliation-backlog`) and the alert name it names, with the name's span.
    pub covers: Vec<(String, Declared)>,
}

/// A value the config declares, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    pub value: String,
    pub span: std::ops::Range<usize>,
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

/// Built bundle folders: what a build writes for browsers.
const BUNDLE_DIRS: [&str; 7] = ["dist", "build", "out", "pkg", "public", "static", "www"];
/// Words in a file name that mark another environment than production. (Test and example
/// words make a file test or example scope instead: see [`crate::project::files::marked_scope`].)
const NON_LIVE_WORDS: [&str; 7] = [
    "dev",
    "development",
    "sandbox",
    "staging",
    "stage",
    "local",
    "spec",
];

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
    alert_paths: Option<GlobSet>,
    alert_prefixes: Vec<String>,
    /// Files git tracks that the ignore files would have hidden (see [`FileClass`]).
    pub credentials_only: std::collections::BTreeSet<String>,
    /// Folders the root manifest's `[workspace] exclude` lists: example scope.
    excluded_dirs: Vec<String>,
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

    /// `[monitoring] alerts`: files or globs of alert definitions.
    pub fn set_alert_paths(&mut self, entries: &[String]) -> Result<(), String> {
        (self.alert_prefixes, self.alert_paths) = split_paths(entries)?;
        Ok(())
    }

    /// Whether `[monitoring] alerts` lists `path` (a file, a folder holding it, or a glob).
    pub fn is_alert_path(&self, path: &str) -> bool {
        (!self.alert_prefixes.is_empty() || self.alert_paths.is_some())
            && under_any(path, &self.alert_prefixes, &self.alert_paths)
    }

    /// `[workspace] exclude` of the root manifest: folders relative to the root.
    pub fn set_excluded_dirs(&mut self, entries: &[String]) {
        self.excluded_dirs = entries
            .iter()
            .map(|entry| {
                entry
                    .trim_start_matches("./")
                    .trim_end_matches('/')
                    .to_string()
            })
            .filter(|entry| !entry.is_empty() && entry != ".")
            .collect();
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

    /// The built bundle folder a shipped file sits in (`frontend/dist/`), when it is under
    /// one rather than under `[client] paths`.
    pub fn bundle_folder(path: &str) -> Option<String> {
        let dirs: Vec<&str> = path.split('/').collect();
        let dirs = &dirs[..dirs.len().saturating_sub(1)];
        let at = dirs.iter().position(|dir| BUNDLE_DIRS.contains(dir))?;
        Some(format!("{}/", dirs[..=at].join("/")))
    }

    pub fn classify(&self, path: &str) -> FileClass {
        let kind = FileKind::of(path);
        let name = file_name(path);
        let dirs: Vec<&str> = path.split('/').collect();
        let dirs = &dirs[..dirs.len() - 1];
        let runbook = kind == FileKind::Doc && self.is_runbook(path, dirs, name);
        let scope = match crate::project::files::marked_scope(path) {
            Scope::Live if under_any(path, &self.excluded_dirs, &None) => Scope::Example,
            // Markdown and text for people, except runbooks (which `runbook-leak` reads).
            Scope::Live if kind == FileKind::Doc && !runbook => Scope::Documentation,
            scope => scope,
        };
        let live_environment = self.environment == Environment::Live
            && !name
                .split(['.', '_', '-'])
                .any(|word| NON_LIVE_WORDS.contains(&word.to_ascii_lowercase().as_str()));
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
            scope,
            live_environment,
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

/// Whether a file's name marks another environment than production (`alerts.staging.yml`,
/// `.env.local`), whatever the launch's environment.
pub fn names_other_environment(path: &str) -> bool {
    file_name(path)
        .split(['.', '_', '-'])
        .any(|word| NON_LIVE_WORDS.contains(&word.to_ascii_lowercase().as_str()))
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
        assert!(!model.classify(".env.development").live());
        assert!(!model.classify("config/sandbox.toml").live());
        assert!(model.classify("config/production.toml").live());
        assert!(
            model.classify("src/device.rs").live(),
            "words, not substrings"
        );
        assert_eq!(model.classify("tests/api.rs").scope, Scope::Test);
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
    fn scopes_of_places() {
        let mut model = ProjectModel::new(Environment::Live);
        model.set_excluded_dirs(&["./legacy/".into(), "vendor/gate-sdk".into()]);
        let scope = |path: &str| model.classify(path).scope;
        for (path, expected) in [
            ("server/src/main.rs", Scope::Live),
            ("server/src/contest.rs", Scope::Live),
            ("testimonials/index.html", Scope::Live),
            ("server/tests/api.rs", Scope::Test),
            ("cypress-tests/e2e/pay.cy.ts", Scope::Test),
            ("loadtest/checkout.js", Scope::Test),
            ("api/Shop.postman_collection.json", Scope::Test),
            ("examples/checkout/src/main.rs", Scope::Example),
            ("examples/checkout/tests/api.rs", Scope::Test),
            ("legacy/src/main.rs", Scope::Example),
            ("vendor/gate-sdk/src/lib.rs", Scope::Example),
            ("vendor/gate-sdk-extra/src/lib.rs", Scope::Live),
            ("legacyshop/src/main.rs", Scope::Live),
            ("README.md", Scope::Documentation),
            ("server/NOTES.txt", Scope::Documentation),
            ("guide/setup.adoc", Scope::Documentation),
            // Runbooks are read by `runbook-leak`, not documentation.
            ("docs/runbook.md", Scope::Live),
            ("RUNBOOK.md", Scope::Live),
            ("examples/README.md", Scope::Example),
        ] {
            assert_eq!(scope(path), expected, "{path}");
        }
        assert!(!model.classify("README.md").live());
        assert!(!model.classify("examples/checkout/src/main.rs").live());
        assert!(model.classify("server/src/main.rs").live());
        assert!(!ProjectModel::new(Environment::Sandbox)
            .classify("server/src/main.rs")
            .live());
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
