use super::declare_rule;
use crate::link::facts::Facts;
use crate::link::requests::{ResolvedRequest, RUNTIME};
use crate::project::contract::Contract;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds requests to a 0Bit API host whose path is not in the contract: the legacy
    /// scaffold (`/v1/checkouts`, `/v1/pools/balance`, order-style endpoints), admin or
    /// internal paths, unpublished 0Base or 0Link endpoints, and raw calls to a host without
    /// `/v1`. The finding points at the literal that holds the path when one does, otherwise
    /// at the request.
    ///
    /// A base URL with nothing after `/v1` is never reported by itself. Paths match the
    /// contract with any one segment standing for `{id}`.
    ///
    /// ## Why is this bad?
    /// Undocumented endpoints are not part of what 0Bit supports for live traffic: they may
    /// not exist in production, may change without notice, or belong to a product that is
    /// not enabled for the account. The launch fails at the first real request.
    ///
    /// ## Example
    /// ```rust,ignore
    /// const CHECKOUT_URL: &str = "https://gate-api.0bit.app/v1/checkouts";
    /// # async fn create(client: &reqwest::Client, body: &serde_json::Value) -> reqwest::Result<()> {
    /// #     client.post(CHECKOUT_URL).header("Idempotency-Key", "order-1").json(body).send().await?;
    /// #     Ok(())
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// const SESSIONS_URL: &str = "https://gate-api.0bit.app/v1/gate_sessions";
    /// # async fn create(client: &reqwest::Client, body: &serde_json::Value) -> reqwest::Result<()> {
    /// #     client.post(SESSIONS_URL).header("Idempotency-Key", "order-1").json(body).send().await?;
    /// #     Ok(())
    /// # }
    /// ```
    ///
    /// ## Configuration
    /// Endpoints an account has beyond the public docs go in a `[contract] extend` file.
    pub static UNSUPPORTED_ENDPOINT = {
        id: "unsupported-endpoint",
        default: Deny,
        area: "Product boundary",
        live_only: false,
        summary: "a request to a 0Bit API path that the contract does not document",
        precision: High,
        check: Facts(check),
    }
}

fn message(request: &ResolvedRequest) -> String {
    let path = request.path.replace(RUNTIME, "{…}");
    let method = request.method.as_deref().unwrap_or("GET");
    if !request.path.starts_with("/v1") {
        format!(
            "`{method} {path}` on `{}` has no `/v1` prefix: raw calls must include it",
            request.host.name
        )
    } else {
        format!(
            "`{method} {path}` is not a documented {} endpoint",
            request.host.product.name()
        )
    }
}

fn help(request: &ResolvedRequest) -> String {
    let base = format!("https://{}/v1", request.host.name);
    format!(
        "use a documented endpoint under `{base}` (`cargo launchlint explain unsupported-endpoint`); if your account has it beyond the public docs, add it to a `[contract] extend` file"
    )
}

/// Whether the request's path is one the contract does not have on its host: not a bare
/// base URL, fully known in every segment, and either without `/v1` or unknown under it.
fn is_unsupported(request: &ResolvedRequest, contract: &Contract) -> bool {
    let path = request.path.trim_end_matches('/');
    let is_base = path.is_empty() || path == "/v1";
    // A segment only partly known (`/v1` glued to a runtime path) cannot be judged.
    let unknowable = path
        .split('/')
        .any(|segment| segment.contains(RUNTIME) && segment.len() > 1);
    let documented = path.starts_with("/v1/") && contract.knows_path(request.host.product, path);
    !unknowable && !is_base && !documented
}

fn check(facts: &Facts, cx: &mut Context) {
    for request in &facts.requests {
        if !is_unsupported(request, &facts.model.contract) {
            continue;
        }
        let (file, span) = match &request.path_literal {
            Some(literal) => (literal.file, literal.span.clone()),
            None => (request.file, request.span.clone()),
        };
        let evidence = format!("{}{}", request.host.name, request.path);
        cx.report(
            &UNSUPPORTED_ENDPOINT,
            file.draft(span, message(request), help(request), evidence),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::{rust, TestProject};
    use crate::rules::test_support::run;

    /// The text each finding of this rule points at.
    fn flagged(project: &TestProject) -> Vec<String> {
        project.flagged(&run(&UNSUPPORTED_ENDPOINT, project))
    }

    /// Each with the text the finding points at.
    const FAIL: &[(&str, &str)] = &[
        (
            r#"fn f() { client.post("https://gate-api.0bit.app/v1/checkouts").send(); }"#,
            r#""https://gate-api.0bit.app/v1/checkouts""#,
        ),
        (
            r#"fn f() { client.post("https://gate-api.0bit.app/gate_sessions").send(); }"#,
            r#""https://gate-api.0bit.app/gate_sessions""#,
        ),
        (
            r#"const POOLS: &str = "https://pools-api.0bit.app/v1"; fn f() { client.get(format!("{POOLS}/pools/balance")).send(); }"#,
            r#""{POOLS}/pools/balance""#,
        ),
        (
            r#"fn f(id: &str) { client.delete(format!("https://gate-api.0bit.app/v1/admin/keys/{id}")).send(); }"#,
            r#""https://gate-api.0bit.app/v1/admin/keys/{id}""#,
        ),
    ];

    const PASS: &[&str] = &[
        r#"fn f() { client.post("https://gate-api.0bit.app/v1/gate_sessions").send(); }"#,
        r#"fn f(id: &str) { client.get(format!("https://gate-api.0bit.app/v1/gate_sessions/{id}")).send(); }"#,
        r#"fn f() { client.get("https://pools-api.0bit.app/v1/pools").send(); }"#,
        // A base URL by itself.
        r#"fn f() { client.get("https://gate-api.0bit.app/v1/").send(); }"#,
        r#"fn f() { client.get("https://gate-api.0bit.app").send(); }"#,
        // A segment only partly known.
        r#"fn f(rest: &str) { client.get(format!("https://gate-api.0bit.app/v1{rest}")).send(); }"#,
        // Hosts that are not 0Bit API hosts.
        r#"fn f() { client.get("https://gate.0bit.app/checkout/abc").send(); }"#,
        r#"fn f() { client.get("https://example.com/v1/checkouts").send(); }"#,
    ];

    #[test]
    fn fail() {
        for (source, at) in FAIL {
            assert_eq!(flagged(&rust(source)), [*at], "{source}");
        }
    }

    #[test]
    fn pass() {
        for source in PASS {
            assert!(flagged(&rust(source)).is_empty(), "{source}");
        }
    }

    #[test]
    fn points_at_the_literal_with_the_path_in_its_own_file() {
        let project = TestProject::new(&[
            (
                "src/urls.rs",
                r#"pub const CHECKOUTS: &str = "https://gate-api.0bit.app/v1/checkouts";"#,
            ),
            ("src/shop.rs", "fn f() { client.post(CHECKOUTS).send(); }"),
        ]);
        let findings = run(&UNSUPPORTED_ENDPOINT, &project);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].path, "src/urls.rs");
        assert_eq!(
            project.flagged(&findings),
            [r#""https://gate-api.0bit.app/v1/checkouts""#]
        );
    }
}
