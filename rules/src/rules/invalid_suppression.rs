use super::declare_rule;
use crate::extract::suppression::Suppression;
use crate::link::facts::SuppressionUse;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports `launchlint: allow(…)` comments that cannot take effect: no rule named, a rule
    /// id that does not exist, or no reason after the parentheses.
    ///
    /// ## Why is this bad?
    /// A suppression is a decision someone will have to revisit before launch. Without a
    /// reason nobody can tell whether it still holds, and a misspelt rule id silences nothing
    /// while looking as if it did.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // launchlint: allow(hardcoded-secret)
    /// const DEMO_KEY: &str = "sk_test_4eC39HqLyjWDarjtEXAMPLE";
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// // launchlint: allow(hardcoded-secret-key) public sandbox key from the 0Bit quickstart
    /// const DEMO_KEY: &str = "sk_test_4eC39HqLyjWDarjtEXAMPLE";
    /// ```
    pub static INVALID_SUPPRESSION = {
        id: "invalid-suppression",
        default: Warn,
        area: "Suppressions",
        live_only: false,
        summary: "a `launchlint: allow(…)` comment that cannot take effect",
        precision: VeryHigh,
        check: Suppressions(check),
    }
}

/// What is wrong with a suppression comment, if anything: it names no rule, names an
/// unknown one, or gives no reason.
fn problem(suppression: &Suppression) -> Option<String> {
    let unknown: Vec<&str> = suppression
        .rules
        .iter()
        .map(String::as_str)
        .filter(|id| super::by_id(id).is_none())
        .collect();
    if suppression.rules.is_empty() {
        Some("suppression names no rule".into())
    } else if !unknown.is_empty() {
        Some(format!(
            "suppression names unknown rule `{}`",
            unknown.join("`, `")
        ))
    } else if suppression.reason.is_empty() {
        Some("suppression gives no reason".into())
    } else {
        None
    }
}

const HELP: &str =
    "write `launchlint: allow(rule-id) reason`, with ids from `cargo launchlint rules`";

/// Every comment that names no rule, names an unknown one, or gives no reason.
fn check(suppressions: &SuppressionUse, cx: &mut Context) {
    for (file, suppression) in suppressions.all() {
        if let Some(message) = problem(suppression) {
            cx.report(
                &INVALID_SUPPRESSION,
                file.draft(
                    suppression.span.clone(),
                    message,
                    HELP.into(),
                    suppression.rules.join(","),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::suppression::parse;
    use crate::project::model::FileKind;

    fn problem_of(comment: &str) -> Option<String> {
        let found = parse(comment, FileKind::Rust);
        assert_eq!(found.len(), 1, "{comment}");
        problem(&found[0])
    }

    #[test]
    fn comments_without_rule_reason_or_known_id_are_invalid() {
        for (comment, message) in [
            ("// launchlint: allow() demo", "suppression names no rule"),
            (
                "// launchlint: allow(hardcoded-secret) demo key",
                "suppression names unknown rule `hardcoded-secret`",
            ),
            (
                "// launchlint: allow(hardcoded-secret-key, nope, never) x",
                "suppression names unknown rule `nope`, `never`",
            ),
            (
                "// launchlint: allow(hardcoded-secret-key)",
                "suppression gives no reason",
            ),
            (
                "/* launchlint: allow(hardcoded-secret-key) */",
                "suppression gives no reason",
            ),
        ] {
            assert_eq!(problem_of(comment).as_deref(), Some(message), "{comment}");
        }
    }

    #[test]
    fn a_known_rule_with_a_reason_is_valid() {
        for comment in [
            "// launchlint: allow(hardcoded-secret-key) public sandbox key from the quickstart",
            "// launchlint: allow(hardcoded-secret-key, key-mode-mismatch) fixture for the docs",
            "/* launchlint: allow(insecure-origin) local demo only */",
        ] {
            assert_eq!(problem_of(comment), None, "{comment}");
        }
    }
}
