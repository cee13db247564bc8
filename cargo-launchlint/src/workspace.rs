//! Which Cargo packages the project has, and what they depend on.
//!
//! The root workspace comes from `cargo metadata --no-deps --offline`, which never resolves or
//! downloads dependencies and runs no build script. When cargo is missing, fails or takes too
//! long, and for standalone crates below the root that are not members of it, the manifests
//! are read directly (workspace-inherited dependencies take their features from the root).
//!
//! The scanned tree must not choose what runs. Cargo is started from the filesystem root with
//! an absolute `--manifest-path`, so neither a `rust-toolchain(.toml)` (which makes rustup run
//! a binary of the repository's choosing, or download a toolchain) nor a `.cargo/config.toml`
//! of the tree is read; rustup may not install anything; the child has a time limit and
//! capped output. A tree whose `Cargo.toml` is a symlink, FIFO or device, or that has
//! symlinked folders cargo could follow out of it, is not handed to cargo at all.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use launchlint_rules::project::model::{Dependency, PackageManifest};

use crate::walk::Irregular;

/// `cargo metadata --no-deps` takes well under a second on any real workspace.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Its output for a 1,000-package workspace is a few MB.
const MAX_OUTPUT_BYTES: u64 = 64 * 1024 * 1024;

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

/// Reads the workspace whose root manifest is `root/Cargo.toml`. `irregular` are the tree's
/// symlinks, FIFOs and devices, as the walk found them.
pub fn load(root: &Path, irregular: &[Irregular]) -> Workspace {
    let manifests = |fallback_reason| Workspace {
        packages: Vec::new(),
        source: Source::Manifests,
        fallback_reason,
    };
    let manifest = root.join("Cargo.toml");
    let Ok(metadata) = std::fs::symlink_metadata(&manifest) else {
        return manifests(None);
    };
    if !metadata.is_file() {
        return manifests(Some(format!(
            "`{}` is not a regular file",
            manifest.display()
        )));
    }
    if let Some(entry) = irregular.iter().find(|entry| {
        entry.links_to_dir
            || launchlint_rules::project::model::file_name(&entry.path) == "Cargo.toml"
    }) {
        return manifests(Some(format!(
            "the tree has a symlink or special file at `{}` that cargo could follow",
            entry.path
        )));
    }
    match cargo_metadata(root, &manifest, timeout()) {
        Ok(packages) => Workspace {
            packages,
            source: Source::CargoMetadata,
            fallback_reason: None,
        },
        Err(reason) => manifests(Some(reason)),
    }
}

/// `LAUNCHLINT_CARGO_TIMEOUT_MS` overrides the limit (tests use a short one).
fn timeout() -> Duration {
    std::env::var("LAUNCHLINT_CARGO_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(DEFAULT_TIMEOUT, Duration::from_millis)
}

fn cargo_metadata(
    root: &Path,
    manifest: &Path,
    timeout: Duration,
) -> Result<Vec<PackageManifest>, String> {
    let manifest = std::fs::canonicalize(manifest).map_err(|error| error.to_string())?;
    // `$CARGO` is the cargo that started us (`cargo launchlint`); otherwise the one on PATH,
    // whose toolchain rustup then picks from our environment, not from the tree.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = cargo_metadata::MetadataCommand::new()
        .cargo_path(cargo)
        .manifest_path(&manifest)
        .no_deps()
        .other_options(vec!["--offline".to_string()])
        .cargo_command();
    command
        .current_dir(filesystem_root(&manifest))
        .env("RUSTUP_AUTO_INSTALL", "0")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().map_err(|error| error.to_string())?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut stdout).take(MAX_OUTPUT_BYTES).read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < timeout => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("timed out after {} ms", timeout.as_millis()));
            }
            Err(error) => return Err(error.to_string()),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let text = String::from_utf8_lossy(&stderr);
        return Err(first_line(&text).chars().take(300).collect());
    }
    let text = String::from_utf8_lossy(&stdout);
    let line = text
        .lines()
        .find(|line| line.starts_with('{'))
        .ok_or("no output")?;
    let metadata = cargo_metadata::MetadataCommand::parse(line).map_err(|e| e.to_string())?;
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

/// The root of the filesystem `path` is on: a folder no repository controls.
fn filesystem_root(path: &Path) -> &Path {
    path.ancestors().last().unwrap_or(path)
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

/// `[workspace] exclude` of a root manifest: folders, relative to it, that are not members.
/// `cargo metadata` does not report them; they are example scope (spec §2).
pub fn workspace_excludes(text: &str) -> Vec<String> {
    let Ok(manifest) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    string_list(manifest.get("workspace").and_then(|w| w.get("exclude")))
}

/// The strings of a TOML array (others skipped); empty when it is not one.
pub(crate) fn string_list(value: Option<&toml::Value>) -> Vec<String> {
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

    #[test]
    fn reads_workspace_excludes() {
        assert_eq!(
            workspace_excludes(
                "[workspace]\nmembers = [\"server\"]\nexclude = [\"examples/legacy-shop\", \"./sdk-playground/\"]\n"
            ),
            ["examples/legacy-shop", "./sdk-playground/"]
        );
        assert!(workspace_excludes("[workspace]\nmembers = [\"server\"]\n").is_empty());
        assert!(workspace_excludes("[package]\nname = \"x\"\n").is_empty());
        assert!(workspace_excludes("not toml [").is_empty());
    }
}
