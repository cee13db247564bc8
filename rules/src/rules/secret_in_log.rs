use super::{counts_as_live, declare_rule, describe_in};
use crate::extract::file::{CredentialHit, FileAnalysis, HitContext};
use crate::extract::logs::{LogCall, Logged, Value, ValueKind};
use crate::ground::finding::Draft;
use crate::link::facts::Facts;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds secrets handed to a logging or printing call: `println!`, `eprintln!`, `dbg!`,
    /// the `log` and `tracing` macros (fields written `name = %value`, `?value` or `value`,
    /// and the message's format arguments and `{captured}` names), and `console.*` in
    /// JavaScript and TypeScript. What counts as a secret:
    ///
    /// - a secret credential literal (`sk_live_…`, `whsec_…`);
    /// - a variable, field or key named like a secret: `secret`, `api_key`/`apikey`,
    ///   `bearer`, or a field named so (`api_key = %k`); `client_secret` too, since 0Bit asks
    ///   to keep even the browser-safe `gsec_` client secret out of logs;
    /// - the value of the `Authorization` header (`headers.get(AUTHORIZATION)`,
    ///   `req.headers.authorization`), or what a format string labels `Bearer {}`;
    /// - the raw body (`Bytes`, `String`, `&[u8]`) a 0Bit webhook handler receives.
    ///
    /// A value made safe first is fine: passed to a function (`redact(&key)`, `hash(..)`),
    /// measured or cut (`key.len()`, `&key[..4]`, `key.slice(0, 4)`), or a name that says it
    /// is not the secret itself (`secret_name`, `api_key_id`, `secret_len`, `has_secret`,
    /// `is_api_key`). A parameter whose type is a secret wrapper (`Secret<String>`,
    /// `SecretString`, `Masked<T>`) prints redacted and is fine too. Publishable keys and
    /// names such as `public_key` are never secrets. The header name itself
    /// (`header::AUTHORIZATION`) is not its value. A whole struct, header map or request
    /// printed with `?` is not looked into (what it prints depends on its `Debug`), nor is a
    /// value passed through a function or method this rule does not know to hand it on
    /// unchanged: a missed leak costs less here than a false alarm.
    ///
    /// Names, headers and bodies are judged only in a project that integrates 0Bit, and not
    /// in test, example or documentation code. Credential literals follow the credential
    /// rules: a live key is reported wherever it is logged, a test key only in live code.
    ///
    /// ## Why is this bad?
    /// Logs are copied to aggregators, tickets and screenshots, read by many and kept for
    /// months. 0Bit's guidance is to log status, error code, `X-Request-Id` and the operation,
    /// and to redact auth headers, client secrets, webhook secrets and PII; a key that reached
    /// a log must be rotated.
    ///
    /// ## Example
    /// ```rust,ignore
    /// # const API: &str = "https://gate-api.0bit.app/v1";
    /// # fn main() {
    /// let api_key = std::env::var("OBIT_SECRET_KEY").unwrap_or_default();
    /// tracing::info!(api_key = %api_key, "creating a gate session");
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # const API: &str = "https://gate-api.0bit.app/v1";
    /// # fn main() {
    /// let api_key = std::env::var("OBIT_SECRET_KEY").unwrap_or_default();
    /// tracing::info!(api_key_len = api_key.len(), "creating a gate session");
    /// # }
    /// ```
    pub static SECRET_IN_LOG = {
        id: "secret-in-log",
        default: Warn,
        area: "Support",
        live_only: false,
        summary: "a secret handed to a logging or printing call",
        precision: Medium,
        security_severity: 7.0,
        check: Facts(check),
    }
}

/// Words of a name that mark a secret (spec §3, Names), as word sequences.
const SECRET_WORDS: [&[&str]; 6] = [
    &["secret"],
    &["secrets"],
    &["api", "key"],
    &["apikey"],
    &["bearer"],
    &["whsec"],
];
/// `authorization` names a payment authorization as often as the header: only these whole
/// names are the header's value.
const AUTHORIZATION_NAMES: [&[&str]; 4] = [
    &["authorization"],
    &["authorization", "header"],
    &["authorization", "value"],
    &["auth", "header"],
];
/// A last word that says the value is about the secret, not the secret.
const NOT_THE_SECRET_LAST: &str = concat!(
    "id ids name names count len length size prefix suffix hash hashed digest ",
    "fingerprint hint last4 arn path file dir url uri ref version type kind status ",
    "state env var present set configured exists enabled required missing masked ",
    "redacted at error",
);
/// The last word of a name that holds the secret itself (`api_key`, `client_secret`,
/// `secret_b64`); any other (`secrets_loaded`, `api_key_valid`) is about it.
const SECRET_LAST: &str =
    "secret secrets key keys apikey bearer token authorization header value raw plain b64 hex";
