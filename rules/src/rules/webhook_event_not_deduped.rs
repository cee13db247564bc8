use super::declare_rule;
use crate::extract::rust::webhooks::{Call, FnFacts};
use crate::link::facts::Facts;
use crate::link::webhooks::Handler;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds webhook handlers with side effects (database writes, HTTP sends, queue pushes,
    /// in the handler or in the project's functions it calls) that never read the event id:
    /// the envelope `id` (`event.id`, `payload["id"]`), 0Pools `eventId`, or the
    /// `X-0bit-Event-Id` header. The object's own id (`event.data.id`) does not count. What
    /// counts as a side effect is what the code calls (sqlx/diesel `execute`, `INSERT` and
    /// `UPDATE` statements, reqwest and channel `send`, redis `rpush`, …), not what a function
    /// is named: `mac.update(body)` writes nothing.
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
    /// # mod orders {
    /// #     pub async fn mark_paid(db: &PgPool, order_id: &str) -> sqlx::Result<()> {
    /// #         sqlx::query("UPDATE orders SET paid = true WHERE id = $1").bind(order_id).execute(db).await?;
    /// #         Ok(())
    /// #     }
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
    /// # mod orders {
    /// #     pub async fn mark_paid(db: &PgPool, order_id: &str) -> sqlx::Result<()> {
    /// #         sqlx::query("UPDATE orders SET paid = true WHERE id = $1").bind(order_id).execute(db).await?;
    /// #         Ok(())
    /// #     }
    /// # }
    /// ```
    pub static WEBHOOK_EVENT_NOT_DEDUPED = {
        id: "webhook-event-not-deduped",
        default: Warn,
        area: "Idempotency",
        live_only: false,
        summary: "a webhook handler with side effects that never dedupes by event id",
        precision: Medium,
        check: Facts(check),
    }
}

const HELP: &str = "insert the event id (`event.id` or `X-0bit-Event-Id`) into a unique event log before any side effect; on a duplicate, acknowledge with 2xx and skip";

/// Methods that write or send whatever their receiver: `execute` (sqlx, diesel, rusqlite,
/// tokio-postgres, reqwest's `Client::execute`), sea-orm's `exec`, `send` (reqwest, channels,
/// kafka producers, mailers) and ureq's `send_*`, redis `rpush`/`lpush`/`xadd`/`publish`,
/// lapin `basic_publish`, mongodb's writes, and job queues' `enqueue`.
const EFFECT_METHODS: [&str; 25] = [
    "execute",
    "exec",
    "exec_with_returning",
    "send",
    "try_send",
    "send_async",
    "blocking_send",
    "send_json",
    "send_form",
    "send_string",
    "send_bytes",
    "rpush",
    "lpush",
    "xadd",
    "publish",
    "basic_publish",
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "find_one_and_update",
    "enqueue",
];

/// Functions that write, by the end of their path: diesel's write statements and file
/// writes.
const EFFECT_FUNCTIONS: [&str; 6] = [
    "insert_into",
    "replace_into",
    "diesel::update",
    "diesel::delete",
    "fs::write",
    "File::create",
];

/// sea-orm's writes, on an `ActiveModel` receiver (a `HashMap::insert` is not one).
const ACTIVE_MODEL_WRITES: [&str; 4] = ["insert", "update", "save", "delete"];

/// SQL statements that write, by their leading keyword.
const WRITING_SQL: [&str; 6] = ["INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE"];

/// A call of an API that writes to a database, sends a request or pushes to a queue.
fn is_effect_call(call: &Call) -> bool {
    match call.written_path() {
        Some(path) => EFFECT_FUNCTIONS
            .iter()
            .any(|f| path == *f || path.ends_with(&format!("::{f}"))),
        None => {
            EFFECT_METHODS.contains(&call.name().as_str())
                || (ACTIVE_MODEL_WRITES.contains(&call.name().as_str())
                    && call
                        .on_type()
                        .as_deref()
                        .is_some_and(|t| t.ends_with("ActiveModel")))
        }
    }
}

/// The function itself writes, sends or enqueues: what it calls, and the SQL it holds.
/// (What the project's own functions it calls do is asked of them: see `acts_without_dedup`.)
fn has_side_effect(function: &FnFacts) -> bool {
    function.calls.iter().any(is_effect_call)
        || function
            .sql_keywords
            .iter()
            .any(|k| WRITING_SQL.contains(&k))
}

/// Something the handler reaches (itself, and the project's functions its calls resolve to)
/// has a side effect, and nothing it reaches reads the event id.
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
                handler.function.name_span(),
                message,
                HELP.into(),
                handler.function.name.to_string(),
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

    const PASS: [&str; 7] = [
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
        // An HMAC's `update` writes nothing; neither does a read.
        r#"#[post("/webhooks")]
        async fn webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
            let mut mac = Hmac::<Sha256>::new_from_slice(KEY).unwrap();
            mac.update(&body);
            if mac.verify_slice(headers.get("Gate-Signature")).is_err() { return StatusCode::UNAUTHORIZED; }
            let order = sqlx::query_as::<_, Order>("SELECT * FROM orders WHERE id = $1").fetch_one(&db).await;
            tracing::info!(?order, "event");
            StatusCode::OK
        }"#,
        // A metrics client's `increment` is not the project's `Ledger::increment`.
        r#"#[post("/webhooks")]
        async fn webhook(stats: &StatsdClient, body: Bytes) -> StatusCode {
            stats.increment("webhooks.received");
            StatusCode::OK
        }
        struct Ledger;
        impl Ledger {
            async fn increment(&self, db: &PgPool) { sqlx::query("UPDATE balances SET n = n + 1").execute(db).await; }
        }"#,
        // Names say nothing: `send_receipt` and `insert` of a map write nowhere.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode {
            let mut seen = HashMap::new();
            seen.insert(event.data.id.clone(), true);
            send_receipt(&event);
            StatusCode::OK
        }
        fn send_receipt(event: &GateEvent) { tracing::info!("receipt"); }"#,
    ];

    const FAIL: [&str; 8] = [
        // Keyed by the object's id, not the event's.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode {
            orders::mark_paid(&db, &event.data.id).await;
            StatusCode::OK
        }
        async fn mark_paid(db: &PgPool, id: &str) { sqlx::query("UPDATE orders SET paid = true WHERE id = $1").bind(id).execute(db).await; }"#,
        // An HTTP send.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>, client: &reqwest::Client) -> StatusCode {
            client.post(FULFILMENT_URL).json(&event.data).send().await;
            StatusCode::OK
        }"#,
        // A redis queue push.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>, mut conn: MultiplexedConnection) -> StatusCode {
            let _: () = conn.rpush("tickets", &event.data.id).await.unwrap();
            StatusCode::OK
        }"#,
        // A channel push to a worker.
        r#"#[post("/webhooks")]
        async fn webhook(State(state): State<AppState>, Json(event): Json<GateEvent>) -> StatusCode {
            state.fulfilment.send(event.data.metadata.order_id.clone()).await;
            StatusCode::OK
        }"#,
        // diesel and sea-orm writes.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode {
            diesel::insert_into(payments::table).values(&row).get_result::<Payment>(&mut conn);
            StatusCode::OK
        }"#,
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) -> StatusCode {
            let payment = payment::ActiveModel { status: Set("paid".into()), ..Default::default() };
            payment.insert(&db).await;
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
