use super::{counts_as_live, declare_rule, describe_in};
use crate::extract::credential::{Credential, Kind, Mode};
use crate::extract::file::{CredentialHit, Place};
use crate::ground::finding::Draft;
use crate::link::facts::Facts;
use crate::project::model::{Scope, Side};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds secret credentials written into server-side code or committed config: Rust
    /// string literals and comments, TOML/YAML/JSON config, server env variables and any
    /// other scanned text file that does not reach a browser.
    ///
    /// Live-mode credentials (`sk_live_`, `whsec_live_`) are errors everywhere, tests,
    /// examples and documentation included: a leak whoever issued the key. Test-mode
    /// credentials (`sk_test_`, `whsec_test_`) are warnings in live-scope code, and are not
    /// reported in test code (`tests/`, `e2e/`, `*.spec.ts`, `#[cfg(test)]`, `#[test]`),
    /// example code (`examples/`, `demo/`, `[workspace] exclude` folders), documentation
    /// (Markdown, doc comments, attribute arguments such as `#[schema(example = "…")]`,
    /// OpenAPI documents) or files that name another environment (`.env.development`,
    /// `config/sandbox.toml`). A bare `whsec_` does not say its mode: in a project that
    /// integrates 0Bit it counts as live (except in documentation and examples), elsewhere
    /// as a test credential, since Svix and others issue the same shape.
    ///
    /// ## Why is this bad?
    /// A committed key is in every clone and in the history forever; rotating it is the only
    /// fix. 0Bit asks that live keys are never used in tests, demos or examples, and that
    /// keys are read at runtime from the environment or a secret manager.
    ///
    /// ## Example
    /// A key ending in `EXAMPLE`, as in these docs, is a placeholder; a real key in its place
    /// is reported:
    /// ```rust,ignore
    /// let client = GateClient::new("sk_live_51NzQ8vLr3TgHk2Wm9EXAMPLE");
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// let client = GateClient::new(std::env::var("OBIT_SECRET_KEY")?);
    /// ```
    ///
    /// ## Configuration
    /// `[launch] environment = "sandbox"` makes nothing live scope, so test-mode keys are not
    /// reported; live-mode keys still are. Credentials in runbooks and support docs are left
    /// to `runbook-leak`, and those shipped to browsers to `secret-key-in-client`.
    pub static HARDCODED_SECRET_KEY = {
        id: "hardcoded-secret-key",
        default: Deny,
        area: "Credentials",
        live_only: false,
        summary: "a secret credential written into server code or committed config",
        precision: High,
        security_severity: 9.0,
        check: Facts(check),
    }
}

/// What the rule makes of a credential at a place: not reported, a warning (a test-mode
/// credential in live code) or an error (a live credential anywhere).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Warning,
    Error,
}

/// The predicate (spec §3, "Scope of the credential rules"). Live credentials are errors
/// wherever they are committed, documentation and tests included. Test-mode credentials,
/// and a bare `whsec_` outside a 0Bit project, are warnings in live scope only. Test-mode and
/// mode-unknown ones are never reported in documentation or example scope.
fn verdict(place: &Place, credential: &Credential, integrates_0bit: bool) -> Option<Verdict> {
    if place.side != Side::Server || place.runbook || credential.placeholder {
        return None;
    }
    let mode_not_live = credential.mode == Mode::Test || credential.mode_unknown;
    if mode_not_live && matches!(place.scope, Scope::Documentation | Scope::Example) {
        return None;
    }
    if counts_as_live(credential, integrates_0bit) {
        Some(Verdict::Error)
    } else if place.test_code || !place.live {
        None
    } else {
        Some(Verdict::Warning)
    }
}

fn message(hit: &CredentialHit, scope: Scope, integrates_0bit: bool) -> String {
    let what = format!(
        "{} `{}`",
        describe_in(&hit.credential, integrates_0bit),
        hit.credential.redacted
    );
    match (&hit.context.variable, scope) {
        (Some(variable), _) => format!("{what} is committed in `{variable}`"),
        (None, Scope::Test) => format!("{what} is hard-coded in test code"),
        (None, Scope::Example) => format!("{what} is hard-coded in example code"),
        (None, Scope::Documentation) => format!("{what} is written in documentation"),
        (None, Scope::Live) => format!("{what} is hard-coded"),
    }
}

