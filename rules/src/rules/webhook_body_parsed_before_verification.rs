use super::declare_rule;
use crate::link::facts::Facts;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds webhook handlers that lose the raw body before the signature is checked:
    ///
    /// - the handler receives an already-parsed body (axum, actix, rocket or poem `Json<T>`);
    /// - it parses the body (`serde_json::from_*`) before the call that verifies it;
    /// - the HMAC is computed over re-serialized JSON (`serde_json::to_vec`/`to_string`).
    ///
    /// ## Why is this bad?
    /// The signature covers the exact bytes 0Bit sent. Parsed and re-serialized JSON differs
    /// in whitespace, key order and number formatting, so verification either fails for real
    /// events or, worse, is skipped; and parsing untrusted input first widens the attack
    /// surface.
    ///
    /// ## Example
    /// ```rust,ignore
    /// async fn handle_webhook(Json(event): Json<GateEvent>) -> StatusCode { … }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// async fn handle_webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
    ///     verify::verify_signature(&SECRET, signature(&headers), &body)?;
    ///     let event: GateEvent = serde_json::from_slice(&body)?;
    ///     …
    /// }
    /// ```
    pub static WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION = {
        id: "webhook-body-parsed-before-verification",
        default: Deny,
        area: "Webhooks",
        live_only: false,
        check: Facts(check),
    }
}

const HELP: &str = "take the raw body (`Bytes`, `String`, rocket `Data`), verify the signature over those exact bytes, and only then `serde_json::from_slice` it";

fn check(facts: &Facts, cx: &mut Context) {
    for handler in &facts.webhooks.handlers {
        let function = handler.function;
        if let Some(parsed) = &function.parsed_extractor {
            let message = format!(
                "webhook handler {} receives the body already parsed as `Json<{parsed}>`",
                handler.describe()
            );
            cx.report(
                &WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION,
                handler.file.draft(
                    function.name_span.clone(),
                    message,
                    HELP.into(),
                    function.name.clone(),
                ),
            );
        }
        if let (true, Some(verified_at)) = (handler.verified, handler.verified_at) {
            for (span, order, _, _) in function
                .parses
                .iter()
                .filter(|(_, order, _, _)| *order < verified_at)
            {
                let _ = order;
                let message = format!(
                    "webhook handler {} parses the body before verifying its signature",
                    handler.describe()
                );
                cx.report(
                    &WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION,
                    handler
                        .file
                        .draft(span.clone(), message, HELP.into(), function.name.clone()),
                );
            }
        }
        for (file, reached) in handler.reach.iter().filter(|(_, f)| f.uses_hmac) {
            for span in &reached.reserializes {
                let message = format!(
                    "`{}` computes the signature over re-serialized JSON instead of the raw body",
                    reached.name
                );
                cx.report(
                    &WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION,
                    file.draft(span.clone(), message, HELP.into(), reached.name.clone()),
                );
            }
        }
    }
}
