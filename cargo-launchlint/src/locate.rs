//! Where a check starts, found the way cargo finds a workspace, and where the paths it prints
//! start.
//!
//! With no PATH, the project is the cargo workspace holding the current directory: the nearest
//! `Cargo.toml` at or above it, then that package's workspace root (its own manifest when it
//! has `[workspace]`, a `package.workspace` pointer to a folder above it, or the first
//! `[workspace]` manifest above it that does not exclude it; when that one does not list it as
//! a member, the package is a project of its own). `--manifest-path` starts from its folder
//! the same way. Only manifests are read on the way up, each a regular file of bounded size;
//! nothing is run.
//!
//! Printed paths are relative to the git work tree holding the scanned root (the nearest
//! folder at or above it with a `.git`), so annotations and SARIF locations resolve in the
//! repository even when the project is a subfolder of it; with no work tree, to the root.

use std::path::{Component, Path, PathBuf};

use globset::GlobBuilder;

use crate::fsio;
use crate::workspace::string_list;

/// The folder printed paths are relative to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Base {
    /// The git work tree holding the scanned root, or the root itself; absolute.
    pub dir: PathBuf,
    /// The scanned root relative to `dir`, with `/` and a trailing `/` (`fixtures/demo/`),
    /// or empty when they are the same folder.
    pub prefix: String,
}

impl Base {
    /// The base for a scan of `root`.
    pub fn of(root: &Path) -> Base {
        let Ok(root) = std::fs::canonicalize(root) else {
            return Base {
                dir: std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
                prefix: String::new(),
            };
        };
        let dir = crate::gitindex::repository_of(&root).unwrap_or_else(|| root.clone());
        let prefix = root.strip_prefix(&dir).map(slash_path).unwrap_or_default();
        Base {
            dir,
            prefix: if prefix.is_empty() {
                prefix
            } else {
                prefix + "/"
            },
        }
    }
}

/// The workspace root for a check started in `start` (the current directory, or the folder of
/// `--manifest-path`), shown relative to `cwd` when one is inside the other (`.`, `../..`,
/// `fixtures/demo`). `None` when no `Cargo.toml` is at or above `start`.
pub fn workspace_root(start: &Path, cwd: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let package = start
        .ancestors()
        .find(|dir| std::fs::symlink_metadata(dir.join("Cargo.toml")).is_ok())?;
    let root = root_of(package);
    Some(shown(&root, cwd))
}

/// What a manifest says about workspaces.
#[derive(Default)]
struct Manifest {
    /// Has a `[workspace]` table.
    workspace: bool,
    members: Vec<String>,
    exclude: Vec<String>,
    /// `package.workspace`: the folder of the workspace root, relative to this manifest.
    pointer: Option<String>,
    /// Folders of the package's path dependencies, relative to this manifest.
    path_dependencies: Vec<String>,
}

/// Reads `dir/Cargo.toml`: `None` when it is missing, not a regular file, too large or not
/// TOML.
fn manifest(dir: &Path) -> Option<Manifest> {
    let bytes = fsio::read_regular(&dir.join("Cargo.toml"), fsio::MAX_CONFIG_BYTES).ok()?;
    let table: toml::Table = toml::from_str(&String::from_utf8_lossy(&bytes)).ok()?;
    let workspace = table.get("workspace").and_then(toml::Value::as_table);
    let pointer = table
        .get("package")
        .and_then(|p| p.get("workspace"))
        .and_then(toml::Value::as_str)
        .map(str::to_string);
    let targets = table
        .get("target")
        .and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|targets| targets.values().filter_map(toml::Value::as_table));
    let path_dependencies = std::iter::once(&table)
        .chain(targets)
        .flat_map(|owner| {
            ["dependencies", "dev-dependencies", "build-dependencies"]
                .into_iter()
                .filter_map(move |kind| owner.get(kind).and_then(toml::Value::as_table))
        })
        .flat_map(|deps| deps.values())
        .filter_map(|spec| spec.get("path").and_then(toml::Value::as_str))
        .map(str::to_string)
        .collect();
    Some(Manifest {
        workspace: workspace.is_some(),
        members: string_list(workspace.and_then(|w| w.get("members"))),
        exclude: string_list(workspace.and_then(|w| w.get("exclude"))),
        pointer,
        path_dependencies,
    })
}

/// The workspace root of the package in `package` (canonical): see the module docs.
fn root_of(package: &Path) -> PathBuf {
    let own = manifest(package).unwrap_or_default();
    if own.workspace {
        return package.to_path_buf();
    }
    // A pointer is followed only up the tree: the root must hold the package.
    if let Some(pointer) = &own.pointer {
        if let Ok(target) = std::fs::canonicalize(package.join(pointer)) {
            if package.starts_with(&target) && manifest(&target).is_some_and(|root| root.workspace)
            {
                return target;
            }
        }
    }
    for dir in package.ancestors().skip(1) {
        let Some(root) = manifest(dir).filter(|m| m.workspace) else {
            continue;
        };
        let Ok(relative) = package.strip_prefix(dir) else {
            continue;
        };
        // cargo's rule: an excluded folder is not in this workspace unless listed by name.
        let named = |entries: &[String]| {
            entries
                .iter()
                .any(|entry| relative.starts_with(normalized(entry)))
        };
        if named(&root.exclude) && !named(&root.members) {
            continue;
        }
        return if is_member(&root, &slash_path(relative)) {
            dir.to_path_buf()
        } else {
            package.to_path_buf()
        };
    }
    package.to_path_buf()
}

