//! Every example in a rule's docs is checked: the code under "## Example" must produce that
//! rule's finding, the code under "Use instead:" must not. Each example becomes a file of a
//! tiny merchant workspace (an axum server and a Leptos front end) that the real binary scans.
//!
//! Where an example goes: the path its first line names in a comment (`// web/src/lib.rs,
//! compiled to wasm`, `# launchlint.toml`), else `server/src/main.rs` for Rust and
//! `launchlint.toml` for TOML. A "Use instead" example in another file than the example it
//! answers (a config that declares what the code uses) is scanned together with it; one in the
//! same file replaces it. Rust examples may carry the rest of a real file in rustdoc's hidden
//! `# ` lines, which `explain` and the rendered docs do not show.
//!
//! The docs' example keys end in `EXAMPLE`, which makes them placeholders: the docs, `explain`
//! and every report that quotes them are never reported themselves. Each example is scanned
//! with a real key in their place (the same value without `EXAMPLE`), so it still shows what
//! the rule reports.
//!
//! The docs pages `docs/rules/<id>.md` are the text `explain` prints; a test fails when one
//! is stale. `UPDATE_RULE_DOCS=1 cargo test -p cargo-launchlint --test rule_docs` writes them.

use std::path::{Path, PathBuf};

mod support;
use std::process::Command;
use support::write;

use launchlint_rules::extract::credential;
use launchlint_rules::rules::{self, Example, Rule};

const SERVER_MANIFEST: &str = r#"[package]
name = "harbour-server"
version = "0.1.0"
edition = "2021"

