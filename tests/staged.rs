//! `--staged` and `install-hook` on real git repositories. The repositories are built with
//! the system `git` (launchlint itself never runs it); without git these tests print a note
//! and pass.

use std::path::Path;
use std::process::{Command, Output};

mod support;
use support::{copy_dir, text, write};

/// Shaped like the fixtures' keys; fake.
const LIVE_KEY: &str = "sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd";

const MANIFEST: &str = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\n\n[workspace]\n";

fn has_git() -> bool {
    let found = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("note: git is not installed; the --staged tests are skipped");
    }
    found
}

fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=Launchlint Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgSign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_DIR")
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {output:?}");
}

fn launchlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_INDEX_FILE")
        .env_remove("CARGO_TERM_COLOR")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// A committed server crate with a clean `src/main.rs`.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "Cargo.toml", MANIFEST);
    write(root, "src/main.rs", "fn main() {}\n");
    write(root, "src/config.rs", "pub const PORT: u16 = 8080;\n");
    write(root, "docs/notes.md", "# Notes\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "first"]);
    dir
}

fn leaky_main() -> String {
    format!("fn main() {{}}\nconst GATE_KEY: &str = \"{LIVE_KEY}\";\n")
}

#[test]
fn a_staged_leak_is_reported_even_when_the_working_tree_is_fixed() {
    if !has_git() {
        return;
    }
    let dir = repository();
    let root = dir.path();
    write(root, "src/main.rs", leaky_main());
    git(root, &["add", "src/main.rs"]);
    // Fixed in the working tree, not staged: the commit would still hold the key.
    write(root, "src/main.rs", "fn main() {}\n");

    let output = launchlint(root, &["--staged", "--format", "short"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        stdout.contains("src/main.rs:2:25: error[hardcoded-secret-key]"),
        "{stdout}"
    );
    assert!(!stdout.contains(LIVE_KEY), "the key is masked");
    assert!(
        text(&output.stderr).contains("launchlint: checked 1 staged file"),
        "{output:?}"
    );
    // The working tree itself is clean.
    assert_eq!(
        launchlint(root, &["--format", "short"]).status.code(),
        Some(0)
    );

    // The human report shows the staged line, not the working tree's.
    let human = text(&launchlint(root, &["--staged"]).stdout);
    assert!(human.contains("const GATE_KEY"), "{human}");
    assert!(!human.contains(LIVE_KEY));
}

#[test]
fn a_clean_staged_change_passes_and_nothing_staged_says_so() {
    if !has_git() {
        return;
    }
    let dir = repository();
    let root = dir.path();
    let output = launchlint(root, &["--staged"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        text(&output.stderr).contains("launchlint: no staged files to check"),
        "{output:?}"
    );

    // A leak in the working tree that is not staged is not this commit's.
    write(root, "src/config.rs", leaky_main());
    write(
        root,
        "src/main.rs",
        "fn main() {\n    println!(\"ready\");\n}\n",
    );
    write(root, "src/new.rs", "pub fn new() {}\n");
    git(root, &["add", "src/main.rs", "src/new.rs"]);
    let output = launchlint(root, &["--staged", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["findings"], serde_json::json!([]));
    assert_eq!(json["summary"]["files_scanned"], 2);
    assert!(text(&output.stderr).contains("launchlint: checked 2 staged files"));

    // A staged binary file is skipped and counted, as the walk does.
    std::fs::write(
        root.join("logo.bin"),
        b"\x89PNG\0\0\0sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd",
    )
    .expect("written");
    git(root, &["add", "logo.bin"]);
    let output = launchlint(root, &["--staged", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["summary"]["binary"], 1, "{json}");
}

#[test]
fn packed_objects_and_a_new_branch_work() {
    if !has_git() {
        return;
    }
    let dir = repository();
    let root = dir.path();
    // History, so that gc stores the file as a delta on an older version.
    for round in 0..3 {
        write(
            root,
            "src/main.rs",
            format!(
                "fn main() {{}}\n// round {round}\n{}",
                "// padding line\n".repeat(40)
            ),
        );
        git(root, &["commit", "-qam", "more"]);
    }
    write(root, "src/main.rs", leaky_main());
    git(root, &["add", "src/main.rs"]);
    git(root, &["gc", "-q", "--aggressive"]);
    let packs = std::fs::read_dir(root.join(".git/objects/pack"))
        .expect("a pack folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pack"))
        .count();
    assert!(packs >= 1, "gc packed the objects");
    let output = launchlint(root, &["--staged", "--format", "short"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(text(&output.stdout).contains("error[hardcoded-secret-key]"));

    // A repository with no commit yet: everything in the index is staged.
    let fresh = tempfile::tempdir().expect("a temp dir");
    git(fresh.path(), &["init", "-q"]);
    write(fresh.path(), "Cargo.toml", MANIFEST);
    write(fresh.path(), "src/main.rs", leaky_main());
    git(fresh.path(), &["add", "-A"]);
    let output = launchlint(fresh.path(), &["--staged", "--format", "short"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(text(&output.stderr).contains("checked 2 staged files"));
}

/// The staged files' package is their context: a handler verified by a middleware in a file
/// that is not staged is still verified.
#[test]
fn the_package_of_a_staged_file_is_its_context() {
    if !has_git() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/unverified-webhook/pass_poem_verifying_middleware");
    copy_dir(&fixture, root);
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "first"]);
    for file in ["src/hooks.rs", "src/main.rs"] {
        let mut text = std::fs::read_to_string(root.join(file)).expect("read");
        text.push_str("// edited\n");
        write(root, file, &text);
    }
    git(root, &["add", "src/hooks.rs", "src/main.rs"]);
    let output = launchlint(root, &["--staged", "--format", "short"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(text(&output.stderr).contains("checked 2 staged files"));
}

#[test]
fn only_staged_files_under_the_scanned_folder_count() {
    if !has_git() {
        return;
    }
    let dir = repository();
    let root = dir.path();
    write(root, "Cargo.toml", MANIFEST);
    write(root, "other/leak.env", format!("GATE_KEY={LIVE_KEY}\n"));
    write(root, "shop/Cargo.toml", MANIFEST);
    write(root, "shop/src/main.rs", "fn main() {}\n");
    git(root, &["add", "-A"]);
    let output = launchlint(&root.join("shop"), &["--staged", "--format", "short"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(text(&output.stderr).contains("checked 2 staged files"));
    assert_eq!(
        launchlint(root, &["--staged", "--format", "short"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn sha256_repositories_work() {
    if !has_git() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = dir.path();
    let init = Command::new("git")
        .args(["init", "-q", "--object-format=sha256"])
        .current_dir(root)
        .output()
        .expect("git runs");
    if !init.status.success() {
        eprintln!("note: this git has no SHA-256 repositories; skipped");
        return;
    }
    write(root, "Cargo.toml", MANIFEST);
    write(root, "src/main.rs", "fn main() {}\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "first"]);
    write(root, "src/main.rs", leaky_main());
    git(root, &["add", "-A"]);
    git(root, &["gc", "-q"]);
    let output = launchlint(root, &["--staged", "--format", "short"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(text(&output.stderr).contains("checked 1 staged file"));
}

#[test]
fn outside_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("a temp dir");
    write(dir.path(), "Cargo.toml", MANIFEST);
    // The temp folder may sit inside someone's repository; only test where it does not.
    let mut inside = false;
    for folder in dir.path().ancestors() {
        inside |= folder.join(".git").exists();
    }
    if inside {
        return;
    }
    let output = launchlint(dir.path(), &["--staged"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("not_a_git_repository"), "{stderr}");
    assert!(stderr.contains("needs a git repository"), "{stderr}");
    let output = launchlint(dir.path(), &["install-hook"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn install_hook_writes_rewrites_its_own_and_refuses_a_foreign_hook() {
    if !has_git() {
        return;
    }
    let dir = repository();
    let root = dir.path();
    let hook = root.join(".git/hooks/pre-commit");
    let _ = std::fs::remove_file(&hook);

    let output = launchlint(root, &["install-hook"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let script = std::fs::read_to_string(&hook).expect("a hook");
    assert!(script.starts_with("#!/bin/sh\n"));
    assert!(script.contains(cargo_launchlint::hook::MARKER));
    assert!(script.contains("cargo launchlint --staged"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&hook)
            .expect("a hook")
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "executable: {mode:o}");
    }

    // Its own hook is rewritten.
    let output = launchlint(root, &["install-hook"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(text(&output.stderr).contains("updated"));

    // Someone else's is kept, unless --force.
    std::fs::write(&hook, "#!/bin/sh\nmake lint\n").expect("written");
    let output = launchlint(root, &["install-hook"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(text(&output.stderr).contains("is not launchlint's hook"));
    assert_eq!(
        std::fs::read_to_string(&hook).expect("kept"),
        "#!/bin/sh\nmake lint\n"
    );
    let output = launchlint(root, &["install-hook", "--force"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(std::fs::read_to_string(&hook)
        .expect("a hook")
        .contains(cargo_launchlint::hook::MARKER));
}

#[test]
fn the_hook_blocks_a_leaking_commit() {
    if !has_git() || cfg!(not(unix)) {
        return;
    }
    let dir = repository();
    let root = dir.path();
    assert_eq!(launchlint(root, &["install-hook"]).status.code(), Some(0));
    // The hook runs `cargo launchlint`: a `cargo` on PATH that runs this binary stands in.
    let bin = tempfile::tempdir().expect("a temp dir");
    let cargo = bin.path().join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\nshift\nexec '{}' \"$@\"\n",
            env!("CARGO_BIN_EXE_cargo-launchlint")
        ),
    )
    .expect("written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commit = |message: &str| {
        Command::new("git")
            .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(["-c", "core.hooksPath=.git/hooks", "commit", "-qam", message])
            .current_dir(root)
            .env("PATH", &path)
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("git runs")
    };
    // `commit -a` stages through a temporary index (GIT_INDEX_FILE) that the hook reads.
    write(root, "src/main.rs", leaky_main());
    let output = commit("leak");
    assert!(!output.status.success(), "the hook blocked it: {output:?}");
    assert!(
        text(&output.stdout).contains("hardcoded-secret-key")
            || text(&output.stderr).contains("hardcoded-secret-key")
    );
    write(root, "src/main.rs", "fn main() {}\n// fine\n");
    let output = commit("fine");
    assert!(output.status.success(), "{output:?}");
}
