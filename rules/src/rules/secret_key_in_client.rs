use super::{declare_rule, describe_in};
use crate::extract::credential::{Credential, Kind, Mode};
use crate::extract::file::{CredentialHit, FileAnalysis, Place};
use crate::link::facts::Facts;
use crate::project::model::{FileKind, Scope, Side};
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
    /// browser-safe and never reported. Placeholders (`sk_test_xxxx…`, `sk_live_<your key>`,
    /// and keys ending in `EXAMPLE`, like the ones in these docs) are not credentials: the
    /// examples below show where a real key would be reported.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // web/src/lib.rs, compiled to wasm
    /// const GATE_KEY: &str = "sk_live_51NzQ8vLr3TgHk2Wm9EXAMPLE";
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
        summary: "a secret credential in code or files that reach a browser",
        precision: High,
        security_severity: 9.5,
        check: Facts(check),
    }
}

/// The predicate: every secret credential in a client-side place, test keys too, except
/// test-mode and mode-unknown ones in documentation or example scope (a `sk_test_` in a
/// documented example is not a leak; a `sk_live_` anywhere is).
fn reported(place: &Place, credential: &Credential) -> bool {
    let mode_not_live = credential.mode == Mode::Test || credential.mode_unknown;
    let documents = matches!(place.scope, Scope::Documentation | Scope::Example);
    place.side == Side::Client
        && !place.runbook
        && !credential.placeholder
        && (!mode_not_live || !documents)
}

fn message(file: &FileAnalysis, hit: &CredentialHit, integrates_0bit: bool) -> String {
    let what = format!(
        "{} `{}`",
        describe_in(&hit.credential, integrates_0bit),
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

fn help(hit: &CredentialHit, integrates_0bit: bool) -> String {
    let fix = match hit.credential.kind {
        Kind::SecretKey if integrates_0bit => {
            "create sessions on the server and pass only the publishable key (`pk_…`) and the session client secret (`gsec_…`) to the browser"
        }
        Kind::SecretKey => {
            "make the calls that need the secret key on the server, and pass only publishable values to the browser"
        }
        Kind::WebhookSecret => "verify webhook signatures on the server only; the signing secret never belongs in a browser",
    };
    let rotate = if integrates_0bit {
        "in Partner Hub"
    } else {
        "where it was issued"
    };
    let variable = match &hit.context.variable {
        Some(name) => {
            format!("; rename `{name}` without its public prefix so only the server can read it")
        }
        None => String::new(),
    };
    format!("{fix}{variable}; rotate this credential {rotate}, it has been exposed")
}

fn check(facts: &Facts, cx: &mut Context) {
    let integrates_0bit = facts.integrates_0bit();
    for file in facts.files {
        for hit in &file.credentials {
            if !reported(&file.place(&hit.context), &hit.credential) {
                continue;
            }
            cx.report(
                &SECRET_KEY_IN_CLIENT,
                file.draft(
                    hit.credential.span.clone(),
                    message(file, hit, integrates_0bit),
                    help(hit, integrates_0bit),
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

    #[test]
    fn test_keys_in_documented_or_example_client_code_are_not_reported() {
        for (path, text) in [
            (
                "web/src/lib.rs",
                "#[derive(ToSchema)]\npub struct Pay {\n    #[schema(example = \"sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\")]\n    key: String,\n}\n",
            ),
            (
                "web/examples/checkout.ts",
                "const key = 'sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd';\n",
            ),
            (
                "web/src/demo/checkout.ts",
                "const key = 'sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd';\n",
            ),
            (
                "web/dist/README.md",
                "Server side only: whsec_9fQa3LmT2xVb8RkNc4ZpQ7\n",
            ),
        ] {
            assert_eq!(reported(path, text), Vec::<String>::new(), "{path}: {text}");
        }
        // In code compiled for the browser a test key or a bare `whsec_` is still reported.
        for text in [
            "const K: &str = \"sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\";\n",
            "const K: &str = \"whsec_9fQa3LmT2xVb8RkNc4ZpQ7\";\n",
        ] {
            assert_eq!(reported("web/src/lib.rs", text).len(), 1, "{text}");
        }
    }

    #[test]
    fn live_keys_in_documented_client_code_are_reported() {
        let found = reported(
            "web/src/lib.rs",
            "/// Never do this: `const K: &str = \"KEY\";`\npub fn pay() {}\n",
        );
        // A doc comment is not compiled in: `hardcoded-secret-key` reports it, not this rule.
        assert_eq!(found, Vec::<String>::new());
        assert_eq!(
            reported("web/src/demo/checkout.ts", "const key = 'KEY';\n").len(),
            0,
            "example code is not bundled: `hardcoded-secret-key` reports it"
        );
        assert_eq!(reported("web/dist/README.md", "Do not: KEY\n").len(), 1);
    }

    #[test]
    fn the_predicate() {
        let place = |scope: Scope| Place {
            side: Side::Client,
            scope,
            test_code: scope != Scope::Live,
            live: scope == Scope::Live,
            runbook: false,
            kind: FileKind::FrontEnd,
        };
        let key = |value: &str| crate::extract::credential::find_all(value).remove(0);
        let (live, test, bare) = (
            key(KEY),
            key("sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd"),
            key("whsec_9fQa3LmT2xVb8RkNc4ZpQ7"),
        );
        for (scope, credential, expected) in [
            (Scope::Live, &live, true),
            (Scope::Live, &test, true),
            (Scope::Live, &bare, true),
            (Scope::Documentation, &live, true),
            (Scope::Example, &live, true),
            (Scope::Documentation, &test, false),
            (Scope::Example, &test, false),
            (Scope::Documentation, &bare, false),
            (Scope::Example, &bare, false),
        ] {
            assert_eq!(
                super::reported(&place(scope), credential),
                expected,
                "{scope:?} {}",
                credential.redacted
            );
        }
        let server = Place {
            side: Side::Server,
            ..place(Scope::Live)
        };
        assert!(!super::reported(&server, &live));
    }

    #[test]
    fn messages_name_partner_hub_only_in_a_0bit_project() {
        let code = "const GATE_KEY: &str = \"KEY\";\n".replace("KEY", KEY);
        let other = check(&SECRET_KEY_IN_CLIENT, &[("web/src/lib.rs", &code)]);
        assert!(!other[0].help.contains("Partner Hub"), "{}", other[0].help);
        assert!(!other[0].help.contains("gsec_"), "{}", other[0].help);
        let obit = check(
            &SECRET_KEY_IN_CLIENT,
            &[
                ("web/src/lib.rs", &code),
                (
                    "server/src/gate.rs",
                    "pub const API: &str = \"https://gate-api.0bit.app/v1\";\n",
                ),
            ],
        );
        assert!(obit[0].help.contains("Partner Hub"), "{}", obit[0].help);
    }
}
