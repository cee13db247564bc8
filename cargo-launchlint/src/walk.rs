//! One walk of the project: gitignore rules respected, except for the folders that are
//! shipped to browsers (bundle folders and `[client] paths`), which are walked again without
//! ignore rules because that is where built secrets end up. Symlinks are not followed, so
//! link loops cannot trap the walk. The result is a sorted list of relative paths.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use ignore::{DirEntry, WalkBuilder};
use launchlint_rules::model::ProjectModel;

/// Folders never worth reading: VCS data and installed dependencies.
const SKIP_DIRS: [&str; 3] = [".git", "node_modules", ".hg"];

pub struct Walked {
    /// Relative paths with `/`, sorted.
    pub files: Vec<String>,
    /// Entries that could not be read (permissions, broken links).
    pub errors: Vec<String>,
}

pub fn walk(root: &Path, model: &ProjectModel, ignored: Option<&GlobSet>) -> Walked {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    let excluded = |relative: &str| ignored.is_some_and(|globs| globs.is_match(relative));

    // Pass 1: what git would see. `target/` is build output; only `target/site` ships.
    let respecting = WalkBuilder::new(root)
        .hidden(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| !is_skipped_dir(entry) && !is_dir_named(entry, "target"))
        .build();
    collect(root, respecting, &mut files, &mut errors, |relative| {
        !excluded(relative)
    });

    // Pass 2: shipped folders, ignore rules off.
    let everything = WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|entry| !is_skipped_dir(entry) && !is_target_build_dir(entry))
        .build();
    collect(root, everything, &mut files, &mut errors, |relative| {
        model.is_shipped_path(relative) && !excluded(relative)
    });

    Walked {
        files: files.into_iter().collect(),
        errors,
    }
}

fn collect(
    root: &Path,
    walk: ignore::Walk,
    files: &mut BTreeSet<String>,
    errors: &mut Vec<String>,
    keep: impl Fn(&str) -> bool,
) {
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                if let Some(relative) = relative(root, entry.path()) {
                    if keep(&relative) {
                        files.insert(relative);
                    }
                }
            }
            Ok(_) => {}
            Err(error) => errors.push(error.to_string()),
        }
    }
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
