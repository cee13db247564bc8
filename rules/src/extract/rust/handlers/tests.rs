//! Routes and state writes as the scan reads them, and as a walk of their own reads them.

use super::*;

/// The facts of `source`'s functions as a scan reads them: in the webhook walk.
fn read(source: &str) -> HandlerFacts {
    let file = syn::parse_file(source).expect("test source parses");
    let mut facts = HandlerFacts::default();
    let mut webhooks = crate::extract::rust::webhooks::WebhookFacts::default();
    for item in &file.items {
        if let syn::Item::Fn(f) = item {
            crate::extract::rust::webhooks::function_facts(
                &mut webhooks,
                &mut facts,
                &f.sig.ident,
                &f.attrs,
                &f.sig,
                &f.block,
                false,
            );
        }
    }
    facts
}

/// The same, each body walked by the reader alone.
fn read_alone(source: &str) -> HandlerFacts {
    let file = syn::parse_file(source).expect("test source parses");
    let mut facts = HandlerFacts::default();
    for item in &file.items {
        if let syn::Item::Fn(f) = item {
            if let Some(mut reader) = function(&mut facts, &f.sig.ident, &f.attrs, false) {
                reader.visit_block(&f.block);
            }
        }
    }
    facts
}

#[test]
fn the_webhook_walk_reads_what_a_walk_of_its_own_reads() {
    // Subtrees the webhook walk treats apart: indexed paths (not walked inside), webhook
    // nests, matches, lets and closures.
    let source = r#"
        #[post("/pay/{id}/done")]
        async fn f(db: &Db, payload: Value) {
            let s = payload["UPDATE orders SET status = 'paid'"]["data"].as_str();
            let t = cache[Order { status: "paid", id: 1 }.key()];
            let app = Router::new()
                .nest("/webhooks", Router::new().route("/0bit", post(receive)))
                .route("/checkout/return", get(back));
            match event.kind.as_str() {
                "paid" => { order.status = OrderStatus::Paid; }
                _ => sqlx::query!("INSERT INTO events (id) VALUES ($1)", id).execute(db).await?,
            }
            if let Some(o) = orders.iter().find(|o| { o.state = State::Shipped; true }) {}
            let done = async { diesel::update(o).set(status.eq(Status::Fulfilled)) };
            fn nested() { order.paid = true; }
        }
    "#;
    let merged = read(source);
    let alone = read_alone(source);
    assert_eq!(merged.routes, alone.routes);
    assert_eq!(merged.writes, alone.writes);
    assert_eq!(alone.routes.len(), 3);
    assert_eq!(alone.writes.len(), 6);
}

fn routes(source: &str) -> Vec<(String, String)> {
    read(source)
        .routes
        .into_iter()
        .map(|r| (r.handler, r.path))
        .collect()
}

fn pair(handler: &str, path: &str) -> (String, String) {
    (handler.to_string(), path.to_string())
}

#[test]
fn routes_in_every_framework() {
    let cases = [
        (
            r#"fn app() -> Router { Router::new().route("/checkout/return", get(checkout_return).post(other)) }"#,
            vec![
                pair("other", "/checkout/return"),
                pair("checkout_return", "/checkout/return"),
            ],
        ),
        (
            r#"#[get("/orders/{id}/success")] async fn success() {}"#,
            vec![pair("success", "/orders/{id}/success")],
        ),
        (
            r#"fn config(cfg: &mut web::ServiceConfig) { cfg.service(web::scope("/pay").service(web::resource("/complete").route(web::get().to(complete)))); }"#,
            vec![pair("complete", "/complete")],
        ),
        (
            r#"fn app() { App::new().route("/callback", web::get().to(callback)); }"#,
            vec![pair("callback", "/callback")],
        ),
        (
            r#"fn router() -> Router { Router::with_path("checkout/confirm").get(confirm) }"#,
            vec![pair("confirm", "/checkout/confirm")],
        ),
        (
            r#"fn routes() { let r = warp::path!("checkout" / "return").and(warp::query()).and_then(on_return); }"#,
            vec![pair("on_return", "/checkout/return")],
        ),
        (
            r#"fn routes() { let r = warp::path("pay").and(warp::path("success")).and_then(paid); }"#,
            vec![pair("paid", "/pay/success")],
        ),
        (
            r#"fn app() { Route::new().at("/return", get(back)); }"#,
            vec![pair("back", "/return")],
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(routes(source), expected, "{source}");
    }
}

#[test]
fn calls_that_are_not_routes() {
    for source in [
        r#"fn f() { let r = client.get(url).send(); }"#,
        r#"fn f() { let v: Vec<_> = names.iter().map(parse).collect(); }"#,
    ] {
        assert!(routes(source).is_empty(), "{source}");
    }
}

#[test]
fn state_writes() {
    let source = r#"
        async fn f(db: &Db) {
            order.status = OrderStatus::Paid;
            let o = Order { status: Set("shipped".into()), name: "x".into(), paid: true };
            diesel::update(orders).set((status.eq(Status::Fulfilled), note.eq("x"))).execute(db);
            sqlx::query!("UPDATE orders  SET status = 'paid' WHERE id = $1", id);
            sqlx::query("INSERT INTO events (id) VALUES ($1)");
            let filter = orders.filter(status.eq("paid"));
            let s = "update the page";
        }
    "#;
    let writes: Vec<String> = read(source)
        .writes
        .into_iter()
        .map(|w| match w.kind {
            WriteKind::Field { field, value } => format!("{field}={value}"),
            WriteKind::Sql(sql) => sql,
        })
        .collect();
    assert_eq!(
        writes,
        [
            "status=Paid",
            "status=shipped",
            "paid=true",
            "status=Fulfilled",
            "update orders set status = 'paid' where id = $1",
            "insert into events (id) values ($1)",
        ]
    );
}
