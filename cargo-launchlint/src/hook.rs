//! `cargo launchlint install-hook`: writes a git pre-commit hook that runs
//! `cargo launchlint --staged`, so every commit is checked before it is made.
//!
//! The hook goes into the repository's hooks folder: `core.hooksPath` when the repository's
//! own config sets it (read as a file, see [`crate::gitrepo`]; the global config is not
//! read), else `hooks/` in the git folder (shared by all linked worktrees). The hook holds a
//! marker line; a pre-commit hook without it is someone else's and is replaced only with
//! `--force`. Writing over launchlint's own hook is always fine, so re-running the command
//! updates it.

use std::path::{Path, PathBuf};

use miette::Diagnostic;

use crate::cli::InstallHookArgs;
use crate::fsio;
use crate::gitrepo::{self, GitError};

/// The line that marks a hook as launchlint's.
pub const MARKER: &str =
    "# cargo-launchlint pre-commit hook, written by `cargo launchlint install-hook`";

/// The hook: a POSIX shell script, as git runs hooks.
pub fn script() -> String {
    format!(
        "#!/bin/sh\n{MARKER}\n\
         # Checks the staged files against 0Bit's production launch gate before each commit\n\
         # (`git commit --no-verify` skips it). Re-running install-hook rewrites this file.\n\
         exec cargo launchlint --staged\n"
    )
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum HookError {
    #[error("`{}` is not in a git repository", .0.display())]
    #[diagnostic(
        code(launchlint::not_a_git_repository),
        help("run `cargo launchlint install-hook` inside the repository to protect")
    )]
    NotARepository(PathBuf),
    #[error("cannot read the git repository: {0}")]
    #[diagnostic(code(launchlint::unreadable_repository))]
    Repository(String),
    #[error("`{}` exists and is not launchlint's hook", .0.display())]
    #[diagnostic(
        code(launchlint::foreign_hook),
        help(
            "pass `--force` to replace it, or add `cargo launchlint --staged` to it yourself \
             (or use the pre-commit framework: see the README)"
        )
    )]
    Foreign(PathBuf),
    #[error("could not write `{}`: {message}", path.display())]
    #[diagnostic(code(launchlint::hook_write))]
    Write { path: PathBuf, message: String },
}

/// What `install` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    New(PathBuf),
    /// launchlint's own hook was rewritten.
    Updated(PathBuf),
    /// Another hook was replaced (`--force`).
    Replaced(PathBuf),
}

/// Writes the pre-commit hook of the repository holding `args.path`.
pub fn install(args: &InstallHookArgs) -> Result<Installed, HookError> {
    let folder = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let repo = gitrepo::discover(&folder).map_err(|error| match error {
        GitError::NotARepository => HookError::NotARepository(folder.clone()),
        other => HookError::Repository(other.to_string()),
    })?;
    let hooks = hooks_dir(&repo);
    let path = hooks.join("pre-commit");
    let existing = match std::fs::symlink_metadata(&path) {
        Err(_) => None,
        Ok(metadata) if metadata.is_file() => Some(
            fsio::read_text(&path, fsio::MAX_CONFIG_BYTES)
                .is_ok_and(|text| text.lines().any(|line| line.trim_end() == MARKER)),
        ),
        // A symlink, folder or special file is not a hook launchlint wrote.
        Ok(_) => Some(false),
    };
    if existing == Some(false) && !args.force {
        return Err(HookError::Foreign(path));
    }
    let write_error = |error: std::io::Error| HookError::Write {
        path: path.clone(),
        message: error.to_string(),
    };
    std::fs::create_dir_all(&hooks).map_err(write_error)?;
    fsio::write_atomic_executable(&path, script().as_bytes()).map_err(write_error)?;
    Ok(match existing {
        None => Installed::New(path),
        Some(true) => Installed::Updated(path),
        Some(false) => Installed::Replaced(path),
    })
}

/// `core.hooksPath` (relative to the work tree, `~/` to the home folder), else `hooks/`.
fn hooks_dir(repo: &gitrepo::Repository) -> PathBuf {
    match repo.hooks_path.as_deref().filter(|p| !p.is_empty()) {
        Some(path) => match path.strip_prefix("~/") {
            Some(rest) => std::env::var_os("HOME").map_or_else(
                || repo.work_tree.join(path),
                |home| Path::new(&home).join(rest),
            ),
            None => repo.work_tree.join(path),
        },
        None => repo.common_dir.join("hooks"),
    }
}
