//! Which project a check scans and how it names files: the cargo workspace found from the
//! current directory or `--manifest-path` (with the workspace root's config), `--package`,
//! paths relative to the repository root in every format, and nothing scanned as an error.

use std::path::{Path, PathBuf};
use std::process::Output;

mod support;
use support::{copy_dir, launchlint};

const LIVE_KEY: &str = "sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd";
const OTHER_LIVE_KEY: &str = "sk_live_Zq81VbT4mN0pLs7dKf2hW9cR";

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!("no JSON ({error}); stderr: {}", stderr(output));
    })
}

/// (path, rule, severity) of each finding of a JSON report.
fn findings(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("written");
    }
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo")
}

/// A workspace of two server crates, each with a live key, and a root config that makes
/// `hardcoded-secret-key` a warning: a finding's severity shows whether the config was read.
fn two_crate_workspace(root: &Path) {
    let package = |name: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\n"
        )
    };
    write(
        root,
        &[
            (
                "Cargo.toml",
                "[workspace]\nresolver = \"2\"\nmembers = [\"api\", \"worker\"]\n",
            ),
            (
                "launchlint.toml",
                "[rules]\nhardcoded-secret-key = \"warn\"\n",
            ),
            ("api/Cargo.toml", &package("api")),
            (
                "api/src/main.rs",
                &format!("const KEY: &str = \"{LIVE_KEY}\";\nfn main() {{}}\n"),
            ),
            ("worker/Cargo.toml", &package("worker")),
            (
                "worker/src/main.rs",
                &format!("const KEY: &str = \"{OTHER_LIVE_KEY}\";\nfn main() {{}}\n"),
            ),
        ],
    );
}

#[test]
fn a_member_subfolder_gives_the_same_findings_as_the_root() {
    let demo = demo();
    let from_root = launchlint(&["--format", "json"], &demo);
    assert_eq!(from_root.status.code(), Some(1), "{}", stderr(&from_root));
    let report = json(&from_root);
    assert!(findings(&report).len() > 10, "{report}");
    // The demo is scanned where it is: paths are relative to the repository root.
    let prefix = support::repository_prefix(&demo);
    for (path, _, _) in findings(&report) {
        assert!(
            path.starts_with(&prefix),
            "{path} does not start with {prefix}"
        );
    }
    // A member's source folder, a member's folder and a front end that is no cargo package.
    for below in ["server/src", "web", "frontend/src"] {
        let from_below = launchlint(&["--format", "json"], &demo.join(below));
        assert_eq!(from_below.status.code(), Some(1), "{below}");
        assert_eq!(
            stdout(&from_below),
            stdout(&from_root),
            "from {below}: {}",
            stderr(&from_below)
        );
    }
    // Every format names the same files the same way.
    let short = |dir: &Path| stdout(&launchlint(&["--format", "short"], dir));
    assert_eq!(short(&demo.join("server/src")), short(&demo));
}

