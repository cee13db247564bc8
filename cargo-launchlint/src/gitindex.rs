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
    let index = parse_index(bytes, 20).or_else(|| parse_index(bytes, 32))?;
    let mut paths: Vec<String> = index
        .entries
        .into_iter()
        .filter(Entry::is_regular_file)
        .filter_map(|entry| String::from_utf8(entry.path).ok())
        .collect();
    paths.dedup();
    Some(paths)
}

/// One entry of the index: a path at one merge stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: Vec<u8>,
    /// `0o100644`, `0o100755` (files), `0o120000` (symlinks), `0o160000` (submodules).
    pub mode: u32,
    /// The staged blob's object name.
    pub oid: Vec<u8>,
    /// 0, or 1 to 3 during a merge conflict.
    pub stage: u8,
    /// `git add -N`: the path is recorded, its content is not staged.
    pub intent_to_add: bool,
}

impl Entry {
    /// Regular files only (0o100644, 0o100755); not symlinks or submodules.
    pub fn is_regular_file(&self) -> bool {
        self.mode >> 12 == 0o10
    }
}

/// A parsed index: its entries in index order (sorted by path) and the extensions `--staged`
/// needs.
#[derive(Debug, Default)]
pub struct Index {
    pub entries: Vec<Entry>,
    /// The cached tree object name of each folder whose cache is valid, by folder path with a
    /// trailing `/` (the root is the empty path): the `TREE` extension.
    pub cached_trees: std::collections::HashMap<Vec<u8>, Vec<u8>>,
    /// The index is split (`core.splitIndex`): its entries are only part of the picture.
    pub split: bool,
    /// The index is sparse: folder entries stand for whole trees.
    pub sparse: bool,
}

/// The cache-tree extension can be dropped when it is unreasonable: this much path text.
const MAX_CACHED_TREE_BYTES: usize = 16 * 1024 * 1024;

