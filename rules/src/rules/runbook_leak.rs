use super::{counts_as_live, declare_rule, describe_in};
use crate::extract::credential::{Mode, PLACEHOLDER_MARKS, PLACEHOLDER_WORDS};
use crate::extract::file::{CredentialHit, FileAnalysis, HitContext};
use crate::extract::markdown::SegmentKind;
use crate::extract::pii::{Mention, MentionKind};
use crate::ground::finding::Draft;
use crate::link::facts::Facts;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Reads runbooks and support docs (the files `[support] runbooks` lists, and by default
    /// Markdown and text under `docs/`, `runbooks/`, `support/`, `.github/ISSUE_TEMPLATE/`
    /// and files named `RUNBOOK*` or `SUPPORT*`), parsed as Markdown so that prose, code
    /// blocks and links are told apart, and reports what must not be written there:
    ///
    /// - secret credentials (`sk_live_…`, `whsec_…`): this rule, not `hardcoded-secret-key`,
    ///   reports them in runbooks;
    /// - `gsec_` session client secrets and `Authorization: Bearer` values;
    /// - a 0Bit support address other than `support@0bit.io` (`help@0bit.io`,
    ///   `support@0bit.com`);
    /// - raw personal data, as warnings: card numbers that pass the Luhn check, IBANs that
    ///   pass the ISO 13616 mod-97 check, phone numbers in international (`+44 20 7946 0958`)
    ///   and common national forms (`(415) 555-0132`, `020 7946 0958`), and personal e-mail
    ///   addresses (a name such as `jane.doe@…`, or any address at a mail provider such as
    ///   `gmail.com`).
    ///
    /// Not reported: placeholders (`$OBIT_SECRET_KEY`, `<token>`, `sk_live_xxx…`), publishable
    /// keys, versions, dates, timestamps, ids and amounts (the number shapes are strict:
    /// nothing may be glued to them, and national phone forms count in prose only, not in
    /// code), the well-known test card numbers (`4242 4242 4242 4242` and the other issuers'
    /// published test numbers), e-mail addresses at `example.com`/`example.org`/`example.net`,
    /// `0bit.io` and reserved test domains, role and team addresses (`ops@`, `support.eu@`,
    /// `noreply@`, `git@`), a one-word address at a company domain (`jane@acme.com` could be a
    /// team as well as a person: not reported), and the targets of links other than
    /// `mailto:`/`tel:`. A `mailto:` link that repeats its text is one finding.
    ///
    /// Everything but credentials is judged only in a project that integrates 0Bit, and not
    /// in test or example folders; credentials follow the credential rules (a live key is
    /// reported anywhere, a test key only in a live runbook, both whoever issued them).
    /// Messages show at most the last four characters of what was found.
    ///
    /// ## Why is this bad?
    /// Runbooks are copied into tickets, chats and screenshots. 0Bit's support checklist asks
    /// that runbooks use ids and redacted artifacts, never secrets, tokens, raw PII or bank
    /// details, and that escalations go to `support@0bit.io`; a wrong address sends customer
    /// data to someone else.
    ///
    /// ## Example
    /// ```markdown
    /// # docs/runbook.md
    ///
    /// Escalate failed sessions to help@0bit.io with the session id.
    /// ```
    ///
    /// Use instead:
    /// ```markdown
    /// # docs/runbook.md
    ///
    /// Escalate failed sessions to support@0bit.io with the session id and `X-Request-Id`.
    /// ```
    ///
    /// ## Configuration
    /// `[support] runbooks = ["ops/**/*.md"]` adds runbooks outside the default places.
    pub static RUNBOOK_LEAK = {
        id: "runbook-leak",
        default: Deny,
        area: "Support",
        live_only: false,
        summary: "a secret, token or raw personal data written in a runbook",
        precision: Medium,
        security_severity: 7.5,
        check: Facts(check),
    }
}

