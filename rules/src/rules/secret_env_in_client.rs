use super::declare_rule;
use crate::extract::credential;
use crate::extract::env_file::{self, Assignment};
use crate::extract::file::EnvRead;
use crate::link::facts::Facts;
use crate::project::model::{FileKind, Side};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds client-side code that reads a server secret from the environment, and env
    /// variables that would hand one to the browser:
    ///
    /// - `env!("X")` or `option_env!("X")` in client-side Rust: the value is compiled into
    ///   the wasm bundle;
    /// - `import.meta.env.X` or `process.env.X` in client JavaScript or TypeScript;
    /// - a public-prefixed variable (`VITE_`, `NEXT_PUBLIC_`, `PUBLIC_`, …) whose name marks a
    ///   secret (`SECRET`, `WHSEC`, `PRIVATE`) or whose value is a secret-key placeholder.
    ///
    /// A variable is a server secret when its name marks one, or when any env file of the
    /// project assigns it a secret credential or placeholder (`GATE_KEY=sk_test_...`). Names
    /// containing `PUBLISHABLE` are never secrets. A public variable whose value is a real
    /// credential is reported by `secret-key-in-client` instead.
    ///
    /// ## Why is this bad?
    /// The build inlines the value: whatever the variable holds at build time is shipped to
    /// every visitor. Even while it is empty, the code is one deploy away from leaking the key.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // web/src/api.rs, compiled to wasm
    /// # pub fn gate_key() -> &'static str {
    /// let key = env!("OBIT_SECRET_KEY");
    /// # key
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// // Create the session on the server; the browser gets the client secret from it.
    /// # pub fn gate_key() -> &'static str {
    /// let publishable_key = env!("OBIT_PUBLISHABLE_KEY");
    /// # publishable_key
    /// # }
    /// ```
    pub static SECRET_ENV_IN_CLIENT = {
        id: "secret-env-in-client",
        default: Deny,
        area: "Browser values",
        live_only: false,
        summary: "a server secret read by client code or put in a public env variable",
        precision: High,
        security_severity: 8.5,
        check: Facts(check),
    }
}

/// Words in a variable name that mark a server secret; a publishable key is not one.
const SECRET_WORDS: [&str; 3] = ["SECRET", "WHSEC", "PRIVATE"];

fn name_marks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    !upper.contains("PUBLISHABLE") && SECRET_WORDS.iter().any(|word| upper.contains(word))
}

fn read_message(read: &EnvRead, kind: FileKind) -> String {
    if kind == FileKind::Rust {
        format!(
            "`{}(\"{}\")` compiles a server secret into the browser bundle",
            read.how, read.variable
        )
    } else {
        format!(
            "client code reads the server secret `{}` through `{}`",
            read.variable, read.how
        )
    }
}

fn variable_message(assignment: &Assignment) -> String {
    format!(
        "public variable `{}` hands a server secret to the browser",
        assignment.name
    )
}

const READ_HELP: &str = "read secrets only on the server (an API route, a `#[server]` function) and give the browser the publishable key and the session client secret";

fn variable_help(assignment: &Assignment) -> String {
    let prefix = env_file::PUBLIC_PREFIXES
        .iter()
        .find(|prefix| assignment.name.starts_with(*prefix))
        .copied()
        .unwrap_or_default();
    format!(
        "bundlers inline every `{prefix}` variable into client code: rename it to `{}` and read it on the server",
        &assignment.name[prefix.len()..]
    )
}

fn check(facts: &Facts, cx: &mut Context) {
    for file in facts.files {
        for read in &file.env_reads {
            let place = file.place(&read.context);
            let secret =
                name_marks_secret(&read.variable) || facts.has_secret_value(&read.variable);
            if place.side != Side::Client || !secret {
                continue;
            }
            cx.report(
                &SECRET_ENV_IN_CLIENT,
                file.draft(
                    read.span.clone(),
                    read_message(read, file.class.kind),
                    READ_HELP.into(),
                    read.variable.clone(),
                ),
            );
        }
        for assignment in &file.env_assignments {
            let secret_like = name_marks_secret(&assignment.name)
                || credential::secret_prefix(&assignment.value).is_some();
            // A real credential in the value is `secret-key-in-client`'s finding alone.
            // Credentials are in file order: look only at those inside the value.
            let value = &assignment.value_span;
            let first = file
                .credentials
                .partition_point(|hit| hit.credential.span.start < value.start);
            let holds_credential = file.credentials[first..]
                .iter()
                .take_while(|hit| hit.credential.span.start < value.end)
                .any(|hit| !hit.credential.placeholder);
            if !assignment.is_public() || !secret_like || holds_credential {
                continue;
            }
            cx.report(
                &SECRET_ENV_IN_CLIENT,
                file.draft(
                    assignment.name_span.clone(),
                    variable_message(assignment),
                    variable_help(assignment),
                    assignment.name.clone(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{check, lines};

    fn reported(files: &[(&str, &str)]) -> Vec<String> {
        lines(&check(&SECRET_ENV_IN_CLIENT, files))
    }

    #[test]
    fn secret_names() {
        for (name, secret) in [
            ("VITE_GATE_SECRET_KEY", true),
            ("NEXT_PUBLIC_OBIT_WHSEC", true),
            ("OBIT_PRIVATE_KEY", true),
            ("obit_secret", true),
            ("VITE_GATE_PUBLISHABLE_KEY", false),
            ("VITE_API_BASE_URL", false),
            ("GATE_TOKEN", false),
        ] {
            assert_eq!(name_marks_secret(name), secret, "{name}");
        }
    }

    #[test]
    fn secrets_read_or_made_public_in_client_code_are_reported() {
        for files in [
            &[(
                "web/src/lib.rs",
                "const K: &str = env!(\"OBIT_SECRET_KEY\");\n",
            )][..],
            &[(
                "web/src/api.ts",
                "const k = import.meta.env.VITE_GATE_SECRET;\n",
            )],
            &[("web/.env", "NEXT_PUBLIC_WEBHOOK_SECRET=\n")],
            // Named like anything, but an env file gives it a secret value.
            &[
                (
                    "server/.env",
                    "GATE_TOKEN=sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\n",
                ),
                ("web/src/lib.rs", "const K: &str = env!(\"GATE_TOKEN\");\n"),
            ],
        ] {
            assert_eq!(reported(files).len(), 1, "{files:?}");
        }
    }

    #[test]
    fn publishable_values_and_server_reads_are_not() {
        for files in [
            &[(
                "web/src/lib.rs",
                "const K: &str = env!(\"OBIT_PUBLISHABLE_KEY\");\n",
            )][..],
            &[(
                "server/src/main.rs",
                "const K: &str = env!(\"OBIT_SECRET_KEY\");\n",
            )],
            &[("web/.env", "OBIT_SECRET_KEY=\n")],
            &[(
                "app/src/lib.rs",
                "#[cfg(feature = \"ssr\")]\nconst K: &str = env!(\"OBIT_SECRET_KEY\");\n",
            )],
            // The real key in a public variable is `secret-key-in-client`'s finding.
            &[(
                "web/.env",
                "VITE_GATE_SECRET_KEY=sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\n",
            )],
        ] {
            assert_eq!(reported(files), Vec::<String>::new(), "{files:?}");
        }
    }
}
