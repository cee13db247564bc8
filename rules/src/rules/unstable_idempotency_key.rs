use super::declare_rule;
use std::ops::Range;

use crate::extract::request::KeyOrigin;
use crate::link::facts::Facts;
use crate::link::requests::ResolvedRequest;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds idempotency keys made fresh for each attempt: a `Uuid::new_v4()`/`now_v7()`,
    /// random, clock or `Ulid::new()` value created inside the loop or retry closure that also
    /// sends the 0Bit request (`loop`, `for`, `while`, closures passed to `backoff::retry`,
    /// `tokio_retry::Retry::spawn`, `again::retry`, or a function named `retry*`).
    ///
    /// A key made once before the loop and reused, or a fresh key on a single request that is
    /// not retried, is fine.
    ///
    /// ## Why is this bad?
    /// Each retry then carries a new key, so 0Bit sees a new operation every time and never
    /// deduplicates: the retry that the key was meant to make safe creates a second session
    /// or a second payment.
    ///
    /// ## Example
    /// ```rust,ignore
    /// # const GATE_API_BASE: &str = "https://gate-api.0bit.app/v1";
    /// # async fn create_session(client: &reqwest::Client, body: &CreateSession) -> Result<reqwest::Response, reqwest::Error> {
    /// retry(ExponentialBackoff::default(), || async {
    ///     let key = Uuid::new_v4().to_string();
    ///     client
    ///         .post(format!("{GATE_API_BASE}/gate_sessions"))
    ///         .header("Idempotency-Key", &key)
    ///         .json(body)
    ///         .send()
    ///         .await
    ///         .map_err(backoff::Error::transient)
    /// })
    /// # .await
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # const GATE_API_BASE: &str = "https://gate-api.0bit.app/v1";
    /// # async fn create_session(client: &reqwest::Client, order: &Order, body: &CreateSession) -> Result<reqwest::Response, reqwest::Error> {
    /// let key = format!("checkout:{}", order.id); // once per logical operation
    /// retry(ExponentialBackoff::default(), || async {
    ///     client
    ///         .post(format!("{GATE_API_BASE}/gate_sessions"))
    ///         .header("Idempotency-Key", &key)
    ///         .json(body)
    ///         .send()
    ///         .await
    ///         .map_err(backoff::Error::transient)
    /// })
    /// # .await
    /// # }
    /// ```
    pub static UNSTABLE_IDEMPOTENCY_KEY = {
        id: "unstable-idempotency-key",
        default: Warn,
        area: "Idempotency",
        live_only: false,
        summary: "an idempotency key made fresh on every retry",
        precision: Medium,
        check: Facts(check),
    }
}

const HELP: &str = "make the key once per logical operation, before the retry loop (or derive it from the order, `format!(\"checkout:{}\", order.id)`), store it with the attempt and reuse it on every retry";

/// The header 0Bit reads the key from (header names match in any letter case).
const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Where this request's idempotency key is made fresh inside the innermost loop or retry
/// scope the request is sent from, so every attempt carries a new key.
fn keys_fresh_per_attempt<'r>(request: &'r ResolvedRequest) -> Vec<&'r Range<usize>> {
    let Some(innermost) = request.scopes.last() else {
        return Vec::new();
    };
    if request.place.test_code {
        return Vec::new();
    }
    request
        .headers
        .iter()
        .filter(|header| header.name.eq_ignore_ascii_case(IDEMPOTENCY_KEY_HEADER))
        .filter_map(|header| match &header.key {
            KeyOrigin::Fresh { span, scopes } if scopes.contains(innermost) => Some(span),
            _ => None,
        })
        .collect()
}

