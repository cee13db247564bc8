use super::declare_rule;
use crate::extract::request::Body;
use crate::link::facts::Facts;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds amounts sent to 0Bit as floats: `f32`/`f64` fields named like money (`amount`,
    /// `*_amount`, `price`, `total`) in a `Serialize` struct that is the body of a 0Bit write
    /// request, and float literals under such keys in a `json!` body.
    ///
    /// ## Why is this bad?
    /// 0Bit takes amounts as decimal strings (`"100.00"`, up to 8 decimal places) and rejects
    /// floats. Binary floats cannot hold most decimal amounts exactly (`0.1 + 0.2`), so even a
    /// lenient parser would charge the wrong amount.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[derive(Serialize)]
    /// struct CreateSession { amount: f64, currency: String }
    /// # async fn create(client: &reqwest::Client, session: &CreateSession) -> reqwest::Result<()> {
    /// #     client
    /// #         .post("https://gate-api.0bit.app/v1/gate_sessions")
    /// #         .header("Idempotency-Key", "order-1")
    /// #         .json(session)
    /// #         .send()
    /// #         .await?;
    /// #     Ok(())
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// #[derive(Serialize)]
    /// struct CreateSession { amount: String, currency: String } // "25.00", or rust_decimal
    /// # async fn create(client: &reqwest::Client, session: &CreateSession) -> reqwest::Result<()> {
    /// #     client
    /// #         .post("https://gate-api.0bit.app/v1/gate_sessions")
    /// #         .header("Idempotency-Key", "order-1")
    /// #         .json(session)
    /// #         .send()
    /// #         .await?;
    /// #     Ok(())
    /// # }
    /// ```
    pub static FLOAT_MONEY_AMOUNT = {
        id: "float-money-amount",
        default: Warn,
        area: "Money",
        live_only: false,
        summary: "an amount sent to 0Bit as a float, not a decimal string",
        precision: Medium,
        check: Facts(check),
    }
}

const HELP: &str = "send amounts as decimal strings (`\"25.00\"`): keep them as `String` or `rust_decimal::Decimal` (serialized as a string), never `f32`/`f64`";

/// Words that mark an amount of money, anywhere in a field or key name, in any case:
/// `amount`, `unit_price`, `grand_total`.
const MONEY_WORDS: [&str; 3] = ["amount", "price", "total"];

/// One `json!` body reports its first this many float amounts: a generated body of
/// thousands is one mistake, and the findings stay readable.
const MAX_PER_JSON_BODY: usize = 64;

/// Whether a field or key names an amount of money.
fn is_money_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    MONEY_WORDS.iter().any(|word| lower.contains(word))
}