/// A first word that makes the name a yes/no or a number.
const NOT_THE_SECRET_FIRST: &str = "is has have should needs no num with";
/// Type names that print redacted (`secrecy`, `masking` and similar crates).
const REDACTING_TYPES: &str = "Secret SecretString SecretBox Masked Redacted Sensitive";
/// Methods that hand the value on unchanged (or reveal a wrapped secret).
const PASS_THROUGH_METHODS: &str = concat!(
    "clone to_string to_owned as_str as_ref as_deref as_bytes unwrap unwrap_or ",
    "unwrap_or_default unwrap_or_else expect borrow deref into to_vec trim to_str ",
    "expose_secret peek expose toString",
);
/// Functions that hand the value on unchanged.
const PASS_THROUGH_FUNCTIONS: &str = concat!(
    "String::from_utf8_lossy std::str::from_utf8 str::from_utf8 String::from_utf8 ",
    "String::from Some JSON.stringify",
);
/// Methods that read a header or key: `headers.get(AUTHORIZATION)`, `req.get("Authorization")`.
const GETTERS: [&str; 5] = ["get", "get_all", "header", "typed_get", "getHeader"];
/// Parameter types of a raw request body.
const RAW_BODY_TYPES: [&str; 7] = [
    "Bytes", "String", "str", "[u8]", "Vec<u8>", "Body", "Payload",
];

/// Whether a space-separated word list holds `word`.
fn has_word(list: &str, word: &str) -> bool {
    list.split_whitespace().any(|w| w == word)
}

/// The words of a name: split at `_`, `-`, `.` and lower-to-upper case changes, lower case.
fn words(name: &str) -> Vec<String> {
    crate::project::files::words(name)
        .into_iter()
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether a name marks a secret (a credential, not a payment authorization or a count).
fn names_secret(name: &str) -> bool {
    let words = words(name);
    let Some((first, last)) = words.first().zip(words.last()) else {
        return false;
    };
    if has_word(NOT_THE_SECRET_FIRST, first.as_str())
        || has_word(NOT_THE_SECRET_LAST, last.as_str())
        || !has_word(SECRET_LAST, last.as_str())
    {
        return false;
    }
    let has = |sequence: &[&str]| {
        words
            .windows(sequence.len())
            .any(|window| window.iter().zip(sequence).all(|(w, s)| w == s))
    };
    SECRET_WORDS.iter().any(|sequence| has(sequence)) || names_authorization_value(name)
}

/// Named as the `Authorization` header's value.
fn names_authorization_value(name: &str) -> bool {
    let words = words(name);
    AUTHORIZATION_NAMES
        .iter()
        .any(|names| words.iter().map(String::as_str).eq(names.iter().copied()))
}

/// The leak of a value read through a name that [`names_secret`].
fn named(name: &str) -> Leak {
    if names_authorization_value(name) {
        Leak::Authorization
    } else {
        Leak::Named(name.to_string())
    }
}

/// Whether a header key names `Authorization` (a literal or `header::AUTHORIZATION`).
fn names_authorization(value: &Value) -> bool {
    match &value.kind {
        ValueKind::Str(s) => s.eq_ignore_ascii_case("authorization"),
        ValueKind::Path { segments, .. } => segments
            .last()
            .is_some_and(|s| s.eq_ignore_ascii_case("authorization")),
        _ => false,
    }
}

/// What a logged value leaks.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Leak {
    /// A variable, field or key named like a secret.
    Named(String),
    Authorization,
    Bearer,
    RawBody(String),
}

/// Where the value is logged from, for the raw-body check.
struct Scope {
    /// The enclosing function is a 0Bit webhook handler.
    in_webhook_handler: bool,
}

