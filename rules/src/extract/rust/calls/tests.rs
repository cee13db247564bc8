//! The scanner on small Rust files, read through the real per-file analysis.

use super::*;
use crate::extract::request::{Body, CallFacts, HelperCall, KeyOrigin, Request};
use crate::project::model::{Environment, ProjectModel};

/// The request facts of `source` as `src/lib.rs` of a live project.
fn facts(source: &str) -> CallFacts {
    let model = ProjectModel::new(Environment::Live);
    crate::extract::analyze::analyze_file(&model, "src/lib.rs", source.as_bytes()).calls
}

fn requests(source: &str) -> Vec<Request> {
    facts(source).requests.into_iter().collect()
}

/// The first request's headers, as (lower-case text name, whether the value is fresh).
fn headers(source: &str) -> Vec<(String, bool)> {
    requests(source)[0]
        .headers
        .iter()
        .map(|header| {
            let name = header
                .name
                .iter()
                .map(|piece| match piece {
                    Piece::Text(text) => text.to_ascii_lowercase(),
                    Piece::Const(name) => format!("{{{name}}}"),
                    _ => "…".into(),
                })
                .collect();
            (name, matches!(header.key, KeyOrigin::Fresh { .. }))
        })
        .collect()
}

fn text(value: &str) -> Piece {
    Piece::Text(value.into())
}

#[test]
fn locals_follow_blocks() {
    let shadowed = r#"fn f() { let u = "https://a/1"; { let u = "https://b/2"; g(u); } client.post(u).send(); }"#;
    assert_eq!(requests(shadowed)[0].url, [text("https://a/1")]);
    let assigned =
        r#"fn f() { let u = "https://a/1"; { u = "https://b/2"; } client.post(u).send(); }"#;
    assert_eq!(requests(assigned)[0].url, [text("https://b/2")]);
}

#[test]
fn header_maps_grow_in_place() {
    let source = r#"fn f() { let mut h = HeaderMap::new(); h.insert("idempotency-key", Uuid::new_v4()); h.insert("x-a", v); client.post("https://a/1").headers(h).send(); }"#;
    let headers = &requests(source)[0].headers;
    assert_eq!(headers.len(), 2);
    assert!(matches!(headers[0].key, KeyOrigin::Fresh { .. }));
}

#[test]
fn templates_are_bounded() {
    assert_eq!(
        bounded(vec![Piece::Text("a".repeat(MAX_TEMPLATE_TEXT))]).len(),
        1
    );
    assert_eq!(
        bounded(vec![Piece::Text("a".repeat(MAX_TEMPLATE_TEXT + 1))]),
        [Piece::Unknown]
    );
    assert_eq!(
        bounded(vec![Piece::Unknown; MAX_TEMPLATE_PIECES + 1]),
        [Piece::Unknown]
    );
}

#[test]
fn header_calls_are_collected() {
    let cases: [(&str, &[(&str, bool)]); 6] = [
        (
            r#"fn f() { client.post("https://a/1").header("Idempotency-Key", &key).send(); }"#,
            &[("idempotency-key", false)],
        ),
        (
            r#"fn f() { client.post("https://a/1").header("Idempotency-Key", Uuid::new_v4().to_string()).send(); }"#,
            &[("idempotency-key", true)],
        ),
        (
            r#"fn f() { let k = format!("{}", Uuid::now_v7()); client.post("https://a/1").header(IDEMPOTENCY, k).send(); }"#,
            &[("{IDEMPOTENCY}", true)],
        ),
        (
            r#"fn f() { client.post("https://a/1").header("x-a", "1").header(header::CONTENT_TYPE, "json").send(); }"#,
            &[("x-a", false), ("{CONTENT_TYPE}", false)],
        ),
        (
            r#"fn f() { ureq::post("https://a/1").set("Idempotency-Key", &key).call(); }"#,
            &[("idempotency-key", false)],
        ),
        (
            r#"fn f() { client.post("https://a/1").headers([("idempotency-key", k), ("x-a", v)]).send(); }"#,
            &[("idempotency-key", false), ("x-a", false)],
        ),
    ];
    for (source, expected) in cases {
        let expected: Vec<(String, bool)> = expected
            .iter()
            .map(|(name, fresh)| (name.to_string(), *fresh))
            .collect();
        assert_eq!(headers(source), expected, "{source}");
        assert!(!requests(source)[0].opaque_headers, "{source}");
    }
}