/// The one 0Bit support address (0Bit contract §6).
const SUPPORT_ADDRESS: &str = "support@0bit.io";
/// Registrable names of 0Bit's own and look-alike domains (`0bit.io`, `0bit.com`, `zerobit.io`).
const OBIT_DOMAIN_NAMES: [&str; 2] = ["0bit", "zerobit"];
/// Local parts of an address people write to for support.
const SUPPORT_LOCAL_PARTS: [&str; 7] = [
    "support",
    "help",
    "helpdesk",
    "care",
    "contact",
    "service",
    "escalations",
];
/// Domains whose addresses are not anyone's: documentation and 0Bit's own.
const FINE_DOMAINS: [&str; 4] = ["example.com", "example.org", "example.net", "0bit.io"];
/// Reserved top-level names (RFC 2606, RFC 6761).
const RESERVED_TLDS: [&str; 5] = ["example", "test", "invalid", "localhost", "local"];
/// Local parts of role accounts: nobody's personal address.
const ROLE_LOCAL_PARTS: &str = concat!(
    "ops support help noreply donotreply security admin team info contact billing sales hello ",
    "postmaster abuse webmaster git oncall payments finance alerts global service reply",
);
/// Mail providers whose addresses belong to people (the name before the public suffix).
const MAIL_PROVIDERS: [&str; 20] = [
    "gmail",
    "googlemail",
    "yahoo",
    "hotmail",
    "outlook",
    "live",
    "msn",
    "icloud",
    "me",
    "aol",
    "proton",
    "protonmail",
    "pm",
    "fastmail",
    "gmx",
    "web",
    "yandex",
    "mail",
    "qq",
    "zoho",
];
/// Test card numbers published by card networks and processors (0Bit's sandbox uses `4242`).
const TEST_CARDS: [&str; 14] = [
    "4242424242424242",
    "4000056655665556",
    "4111111111111111",
    "4012888888881881",
    "4000000000000002",
    "4000000000009995",
    "5555555555554444",
    "5105105105105100",
    "2223003122003222",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "3056930009020004",
    "3566002020360505",
];
/// What the rule makes of a mention.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Leak {
    ClientSecret,
    Bearer,
    SupportAddress(String),
    Card,
    Iban,
    Phone,
    Email,
}

impl Leak {
    /// Personal data alone is a warning.
    fn is_pii(&self) -> bool {
        matches!(self, Leak::Card | Leak::Iban | Leak::Phone | Leak::Email)
    }
}

/// A placeholder value: one of the credential placeholder words or marks (spec §2,
/// Credentials; all but `*`) anywhere in it, a `…token` name, or one character repeated.
fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let mut chars = value.chars().skip_while(|c| *c != '_').skip(1);
    let first = chars.next();
    PLACEHOLDER_WORDS
        .iter()
        .chain(PLACEHOLDER_MARKS.iter().filter(|mark| **mark != "*"))
        .any(|mark| lower.contains(mark))
        || lower.ends_with("token")
        || (first.is_some() && chars.all(|c| Some(c) == first))
}

