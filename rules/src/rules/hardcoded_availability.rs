use super::declare_rule;
use crate::extract::copy::{is_copy_file, Sentence};
use crate::extract::file::{FileAnalysis, HitContext};
use crate::extract::lists::NamedList;
use crate::ground::text::identifier_words;
use crate::link::facts::Facts;
use crate::project::model::{FileKind, Scope};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds availability hard-coded into a 0Bit integration: a list of three or more ISO
    /// 3166 country or region codes in a constant named for availability
    /// (`SUPPORTED_`/`ALLOWED_`/`AVAILABLE_`/`ENABLED_` with `COUNTRIES`/`REGIONS`/`MARKETS`,
    /// in any case, also camelCase) in Rust (`const`/`static` arrays, slices, `vec![..]`,
    /// `HashSet::from([..])`, also inside `LazyLock::new(..)`) and JavaScript/TypeScript
    /// (`const SUPPORTED_COUNTRIES = ['US', 'GB', 'DE']`, `new Set([..])`); and customer copy
    /// that promises permanent availability or a verification outcome ("available in all
    /// countries", "available worldwide", "guaranteed approval", "instant verification").
    ///
    /// Copy is read in front-end sources and templates (HTML, JS/TS strings, Vue, Svelte,
    /// Handlebars, Tera, Jinja, Liquid) and in Markdown and translation files (`.md`, `.mdx`,
    /// `.json`, `.yml`, `.ftl`, `.po`, …) under a content folder: `content/`, `copy/`,
    /// `pages/`, `marketing/`, `i18n/`, `l10n/`, `locales/`, `locale/`, `lang/`,
    /// `translations/`, `messages/` or `strings/`. Other Markdown (a README, `docs/`) is
    /// documentation for developers and is not judged. Negated copy ("not yet available
    /// worldwide"), questions ("Is it available in all countries?") and comments are fine.
    /// Codes are checked against the ISO 3166-1 alpha-2 list (plus `EU`, `UK` and `XK`, and
    /// ISO 3166-2 subdivisions such as `US-CA`), so lists of currencies, languages or cloud
    /// regions are not reported. Only projects that integrate 0Bit are checked, and never
    /// test, example or documentation code.
    ///
    /// ## Why is this bad?
    /// 0Bit availability is account-specific: region, KYC/KYB, asset, method and product
    /// access are enabled per partner and change over time. A hard-coded country list drifts
    /// from what the account can serve (customers in a removed country start sessions that
    /// fail; a newly enabled one is turned away), and copy that promises worldwide
    /// availability or guaranteed, instant verification claims what 0Bit's compliance review
    /// does not guarantee. 0Bit's launch gate asks that availability is "enabled, not
    /// hard-coded".
    ///
    /// ## Example
    /// ```rust,ignore
    /// // server/src/availability.rs
    /// # const GATE_API: &str = "https://gate-api.0bit.app/v1";
    /// pub const SUPPORTED_COUNTRIES: &[&str] = &["US", "GB", "DE", "FR", "NL"];
    ///
    /// pub fn can_buy(country: &str) -> bool {
    ///     SUPPORTED_COUNTRIES.contains(&country)
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// // server/src/availability.rs
    /// # const GATE_API: &str = "https://gate-api.0bit.app/v1";
    /// // Ask 0Bit at runtime: eligibility follows what the account is enabled for.
    /// pub async fn can_buy(http: &reqwest::Client, key: &str, country: &str) -> reqwest::Result<bool> {
    ///     let url = format!("{GATE_API}/capabilities/eligibility?country_code={country}");
    ///     let answer: Eligibility = http.get(url).bearer_auth(key).send().await?.json().await?;
    ///     Ok(answer.eligible)
    /// }
    /// ```
    pub static HARDCODED_AVAILABILITY = {
        id: "hardcoded-availability",
        default: Warn,
        area: "Availability",
        live_only: false,
        summary: "country lists or customer copy that hard-code availability",
        precision: Medium,
        check: Facts(check),
    }
}

const LIST_HELP: &str = "read availability from 0Bit at runtime (`GET /v1/capabilities/countries`, or `GET /v1/capabilities/eligibility?country_code=…` before creating a session): it follows what your account is enabled for, a hard-coded list drifts from it";
const COPY_HELP: &str = "availability is account-specific and can change, and 0Bit runs KYC: say where the product is available today (from the capabilities API), and do not promise approval or verification outcomes";

