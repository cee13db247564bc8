use super::declare_rule;
use crate::link::facts::Facts;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds webhook verification that parses the `t=` timestamp of `Gate-Signature` but never
    /// compares it with the current time (`SystemTime::now()`, `Utc::now()`,
    /// `OffsetDateTime::now_utc()`), in the parsing function or anywhere the handler reaches.
    ///
    /// ## Why is this bad?
    /// A captured delivery stays valid forever: anyone who sees one can replay it later.
    /// 0Bit's reference verification rejects timestamps more than 300 seconds from now.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let timestamp = part.strip_prefix("t=")?; // used in the MAC, never checked
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    /// if (now - timestamp).abs() > 300 { return Err(VerifyError::Stale); }
    /// ```
    pub static WEBHOOK_TIMESTAMP_NOT_CHECKED = {
        id: "webhook-timestamp-not-checked",
        default: Warn,
        area: "Webhooks",
        live_only: false,
        check: Facts(check),
    }
}

const HELP: &str = "reject deliveries whose `t=` is more than 300 seconds from now: `if (now - timestamp).abs() > 300 { return Err(..) }`";

fn check(facts: &Facts, cx: &mut Context) {
    for (file, function) in facts
        .webhooks
        .functions
        .iter()
        .filter(|(_, f)| f.parses_timestamp && !f.test)
    {
        let handlers: Vec<_> = facts
            .webhooks
            .handlers
            .iter()
            .filter(|h| h.reach.iter().any(|(_, f)| std::ptr::eq(*f, *function)))
            .collect();
        let checked = if handlers.is_empty() {
            function.reads_clock
        } else {
            handlers.iter().all(|h| h.any(|f| f.reads_clock))
        };
        if checked {
            continue;
        }
        let message = format!(
            "`{}` parses the `t=` timestamp but never compares it with the current time",
            function.name
        );
        cx.report(
            &WEBHOOK_TIMESTAMP_NOT_CHECKED,
            file.draft(
                function.name_span.clone(),
                message,
                HELP.into(),
                function.name.clone(),
            ),
        );
    }
}
