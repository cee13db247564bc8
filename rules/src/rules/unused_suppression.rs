use super::declare_rule;
use crate::extract::suppression::Suppression;
use crate::link::facts::SuppressionUse;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reports `launchlint: allow(…)` comments that silence nothing: no finding of the named
    /// rules sits on the comment's line or the next one.
    ///
    /// ## Why is this bad?
    /// Stale suppressions hide the next real finding that lands on that line, and make the
    /// launch review read exceptions that no longer exist.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // launchlint: allow(hardcoded-secret-key) demo key
    /// let key = std::env::var("OBIT_SECRET_KEY")?;
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// let key = std::env::var("OBIT_SECRET_KEY")?;
    /// ```
    pub static UNUSED_SUPPRESSION = {
        id: "unused-suppression",
        default: Warn,
        area: "Suppressions",
        live_only: false,
        check: Suppressions(check),
    }
}

fn message(suppression: &Suppression) -> String {
    format!(
        "suppression of `{}` matches no finding",
        suppression.rules.join("`, `")
    )
}

const HELP: &str =
    "remove the comment, or move it onto the line of the finding or the line above it";

/// Every valid comment that silenced nothing, when all the rules it names are enabled (a
/// suppression of a rule turned off cannot be told to be stale). Invalid comments are
/// `invalid-suppression`'s.
fn check(suppressions: &SuppressionUse, cx: &mut Context) {
    for (at, (file, suppression)) in suppressions.all().enumerate() {
        let valid = !suppression.rules.is_empty()
            && !suppression.reason.is_empty()
            && suppression
                .rules
                .iter()
                .all(|id| super::by_id(id).is_some());
        let all_enabled = suppression
            .rules
            .iter()
            .all(|id| super::by_id(id).is_some_and(|rule| cx.is_enabled(rule)));
        if valid && all_enabled && !suppressions.silenced_something(at) {
            cx.report(
                &UNUSED_SUPPRESSION,
                file.draft(
                    suppression.span.clone(),
                    message(suppression),
                    HELP.into(),
                    suppression.rules.join(","),
                ),
            );
        }
    }
}