/// Words of a list name that say it gates availability.
const GATE_WORDS: [&str; 4] = ["supported", "allowed", "available", "enabled"];
/// Words of a list name that say it lists places.
const PLACE_WORDS: [&str; 6] = [
    "countries",
    "country",
    "regions",
    "region",
    "markets",
    "market",
];
/// How many codes make a list hard-coded availability.
const MIN_CODES: usize = 3;

/// ISO 3166-1 alpha-2: the 249 officially assigned codes.
const ISO_3166_ALPHA_2: [&str; 249] = [
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];
/// Region codes in common use beside the assigned ones: the European Union and the United
/// Kingdom (exceptionally reserved by ISO 3166), and Kosovo (user-assigned, used by the EU).
const REGION_CODES: [&str; 3] = ["EU", "UK", "XK"];

/// Phrases of copy that promise permanent availability or a verification outcome, as words.
const PROMISES: [(&[&str], &str); 22] = [
    (&["available", "in", "all", "countries"], AVAILABILITY),
    (&["available", "in", "every", "country"], AVAILABILITY),
    (&["available", "in", "any", "country"], AVAILABILITY),
    (&["available", "in", "all", "regions"], AVAILABILITY),
    (&["available", "in", "every", "region"], AVAILABILITY),
    (&["available", "in", "all", "markets"], AVAILABILITY),
    (&["available", "worldwide"], AVAILABILITY),
    (&["available", "globally"], AVAILABILITY),
    (&["available", "everywhere"], AVAILABILITY),
    (&["supported", "in", "all", "countries"], AVAILABILITY),
    (&["supported", "worldwide"], AVAILABILITY),
    (&["works", "in", "all", "countries"], AVAILABILITY),
    (&["works", "in", "every", "country"], AVAILABILITY),
    (&["guaranteed", "approval"], OUTCOME),
    (&["approval", "guaranteed"], OUTCOME),
    (&["guaranteed", "verification"], OUTCOME),
    (&["guaranteed", "to", "be", "approved"], OUTCOME),
    (&["always", "approved"], OUTCOME),
    (&["instant", "verification"], OUTCOME),
    (&["instantly", "verified"], OUTCOME),
    (&["instant", "approval"], OUTCOME),
    (&["instant", "kyc"], OUTCOME),
];
const AVAILABILITY: &str = "permanent availability";
const OUTCOME: &str = "a verification outcome";
/// Words that negate a promise when they come shortly before it.
const NEGATIONS: [&str; 14] = [
    "not", "never", "no", "nor", "without", "cannot", "isn't", "aren't", "can't", "won't", "don't",
    "doesn't", "isnt", "arent",
];
/// How many words before a promise a negation is looked for.
const NEGATION_REACH: usize = 4;

/// Whether `code` is an ISO 3166 country or region code (any letter case).
fn is_place_code(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    let country = |c: &str| ISO_3166_ALPHA_2.binary_search(&c).is_ok() || REGION_CODES.contains(&c);
    match upper.split_once('-') {
        None => country(&upper),
        // ISO 3166-2: `US-CA`, `GB-ENG`, `FR-75`.
        Some((country_code, subdivision)) => {
            country(country_code)
                && (1..=3).contains(&subdivision.len())
                && subdivision.chars().all(|c| c.is_ascii_alphanumeric())
        }
    }
}

/// Whether a list is hard-coded availability: named for it, and three or more codes, every
/// item a country or region code.
fn gates_availability(list: &NamedList) -> bool {
    let words = identifier_words(&list.name);
    let has = |set: &[&str]| words.iter().any(|w| set.contains(&w.as_str()));
    has(&GATE_WORDS)
        && has(&PLACE_WORDS)
        && list.values.len() >= MIN_CODES
        && list.values.iter().all(|v| is_place_code(v))
}

/// A word of a sentence and where it is in the sentence.
type Word = (String, std::ops::Range<usize>);

