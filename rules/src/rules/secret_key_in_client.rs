use super::{declare_rule, describe};
use crate::extract::credential::Kind;
use crate::extract::file::{CredentialHit, FileAnalysis};
use crate::link::facts::Facts;
use crate::project::model::{FileKind, Side};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds 0Bit secret credentials (`sk_live_`, `sk_test_`, `whsec_…`) in any place that
    /// reaches a browser: client-side Rust (wasm crates, and the parts of leptos or dioxus
    /// full-stack crates that are not behind a server-only gate), front-end sources, built
    /// bundles (`.js`, `.html`, the `sourcesContent` of `.map` files, data strings of `.wasm`
    /// files) and public-prefixed env variables (`VITE_`, `NEXT_PUBLIC_`, `PUBLIC_`, …).
    ///
    /// ## Why is this bad?
    /// Anything shipped to a browser is public. A secret key there lets anyone create
    /// sessions, lock quotes and move money as you; a webhook signing secret lets anyone
    /// forge events. Test keys are reported too: no `sk_` or `whsec_` value may reach a
    /// browser, and a leaked test key is one config change away from a leaked live key.
    ///
    /// Publishable keys (`pk_live_`, `pk_test_`) and session client secrets (`gsec_`) are
    /// browser-safe and never reported. Placeholders (`sk_test_xxxx…`, `sk_live_<your key>`)
    /// are not credentials.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // web/src/lib.rs, compiled to wasm
    /// const GATE_KEY: &str = "sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd";
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// // The server creates the session with the secret key and hands the browser only
    /// // the publishable key and the session's client secret.
    /// const PUBLISHABLE_KEY: &str = "pk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd";
    /// ```
    ///
    /// ## Configuration
    /// `[client] packages` and `[client] paths` mark more crates and folders as shipped to
    /// browsers. Env files always follow the public-prefix rule.
    pub static SECRET_KEY_IN_CLIENT = {
        id: "secret-key-in-client",
        default: Deny,
        area: "Credentials",
        live_only: false,
        check: Facts(check),
    }
}

fn message(file: &FileAnalysis, hit: &CredentialHit) -> String {
    let what = format!(
        "{} `{}`",
        describe(&hit.credential),
        hit.credential.redacted
    );
    if let Some(by) = &file.shipped_by {
        return format!(
            "{what} is compiled into the browser bundle by an `include_str!` in `{by}`"
        );
    }
    match (&hit.context.variable, &hit.context.origin, file.class.kind) {
        (Some(variable), _, _) => {
            format!("{what} is exposed to the browser by the public variable `{variable}`")
        }
        (_, Some(origin), FileKind::SourceMap) => {
            format!("{what} is shipped in this source map (original source {origin})")
        }
        (_, Some(origin), _) => {
            format!("{what} is shipped to the browser in a wasm binary ({origin})")
        }
        (_, None, FileKind::Rust) => format!("{what} is compiled into the browser bundle"),
        _ => format!("{what} is in code shipped to the browser"),
    }
}

fn help(hit: &CredentialHit) -> String {
    let fix = match hit.credential.kind {
        Kind::SecretKey => {
            "create sessions on the server and pass only the publishable key (`pk_…`) and the session client secret (`gsec_…`) to the browser"
        }
        Kind::WebhookSecret => "verify webhook signatures on the server only; the signing secret never belongs in a browser",
    };
    let variable = match &hit.context.variable {
        Some(name) => {
            format!("; rename `{name}` without its public prefix so only the server can read it")
        }
        None => String::new(),
    };
    format!("{fix}{variable}; rotate this credential in Partner Hub, it has been exposed")
}

fn check(facts: &Facts, cx: &mut Context) {
    for file in facts.files {
        for hit in &file.credentials {
            let place = file.place(&hit.context);
            if place.side != Side::Client || place.runbook || hit.credential.placeholder {
                continue;
            }
            cx.report(
                &SECRET_KEY_IN_CLIENT,
                file.draft(
                    hit.credential.span.clone(),
                    message(file, hit),
                    help(hit),
                    hit.credential.redacted.clone(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{check, lines};

    const KEY: &str = "sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd";

    fn reported(path: &str, text: &str) -> Vec<String> {
        lines(&check(
            &SECRET_KEY_IN_CLIENT,
            &[(path, &text.replace("KEY", KEY))],
        ))
    }

    #[test]
    fn secret_keys_shipped_to_browsers_are_reported() {
        for (path, text) in [
            ("web/src/lib.rs", "const GATE_KEY: &str = \"KEY\";\n"),
            ("web/src/checkout.ts", "const key = 'KEY';\n"),
            (
                "app/src/lib.rs",
                "pub fn key() -> &'static str { \"KEY\" }\n",
            ),
            ("web/.env", "VITE_GATE_KEY=KEY\n"),
            ("server/.env", "NEXT_PUBLIC_GATE_KEY=KEY\n"),
            ("server/dist/app.js", "var k=\"KEY\";\n"),
        ] {
            assert_eq!(reported(path, text).len(), 1, "{path}: {text}");
        }
    }

    #[test]
    fn keys_that_stay_on_the_server_or_are_not_keys_are_not() {
        for (path, text) in [
            ("server/src/main.rs", "const GATE_KEY: &str = \"KEY\";\n"),
            ("web/.env", "GATE_KEY=KEY\n"),
            ("app/src/lib.rs", "#[server]\npub async fn k() -> Result<(), ServerFnError> { let k = \"KEY\"; Ok(()) }\n"),
            ("app/src/lib.rs", "#[cfg(feature = \"ssr\")]\nconst K: &str = \"KEY\";\n"),
            ("web/src/lib.rs", "#[cfg(test)]\nmod tests { const K: &str = \"KEY\"; }\n"),
            ("web/src/lib.rs", "// an example: KEY\nfn f() {}\n"),
            ("web/src/lib.rs", "const PK: &str = \"pk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\";\n"),
            ("web/src/lib.rs", "const K: &str = \"sk_live_...\";\n"),
            ("web/src/lib.rs", "const K: &str = \"sk_live_<your secret key here>\";\n"),
        ] {
            assert_eq!(reported(path, text), Vec::<String>::new(), "{path}: {text}");
        }
    }
}
