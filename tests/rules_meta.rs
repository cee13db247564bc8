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
        assert!(!rule.summary().is_empty(), "`{}` has no summary", rule.id);
    }
}
