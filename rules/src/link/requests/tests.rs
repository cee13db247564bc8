//! URL templates and headers resolved across the files of small projects.

use crate::extract::request::KeyOrigin;
use crate::link::test_support::{describe, rust, TestProject};

/// Each resolved request of a project, as `METHOD host/path`.
fn resolved(project: &TestProject) -> Vec<String> {
    project.facts().requests.iter().map(describe).collect()
}

fn one(source: &str) -> Vec<String> {
    resolved(&rust(source))
}

#[test]
fn literals_and_format_and_concat() {
    let cases = [
        (
            r#"fn f() { client.post("https://gate-api.0bit.app/v1/gate_sessions").send(); }"#,
            "POST gate-api.0bit.app/v1/gate_sessions",
        ),
        (
            r#"const BASE: &str = "https://gate-api.0bit.app/v1"; fn f(id: &str) { client.get(format!("{BASE}/gate_sessions/{}", id)).send(); }"#,
            "GET gate-api.0bit.app/v1/gate_sessions/{…}",
        ),
        (
            r#"const BASE: &str = "https://gate-api.0bit.app/v1"; fn f() { client.post(format!("{base}/quotes", base = BASE)).send(); }"#,
            "POST gate-api.0bit.app/v1/quotes",
        ),
        (
            r#"const BASE: &str = "https://pools-api.0bit.app"; const POOLS: &str = concat!(BASE, "/v1/pools"); fn f() { client.get(POOLS).send(); }"#,
            "GET pools-api.0bit.app/v1/pools",
        ),
        (
            r#"fn f() { let base = "https://gate-api.0bit.app/v1"; let url = base.to_string() + "/customers"; client.post(url).send(); }"#,
            "POST gate-api.0bit.app/v1/customers",
        ),
        (
            r#"fn f() { client.request(Method::POST, "https://gate-api.0bit.app/v1/quotes").send(); }"#,
            "POST gate-api.0bit.app/v1/quotes",
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(one(source), [expected], "{source}");
    }
}

#[test]
fn other_hosts_and_runtime_hosts_are_not_resolved() {
    let none = [
        r#"fn f() { client.post("https://example.com/v1/gate_sessions").send(); }"#,
        r#"fn f() { client.post("https://gate.0bit.app/checkout").send(); }"#,
        r#"fn f(host: &str) { client.post(format!("https://{host}/v1/gate_sessions")).send(); }"#,
        r#"fn f() { client.post(format!("{}/v1/gate_sessions", std::env::var("BASE")?)).send(); }"#,
    ];
    for source in none {
        assert!(one(source).is_empty(), "{source}");
    }
}

#[test]
fn consts_resolve_across_files_preferring_their_own() {
    let project = TestProject::new(&[
        (
            "src/config.rs",
            r#"pub const GATE_API: &str = "https://gate-api.0bit.app/v1";"#,
        ),
        (
            "src/a.rs",
            r#"fn f() { client.post(format!("{GATE_API}/gate_sessions")).send(); }"#,
        ),
        (
            "src/b.rs",
            r#"const GATE_API: &str = "https://gate-api-sandbox.0bit.app/v1"; fn g() { client.post(format!("{GATE_API}/customers")).send(); }"#,
        ),
    ]);
    assert_eq!(
        resolved(&project),
        [
            "POST gate-api.0bit.app/v1/gate_sessions",
            "POST gate-api-sandbox.0bit.app/v1/customers"
        ]
    );
    let facts = project.facts();
    let literal = facts.requests[0].path_literal.as_ref().expect("a literal");
    assert_eq!(literal.file.path, "src/a.rs", "the literal with the path");
    assert_eq!(
        facts.requests[0].endpoint.map(|e| e.operation.as_str()),
        Some("createSession")
    );
}

#[test]
fn struct_fields_and_parameters() {
    let project = TestProject::new(&[
        (
            "src/main.rs",
            r#"fn main() { let gate = Gate { base_url: "https://gate-api.0bit.app/v1".to_string() }; quote("https://gate-api.0bit.app/v1", id); }"#,
        ),
        (
            "src/gate.rs",
            r#"impl Gate { fn sessions(&self) { self.http.post(format!("{}/gate_sessions", self.base_url)).send(); } }
               fn quote(base: &str, id: &str) { client.post(format!("{base}/quotes")).send(); }"#,
        ),
    ]);
    assert_eq!(
        resolved(&project),
        [
            "POST gate-api.0bit.app/v1/gate_sessions",
            "POST gate-api.0bit.app/v1/quotes"
        ]
    );
}

#[test]
fn url_join_replaces_the_last_segment() {
    let cases = [
        (
            r#"fn f() { let base = Url::parse("https://gate-api.0bit.app/v1/")?; client.post(base.join("gate_sessions")?).send(); }"#,
            "POST gate-api.0bit.app/v1/gate_sessions",
        ),
        (
            r#"fn f() { let base = Url::parse("https://gate-api.0bit.app/v1")?; client.post(base.join("gate_sessions")?).send(); }"#,
            "POST gate-api.0bit.app/gate_sessions",
        ),
        (
            r#"fn f() { let base = Url::parse("https://gate-api.0bit.app")?; client.post(base.join("v1/quotes")?).send(); }"#,
            "POST gate-api.0bit.app/v1/quotes",
        ),
    ];
    for (source, expected) in cases {
        assert_eq!(one(source), [expected], "{source}");
    }
}

const HELPER: &str = r#"
pub const GATE_API: &str = "https://gate-api.0bit.app/v1";
impl Gate {
    pub fn gate_post(&self, path: &str, key: &str) -> reqwest::RequestBuilder {
        self.http.post(format!("{GATE_API}{path}")).header(IDEMPOTENCY_HEADER, key)
    }
}
const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
"#;

#[test]
fn helpers_returning_builders_are_merged_with_their_callers() {
    let project = TestProject::new(&[
        ("src/gate.rs", HELPER),
        (
            "src/checkout.rs",
            r#"impl Shop { async fn checkout(&self, key: String) {
                loop { self.gate.gate_post("/gate_sessions", &key).header("x-trace", Uuid::new_v4()).json(&body).send().await; }
                self.gate_post("/customers", &key).json(&body).send().await;
            } }"#,
        ),
    ]);
    // `self.gate.gate_post(..)` is not on `self`: not read as a helper call.
    assert_eq!(resolved(&project), ["POST gate-api.0bit.app/v1/customers"]);
    let facts = project.facts();
    let request = &facts.requests[0];
    assert_eq!(request.file.path, "src/gate.rs", "reported where it starts");
    assert_eq!(request.sent_from.path, "src/checkout.rs");
    let names: Vec<&str> = request.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        ["Idempotency-Key"],
        "the const header name, resolved"
    );
    assert!(request.has_header("idempotency-key"));
}

