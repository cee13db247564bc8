//! The paths git tracks, read from the repository's index file (`.git/index`) without running
//! git: a scanned repository is untrusted, and running git would run whatever its
//! configuration names (`core.fsmonitor`, hooks). Ignore files decide what the walk skips, but
//! they must not hide a secret that is committed: tracked files are scanned for credentials
//! whatever `.gitignore` says.
//!
//! The index format (versions 2, 3 and 4, SHA-1 or SHA-256 object names) is documented in
//! git's `Documentation/gitformat-index.txt`. Only regular-file entries are returned.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::fsio;

/// An index bigger than this is not read (it would list millions of files).
const MAX_INDEX_BYTES: u64 = 256 * 1024 * 1024;
/// Stat data before the object name: ctime, mtime, dev, ino, mode, uid, gid, size.
const STAT_BYTES: usize = 40;
const MODE_AT: usize = 24;

/// The git work tree holding `root`: the nearest folder at or above it with a `.git` folder,
/// or a `.git` file (a linked work tree or a submodule, whose index lives elsewhere and is
/// not read).
pub fn repository_of(root: &Path) -> Option<PathBuf> {
    let root = std::fs::canonicalize(root).ok()?;
    root.ancestors()
        .find(|dir| {
            std::fs::symlink_metadata(dir.join(".git")).is_ok_and(|metadata| {
                metadata.file_type().is_dir() || metadata.file_type().is_file()
            })
        })
        .map(Path::to_path_buf)
}

/// Tracked regular files under `root`, relative to it with `/`. `None` when `root` is not in
/// a git work tree or its index cannot be read.
pub fn tracked_files(root: &Path) -> Option<BTreeSet<String>> {
    let top = repository_of(root)?;
    let root = std::fs::canonicalize(root).ok()?;
    let prefix = root
        .strip_prefix(&top)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    let bytes = fsio::read_regular(&top.join(".git").join("index"), MAX_INDEX_BYTES).ok()?;
    let paths = parse(&bytes)?;
    Some(
        paths
            .into_iter()
            .filter_map(|path| {
                if prefix.is_empty() {
                    Some(path)
                } else {
                    path.strip_prefix(&prefix)?
                        .strip_prefix('/')
                        .map(str::to_string)
                }
            })
            .collect(),
    )
}

/// The regular-file paths of an index file, or `None` when it is not a valid index.
pub fn parse(bytes: &[u8]) -> Option<Vec<String>> {
    // Object names are 20 bytes (SHA-1) or 32 (SHA-256); the header does not say which, but
    // only the right length parses.
    parse_with(bytes, 20).or_else(|| parse_with(bytes, 32))
}

fn parse_with(bytes: &[u8], hash_len: usize) -> Option<Vec<String>> {
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let version = be32(bytes, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = usize::try_from(be32(bytes, 8)?).ok()?;
    let mut at = 12;
    let mut previous: Vec<u8> = Vec::new();
    let mut paths = Vec::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let start = at;
        let mode = be32(bytes, start + MODE_AT)?;
        let flags_at = start + STAT_BYTES + hash_len;
        let flags = u16::from_be_bytes(bytes.get(flags_at..flags_at + 2)?.try_into().ok()?);
        let mut name_at = flags_at + 2;
        if version >= 3 && flags & 0x4000 != 0 {
            name_at += 2;
        }
        let name_len = usize::from(flags & 0x0fff);
        let path = if version == 4 {
            let (strip, used) = varint(bytes.get(name_at..)?)?;
            let suffix_at = name_at + used;
            let end = suffix_at + bytes.get(suffix_at..)?.iter().position(|&b| b == 0)?;
            let keep = previous.len().checked_sub(strip)?;
            let mut path = previous[..keep].to_vec();
            path.extend_from_slice(&bytes[suffix_at..end]);
            at = end + 1;
            path
        } else {
            let end = name_at + bytes.get(name_at..)?.iter().position(|&b| b == 0)?;
            if name_len < 0x0fff && end - name_at != name_len {
                return None;
            }
            // Entries are padded with NULs to a multiple of eight bytes.
            let entry_len = (end - start + 8) & !7;
            at = start + entry_len;
            bytes[name_at..end].to_vec()
        };
        if path.len() != name_len && name_len < 0x0fff {
            return None;
        }
        // Regular files only (0o100644, 0o100755); not symlinks or submodules.
        if mode >> 12 == 0o10 {
            if let Ok(text) = String::from_utf8(path.clone()) {
                paths.push(text);
            }
        }
        previous = path;
    }
    paths.dedup();
    Some(paths)
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// git's offset varint (used by index v4): each continuation adds one before shifting.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value: usize = 0;
    for (i, &byte) in bytes.iter().enumerate().take(9) {
        if i > 0 {
            value = value.checked_add(1)?.checked_shl(7)?;
        }
        value |= usize::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_git() -> bool {
        std::process::Command::new("git")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Builds a repository with git itself and checks that every index version parses to
    /// the same files.
    #[test]
    fn reads_every_index_version() {
        if !has_git() {
            return;
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let git = |args: &[&str]| {
            let status = std::process::Command::new("git")
                .args(["-c", "init.defaultBranch=main"])
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("git runs");
            assert!(status.status.success(), "{status:?}");
        };
        git(&["init", "-q"]);
        std::fs::create_dir_all(dir.path().join("src/deep/er")).expect("dirs");
        for file in ["a.txt", "src/lib.rs", "src/deep/er/x.js", "src/deep/y.env"] {
            std::fs::write(dir.path().join(file), file).expect("written");
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink("a.txt", dir.path().join("link")).expect("a symlink");
        git(&["add", "-A"]);
        for version in ["2", "3", "4"] {
            git(&["update-index", "--index-version", version]);
            let bytes = std::fs::read(dir.path().join(".git/index")).expect("an index");
            let mut paths = parse(&bytes).expect("parses");
            paths.sort();
            assert_eq!(
                paths,
                ["a.txt", "src/deep/er/x.js", "src/deep/y.env", "src/lib.rs"],
                "version {version}"
            );
        }
        let tracked = tracked_files(&dir.path().join("src")).expect("tracked");
        assert!(tracked.contains("lib.rs") && tracked.contains("deep/er/x.js"));
    }

    #[test]
    fn garbage_is_not_an_index() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"DIRC\0\0\0\x02\0\0\0\x05"), None);
        assert_eq!(parse(b"DIRC\0\0\0\x09\0\0\0\0"), None);
        assert_eq!(parse(b"DIRC\0\0\0\x02\0\0\0\0"), Some(Vec::new()));
    }
}
