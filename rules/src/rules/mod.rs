//! The rules, one file each. Every file reads top to bottom: the user docs and declaration
//! (through [`declare_rule!`]), the wording of its message and help, then the check.
//!
//! [`ALL`] is the one registry; its order is the order of `cargo launchlint rules` and of the
//! docs.

use crate::ground::finding::Level;
use crate::link::facts::{Facts, SuppressionUse};

pub use crate::ground::text::edit_distance;
pub use context::{Context, Levels};

mod context;
#[cfg(test)]
pub(crate) mod test_support;

pub mod float_money_amount;
pub mod fulfillment_from_browser_callback;
pub mod hardcoded_availability;
pub mod hardcoded_secret_key;
pub mod incomplete_launch_record;
pub mod insecure_origin;
pub mod invalid_suppression;
pub mod key_mode_mismatch;
pub mod missing_idempotency_key;
pub mod missing_launch_alert;
pub mod review_only_product;
pub mod runbook_leak;
pub mod secret_env_in_client;
pub mod secret_in_log;
pub mod secret_key_in_client;
pub mod server_call_from_client;
pub mod timing_unsafe_signature_compare;
pub mod undeclared_origin;
pub mod undocumented_webhook_field;
pub mod unknown_webhook_event;
pub mod unstable_idempotency_key;
pub mod unsupported_endpoint;
pub mod unused_suppression;
pub mod unverified_webhook;
pub mod webhook_body_parsed_before_verification;
pub mod webhook_event_not_deduped;
pub mod webhook_timestamp_not_checked;

/// A rule's declaration: what `rules`, `explain`, config validation and reporters know of it.
pub struct Rule {
    /// Stable kebab-case id naming the flagged pattern.
    pub id: &'static str,
    pub default: Level,
    /// The launch gate area (spec §1) the rule belongs to.
    pub area: &'static str,
    /// Reports nothing when `[launch] environment = "sandbox"`.
    pub live_only: bool,
    /// What the rule flags, as a short phrase (lowercase, no trailing period): the line of
    /// `cargo launchlint rules`, the text of a finding's label, SARIF's `shortDescription`.
    pub summary: &'static str,
    /// How often a finding of the rule is a true positive (SARIF's `precision`).
    pub precision: Precision,
    /// For rules whose findings are vulnerabilities: GitHub code scanning's
    /// `security-severity`, 0.1 to 10.0 (9.0 and up critical, 7.0 to 8.9 high, 4.0 to 6.9
    /// medium, below that low).
    pub security_severity: Option<f64>,
    /// The user docs: What it does / Why is this bad? / Example / Use instead.
    pub(crate) docs: &'static str,
    pub check: Check,
}

/// SARIF's `precision` of a rule's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
    Low,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
            Precision::Low => "low",
        }
    }
}

/// When a rule runs, and over what.
pub enum Check {
    /// Over the project's facts, with every other such rule.
    Facts(fn(&Facts, &mut Context)),
    /// After suppressions were applied, over which comment silenced what.
    Suppressions(fn(&SuppressionUse, &mut Context)),
}

impl Rule {
    /// The docs as Markdown, without the one space `///` leaves at the start of each line and
    /// without the hidden lines of Rust examples (`# `, as rustdoc hides them).
    pub fn docs(&self) -> String {
        let mut shown = Vec::new();
        let mut fence: Option<bool> = None;
        for line in self.docs_lines() {
            match (fence, line.trim_start().strip_prefix("```")) {
                (None, Some(info)) => fence = Some(info.is_empty() || info.starts_with("rust")),
                (Some(_), Some(_)) => fence = None,
                (Some(true), None) if is_hidden(line) => continue,
                _ => {}
            }
            shown.push(line);
        }
        shown.join("\n")
    }

