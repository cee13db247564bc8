//! `--staged`: the check of what the next commit holds, for a pre-commit hook.
//!
//! - **Staged files** are the index entries whose blob differs from HEAD's tree entry for
//!   the same path, or that HEAD does not have (every entry, on a branch with no commit
//!   yet). Deletions, symlinks, submodules, `git add -N` entries and merge conflicts are not
//!   files to check. Only staged files under the scanned folder count.
//! - Their **content is the staged blob**, read from the object store ([`crate::gitodb`]),
//!   not the working-tree file: a leak that was staged and then fixed only in the working
//!   tree is still reported, because it is what would be committed.
//! - The **context** is read from the working tree as a full run reads it: the config, every
//!   manifest (sides, front ends), every env file, and all the files of each package (cargo
//!   package or front end) that holds a staged file. Module gates, constants and the handler
//!   graph that a staged file depends on live in its package; analyzing the whole project
//!   would make a pre-commit hook as slow as a full run.
//! - **Findings are limited to the staged files**, and the rules about the project as a
//!   whole (`missing-launch-alert`, `incomplete-launch-record`) do not run: project-level
//!   findings belong to the full run, which CI does.
//!
//! git is never run: the index, HEAD, refs and objects are read as files
//! ([`crate::gitindex`], [`crate::gitrepo`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use launchlint_rules::extract::file::{FileAnalysis, Note, NoteKind};
use launchlint_rules::ground::finding::Level;
use launchlint_rules::pipeline::Outcome;
use launchlint_rules::project::model::{self, ProjectModel};
use launchlint_rules::rules::{self, Levels};
use miette::Diagnostic;

use crate::fsio;
use crate::gitindex::{self, Entry, Index};
use crate::gitodb::{self, Kind, Odb, OdbError};
use crate::gitrepo::{self, GitError, MAX_TREE_BYTES};

/// The rules about a project as a whole: they need every file, so they belong to full runs.
pub const PROJECT_RULES: [&str; 2] = ["missing-launch-alert", "incomplete-launch-record"];
/// An index bigger than this is not read (as for the walk's tracked files).
const MAX_INDEX_BYTES: u64 = 256 * 1024 * 1024;
/// The staged content one run reads at most, all files together.
const MAX_STAGED_BYTES: u64 = 1024 * 1024 * 1024;
/// Folders nested deeper than this are compared entry by entry, not tree by tree.
const MAX_TREE_DEPTH: usize = 256;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum StagedError {
    #[error("`--staged` needs a git repository, and `{}` is not in one", .0.display())]
    #[diagnostic(
        code(launchlint::not_a_git_repository),
        help("run it inside a git work tree, or drop `--staged` to check the whole folder")
    )]
    NotARepository(PathBuf),
    #[error("`--staged` cannot read this repository: {0}")]
    #[diagnostic(
        code(launchlint::unsupported_repository),
        help("run `cargo launchlint` without `--staged` to check the working tree instead")
    )]
    Unsupported(String),
    #[error("`--staged` cannot read the git repository: {0}")]
    #[diagnostic(
        code(launchlint::unreadable_repository),
        help("`git status` shows whether git itself can read it")
    )]
    Broken(String),
}

impl StagedError {
    fn of(error: GitError, root: &Path) -> StagedError {
        match error {
            GitError::NotARepository => StagedError::NotARepository(root.to_path_buf()),
            GitError::Unsupported(what) => StagedError::Unsupported(what),
            GitError::Broken(what) => StagedError::Broken(what),
        }
    }
}

/// The staged files under the scanned folder, read from the repository.
pub struct Staged {
    /// Staged content by path relative to the scanned folder, until analysis takes it.
    contents: BTreeMap<String, Vec<u8>>,
    /// Each staged path's blob name, for excerpts of the files a finding is shown in.
    oids: BTreeMap<String, Vec<u8>>,
    /// Staged paths whose content could not be read, with why.
    notes: Vec<Note>,
    odb: Odb,
    /// The staged paths that are checked, once [`Staged::paths_to_analyze`] decided.
    checked: BTreeSet<String>,
}

