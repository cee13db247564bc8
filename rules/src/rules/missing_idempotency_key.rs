use super::declare_rule;
use crate::link::facts::Facts;
use crate::link::requests::ResolvedRequest;
use crate::project::contract::{Endpoint, Idempotency};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds write calls to a 0Bit endpoint whose contract requires or accepts an
    /// `Idempotency-Key` header and that are sent without one. Required:
    /// `POST /v1/gate_sessions` (`createSession`) and 0Pools `POST /v1/pools/{id}/transact`.
    /// Accepted, so send one: `POST /v1/customers`, `POST /v1/rails/pay_ins`,
    /// `POST /v1/rails/pay_outs`, `POST /v1/quotes`.
    ///
    /// Requests are recognized in reqwest (async and blocking), ureq, surf, awc, isahc,
    /// hyper/http `Request` builders and progenitor-style generated clients. The URL is
    /// resolved from literals, `format!`/`concat!`, consts anywhere in the crate, `let`
    /// bindings, `Url::join`, struct fields and parameters whose value is visible in the
    /// crate. Headers count in any letter case, through `.headers(map)`, a header-name
    /// const, or a local helper that returns the builder with the header set.
    ///
    /// ## Why is this bad?
    /// Networks time out after the server has acted. A retried create without a key can open
    /// two sessions for one order, or move money twice; with the same key, 0Bit collapses
    /// the repeat to the original response.
    ///
    /// ## Example
    /// ```rust,ignore
    /// # const GATE_API_BASE: &str = "https://gate-api.0bit.app/v1";
    /// # async fn create_session(client: &reqwest::Client, order: &Order, session: &CreateSession) -> reqwest::Result<()> {
    /// client.post(format!("{GATE_API_BASE}/gate_sessions")).json(&session).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # const GATE_API_BASE: &str = "https://gate-api.0bit.app/v1";
    /// # async fn create_session(client: &reqwest::Client, order: &Order, session: &CreateSession) -> reqwest::Result<()> {
    /// // One key per logical operation, stored with the attempt and reused on every retry.
    /// let key = format!("checkout:{}", order.id);
    /// client
    ///     .post(format!("{GATE_API_BASE}/gate_sessions"))
    ///     .header("Idempotency-Key", &key)
    ///     .json(&session)
    ///     .send()
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub static MISSING_IDEMPOTENCY_KEY = {
        id: "missing-idempotency-key",
        default: Deny,
        area: "Idempotency",
        live_only: false,
        summary: "a 0Bit write request sent without an `Idempotency-Key`",
        precision: High,
        check: Facts(check),
    }
}

fn message(request: &ResolvedRequest, idempotency: Idempotency) -> String {
    let verb = if idempotency == Idempotency::Required {
        "requires"
    } else {
        "accepts"
    };
    format!(
        "{} {verb} an `Idempotency-Key` header, and this request sends none",
        request.describe()
    )
}

fn help(request: &ResolvedRequest) -> String {
    let consequence = match request.endpoint.map(|e| e.operation.as_str()) {
        Some("createSession") => {
            "a retried create without a key can open two sessions for one order"
        }
        Some("transact") => "a retried transact without a key can execute the trade twice",
        _ => "a retried write without a key can be applied twice",
    };
    format!(
        "{consequence}: derive one key per logical operation (`format!(\"checkout:{{}}\", order.id)`), store it with the attempt and send it on every retry with `.header(\"Idempotency-Key\", &key)`"
    )
}

/// The header 0Bit reads the key from (header names match in any letter case).
const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// The endpoint whose key this request leaves out: a write the contract says requires or
/// accepts a key, sent from live code without the header, when all its headers can be read.
fn endpoint_missing_key<'a>(request: &ResolvedRequest<'a>) -> Option<&'a Endpoint> {
    let endpoint = request.endpoint?;
    let wants_key = matches!(
        endpoint.idempotency,
        Idempotency::Required | Idempotency::Accepted
    );
    let unknowable = request.request.opaque_headers;
    let missing = wants_key
        && !unknowable
        && !request.place.test_code
        && !request.has_header(IDEMPOTENCY_KEY_HEADER);
    missing.then_some(endpoint)
}

