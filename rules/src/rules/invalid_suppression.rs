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
        check: Suppressions(check),
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

/// Every comment that names no rule, names an unknown one, or gives no reason.
fn check(suppressions: &SuppressionUse, cx: &mut Context) {
    for (file, suppression) in suppressions.all() {
        let unknown: Vec<&str> = suppression
            .rules
            .iter()
            .map(String::as_str)
            .filter(|id| super::by_id(id).is_none())
            .collect();
        if suppression.rules.is_empty() || !unknown.is_empty() || suppression.reason.is_empty() {
            cx.report(
                &INVALID_SUPPRESSION,
                file.draft(
                    suppression.span.clone(),
                    message(suppression, &unknown),
                    HELP.into(),
                    suppression.rules.join(","),
                ),
            );
        }
    }
}