#[test]
fn helper_headers_and_caller_headers_are_both_kept() {
    let project = TestProject::new(&[
        ("src/gate.rs", HELPER),
        (
            "src/checkout.rs",
            r#"impl Shop { async fn checkout(&self) {
                for attempt in 0..3 { self.gate_post("/gate_sessions", &Uuid::new_v4().to_string()).header("X-Attempt", attempt).send().await; }
            } }"#,
        ),
    ]);
    let facts = project.facts();
    let request = &facts.requests[0];
    let names: Vec<&str> = request.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["Idempotency-Key", "X-Attempt"]);
    assert_eq!(request.scopes.len(), 1, "the caller's loop");
    // The key is a helper parameter: the helper's header value is not fresh by itself.
    assert_eq!(request.headers[0].key, KeyOrigin::Other);
}

#[test]
fn generated_clients_name_their_endpoint() {
    let sends = r#"async fn f(client: &Client) { client.create_session().idempotency_key(&key).body(&body).send().await; }"#;
    assert_eq!(one(sends), ["POST gate-api.0bit.app/v1/gate_sessions"]);
    let unsent = r#"fn f(client: &Client) { let b = client.create_session(); }"#;
    assert!(one(unsent).is_empty());
}

#[test]
fn javascript_requests_use_the_same_resolution() {
    let project = TestProject::new(&[(
        "web/src/api.ts",
        "const GATE_API = \"https://gate-api.0bit.app/v1\";\nawait fetch(`${GATE_API}/gate_sessions/${id}/cancel`, { method: \"POST\" });\n",
    )]);
    assert_eq!(
        resolved(&project),
        ["POST gate-api.0bit.app/v1/gate_sessions/{…}/cancel"]
    );
}

#[test]
fn a_helper_that_sends_is_resolved_at_each_call() {
    // A client struct wrapping reqwest (or reqwest-middleware's `ClientWithMiddleware`) with
    // one `send` helper: each call is its own endpoint, and points at the call.
    let source = r#"
const GATE_API: &str = "https://gate-api.0bit.app/v1";
struct Gate { http: ClientWithMiddleware }
impl Gate {
    async fn send<T: Serialize>(&self, path: &str, body: &T) -> Result<Response> {
        self.http.post(format!("{GATE_API}{path}")).json(body).send().await
    }
    async fn create_session(&self, body: &Value) { self.send("/gate_sessions", body).await; }
    async fn create_customer(&self, body: &Value) { self.send("/customers", body).await; }
}
"#;
    let project = rust(source);
    let facts = project.facts();
    let at: Vec<(String, String)> = facts
        .requests
        .iter()
        .map(|r| (describe(r), source[r.span.clone()].to_string()))
        .collect();
    assert_eq!(
        at,
        [
            (
                "POST gate-api.0bit.app/v1/gate_sessions".into(),
                "send".into()
            ),
            ("POST gate-api.0bit.app/v1/customers".into(), "send".into()),
        ]
    );
    assert!(facts
        .requests
        .iter()
        .all(|r| r.span.start > source.find("create_session").unwrap()));
    // The helper alone, never called with a path, is still read with what is known.
    let alone = source
        .replace("self.send(\"/gate_sessions\", body)", "todo()")
        .replace("self.send(\"/customers\", body)", "todo()");
    assert_eq!(one(&alone), ["POST gate-api.0bit.app/v1{…}"]);
}
