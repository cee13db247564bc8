use super::declare_rule;
use crate::link::facts::Facts;
use crate::link::requests::ResolvedRequest;
use crate::project::contract::Auth;
use crate::project::model::Side;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds client-side code (wasm crates, and the parts of full-stack crates that are not
    /// behind a server-only gate) that calls a 0Bit endpoint needing a secret key: every
    /// endpoint but `POST /v1/embed/bootstrap` and 0Pools `GET /v1/pools`. Creating sessions
    /// in the browser is the usual case.
    ///
    /// ## Why is this bad?
    /// The browser cannot hold the secret key, so the call either fails in production or
    /// works only because the key leaked into the bundle. Amount and currency must also be
    /// bound on the server, where the user cannot change them.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // web/src/checkout.rs, compiled to wasm
    /// # use gloo_net::http::Request;
    /// # const GATE_API: &str = "https://gate-api.0bit.app/v1";
    /// # pub async fn start_checkout(body: &CreateSession) -> Result<(), gloo_net::Error> {
    /// Request::post(&format!("{GATE_API}/gate_sessions")).json(&body)?.send().await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// // A `#[server]` function (or your API) creates the session and returns only the
    /// // client secret; the browser bootstraps the embed with the publishable key.
    /// #[server]
    /// pub async fn create_checkout(order_id: String) -> Result<String, ServerFnError> {
    ///     let session = gate::create_session(&order_id).await?; // on the server, with `sk_`
    ///     Ok(session.client_secret)
    /// }
    /// ```
    pub static SERVER_CALL_FROM_CLIENT = {
        id: "server-call-from-client",
        default: Deny,
        area: "Browser values",
        live_only: false,
        summary: "client code calling a 0Bit endpoint that needs a secret key",
        precision: High,
        security_severity: 7.5,
        check: Facts(check),
    }
}

const HELP: &str = "create sessions and call secret-key endpoints on the server (an API route or a `#[server]` function); the browser only bootstraps the embed with the publishable key and the session client secret";

/// Whether browser code sends this request to an endpoint that needs the secret key (any
/// endpoint not marked publishable, undocumented ones included).
fn needs_secret_from_browser(request: &ResolvedRequest) -> bool {
    request.place.side == Side::Client
        && !request
            .endpoint
            .is_some_and(|e| e.auth == Auth::Publishable)
}

fn check(facts: &Facts, cx: &mut Context) {
    for request in &facts.requests {
        if !needs_secret_from_browser(request) {
            continue;
        }
        let message = format!(
            "browser code calls {}, which needs the secret key",
            request.describe()
        );
        // A request started in a helper is reported where it is started.
        let draft = request.file.draft(
            request.span.clone(),
            message,
            HELP.into(),
            request.describe(),
        );
        cx.report(&SERVER_CALL_FROM_CLIENT, draft);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::TestProject;
    use crate::rules::test_support::run;

    /// The text each finding of this rule points at.
    fn flagged(project: &TestProject) -> Vec<String> {
        project.flagged(&run(&SERVER_CALL_FROM_CLIENT, project))
    }

    /// `source` as `web/src/lib.rs` of a browser-side package.
    fn in_browser(source: &str) -> TestProject {
        TestProject::with_client_package("web", &[("web/src/lib.rs", source)])
    }

    const FAIL: &[&str] = &[
        r#"fn f() { Request::post("https://gate-api.0bit.app/v1/gate_sessions").json(&body)?.send(); }"#,
        r#"fn f(id: &str) { client.get(format!("https://gate-api.0bit.app/v1/gate_sessions/{id}")).send(); }"#,
        // Undocumented endpoints need the secret key as much as documented ones.
        r#"fn f() { client.post("https://gate-api.0bit.app/v1/checkouts").send(); }"#,
        r#"fn f() { client.post("https://pools-api.0bit.app/v1/pools/p1/transact").send(); }"#,
    ];

    const PASS: &[&str] = &[
        // The publishable endpoints.
        r#"fn f() { client.post("https://gate-api.0bit.app/v1/embed/bootstrap").send(); }"#,
        r#"fn f() { client.get("https://pools-api.0bit.app/v1/pools").send(); }"#,
        // Server-only and test code in the browser package.
        r#"#[cfg(feature = "ssr")] fn f() { client.post("https://gate-api.0bit.app/v1/gate_sessions").send(); }"#,
        r#"#[cfg(test)] mod tests { fn f() { client.post("https://gate-api.0bit.app/v1/gate_sessions").send(); } }"#,
        // Not a 0Bit API host.
        r#"fn f() { client.post("https://example.com/v1/gate_sessions").send(); }"#,
    ];

    #[test]
    fn fail() {
        for source in FAIL {
            assert_eq!(flagged(&in_browser(source)).len(), 1, "{source}");
        }
    }

    #[test]
    fn pass() {
        for source in PASS {
            assert!(flagged(&in_browser(source)).is_empty(), "{source}");
        }
    }

    #[test]
    fn server_packages_may_call_any_endpoint() {
        let project = TestProject::new(&[("src/lib.rs", FAIL[0])]);
        assert!(flagged(&project).is_empty());
        assert_eq!(flagged(&in_browser(FAIL[0])), ["post"]);
    }
}
