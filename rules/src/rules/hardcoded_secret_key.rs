use super::{declare_rule, describe};
use crate::extract::credential::Mode;
use crate::extract::file::CredentialHit;
use crate::ground::finding::Draft;
use crate::link::facts::Facts;
use crate::project::model::Side;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds 0Bit secret credentials written into server-side code or committed config:
    /// Rust string literals and comments, TOML/YAML/JSON config, server env variables and
    /// any other scanned text file that does not reach a browser.
    ///
    /// Live-mode credentials (`sk_live_`, `whsec_live_`, and a bare `whsec_`, whose mode is
    /// unknown) are errors everywhere, tests included. Test-mode credentials (`sk_test_`,
    /// `whsec_test_`) are warnings in live-scope code, and are not reported in test code
    /// (`tests/`, `#[cfg(test)]`, `#[test]`) or in files that name another environment
    /// (`.env.development`, `config/sandbox.toml`).
    ///
    /// ## Why is this bad?
    /// A committed key is in every clone and in the history forever; rotating it is the only
    /// fix. 0Bit asks that live keys are never used in tests, demos or examples, and that
    /// keys are read at runtime from the environment or a secret manager.
    ///
    /// ## Example
    /// ```rust,ignore
    /// let client = GateClient::new("sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd");
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
        check: Facts(check),
    }
}

fn message(hit: &CredentialHit, test_code: bool) -> String {
    let what = format!(
        "{} `{}`",
        describe(&hit.credential),
        hit.credential.redacted
    );
    match (&hit.context.variable, test_code) {
        (Some(variable), _) => format!("{what} is committed in `{variable}`"),
        (None, true) => format!("{what} is hard-coded in test code"),
        (None, false) => format!("{what} is hard-coded"),
    }
}

fn help(hit: &CredentialHit, test_code: bool) -> String {
    match hit.credential.mode {
        Mode::Live if test_code => {
            "never use live keys in tests or demos: use a sandbox key read from the environment, and rotate this one in Partner Hub".into()
        }
        Mode::Live => "read the key at runtime from the environment or a secret manager (`std::env::var(\"OBIT_SECRET_KEY\")`), keep it out of the repository, and rotate this one in Partner Hub".into(),
        Mode::Test => "read the key at runtime from the environment (`std::env::var(\"OBIT_SECRET_KEY\")`) so the same code can run with the live key without a live key in the repository".into(),
    }
}

fn check(facts: &Facts, cx: &mut Context) {
    for file in facts.files {
        for hit in &file.credentials {
            let place = file.place(&hit.context);
            if place.side != Side::Server || place.runbook || hit.credential.placeholder {
                continue;
            }
            let test_mode = hit.credential.mode == Mode::Test;
            if test_mode && (place.test_code || !place.live) {
                continue;
            }
            cx.report(
                &HARDCODED_SECRET_KEY,
                Draft {
                    at_most_warning: test_mode,
                    ..file.draft(
                        hit.credential.span.clone(),
                        message(hit, place.test_code),
                        help(hit, place.test_code),
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
}
