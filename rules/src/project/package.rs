//! Cargo packages and the side of the wire each one runs on, from its manifest.

use std::collections::BTreeMap;

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