/// What `value` exposes, if anything: it reaches a secret through pass-through steps only.
fn exposes(value: &Value, scope: &Scope) -> Option<Leak> {
    match &value.kind {
        ValueKind::Path {
            segments,
            param_type,
        } => {
            let name = segments.last()?;
            if param_type
                .as_deref()
                .is_some_and(|t| has_word(REDACTING_TYPES, t))
            {
                return None;
            }
            // `header::AUTHORIZATION` is the header's name.
            if name == "AUTHORIZATION" {
                return None;
            }
            if names_secret(name) {
                return Some(named(name));
            }
            let raw = param_type
                .as_deref()
                .is_some_and(|t| RAW_BODY_TYPES.contains(&t));
            (raw && scope.in_webhook_handler && segments.len() == 1)
                .then(|| Leak::RawBody(name.clone()))
        }
        ValueKind::Field { name, .. } => names_secret(name).then(|| named(name)),
        ValueKind::Method {
            receiver,
            method,
            args,
        } => {
            if has_word(PASS_THROUGH_METHODS, method.as_str()) {
                return exposes(receiver, scope);
            }
            let key = args.first()?;
            if !GETTERS.contains(&method.as_str()) {
                return None;
            }
            if names_authorization(key) {
                return Some(Leak::Authorization);
            }
            match &key.kind {
                ValueKind::Str(s) if names_secret(s) => Some(named(s)),
                _ => None,
            }
        }
        ValueKind::Call { function, args } => {
            if has_word(PASS_THROUGH_FUNCTIONS, function) {
                exposes(args.first()?, scope)
            } else {
                None
            }
        }
        ValueKind::Index { base, index } => match &index.kind {
            ValueKind::Range => None,
            _ if names_authorization(index) => Some(Leak::Authorization),
            ValueKind::Str(s) if names_secret(s) => Some(named(s)),
            ValueKind::Str(_) => None,
            _ => exposes(base, scope),
        },
        ValueKind::Format { args, .. } => args.iter().find_map(|arg| logged_leak(arg, scope)),
        ValueKind::Str(_) | ValueKind::Range | ValueKind::Other => None,
    }
}

/// Whether the value reaches a name at all through pass-through steps (for a field named
/// like a secret: `api_key = %cfg.key`).
fn is_plain_read(value: &Value) -> bool {
    match &value.kind {
        ValueKind::Path { param_type, .. } => !param_type
            .as_deref()
            .is_some_and(|t| has_word(REDACTING_TYPES, t)),
        ValueKind::Field { .. } => true,
        ValueKind::Method {
            receiver, method, ..
        } => has_word(PASS_THROUGH_METHODS, method.as_str()) && is_plain_read(receiver),
        ValueKind::Index { base, index } => {
            !matches!(index.kind, ValueKind::Range) && is_plain_read(base)
        }
        _ => false,
    }
}

/// The predicate over one logged value: its own shape, the field it is logged as, and the
/// text its placeholder follows.
fn logged_leak(logged: &Logged, scope: &Scope) -> Option<Leak> {
    if let Some(leak) = exposes(&logged.value, scope) {
        return Some(leak);
    }
    if !is_plain_read(&logged.value) {
        return None;
    }
    if let Some(field) = logged.field.as_deref().filter(|f| names_secret(f)) {
        return Some(named(field));
    }
    let before = logged.preceded_by.as_deref()?.to_ascii_lowercase();
    if before.trim_end().ends_with("bearer") {
        Some(Leak::Bearer)
    } else if before.trim_end().ends_with("authorization:") {
        Some(Leak::Authorization)
    } else {
        None
    }
}

fn message(leak: &Leak, call: &LogCall) -> String {
    let what = match leak {
        Leak::Named(name) => format!("secret `{name}`"),
        Leak::Authorization => "the `Authorization` header value".to_string(),
        Leak::Bearer => "a bearer token".to_string(),
        Leak::RawBody(name) => format!("the raw webhook body `{name}`"),
    };
    format!("{what} is logged by `{}`", call_name(call))
}

fn call_name(call: &LogCall) -> String {
    if call.name.starts_with("console.") {
        call.name.clone()
    } else {
        format!("{}!", call.name)
    }
}

fn help(leak: &Leak) -> String {
    match leak {
        Leak::RawBody(_) => "log the event id, type and `X-Request-Id` instead of the body: it holds customer data and is what the signature covers".into(),
        _ => "log a redacted form instead (`redact(&value)`, its length or a hash), or leave it out; rotate the secret if it already reached a log".into(),
    }
}

fn check(facts: &Facts, cx: &mut Context) {
    let integrates_0bit = facts.integrates_0bit();
    for file in facts.files {
        for call in &file.logs {
            let place = file.place(&HitContext {
                gate: call.gate,
                compiled: true,
                ..HitContext::default()
            });
            credential_literals(file, call, place, integrates_0bit, cx);
            if !integrates_0bit || place.test_code {
                continue;
            }
            let scope = Scope {
                in_webhook_handler: facts.webhooks.handlers.iter().any(|h| {
                    h.file.path == file.path && h.function.span().contains(&call.span.start)
                }),
            };
            for logged in &call.values {
                let Some(leak) = logged_leak(logged, &scope) else {
                    continue;
                };
                cx.report(
                    &SECRET_IN_LOG,
                    file.draft(
                        logged.value.span.clone(),
                        message(&leak, call),
                        help(&leak),
                        format!("{leak:?}"),
                    ),
                );
            }
        }
    }
}