/// Whether the workspace root's manifest lists the package at `relative` (with `/`): a
/// `members` glob, or a path dependency of the root package.
fn is_member(root: &Manifest, relative: &str) -> bool {
    let relative = Path::new(relative);
    root.members.iter().any(|member| {
        GlobBuilder::new(&slash_path(&normalized(member)))
            .literal_separator(true)
            .build()
            .is_ok_and(|glob| glob.compile_matcher().is_match(relative))
    }) || root
        .path_dependencies
        .iter()
        .any(|dep| normalized(dep) == relative)
}

/// `./server/` → `server`: a manifest's folder entry without `.` parts or a trailing `/`.
fn normalized(entry: &str) -> PathBuf {
    Path::new(entry)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `root` as the user would write it from `cwd`: `.`, `../..`, `fixtures/demo`, or absolute.
fn shown(root: &Path, cwd: &Path) -> PathBuf {
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    if root == cwd {
        return PathBuf::from(".");
    }
    if let Ok(below) = root.strip_prefix(&cwd) {
        return below.to_path_buf();
    }
    if let Ok(above) = cwd.strip_prefix(root) {
        return above.components().map(|_| Component::ParentDir).collect();
    }
    root.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temp dir");
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, text).expect("written");
        }
        dir
    }

    fn root_from(dir: &tempfile::TempDir, start: &str) -> Option<String> {
        let root = dir.path();
        workspace_root(&root.join(start), root).map(|p| slash_path(&p))
    }

    const PACKAGE: &str = "[package]\nname = \"p\"\n";

    #[test]
    fn a_member_finds_its_workspace_root() {
        let dir = tree(&[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"./server/\", \"crates/*\"]\n",
            ),
            ("server/Cargo.toml", PACKAGE),
            ("server/src/main.rs", ""),
            ("crates/db/Cargo.toml", PACKAGE),
            ("crates/db/deep/x/Cargo.toml", PACKAGE),
        ]);
        assert_eq!(root_from(&dir, "server/src").as_deref(), Some("."));
        assert_eq!(root_from(&dir, "server").as_deref(), Some("."));
        assert_eq!(root_from(&dir, "crates/db").as_deref(), Some("."));
        assert_eq!(root_from(&dir, ".").as_deref(), Some("."));
        // `crates/*` does not reach two folders down: that package stands alone.
        assert_eq!(
            root_from(&dir, "crates/db/deep/x").as_deref(),
            Some("crates/db/deep/x")
        );
        // Seen from inside the member, the root is above.
        let root = workspace_root(&dir.path().join("server"), &dir.path().join("server/src"));
        assert_eq!(root.map(|p| slash_path(&p)).as_deref(), Some("../.."));
    }

    #[test]
    fn excluded_unlisted_and_pointed_packages() {
        let dir = tree(&[
            (
                "Cargo.toml",
                "[package]\nname = \"root\"\n[dependencies]\nsdk = { path = \"sdk\" }\n[workspace]\nmembers = [\"server\"]\nexclude = [\"examples\"]\n",
            ),
            ("server/Cargo.toml", PACKAGE),
            ("sdk/Cargo.toml", PACKAGE),
            ("examples/shop/Cargo.toml", PACKAGE),
            ("tools/lint/Cargo.toml", PACKAGE),
            (
                "nested/Cargo.toml",
                "[package]\nname = \"n\"\nworkspace = \"..\"\n",
            ),
            (
                "escape/Cargo.toml",
                "[package]\nname = \"e\"\nworkspace = \"inner\"\n",
            ),
            ("escape/inner/Cargo.toml", "[workspace]\n"),
        ]);
        assert_eq!(root_from(&dir, "sdk").as_deref(), Some("."));
        assert_eq!(root_from(&dir, "nested").as_deref(), Some("."));
        assert_eq!(
            root_from(&dir, "examples/shop").as_deref(),
            Some("examples/shop")
        );
        assert_eq!(root_from(&dir, "tools/lint").as_deref(), Some("tools/lint"));
        // A pointer below the package is not followed; the walk up decides.
        assert_eq!(root_from(&dir, "escape").as_deref(), Some("escape"));
    }

    #[test]
    fn no_manifest_and_broken_manifests() {
        let dir = tree(&[("web/src/main.ts", "")]);
        let above = std::fs::canonicalize(dir.path()).expect("canonical");
        if !above.ancestors().any(|d| d.join("Cargo.toml").exists()) {
            assert_eq!(root_from(&dir, "web/src"), None);
        }
        let dir = tree(&[
            ("Cargo.toml", "[workspace\nmembers = ["),
            ("app/Cargo.toml", "not = [toml"),
        ]);
        assert_eq!(root_from(&dir, "app").as_deref(), Some("app"));
        assert_eq!(root_from(&dir, ".").as_deref(), Some("."));
    }

    #[test]
    fn the_base_is_the_work_tree() {
        let dir = tree(&[("repo/.git/HEAD", ""), ("repo/shop/Cargo.toml", PACKAGE)]);
        let repo = std::fs::canonicalize(dir.path().join("repo")).expect("canonical");
        let base = Base::of(&dir.path().join("repo/shop"));
        assert_eq!(base.dir, repo);
        assert_eq!(base.prefix, "shop/");
        assert_eq!(Base::of(&dir.path().join("repo")).prefix, "");
        // A linked work tree or a submodule has a `.git` file.
        let dir = tree(&[("wt/.git", "gitdir: elsewhere\n"), ("wt/a/b/x.rs", "")]);
        assert_eq!(Base::of(&dir.path().join("wt/a/b")).prefix, "a/b/");
    }
}
