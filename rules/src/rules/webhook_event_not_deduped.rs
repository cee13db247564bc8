use super::declare_rule;
use crate::extract::rust::webhooks::FnFacts;
use crate::link::facts::Facts;
use crate::link::webhooks::Handler;
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
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// # async fn handle_webhook(State(db): State<PgPool>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, AppError> {
    /// #     verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
    /// #     let event: GateEvent = serde_json::from_slice(&body)?;
    /// orders::mark_paid(&db, &event.data.metadata.order_id).await?;
    /// # Ok(StatusCode::OK)
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// # async fn handle_webhook(State(db): State<PgPool>, headers: HeaderMap, body: Bytes) -> Result<StatusCode, AppError> {
    /// #     verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
    /// #     let event: GateEvent = serde_json::from_slice(&body)?;
    /// let fresh = sqlx::query("INSERT INTO webhook_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING")
    ///     .bind(&event.id).execute(&db).await?.rows_affected() == 1;
    /// if fresh { orders::mark_paid(&db, &event.data.metadata.order_id).await?; }
    /// # Ok(StatusCode::OK)
    /// # }
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

/// Calls that change something outside the handler, by a word of their name.
const SIDE_EFFECT_WORDS: [&str; 13] = [
    "insert",
    "update",
    "execute",
    "save",
    "fulfil",
    "fulfill",
    "ship",
    "credit",
    "mark_paid",
    "send",
    "enqueue",
    "publish",
    "refund",
];

/// sqlx query macros, which write.
const WRITING_MACROS: [&str; 4] = ["query", "query_as", "query_scalar", "execute"];

fn has_side_effect(function: &FnFacts) -> bool {
    let call = function.calls.iter().any(|c| {
        let lower = c.name.to_ascii_lowercase();
        SIDE_EFFECT_WORDS.iter().any(|w| lower.contains(w))
    });
    call || function
        .macros
        .iter()
        .any(|m| WRITING_MACROS.contains(&m.as_str()))
}

/// Something the handler reaches has a side effect, and nothing it reaches reads the
/// event id.
fn acts_without_dedup(handler: &Handler) -> bool {
    handler.any(has_side_effect) && !handler.any(|f| f.reads_event_id)
}

fn check(facts: &Facts, cx: &mut Context) {
    for handler in facts
        .webhooks
        .handlers
        .iter()
        .filter(|h| acts_without_dedup(h))
    {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::{handler, rust};

    fn flagged(source: &str) -> bool {
        let project = rust(source);
        acts_without_dedup(handler(&project.webhooks(), "webhook"))
    }

    const PASS: [&str; 4] = [
        // The event log first.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode {
            let fresh = sqlx::query("INSERT INTO webhook_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING")
                .bind(&event.id).execute(&db).await?.rows_affected() == 1;
            if fresh { orders::mark_paid(&db, &event.data.metadata.order_id).await?; }
            StatusCode::OK
        }"#,
        // The `X-0bit-Event-Id` header, in a helper.
        r#"#[post("/webhooks")]
        async fn webhook(req: HttpRequest, body: Bytes) -> HttpResponse {
            if seen(&req).await { return HttpResponse::Ok().finish(); }
            ship(&body).await;
            HttpResponse::Ok().finish()
        }
        async fn seen(req: &HttpRequest) -> bool { redis_set_nx(req.headers().get("X-0bit-Event-Id")).await }"#,
        // 0Pools `eventId`.
        r#"#[post("/webhooks")]
        async fn webhook(Json(payload): Json<Value>) -> StatusCode {
            record(payload.get("eventId")).await;
            credit_wallet(&payload).await;
            StatusCode::OK
        }"#,
        // No side effect at all.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode {
            tracing::info!(kind = %event.kind, "event");
            StatusCode::OK
        }"#,
    ];

    const FAIL: [&str; 3] = [
        // Keyed by the object's id, not the event's.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode {
            orders::mark_paid(&db, &event.data.id).await;
            StatusCode::OK
        }"#,
        // A sqlx write, no event id.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode {
            sqlx::query!("UPDATE orders SET paid = true WHERE session = $1", event.data.session).execute(&db).await;
            StatusCode::OK
        }"#,
        // A side effect in a helper.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode { fulfil_order(&event.data).await; StatusCode::OK }
        async fn fulfil_order(data: &SessionData) { jobs.enqueue(data.id.clone()).await; }"#,
    ];

    #[test]
    fn deduplicated_or_harmless() {
        for source in PASS {
            assert!(!flagged(source), "{source}");
        }
    }

    #[test]
    fn side_effects_without_event_id() {
        for source in FAIL {
            assert!(flagged(source), "{source}");
        }
    }
}
