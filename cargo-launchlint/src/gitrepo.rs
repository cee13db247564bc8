//! Where a git repository keeps its files, and what HEAD is, read from plain files without
//! running git (a scanned repository is untrusted: running git would run what its config
//! names). Used by `--staged` and `install-hook`.
//!
//! - The repository of a folder is the nearest `.git` at or above it: a folder, or a file
//!   `gitdir: PATH` (linked worktrees and submodules), whose `commondir` file names the folder
//!   the objects, refs and config are shared in.
//! - The config is read for three values only, from the repository's own `config` file:
//!   `extensions.objectFormat` (SHA-1 or SHA-256 object names), `extensions.refStorage`
//!   (the reftable format is not read) and `core.hooksPath`. Includes are not followed, and
//!   the user's global config is not read.
//! - HEAD is resolved through loose refs and `packed-refs`; an unborn branch has no commit.

use std::path::{Path, PathBuf};

use crate::fsio;
use crate::gitodb::{self, Kind, Odb};

/// `HEAD`, a ref file, a `.git` file: one line each.
const MAX_SMALL_FILE: u64 = 64 * 1024;
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;
const MAX_PACKED_REFS_BYTES: u64 = 256 * 1024 * 1024;
/// Commits and trees are small; a huge one is corrupt or hostile.
pub const MAX_TREE_BYTES: u64 = 64 * 1024 * 1024;
/// `ref: ` links followed at most (git's own limit is 5).
const MAX_SYMREF_DEPTH: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// No `.git` at or above the folder.
    NotARepository,
    /// Something git could read but launchlint does not.
    Unsupported(String),
    /// The repository's files are malformed or unreadable.
    Broken(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NotARepository => f.write_str("not inside a git repository"),
            GitError::Unsupported(what) => write!(f, "{what} is not supported"),
            GitError::Broken(what) => f.write_str(what),
        }
    }
}

fn broken(what: impl std::fmt::Display) -> GitError {
    GitError::Broken(what.to_string())
}

/// The folders of one repository, and the config values launchlint reads.
#[derive(Debug, Clone)]
pub struct Repository {
    /// The top of the work tree (canonical).
    pub work_tree: PathBuf,
    /// This work tree's git folder: `HEAD`, `index`, per-worktree refs.
    pub git_dir: PathBuf,
    /// The shared git folder: `objects/`, `refs/`, `packed-refs`, `config`, `hooks/`.
    pub common_dir: PathBuf,
    /// 20 (SHA-1) or 32 (SHA-256).
    pub hash_len: usize,
    pub hooks_path: Option<String>,
}

/// The repository holding `folder`.
pub fn discover(folder: &Path) -> Result<Repository, GitError> {
    let folder = std::fs::canonicalize(folder).map_err(|_| GitError::NotARepository)?;
    for dir in folder.ancestors() {
        let dot_git = dir.join(".git");
        let Ok(metadata) = std::fs::symlink_metadata(&dot_git) else {
            continue;
        };
        let git_dir = if metadata.is_dir() {
            dot_git
        } else if metadata.is_file() {
            let text = read_small(&dot_git)?;
            let target = text
                .trim_end_matches(['\n', '\r'])
                .strip_prefix("gitdir: ")
                .ok_or_else(|| broken("`.git` is a file without a `gitdir:` line"))?;
            dir.join(target)
        } else {
            continue;
        };
        if !git_dir.join("HEAD").is_file() {
            return Err(broken(format!("`{}` has no HEAD file", git_dir.display())));
        }
        let common_dir = match read_small(&git_dir.join("commondir")) {
            Ok(text) => git_dir.join(text.trim_end_matches(['\n', '\r'])),
            Err(_) => git_dir.clone(),
        };
        let config =
            fsio::read_text(&common_dir.join("config"), MAX_CONFIG_BYTES).unwrap_or_default();
        let value = |section: &str, key: &str| config_value(&config, section, key);
        let hash_len = match value("extensions", "objectformat").as_deref() {
            None | Some("sha1") => 20,
            Some("sha256") => 32,
            Some(other) => {
                return Err(GitError::Unsupported(format!(
                    "the object format `{other}`"
                )))
            }
        };
        if value("extensions", "refstorage").is_some_and(|v| v != "files") {
            return Err(GitError::Unsupported(
                "the reftable ref storage (`extensions.refStorage`)".into(),
            ));
        }
        return Ok(Repository {
            work_tree: dir.to_path_buf(),
            git_dir,
            common_dir,
            hash_len,
            hooks_path: value("core", "hookspath"),
        });
    }
    Err(GitError::NotARepository)
}

fn read_small(path: &Path) -> Result<String, GitError> {
    fsio::read_text(path, MAX_SMALL_FILE)
        .map_err(|error| broken(format!("`{}`: {error}", path.display())))
}

/// The last value of `key` in `[section]` of a git config file; names compare without case,
/// as git's do. Subsections (`[remote "origin"]`) are not `[section]`.
pub fn config_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[') {
            let name = header.split(']').next().unwrap_or("").trim();
            current = if name.contains(['"', ' ', '\t']) {
                String::new()
            } else {
                name.to_ascii_lowercase()
            };
            continue;
        }
        if current != section || line.starts_with(['#', ';']) {
            continue;
        }
        let (name, value) = line.split_once('=').unwrap_or((line, "true"));
        if name.trim().eq_ignore_ascii_case(key) {
            let value = value.split([';', '#']).next().unwrap_or("").trim();
            found = Some(value.trim_matches('"').to_string());
        }
    }
    found
}

