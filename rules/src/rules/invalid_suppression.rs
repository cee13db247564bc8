use super::{declare_rule, reported_elsewhere};
use crate::analysis::FileAnalysis;
use crate::finding::Context;
use crate::suppression::Suppression;

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
    /// const DEMO_KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// // launchlint: allow(hardcoded-secret-key) public sandbox key from the 0Bit quickstart
    /// const DEMO_KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
    /// ```
    pub static INVALID_SUPPRESSION = {
        id: "invalid-suppression",
        default: Warn,
        area: "Suppressions",
        live_only: false,
        check: reported_elsewhere,
    }
}

fn message(suppression: &Suppression, unknown: &[&str]) -> String {
    if suppression.rules.is_empty() {
        "suppression names no rule".into()
    } else if !unknown.is_empty() {
        format!("suppression names unknown rule `{}`", unknown.join("`, `"))
    } else {
        "suppression gives no reason".into()
    }
}

const HELP: &str =
    "write `launchlint: allow(rule-id) reason`, with ids from `cargo launchlint rules`";

/// Called by the suppression pass for each comment that cannot take effect.
pub(crate) fn report(
    cx: &mut Context,
    file: &FileAnalysis,
    suppression: &Suppression,
    unknown: &[&str],
) {
    cx.report(
        &INVALID_SUPPRESSION,
        file.draft(
            suppression.span.clone(),
            message(suppression, unknown),
            HELP.into(),
            suppression.rules.join(","),
        ),
    );
}
