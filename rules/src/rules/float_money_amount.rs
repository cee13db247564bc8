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
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// #[derive(Serialize)]
    /// struct CreateSession { amount: String, currency: String } // "25.00", or rust_decimal
    /// ```
    pub static FLOAT_MONEY_AMOUNT = {
        id: "float-money-amount",
        default: Warn,
        area: "Money",
        live_only: false,
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