fn help(hit: &CredentialHit, scope: Scope, integrates_0bit: bool) -> String {
    // Outside a 0Bit project no 0Bit names: a neutral variable, rotate where it was issued.
    let (variable, rotate, test_key) = match (integrates_0bit, hit.credential.kind) {
        (true, _) => ("OBIT_SECRET_KEY", "in Partner Hub", "a sandbox key"),
        (false, Kind::SecretKey) => ("SECRET_KEY", "where it was issued", "a test-mode key"),
        (false, Kind::WebhookSecret) => {
            ("WEBHOOK_SECRET", "where it was issued", "a test-mode key")
        }
    };
    if !counts_as_live(&hit.credential, integrates_0bit) {
        return format!("read the key at runtime from the environment (`std::env::var(\"{variable}\")`) so the same code can run with the live key without a live key in the repository");
    }
    match scope {
        Scope::Test | Scope::Example => format!("never use live keys in tests or demos: use {test_key} read from the environment, and rotate this one {rotate}"),
        Scope::Documentation => format!("show a placeholder (`sk_live_...`) instead, and rotate this one {rotate}: it is public wherever the docs are"),
        Scope::Live => format!("read the key at runtime from the environment or a secret manager (`std::env::var(\"{variable}\")`), keep it out of the repository, and rotate this one {rotate}"),
    }
}

