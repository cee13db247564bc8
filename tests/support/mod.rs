//! Helpers shared by the integration tests.

// Each test crate includes this module and uses some of it.
#![allow(dead_code)]

use std::path::Path;

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
