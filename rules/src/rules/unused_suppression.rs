use super::{declare_rule, reported_elsewhere};
use crate::analysis::FileAnalysis;
use crate::finding::Context;
use crate::suppression::Suppression;

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
        check: reported_elsewhere,
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

/// Called by the suppression pass for each comment that silenced nothing.
pub(crate) fn report(cx: &mut Context, file: &FileAnalysis, suppression: &Suppression) {
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
