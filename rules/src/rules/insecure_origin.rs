use super::declare_rule;
use crate::extract::origins::{address_of, is_0bit_url, Address};
use crate::link::facts::Facts;
use crate::link::origins::LiveOrigin;
use crate::project::model::Declared;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds origins and return URLs in live scope that cannot be right for live traffic:
    /// `http://` (other than loopback, which is reported as local), `localhost`, `127.0.0.1`
    /// or `0.0.0.0`, tunnel hosts (ngrok, trycloudflare, loca.lt, localtunnel, serveo,
    /// localhost.run, devtunnels), and wildcards (`*`, `*.example.com`, `AllowOrigin::any()`,
    /// `CorsLayer::permissive()`, actix `Cors::permissive()`/`allow_any_origin()`,
    /// rocket_cors `AllowedOrigins::all()`). Wildcard or insecure entries in
    /// `[origins] allowed` itself are reported too.
    ///
    /// Live scope only: test code, `.env.development` and other files named for another
    /// environment are not checked.
    ///
    /// ## Why is this bad?
    /// 0Bit matches origins exactly and has no wildcards; a tunnel or localhost return URL
    /// sends paying customers to a machine that is off after launch; `http://` exposes the
    /// session to anyone on the path; a permissive CORS policy lets any site call your API
    /// with the user's cookies.
    ///
    /// Only origins that reach 0Bit are judged, as for `undeclared-origin`: CORS layers and
    /// embed origins in a project that integrates 0Bit, and redirect targets that go into a
    /// 0Bit session (see that rule's docs).
    ///
    /// ## Example
    /// ```rust,ignore
    /// # const GATE_API: &str = "https://gate-api.0bit.app/v1";
    /// # async fn create_session(http: &reqwest::Client) -> reqwest::Result<()> {
    /// # let body = CreateSession {
    /// return_url: "https://abc123.ngrok-free.app/return".into(),
    /// # };
    /// # http.post(format!("{GATE_API}/gate_sessions")).json(&body).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # const GATE_API: &str = "https://gate-api.0bit.app/v1";
    /// # async fn create_session(http: &reqwest::Client, config: &Config) -> reqwest::Result<()> {
    /// # let body = CreateSession {
    /// return_url: format!("{}/return", config.public_origin), // https, declared
    /// # };
    /// # http.post(format!("{GATE_API}/gate_sessions")).json(&body).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub static INSECURE_ORIGIN = {
        id: "insecure-origin",
        default: Deny,
        area: "Origins",
        live_only: true,
        summary: "an origin that is plain `http://`, local, a tunnel or a wildcard",
        precision: High,
        security_severity: 5.5,
        check: Facts(check),
    }
}

/// Why an origin is not fit for live traffic, if it is not: only a public `https://` host
/// is.
fn insecure_reason(value: &str) -> Option<&'static str> {
    match address_of(value)? {
        Address::Wildcard => Some("a wildcard"),
        Address::Local => Some("a local address"),
        Address::Tunnel => Some("a tunnel host"),
        Address::PlainHttp => Some("not HTTPS"),
        Address::Https => None,
    }
}

fn help(reason: &str) -> String {
    match reason {
        "a wildcard" => "0Bit matches origins exactly: list each production origin (`https://shop.example.com`) instead of allowing any".into(),
        _ => "use your production `https://` origin, declared in `[origins] allowed`; keep local and tunnel URLs in `.env.development` or tests".into(),
    }
}

fn check(facts: &Facts, cx: &mut Context) {
    for LiveOrigin {
        file,
        origin: origin_use,
    } in facts.origin_uses()
    {
        let reason = if origin_use.wildcard {
            Some("a wildcard")
        } else {
            insecure_reason(&origin_use.value)
        };
        let Some(reason) = reason.filter(|_| !is_0bit_url(&origin_use.value)) else {
            continue;
        };
        let message = if origin_use.wildcard && origin_use.value == "*" {
            "any origin is allowed by CORS in live code".to_string()
        } else {
            format!(
                "origin `{}` is {reason}, not fit for live traffic",
                origin_use.value
            )
        };
        cx.report(
            &INSECURE_ORIGIN,
            file.draft(
                origin_use.span.clone(),
                message,
                help(reason),
                origin_use.value.clone(),
            ),
        );
    }
    let launch = &facts.model.launch;
    for Declared { value, span } in launch.allowed_origins.iter().flatten() {
        let Some(reason) = insecure_reason(value) else {
            continue;
        };
        let message = format!("declared origin `{value}` is {reason}");
        if let Some(draft) = launch.draft(span.clone(), message, help(reason), value.clone()) {
            cx.report(&INSECURE_ORIGIN, draft);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_https_hosts_are_fit_for_live_traffic() {
        for (value, reason) in [
            ("*", Some("a wildcard")),
            ("https://*.tidepool.coffee", Some("a wildcard")),
            ("http://localhost:3000/return", Some("a local address")),
            ("https://127.0.0.1:8443", Some("a local address")),
            ("https://shop.localhost", Some("a local address")),
            (
                "https://abc123.ngrok-free.app/return",
                Some("a tunnel host"),
            ),
            (
                "https://quiet-dawn.trycloudflare.com",
                Some("a tunnel host"),
            ),
            ("http://checkout.tidepool.coffee", Some("not HTTPS")),
            ("https://checkout.tidepool.coffee/done", None),
            ("HTTPS://Checkout.Tidepool.Coffee:443/", None),
            ("https://ngrok-free.app.tidepool.coffee", None),
            ("not a url", None),
            ("/relative/return", None),
        ] {
            assert_eq!(insecure_reason(value), reason, "{value}");
        }
    }

    #[test]
    fn live_origin_uses_and_declared_origins_are_checked() {
        use crate::project::model::Declared;
        use crate::rules::test_support::{check, check_in, lines, model};
        let session = |url: &str| {
            format!("const GATE: &str = \"https://gate-api.0bit.app/v1\";\nfn session() -> S {{ S {{ return_url: \"{url}\".into() }} }}\nasync fn create(http: &reqwest::Client) {{ http.post(format!(\"{{GATE}}/gate_sessions\")).json(&session()).send().await; }}\n")
        };
        let tunnel = session("https://abc123.ngrok-free.app/return");
        assert_eq!(
            lines(&check(&INSECURE_ORIGIN, &[("server/src/main.rs", &tunnel)])),
            ["server/src/main.rs:2"]
        );
        // The same code with nothing of 0Bit in the project is not this gate's business.
        let elsewhere = tunnel.replace("gate-api.0bit.app", "api.example.com");
        assert!(check(&INSECURE_ORIGIN, &[("server/src/main.rs", &elsewhere)]).is_empty());
        let public = session("https://checkout.tidepool.coffee/return");
        assert!(check(&INSECURE_ORIGIN, &[("server/src/main.rs", &public)]).is_empty());
        // Test code is not live.
        assert!(check(&INSECURE_ORIGIN, &[("server/tests/flow.rs", &tunnel)]).is_empty());
        let declared = model(|m| {
            m.launch.path = Some("launchlint.toml".into());
            m.launch.lines = crate::ground::source::LineIndex::new(
                "[origins]\nallowed = [\"http://localhost:3000\"]\n",
            );
            m.launch.allowed_origins = Some(vec![Declared {
                value: "http://localhost:3000".into(),
                span: 21..42,
            }]);
        });
        assert_eq!(
            lines(&check_in(declared, &INSECURE_ORIGIN, &[])),
            ["launchlint.toml:2"]
        );
    }
}
