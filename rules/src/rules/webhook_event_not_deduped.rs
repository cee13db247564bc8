use super::declare_rule;
use crate::link::facts::Facts;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds webhook handlers with side effects (inserts, updates, fulfilment, sending,
    /// enqueueing) that never read the event id: the envelope `id` (`event.id`,
    /// `payload["id"]`), 0Pools `eventId`, or the `X-0bit-Event-Id` header. The object's own id
    /// (`event.data.id`) does not count.
    ///
    /// ## Why is this bad?
    /// 0Bit delivers at least once and retries on any non-2xx or timeout, reusing the event
    /// id. Without recording the id before acting, a retried `gate_session.completed` ships
    /// the order twice.
    ///
    /// ## Example
    /// ```rust,ignore
    /// orders::mark_paid(&db, &event.data.metadata.order_id).await?;
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// let fresh = sqlx::query("INSERT INTO webhook_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING")
    ///     .bind(&event.id).execute(&db).await?.rows_affected() == 1;
    /// if fresh { orders::mark_paid(&db, &event.data.metadata.order_id).await?; }
    /// ```
    pub static WEBHOOK_EVENT_NOT_DEDUPED = {
        id: "webhook-event-not-deduped",
        default: Warn,
        area: "Idempotency",
        live_only: false,
        check: Facts(check),
    }
}

const HELP: &str = "insert the event id (`event.id` or `X-0bit-Event-Id`) into a unique event log before any side effect; on a duplicate, acknowledge with 2xx and skip";

fn check(facts: &Facts, cx: &mut Context) {
    for handler in &facts.webhooks.handlers {
        if !handler.any(|f| f.side_effect) || handler.any(|f| f.reads_event_id) {
            continue;
        }
        let message = format!(
            "webhook handler {} acts on events without deduplicating them by event id",
            handler.describe()
        );
        cx.report(
            &WEBHOOK_EVENT_NOT_DEDUPED,
            handler.file.draft(
                handler.function.name_span.clone(),
                message,
                HELP.into(),
                handler.function.name.clone(),
            ),
        );
    }
}
