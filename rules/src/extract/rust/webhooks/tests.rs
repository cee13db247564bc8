//! What the per-file webhook facts record, on small sources read by the real Rust walk.

use super::*;
use crate::extract::rust::webhooks::functions::Name;

fn facts(source: &str) -> WebhookFacts {
    crate::extract::rust::analyze(source, &[])
        .expect("test source parses")
        .webhooks
}

fn function(source: &str) -> FnFacts {
    let mut facts = facts(source);
    assert_eq!(facts.functions.len(), 1, "one function in {source}");
    facts.functions.remove(0)
}

#[test]
fn names_are_one_number_per_text_across_threads_and_sort_by_text() {
    let here = Name::from("names_test_zebra");
    let there =
        std::thread::spawn(|| (Name::from("names_test_zebra"), Name::from("names_test_ant")))
            .join()
            .expect("the thread makes its names");
    assert_eq!(here, there.0);
    assert_eq!(there.0.as_str(), "names_test_zebra");
    // Numbered zebra first, ordered ant first.
    assert!(there.1 < here);
    assert_eq!(Name::default().as_str(), "");
}

/// Every function and call of a workspace is kept until the files are linked.
#[test]
fn kept_facts_stay_small() {
    assert_eq!(std::mem::size_of::<Option<Name>>(), 4);
    assert_eq!(std::mem::size_of::<Call>(), 8);
    assert_eq!(std::mem::size_of::<FnFacts>(), 48);
    assert_eq!(std::mem::size_of::<DeField>(), 16);
}

#[test]
fn header_mentions_each_once() {
    let f = function(
        r#"fn f(h: &HeaderMap) {
            h.get("Gate-Signature"); h.get("Gate-Signature"); h.get("X-0bit-Event-Id");
            h.get("Content-Type"); sqlx::query!("SELECT 1 WHERE sig = 'x-pools-signature'");
        }"#,
    );
    let literals: Vec<&str> = f
        .rare()
        .header_mentions
        .iter()
        .map(|h| h.literal.as_str())
        .collect();
    assert_eq!(
        literals,
        [
            "Gate-Signature",
            "X-0bit-Event-Id",
            "SELECT 1 WHERE sig = 'x-pools-signature'"
        ]
    );
    // Of macros, only the bodies of sqlx query macros are read.
    let f = function(r#"fn f() { println!("gate-signature: {}", s); }"#);
    assert_eq!(f.rare().header_mentions, []);
}

#[test]
fn pair_keys_of_literals() {
    let f = function(
        r#"fn f(p: &str) { p.strip_prefix("t="); p.strip_prefix("v1="); p.split("a b="); p.find("=x"); }"#,
    );
    assert_eq!(f.rare().pair_keys, ["t", "v1"]);
}

#[test]
fn calls_with_their_paths_in_order() {
    let f = function(
        r#"fn f(k: &[u8]) { let mac = Hmac::<Sha256>::new_from_slice(k); mac.update(b""); verify(x); }"#,
    );
    let calls: Vec<(&str, Option<&str>, usize)> = f
        .ordered_calls()
        .map(|(order, c)| {
            (
                c.name().as_str(),
                c.written_path().map(|p| p.as_str()),
                order,
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("new_from_slice", Some("Hmac::new_from_slice"), 1),
            ("update", None, 2),
            ("verify", Some("verify"), 3),
        ]
    );
    assert!(f.calls_hmac());
    assert!(!function("fn f() { ring::digest::digest(&SHA256, b) }").calls_hmac());
    assert!(function("fn f() { ring::hmac::sign(&key, b) }").calls_hmac());
    assert!(function("fn f() { PKey::hmac(k) }").calls_hmac());
}

#[test]
fn parses_with_target_types() {
    let f = function(
        r#"fn f(body: &[u8]) {
            let event: GateEvent = serde_json::from_slice(body).unwrap();
            let data = serde_json::from_value::<SessionData>(event["data"].clone());
            let bytes = serde_json::to_vec(&event);
        }"#,
    );
    let parses: Vec<(Option<&str>, bool)> = f
        .rare()
        .parses
        .iter()
        .map(|p| (p.target_type.as_deref(), p.of_event_data))
        .collect();
    assert_eq!(
        parses,
        [(Some("GateEvent"), false), (Some("SessionData"), true)]
    );
    let from_slice = f.ordered_calls().find(|(_, c)| c.name() == "from_slice");
    assert_eq!(
        Some(f.rare().parses[0].order),
        from_slice.map(|(order, _)| order)
    );
    assert_eq!(f.rare().reserializes.len(), 1);
}