fn check(facts: &Facts, cx: &mut Context) {
    for request in &facts.requests {
        let Some(endpoint) = endpoint_missing_key(request) else {
            continue;
        };
        let draft = request.file.draft(
            request.span.clone(),
            message(request, endpoint.idempotency),
            help(request),
            endpoint.describe(),
        );
        cx.report(&MISSING_IDEMPOTENCY_KEY, draft);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::{rust, TestProject};
    use crate::rules::test_support::run;

    /// The text each finding of this rule points at.
    fn flagged(project: &TestProject) -> Vec<String> {
        project.flagged(&run(&MISSING_IDEMPOTENCY_KEY, project))
    }

    const SESSIONS: &str =
        r#"const SESSIONS: &str = "https://gate-api.0bit.app/v1/gate_sessions";"#;

    const FAIL: &[&str] = &[
        "fn f() { client.post(SESSIONS).json(&body).send(); }",
        r#"fn f() { client.post(SESSIONS).header("X-Request-Id", id).json(&body).send(); }"#,
        r#"fn f() { ureq::post("https://gate-api.0bit.app/v1/quotes").send_json(body); }"#,
        r#"fn f() { client.request(Method::POST, "https://gate-api.0bit.app/v1/customers").send(); }"#,
        r#"fn f() { let mut h = HeaderMap::new(); h.insert("x-a", v); client.post(SESSIONS).headers(h).send(); }"#,
        "async fn f(client: &Client) { client.create_session().body(&body).send().await; }",
        r#"fn f() { Request::builder().method(Method::POST).uri(SESSIONS).body(b); }"#,
    ];

    const PASS: &[&str] = &[
        r#"fn f() { client.post(SESSIONS).header("Idempotency-Key", &key).send(); }"#,
        r#"fn f() { client.post(SESSIONS).header("IDEMPOTENCY-KEY", &key).send(); }"#,
        r#"const IDEMPOTENCY: &str = "idempotency-key"; fn f() { client.post(SESSIONS).header(IDEMPOTENCY, &key).send(); }"#,
        r#"fn f() { let mut h = HeaderMap::new(); h.insert("Idempotency-Key", k); client.post(SESSIONS).headers(h).send(); }"#,
        // Headers from a map this model cannot read.
        "fn f(h: HeaderMap) { client.post(SESSIONS).headers(h).send(); }",
        "async fn f(client: &Client) { client.create_session().idempotency_key(&key).body(&body).send().await; }",
        // Reads, and writes the contract takes no key for.
        "fn f() { client.get(SESSIONS).send(); }",
        r#"fn f(id: &str) { client.post(format!("{SESSIONS}/{id}/cancel")).send(); }"#,
        // Test code, and a request to another host.
        "#[cfg(test)] mod tests { fn f() { client.post(SESSIONS).send(); } }",
        r#"fn f() { client.post("https://example.com/v1/gate_sessions").send(); }"#,
    ];

    #[test]
    fn fail() {
        for source in FAIL {
            let project = rust(&format!("{SESSIONS}\n{source}"));
            assert_eq!(flagged(&project).len(), 1, "{source}");
        }
    }

    #[test]
    fn pass() {
        for source in PASS {
            let project = rust(&format!("{SESSIONS}\n{source}"));
            assert_eq!(flagged(&project), Vec::<String>::new(), "{source}");
        }
    }

    #[test]
    fn points_at_the_call_that_starts_the_request() {
        let project = rust(&format!("{SESSIONS}\n{}", FAIL[2]));
        assert_eq!(flagged(&project), ["post"]);
    }

    const HELPER: &str = r#"
        const GATE_API: &str = "https://gate-api.0bit.app/v1";
        impl Gate {
            fn gate_post(&self, path: &str) -> reqwest::RequestBuilder {
                self.http.post(format!("{GATE_API}{path}"))
            }
        }
    "#;

    #[test]
    fn helpers_and_callers_set_the_header_between_them() {
        let caller = |call: &str| {
            let caller = format!("impl Shop {{ async fn f(&self) {{ {call} }} }}");
            let project = TestProject::new(&[("src/gate.rs", HELPER), ("src/shop.rs", &caller)]);
            flagged(&project)
        };
        assert_eq!(
            caller(r#"self.gate_post("/gate_sessions").json(&b).send().await;"#),
            ["post"],
            "reported in the helper, where the request starts"
        );
        assert!(caller(
            r#"self.gate_post("/gate_sessions").header("Idempotency-Key", &k).send().await;"#
        )
        .is_empty());
        assert!(
            caller(r#"self.gate_post("/gate_sessions/x/cancel").send().await;"#).is_empty(),
            "no key wanted"
        );
    }
}
