//! Where the paths a check prints start: the git work tree holding the scanned root (the
//! nearest folder at or above it with a `.git`), so annotations and SARIF locations resolve in
//! the repository even when the project is a subfolder of it; with no work tree, the root.

use std::path::{Path, PathBuf};

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

fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
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

    const PACKAGE: &str = "[package]\nname = \"p\"\n";

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