fn check(facts: &Facts, cx: &mut Context) {
    let integrates_0bit = facts.integrates_0bit();
    for file in facts.files {
        for hit in &file.credentials {
            let place = file.place(&hit.context);
            let Some(verdict) = verdict(&place, &hit.credential, integrates_0bit) else {
                continue;
            };
            cx.report(
                &HARDCODED_SECRET_KEY,
                Draft {
                    at_most_warning: verdict == Verdict::Warning,
                    ..file.draft(
                        hit.credential.span.clone(),
                        message(hit, place.scope, integrates_0bit),
                        help(hit, place.scope, integrates_0bit),
                        hit.credential.redacted.clone(),
                    )
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ground::finding::Severity;
    use crate::rules::test_support::check;

    fn severities(path: &str, text: &str) -> Vec<Severity> {
        check(&HARDCODED_SECRET_KEY, &[(path, text)])
            .iter()
            .map(|f| f.severity)
            .collect()
    }

    #[test]
    fn live_keys_in_server_code_are_errors_test_keys_warnings() {
        let live = "const K: &str = \"sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\";\n";
        let test = "const K: &str = \"sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\";\n";
        assert_eq!(severities("server/src/main.rs", live), [Severity::Error]);
        assert_eq!(severities("server/src/main.rs", test), [Severity::Warning]);
        assert_eq!(
            severities(
                "server/config/production.toml",
                "secret_key = \"whsec_live_9fQa3LmT2xVb8RkNc4Zp\"\n"
            ),
            [Severity::Error]
        );
        // A live key is never fit for tests either.
        assert_eq!(severities("server/tests/api.rs", live), [Severity::Error]);
    }

    #[test]
    fn test_keys_in_tests_placeholders_and_client_code_are_not_reported() {
        for (path, text) in [
            (
                "server/tests/api.rs",
                "const K: &str = \"sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\";\n",
            ),
            (
                "server/.env.development",
                "GATE_KEY=sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\n",
            ),
            (
                "server/src/main.rs",
                "const K: &str = \"sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\";\n",
            ),
            (
                "server/src/main.rs",
                "let k = std::env::var(\"OBIT_SECRET_KEY\");\n",
            ),
            // Shipped to the browser: `secret-key-in-client` reports it.
            (
                "web/src/lib.rs",
                "const K: &str = \"sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\";\n",
            ),
        ] {
            assert_eq!(severities(path, text), [], "{path}: {text}");
        }
    }

    /// A file that makes the tiny workspace a 0Bit project: it names a 0Bit API host.
    const GATE: (&str, &str) = (
        "server/src/gate.rs",
        "pub const API: &str = \"https://gate-api.0bit.app/v1\";\n",
    );
    const LIVE: &str = "sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd";
    const TEST: &str = "sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd";
    const BARE: &str = "whsec_9fQa3LmT2xVb8RkNc4ZpQ7";

    /// Severity and message of each finding over `files`, with `0bit` adding [`GATE`].
    fn findings(files: &[(&str, &str)], obit: bool) -> Vec<(Severity, String, String)> {
        let mut all = files.to_vec();
        if obit {
            all.push(GATE);
        }
        check(&HARDCODED_SECRET_KEY, &all)
            .into_iter()
            .map(|f| (f.severity, f.message, f.help))
            .collect()
    }

    fn place(scope: Scope, live: bool) -> Place {
        Place {
            side: Side::Server,
            scope,
            test_code: scope != Scope::Live,
            live,
            runbook: false,
            kind: crate::project::model::FileKind::Rust,
        }
    }

    fn credential(value: &str) -> Credential {
        crate::extract::credential::find_all(value).remove(0)
    }

    #[test]
    fn the_predicate_over_scopes_modes_and_projects() {
        use Verdict::{Error, Warning};
        let (live, test, bare) = (credential(LIVE), credential(TEST), credential(BARE));
        for (scope, is_live, key, obit, expected) in [
            (Scope::Live, true, &live, false, Some(Error)),
            (Scope::Test, false, &live, false, Some(Error)),
            (Scope::Example, false, &live, false, Some(Error)),
            (Scope::Documentation, false, &live, false, Some(Error)),
            (Scope::Live, true, &test, true, Some(Warning)),
            (Scope::Live, false, &test, true, None),
            (Scope::Test, false, &test, true, None),
            (Scope::Example, false, &test, true, None),
            (Scope::Documentation, false, &test, true, None),
            // A bare `whsec_` is live in a 0Bit project, except in docs and examples…
            (Scope::Live, true, &bare, true, Some(Error)),
            (Scope::Test, false, &bare, true, Some(Error)),
            (Scope::Example, false, &bare, true, None),
            (Scope::Documentation, false, &bare, true, None),
            // …and a test credential elsewhere.
            (Scope::Live, true, &bare, false, Some(Warning)),
            (Scope::Test, false, &bare, false, None),
            (Scope::Documentation, false, &bare, false, None),
        ] {
            assert_eq!(
                verdict(&place(scope, is_live), key, obit),
                expected,
                "{scope:?} {} 0bit={obit}",
                key.redacted
            );
        }
    }

    #[test]
    fn documentation_and_examples_hold_no_test_keys_worth_reporting() {
        let with = |text: &str| text.replace("TEST", TEST).replace("BARE", BARE);
        for (path, text) in [
            ("README.md", with("Try it with `TEST` in the sandbox.\n")),
            ("server/API.txt", with("key: TEST\n")),
            (
                "examples/checkout/src/main.rs",
                with("const K: &str = \"TEST\";\n"),
            ),
            ("demo/src/main.rs", with("const K: &str = \"TEST\";\n")),
            (
                "server/src/client.rs",
                with("/// Build one with `Client::new(\"TEST\")`.\npub struct Client;\n"),
            ),
            (
                "server/src/lib.rs",
                with("//! ```\n//! let c = Client::new(\"TEST\");\n//! ```\n"),
            ),
            (
                "server/src/client.rs",
                with("/** A client: `Client::new(\"TEST\")`. */\npub struct Client;\n"),
            ),
            (
                "server/src/api.rs",
                with("#[derive(ToSchema)]\npub struct Keys {\n    #[schema(example = \"TEST\")]\n    pub key: String,\n}\n"),
            ),
            (
                "server/src/api.rs",
                with("#[utoipa::path(post, path = \"/keys\", request_body(content = Keys, example = json!({\"key\": \"TEST\"})))]\nasync fn keys() {}\n"),
            ),
            (
                "server/src/cli.rs",
                with("#[derive(Parser)]\n#[command(about = \"Pass --key TEST to try it\")]\nstruct Cli {\n    #[arg(long, help = \"e.g. TEST\")]\n    key: String,\n}\n"),
            ),
            (
                "server/src/cli.rs",
                with("fn cli() -> Command {\n    Command::new(\"shop\").arg(Arg::new(\"key\").help(\"e.g. TEST\")).after_help(\"BARE\")\n}\n"),
            ),
            (
                "server/src/lib.rs",
                with("macro_rules! client {\n    () => {\n        /// e.g. TEST\n        pub struct Client;\n    };\n}\n"),
            ),
            (
                "api/openapi.yaml",
                with("openapi: 3.0.3\ncomponents:\n  examples:\n    key:\n      value: TEST\n"),
            ),
            (
                "api/openapi.json",
                with("{\"openapi\": \"3.1.0\", \"x-codeSamples\": [{\"source\": \"curl -u TEST:\"}]}"),
            ),
            (
                "schemas/keys.json",
                with("{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"examples\": [\"BARE\"]}"),
            ),
        ] {
            assert_eq!(findings(&[(path, &text)], true), [], "{path}: {text}");
        }
    }

    #[test]
    fn live_keys_are_reported_in_documentation_and_examples_too() {
        for (path, text, says) in [
            ("README.md", "Use `KEY`.\n", "is written in documentation"),
            (
                "server/src/client.rs",
                "/// `Client::new(\"KEY\")`\npub struct Client;\n",
                "is written in documentation",
            ),
            (
                "api/openapi.yaml",
                "openapi: 3.0.3\nexample: KEY\n",
                "is written in documentation",
            ),
            (
                "examples/checkout.rs",
                "const K: &str = \"KEY\";\n",
                "is hard-coded in example code",
            ),
            (
                "contest/src/main.rs",
                "const K: &str = \"KEY\";\n",
                "is hard-coded",
            ),
        ] {
            let text = text.replace("KEY", LIVE);
            let found = findings(&[(path, &text)], true);
            assert_eq!(found.len(), 1, "{path}: {text}");
            assert_eq!(found[0].0, Severity::Error, "{path}");
            assert!(found[0].1.ends_with(says), "{path}: {}", found[0].1);
        }
    }

    #[test]
    fn values_the_program_uses_are_not_documentation() {
        for text in [
            "#[derive(Parser)]\nstruct Cli {\n    #[arg(long, default_value = \"TEST\")]\n    key: String,\n}\n",
            "// Not a doc comment: TEST\nfn main() {}\n",
            "fn main() { let help = \"TEST\"; }\n",
        ] {
            let text = text.replace("TEST", TEST);
            let found = findings(&[("server/src/main.rs", &text)], true);
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].0, Severity::Warning, "{text}");
        }
    }

    #[test]
    fn a_bare_whsec_is_live_only_in_a_0bit_project() {
        let code = format!("const SECRET: &str = \"{BARE}\";\n");
        let tests =
            format!("#[cfg(test)]\nmod tests {{\n    const SECRET: &str = \"{BARE}\";\n}}\n");
        let obit = findings(&[("server/src/hooks.rs", &code)], true);
        assert_eq!(obit.len(), 1);
        assert_eq!(obit[0].0, Severity::Error);
        assert!(
            obit[0].1.starts_with("live webhook signing secret"),
            "{}",
            obit[0].1
        );
        assert!(obit[0].2.contains("Partner Hub"), "{}", obit[0].2);
        assert_eq!(findings(&[("server/src/hooks.rs", &tests)], true).len(), 1);

        let other = findings(&[("server/src/hooks.rs", &code)], false);
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].0, Severity::Warning);
        assert!(
            other[0].1.starts_with("webhook signing secret `whsec_"),
            "{}",
            other[0].1
        );
        for text in [&other[0].1, &other[0].2] {
            assert!(
                !text.contains("0Bit") && !text.contains("Partner Hub") && !text.contains("OBIT_"),
                "{text}"
            );
        }
        assert_eq!(findings(&[("server/src/hooks.rs", &tests)], false), []);
    }

    #[test]
    fn messages_name_0bit_only_in_a_0bit_project() {
        let code = format!("const K: &str = \"{LIVE}\";\n");
        let other = findings(&[("server/src/main.rs", &code)], false);
        assert!(
            !other[0].2.contains("Partner Hub") && !other[0].2.contains("OBIT_"),
            "{}",
            other[0].2
        );
        let obit = findings(&[("server/src/main.rs", &code)], true);
        assert!(obit[0].2.contains("Partner Hub"), "{}", obit[0].2);
    }
}
