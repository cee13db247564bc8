//! The SARIF report as code scanning reads it: valid against the official SARIF 2.1.0 JSON
//! schema (the copy serde-sarif ships, found through `cargo metadata`, so no network), rules
//! with the metadata GitHub shows, and a report written into the checkout that the next run
//! does not report again.

use std::path::{Path, PathBuf};
use std::process::Output;

use launchlint_rules::rules;

mod support;
use support::{copy_dir, launchlint};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "not JSON ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The SARIF 2.1.0 schema from the serde-sarif package in the local registry.
fn sarif_schema() -> serde_json::Value {
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .other_options(vec!["--offline".to_string(), "--locked".to_string()])
        .exec()
        .expect("cargo metadata");
    let package = metadata
        .packages
        .iter()
        .find(|package| package.name.as_str() == "serde-sarif")
        .expect("serde-sarif is a dev-dependency");
    let path = package
        .manifest_path
        .parent()
        .expect("a package folder")
        .join("src/schema.json");
    let text = std::fs::read_to_string(&path).expect("serde-sarif ships src/schema.json");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    schema
}

/// Replaces the schema's `language` pattern with its `]` escaped, wherever it is; returns how
/// often.
fn escape_stray_brackets(value: &mut serde_json::Value) -> usize {
    const PUBLISHED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const ESCAPED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$";
    match value {
        serde_json::Value::Object(map) => {
            let mut count = 0;
            for (key, child) in map.iter_mut() {
                if key == "pattern" && child == PUBLISHED {
                    *child = serde_json::Value::from(ESCAPED);
                    count += 1;
                } else {
                    count += escape_stray_brackets(child);
                }
            }
            count
        }
        serde_json::Value::Array(items) => items.iter_mut().map(escape_stray_brackets).sum(),
        _ => 0,
    }
}

#[test]
fn the_demo_report_is_valid_sarif_2_1_0() {
    let output = launchlint(&[".", "--format", "sarif"], &demo());
    assert_eq!(output.status.code(), Some(1));
    let sarif = json(&output);
    let mut schema = sarif_schema();
    // The published schema's `language` patterns have a stray `]` (`…{2}]?$`), which the
    // validator's strict check of the schema itself rejects; escaped, they mean what they
    // say (our runs set no `language`). Nothing else is touched.
    assert_eq!(escape_stray_brackets(&mut schema), 2);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The check bites: a column unit SARIF does not know, or a result without a message.
    let mut wrong = sarif.clone();
    wrong["runs"][0]["columnKind"] = "bytes".into();
    assert!(!validator.is_valid(&wrong));
    let mut wrong = sarif.clone();
    wrong["runs"][0]["results"][0]
        .as_object_mut()
        .expect("a result")
        .remove("message");
    assert!(!validator.is_valid(&wrong));
    // And serde-sarif's types, generated from the same schema, read it.
    let typed: serde_sarif::sarif::Sarif =
        serde_json::from_value(sarif.clone()).expect("serde-sarif reads it");
    assert_eq!(typed.runs.len(), 1);
}