impl Repository {
    /// The commit HEAD points at; `None` on an unborn branch (no commit yet).
    pub fn head_commit(&self) -> Result<Option<Vec<u8>>, GitError> {
        let mut text = read_small(&self.git_dir.join("HEAD"))?;
        for _ in 0..=MAX_SYMREF_DEPTH {
            let line = text.trim_end_matches(['\n', '\r']);
            let Some(name) = line.strip_prefix("ref:") else {
                return gitodb::parse_hex(line.trim(), self.hash_len)
                    .map(Some)
                    .ok_or_else(|| broken("HEAD holds neither a ref nor an object name"));
            };
            let name = name.trim();
            if !is_safe_ref_name(name) {
                return Err(broken(format!("HEAD names an invalid ref `{name}`")));
            }
            // Per-worktree refs live in the worktree's folder, the rest in the shared one.
            let loose = [&self.git_dir, &self.common_dir]
                .iter()
                .map(|dir| dir.join(name))
                .find(|path| path.is_file());
            match loose {
                Some(path) => text = read_small(&path)?,
                None => return self.packed_ref(name),
            }
        }
        Err(broken(
            "HEAD is a chain of symbolic refs too long to follow",
        ))
    }

    fn packed_ref(&self, name: &str) -> Result<Option<Vec<u8>>, GitError> {
        let path = self.common_dir.join("packed-refs");
        let Ok(text) = fsio::read_text(&path, MAX_PACKED_REFS_BYTES) else {
            return Ok(None);
        };
        for line in text.lines() {
            if line.starts_with(['#', '^']) {
                continue;
            }
            if let Some((oid, line_name)) = line.split_once(' ') {
                if line_name.trim_end() == name {
                    return gitodb::parse_hex(oid, self.hash_len)
                        .map(Some)
                        .ok_or_else(|| broken(format!("`packed-refs` has a bad line for {name}")));
                }
            }
        }
        Ok(None)
    }

    /// The tree a commit records.
    pub fn tree_of(&self, odb: &Odb, commit: &[u8]) -> Result<Vec<u8>, GitError> {
        let object = odb
            .read(commit, MAX_TREE_BYTES)
            .map_err(|error| broken(format!("HEAD's commit: {error}")))?;
        if object.kind != Kind::Commit {
            return Err(broken("HEAD does not point at a commit"));
        }
        let first = object.data.split(|&b| b == b'\n').next().unwrap_or(&[]);
        std::str::from_utf8(first)
            .ok()
            .and_then(|line| line.strip_prefix("tree "))
            .and_then(|hex| gitodb::parse_hex(hex, self.hash_len))
            .ok_or_else(|| broken("HEAD's commit has no tree line"))
    }

    /// The index file git uses: `GIT_INDEX_FILE` when git set it (`git commit -a` and
    /// `git commit PATH` run the pre-commit hook on a temporary index), else `index`.
    pub fn index_path(&self) -> PathBuf {
        match std::env::var_os("GIT_INDEX_FILE") {
            Some(path) if !path.is_empty() => PathBuf::from(path),
            _ => self.git_dir.join("index"),
        }
    }
}

/// A ref name that stays inside the git folder: `refs/…` (or `HEAD`-like names in capitals),
/// no `..`, no empty or dot-started components, no backslash or control characters.
fn is_safe_ref_name(name: &str) -> bool {
    let valid_chars = !name
        .chars()
        .any(|c| c.is_control() || matches!(c, '\\' | ':' | '?' | '*' | '[' | ' ' | '~' | '^'));
    let components_ok = name
        .split('/')
        .all(|part| !part.is_empty() && !part.starts_with('.') && !part.ends_with(".lock"));
    valid_chars
        && components_ok
        && !name.contains("..")
        && (name.starts_with("refs/") || name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_values() {
        let config = "[core]\n\trepositoryformatversion = 1\n\tHooksPath = .githooks ; shared\n[remote \"origin\"]\n\thookspath = no\n[extensions]\n\tobjectFormat = sha256\n";
        assert_eq!(
            config_value(config, "core", "hookspath").as_deref(),
            Some(".githooks")
        );
        assert_eq!(
            config_value(config, "extensions", "objectformat").as_deref(),
            Some("sha256")
        );
        assert_eq!(config_value(config, "extensions", "refstorage"), None);
        assert_eq!(config_value("garbage [[[ ===", "core", "x"), None);
    }

    #[test]
    fn ref_names_stay_inside() {
        assert!(is_safe_ref_name("refs/heads/main"));
        assert!(is_safe_ref_name("refs/heads/feature/x-1"));
        assert!(is_safe_ref_name("ORIG_HEAD"));
        for bad in [
            "refs/../../etc/passwd",
            "/etc/passwd",
            "refs/heads/.hidden",
            "refs//x",
            "refs/heads/x.lock",
            "config",
            "refs\\heads",
            "",
        ] {
            assert!(!is_safe_ref_name(bad), "{bad}");
        }
    }

    #[test]
    fn not_a_repository() {
        let dir = tempfile::tempdir().expect("a temp dir");
        // The temp folder may itself sit inside a repository; only its own `.git` counts.
        if let Err(error) = discover(dir.path()) {
            assert_eq!(error, GitError::NotARepository);
        }
        std::fs::write(dir.path().join(".git"), "nonsense").expect("written");
        assert!(matches!(discover(dir.path()), Err(GitError::Broken(_))));
    }
}
