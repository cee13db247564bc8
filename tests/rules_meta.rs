//! The rules' declarations follow the house style: ids are unique kebab-case names of the
//! flagged pattern, each rule lives in the file named after its id, and its docs have the
//! sections users rely on.

use std::collections::BTreeSet;
use std::path::Path;

use launchlint_rules::rules;

#[test]
fn ids_are_unique_kebab_case() {
    let mut seen = BTreeSet::new();
    for rule in rules::ALL {
        assert!(seen.insert(rule.id), "duplicate id `{}`", rule.id);
        let kebab = !rule.id.is_empty()
            && rule.id.split('-').all(|word| {
                !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
        assert!(kebab, "`{}` is not kebab-case", rule.id);
    }
}

#[test]
fn each_rule_has_its_own_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/src/rules");
    for rule in rules::ALL {
        let file = dir.join(format!("{}.rs", rule.id.replace('-', "_")));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("missing {}", file.display()));
        assert!(
            text.contains(&format!("id: \"{}\"", rule.id)),
            "{} does not declare `{}`",
            file.display(),
            rule.id
        );
    }
}

#[test]
fn docs_have_the_required_sections() {
    for rule in rules::ALL {
        let docs = rule.docs();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
        ] {
            assert!(
                docs.contains(heading),
                "`{}` docs lack `{heading}`",
                rule.id
            );
        }
        assert!(
            !rule.description().is_empty(),
            "`{}` has no description",
            rule.id
        );
    }
}

/// A summary is one short phrase in the message style: it is the line of `cargo launchlint
/// rules` (indented four columns in 80), a finding's label and SARIF's `shortDescription`.
#[test]
fn summaries_are_short_lowercase_phrases() {
    for rule in rules::ALL {
        let summary = rule.summary;
        assert!(
            !summary.is_empty() && summary.chars().count() <= 72,
            "`{}`: summary of {} characters",
            rule.id,
            summary.chars().count()
        );
        assert!(
            !summary.starts_with(|c: char| c.is_uppercase()) && !summary.ends_with('.'),
            "`{}`: summary `{summary}` is not lowercase without a period",
            rule.id
        );
        assert!(!summary.contains('\n'), "`{}`", rule.id);
    }
}

/// The rules whose findings are vulnerabilities carry GitHub's `security-severity`: the
/// credential rules and the webhook rules about signatures, plus insecure origins. The rest
/// (idempotency, payload contract, launch operations, suppressions) carry none.
#[test]
fn security_severity_is_set_for_the_security_rules() {
    let expected = [
        ("secret-key-in-client", 9.5),
        ("secret-env-in-client", 8.5),
        ("hardcoded-secret-key", 9.0),
        ("key-mode-mismatch", 5.0),
        ("server-call-from-client", 7.5),
        ("unverified-webhook", 8.0),
        ("webhook-body-parsed-before-verification", 6.5),
        ("timing-unsafe-signature-compare", 6.0),
        ("webhook-timestamp-not-checked", 5.0),
        ("insecure-origin", 5.5),
        ("runbook-leak", 7.5),
        ("secret-in-log", 7.0),
    ];
    for rule in rules::ALL {
        let want = expected
            .iter()
            .find(|(id, _)| *id == rule.id)
            .map(|(_, severity)| *severity);
        assert_eq!(rule.security_severity, want, "`{}`", rule.id);
        if let Some(severity) = rule.security_severity {
            assert!((0.1..=10.0).contains(&severity), "`{}`", rule.id);
        }
    }
    for rule in rules::ALL.iter().filter(|rule| rule.area == "Credentials") {
        assert!(rule.security_severity.is_some(), "`{}`", rule.id);
    }
}