fn check(facts: &Facts, cx: &mut Context) {
    for request in &facts.requests {
        let is_write = request.method.as_deref().is_some_and(|m| m != "GET");
        if !is_write || request.place.test_code {
            continue;
        }
        match &request.body {
            Some(Body::Type(type_name)) => {
                for file in facts.files {
                    for found in file.calls.structs.iter().filter(|s| &s.name == type_name) {
                        let amounts = found.float_fields.iter().filter(|f| is_money_name(&f.name));
                        for field in amounts {
                            let name = &field.name;
                            let message = format!(
                                "`{type_name}.{name}` is a float sent to {} as an amount",
                                request.describe()
                            );
                            cx.report(
                                &FLOAT_MONEY_AMOUNT,
                                file.draft(
                                    field.span.clone(),
                                    message,
                                    HELP.into(),
                                    format!("{type_name}.{name}"),
                                ),
                            );
                        }
                    }
                }
            }
            Some(Body::Json(floats)) => {
                let amounts = floats.iter().filter(|float| is_money_name(&float.key));
                for float in amounts.take(MAX_PER_JSON_BODY) {
                    let key = &float.key;
                    let message = format!("`{key}` is sent to {} as a float", request.describe());
                    cx.report(
                        &FLOAT_MONEY_AMOUNT,
                        request.sent_from.draft(
                            float.span.clone(),
                            message,
                            HELP.into(),
                            key.clone(),
                        ),
                    );
                }
            }
            None => {}
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
        project.flagged(&run(&FLOAT_MONEY_AMOUNT, project))
    }

    #[test]
    fn money_names() {
        let money = [
            "amount",
            "total_amount",
            "unitPrice",
            "GrandTotal",
            "price_cents",
        ];
        let other = ["rate", "quantity", "fee", "latitude", "currency", "mount"];
        for name in money {
            assert!(is_money_name(name), "{name}");
        }
        for name in other {
            assert!(!is_money_name(name), "{name}");
        }
    }

    const SESSIONS: &str =
        r#"const SESSIONS: &str = "https://gate-api.0bit.app/v1/gate_sessions";"#;

    /// Each with the text the findings point at.
    const FAIL: &[(&str, &[&str])] = &[
        (
            "#[derive(Serialize)] struct CreateSession { amount: f64, currency: String }
             fn f() { let body = CreateSession { amount: 12.5, currency: c }; client.post(SESSIONS).json(&body).send(); }",
            &["amount"],
        ),
        (
            "#[derive(Debug, Serialize)] struct Line { unit_price: f32, quantity: f64, total: f64 }
             fn f(line: &Line) { client.post(SESSIONS).json(line).send(); }",
            &["unit_price", "total"],
        ),
        (
            r#"fn f() { client.post(SESSIONS).json(&json!({"amount": 12.5, "rate": 0.5, "currency": "EUR"})).send(); }"#,
            &["12.5"],
        ),
        (
            r#"fn f() { let body = json!({"items": [{"price": 2.0f64}], "total_amount": 4.00}); client.post(SESSIONS).json(&body).send(); }"#,
            &["2.0f64", "4.00"],
        ),
    ];

    const PASS: &[&str] = &[
        "#[derive(Serialize)] struct CreateSession { amount: String }
         fn f(body: &CreateSession) { client.post(SESSIONS).json(body).send(); }",
        "#[derive(Serialize)] struct Quote { rate: f64 }
         fn f(body: &Quote) { client.post(SESSIONS).json(body).send(); }",
        // Not serialized, or not sent.
        "struct CreateSession { amount: f64 }
         fn f(body: &CreateSession) { client.post(SESSIONS).json(body).send(); }",
        "#[derive(Serialize)] struct CreateSession { amount: f64 }
         fn f(body: &Other) { client.post(SESSIONS).json(body).send(); }",
        r#"fn f() { client.post(SESSIONS).json(&json!({"amount": 1250, "price": "12.50"})).send(); }"#,
        // Reads send no body.
        r#"fn f() { client.get(SESSIONS).json(&json!({"amount": 12.5})).send(); }"#,
        // Test code.
        r#"#[cfg(test)] mod tests { fn f() { client.post(SESSIONS).json(&json!({"amount": 12.5})).send(); } }"#,
    ];

    #[test]
    fn fail() {
        for (source, at) in FAIL {
            let project = rust(&format!("{SESSIONS}\n{source}"));
            assert_eq!(flagged(&project), *at, "{source}");
        }
    }

    #[test]
    fn pass() {
        for source in PASS {
            let project = rust(&format!("{SESSIONS}\n{source}"));
            assert!(flagged(&project).is_empty(), "{source}");
        }
    }

    #[test]
    fn a_json_body_reports_at_most_its_first_amounts() {
        let pairs: Vec<String> = (0..MAX_PER_JSON_BODY + 10)
            .map(|i| format!("\"rate_{i}\": 0.25, \"amount_{i}\": {i}.5"))
            .collect();
        let source = format!(
            "{SESSIONS}\nfn f() {{ client.post(SESSIONS).json(&json!({{ {} }})).send(); }}",
            pairs.join(", ")
        );
        let flagged = flagged(&rust(&source));
        assert_eq!(flagged.len(), MAX_PER_JSON_BODY);
        assert_eq!(flagged[0], "0.5", "the first amount, `amount_0`");
    }

    #[test]
    fn the_struct_is_found_in_any_file() {
        let project = TestProject::new(&[
            (
                "src/model.rs",
                "#[derive(Serialize)] pub struct Payout { pub amount: f64 }",
            ),
            (
                "src/client.rs",
                &format!(
                    "{SESSIONS}\nfn f(p: &Payout) {{ client.post(SESSIONS).json(p).send(); }}"
                ),
            ),
        ]);
        assert_eq!(flagged(&project), ["amount"]);
    }
}