fn check(facts: &Facts, cx: &mut Context) {
    for request in &facts.requests {
        for span in keys_fresh_per_attempt(request) {
            let message = format!(
                "idempotency key for {} is made fresh on every retry, so retries are never deduplicated",
                request.describe()
            );
            let draft =
                request
                    .sent_from
                    .draft(span.clone(), message, HELP.into(), request.describe());
            cx.report(&UNSTABLE_IDEMPOTENCY_KEY, draft);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::{rust, TestProject};
    use crate::rules::test_support::run;

    /// The text each finding of this rule points at.
    fn flagged(project: &TestProject) -> Vec<String> {
        project.flagged(&run(&UNSTABLE_IDEMPOTENCY_KEY, project))
    }

    /// `source` as the body of an async function, after a sessions URL const.
    fn in_function(source: &str) -> TestProject {
        rust(&format!(
            "const SESSIONS: &str = \"https://gate-api.0bit.app/v1/gate_sessions\";\nasync fn create(client: &Client) {{ {source} }}"
        ))
    }

    /// Each with the text the finding points at.
    const FAIL: &[(&str, &str)] = &[
        (
            r#"loop { client.post(SESSIONS).header("Idempotency-Key", Uuid::new_v4().to_string()).send().await; }"#,
            "Uuid::new_v4()",
        ),
        (
            r#"for _ in 0..3 { let key = Uuid::now_v7(); client.post(SESSIONS).header("idempotency-key", &key).send().await; }"#,
            "Uuid::now_v7()",
        ),
        (
            r#"while tries < 3 { let key = format!("k-{}", SystemTime::now().elapsed()); client.post(SESSIONS).header("Idempotency-Key", key).send().await; }"#,
            "now",
        ),
        (
            r#"retry(ExponentialBackoff::default(), || async { let key = Ulid::new().to_string(); client.post(SESSIONS).header("Idempotency-Key", &key).send().await });"#,
            "Ulid::new()",
        ),
        (
            r#"tokio_retry::Retry::spawn(strategy, || client.post(SESSIONS).header("Idempotency-Key", rand::random::<u64>()).send()).await;"#,
            "rand::random::<u64>()",
        ),
        (
            "loop { client.create_session().idempotency_key(Uuid::new_v4()).body(&body).send().await; }",
            "Uuid::new_v4()",
        ),
    ];

    const PASS: &[&str] = &[
        // Made once, before the retries.
        r#"let key = Uuid::new_v4().to_string(); loop { client.post(SESSIONS).header("Idempotency-Key", &key).send().await; }"#,
        r#"let key = Uuid::new_v4(); retry(backoff, || client.post(SESSIONS).header("Idempotency-Key", &key).send());"#,
        // Fresh, but sent once.
        r#"client.post(SESSIONS).header("Idempotency-Key", Uuid::new_v4().to_string()).send().await;"#,
        // Derived from the operation.
        r#"loop { let key = format!("checkout:{}", order.id); client.post(SESSIONS).header("Idempotency-Key", &key).send().await; }"#,
        // A fresh value in another header.
        r#"loop { client.post(SESSIONS).header("X-Request-Id", Uuid::new_v4().to_string()).header("Idempotency-Key", &key).send().await; }"#,
        // Made in an outer loop, retried in an inner one.
        r#"for order in orders { let key = Uuid::new_v4(); for _ in 0..3 { client.post(SESSIONS).header("Idempotency-Key", &key).send().await; } }"#,
    ];

    #[test]
    fn fail() {
        for (source, at) in FAIL {
            assert_eq!(flagged(&in_function(source)), [*at], "{source}");
        }
    }

    #[test]
    fn pass() {
        for source in PASS {
            assert!(flagged(&in_function(source)).is_empty(), "{source}");
        }
    }

    #[test]
    fn test_code_is_not_reported() {
        let source = format!(
            "#[cfg(test)] mod tests {{ {} }}",
            "async fn t() { loop { client.post(\"https://gate-api.0bit.app/v1/gate_sessions\").header(\"Idempotency-Key\", Uuid::new_v4()).send().await; } }"
        );
        assert!(flagged(&rust(&source)).is_empty());
    }
}
