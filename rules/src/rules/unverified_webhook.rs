use super::declare_rule;
use crate::link::facts::Facts;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds 0Bit webhook handlers that use the event without verifying its signature. A
    /// handler is a function registered on a route whose path contains `webhook` (axum
    /// `.route`, nested routers, actix `#[post]` and `web::resource`, rocket `#[post]`, warp,
    /// poem and salvo chains), or a function that reads the `Gate-Signature` or `X-0bit-*`
    /// headers without being a helper of another function.
    ///
    /// Verification counts when the handler, or a function of the same crate it calls (up to
    /// three calls deep, across modules), reads the `Gate-Signature` header and checks an
    /// HMAC-SHA256 (the `hmac`, `ring` or `openssl` crates), or calls a function whose name
    /// contains `verify` or `construct_event`. For 0Pools, any `*-Signature` header counts.
    ///
    /// ## Why is this bad?
    /// Anyone who finds the endpoint can post a `gate_session.completed` event and get an
    /// order fulfilled for free. Webhooks are the source of truth for 0Bit state only when
    /// they are verified.
    ///
    /// ## Example
    /// ```rust,ignore
    /// async fn handle_webhook(Json(event): Json<GateEvent>) -> StatusCode {
    ///     fulfil(&event).await;
    ///     StatusCode::OK
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// async fn handle_webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
    ///     let signature = headers.get("Gate-Signature").and_then(|v| v.to_str().ok());
    ///     if verify::verify_signature(&SECRET, signature, &body).is_err() {
    ///         return StatusCode::BAD_REQUEST;
    ///     }
    ///     let event: GateEvent = serde_json::from_slice(&body)?;
    ///     // dedupe on event.id, then fulfil
    /// }
    /// ```
    pub static UNVERIFIED_WEBHOOK = {
        id: "unverified-webhook",
        default: Deny,
        area: "Webhooks",
        live_only: false,
        check: Facts(check),
    }
}

const HELP: &str = "take the raw body (`Bytes`), read `Gate-Signature` (`t=…,v1=…`), check the HMAC-SHA256 of `<t>.<body>` with the `whsec_` secret in constant time and a 300 s tolerance, and reject with 400/401 before using the event";

fn check(facts: &Facts, cx: &mut Context) {
    for handler in facts.webhooks.handlers.iter().filter(|h| !h.verified) {
        let message = format!(
            "webhook handler {} uses the event without verifying its `Gate-Signature`",
            handler.describe()
        );
        cx.report(
            &UNVERIFIED_WEBHOOK,
            handler.file.draft(
                handler.function.name_span.clone(),
                message,
                HELP.into(),
                handler.function.name.clone(),
            ),
        );
    }
}