#[test]
fn comparisons_with_operand_names() {
    let f = function(
        r#"fn f(sig: &str, body: &[u8]) {
            if hex::encode(mac.finalize()) == sig {}
            if sig.len() == 64 {}
            if sig == "" {}
            if sig.starts_with(&prefix) {}
            if a.eq(&b) {}
        }"#,
    );
    let compared: Vec<(Vec<&str>, Vec<&str>)> = f
        .rare()
        .comparisons
        .iter()
        .map(|c| {
            (
                c.left.iter().map(String::as_str).collect(),
                c.right.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        compared,
        [
            (vec!["hex", "encode", "mac", "finalize"], vec!["sig"]),
            (vec!["sig"], vec!["prefix"]),
            (vec!["a"], vec!["b"]),
        ]
    );
}

#[test]
fn operand_names_are_bounded() {
    let operand: Vec<String> = (0..40).map(|i| format!("a{i}")).collect();
    let f = function(&format!(
        "fn f() {{ if {} == x {{}} }}",
        operand.join(" + ")
    ));
    assert_eq!(f.rare().comparisons[0].left.len(), names::MAX_OPERAND_NAMES);
    assert_eq!(f.rare().comparisons[0].left[0], "a0");
}

#[test]
fn event_types_and_value_paths() {
    let f = function(
        r#"fn f(event: &Value) {
            match event["type"].as_str().unwrap_or("") { "gate_session.completed" | "kyc.required" => {}, _ => {} }
            if event.kind == "rail.pay_in.settled" {}
            let e = &event["data"]["customer_email"];
            let o = event.pointer("/data/metadata/order_id");
            let n = config["name"];
        }"#,
    );
    let types: Vec<&str> = f
        .rare()
        .event_types
        .iter()
        .map(|e| e.value.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "gate_session.completed",
            "kyc.required",
            "rail.pay_in.settled"
        ]
    );
    let paths: Vec<Vec<&str>> = f
        .rare()
        .value_paths
        .iter()
        .map(|path| path.keys.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        paths,
        [
            vec!["type"],
            vec!["data", "customer_email"],
            vec!["data", "metadata", "order_id"]
        ]
    );
}

#[test]
fn event_id_reads() {
    for body in [
        "event.id",
        "payload.event_id",
        r#"payload["id"]"#,
        r#"headers.get("X-0bit-Event-Id")"#,
        r#"v.get("eventId")"#,
        "sqlx::query!(\"INSERT INTO e (id) VALUES ($1)\", event.id)",
    ] {
        let f = function(&format!("fn f() {{ let x = {body}; }}"));
        assert!(f.reads_event_id, "{body}");
    }
    for body in ["event.data.id", "order.id", r#"event["data"]["id"]"#] {
        let f = function(&format!("fn f() {{ let x = {body}; }}"));
        assert!(!f.reads_event_id, "{body}");
    }
}

