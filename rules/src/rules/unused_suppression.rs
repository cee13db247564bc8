use super::declare_rule;
use crate::extract::suppression::Suppression;
use crate::link::facts::SuppressionUse;
use crate::rules::{Context, Rule};

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
        summary: "a `launchlint: allow(…)` comment that silences nothing",
        precision: VeryHigh,
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

/// A valid comment (known rules, a reason) that silenced nothing, when every rule it names
/// is enabled: a suppression of a rule turned off cannot be told to be stale. Invalid
/// comments are `invalid-suppression`'s.
fn is_stale(
    suppression: &Suppression,
    silenced_something: bool,
    enabled: impl Fn(&Rule) -> bool,
) -> bool {
    let rules: Option<Vec<&Rule>> = suppression
        .rules
        .iter()
        .map(|id| super::by_id(id))
        .collect();
    match rules {
        Some(rules) if !rules.is_empty() && !suppression.reason.is_empty() => {
            !silenced_something && rules.into_iter().all(enabled)
        }
        _ => false,
    }
}

fn check(suppressions: &SuppressionUse, cx: &mut Context) {
    for (at, (file, suppression)) in suppressions.all().enumerate() {
        if is_stale(suppression, suppressions.silenced_something(at), |rule| {
            cx.is_enabled(rule)
        }) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::suppression::parse;
    use crate::project::model::FileKind;

    fn stale(comment: &str, silenced: bool, disabled: &str) -> bool {
        let found = parse(comment, FileKind::Rust);
        is_stale(&found[0], silenced, |rule| rule.id != disabled)
    }

    #[test]
    fn a_valid_comment_that_silenced_nothing_is_stale() {
        let comment = "// launchlint: allow(hardcoded-secret-key) demo key";
        assert!(stale(comment, false, ""));
        assert!(!stale(comment, true, ""));
        // The rule is off: whether the comment would silence something is not known.
        assert!(!stale(comment, false, "hardcoded-secret-key"));
    }

    #[test]
    fn invalid_comments_are_left_to_invalid_suppression() {
        for comment in [
            "// launchlint: allow(hardcoded-secret-key)",
            "// launchlint: allow(no-such-rule) reason",
            "// launchlint: allow() reason",
        ] {
            assert!(!stale(comment, false, ""), "{comment}");
        }
    }
}
