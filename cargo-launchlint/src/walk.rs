//! One walk of the project: gitignore rules respected, except for the folders that are
//! shipped to browsers (bundle folders and `[client] paths`), which are walked again without
//! ignore rules because that is where built secrets end up. Symlinks are not followed, so
//! link loops cannot trap the walk and nothing outside the project is reached. Only regular
//! files are listed; symlinks, FIFOs, sockets and devices are listed apart, so callers can
//! tell when handing the tree to another program (cargo) is unsafe. ripgrep's `.ignore`
//! files are not honoured: only git's own rules decide. The result is a sorted list of
//! relative paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use globset::GlobSet;
use ignore::{DirEntry, WalkBuilder};
use launchlint_rules::project::model::ProjectModel;

/// Folders never worth reading: VCS data and installed dependencies.
const SKIP_DIRS: [&str; 3] = [".git", "node_modules", ".hg"];

#[derive(Default)]
pub struct Walked {
    /// Relative paths with `/`, sorted.
    pub files: Vec<String>,
    /// Entries that could not be read (permissions, broken links).
    pub errors: Vec<String>,
    /// Symlinks, FIFOs, sockets and devices: never read.
    pub irregular: Vec<Irregular>,
    /// Files git tracks that an ignore file lists; also in `files`.
    pub credentials_only: BTreeSet<String>,
}

/// An entry that is not a regular file or folder.
#[derive(Debug, Clone)]
pub struct Irregular {
    pub path: String,
    /// A symlink whose target is a folder (programs that follow links would walk into it).
    pub links_to_dir: bool,
}

pub fn walk(root: &Path, model: &ProjectModel, ignored: Option<&GlobSet>) -> Walked {
    let excluded = |relative: &str| ignored.is_some_and(|globs| globs.is_match(relative));
    // The two walks and the git index are independent reads of the tree: the second walk
    // and the index run beside the first, so the walk uses both cores.
    let (mut first, second, tracked) = std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            // Pass 2: shipped folders, ignore rules off.
            let everything = WalkBuilder::new(root)
                .standard_filters(false)
                .follow_links(false)
                .filter_entry(|entry| !is_skipped_dir(entry) && !is_target_build_dir(entry))
                .build();
            let shipped = collect(root, everything, |relative| {
                model.is_shipped_path(relative) && !excluded(relative)
            });
            let tracked = crate::gitindex::tracked_files(root).unwrap_or_default();
            (shipped, tracked)
        });
        // Pass 1: what git would see. `target/` is build output; only `target/site` ships.
        let respecting = WalkBuilder::new(root)
            .hidden(false)
            .ignore(false)
            .git_global(false)
            .git_exclude(false)
            .require_git(false)
            .follow_links(false)
            .filter_entry(|entry| !is_skipped_dir(entry) && !is_dir_named(entry, "target"))
            .build();
        let first = collect(root, respecting, |relative| !excluded(relative));
        let (second, tracked) = others
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second, tracked)
    });
    first.files.extend(second.files);
    first.errors.extend(second.errors);
    first.irregular.extend(second.irregular);
    let Found {
        mut files,
        errors,
        irregular,
    } = first;

    // Pass 3: what git tracks but the ignore files hid, for the credential rules.
    let mut credentials_only = BTreeSet::new();
    for path in tracked {
        let skipped = path
            .split('/')
            .any(|dir| SKIP_DIRS.contains(&dir) || dir == "target");
        if files.contains(&path) || skipped || excluded(&path) || !is_plain_file(root, &path) {
            continue;
        }
        files.insert(path.clone());
        credentials_only.insert(path);
    }

    Walked {
        files: files.into_iter().collect(),
        errors,
        irregular: irregular.into_values().collect(),
        credentials_only,
    }
}

/// What one walk found.
#[derive(Default)]
struct Found {
    files: BTreeSet<String>,
    errors: Vec<String>,
    irregular: BTreeMap<String, Irregular>,
}

/// A regular file reached from `root` through real folders only: the index names paths,
/// and the work tree may have a symlink where the index has a folder.
fn is_plain_file(root: &Path, relative: &str) -> bool {
    let Ok(root) = std::fs::canonicalize(root) else {
        return false;
    };
    let joined = root.join(relative);
    std::fs::symlink_metadata(&joined).is_ok_and(|m| m.file_type().is_file())
        && std::fs::canonicalize(&joined).is_ok_and(|resolved| resolved == joined)
}

fn collect(root: &Path, walk: ignore::Walk, keep: impl Fn(&str) -> bool) -> Found {
    let mut found = Found::default();
    let Found {
        files,
        errors,
        irregular,
    } = &mut found;
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                errors.push(error.to_string());
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        let Some(relative) = relative(root, entry.path()) else {
            continue;
        };
        if file_type.is_file() {
            if keep(&relative) {
                files.insert(relative);
            }
        } else if keep(&relative) {
            // `metadata` follows the link without opening anything.
            let links_to_dir =
                file_type.is_symlink() && std::fs::metadata(entry.path()).is_ok_and(|m| m.is_dir());
            irregular.insert(
                relative.clone(),
                Irregular {
                    path: relative,
                    links_to_dir,
                },
            );
        }
    }
    found
}

fn is_dir_named(entry: &DirEntry, name: &str) -> bool {
    entry.depth() > 0 && entry.file_name() == name && entry.file_type().is_some_and(|t| t.is_dir())
}

fn is_skipped_dir(entry: &DirEntry) -> bool {
    SKIP_DIRS.iter().any(|dir| is_dir_named(entry, dir))
}

/// `target/debug`, `target/release`, …: everything in `target/` except `site/`.
fn is_target_build_dir(entry: &DirEntry) -> bool {
    let parent_is_target = entry
        .path()
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == "target");
    parent_is_target && entry.file_name() != "site" && entry.file_type().is_some_and(|t| t.is_dir())
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let relative: PathBuf = path.strip_prefix(root).ok()?.to_path_buf();
    Some(relative.to_string_lossy().replace('\\', "/"))
}