/// The words of copy, lower case, with their places; markup tags (`<b>`) are skipped.
fn copy_words(text: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut start: Option<usize> = None;
    let mut in_tag = false;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let word_char = !in_tag && (c.is_alphanumeric() || c == '\'' || c == '’');
        match (start, word_char) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                let word = text[from..at].to_lowercase().replace('’', "'");
                words.push((word.trim_matches('\'').to_string(), from..at));
                start = None;
            }
            _ => {}
        }
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ => {}
        }
    }
    words
}

/// The promise a sentence makes, not negated: where it is in the sentence, its words and
/// what it promises.
fn promise(sentence: &str) -> Option<(std::ops::Range<usize>, String, &'static str)> {
    let words = copy_words(sentence);
    for at in 0..words.len() {
        for (phrase, what) in PROMISES {
            let matches = phrase.len() <= words.len() - at
                && phrase.iter().zip(&words[at..]).all(|(p, (w, _))| p == w);
            if !matches {
                continue;
            }
            let negated = words[at.saturating_sub(NEGATION_REACH)..at]
                .iter()
                .any(|(w, _)| NEGATIONS.contains(&w.as_str()) || w.ends_with("n't"));
            if negated {
                continue;
            }
            let span = words[at].1.start..words[at + phrase.len() - 1].1.end;
            return Some((span, phrase.join(" "), what));
        }
    }
    None
}

/// Whether the file's sentences are customer copy in live scope: a front-end source or
/// template, or a Markdown or translation file under a content folder.
fn is_live_copy(file: &FileAnalysis) -> bool {
    let class = &file.class;
    if !class.live_environment || class.runbook {
        return false;
    }
    match class.kind {
        FileKind::FrontEnd => class.scope == Scope::Live,
        // Markdown is documentation scope by kind; under a content folder it is copy.
        FileKind::Doc => class.scope == Scope::Documentation && is_copy_file(&file.path),
        FileKind::Other => class.scope == Scope::Live && is_copy_file(&file.path),
        _ => false,
    }
}