/// What a staged run checked, for the report.
pub struct Checked {
    /// How many staged files were checked.
    pub files: usize,
    /// The staged content of the files findings are shown in: excerpts come from it, not
    /// from the working tree.
    pub texts: BTreeMap<String, Vec<u8>>,
}

impl Checked {
    /// Nothing was staged.
    pub fn nothing() -> Checked {
        Checked {
            files: 0,
            texts: BTreeMap::new(),
        }
    }
}

impl Staged {
    /// Reads the index, HEAD's tree and the staged blobs of the repository holding `root`.
    pub fn read(root: &Path) -> Result<Staged, StagedError> {
        let error = |e| StagedError::of(e, root);
        let repo = gitrepo::discover(root).map_err(error)?;
        let index = read_index(&repo).map_err(error)?;
        let odb = Odb::open(&repo.common_dir.join("objects"), repo.hash_len);
        let head_tree = match repo.head_commit().map_err(error)? {
            Some(commit) => Some(repo.tree_of(&odb, &commit).map_err(error)?),
            None => None,
        };
        let mut changed = Vec::new();
        let entries: Vec<&Entry> = index
            .entries
            .iter()
            .filter(|e| e.stage == 0 && e.is_regular_file() && !e.intent_to_add)
            .collect();
        compare(
            &odb,
            &index,
            &entries,
            0,
            head_tree.as_deref(),
            0,
            &mut changed,
        )
        .map_err(error)?;
        let prefix = folder_prefix(&repo.work_tree, root);
        let mut staged = Staged {
            contents: BTreeMap::new(),
            oids: BTreeMap::new(),
            notes: Vec::new(),
            odb,
            checked: BTreeSet::new(),
        };
        let mut budget = MAX_STAGED_BYTES;
        for entry in changed {
            let Some(relative) = entry.path.strip_prefix(prefix.as_bytes()) else {
                continue;
            };
            let Ok(relative) = String::from_utf8(relative.to_vec()) else {
                continue;
            };
            staged.oids.insert(relative.clone(), entry.oid.clone());
            match staged.odb.read(&entry.oid, fsio::MAX_SCANNED_BYTES.min(budget)) {
                Ok(object) if object.kind == Kind::Blob => {
                    budget -= object.data.len() as u64;
                    staged.contents.insert(relative, object.data);
                }
                Ok(_) => staged.notes.push(Note::new(
                    relative,
                    NoteKind::Unreadable,
                    "could not read the staged content: the index names an object that is not a blob",
                )),
                Err(OdbError::TooLarge { size, limit }) => {
                    let why = if limit < fsio::MAX_SCANNED_BYTES {
                        format!("the staged files of one run come to more than {} MiB; the rest is not read", MAX_STAGED_BYTES >> 20)
                    } else {
                        OdbError::TooLarge { size, limit }.to_string()
                    };
                    staged.notes.push(Note::new(
                        relative,
                        NoteKind::TooLarge,
                        format!("could not read: {why}"),
                    ));
                }
                Err(error) => staged.notes.push(Note::new(
                    relative,
                    NoteKind::Unreadable,
                    format!("could not read the staged content: {error}"),
                )),
            }
        }
        Ok(staged)
    }

    /// How many staged files there are under the scanned folder.
    pub fn count(&self) -> usize {
        self.oids.len()
    }

    /// The staged content of the staged files that are manifests, for the project model.
    pub fn manifests(&self) -> impl Iterator<Item = (&String, &Vec<u8>)> {
        self.contents.iter().filter(|(path, _)| {
            matches!(
                model::file_name(path),
                "Cargo.toml" | "package.json" | "Trunk.toml"
            )
        })
    }