#[test]
fn routes_and_registrations() {
    let facts = facts(
        r#"fn app() -> Router {
            Router::new()
                .route("/api", get(api))
                .nest("/webhooks", Router::new().route("/0bit", post(hook)))
                .nest("/webhooks/v2", v2::routes())
                .service(web::resource("/webhook").to(actix_hook))
        }"#,
    );
    assert_eq!(
        facts.routes,
        [
            WebhookRoute {
                handler: "hook".into(),
                path: Some("/webhooks/0bit".into()),
                filters: Vec::new(),
            },
            WebhookRoute {
                handler: "actix_hook".into(),
                path: None,
                filters: Vec::new(),
            },
        ]
    );
    assert_eq!(
        facts.nested_routers,
        [NestedRouter {
            router: "routes".into(),
            prefix: "/webhooks/v2".into()
        }]
    );
    let registered: Vec<(&str, &str)> = facts.functions[0]
        .rare()
        .registers
        .iter()
        .map(|r| (r.handler.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(registered, [("api", "/api"), ("hook", "/0bit")]);
}

#[test]
fn route_attributes_on_webhook_paths() {
    let f = function(r#"#[post("/webhooks/0bit")] async fn hook() {}"#);
    assert_eq!(f.rare().webhook_route.as_deref(), Some("/webhooks/0bit"));
    let f = function(r#"#[post("/orders")] async fn orders() {}"#);
    assert_eq!(f.rare().webhook_route, None);
}

#[test]
fn request_guards_name_headers() {
    let facts = facts(
        r#"impl<'r> FromRequest<'r> for Delivery {
            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> {
                req.headers().get_one("Gate-Signature"); req.headers().get_one("X-0bit-Event-Id")
            }
        }
        impl<'r> FromRequest<'r> for Session {
            async fn from_request(req: &'r Request<'_>) -> Outcome<Self, ()> { req.cookies().get("s") }
        }
        impl Display for Delivery { fn fmt(&self, f: &mut Formatter) -> Result { write!(f, "gate-signature") } }"#,
    );
    let guards: Vec<(&str, usize)> = facts
        .request_guards
        .iter()
        .map(|g| (g.type_name.as_str(), g.header_mentions.len()))
        .collect();
    assert_eq!(guards, [("Delivery", 2)]);
}

#[test]
fn files_that_may_be_reported() {
    for source in [
        r#"#[post("/webhooks")] async fn hook() {}"#,
        "async fn hook(body: Bytes) {}",
        r#"fn sig(h: &HeaderMap) { h.get("Gate-Signature"); }"#,
        "fn mac(k: &[u8]) { Hmac::<Sha256>::new_from_slice(k); }",
        "#[derive(Deserialize)] struct Event { id: String }",
    ] {
        assert!(facts(source).may_be_reported(), "{source}");
    }
    for source in ["fn add(a: u8, b: u8) -> u8 { a + b }", "struct Plain;"] {
        assert!(!facts(source).may_be_reported(), "{source}");
    }
}

#[test]
fn calls_on_known_types() {
    let facts = facts(
        r#"impl Verifier {
            fn check(&self, body: &[u8]) { self.mac(body); Self::decode(body); fn nested() {} }
        }
        fn f(v: &Verifier, State(signer): State<Arc<Signer>>, client: reqwest::Client) {
            v.check(b); Verifier::new(); verify::check(); check();
            let c = Client::new(); c.verify();
            let d: Db = connect(); d.save();
            let e = Event { id: 1 }; e.apply();
            signer.verify(); client.verify(); unknown.verify();
        }"#,
    );
    let check = &facts.functions[0];
    assert_eq!(check.name, "check");
    assert_eq!(check.impl_type.as_deref(), Some("Verifier"));
    let on: Vec<(&str, Option<&str>)> = check
        .calls
        .iter()
        .map(|c| (c.name().as_str(), c.on_type().map(|t| t.as_str())))
        .collect();
    assert_eq!(
        on,
        [("mac", Some("Verifier")), ("decode", Some("Verifier"))]
    );
    // A function nested in a method, when it is read at all, is not the impl's.
    let nested = facts.functions.iter().find(|f| f.name == "nested");
    assert!(nested.is_none_or(|f| f.impl_type.is_none()));
    let f = facts.functions.iter().find(|f| f.name == "f").unwrap();
    let on: Vec<(&str, Option<&str>)> = f
        .calls
        .iter()
        .map(|c| (c.name().as_str(), c.on_type().map(|t| t.as_str())))
        .collect();
    assert_eq!(
        on,
        [
            ("check", Some("Verifier")),
            ("new", Some("Verifier")),
            ("check", None),
            ("check", None),
            ("new", Some("Client")),
            ("verify", Some("Client")),
            ("connect", None),
            ("save", Some("Db")),
            ("apply", Some("Event")),
            ("verify", Some("Signer")),
            ("verify", Some("Client")),
            ("verify", None),
        ]
    );
}

#[test]
fn where_parsed_values_come_from() {
    let f = function(
        r#"async fn f(State(state): State<AppState>, headers: HeaderMap, body: Bytes) {
            let a: GateEvent = serde_json::from_slice(&body)?;
            let text = std::str::from_utf8(&body)?;
            let b = serde_json::from_str::<GateEvent>(text)?;
            let data: SessionData = serde_json::from_value(a["data"].clone())?;
            let row = sqlx::query_as::<_, Row>("SELECT payload FROM events").fetch_one(&state.db).await?;
            let c: Stored = serde_json::from_value(row.payload)?;
            let d: Config = serde_json::from_str(&std::fs::read_to_string("config.json")?)?;
            let e: Settings = serde_json::from_reader(File::open("settings.json")?)?;
            let f: Profile = serde_json::from_str(&state.config)?;
            let reply = reqwest::get(URL).await?.text().await?;
            let g: Quote = serde_json::from_str(&reply)?;
            let event = verify_event(&headers, &body)?;
            let h: SessionData = serde_json::from_value(event.data)?;
        }"#,
    );
    let sources: Vec<(&str, Source)> = f
        .rare()
        .parses
        .iter()
        .map(|p| (p.target_type.as_deref().unwrap_or(""), p.source))
        .collect();
    let (verify, _) = f
        .ordered_calls()
        .find(|(_, c)| c.name() == "verify_event")
        .unwrap();
    assert_eq!(
        sources,
        [
            ("GateEvent", Source::Parameter),
            ("GateEvent", Source::FromParameter),
            ("SessionData", Source::FromParameter),
            ("Stored", Source::Other),
            ("Config", Source::Other),
            ("Settings", Source::Other),
            ("Profile", Source::Other),
            ("Quote", Source::Other),
            ("SessionData", Source::ReturnOf(verify)),
        ]
    );
}

