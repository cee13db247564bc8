//! Handler discovery, framework by framework, on small sources analyzed as the pipeline
//! does; and what the model answers about calls.

use super::*;
use crate::link::test_support::{handler, handler_names, rust, TestProject};

/// The handlers of one `src/main.rs`, with their routes.
fn handlers(source: &str) -> Vec<(String, Option<String>)> {
    let project = rust(source);
    let model = project.webhooks();
    model
        .handlers
        .iter()
        .map(|h| (h.function.name.to_string(), h.route.clone()))
        .collect()
}

fn routed(name: &str, route: Option<&str>) -> Vec<(String, Option<String>)> {
    vec![(name.to_string(), route.map(String::from))]
}

#[test]
fn axum_route() {
    let source = r#"
        fn app() -> Router {
            Router::new()
                .route("/api/orders", get(list_orders))
                .route("/webhooks/0bit", post(webhooks::receive))
        }
        async fn list_orders() {}
        async fn receive(body: Bytes) {}"#;
    assert_eq!(handlers(source), routed("receive", Some("/webhooks/0bit")));
}

#[test]
fn axum_nested_router_in_another_file() {
    let project = TestProject::new(&[
        (
            "src/main.rs",
            r#"fn app() -> Router { Router::new().route("/api/x", get(x)).nest("/webhooks", webhooks::routes()) }
            async fn x() {}"#,
        ),
        (
            "src/webhooks.rs",
            r#"pub fn routes() -> Router { Router::new().route("/0bit", post(handle_webhook)) }
            async fn handle_webhook(body: Bytes) {}"#,
        ),
    ]);
    let model = project.webhooks();
    assert_eq!(handler_names(&model), ["handle_webhook"]);
    assert_eq!(
        handler(&model, "handle_webhook").describe(),
        "`handle_webhook` (on `/webhooks/0bit`)"
    );
}

#[test]
fn axum_nested_router_inline() {
    let source = r#"
        fn app() -> Router {
            Router::new()
                .route("/health", get(health))
                .nest("/webhooks", Router::new().route("/0bit", post(receive)))
        }
        async fn health() {}
        async fn receive(body: Bytes) {}"#;
    assert_eq!(handlers(source), routed("receive", Some("/webhooks/0bit")));
}

#[test]
fn actix_and_rocket_route_attributes() {
    let source = r#"
        #[post("/webhooks/0bit")]
        async fn actix_webhook(req: HttpRequest, body: web::Bytes) -> HttpResponse { HttpResponse::Ok().finish() }
        #[post("/webhooks/rails", data = "<body>")]
        async fn rocket_webhook(body: Vec<u8>) -> Status { Status::Ok }
        #[get("/orders")]
        async fn orders() -> Status { Status::Ok }"#;
    let mut found = routed("actix_webhook", Some("/webhooks/0bit"));
    found.extend(routed("rocket_webhook", Some("/webhooks/rails")));
    assert_eq!(handlers(source), found);
}

#[test]
fn actix_routes() {
    let source = r#"
        fn config(cfg: &mut web::ServiceConfig) {
            cfg.service(web::resource("/webhooks/gate").to(gate));
            cfg.route("/webhooks/0bit", web::post().to(zero_bit));
            cfg.route("/orders", web::get().to(orders));
        }
        async fn gate(body: web::Bytes) {}
        async fn zero_bit(body: web::Bytes) {}
        async fn orders() {}"#;
    let mut found = routed("gate", None);
    found.extend(routed("zero_bit", Some("/webhooks/0bit")));
    assert_eq!(handlers(source), found);
}

#[test]
fn warp_poem_and_salvo_chains() {
    let source = r#"
        fn warp_routes() { warp::path!("webhooks" / "0bit").and(warp::body::bytes()).and_then(warp_hook); }
        fn poem_routes() -> Route { Route::new().at("/webhooks/0bit", post(poem_hook)) }
        fn salvo_routes() -> Router { Router::with_path("webhook").post(salvo_hook) }
        async fn warp_hook(body: Bytes) {}
        async fn poem_hook(body: Bytes) {}
        async fn salvo_hook(req: &mut Request) {}"#;
    let mut found = routed("warp_hook", None);
    found.extend(routed("poem_hook", Some("/webhooks/0bit")));
    found.extend(routed("salvo_hook", None));
    assert_eq!(handlers(source), found);
}

#[test]
fn header_readers_that_nothing_calls() {
    let source = r#"
        async fn receive(headers: HeaderMap, body: Bytes) { let s = signature(&headers, "Gate-Signature"); }
        fn signature(headers: &HeaderMap, name: &str) -> &str { headers.get("gate-signature").unwrap() }
        async fn pools(headers: HeaderMap) { headers.get("X-0Pools-Signature"); }
        async fn delivery(headers: HeaderMap) { headers.get("X-0bit-Event-Id"); }
        async fn other(headers: HeaderMap) { headers.get("Content-Type"); }
        struct Guard;
        impl<'r> FromRequest<'r> for Guard {
            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> { req.headers().get_one("Gate-Signature") }
        }"#;
    // `signature` is `receive`'s helper; `from_request` reads for the framework.
    let project = rust(source);
    assert_eq!(
        handler_names(&project.webhooks()),
        ["receive", "pools", "delivery"]
    );
}