/// The predicate over one mention of a runbook.
fn leak(mention: &Mention) -> Option<Leak> {
    let digits = || -> String {
        mention
            .value
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    match &mention.kind {
        MentionKind::ClientSecret => (mention.value.len() >= 17 && !is_placeholder(&mention.value))
            .then_some(Leak::ClientSecret),
        MentionKind::Bearer => {
            let credential = ["sk_", "whsec_", "gsec_", "pk_"]
                .iter()
                .any(|p| mention.value.starts_with(p));
            (!credential && !is_placeholder(&mention.value)).then_some(Leak::Bearer)
        }
        MentionKind::Card { luhn: true } if !TEST_CARDS.contains(&digits().as_str()) => {
            Some(Leak::Card)
        }
        MentionKind::Iban { mod97: true } => Some(Leak::Iban),
        // A national number in code is as likely an id; international forms are explicit.
        MentionKind::Phone { international } => (*international
            || !matches!(
                mention.segment,
                SegmentKind::CodeBlock | SegmentKind::InlineCode
            ))
        .then_some(Leak::Phone),
        MentionKind::Email { local, domain } => email(local, domain),
        _ => None,
    }
    .filter(|_| mention.segment != SegmentKind::LinkTarget || link_counts(mention))
}

/// In a link target only `mailto:` and `tel:` name a person.
fn link_counts(mention: &Mention) -> bool {
    matches!(
        mention.kind,
        MentionKind::Email { .. } | MentionKind::Phone { .. }
    )
}

fn email(local: &str, domain: &str) -> Option<Leak> {
    let address = format!("{}@{domain}", local.to_ascii_lowercase());
    let labels: Vec<&str> = domain.split('.').collect();
    let registrable = labels.len().checked_sub(2).map(|at| labels[at]);
    let obit_like = registrable.is_some_and(|name| OBIT_DOMAIN_NAMES.contains(&name));
    let support_like = SUPPORT_LOCAL_PARTS.contains(&local.to_ascii_lowercase().as_str());
    if address == SUPPORT_ADDRESS {
        return None;
    }
    if obit_like && (support_like || domain != "0bit.io") {
        return Some(Leak::SupportAddress(address));
    }
    let fine_domain = FINE_DOMAINS
        .iter()
        .any(|fine| domain == *fine || domain.ends_with(&format!(".{fine}")));
    let reserved = labels.last().is_some_and(|tld| RESERVED_TLDS.contains(tld));
    let local = local.to_ascii_lowercase();
    let words: Vec<&str> = local.split(['.', '_', '-', '+']).collect();
    let role = words
        .iter()
        .any(|word| ROLE_LOCAL_PARTS.split_whitespace().any(|r| r == *word));
    // A person's address: a name (`jane.doe`, `j_doe`) or any address at a mail provider.
    let named = words.len() >= 2
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_alphabetic()));
    let freemail = labels.len() >= 2 && {
        let provider = labels[labels.len() - 2];
        MAIL_PROVIDERS.contains(&provider)
    };
    if role || !(named || freemail) {
        return None;
    }
    (!fine_domain && !reserved).then_some(Leak::Email)
}

/// The mention as a message may show it: never more than its last four characters.
fn shown(leak: &Leak, mention: &Mention) -> String {
    let tail = |s: &str, n: usize| -> String {
        let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        chars[chars.len().saturating_sub(n)..].iter().collect()
    };
    match leak {
        Leak::ClientSecret => format!("client secret `gsec_…{}`", tail(&mention.value, 4)),
        Leak::Bearer => format!("bearer token `…{}`", tail(&mention.value, 4)),
        Leak::SupportAddress(address) => format!("support address `{address}`"),
        Leak::Card => {
            let digits: String = mention.value.chars().filter(char::is_ascii_digit).collect();
            format!("card number ending `{}`", tail(&digits, 4))
        }
        Leak::Iban => format!(
            "bank account `{}…{}` (an IBAN)",
            &mention.value[..2],
            tail(&mention.value, 4)
        ),
        Leak::Phone => format!("phone number ending `{}`", tail(&mention.value, 2)),
        Leak::Email => {
            let MentionKind::Email { domain, .. } = &mention.kind else {
                unreachable!("an e-mail leak comes from an e-mail mention");
            };
            format!("e-mail address `…@{domain}`")
        }
    }
}

fn message(leak: &Leak, mention: &Mention) -> String {
    let what = shown(leak, mention);
    match leak {
        Leak::SupportAddress(_) => format!("{what} is not 0Bit's support address"),
        _ => format!("{what} is written in a runbook"),
    }
}

fn help(leak: &Leak) -> String {
    match leak {
        Leak::SupportAddress(_) => format!("0Bit support is reached at `{SUPPORT_ADDRESS}`; a wrong address sends tickets and customer data elsewhere"),
        Leak::ClientSecret | Leak::Bearer => "show a placeholder (`<token>`, `$OBIT_SECRET_KEY`) instead; a real token here is in every copy of the runbook".into(),
        _ => "use the customer's or object's id and redacted artifacts instead of raw personal data".into(),
    }
}