#[test]
fn rules_carry_what_code_scanning_shows() {
    let sarif = json(&launchlint(&[".", "--format", "sarif"], &demo()));
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert!(driver.get("informationUri").is_none(), "{driver}");
    let sarif_rules = driver["rules"].as_array().expect("rules");
    for (rule, entry) in rules::ALL.iter().zip(sarif_rules) {
        assert_eq!(entry["id"], rule.id);
        assert!(
            entry.get("helpUri").is_none(),
            "no docs are published at a URL"
        );
        let short = entry["shortDescription"]["text"].as_str().expect("short");
        assert!(
            short.ends_with('.') && !short.trim_end_matches('.').contains(". "),
            "one sentence: {short}"
        );
        assert!(short.starts_with(|c: char| c.is_uppercase()), "{short}");
        assert_eq!(
            entry["fullDescription"]["text"].as_str(),
            Some(rule.description().as_str())
        );
        let markdown = entry["help"]["markdown"].as_str().expect("markdown");
        assert!(markdown.starts_with(&format!("# {}\n", rule.id)));
        assert!(markdown.contains("## Why is this bad?"));
        let properties = &entry["properties"];
        assert_eq!(properties["precision"], rule.precision.as_str());
        let tags: Vec<&str> = properties["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(|tag| tag.as_str())
            .collect();
        match rule.security_severity {
            Some(severity) => {
                let shown = properties["security-severity"]
                    .as_str()
                    .expect("a numeric string");
                assert_eq!(shown.parse::<f64>().ok(), Some(severity), "{}", rule.id);
                assert!(tags.contains(&"security"), "{}: {tags:?}", rule.id);
            }
            None => {
                assert!(properties.get("security-severity").is_none());
                assert!(!tags.contains(&"security"), "{}: {tags:?}", rule.id);
            }
        }
    }
    // Every credential finding's rule is rated, at least high.
    let mut credential_results = 0;
    for result in run["results"].as_array().expect("results") {
        let rule = rules::by_id(result["ruleId"].as_str().unwrap()).expect("a rule");
        if rule.area == "Credentials" {
            credential_results += 1;
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            let severity = sarif_rules[index]["properties"]["security-severity"]
                .as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .expect("security-severity");
            assert!(severity >= 7.0, "{}: {severity}", rule.id);
        }
    }
    assert!(credential_results > 0);
}

/// The README has CI write `launchlint.sarif` at the root of the checkout: the next run reads
/// it (and a JSON report beside it) for credentials only, and reports exactly what it did.
#[test]
fn reports_written_into_the_checkout_are_not_reported_again() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let root = scratch.path().join("demo");
    copy_dir(&demo(), &root);
    let findings = |output: &Output| json(output)["findings"].clone();
    let before = findings(&launchlint(&[".", "--format", "json"], &root));
    assert!(before.as_array().is_some_and(|f| f.len() > 10));
    let first_sarif = launchlint(&[".", "--format", "sarif"], &root);

    let written = launchlint(
        &[".", "--format", "sarif", "--output", "launchlint.sarif"],
        &root,
    );
    assert_eq!(written.status.code(), Some(1));
    assert_eq!(written.stdout, b"");
    assert_eq!(
        std::fs::read(root.join("launchlint.sarif")).expect("written"),
        first_sarif.stdout
    );
    let after = findings(&launchlint(&[".", "--format", "json"], &root));
    assert_eq!(before, after, "the SARIF report changed the findings");

    let json_report = root.join("reports/launchlint.json");
    std::fs::create_dir_all(json_report.parent().unwrap()).expect("mkdir");
    let args = [
        ".",
        "--format",
        "json",
        "--output",
        "reports/launchlint.json",
    ];
    assert_eq!(launchlint(&args, &root).status.code(), Some(1));
    let again = findings(&launchlint(&[".", "--format", "json"], &root));
    assert_eq!(before, again, "the JSON report changed the findings");
    let second_sarif = json(&launchlint(&[".", "--format", "sarif"], &root));
    assert_eq!(
        json(&first_sarif)["runs"][0]["results"],
        second_sarif["runs"][0]["results"]
    );
}

/// A file shaped like a launchlint report is still read for credentials: a live key planted
/// in one is reported.
#[test]
fn a_forged_report_with_a_key_is_reported() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let root = scratch.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .expect("write");
    let key = "sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd";
    let forged = format!(
        "{{\"version\": \"2.1.0\", \"runs\": [{{\"tool\": {{\"driver\": {{\"name\": \"cargo-launchlint\"}}}}, \"results\": [], \"properties\": {{\"key\": \"{key}\", \"origin\": \"http://localhost:3000\"}}}}]}}\n"
    );
    std::fs::write(root.join("launchlint.sarif"), forged).expect("write");
    let report = json(&launchlint(&[".", "--format", "json"], root));
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "hardcoded-secret-key".to_string(),
            "launchlint.sarif".to_string()
        )],
        "{report}"
    );
}