#[test]
fn test_code_is_not_a_handler() {
    let source = r#"
        #[cfg(test)]
        mod tests {
            #[test]
            fn posts_a_delivery() { client.post("/webhooks").header("Gate-Signature", "t=1,v1=x"); }
        }"#;
    assert_eq!(handlers(source), []);
}

#[test]
fn request_guards_among_parameters() {
    let source = r#"
        struct DeliveryHeaders { signature: String }
        impl<'r> FromRequest<'r> for DeliveryHeaders {
            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> { req.headers().get_one("Gate-Signature") }
        }
        #[post("/webhooks", data = "<body>")]
        async fn webhook(headers: DeliveryHeaders, body: Vec<u8>) -> Status { Status::Ok }"#;
    let project = rust(source);
    let model = project.webhooks();
    let webhook = handler(&model, "webhook");
    assert_eq!(webhook.guards.len(), 1);
    assert!(webhook.mentions_header(|h| h == "Gate-Signature"));
    // The guard's `from_request` runs before the handler: it is reached too.
    let reached: Vec<&str> = webhook.reach.iter().map(|f| f.item.name.as_str()).collect();
    assert_eq!(reached, ["webhook", "from_request"]);
}

#[test]
fn reach_and_calls() {
    let source = r#"
        #[post("/webhooks")]
        async fn webhook(body: Bytes) { one(&body); log(); }
        fn one(b: &[u8]) { two(b) }
        fn two(b: &[u8]) { three(b) }
        fn three(b: &[u8]) { four(b) }
        fn four(b: &[u8]) { let m = Hmac::<Sha256>::new_from_slice(K); }
        fn log() {}"#;
    let project = rust(source);
    let model = project.webhooks();
    let webhook = handler(&model, "webhook");
    let reached: Vec<&str> = webhook.reach.iter().map(|f| f.item.name.as_str()).collect();
    assert_eq!(reached, ["webhook", "one", "log", "two", "three"]);
    assert!(webhook.reaches(project.function("three")));
    assert!(!webhook.reaches(project.function("four")));
    // Within reach of `one` (three calls), not of `webhook` (four).
    let hmac = model.within_reach(FnFacts::calls_hmac);
    assert!(hmac.contains(project.function("one")));
    assert!(!hmac.contains(webhook.function));
    let call = webhook.function.calls.iter().find(|c| c.name() == "one");
    let callees = model.callees(webhook, call.expect("a call of `one`"));
    assert_eq!(callees.len(), 1);
    assert_eq!(callees[0].item.name, "one");
}

#[test]
fn event_code_is_reached_or_names_a_documented_event() {
    let source = r#"
        #[post("/webhooks")]
        async fn webhook(body: Bytes) { route_event(&body); }
        fn route_event(b: &[u8]) {}
        fn on_event(event: &Event) { if event.kind == "gate_session.completed" { go() } }
        fn stripe(event: &Event) { if event.kind == "checkout.session.completed" { go() } }"#;
    let project = rust(source);
    let model = project.webhooks();
    let code: Vec<&str> = model
        .event_code(&project.model.contract)
        .iter()
        .map(|f| f.item.name.as_str())
        .collect();
    assert_eq!(code, ["webhook", "route_event", "on_event"]);
}

#[test]
fn webhook_headers() {
    for name in ["Gate-Signature", "X-0Pools-Signature", "x-0bit-event-id"] {
        assert!(is_webhook_header(name), "{name}");
    }
    for name in ["Content-Type", "signature", "X-Request-Id"] {
        assert!(!is_webhook_header(name), "{name}");
    }
}