#[test]
fn manifest_path_takes_a_cargo_toml_and_scans_its_workspace() {
    let dir = tempfile::tempdir().expect("a temp dir");
    two_crate_workspace(dir.path());
    let root = launchlint(&["--format", "json"], dir.path());
    let expected = vec![
        (
            "api/src/main.rs".to_string(),
            "hardcoded-secret-key".to_string(),
            "warning".to_string(),
        ),
        (
            "worker/src/main.rs".to_string(),
            "hardcoded-secret-key".to_string(),
            "warning".to_string(),
        ),
    ];
    assert_eq!(findings(&json(&root)), expected, "{}", stderr(&root));

    // A member's manifest: the whole workspace, with the root's config (warnings, not errors).
    let member = launchlint(
        &["--manifest-path", "api/Cargo.toml", "--format", "json"],
        dir.path(),
    );
    assert_eq!(member.status.code(), Some(0), "{}", stderr(&member));
    assert_eq!(stdout(&member), stdout(&root));
    // The same from inside the member, with no argument at all.
    let inside = launchlint(&["--format", "json"], &dir.path().join("api/src"));
    assert_eq!(stdout(&inside), stdout(&root), "{}", stderr(&inside));
    // Scanning the member's folder as PATH is a project of its own, without the root config.
    let folder = launchlint(&["api", "--format", "json"], dir.path());
    assert_eq!(folder.status.code(), Some(1));
    assert_eq!(
        findings(&json(&folder)),
        [(
            "src/main.rs".to_string(),
            "hardcoded-secret-key".to_string(),
            "error".to_string()
        )]
    );

    // A folder is not a manifest.
    for arg in ["api", "."] {
        let output = launchlint(&["--manifest-path", arg, "--color", "never"], dir.path());
        assert_eq!(output.status.code(), Some(2), "{arg}");
        let text = stderr(&output);
        assert!(text.contains("is a folder"), "{text}");
        assert!(
            text.contains("--manifest-path expects a Cargo.toml; to scan a folder pass it as PATH"),
            "{text}"
        );
        assert!(stdout(&output).is_empty());
    }
    let output = launchlint(&["--manifest-path", "api/src/main.rs"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a Cargo.toml"),
        "{}",
        stderr(&output)
    );
    let output = launchlint(&["--manifest-path", "nowhere/Cargo.toml"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no such file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn package_limits_the_reported_findings() {
    let dir = tempfile::tempdir().expect("a temp dir");
    two_crate_workspace(dir.path());
    let only = |args: &[&str]| {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let output = launchlint(&all, dir.path());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let report = json(&output);
        let paths: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
        (paths, report["summary"]["files_scanned"].as_u64())
    };
    let (worker, files) = only(&["-p", "worker"]);
    assert_eq!(worker, ["worker/src/main.rs"]);
    // The summary counts the files of the packages reported on: its manifest and source.
    assert_eq!(files, Some(2));
    let (both, _) = only(&["--package", "worker,api"]);
    assert_eq!(both, ["api/src/main.rs", "worker/src/main.rs"]);
    let (repeated, _) = only(&["-p", "api", "-p", "worker"]);
    assert_eq!(repeated, both);
    let (all, files) = only(&[]);
    assert_eq!(all, both);
    assert_eq!(files, Some(6));

    // A clean package prints the clean line.
    write(
        dir.path(),
        &[
            (
                "jobs/Cargo.toml",
                "[package]\nname = \"jobs\"\nversion = \"0.1.0\"\n",
            ),
            ("jobs/src/lib.rs", "pub fn run() {}\n"),
        ],
    );
    let root = std::fs::read_to_string(dir.path().join("Cargo.toml")).expect("read");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        root.replace("\"worker\"]", "\"worker\", \"jobs\"]"),
    )
    .expect("written");
    let output = launchlint(&["-p", "jobs", "--color", "never"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "launchlint: no launch-gate findings in 2 files\n"
    );

    let output = launchlint(&["-p", "api,nope", "--color", "never"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("unknown package `nope`"), "{text}");
    assert!(text.contains("api, jobs, worker"), "{text}");
    assert!(stdout(&output).is_empty());
}

#[test]
fn paths_are_relative_to_the_repository_root_in_every_format() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).expect("mkdir");
    let shop = repo.join("my shop");
    copy_dir(&demo().join("frontend"), &shop);
    write(
        &shop,
        &[(
            "dist/assets/app #1?%é.js",
            &format!("const k=\"{LIVE_KEY}\";\n"),
        )],
    );
    let file = "my shop/dist/assets/app #1?%é.js";
    let encoded = "my%20shop/dist/assets/app%20%231%3F%25%C3%A9.js";

    let report = json(&launchlint(&["--format", "json"], &shop));
    assert!(
        findings(&report)
            .iter()
            .any(|(path, rule, _)| path == file && rule == "secret-key-in-client"),
        "{report}"
    );
    assert!(findings(&report)
        .iter()
        .all(|(path, _, _)| path.starts_with("my shop/")));

    let sarif: serde_json::Value =
        serde_json::from_slice(&launchlint(&["--format", "sarif"], &shop).stdout)
            .expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    let root = std::fs::canonicalize(&repo).expect("canonical");
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", root.display()),
    );
    let locations: Vec<&serde_json::Value> = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .collect();
    assert!(locations.iter().all(|l| l["uriBaseId"] == "%SRCROOT%"));
    assert!(
        locations.iter().any(|l| l["uri"] == encoded),
        "{locations:?}"
    );
    assert!(locations.iter().all(|l| l["uri"]
        .as_str()
        .is_some_and(|u| u.starts_with("my%20shop/"))));

    let short = stdout(&launchlint(&["--format", "short"], &shop));
    assert!(
        short.contains(&format!("{file}:1:10: error[secret-key-in-client]")),
        "{short}"
    );
    let github = stdout(&launchlint(&["--format", "github"], &shop));
    assert!(
        github.contains("::error file=my shop/dist/assets/app #1?%25é.js,line=1"),
        "{github}"
    );
    let human = stdout(&launchlint(&["--color", "never"], &shop));
    assert!(human.contains(&format!("[{file}:1:10]")), "{human}");

    // Fingerprints and baselines use paths inside the project: a baseline written from the
    // repository matches a scan of a copy that is in no repository.
    let baseline = dir.path().join("baseline.json");
    let written = launchlint(
        &["--write-baseline", baseline.to_str().expect("UTF-8")],
        &shop,
    );
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let recorded = std::fs::read_to_string(&baseline).expect("written");
    assert!(
        recorded.contains("\"dist/assets/app #1?%é.js\""),
        "{recorded}"
    );
    let elsewhere = dir.path().join("copy");
    copy_dir(&shop, &elsewhere);
    let copy = json(&launchlint(&["--format", "json"], &elsewhere));
    let fingerprints = |report: &serde_json::Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(fingerprints(&copy), fingerprints(&report));
    let output = launchlint(
        &[
            "--baseline",
            baseline.to_str().expect("UTF-8"),
            "--format",
            "short",
        ],
        &elsewhere,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn nothing_to_scan_is_an_error() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let docs = dir.path().join("docs");
    write(
        &docs,
        &[("notes.md", "# Notes\n"), ("logo.png", "\u{0}PNG")],
    );
    let cases = [
        (vec!["."], empty.as_path(), "the walk found no files"),
        (vec![], empty.as_path(), "the walk found no files"),
        (vec!["."], docs.as_path(), "among its 2 files"),
        (
            vec!["no/such/folder"],
            dir.path(),
            "there is no such folder",
        ),
        (
            vec!["docs/notes.md"],
            dir.path(),
            "it is a file, not a folder",
        ),
    ];
    for (args, cwd, says) in cases {
        for format in ["human", "json", "sarif"] {
            let mut all = args.clone();
            all.extend(["--format", format, "--color", "never"]);
            let output = launchlint(&all, cwd);
            assert_eq!(output.status.code(), Some(2), "{args:?} {format}");
            let text = stderr(&output);
            assert!(text.contains(says), "{args:?}: {text}");
            assert!(text.contains("launchlint::"), "a miette error: {text}");
            assert!(stdout(&output).is_empty(), "{args:?} {format}");
        }
    }
}

#[test]
fn a_clean_run_says_so() {
    let dir = tempfile::tempdir().expect("a temp dir");
    write(
        dir.path(),
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"tools\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
            ),
            ("src/main.rs", "fn main() { println!(\"hello\"); }\n"),
        ],
    );
    let human = launchlint(&["--color", "never"], dir.path());
    assert_eq!(human.status.code(), Some(0), "{}", stderr(&human));
    assert_eq!(
        stdout(&human),
        "launchlint: no launch-gate findings in 2 files\n"
    );
    // Machine formats stay machine-readable.
    let report = json(&launchlint(&["--format", "json"], dir.path()));
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["summary"]["files_scanned"], 2);
    let sarif = launchlint(&["--format", "sarif"], dir.path());
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    // A suppressed finding is counted.
    write(
        dir.path(),
        &[(
            "src/main.rs",
            &format!(
                "// launchlint: allow(hardcoded-secret-key) a revoked key kept for a migration test\nconst OLD: &str = \"{LIVE_KEY}\";\nfn main() {{}}\n"
            ),
        )],
    );
    let human = launchlint(&["--color", "never"], dir.path());
    assert_eq!(
        stdout(&human),
        "launchlint: no launch-gate findings in 2 files, 1 suppressed\n",
        "{}",
        stderr(&human)
    );
}