/// Credential literals among the call's string arguments, judged as the credential rules
/// judge them: live keys wherever they are, test keys only in live code.
fn credential_literals(
    file: &FileAnalysis,
    call: &LogCall,
    place: crate::extract::file::Place,
    integrates_0bit: bool,
    cx: &mut Context,
) {
    let literals: Vec<&Value> = call.values.iter().flat_map(|l| strings(&l.value)).collect();
    for hit in &file.credentials {
        let at = hit.credential.span.start;
        if hit.credential.placeholder || !literals.iter().any(|v| v.span.contains(&at)) {
            continue;
        }
        let live = counts_as_live(&hit.credential, integrates_0bit);
        if !live && (place.test_code || !place.live) {
            continue;
        }
        cx.report(
            &SECRET_IN_LOG,
            Draft {
                at_most_warning: true,
                ..file.draft(
                    hit.credential.span.clone(),
                    credential_message(hit, call, integrates_0bit),
                    "never log a key: remove it from the message, and rotate it".into(),
                    hit.credential.redacted.clone(),
                )
            },
        );
    }
}

fn credential_message(hit: &CredentialHit, call: &LogCall, integrates_0bit: bool) -> String {
    format!(
        "{} `{}` is logged by `{}`",
        describe_in(&hit.credential, integrates_0bit),
        hit.credential.redacted,
        call_name(call)
    )
}