/// Parses an index whose object names are `hash_len` bytes; `None` when it is not one.
pub fn parse_index(bytes: &[u8], hash_len: usize) -> Option<Index> {
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
    let mut entries = Vec::with_capacity(count.min(1 << 20));
    for _ in 0..count {
        let start = at;
        let mode = be32(bytes, start + MODE_AT)?;
        let oid = bytes
            .get(start + STAT_BYTES..start + STAT_BYTES + hash_len)?
            .to_vec();
        let flags_at = start + STAT_BYTES + hash_len;
        let flags = u16::from_be_bytes(bytes.get(flags_at..flags_at + 2)?.try_into().ok()?);
        let mut name_at = flags_at + 2;
        let mut extended = 0u16;
        if version >= 3 && flags & 0x4000 != 0 {
            extended = u16::from_be_bytes(bytes.get(name_at..name_at + 2)?.try_into().ok()?);
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
        previous.clone_from(&path);
        entries.push(Entry {
            path,
            mode,
            oid,
            stage: ((flags >> 12) & 3) as u8,
            intent_to_add: extended & 0x2000 != 0,
        });
    }
    let mut index = Index {
        entries,
        ..Index::default()
    };
    // Extensions: a four-byte signature and a length each, up to the trailing checksum.
    // A malformed extension ends the reading of extensions, not of the entries.
    let end = bytes.len().saturating_sub(hash_len);
    while at + 8 <= end {
        let signature = &bytes[at..at + 4];
        let Some(size) = be32(bytes, at + 4).and_then(|size| usize::try_from(size).ok()) else {
            break;
        };
        let Some(data) = (at + 8)
            .checked_add(size)
            .filter(|&data_end| data_end <= end)
            .map(|data_end| &bytes[at + 8..data_end])
        else {
            break;
        };
        match signature {
            b"TREE" => index.cached_trees = cached_trees(data, hash_len).unwrap_or_default(),
            b"link" => index.split = true,
            b"sdir" => index.sparse = true,
            _ => {}
        }
        at += 8 + size;
    }
    Some(index)
}

/// The `TREE` extension: nodes in depth-first order, each `path NUL entry-count SP
/// subtree-count LF` and, when entry-count is not -1, the tree's object name. Read without
/// recursion; `None` when malformed or unreasonably large, as git itself would rebuild it.
fn cached_trees(
    data: &[u8],
    hash_len: usize,
) -> Option<std::collections::HashMap<Vec<u8>, Vec<u8>>> {
    let mut trees = std::collections::HashMap::new();
    // The folders whose subtrees are still to come, with how many.
    let mut open: Vec<(Vec<u8>, usize)> = Vec::new();
    let mut at = 0;
    let mut text_bytes = 0usize;
    loop {
        let node_start = at;
        let name_end = at + data.get(at..)?.iter().position(|&b| b == 0)?;
        let line_end = name_end + data.get(name_end..)?.iter().position(|&b| b == b'\n')?;
        let counts = std::str::from_utf8(&data[name_end + 1..line_end]).ok()?;
        let (entries, subtrees) = counts.split_once(' ')?;
        let entries: i64 = entries.parse().ok()?;
        let subtrees: usize = subtrees.parse().ok()?;
        at = line_end + 1;
        let key = match open.last_mut() {
            None => Vec::new(),
            Some((parent, left)) => {
                *left = left.checked_sub(1)?;
                let mut key = parent.clone();
                key.extend_from_slice(&data[node_start..name_end]);
                key.push(b'/');
                key
            }
        };
        text_bytes += key.len();
        if text_bytes > MAX_CACHED_TREE_BYTES {
            return None;
        }
        if entries >= 0 {
            let oid = data.get(at..at + hash_len)?.to_vec();
            at += hash_len;
            trees.insert(key.clone(), oid);
        }
        if subtrees > 0 {
            open.push((key, subtrees));
        }
        while open.last().is_some_and(|(_, left)| *left == 0) {
            open.pop();
        }
        if open.is_empty() {
            return Some(trees);
        }
    }
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

    /// After a commit the index caches every folder's tree; a changed file invalidates the
    /// folders above it. Cut or flipped bytes never panic.
    #[test]
    fn cached_trees_and_corrupt_indexes() {
        if !has_git() {
            return;
        }
        let dir = tempfile::tempdir().expect("a temp dir");
        let git = |args: &[&str]| {
            let output = std::process::Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .current_dir(dir.path())
                .output()
                .expect("git runs");
            assert!(output.status.success(), "{output:?}");
        };
        git(&["init", "-q"]);
        std::fs::create_dir_all(dir.path().join("src/deep")).expect("dirs");
        for file in ["a.txt", "src/lib.rs", "src/deep/x.rs", "web/app.js"] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("dirs");
            std::fs::write(path, file).expect("written");
        }
        git(&["add", "-A"]);
        git(&["commit", "-qm", "one"]);
        let bytes = std::fs::read(dir.path().join(".git/index")).expect("an index");
        let index = parse_index(&bytes, 20).expect("parses");
        for key in ["", "src/", "src/deep/", "web/"] {
            assert!(index.cached_trees.contains_key(key.as_bytes()), "{key}");
        }
        std::fs::write(dir.path().join("src/deep/x.rs"), "changed").expect("written");
        git(&["add", "src/deep/x.rs"]);
        let bytes = std::fs::read(dir.path().join(".git/index")).expect("an index");
        let index = parse_index(&bytes, 20).expect("parses");
        assert!(index.cached_trees.contains_key(&b"web/"[..]));
        assert!(!index.cached_trees.contains_key(&b"src/deep/"[..]));
        assert!(!index.cached_trees.contains_key(&b""[..]));
        for cut in 0..bytes.len() {
            let _ = parse_index(&bytes[..cut], 20);
        }
        for at in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0xff;
            let _ = parse_index(&flipped, 20);
            let _ = parse_index(&flipped, 32);
        }
    }

    #[test]
    fn malformed_cached_trees_are_dropped() {
        assert_eq!(cached_trees(b"", 20), None);
        assert_eq!(cached_trees(b"\0-1 0\n", 20).map(|t| t.len()), Some(0));
        // Two subtrees promised, none given.
        assert_eq!(cached_trees(b"\0-1 2\n", 20), None);
        assert_eq!(cached_trees(b"\0x y\n", 20), None);
        // A valid root whose object name is cut short.
        assert_eq!(cached_trees(b"\x003 0\nabc", 20), None);
        assert_eq!(cached_trees(b"\0-1 99999999999999999999999\n", 20), None);
    }

    #[test]
    fn garbage_is_not_an_index() {
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"DIRC\0\0\0\x02\0\0\0\x05"), None);
        assert_eq!(parse(b"DIRC\0\0\0\x09\0\0\0\0"), None);
        assert_eq!(parse(b"DIRC\0\0\0\x02\0\0\0\0"), Some(Vec::new()));
    }
}
