use std::collections::BTreeSet;

use super::declare_rule;
use crate::extract::origins::{address_of, is_0bit_url, origin_of, Address};
use crate::link::facts::Facts;
use crate::link::origins::LiveOrigin;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds origins and return URLs used as allowed origins, embed origins or redirect
    /// targets whose origin is not declared in `[origins] allowed`:
    ///
    /// - in Rust: `return_url`/`cancel_url`/`success_url`/`redirect_url`/`origin` fields and
    ///   `json!` keys, builder setters, and CORS layers (tower-http `CorsLayer`/`AllowOrigin`,
    ///   actix-cors, rocket_cors);
    /// - in env and config files: `ALLOWED_ORIGINS=`, `RETURN_URL=`, `return_url = "…"`;
    /// - in front-end code: `returnUrl: "…"`.
    ///
    /// Only origins that reach 0Bit are judged (spec §2), and none in a project that does not
    /// integrate 0Bit:
    ///
    /// - CORS layers, `allowed_origins` and embed origins count in a project that integrates
    ///   0Bit;
    /// - a redirect target counts in Rust when it is a field of a type sent as a 0Bit
    ///   request's body, or set in a function that sends a 0Bit request, calls one that does
    ///   or is called by one (calls matched by name, and by type when the type is one of the
    ///   project's own), or that sends a request to a base URL known only at run time in a
    ///   file with 0Bit evidence;
    /// - in env, config and front-end files, a redirect target counts under a key naming
    ///   0Bit (`OBIT_RETURN_URL`, `[obit]`), or in a file that shows 0Bit evidence unless
    ///   its key or section names another provider or sign-in (`STRIPE_SUCCESS_URL`,
    ///   `[oauth] redirect_url`).
    ///
    /// An OAuth `redirect_uri` is never an origin, and another provider's `success_url` set
    /// where no 0Bit request is made is not one either.
    ///
    /// With no `[origins]` section at all, each distinct origin is reported once, at its first
    /// use in path order. Insecure and wildcard origins are left to `insecure-origin`. Live
    /// scope only: test code and files named for another environment are not checked.
    ///
    /// ## Why is this bad?
    /// 0Bit matches embed origins and return URLs exactly against the account's allowed list.
    /// An origin missing from that list fails in production, not in review; declaring the
    /// list here makes the launch review check it.
    ///
    /// ## Example
    /// ```rust,ignore
    /// # async fn create_session(client: &reqwest::Client) -> reqwest::Result<()> {
    /// # let session =
    /// json!({ "return_url": "https://checkout.tidepool.coffee/done" })
    /// # ;
    /// # client.post("https://gate-api.0bit.app/v1/gate_sessions").json(&session).send().await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```toml
    /// # launchlint.toml, matching the allowed domains configured in Partner Hub
    /// [origins]
    /// allowed = ["https://checkout.tidepool.coffee"]
    /// ```
    pub static UNDECLARED_ORIGIN = {
        id: "undeclared-origin",
        default: Deny,
        area: "Origins",
        live_only: true,
        summary: "an origin or return URL that `[origins] allowed` does not declare",
        precision: High,
        check: Facts(check),
    }
}

/// Public `https://` origins other than 0Bit's own must be declared; the rest are not fit for
/// live traffic at all, which `insecure-origin` reports.
fn needs_declaring(value: &str) -> bool {
    address_of(value) == Some(Address::Https) && !is_0bit_url(value)
}

fn check(facts: &Facts, cx: &mut Context) {
    let launch = &facts.model.launch;
    let declared: Option<BTreeSet<String>> = launch.allowed_origins.as_ref().map(|list| {
        list.iter()
            .filter_map(|declared| origin_of(&declared.value))
            .collect()
    });
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for LiveOrigin {
        file,
        origin: origin_use,
    } in facts.origin_uses()
    {
        let value = &origin_use.value;
        if origin_use.wildcard || !needs_declaring(value) {
            continue;
        }
        let Some(origin) = origin_of(value) else {
            continue;
        };
        let draft = match &declared {
            Some(declared) if declared.contains(&origin) => continue,
            Some(_) => {
                let message = format!(
                    "origin `{origin}` is used here but not declared in `[origins] allowed`"
                );
                let help = format!("add `\"{origin}\"` to `[origins] allowed`, and to the allowed domains in Partner Hub, or use a declared origin");
                let draft = file.draft(origin_use.span.clone(), message, help, origin.clone());
                match (&launch.path, &launch.allowed_span) {
                    (Some(path), Some(span)) => draft.with_label(
                        path,
                        &launch.lines,
                        span.clone(),
                        "declared origins are here",
                    ),
                    _ => draft,
                }
            }
            None if !reported.insert(origin.clone()) => continue,
            None => {
                let message = format!("origin `{origin}` is used but no origins are declared");
                let help = format!(
                    "declare the origins your integration uses, as configured in Partner Hub, in launchlint.toml:\n[origins]\nallowed = [\"{origin}\"]"
                );
                file.draft(origin_use.span.clone(), message, help, origin.clone())
            }
        };
        cx.report(&UNDECLARED_ORIGIN, draft);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_https_origins_need_declaring() {
        for (value, needs) in [
            ("https://checkout.tidepool.coffee/done", true),
            ("https://tidepool.coffee:8443", true),
            ("https://gate.0bit.app/embed", false),
            ("https://gate-api-sandbox.0bit.app/v1", false),
            ("http://checkout.tidepool.coffee", false),
            ("http://localhost:5173", false),
            ("https://abc123.ngrok.io", false),
            ("*", false),
            ("checkout.tidepool.coffee", false),
        ] {
            assert_eq!(needs_declaring(value), needs, "{value}");
        }
    }

    #[test]
    fn origins_are_checked_against_the_declared_list() {
        use crate::project::model::Declared;
        use crate::rules::test_support::{check, check_in, lines, model};
        let code = "const GATE: &str = \"https://gate-api.0bit.app/v1\";\nfn session() -> S { S { return_url: \"https://checkout.tidepool.coffee/done\".into() } }\nasync fn create(http: &reqwest::Client) { http.post(format!(\"{GATE}/gate_sessions\")).json(&session()).send().await; }\n";
        let files = [("server/src/main.rs", code)];
        let declaring = |origin: &str| {
            let origin = origin.to_string();
            model(move |m| {
                m.launch.allowed_origins = Some(vec![Declared {
                    value: origin,
                    span: 0..0,
                }])
            })
        };
        // Nothing declared at all: each origin once.
        assert_eq!(
            lines(&check(&UNDECLARED_ORIGIN, &files)),
            ["server/src/main.rs:2"]
        );
        assert!(check_in(
            declaring("https://checkout.tidepool.coffee"),
            &UNDECLARED_ORIGIN,
            &files
        )
        .is_empty());
        assert_eq!(
            lines(&check_in(
                declaring("https://tidepool.coffee"),
                &UNDECLARED_ORIGIN,
                &files
            )),
            ["server/src/main.rs:2"]
        );
        let elsewhere = code.replace("gate-api.0bit.app", "api.example.com");
        assert!(check(&UNDECLARED_ORIGIN, &[("server/src/main.rs", &elsewhere)]).is_empty());
    }
}
