//! Helpers shared by the integration tests.

// Each test crate includes this module and uses some of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// What launchlint puts before the paths of a project scanned in `dir`: `dir`'s place in the
/// git work tree holding it (`fixtures/demo/`), or nothing outside one.
pub fn repository_prefix(dir: &Path) -> String {
    let dir = std::fs::canonicalize(dir).expect("an existing folder");
    dir.ancestors()
        .find(|above| above.join(".git").exists())
        .and_then(|top| dir.strip_prefix(top).ok())
        .map(|inside| inside.to_string_lossy().replace('\\', "/"))
        .filter(|inside| !inside.is_empty())
        .map_or_else(String::new, |inside| inside + "/")
}

/// A process's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Writes `contents` to `root/path`, making the folders it needs.
pub fn write(root: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, contents).expect("written");
}

/// Copies the folder `from` to `to`, recursively (a fixture to a scratch folder).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from)
        .expect("readable")
        .filter_map(Result::ok)
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Runs the built binary in `dir`. Colour follows its own rules, not the `CARGO_TERM_COLOR`
/// or `NO_COLOR` of whoever runs the tests.
#[allow(dead_code)] // not every test file runs the binary this way
pub fn launchlint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}