    /// The files to analyze: the staged files the walk would scan (or that exist only in the
    /// index), and their context. `walked` is the walk's sorted list; `excluded` says whether
    /// `[ignore] paths` lists a path.
    pub fn paths_to_analyze(
        &mut self,
        root: &Path,
        walked: &[String],
        model: &ProjectModel,
        excluded: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let walked_set: BTreeSet<&str> = walked.iter().map(String::as_str).collect();
        self.checked = self
            .oids
            .keys()
            .filter(|path| {
                walked_set.contains(path.as_str()) || (only_in_index(root, path) && !excluded(path))
            })
            .cloned()
            .collect();
        // Unread staged files the walk would not scan are not checked either.
        let checked = &self.checked;
        self.notes.retain(|note| checked.contains(&note.path));
        self.contents.retain(|path, _| checked.contains(path));

        let mut homes: Vec<&str> = model
            .packages
            .iter()
            .map(|p| p.dir.as_str())
            .chain(model.frontends.iter().map(|f| f.dir.as_str()))
            .collect();
        // Deepest first: a file belongs to the innermost package holding it.
        homes.sort_by_key(|dir| std::cmp::Reverse(dir.len()));
        let home_of = |path: &str| -> Option<String> {
            homes
                .iter()
                .find(|dir| {
                    dir.is_empty() || path.strip_prefix(**dir).is_some_and(|r| r.starts_with('/'))
                })
                .map(|dir| dir.to_string())
        };
        let staged_homes: BTreeSet<Option<String>> =
            self.checked.iter().map(|path| home_of(path)).collect();
        let mut paths: BTreeSet<String> = self.checked.clone();
        paths.extend(
            walked
                .iter()
                .filter(|path| {
                    model::file_name(path).starts_with(".env")
                        || staged_homes.contains(&home_of(path))
                })
                .cloned(),
        );
        paths.into_iter().collect()
    }

    /// Hands the staged content to analysis (by path), leaving the rest to be read from the
    /// working tree.
    pub fn take_contents(&mut self, into: &mut BTreeMap<String, Vec<u8>>) {
        into.extend(std::mem::take(&mut self.contents));
    }

    /// Keeps only what concerns the staged files: their findings, their suppressed count,
    /// their analyses and notes.
    pub fn finish(
        self,
        files: &mut Vec<FileAnalysis>,
        outcome: &mut Outcome,
        notes: &mut Vec<Note>,
    ) -> Checked {
        let checked = &self.checked;
        outcome.findings.retain(|f| checked.contains(&f.path));
        outcome.suppressed = outcome
            .suppressed_by_path
            .iter()
            .filter(|(path, _)| checked.contains(*path))
            .map(|(_, count)| count)
            .sum();
        files.retain(|file| checked.contains(&file.path));
        notes.retain(|note| checked.contains(&note.path));
        notes.extend(self.notes);
        let shown: BTreeSet<&str> = outcome
            .findings
            .iter()
            .flat_map(|f| {
                std::iter::once(f.path.as_str()).chain(f.labels.iter().map(|l| l.path.as_str()))
            })
            .collect();
        let texts = self
            .oids
            .iter()
            .filter(|(path, _)| shown.contains(path.as_str()))
            .filter_map(|(path, oid)| {
                let blob = self.odb.read(oid, fsio::MAX_SCANNED_BYTES).ok()?;
                Some((path.clone(), blob.data))
            })
            .collect();
        Checked {
            files: self.checked.len(),
            texts,
        }
    }
}

/// Turns off the rules that judge the project as a whole.
pub fn without_project_rules(levels: &mut Levels) {
    for id in PROJECT_RULES {
        if let Some(rule) = rules::by_id(id) {
            levels.set(rule.id, Level::Allow);
        }
    }
}