#[test]
fn typed_results_of_calls() {
    let f = function(
        r#"async fn f(headers: HeaderMap, body: Bytes) {
            let event: GateEvent = webhook::verify(&headers, &body).await.map_err(Error::from)?;
            let other: Order = load(&db).await?;
        }"#,
    );
    let typed: Vec<(&str, Option<&str>)> = f
        .ordered_calls()
        .map(|(order, c)| (c.name().as_str(), f.result_type(order)))
        .filter(|(_, t)| t.is_some())
        .collect();
    assert_eq!(
        typed,
        [("verify", Some("GateEvent")), ("load", Some("Order"))]
    );
}

#[test]
fn event_types_and_keys_say_what_they_read() {
    let f = function(
        r#"async fn f(req: HttpRequest, Json(event): Json<GateEvent>, db: &PgPool) {
            let kind = req.headers().get("X-0bit-Event-Type").and_then(|v| v.to_str().ok()).unwrap_or_default();
            match kind { "gate_session.completed" => {}, _ => {} }
            if event.event_type == "gate_session.expired" {}
            let job = queue.next().await;
            match job.kind.as_str() { "email.send" => {}, _ => {} }
            let cfg: Value = serde_json::from_str(CONFIG).unwrap();
            let region = &cfg["data"]["region"];
            let amount = &event["data"]["amount"];
        }"#,
    );
    let types: Vec<(&str, Source)> = f
        .rare()
        .event_types
        .iter()
        .map(|e| (e.value.as_str(), e.source))
        .collect();
    assert_eq!(
        types,
        [
            ("gate_session.completed", Source::FromParameter),
            ("gate_session.expired", Source::FromParameter),
            ("email.send", Source::Other),
        ]
    );
    let paths: Vec<(&str, Source)> = f
        .rare()
        .value_paths
        .iter()
        .map(|p| (p.keys[1].as_str(), p.source))
        .collect();
    assert_eq!(
        paths,
        [("region", Source::Other), ("amount", Source::FromParameter)]
    );
}

#[test]
fn sql_keywords_of_literals() {
    let f = function(
        r#"fn f() {
            sqlx::query("INSERT INTO events (id) VALUES ($1)");
            sqlx::query!("
                UPDATE orders SET paid = true WHERE id = $1", id);
            conn.execute("delete from carts where id = ?1", [id]);
            let s = "select 1";
            let action = "update";
            let label = "Insert coin";
        }"#,
    );
    assert_eq!(
        f.sql_keywords.iter().collect::<Vec<_>>(),
        ["INSERT", "UPDATE", "DELETE", "SELECT"]
    );
}

#[test]
fn warp_filters_of_routes() {
    let facts = facts(
        r#"fn routes() {
            warp::path!("webhooks" / "0bit")
                .and(warp::header::<String>("Gate-Signature"))
                .and(with_db(pool.clone()))
                .and(warp::body::bytes())
                .and_then(receive);
        }"#,
    );
    let filters: Vec<String> = facts.routes[0]
        .filters
        .iter()
        .map(|f| match f {
            Filter::Header { literal, .. } => format!("header {literal}"),
            Filter::Function(name) => format!("fn {name}"),
            Filter::Middleware(name) => format!("middleware {name}"),
        })
        .collect();
    assert_eq!(facts.routes[0].handler, "receive");
    assert_eq!(filters, ["header Gate-Signature", "fn with_db"]);
}