#[test]
fn header_maps_from_elsewhere_are_opaque() {
    let opaque = [
        r#"fn f(h: HeaderMap) { client.post("https://a/1").headers(h).send(); }"#,
        r#"fn f() { client.post("https://a/1").headers(gate_headers(&key)).send(); }"#,
        r#"fn f(&self) { client.post("https://a/1").headers(self.headers.clone()).send(); }"#,
    ];
    for source in opaque {
        let request = &requests(source)[0];
        assert!(request.opaque_headers, "{source}");
        assert!(request.headers.is_empty(), "{source}");
    }
    let read = r#"fn f() { let mut h = HeaderMap::new(); h.insert("idempotency-key", k.parse()?); client.post("https://a/1").headers(h).send(); }"#;
    assert!(!requests(read)[0].opaque_headers);
}

#[test]
fn idempotency_key_helpers_return_their_builder() {
    let source = r#"
        impl Gate {
            fn gate_post(&self, path: &str, key: &str) -> reqwest::RequestBuilder {
                self.http.post(format!("{GATE_API}{path}")).header("Idempotency-Key", key)
            }
            async fn create(&self, key: &str) {
                self.gate_post("/gate_sessions", key).json(&body).send().await;
            }
        }
    "#;
    let requests = requests(source);
    assert_eq!(requests.len(), 2);
    let helper = &requests[0];
    assert_eq!(helper.returned_by.as_deref(), Some("gate_post"));
    assert_eq!(
        helper.url,
        [Piece::Const("GATE_API".into()), Piece::Param(0)]
    );
    assert_eq!(helper.headers.len(), 1);
    let caller = &requests[1];
    assert_eq!(
        caller.helper,
        Some(HelperCall {
            name: "gate_post".into(),
            args: vec![vec![text("/gate_sessions")], vec![Piece::Param(0)]],
        })
    );
    assert!(caller.sends && caller.returned_by.is_none());
}

#[test]
fn generated_clients_set_the_key_by_method() {
    let source = r#"async fn f(client: &Client) { client.create_session().idempotency_key(&key).body(&body).send().await; }"#;
    let request = &requests(source)[0];
    assert_eq!(request.operation.as_deref(), Some("create_session"));
    assert_eq!(headers(source), [("idempotency-key".to_string(), false)]);
    let fresh = r#"async fn f(client: &Client) { loop { client.create_session().idempotency_key(Uuid::new_v4()).send().await; } }"#;
    let request = &requests(fresh)[0];
    let KeyOrigin::Fresh { scopes, .. } = &request.headers[0].key else {
        panic!("a fresh key");
    };
    assert_eq!(scopes, &request.scopes);
    assert_eq!(request.scopes.len(), 1);
}

#[test]
fn fresh_keys_carry_their_scopes() {
    let source = r#"fn f() { let key = Uuid::new_v4(); loop { retry(|| client.post("https://a/1").header("Idempotency-Key", &key).send()); } }"#;
    let request = &requests(source)[0];
    assert_eq!(request.scopes.len(), 2, "the loop and the retry closure");
    let KeyOrigin::Fresh { scopes, .. } = &request.headers[0].key else {
        panic!("a fresh key");
    };
    assert!(scopes.is_empty(), "made before the loop");
}

#[test]
fn bodies_record_every_float_neutrally() {
    let source = r#"fn f() { client.post("https://a/1").json(&json!({"amount": 12.5, "rate": 0.5f64, "count": 3, "items": [{"unit_price": 1.25}]})).send(); }"#;
    let Some(Body::Json(floats)) = &requests(source)[0].body else {
        panic!("a json body");
    };
    let keys: Vec<&str> = floats.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["amount", "rate", "unit_price"]);
    let source = "#[derive(Serialize)]\nstruct S { amount: f64, ratio: f32, name: String }\nstruct T { total: f64 }";
    let structs = facts(source).structs;
    assert_eq!(structs.len(), 1, "only serialized structs");
    let fields: Vec<&str> = structs[0]
        .float_fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(fields, ["amount", "ratio"]);
}

#[test]
fn struct_fields_and_call_arguments_keep_first_known_values() {
    let source = r#"
        fn a() { let c = Config { base: "https://a/v1", other: x }; let d = Config { base: "https://b/v1" }; }
        fn b() { send_to(id, "/first"); send_to("x", "/second"); send_to(y, z); }
    "#;
    let facts = facts(source);
    let fields: Vec<(&str, &Template)> = facts
        .fields
        .iter()
        .map(|f| (f.field.as_str(), &f.value))
        .collect();
    assert_eq!(fields, [("base", &vec![text("https://a/v1")])]);
    let calls: Vec<&Vec<Template>> = facts
        .call_args
        .iter()
        .filter(|c| c.function == "send_to")
        .map(|c| &c.args)
        .collect();
    assert_eq!(
        calls,
        [
            &vec![vec![Piece::Unknown], vec![text("/first")]],
            &vec![vec![text("x")], vec![text("/second")]]
        ]
    );
}