fn read_index(repo: &gitrepo::Repository) -> Result<Index, GitError> {
    let path = repo.index_path();
    let bytes = match fsio::read_regular(&path, MAX_INDEX_BYTES) {
        Ok(bytes) => bytes,
        // A repository where nothing was ever added has no index yet.
        Err(fsio::ReadError::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Index::default())
        }
        Err(error) => return Err(GitError::Broken(format!("the index: {error}"))),
    };
    let index = gitindex::parse_index(&bytes, repo.hash_len).ok_or_else(|| {
        GitError::Broken("the index is malformed or of an unknown version".into())
    })?;
    if index.split {
        return Err(GitError::Unsupported(
            "a split index (`core.splitIndex`)".into(),
        ));
    }
    Ok(index)
}

/// `root` relative to the work tree, as a path prefix with a trailing `/` (empty at the top).
fn folder_prefix(work_tree: &Path, root: &Path) -> String {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let relative = root
        .strip_prefix(work_tree)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    if relative.is_empty() {
        relative
    } else {
        format!("{relative}/")
    }
}

/// A staged file missing from the working tree (deleted after staging) is checked from the
/// index alone, unless it sits where the walk never looks.
fn only_in_index(root: &Path, path: &str) -> bool {
    let never_walked = path
        .split('/')
        .any(|part| matches!(part, ".git" | ".hg" | "node_modules" | "target"));
    !never_walked
        && std::fs::symlink_metadata(root.join(path))
            .is_err_and(|error| error.kind() == std::io::ErrorKind::NotFound)
}

/// Collects the entries of `entries` (index order, all under the folder whose path is their
/// first `at` bytes) whose blob differs from `head`, the folder's tree in HEAD. A folder whose
/// cached tree (the index's `TREE` extension) is HEAD's tree holds no change and is skipped
/// unread.
fn compare<'a>(
    odb: &Odb,
    index: &Index,
    entries: &[&'a Entry],
    at: usize,
    head: Option<&[u8]>,
    depth: usize,
    out: &mut Vec<&'a Entry>,
) -> Result<(), GitError> {
    let Some(first) = entries.first() else {
        return Ok(());
    };
    if let Some(head) = head {
        if index
            .cached_trees
            .get(&first.path[..at])
            .is_some_and(|tree| tree == head)
        {
            return Ok(());
        }
    }
    if depth > MAX_TREE_DEPTH {
        out.extend(entries);
        return Ok(());
    }
    let tree = match head {
        Some(oid) => {
            let object = odb
                .read(oid, MAX_TREE_BYTES)
                .map_err(|error| GitError::Broken(format!("a tree of HEAD: {error}")))?;
            if object.kind != Kind::Tree {
                return Err(GitError::Broken(format!(
                    "HEAD names {} as a tree, and it is not one",
                    gitodb::hex(oid)
                )));
            }
            object.data
        }
        None => Vec::new(),
    };
    let in_head: HashMap<&[u8], gitodb::TreeEntry> = gitodb::tree_entries(&tree, odb.hash_len())
        .map_err(|error| GitError::Broken(format!("a tree of HEAD: {error}")))?
        .into_iter()
        .map(|entry| (entry.name, entry))
        .collect();
    let mut i = 0;
    while i < entries.len() {
        let path = &entries[i].path;
        let Some(rest) = path.get(at..) else {
            i += 1;
            continue;
        };
        match rest.iter().position(|&b| b == b'/') {
            None => {
                let same = in_head
                    .get(rest)
                    .is_some_and(|head| !head.is_tree() && head.oid == entries[i].oid.as_slice());
                if !same {
                    out.push(entries[i]);
                }
                i += 1;
            }
            Some(slash) => {
                let folder = &path[..at + slash + 1];
                let end = i + entries[i..]
                    .iter()
                    .take_while(|e| e.path.starts_with(folder))
                    .count();
                let sub_head = in_head
                    .get(&rest[..slash])
                    .filter(|head| head.is_tree())
                    .map(|head| head.oid);
                compare(
                    odb,
                    index,
                    &entries[i..end],
                    at + slash + 1,
                    sub_head,
                    depth + 1,
                    out,
                )?;
                i = end;
            }
        }
    }
    Ok(())
}
