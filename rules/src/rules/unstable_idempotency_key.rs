use super::declare_rule;
use crate::extract::rust::calls::KeyOrigin;
use crate::link::facts::Facts;
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
    /// retry(ExponentialBackoff::default(), || async {
    ///     let key = Uuid::new_v4().to_string();
    ///     create_session(&client, &key, &body).await.map_err(backoff::Error::transient)
    /// })
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// let key = format!("checkout:{}", order.id); // once per logical operation
    /// retry(ExponentialBackoff::default(), || async {
    ///     create_session(&client, &key, &body).await.map_err(backoff::Error::transient)
    /// })
    /// ```
    pub static UNSTABLE_IDEMPOTENCY_KEY = {
        id: "unstable-idempotency-key",
        default: Warn,
        area: "Idempotency",
        live_only: false,
        check: Facts(check),
    }
}

const HELP: &str = "make the key once per logical operation, before the retry loop (or derive it from the order, `format!(\"checkout:{}\", order.id)`), store it with the attempt and reuse it on every retry";

fn check(facts: &Facts, cx: &mut Context) {
    for request in &facts.requests {
        let Some(innermost) = request.scopes.last() else {
            continue;
        };
        if request.place.test_code {
            continue;
        }
        for (name, key) in &request.headers {
            let KeyOrigin::Fresh { span, scopes } = key else {
                continue;
            };
            if !name.eq_ignore_ascii_case("idempotency-key") || !scopes.contains(innermost) {
                continue;
            }
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