/// The string literals a value is made of, outside calls that transform them.
fn strings(value: &Value) -> Vec<&Value> {
    match &value.kind {
        ValueKind::Str(_) => vec![value],
        ValueKind::Format { args, .. } => args.iter().flat_map(|a| strings(&a.value)).collect(),
        ValueKind::Method {
            receiver, method, ..
        } if has_word(PASS_THROUGH_METHODS, method.as_str()) => strings(receiver),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ground::finding::Severity;
    use crate::rules::test_support::{check, lines};

    /// Makes the tiny workspace a 0Bit project.
    const GATE: (&str, &str) = (
        "server/src/gate.rs",
        "pub const API: &str = \"https://gate-api.0bit.app/v1\";\n",
    );

    fn found(path: &str, text: &str, obit: bool) -> Vec<String> {
        let mut files = vec![(path, text)];
        if obit {
            files.push(GATE);
        }
        check(&SECRET_IN_LOG, &files)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    fn in_fn(body: &str) -> String {
        format!("fn send(cfg: &Config, key: &str, secret: SecretString) {{\n    {body}\n}}\n")
    }

    #[test]
    fn names() {
        for name in "secret secret_key webhook_secret client_secret api_key apiKey APIKEY OBIT_SECRET_KEY bearer_token authorization auth_header".split_whitespace() {
            assert!(names_secret(name), "{name}");
        }
        for name in "secrets_loaded api_key_valid secret_count secret_name api_key_id has_secret is_api_key public_key publishable_key authorization_id authorization_status secretary key token_len SECRET_KEY_VAR".split_whitespace() {
            assert!(!names_secret(name), "{name}");
        }
    }

    /// Log calls are kept for rules only when they read a name with one of the extractor's
    /// stems: every secret word must hold one.
    #[test]
    fn the_extractor_keeps_every_name_this_rule_judges() {
        let stems = crate::extract::logs::NAME_STEMS;
        let covered = |word: &str| stems.iter().any(|stem| word.contains(stem));
        for words in SECRET_WORDS.iter().chain(&AUTHORIZATION_NAMES) {
            assert!(covered(&words.concat()), "{words:?}");
        }
    }

    #[test]
    fn secrets_logged_in_rust_are_reported() {
        for (body, says) in [
            ("tracing::info!(api_key = %key, \"x\");", "secret `api_key`"),
            (
                "tracing::info!(?cfg.webhook_secret);",
                "secret `webhook_secret`",
            ),
            ("info!(secret_key = ?cfg.key);", "secret `secret_key`"),
            ("println!(\"{}\", cfg.api_key);", "secret `api_key`"),
            ("println!(\"{api_key}\");", "secret `api_key`"),
            (
                "eprintln!(\"key {}\", cfg.client_secret.as_deref().unwrap_or(\"\"));",
                "secret `client_secret`",
            ),
            ("dbg!(&cfg.secret_key);", "secret `secret_key`"),
            (
                "log::warn!(\"auth {:?}\", headers.get(AUTHORIZATION));",
                "`Authorization` header value",
            ),
            (
                "log::warn!(\"auth {:?}\", req.headers()[\"Authorization\"]);",
                "`Authorization` header value",
            ),
            (
                "println!(\"Authorization: Bearer {}\", key);",
                "a bearer token",
            ),
            (
                "tracing::debug!(\"{}\", format!(\"Bearer {}\", key));",
                "a bearer token",
            ),
        ] {
            let text = in_fn(body);
            let found = found("server/src/gate_client.rs", &text, true);
            assert_eq!(found.len(), 1, "{body}: {found:?}");
            assert!(found[0].contains(says), "{body}: {}", found[0]);
        }
    }

    #[test]
    fn redacted_values_and_look_alikes_are_fine() {
        for body in [
            "tracing::info!(api_key_len = key.len(), \"x\");",
            "tracing::info!(api_key = %redact(&cfg.api_key));",
            "println!(\"{}\", cfg.api_key.len());",
            "println!(\"{}\", &cfg.api_key[..8]);",
            "info!(secret_count = n);",
            "info!(?secret);",
            "info!(\"missing {}\", AUTHORIZATION);",
            "info!(\"{}\", header::AUTHORIZATION);",
            "info!(authorization_id = %payment.authorization_id);",
            "info!(public_key = %cfg.public_key, \"pk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\");",
            "info!(order_id = %order.id, request_id = ?rid, \"session created\");",
            "info!(\"secret rotated at {}\", now);",
        ] {
            let text = in_fn(body);
            assert!(
                found("server/src/gate_client.rs", &text, true).is_empty(),
                "{body}"
            );
        }
    }

    #[test]
    fn names_need_0bit_and_live_code() {
        let text = in_fn("tracing::info!(api_key = %key);");
        let gated = format!("#[cfg(test)]\nmod tests {{\n{text}}}\n");
        for (path, text, obit) in [
            ("server/src/gate_client.rs", &text, false),
            ("server/tests/gate.rs", &text, true),
            ("server/src/gate_client.rs", &gated, true),
        ] {
            assert!(found(path, text, obit).is_empty(), "{path} 0bit={obit}");
        }
        assert_eq!(found("server/src/gate_client.rs", &text, true).len(), 1);
    }

    #[test]
    fn credential_literals_follow_the_credential_rules() {
        let live = in_fn("println!(\"using sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\");");
        let test = in_fn("println!(\"using sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\");");
        // No 0Bit evidence needed.
        let findings = check(&SECRET_IN_LOG, &[("server/src/main.rs", &live)]);
        assert_eq!(lines(&findings), ["server/src/main.rs:2"]);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(
            findings[0].message.contains("sk_live_…7bCd"),
            "{}",
            findings[0].message
        );
        assert!(!findings[0].message.contains("51NzQ8"), "never in full");
        let placeholder = in_fn("println!(\"use sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\");");
        let count = |path: &str, text: &str| check(&SECRET_IN_LOG, &[(path, text)]).len();
        assert_eq!(count("server/tests/a.rs", &live), 1);
        assert_eq!(count("server/src/main.rs", &test), 1);
        assert_eq!(count("server/tests/a.rs", &test), 0);
        assert_eq!(count("server/src/main.rs", &placeholder), 0);
    }

    #[test]
    fn raw_webhook_bodies() {
        let handler = "use axum::{routing::post, Router, http::HeaderMap, body::Bytes};\npub fn routes() -> Router { Router::new().route(\"/webhooks/0bit\", post(receive)) }\nasync fn receive(headers: HeaderMap, body: Bytes) -> StatusCode {\n    let sig = headers.get(\"Gate-Signature\");\n    tracing::debug!(\"payload {:?}\", String::from_utf8_lossy(&body));\n    tracing::debug!(len = body.len());\n    StatusCode::OK\n}\n";
        let findings = check(&SECRET_IN_LOG, &[("server/src/webhooks.rs", handler)]);
        assert_eq!(
            lines(&findings),
            ["server/src/webhooks.rs:5"],
            "{findings:?}"
        );
        assert!(findings[0].message.contains("raw webhook body `body`"));
    }

    #[test]
    fn console_calls() {
        let js = "export function pay(cfg) {\n  console.log('key', process.env.OBIT_SECRET_KEY);\n  console.log(req.headers.authorization);\n  console.log(`Bearer ${token}`);\n  console.log(cfg.apiKey.slice(0, 4), cfg.apiKey.length);\n  // console.log(cfg.apiKey)\n}\n";
        let findings = check(&SECRET_IN_LOG, &[("server/api/pay.js", js), GATE]);
        assert_eq!(
            lines(&findings),
            [
                "server/api/pay.js:2",
                "server/api/pay.js:3",
                "server/api/pay.js:4"
            ],
            "{findings:?}"
        );
    }
}
