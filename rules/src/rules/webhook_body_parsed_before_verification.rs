use super::declare_rule;
use crate::extract::rust::webhooks::{FnFacts, Parse};
use crate::link::facts::Facts;
use crate::link::webhooks::{
    checks_signature, is_event_source, is_verify_call, Handler, Reaching, WebhookModel,
};
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
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// async fn handle_webhook(headers: HeaderMap, Json(event): Json<GateEvent>) -> StatusCode {
    ///     // The bytes 0Bit signed are gone: re-serializing `event` does not give them back.
    /// #     let signature = headers.get("Gate-Signature");
    /// #     verify::verify_signature(&SECRET, signature, &serde_json::to_vec(&event)?)?;
    /// #     StatusCode::OK
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// async fn handle_webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
    ///     verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
    ///     let event: GateEvent = serde_json::from_slice(&body)?;
    ///     // dedupe on event.id, then fulfil
    /// #     StatusCode::OK
    /// }
    /// ```
    pub static WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION = {
        id: "webhook-body-parsed-before-verification",
        default: Deny,
        area: "Webhooks",
        live_only: false,
        summary: "a webhook body parsed before its signature is checked",
        precision: High,
        security_severity: 6.5,
        check: Facts(check),
    }
}

const HELP: &str = "take the raw body (`Bytes`, `String`, rocket `Data`), verify the signature over those exact bytes, and only then `serde_json::from_slice` it";

// Verification counts as for `unverified-webhook`: the signature header is read, and
// something computes an HMAC or calls a verify function. A handler that does not verify is
// that rule's finding; this one only asks what happens before the verification.

/// The source order, in the handler, of the first call through which it verifies: a verify
/// call, or a call of a function that verifies within reach; `0` when the handler computes
/// the HMAC itself or an extractor of its parameters verifies before it runs. `None` when
/// the handler does not verify.
fn verified_at(model: &WebhookModel, handler: &Handler, verifying: &Reaching) -> Option<usize> {
    if !handler.verifies_signature() {
        return None;
    }
    let function = handler.function;
    function
        .ordered_calls()
        .filter(|(_, call)| {
            is_verify_call(call)
                || model
                    .callees(handler, call)
                    .iter()
                    .any(|target| verifying.contains(target.item))
        })
        .map(|(order, _)| order)
        .min()
        .or(Some(0))
}

/// The handler's `serde_json` parses made before it verifies.
fn parsed_before_verification<'a>(
    model: &WebhookModel,
    handler: &Handler<'a>,
    verifying: &Reaching,
) -> Vec<&'a Parse> {
    let Some(verified_at) = verified_at(model, handler, verifying) else {
        return Vec::new();
    };
    let function: &'a FnFacts = handler.function;
    // A config file or a database row read first is not the body.
    function
        .rare()
        .parses
        .iter()
        .filter(|parse| parse.order < verified_at && is_event_source(function, parse.source))
        .collect()
}

