//! Which Cargo packages the project has, and what they depend on.
//!
//! The root workspace comes from `cargo metadata --no-deps --offline`, which never resolves or
//! downloads dependencies and runs no build script. When cargo is missing or fails, and for
//! standalone crates below the root that are not members of it, the manifests are read
//! directly (workspace-inherited dependencies take their features from the root).

use std::collections::BTreeMap;
use std::path::Path;

use launchlint_rules::model::{Dependency, PackageManifest};

/// How the packages were found, for notes.
#[derive(Debug, PartialEq, Eq)]
pub enum Source {
    CargoMetadata,
    Manifests,
}

pub struct Workspace {
    pub packages: Vec<PackageManifest>,
    pub source: Source,
    /// Why `cargo metadata` was not used, when it was not.
    pub fallback_reason: Option<String>,
}

/// Reads the workspace at `root` (or at `manifest_path`).
pub fn load(root: &Path, manifest_path: Option<&Path>) -> Workspace {
    let manifest = manifest_path.map_or_else(|| root.join("Cargo.toml"), Path::to_path_buf);
    if !manifest.is_file() {
        return Workspace {
            packages: Vec::new(),
            source: Source::Manifests,
            fallback_reason: None,
        };
    }
    match cargo_metadata(root, &manifest) {
        Ok(packages) => Workspace {
            packages,
            source: Source::CargoMetadata,
            fallback_reason: None,
        },
        Err(reason) => Workspace {
            packages: Vec::new(),
            source: Source::Manifests,
            fallback_reason: Some(reason),
        },
    }
}

fn cargo_metadata(root: &Path, manifest: &Path) -> Result<Vec<PackageManifest>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let metadata = cargo_metadata::MetadataCommand::new()
        .cargo_path(cargo)
        .manifest_path(manifest)
        .no_deps()
        .other_options(vec!["--offline".to_string()])
        .exec()
        .map_err(|error| first_line(&error.to_string()))?;
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    Ok(metadata
        .packages
        .iter()
        .filter_map(|package| {
            let dir = package.manifest_path.parent()?.as_std_path();
            let dir = relative_dir(&root, dir)?;
            let dependencies = package
                .dependencies
                .iter()
                .map(|dep| Dependency {
                    name: dep.name.clone(),
                    features: dep.features.clone(),
                    wasm_only: dep
                        .target
                        .as_ref()
                        .is_some_and(|t| is_wasm_target(&t.to_string())),
                })
                .collect();
            let features = package
                .features
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Some(PackageManifest {
                name: package.name.to_string(),
                dir,
                dependencies,
                features,
            })
        })
        .collect())
}

fn first_line(text: &str) -> String {
    text.lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or(text)
        .trim()
        .to_string()
}

fn relative_dir(root: &Path, dir: &Path) -> Option<String> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let relative = dir.strip_prefix(root).ok()?;
    Some(relative.to_string_lossy().replace('\\', "/"))
}

fn is_wasm_target(target: &str) -> bool {
    target.contains("wasm32") && !target.contains("not(")
}

/// Reads one `Cargo.toml` directly. `workspace_deps` are the root's
/// `[workspace.dependencies]`, for `leptos = { workspace = true }`.
pub fn read_manifest(
    dir: &str,
    text: &str,
    workspace_deps: &BTreeMap<String, Vec<String>>,
) -> Option<PackageManifest> {
    let manifest: toml::Table = toml::from_str(text).ok()?;
    let package = manifest.get("package")?.as_table()?;
    let name = package.get("name")?.as_str()?.to_string();
    let mut dependencies = Vec::new();
    let mut add = |table: Option<&toml::Value>, wasm_only: bool| {
        for (key, spec) in table.and_then(toml::Value::as_table).into_iter().flatten() {
            let name = spec
                .get("package")
                .and_then(toml::Value::as_str)
                .unwrap_or(key)
                .to_string();
            let mut features = string_list(spec.get("features"));
            if spec.get("workspace").and_then(toml::Value::as_bool) == Some(true) {
                features.extend(workspace_deps.get(key).cloned().unwrap_or_default());
            }
            dependencies.push(Dependency {
                name,
                features,
                wasm_only,
            });
        }
    };
    add(manifest.get("dependencies"), false);
    for (target, table) in manifest
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
    {
        add(table.get("dependencies"), is_wasm_target(target));
    }
    let features = manifest
        .get("features")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
        .map(|(feature, enables)| (feature.clone(), string_list(Some(enables))))
        .collect();
    Some(PackageManifest {
        name,
        dir: dir.to_string(),
        dependencies,
        features,
    })
}

/// `[workspace.dependencies]` of a root manifest: name to features.
pub fn workspace_dependencies(text: &str) -> BTreeMap<String, Vec<String>> {
    let Ok(manifest) = toml::from_str::<toml::Table>(text) else {
        return BTreeMap::new();
    };
    manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table)
        .into_iter()
        .flatten()
        .map(|(name, spec)| (name.clone(), string_list(spec.get("features"))))
        .collect()
}

fn string_list(value: Option<&toml::Value>) -> Vec<String> {
    value
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_manifest_with_inherited_features() {
        let root = workspace_dependencies(
            "[workspace.dependencies]\nleptos = { version = \"0.7\", features = [\"csr\"] }\n",
        );
        let manifest = read_manifest(
            "web",
            "[package]\nname = \"web\"\n[dependencies]\nleptos = { workspace = true }\n[target.'cfg(target_arch = \"wasm32\")'.dependencies]\ngloo-net = \"0.6\"\n[features]\nhydrate = [\"leptos/hydrate\"]\n",
            &root,
        )
        .unwrap();
        assert_eq!(manifest.name, "web");
        assert_eq!(manifest.dependencies[0].features, ["csr"]);
        assert!(manifest.dependencies[1].wasm_only);
        assert_eq!(manifest.features["hydrate"], ["leptos/hydrate"]);
    }
}