[dependencies]
axum = "0.7"
tokio = { version = "1", features = ["full"] }
reqwest = { version = "0.12", features = ["json"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
hmac = "0.12"
sha2 = "0.10"
hex = "0.4"
uuid = { version = "1", features = ["v4"] }
sqlx = { version = "0.8", features = ["postgres", "runtime-tokio"] }
"#;

const WEB_MANIFEST: &str = r#"[package]
name = "harbour-web"
version = "0.1.0"
edition = "2021"

[dependencies]
leptos = { version = "0.7", features = ["csr"] }
gloo-net = "0.6"
wasm-bindgen = "0.2"
"#;

/// The path an example's first line names, if it names one.
fn named_path(example: &Example) -> Option<String> {
    let first = example.code.lines().next()?.trim();
    let comment = first
        .strip_prefix("//")
        .or_else(|| first.strip_prefix('#'))?
        .trim_start();
    let word = comment.split([',', ' ']).next()?;
    let known = [
        ".rs", ".toml", ".env", ".ts", ".js", ".tsx", ".md", ".yml", ".yaml",
    ];
    (known.iter().any(|ext| word.ends_with(ext)) || word.starts_with(".env"))
        .then(|| word.to_string())
}

/// Where an example goes when nothing else says.
fn path_of(example: &Example) -> String {
    named_path(example).unwrap_or_else(|| match example.language.as_str() {
        "toml" => "launchlint.toml".into(),
        "sh" | "dotenv" | "env" => ".env".into(),
        _ => "server/src/main.rs".into(),
    })
}

/// What marks a docs key as a stand-in for a real one.
const DOCS_KEY_MARK: &str = "EXAMPLE";

/// `code` with every docs key made real: `sk_live_51Nz…EXAMPLE` → `sk_live_51Nz…`.
fn with_real_keys(code: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for found in credential::find_all(code) {
        if code[found.span.clone()].ends_with(DOCS_KEY_MARK) {
            out.push_str(&code[at..found.span.end - DOCS_KEY_MARK.len()]);
            at = found.span.end;
        }
    }
    out.push_str(&code[at..]);
    out
}

/// Scans a workspace holding `files` and returns the findings of `rule`, as `path:line`.
fn findings(rule: &Rule, files: &[(String, &str)]) -> Vec<String> {
    let root = tempfile::tempdir().expect("temp dir");
    let root = root.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"server\", \"web\"]\nresolver = \"2\"\n",
    );
    write(root, "server/Cargo.toml", SERVER_MANIFEST);
    write(root, "web/Cargo.toml", WEB_MANIFEST);
    write(root, "server/src/main.rs", "fn main() {}\n");
    write(root, "web/src/lib.rs", "");
    for (path, text) in files {
        write(root, path, with_real_keys(text));
    }
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
        .arg(root)
        .args(["--format", "json"])
        .output()
        .expect("binary runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "`{}`: no JSON ({e}): {}",
            rule.id,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == rule.id)
        .map(|f| format!("{}:{}", f["path"], f["line"]))
        .collect()
}

/// The files of the project each example is checked in.
fn projects(rule: &Rule) -> Vec<(Example, Vec<(String, &'static str)>)> {
    let examples: &'static [Example] = Vec::leak(rule.examples());
    let mut projects = Vec::new();
    let mut answered: Option<(String, &'static Example)> = None;
    for example in examples {
        let mut path = path_of(example);
        let mut files = Vec::new();
        if example.flagged {
            answered = Some((path.clone(), example));
        } else if let Some((flagged_path, flagged)) = &answered {
            // Unnamed and in the same language: a fix of the same file.
            if named_path(example).is_none() && flagged.language == example.language {
                path = flagged_path.clone();
            }
            if *flagged_path != path {
                files.push((flagged_path.clone(), flagged.code.as_str()));
            }
        }
        files.push((path, example.code.as_str()));
        projects.push((example.clone(), files));
    }
    projects
}

#[test]
fn every_rule_has_a_flagged_and_a_clean_example() {
    for rule in rules::ALL {
        let examples = rule.examples();
        assert!(
            examples.iter().any(|e| e.flagged) && examples.iter().any(|e| !e.flagged),
            "`{}` docs need an example and a \"Use instead\" example",
            rule.id
        );
    }
}

#[test]
fn docs_examples_produce_their_rule_or_not() {
    let mut problems = Vec::new();
    for rule in rules::ALL {
        for (example, files) in projects(rule) {
            let found = findings(rule, &files);
            let shown: Vec<&str> = files.iter().map(|(path, _)| path.as_str()).collect();
            match (example.flagged, found.is_empty()) {
                (true, true) => problems.push(format!(
                    "`{}`: the Example ({}) is not reported:\n{}",
                    rule.id,
                    shown.join(" + "),
                    example.code
                )),
                (false, false) => problems.push(format!(
                    "`{}`: the \"Use instead\" example ({}) is reported at {found:?}:\n{}",
                    rule.id,
                    shown.join(" + "),
                    example.code
                )),
                _ => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn docs_keys_are_placeholders_that_stand_for_real_ones() {
    let mut marked = 0;
    for rule in rules::ALL {
        let page = rule.page();
        let hidden: Vec<String> = rule.examples().into_iter().map(|e| e.code).collect();
        for text in std::iter::once(&page).chain(&hidden) {
            for found in credential::find_all(text) {
                let value = &text[found.span.clone()];
                assert!(
                    found.placeholder,
                    "`{}` docs hold `{value}`, which the credential rules report: end it in `{DOCS_KEY_MARK}`",
                    rule.id
                );
                if value.ends_with(DOCS_KEY_MARK) {
                    marked += 1;
                    let real = with_real_keys(value);
                    let made = credential::find_all(&real);
                    assert!(
                        made.len() == 1 && !made[0].placeholder,
                        "`{value}` without `{DOCS_KEY_MARK}` is no real key"
                    );
                }
            }
        }
    }
    assert!(marked >= 4, "the credential rules' examples hold docs keys");
}

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules")
}

/// `docs/rules/<id>.md` is `cargo launchlint explain <id>`, for every rule and no other.
#[test]
fn docs_pages_are_up_to_date() {
    let dir = docs_dir();
    let update = std::env::var_os("UPDATE_RULE_DOCS").is_some();
    if update {
        std::fs::create_dir_all(&dir).expect("create docs/rules");
    }
    let mut stale = Vec::new();
    for rule in rules::ALL {
        let path = dir.join(format!("{}.md", rule.id));
        let page = rule.page();
        let current = std::fs::read_to_string(&path).map(|text| text.replace("\r\n", "\n"));
        if current.ok().as_deref() == Some(page.as_str()) {
            continue;
        }
        if update {
            std::fs::write(&path, page).expect("write a docs page");
        } else {
            stale.push(format!("{}.md", rule.id));
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let id = name.strip_suffix(".md").unwrap_or(&name);
        if rules::by_id(id).is_none() {
            if update {
                std::fs::remove_file(entry.path()).expect("remove a page of no rule");
            } else {
                stale.push(format!("{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale docs pages in docs/rules: {}; regenerate them with \
         `UPDATE_RULE_DOCS=1 cargo test -p cargo-launchlint --test rule_docs`",
        stale.join(", ")
    );
}

/// The docs pages, where this repository keeps them (under `docs/`, where a project's
/// runbooks are found), and `explain`'s text saved anywhere else: scanning them reports none
/// of the docs' examples, and no credential at all.
#[test]
fn the_docs_are_never_reported() {
    let root = tempfile::tempdir().expect("temp dir");
    let root = root.path();
    // A project for the pages to sit in: a folder of docs alone is nothing to scan.
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"docs-check\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(root, "src/main.rs", "fn main() {}\n");
    for rule in rules::ALL {
        write(root, &format!("docs/rules/{}.md", rule.id), rule.page());
        let output = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
            .args(["explain", rule.id])
            .output()
            .expect("binary runs");
        let saved = String::from_utf8(output.stdout).expect("UTF-8");
        assert_eq!(saved, rule.page());
        write(root, &format!("support/{}.txt", rule.id), &saved);
    }
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
        .arg(root)
        .args(["--format", "json"])
        .output()
        .expect("binary runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let findings = report["findings"].as_array().expect("findings");
    let at = |f: &serde_json::Value| format!("{}:{} {}", f["path"], f["line"], f["message"]);
    let in_pages: Vec<String> = findings
        .iter()
        .filter(|f| f["path"].as_str().is_some_and(|p| p.starts_with("docs/")))
        .map(at)
        .collect();
    assert!(in_pages.is_empty(), "{in_pages:#?}");
    let credentials: Vec<String> = findings
        .iter()
        .filter(|f| {
            let message = f["message"].as_str().unwrap_or("");
            message.contains("sk_") || message.contains("whsec_")
        })
        .map(at)
        .collect();
    assert!(credentials.is_empty(), "{credentials:#?}");
}
