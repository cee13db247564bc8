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
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// async fn handle_webhook(Json(event): Json<GateEvent>) -> StatusCode {
    ///     fulfil(&event).await;
    ///     StatusCode::OK
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
    ///     let signature = headers.get("Gate-Signature").and_then(|v| v.to_str().ok());
    ///     if verify::verify_signature(&SECRET, signature, &body).is_err() {
    ///         return StatusCode::BAD_REQUEST;
    ///     }
    ///     let event: GateEvent = serde_json::from_slice(&body)?;
    ///     // dedupe on event.id, then fulfil
    /// #     StatusCode::OK
    /// }
    /// ```
    pub static UNVERIFIED_WEBHOOK = {
        id: "unverified-webhook",
        default: Deny,
        area: "Webhooks",
        live_only: false,
        summary: "a 0Bit webhook handler that never verifies the signature",
        precision: Medium,
        security_severity: 8.0,
        check: Facts(check),
    }
}

const HELP: &str = "take the raw body (`Bytes`), read `Gate-Signature` (`t=…,v1=…`), check the HMAC-SHA256 of `<t>.<body>` with the `whsec_` secret in constant time and a 300 s tolerance, and reject with 400/401 before using the event";

fn check(facts: &Facts, cx: &mut Context) {
    for handler in facts
        .webhooks
        .handlers
        .iter()
        .filter(|h| !h.verifies_signature())
    {
        let message = format!(
            "webhook handler {} uses the event without verifying its `Gate-Signature`",
            handler.describe()
        );
        cx.report(
            &UNVERIFIED_WEBHOOK,
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
    use crate::link::test_support::rust;
    use crate::link::webhooks::Handler;
    use crate::project::contract::names_signature_header;

    /// Whether every handler of `source` is verified; panics when there is none.
    fn all_verified(source: &str) -> bool {
        let project = rust(source);
        let model = project.webhooks();
        assert!(!model.handlers.is_empty(), "no handler in {source}");
        model.handlers.iter().all(Handler::verifies_signature)
    }

    const PASS: [&str; 8] = [
        // An axum extractor of a parameter's type verifies before the handler runs.
        r#"struct VerifiedEvent(GateEvent);
        impl<S: Send + Sync> FromRequest<S> for VerifiedEvent {
            type Rejection = StatusCode;
            async fn from_request(req: Request, state: &S) -> Result<Self, StatusCode> {
                let (parts, body) = req.into_parts();
                let signature = parts.headers.get("Gate-Signature").ok_or(StatusCode::BAD_REQUEST)?;
                let bytes = axum::body::to_bytes(body, 1 << 20).await.map_err(|_| StatusCode::BAD_REQUEST)?;
                signature::verify(signature, &bytes)?;
                Ok(VerifiedEvent(serde_json::from_slice(&bytes).map_err(|_| StatusCode::BAD_REQUEST)?))
            }
        }
        fn app() -> Router { Router::new().route("/webhooks/0bit", post(handle_webhook)) }
        async fn handle_webhook(VerifiedEvent(event): VerifiedEvent) -> StatusCode { StatusCode::OK }
        mod signature { pub fn verify(s: &HeaderValue, b: &[u8]) -> Result<(), StatusCode> { let m = Hmac::<Sha256>::new_from_slice(K); Ok(()) } }"#,
        // An actix `FromRequest` impl.
        r#"struct Verified(Bytes);
        impl FromRequest for Verified {
            type Error = actix_web::Error;
            type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;
            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let signature = req.headers().get("Gate-Signature").cloned();
                let body = web::Bytes::from_request(req, payload);
                Box::pin(async move { let body = body.await?; verify_signature(signature, &body)?; Ok(Verified(body)) })
            }
        }
        #[post("/webhooks/0bit")]
        async fn webhook(delivery: Verified) -> HttpResponse { HttpResponse::Ok().finish() }"#,
        // A warp route's filters read the header; the handler verifies.
        r#"fn routes() -> BoxedFilter<(impl Reply,)> {
            warp::path!("webhooks" / "0bit")
                .and(warp::post())
                .and(warp::header::<String>("gate-signature"))
                .and(warp::body::bytes())
                .and_then(receive)
                .boxed()
        }
        async fn receive(signature: String, body: Bytes) -> Result<StatusCode, Rejection> {
            verify_signature(&signature, &body).map_err(|_| warp::reject())?;
            Ok(StatusCode::OK)
        }"#,
        // The header read and a `verify` call in the handler.
        r#"fn app() -> Router { Router::new().route("/webhooks/0bit", post(handle_webhook)) }
        async fn handle_webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
            let signature = headers.get("Gate-Signature").and_then(|v| v.to_str().ok());
            if verify::verify_signature(&SECRET, signature, &body).is_err() { return StatusCode::BAD_REQUEST; }
            StatusCode::OK
        }"#,
        // An HMAC and the header in a helper the handler calls.
        r#"#[post("/webhooks/0bit")]
        async fn webhook(req: HttpRequest, body: Bytes) -> HttpResponse {
            if !authentic(&req, &body) { return HttpResponse::BadRequest().finish(); }
            HttpResponse::Ok().finish()
        }
        fn authentic(req: &HttpRequest, body: &[u8]) -> bool {
            let sig = req.headers().get("gate-signature");
            let mut mac = Hmac::<Sha256>::new_from_slice(SECRET).unwrap();
            mac.update(body);
            mac.verify_slice(sig).is_ok()
        }"#,
        // 0Pools: its own `*-Signature` header, and `construct_event`.
        r#"async fn pools_webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
            let sig = headers.get("X-0Pools-Signature");
            let event = Webhook::construct_event(&body, sig, SECRET)?;
            StatusCode::OK
        }"#,
        // A rocket request guard reads the header for the handler.
        r#"struct Delivery(String);
        impl<'r> FromRequest<'r> for Delivery {
            type Error = ();
            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
                Outcome::Success(Delivery(req.headers().get_one("Gate-Signature").unwrap().into()))
            }
        }
        #[post("/webhooks", data = "<body>")]
        async fn webhook(delivery: Delivery, body: Vec<u8>) -> Status {
            verify_signature(&delivery.0, &body)?;
            Status::Ok
        }"#,
        // Verification three calls down.
        r#"#[post("/webhooks")]
        async fn webhook(headers: HeaderMap, body: Bytes) { let s = headers.get("Gate-Signature"); a(s, &body); }
        fn a(s: &str, b: &[u8]) { b1(s, b) }
        fn b1(s: &str, b: &[u8]) { c(s, b) }
        fn c(s: &str, b: &[u8]) { verify_signature(s, b) }"#,
    ];

    const FAIL: [&str; 6] = [
        // An extractor that reads the header but never checks it.
        r#"struct Delivery(String);
        impl<S: Send + Sync> FromRequestParts<S> for Delivery {
            type Rejection = StatusCode;
            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, StatusCode> {
                Ok(Delivery(parts.headers.get("Gate-Signature").unwrap().to_str().unwrap().into()))
            }
        }
        fn app() -> Router { Router::new().route("/webhooks/0bit", post(handle_webhook)) }
        async fn handle_webhook(delivery: Delivery, body: Bytes) -> StatusCode { StatusCode::OK }"#,
        // The parsed event, no signature at all.
        r#"fn app() -> Router { Router::new().route("/webhooks/0bit", post(handle_webhook)) }
        async fn handle_webhook(Json(event): Json<GateEvent>) -> StatusCode {
            fulfil(&event).await;
            StatusCode::OK
        }"#,
        // Something is verified, but not the signature header.
        r#"#[post("/webhooks/0bit")]
        async fn webhook(body: Bytes) -> HttpResponse { verify_order(&body); HttpResponse::Ok().finish() }"#,
        // The header is read, and never checked.
        r#"async fn webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
            let signature = headers.get("Gate-Signature");
            tracing::info!(?signature, "delivery");
            StatusCode::OK
        }"#,
        // Verification four calls down is out of reach.
        r#"#[post("/webhooks")]
        async fn webhook(headers: HeaderMap, body: Bytes) { let s = headers.get("Gate-Signature"); a(s, &body); }
        fn a(s: &str, b: &[u8]) { b1(s, b) }
        fn b1(s: &str, b: &[u8]) { c(s, b) }
        fn c(s: &str, b: &[u8]) { d(s, b) }
        fn d(s: &str, b: &[u8]) { verify_signature(s, b) }"#,
        // A request guard that reads another header does not read the signature.
        r#"struct Delivery(String);
        impl<'r> FromRequest<'r> for Delivery {
            type Error = ();
            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
                Outcome::Success(Delivery(req.headers().get_one("X-0bit-Event-Id").unwrap().into()))
            }
        }
        #[post("/webhooks", data = "<body>")]
        async fn webhook(delivery: Delivery, body: Vec<u8>) -> Status {
            verify_signature(&delivery.0, &body)?;
            Status::Ok
        }"#,
    ];

    #[test]
    fn verified_handlers() {
        for source in PASS {
            assert!(all_verified(source), "not verified: {source}");
        }
    }

    #[test]
    fn unverified_handlers() {
        for source in FAIL {
            assert!(!all_verified(source), "verified: {source}");
        }
    }

    #[test]
    fn signature_headers() {
        for name in ["Gate-Signature", "gate-signature", "X-0Pools-Signature"] {
            assert!(names_signature_header(name), "{name}");
        }
        for name in ["X-0bit-Event-Id", "Authorization", "signature"] {
            assert!(!names_signature_header(name), "{name}");
        }
    }
}