fn check(facts: &Facts, cx: &mut Context) {
    if !facts.integrates_0bit() {
        return;
    }
    for file in facts.files {
        for list in file.lists.iter().filter(|l| gates_availability(l)) {
            let place = file.place(&HitContext {
                gate: list.gate,
                compiled: true,
                ..HitContext::default()
            });
            if !place.live || place.test_code {
                continue;
            }
            let message = format!(
                "`{}` hard-codes {} countries or regions where the flow is available",
                list.name,
                list.values.len()
            );
            let evidence = format!("{}={}", list.name, list.values.join(","));
            let draft = file.draft(list.span.clone(), message, LIST_HELP.into(), evidence);
            cx.report(&HARDCODED_AVAILABILITY, draft);
        }
        if file.sentences.is_empty() || !is_live_copy(file) {
            continue;
        }
        for Sentence {
            span,
            text,
            question,
        } in &file.sentences
        {
            let Some((at, phrase, what)) = promise(text).filter(|_| !question) else {
                continue;
            };
            let message = format!("customer copy promises {what}: \"{phrase}\"");
            let span = span.start + at.start..span.start + at.end;
            let draft = file.draft(span, message, COPY_HELP.into(), phrase);
            cx.report(&HARDCODED_AVAILABILITY, draft);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{check as run, lines};

    const EVIDENCE: (&str, &str) = (".env", "OBIT_SECRET_KEY=\n");

    fn found(files: &[(&str, &str)]) -> Vec<String> {
        let mut all = vec![EVIDENCE];
        all.extend_from_slice(files);
        lines(&run(&HARDCODED_AVAILABILITY, &all))
    }

    #[test]
    fn the_iso_list_is_sorted_and_whole() {
        assert!(ISO_3166_ALPHA_2.windows(2).all(|w| w[0] < w[1]));
        for code in ["US", "GB", "DE", "us", "US-CA", "GB-ENG", "EU", "UK"] {
            assert!(is_place_code(code), "{code}");
        }
        for code in ["USD", "EUR", "XX", "AP", "en-US", "us-east-1", "ZZ", "U"] {
            assert!(!is_place_code(code), "{code}");
        }
    }

    #[test]
    fn lists() {
        let fail = [
            r#"pub const SUPPORTED_COUNTRIES: &[&str] = &["US", "GB", "DE"];"#,
            r#"static ALLOWED_MARKETS: LazyLock<HashSet<&str>> = LazyLock::new(|| HashSet::from(["us", "ca", "mx"]));"#,
            r#"pub static ENABLED_PAYOUT_REGIONS: &[&str] = &["US-CA", "US-NY", "GB"];"#,
            r#"const AVAILABLE_COUNTRY_CODES: [&str; 3] = ["FR", "IT", "ES"];"#,
        ];
        for source in fail {
            assert_eq!(found(&[("server/src/lib.rs", source)]).len(), 1, "{source}");
        }
        let pass = [
            // Currencies, languages, cloud regions; too few; not named for availability.
            r#"const SUPPORTED_CURRENCIES: &[&str] = &["USD", "EUR", "GBP"];"#,
            r#"const SUPPORTED_COUNTRIES: &[&str] = &["USD", "EUR", "GBP"];"#,
            r#"const SUPPORTED_LANGUAGES: &[&str] = &["en", "de", "fr"];"#,
            r#"const SUPPORTED_REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-south-1"];"#,
            r#"const ALLOWED_REGIONS: &[&str] = &["na", "eu", "ap"];"#,
            r#"const SUPPORTED_COUNTRIES: &[&str] = &["US", "GB"];"#,
            r#"const EU_COUNTRIES: &[&str] = &["DE", "FR", "IT", "ES"];"#,
            r#"#[cfg(test)] mod tests { const SUPPORTED_COUNTRIES: &[&str] = &["US", "GB", "DE"]; }"#,
        ];
        for source in pass {
            assert!(
                found(&[("server/src/lib.rs", source)]).is_empty(),
                "{source}"
            );
        }
    }

    #[test]
    fn js_lists_and_scopes() {
        let js = "export const SUPPORTED_COUNTRIES = ['US', 'GB', 'DE'];\nexport const supportedMarkets = new Set(['FR', 'IT', 'ES']);\n";
        assert_eq!(
            found(&[("web/src/availability.ts", js)]),
            ["web/src/availability.ts:1", "web/src/availability.ts:2"]
        );
        assert!(found(&[("web/src/availability.test.ts", js)]).is_empty());
        assert!(found(&[("examples/shop/availability.ts", js)]).is_empty());
        // Without 0Bit evidence, nothing.
        let alone = lines(&run(
            &HARDCODED_AVAILABILITY,
            &[("web/src/availability.ts", js)],
        ));
        assert!(alone.is_empty());
    }

    #[test]
    fn promises() {
        let fail = [
            "Buy crypto with 0Gate, available worldwide",
            "Available in <b>all countries</b>",
            "Guaranteed approval in minutes",
            "Instant verification for everyone",
            "We’re available globally",
        ];
        for text in fail {
            assert!(promise(text).is_some(), "{text}");
        }
        let pass = [
            "Not yet available worldwide",
            "not available in all countries",
            "We can't offer instant verification everywhere",
            "Approval is not guaranteed",
            "Availability depends on your country",
            "instantiate worldwide handlers",
        ];
        for text in pass {
            assert!(promise(text).is_none(), "{text}");
        }
    }

    #[test]
    fn copy_in_customer_places_only() {
        let html = "<footer><p>Our ramp is available worldwide.</p><p>Is it available in all countries? No.</p></footer>\n";
        assert_eq!(
            found(&[("web/index.html", html)]),
            ["web/index.html:1"],
            "the question is not a promise"
        );
        let md = "# Buy crypto\n\nInstant verification, guaranteed approval.\n";
        assert_eq!(
            found(&[("site/content/buy.md", md)]),
            ["site/content/buy.md:3"],
            "one finding per sentence"
        );
        let json = "{ \"hero\": \"Available in every country\" }\n";
        assert_eq!(
            found(&[("web/src/locales/en.json", json)]),
            ["web/src/locales/en.json:1"]
        );
        for path in ["README.md", "docs/launch.md", "web/tests/copy.html"] {
            assert!(found(&[(path, md)]).is_empty(), "{path}");
        }
        let js = "// available worldwide soon\nconst hint = 'Not available in all countries';\n";
        assert!(found(&[("web/src/hero.ts", js)]).is_empty());
    }
}