fn check(facts: &Facts, cx: &mut Context) {
    let integrates_0bit = facts.integrates_0bit();
    for file in facts.files.iter().filter(|file| file.class.runbook) {
        let place = file.place(&HitContext::default());
        for hit in &file.credentials {
            report_credential(file, hit, place, integrates_0bit, cx);
        }
        if !integrates_0bit || file.class.scope.is_test_or_example() {
            continue;
        }
        let mut reported: Option<&Mention> = None;
        for mention in &file.mentions {
            let Some(leak) = leak(mention) else {
                continue;
            };
            // `[jane@mail.test](mailto:jane@mail.test)` is one address written once.
            let repeated = reported.is_some_and(|before| {
                mention.segment == SegmentKind::LinkTarget
                    && mention.value.ends_with(&before.value)
                    && mention.span.start.saturating_sub(before.span.end) < 16
            });
            reported = Some(mention);
            if repeated {
                continue;
            }
            cx.report(
                &RUNBOOK_LEAK,
                Draft {
                    at_most_warning: leak.is_pii(),
                    ..file.draft(
                        mention.span.clone(),
                        message(&leak, mention),
                        help(&leak),
                        shown(&leak, mention),
                    )
                },
            );
        }
    }
}

/// A credential in a runbook, judged as the credential rules judge it: live keys are errors
/// anywhere; test-mode keys (and a bare `whsec_` outside a 0Bit project) are warnings in a
/// live runbook, and not reported in test or example folders or outside a 0Bit project
/// (where a Markdown file under `docs/` is documentation more often than a runbook).
fn report_credential(
    file: &FileAnalysis,
    hit: &CredentialHit,
    place: crate::extract::file::Place,
    integrates_0bit: bool,
    cx: &mut Context,
) {
    if hit.credential.placeholder {
        return;
    }
    let live = counts_as_live(&hit.credential, integrates_0bit);
    if !live && (!integrates_0bit || place.test_code || !place.live) {
        return;
    }
    let what = format!(
        "{} `{}`",
        describe_in(&hit.credential, integrates_0bit),
        hit.credential.redacted
    );
    let rotate = if integrates_0bit {
        "in Partner Hub"
    } else {
        "where it was issued"
    };
    let help = match hit.credential.mode {
        Mode::Live => format!("show a placeholder (`$OBIT_SECRET_KEY`, `sk_live_...`) instead, and rotate this key {rotate}: every copy of the runbook holds it"),
        Mode::Test => "show a placeholder (`$OBIT_SECRET_KEY`, `sk_test_...`) instead: runbooks are copied into tickets and chats".into(),
    };
    cx.report(
        &RUNBOOK_LEAK,
        Draft {
            at_most_warning: !live,
            ..file.draft(
                hit.credential.span.clone(),
                format!("{what} is written in a runbook"),
                help,
                hit.credential.redacted.clone(),
            )
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ground::finding::Severity;
    use crate::rules::test_support::check;

    const GATE: (&str, &str) = (
        "server/src/gate.rs",
        "pub const API: &str = \"https://gate-api.0bit.app/v1\";\n",
    );

    fn found(path: &str, text: &str, obit: bool) -> Vec<(Severity, String)> {
        let mut files = vec![(path, text)];
        if obit {
            files.push(GATE);
        }
        check(&RUNBOOK_LEAK, &files)
            .into_iter()
            .map(|f| (f.severity, f.message))
            .collect()
    }

    #[test]
    fn one_finding_per_piece_of_personal_data() {
        let text = "# Refund runbook\n\nCustomer card 4539 1488 0343 6467 was charged twice.\nRefund to IBAN DE89 3704 0044 0532 0130 00.\nCall them on +44 20 7946 0958.\nTheir address is jane.doe@gmail.com.\n";
        let found = found("docs/runbook.md", text, true);
        let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "card number ending `6467` is written in a runbook",
                "bank account `DE…3000` (an IBAN) is written in a runbook",
                "phone number ending `58` is written in a runbook",
                "e-mail address `…@gmail.com` is written in a runbook",
            ]
        );
        assert!(found.iter().all(|(s, _)| *s == Severity::Warning));
    }

    #[test]
    fn ids_versions_dates_and_allowed_addresses_are_fine() {
        let text = "# Incident runbook\n\nUpgrade to 2.14.3 (released 2026-05-12T10:30:00Z, 1715510400).\nOrder ord_4155550132 and session gs_8f2K9QmL failed at 10:30:15; amount 1,234.56 EUR.\nEscalate to support@0bit.io, copy ops@example.com and oncall@shop.test.\nTest with card 4242 4242 4242 4242.\n\n```sh\ncurl -H \"Authorization: Bearer $OBIT_SECRET_KEY\" -H 'Idempotency-Key: 415-555-0132'\ncurl -H \"Authorization: Bearer <token>\" https://gate-api.0bit.app/v1/gate_sessions/gs_123\n```\nSee [the dashboard](https://portal.0bit.app/orders/4539148803436467).\n";
        assert_eq!(found("docs/runbook.md", text, true), []);
    }

    #[test]
    fn personal_addresses_only() {
        for (address, personal) in [
            ("jane.doe@acme.test.io", true),
            ("jdoe@gmail.com", true),
            ("j_doe@shop.co.uk", true),
            ("support.global@payments.in", false),
            ("security@shop.io", false),
            ("team-lead@shop.io", false),
            ("jane@acme.io", false),
            ("ops@example.com", false),
            ("jane.doe@mail.example.org", false),
        ] {
            let text = format!("Ask [{address}](mailto:{address}) first.\n");
            let found = found("docs/runbook.md", &text, true);
            assert_eq!(found.len(), usize::from(personal), "{address}: {found:?}");
        }
    }

    #[test]
    fn support_addresses() {
        for (address, wrong) in [
            ("support@0bit.io", false),
            ("help@0bit.io", true),
            ("support@0bit.com", true),
            ("escalations@zerobit.io", true),
            ("partners@0bit.io", false),
        ] {
            let text = format!("Write to {address}.\n");
            let found = found("support/escalation.md", &text, true);
            assert_eq!(found.len(), usize::from(wrong), "{address}: {found:?}");
            if wrong {
                assert_eq!(found[0].0, Severity::Error);
            }
        }
    }

    #[test]
    fn tokens_and_client_secrets_are_errors() {
        let text = "Replay with `Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl` and\nthe client secret gsec_gs_8f2K9QmL_Vb8RtYx3Nw5Pz7.\n";
        let found = found("RUNBOOK.md", text, true);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|(s, _)| *s == Severity::Error));
        assert_eq!(found[0].1, "bearer token `…dXJl` is written in a runbook");
        assert_eq!(
            found[1].1,
            "client secret `gsec_…5Pz7` is written in a runbook"
        );
    }

    #[test]
    fn credentials_need_no_evidence_but_follow_the_credential_rules() {
        let live = "Key: sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\n";
        let test = "Key: sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\n";
        let other = found("docs/runbook.md", live, false);
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].0, Severity::Error);
        assert!(other[0].1.contains("sk_live_…7bCd"));
        assert_eq!(found("docs/runbook.md", test, false), []);
        assert_eq!(found("docs/runbook.md", test, true)[0].0, Severity::Warning);
        assert_eq!(
            found(
                "docs/runbook.md",
                "Key: `$OBIT_SECRET_KEY` or sk_live_xxxxxxxxxxxxxxxxxxxx\n",
                true
            ),
            []
        );
        // Not a runbook: `hardcoded-secret-key` reports it.
        assert_eq!(found("server/README.md", live, true), []);
    }

    #[test]
    fn configured_runbooks_and_text_files() {
        let model = crate::rules::test_support::model(|model| {
            model
                .set_runbook_paths(&["ops/**/*.txt".into()])
                .expect("a valid glob")
        });
        let files = [
            ("ops/oncall/notes.txt", "Page Jo on +353 1 555 0142.\n"),
            GATE,
        ];
        let findings = crate::rules::test_support::check_in(model, &RUNBOOK_LEAK, &files);
        assert_eq!(
            crate::rules::test_support::lines(&findings),
            ["ops/oncall/notes.txt:1"]
        );
        // Without the config entry it is documentation, not a runbook.
        assert_eq!(found("ops/oncall/notes.txt", files[0].1, true), []);
    }

    #[test]
    fn personal_data_needs_0bit_and_a_live_runbook() {
        let text = "Call +44 20 7946 0958.\n";
        assert_eq!(found("docs/runbook.md", text, false), []);
        assert_eq!(found("tests/docs/runbook.md", text, true), []);
        assert_eq!(found("docs/runbook.md", text, true).len(), 1);
    }
}