#[test]
fn calls_are_followed_to_what_they_resolve_to() {
    let source = r#"
        #[post("/webhooks/0bit")]
        async fn webhook(headers: HeaderMap, body: Bytes, signer: &Signer, client: &reqwest::Client) {
            client.verify(&body);
            limits.check(&body);
            signer.verify(&headers, &body);
            Ledger::open();
            audit::record(&body);
        }
        fn verify(headers: &HeaderMap, body: &[u8]) { sqlx::query("UPDATE a SET b = 1").execute(&db); }
        fn check(body: &[u8]) {}
        fn record(body: &[u8]) {}
        struct Signer;
        impl Signer {
            fn verify(&self, headers: &HeaderMap, body: &[u8]) { self.mac(body); }
            fn mac(&self, body: &[u8]) {}
        }
        struct Ledger;
        impl Ledger { fn open() -> Ledger { Ledger } fn record(&self) {} }"#;
    let project = rust(source);
    let model = project.webhooks();
    let webhook = handler(&model, "webhook");
    let reached: Vec<(&str, Option<&str>)> = webhook
        .reach
        .iter()
        .map(|f| (f.item.name.as_str(), f.item.impl_type.as_deref()))
        .collect();
    // `client.verify` and `limits.check` are another type's methods: not the free `verify`
    // and `check`; `audit::record` is the free `record`, not `Ledger::record`.
    assert_eq!(
        reached,
        [
            ("webhook", None),
            ("verify", Some("Signer")),
            ("open", Some("Ledger")),
            ("record", None),
            ("mac", Some("Signer")),
        ]
    );
    let call = |name: &str| {
        webhook
            .function
            .calls
            .iter()
            .find(|c| c.name() == name)
            .expect("a call")
    };
    assert!(model.callees(webhook, call("check")).is_empty());
    // The first `verify` is `client.verify`.
    assert!(model.callees(webhook, call("verify")).is_empty());
}

#[test]
fn what_the_framework_runs_before_the_handler_is_reached() {
    let source = r#"
        struct VerifiedEvent(GateEvent);
        impl<S> FromRequest<S> for VerifiedEvent {
            async fn from_request(req: Request, state: &S) -> Result<Self, StatusCode> { check(&req) }
        }
        impl VerifiedEvent { fn unrelated(&self) {} }
        fn check(req: &Request) -> Result<VerifiedEvent, StatusCode> { todo!() }
        fn app() -> Router { Router::new().route("/webhooks/0bit", post(axum_hook)) }
        async fn axum_hook(VerifiedEvent(event): VerifiedEvent) {}

        fn warp_routes() {
            warp::path!("webhooks" / "gate")
                .and(warp::header::<String>("gate-signature"))
                .and(with_secret())
                .and(warp::body::bytes())
                .and_then(warp_hook);
        }
        fn with_secret() -> impl Filter { warp::any().map(|| SECRET) }
        async fn warp_hook(signature: String, secret: &str, body: Bytes) {}"#;
    let project = rust(source);
    let model = project.webhooks();
    // `warp_routes` names the header for its route: it is not a handler itself.
    assert_eq!(handler_names(&model), ["axum_hook", "warp_hook"]);
    let reached = |name: &str| -> Vec<String> {
        handler(&model, name)
            .reach
            .iter()
            .map(|f| f.item.name.to_string())
            .collect()
    };
    assert_eq!(reached("axum_hook"), ["axum_hook", "from_request", "check"]);
    assert_eq!(reached("warp_hook"), ["warp_hook", "with_secret"]);
    let warp_hook = handler(&model, "warp_hook");
    assert_eq!(warp_hook.filter_headers, ["gate-signature"]);
    assert!(warp_hook.shows_0bit());
}

#[test]
fn poem_and_salvo_middleware_is_reached() {
    let source = r#"
        struct VerifyGateSignature { secret: String }
        impl<E: Endpoint> Middleware<E> for VerifyGateSignature {
            type Output = VerifyEndpoint<E>;
            fn transform(&self, ep: E) -> Self::Output { VerifyEndpoint { inner: ep, secret: self.secret.clone() } }
        }
        struct VerifyEndpoint<E> { inner: E, secret: String }
        impl<E: Endpoint> Endpoint for VerifyEndpoint<E> {
            async fn call(&self, req: Request) -> Result<Response> { check(&req) }
        }
        fn check(req: &Request) -> Result<()> { todo!() }
        fn poem_routes() -> Route {
            Route::new()
                .at("/webhooks/0bit", post(poem_hook).with(VerifyGateSignature::new(secret())))
                .at("/webhooks/0bit-pools", post(pools_hook).around(verify_around))
        }
        async fn verify_around<E: Endpoint>(next: E, req: Request) -> Result<Response> { check(&req) }
        #[handler]
        async fn verify_hoop(req: &mut Request, depot: &mut Depot, res: &mut Response, ctrl: &mut FlowCtrl) {}
        fn salvo_routes() -> Router { Router::with_path("webhooks/0bit").hoop(verify_hoop).post(salvo_hook) }
        async fn poem_hook(body: Bytes) {}
        async fn pools_hook(body: Bytes) {}
        async fn salvo_hook(req: &mut Request) {}"#;
    let project = rust(source);
    let model = project.webhooks();
    let reached = |name: &str| -> Vec<String> {
        handler(&model, name)
            .reach
            .iter()
            .map(|f| f.item.name.to_string())
            .collect()
    };
    assert_eq!(
        reached("poem_hook"),
        ["poem_hook", "transform", "call", "check"]
    );
    assert_eq!(
        reached("pools_hook"),
        ["pools_hook", "verify_around", "check"]
    );
    assert_eq!(reached("salvo_hook"), ["salvo_hook", "verify_hoop"]);
}