    /// The code blocks of "## Example" (each must produce this rule's finding) and of "Use
    /// instead:" (which must not), with hidden lines shown; `tests/rule_docs.rs` checks them.
    pub fn examples(&self) -> Vec<Example> {
        let mut examples = Vec::new();
        let mut flagged = None;
        // Inside a fence: the example being read, if its section is checked.
        let mut fence: Option<Option<Example>> = None;
        for line in self.docs_lines() {
            let info = line.trim_start().strip_prefix("```");
            match (&mut fence, info) {
                (None, Some(info)) => {
                    let language = match info.split(',').next().unwrap_or("").trim() {
                        "" => "rust",
                        language => language,
                    };
                    fence = Some(flagged.map(|flagged| Example {
                        flagged,
                        language: language.to_string(),
                        code: String::new(),
                    }));
                }
                (Some(open), Some(_)) => {
                    examples.extend(open.take());
                    fence = None;
                }
                (Some(Some(example)), None) => {
                    let line = if example.language == "rust" {
                        unhide(line)
                    } else {
                        line
                    };
                    example.code.push_str(line);
                    example.code.push('\n');
                }
                (Some(None), None) => {}
                (None, None) if line.starts_with("## ") => {
                    flagged = (line == "## Example").then_some(true)
                }
                (None, None) if line.starts_with("Use instead") && flagged.is_some() => {
                    flagged = Some(false)
                }
                (None, None) => {}
            }
        }
        examples
    }

    fn docs_lines(&self) -> impl Iterator<Item = &'static str> {
        self.docs
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
    }

    /// The first paragraph under "What it does", on one line, and when it ends in a colon the
    /// list that follows it (SARIF's `fullDescription`).
    pub fn description(&self) -> String {
        let docs = self.docs();
        let body = docs.split("## What it does").nth(1).unwrap_or("");
        let body = body.split("\n## ").next().unwrap_or("");
        let mut blocks = body.trim().split("\n\n");
        let mut text = blocks.next().unwrap_or("").replace('\n', " ");
        if text.ends_with(':') {
            if let Some(list) = blocks.next() {
                text.push('\n');
                text.push_str(list.trim_end());
            }
        }
        text
    }

    /// The rule's docs page, as `cargo launchlint explain` prints it and `docs/rules/<id>.md`
    /// holds it: a title, the level and area, then the docs.
    pub fn page(&self) -> String {
        let live = if self.live_only { " (live only)" } else { "" };
        format!(
            "# {}\n\nDefault level: {}{live}. Area: {}.\n\n{}\n",
            self.id,
            self.default.as_str(),
            self.area,
            self.docs().trim_end()
        )
    }
}

/// A code block of a rule's docs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// Under "## Example": the rule must report it. Under "Use instead:": it must not.
    pub flagged: bool,
    /// The fence's language: `rust` (the default), `toml`, `sh`, …
    pub language: String,
    pub code: String,
}

/// A line rustdoc hides in a Rust example: `# ` and what follows, or a lone `#`.
fn is_hidden(line: &str) -> bool {
    let line = line.trim_start();
    line == "#" || line.starts_with("# ")
}

fn unhide(line: &str) -> &str {
    match line.trim_start() {
        "#" => "",
        trimmed if trimmed.starts_with("# ") => &trimmed[2..],
        _ => line,
    }
}

/// Declares a rule: its doc comment becomes its published docs (`cargo launchlint explain`).
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            id: $id:literal,
            default: $level:ident,
            area: $area:literal,
            live_only: $live_only:literal,
            summary: $summary:literal,
            precision: $precision:ident,
            $(security_severity: $severity:literal,)?
            check: $stage:ident($check:path) $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            default: $crate::ground::finding::Level::$level,
            area: $area,
            live_only: $live_only,
            summary: $summary,
            precision: $crate::rules::Precision::$precision,
            security_severity: $crate::rules::declare_rule!(@severity $($severity)?),
            docs: concat!($($doc, "\n"),*),
            check: $crate::rules::Check::$stage($check),
        };
    };
    (@severity) => {
        None
    };
    (@severity $severity:literal) => {
        Some($severity)
    };
}
pub(crate) use declare_rule;