fn check(facts: &Facts, cx: &mut Context) {
    let model = &facts.webhooks;
    let verifying = model.within_reach(checks_signature);
    for handler in &model.handlers {
        let function = handler.function;
        if let Some(parsed) = &function.rare().parsed_extractor {
            let message = format!(
                "webhook handler {} receives the body already parsed as `Json<{parsed}>`",
                handler.describe()
            );
            cx.report(
                &WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION,
                handler.file.draft(
                    function.name_span(),
                    message,
                    HELP.into(),
                    function.name.to_string(),
                ),
            );
        }
        for parse in parsed_before_verification(model, handler, &verifying) {
            let message = format!(
                "webhook handler {} parses the body before verifying its signature",
                handler.describe()
            );
            cx.report(
                &WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION,
                handler.file.draft(
                    parse.span.clone(),
                    message,
                    HELP.into(),
                    function.name.to_string(),
                ),
            );
        }
        // A MAC over `serde_json::to_vec(..)` in code that computes the HMAC.
        for reached in handler.reach.iter().filter(|f| f.item.calls_hmac()) {
            for span in &reached.item.rare().reserializes {
                let message = format!(
                    "`{}` computes the signature over re-serialized JSON instead of the raw body",
                    reached.item.name
                );
                cx.report(
                    &WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION,
                    reached.file.draft(
                        span.clone(),
                        message,
                        HELP.into(),
                        reached.item.name.to_string(),
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::{handler, rust};

    /// How many parses `webhook` makes before it verifies.
    fn early_parses(source: &str) -> usize {
        let project = rust(source);
        let model = project.webhooks();
        let verifying = model.within_reach(checks_signature);
        parsed_before_verification(&model, handler(&model, "webhook"), &verifying).len()
    }

    const PASS: [&str; 6] = [
        // An actix extractor verifies the body before the handler parses it.
        r#"struct Verified(Bytes);
        impl FromRequest for Verified {
            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let signature = req.headers().get("Gate-Signature").cloned();
                let body = web::Bytes::from_request(req, payload);
                Box::pin(async move { let body = body.await?; verify_signature(signature, &body)?; Ok(Verified(body)) })
            }
        }
        #[post("/webhooks/0bit")]
        async fn webhook(delivery: Verified) -> HttpResponse {
            let event: GateEvent = serde_json::from_slice(&delivery.0)?;
            HttpResponse::Ok().finish()
        }"#,
        // A config file read before verifying is not the body.
        r#"async fn webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
            let settings: Settings = serde_json::from_str(&std::fs::read_to_string("settings.json")?)?;
            verify::verify_signature(&settings.secret, headers.get("Gate-Signature"), &body)?;
            let event: GateEvent = serde_json::from_slice(&body)?;
            StatusCode::OK
        }"#,
        // Verified, then parsed.
        r#"async fn webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
            verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
            let event: GateEvent = serde_json::from_slice(&body)?;
            StatusCode::OK
        }"#,
        // Verified through a helper, then parsed.
        r#"#[post("/webhooks")]
        async fn webhook(req: HttpRequest, body: Bytes) -> HttpResponse {
            check(&req, &body)?;
            let event = serde_json::from_slice::<GateEvent>(&body)?;
            HttpResponse::Ok().finish()
        }
        fn check(req: &HttpRequest, body: &[u8]) -> Result<(), Error> {
            let mut mac = Hmac::<Sha256>::new_from_slice(KEY)?;
            mac.update(body);
            mac.verify_slice(req.headers().get("Gate-Signature"))
        }"#,
        // Not verified: `unverified-webhook` reports it, not this rule.
        r#"#[post("/webhooks")]
        async fn webhook(body: Bytes) -> HttpResponse {
            let event: GateEvent = serde_json::from_slice(&body)?;
            HttpResponse::Ok().finish()
        }"#,
        // The handler computes the HMAC itself, then parses.
        r#"#[post("/webhooks")]
        async fn webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
            let mut mac = Hmac::<Sha256>::new_from_slice(KEY)?;
            mac.update(&body);
            mac.verify_slice(headers.get("Gate-Signature"))?;
            let event: GateEvent = serde_json::from_slice(&body)?;
            StatusCode::OK
        }"#,
    ];

    const FAIL: [&str; 2] = [
        // Parsed, then verified.
        r#"async fn webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
            let event: GateEvent = serde_json::from_slice(&body)?;
            verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
            StatusCode::OK
        }"#,
        // Parsed before the helper that verifies.
        r#"#[post("/webhooks")]
        async fn webhook(req: HttpRequest, body: Bytes) -> HttpResponse {
            let event: GateEvent = serde_json::from_slice(&body)?;
            check(&req, &body)?;
            HttpResponse::Ok().finish()
        }
        fn check(req: &HttpRequest, body: &[u8]) -> Result<(), Error> {
            authenticate(req.headers().get("Gate-Signature"), body)
        }
        fn authenticate(sig: &str, body: &[u8]) -> Result<(), Error> {
            let mut mac = Hmac::<Sha256>::new_from_slice(KEY)?;
            mac.update(body);
            mac.verify_slice(sig)
        }"#,
    ];

    #[test]
    fn parses_after_verification() {
        for source in PASS {
            assert_eq!(early_parses(source), 0, "{source}");
        }
    }

    #[test]
    fn parses_before_verification() {
        for source in FAIL {
            assert_eq!(early_parses(source), 1, "{source}");
        }
    }

    #[test]
    fn verification_point() {
        let project = rust(FAIL[1]);
        let model = project.webhooks();
        let verifying = model.within_reach(checks_signature);
        let webhook = handler(&model, "webhook");
        let (check, _) = webhook
            .function
            .ordered_calls()
            .find(|(_, c)| c.name() == "check")
            .expect("a call of `check`");
        assert_eq!(verified_at(&model, webhook, &verifying), Some(check));
    }
}
