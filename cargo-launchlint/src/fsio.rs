//! Every file launchlint reads goes through here, because the scanned tree is untrusted: a
//! committed FIFO must not block the run, a device or a `/proc` file must not be read, a
//! symlink must not lead outside the project, and nothing may be read without a size cap.
//!
//! - [`read_regular`] opens without following a final symlink and without blocking, checks
//!   that what it opened is a regular file, and reads at most `limit` bytes.
//! - [`inside_root`] resolves a path that came from the tree (a config entry, the config file
//!   itself) and refuses one that leaves the project root: absolute, `..` past the root, or
//!   a symlink whose target is outside.
//!
//! Writes go through [`write_atomic`]: a temporary file in the same folder, renamed over the
//! target, so a symlink planted at the target is replaced rather than written through.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

/// Scanned files larger than this are skipped: nothing hand-written is this big.
pub const MAX_SCANNED_BYTES: u64 = 32 * 1024 * 1024;
/// Config files and contract extensions: hand-written and small.
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;
/// Baselines grow with findings (about 150 bytes each).
pub const MAX_BASELINE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, socket, device, folder or symlink: never read.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({kind}), not read"),
            ReadError::TooLarge { size, limit } => {
                write!(f, "larger than {} MiB ({size} bytes), skipped", limit >> 20)
            }
            ReadError::Io(error) => write!(f, "{error}"),
        }
    }
}

/// Reads the regular file at `path`, at most `limit` bytes. A symlink at `path` itself is
/// refused (callers resolve the links they accept with [`inside_root`] first).
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // The size can change while reading (or lie, as `/proc` files do): the cap holds anyway.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Opens the regular file at `path` for reading, as [`read_regular`] does, and returns it with
/// its size, for callers that read parts of a large file (git pack files).
pub fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let file = open_no_follow(path).map_err(|error| match error.raw_os_error() {
        Some(code) if code == libc_eloop() => ReadError::NotRegular("symbolic link"),
        _ => ReadError::Io(error),
    })?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(&metadata)));
    }
    Ok((file, metadata.len()))
}

/// [`read_regular`] for text: invalid UTF-8 is replaced, never an error.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    })
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO must not wait for a writer. Regular files ignore it.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(unix)]
fn libc_eloop() -> i32 {
    libc::ELOOP
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> std::io::Result<File> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(std::io::Error::other("a symbolic link"));
    }
    File::open(path)
}

#[cfg(not(unix))]
fn libc_eloop() -> i32 {
    -1
}

fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a folder";
    }
    if file_type.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Why a path from the tree was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Escape {
    Absolute,
    /// `..` climbs above the root.
    ParentOfRoot,
    /// A symlink on the way leads outside the root.
    SymlinkOut(PathBuf),
}

impl std::fmt::Display for Escape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Escape::Absolute => f.write_str("an absolute path leaves the project"),
            Escape::ParentOfRoot => f.write_str("`..` climbs out of the project"),
            Escape::SymlinkOut(_) => f.write_str("a symbolic link leads out of the project"),
        }
    }
}

/// Checks a path written relative to `root` (a config entry) without touching the disk:
/// relative, and no `..` above the root.
pub fn lexically_inside(relative: &str) -> Result<(), Escape> {
    let path = Path::new(relative);
    if path.has_root() || relative.starts_with('/') || relative.starts_with('\\') {
        return Err(Escape::Absolute);
    }
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => return Err(Escape::Absolute),
            Component::ParentDir if depth == 0 => return Err(Escape::ParentOfRoot),
            Component::ParentDir => depth -= 1,
            Component::CurDir => {}
            Component::Normal(_) => depth += 1,
        }
    }
    Ok(())
}

/// `root.join(relative)` with every symlink resolved, when it stays inside `root`. A path that
/// does not exist is returned as joined (reading it then fails with a plain "not found").
pub fn inside_root(root: &Path, relative: &str) -> Result<PathBuf, Escape> {
    lexically_inside(relative)?;
    let joined = root.join(relative);
    let Ok(resolved) = std::fs::canonicalize(&joined) else {
        return Ok(joined);
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if resolved.starts_with(&root) {
        Ok(resolved)
    } else {
        Err(Escape::SymlinkOut(resolved))
    }
}

/// Writes `bytes` to `path` through a new temporary file in the same folder, renamed over
/// `path`: readers never see half a file, and a symlink at `path` is replaced, not followed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_as(path, bytes, false)
}

/// [`write_atomic`] for a program (a git hook): executable by everyone who may read it.
pub fn write_atomic_executable(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_as(path, bytes, true)
}

fn write_atomic_as(path: &Path, bytes: &[u8], executable: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let mut attempt = 0u32;
    let (temporary, mut file) = loop {
        let candidate = dir.join(format!(
            ".{name}.launchlint-{}-{attempt}.tmp",
            std::process::id()
        ));
        // `create_new` fails on anything already there, a planted symlink included.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => break (candidate, file),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| make_executable(&file, executable))
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(unix)]
fn make_executable(file: &File, executable: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if !executable {
        return Ok(());
    }
    let mut permissions = file.metadata()?.permissions();
    // Read bits become execute bits too: 0o644 -> 0o755, 0o600 -> 0o700.
    let mode = permissions.mode() & 0o777;
    permissions.set_mode(mode | ((mode & 0o444) >> 2));
    file.set_permissions(permissions)
}

#[cfg(not(unix))]
fn make_executable(_: &File, _: bool) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_checks() {
        assert_eq!(lexically_inside("docs/runbook.md"), Ok(()));
        assert_eq!(lexically_inside("a/../b"), Ok(()));
        assert_eq!(lexically_inside("./web/dist/"), Ok(()));
        assert_eq!(lexically_inside("/etc/passwd"), Err(Escape::Absolute));
        assert_eq!(
            lexically_inside("../secrets.toml"),
            Err(Escape::ParentOfRoot)
        );
        assert_eq!(lexically_inside("a/../../b"), Err(Escape::ParentOfRoot));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if status.is_ok_and(|s| s.success()) {
            assert!(matches!(
                read_regular(&fifo, 10),
                Err(ReadError::NotRegular("a FIFO"))
            ));
        }
        let link = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("a symlink");
        assert!(matches!(
            read_regular(&link, 10),
            Err(ReadError::NotRegular(_))
        ));
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a device"))
        ));
        let big = dir.path().join("big");
        std::fs::write(&big, [b'a'; 11]).expect("written");
        assert!(matches!(
            read_regular(&big, 10),
            Err(ReadError::TooLarge { .. })
        ));
        assert_eq!(read_regular(&big, 11).expect("read").len(), 11);
    }

    #[cfg(unix)]
    #[test]
    fn atomic_writes_replace_symlinks() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").expect("written");
        let target = dir.path().join("baseline.json");
        std::os::unix::fs::symlink(&victim, &target).expect("a symlink");
        write_atomic(&target, b"new").expect("written");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        assert!(!std::fs::symlink_metadata(&target)
            .expect("exists")
            .file_type()
            .is_symlink());
    }
}