/// Every rule, in docs order.
pub static ALL: &[&Rule] = &[
    &secret_key_in_client::SECRET_KEY_IN_CLIENT,
    &secret_env_in_client::SECRET_ENV_IN_CLIENT,
    &hardcoded_secret_key::HARDCODED_SECRET_KEY,
    &key_mode_mismatch::KEY_MODE_MISMATCH,
    &server_call_from_client::SERVER_CALL_FROM_CLIENT,
    &missing_idempotency_key::MISSING_IDEMPOTENCY_KEY,
    &unstable_idempotency_key::UNSTABLE_IDEMPOTENCY_KEY,
    &unsupported_endpoint::UNSUPPORTED_ENDPOINT,
    &float_money_amount::FLOAT_MONEY_AMOUNT,
    &unverified_webhook::UNVERIFIED_WEBHOOK,
    &webhook_body_parsed_before_verification::WEBHOOK_BODY_PARSED_BEFORE_VERIFICATION,
    &timing_unsafe_signature_compare::TIMING_UNSAFE_SIGNATURE_COMPARE,
    &webhook_timestamp_not_checked::WEBHOOK_TIMESTAMP_NOT_CHECKED,
    &webhook_event_not_deduped::WEBHOOK_EVENT_NOT_DEDUPED,
    &undocumented_webhook_field::UNDOCUMENTED_WEBHOOK_FIELD,
    &unknown_webhook_event::UNKNOWN_WEBHOOK_EVENT,
    &undeclared_origin::UNDECLARED_ORIGIN,
    &insecure_origin::INSECURE_ORIGIN,
    &review_only_product::REVIEW_ONLY_PRODUCT,
    &missing_launch_alert::MISSING_LAUNCH_ALERT,
    &runbook_leak::RUNBOOK_LEAK,
    &secret_in_log::SECRET_IN_LOG,
    &hardcoded_availability::HARDCODED_AVAILABILITY,
    &fulfillment_from_browser_callback::FULFILLMENT_FROM_BROWSER_CALLBACK,
    &incomplete_launch_record::INCOMPLETE_LAUNCH_RECORD,
    &invalid_suppression::INVALID_SUPPRESSION,
    &unused_suppression::UNUSED_SUPPRESSION,
];

pub fn by_id(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|rule| rule.id == id)
}

/// Words for a credential in messages: `live secret key`, `test webhook signing secret`.
fn describe(credential: &crate::extract::credential::Credential) -> String {
    format!("{} {}", credential.mode.as_str(), credential.kind.noun())
}

/// Whether a credential counts as live mode (spec §2, Credentials): `sk_live_`,
/// `whsec_live_`, and a bare `whsec_` only in a project that integrates 0Bit; elsewhere a bare
/// `whsec_` (Svix and others issue the same shape) is treated like a test credential.
fn counts_as_live(
    credential: &crate::extract::credential::Credential,
    integrates_0bit: bool,
) -> bool {
    credential.mode == crate::extract::credential::Mode::Live
        && (integrates_0bit || !credential.mode_unknown)
}

/// [`describe`], without a mode for a bare `whsec_` outside a 0Bit project (where its mode is
/// not known).
fn describe_in(
    credential: &crate::extract::credential::Credential,
    integrates_0bit: bool,
) -> String {
    if credential.mode_unknown && !integrates_0bit {
        credential.kind.noun().to_string()
    } else {
        describe(credential)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static DOCS: Rule = Rule {
        id: "docs-rule",
        default: Level::Warn,
        area: "Test",
        live_only: false,
        summary: "a test rule",
        precision: Precision::High,
        security_severity: None,
        docs: " ## What it does\n Finds things.\n\n ```rust\n not_checked();\n ```\n\n ## Example\n ```rust,ignore\n # fn main() {\n bad();\n # }\n ```\n\n Use instead:\n ```toml\n # launchlint.toml\n [origins]\n ```\n\n ## Configuration\n ```toml\n x = 1\n ```\n",
        check: Check::Facts(|_, _| {}),
    };

    #[test]
    fn descriptions_keep_the_list_a_colon_announces() {
        let listed = Rule {
            id: "listed-rule",
            default: Level::Warn,
            area: "Test",
            live_only: false,
            summary: "a test rule",
            precision: Precision::High,
            security_severity: None,
            docs: " ## What it does\n Finds two things:\n\n - one;\n - two.\n\n More.\n\n ## Example\n",
            check: Check::Facts(|_, _| {}),
        };
        assert_eq!(listed.description(), "Finds two things:\n- one;\n- two.");
        assert_eq!(DOCS.description(), "Finds things.");
    }

    #[test]
    fn docs_hide_the_hidden_lines_of_rust_examples_only() {
        let docs = DOCS.docs();
        assert!(
            docs.contains("bad();") && !docs.contains("fn main"),
            "{docs}"
        );
        assert!(docs.contains("# launchlint.toml"), "{docs}");
    }

    #[test]
    fn examples_are_the_blocks_of_example_and_use_instead() {
        let examples = DOCS.examples();
        assert_eq!(
            examples,
            [
                Example {
                    flagged: true,
                    language: "rust".into(),
                    code: "fn main() {\nbad();\n}\n".into(),
                },
                Example {
                    flagged: false,
                    language: "toml".into(),
                    code: "# launchlint.toml\n[origins]\n".into(),
                },
            ]
        );
    }
}
