use super::{declare_rule, describe};
use crate::extract::credential::Mode;
use crate::link::facts::Facts;
use crate::project::contract::HostMode;
use crate::project::model::FileKind;
use crate::rules::Context;

use std::collections::HashMap;
use std::ops::Range;

declare_rule! {
    /// ## What it does
    /// Finds one configuration scope that mixes modes: a live credential (`sk_live_`,
    /// `whsec_live_`, a bare `whsec_`) with a sandbox host (`*-sandbox.0bit.app`) or
    /// `OBIT_ENVIRONMENT=sandbox`, or a test credential with a live host or
    /// `OBIT_ENVIRONMENT=production`. A scope is a whole env or config file, or one Rust
    /// function (credentials in module-level consts belong to the whole file). The finding
    /// points at the credential. Test code is not checked.
    ///
    /// ## Why is this bad?
    /// 0Bit binds key mode to host: a test key on the live host, or a live key on the sandbox
    /// host, is rejected. A mixed scope means the launch switch was half made, and the first
    /// live request fails.
    ///
    /// ## Example
    /// ```toml
    /// # config/production.toml
    /// gate_api_base = "https://gate-api-sandbox.0bit.app/v1"
    /// secret_key = "sk_live_51NzQ8vLr3TgHk2Wm9EXAMPLE"
    /// ```
    ///
    /// Use instead:
    /// ```toml
    /// gate_api_base = "https://gate-api.0bit.app/v1"
    /// # secret_key comes from OBIT_SECRET_KEY in the production environment
    /// ```
    pub static KEY_MODE_MISMATCH = {
        id: "key-mode-mismatch",
        default: Deny,
        area: "Credentials",
        live_only: false,
        summary: "one config scope mixing live and sandbox credentials or hosts",
        precision: Medium,
        security_severity: 5.0,
        check: Facts(check),
    }
}

const HELP: &str = "use live keys only with `gate-api.0bit.app`/`pools-api.0bit.app` and `OBIT_ENVIRONMENT=production`, test keys only with the `-sandbox` hosts; keep each environment's values in its own file or secret store";

fn check(facts: &Facts, cx: &mut Context) {
    for file in facts.files {
        let credentials: Vec<_> = file
            .credentials
            .iter()
            .filter(|hit| !hit.credential.placeholder && !file.place(&hit.context).test_code)
            .collect();
        if credentials.is_empty() {
            continue;
        }
        let scopes = Scopes::of(file.webhooks.functions.iter().map(|f| f.span()));
        // Per scope, the first sandbox host and the first live host named in it, in file
        // order; a module-level credential (or any outside Rust) sees the whole file's.
        let mut first_host: HashMap<Range<usize>, [Option<String>; 2]> = HashMap::new();
        let mut first_in_file: [Option<String>; 2] = [None, None];
        for mention in &file.hosts {
            let Some(host) = facts.model.contract.host(&mention.host) else {
                continue;
            };
            if mention.gate.test {
                continue;
            }
            let live = usize::from(host.mode == HostMode::Live);
            let words = format!(
                "the {} host `{}`",
                if live == 1 { "live" } else { "sandbox" },
                host.name
            );
            first_in_file[live].get_or_insert_with(|| words.clone());
            first_host
                .entry(scopes.of_offset(mention.span.start))
                .or_default()[live]
                .get_or_insert(words);
        }
        let environment = file
            .env_assignments
            .iter()
            .find(|a| a.name == "OBIT_ENVIRONMENT")
            .map(|a| a.value.to_ascii_lowercase());
        for hit in credentials {
            let scope = scopes.of_offset(hit.credential.span.start);
            // The opposite mode's host: a live key with a sandbox host, a test key with a
            // live one.
            let wanted = usize::from(hit.credential.mode == Mode::Test);
            let whole_file = file.class.kind != FileKind::Rust || scope == Scopes::FILE;
            let host = if whole_file {
                first_in_file[wanted].clone()
            } else {
                first_host
                    .get(&scope)
                    .and_then(|hosts| hosts[wanted].clone())
            };
            let marker = match (hit.credential.mode, environment.as_deref()) {
                (Mode::Live, Some("sandbox")) => Some("`OBIT_ENVIRONMENT=sandbox`".to_string()),
                (Mode::Test, Some("production" | "live")) => {
                    Some("`OBIT_ENVIRONMENT=production`".to_string())
                }
                _ => None,
            };
            let Some(conflict) = host.or(marker) else {
                continue;
            };
            let message = format!(
                "{} `{}` is configured together with {conflict}",
                describe(&hit.credential),
                hit.credential.redacted
            );
            cx.report(
                &KEY_MODE_MISMATCH,
                file.draft(
                    hit.credential.span.clone(),
                    message,
                    HELP.into(),
                    hit.credential.redacted.clone(),
                ),
            );
        }
    }
}

/// The innermost function holding an offset, found through the functions' nesting: spans
/// sorted by start, each with its parent, so a lookup climbs at most the nesting depth.
struct Scopes {
    spans: Vec<Range<usize>>,
    parents: Vec<Option<usize>>,
}

impl Scopes {
    /// A credential outside every function belongs to the whole file.
    const FILE: Range<usize> = 0..usize::MAX;

    fn of(spans: impl Iterator<Item = Range<usize>>) -> Scopes {
        let mut spans: Vec<Range<usize>> = spans.collect();
        // Nested functions come after their parent in source order: a stable sort keeps a
        // parent before a child that starts at the same offset.
        spans.sort_by_key(|span| span.start);
        let mut parents = Vec::with_capacity(spans.len());
        let mut open: Vec<usize> = Vec::new();
        for (at, span) in spans.iter().enumerate() {
            while open.last().is_some_and(|&up| spans[up].end < span.end) {
                open.pop();
            }
            parents.push(open.last().copied());
            open.push(at);
        }
        Scopes { spans, parents }
    }

    fn of_offset(&self, offset: usize) -> Range<usize> {
        let mut at = self
            .spans
            .partition_point(|span| span.start <= offset)
            .checked_sub(1);
        while let Some(here) = at {
            if self.spans[here].contains(&offset) {
                return self.spans[here].clone();
            }
            at = self.parents[here];
        }
        Scopes::FILE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{check, lines};

    fn reported(path: &str, text: &str) -> Vec<String> {
        lines(&check(&KEY_MODE_MISMATCH, &[(path, text)]))
    }

    #[test]
    fn one_scope_mixing_modes_is_reported_at_the_credential() {
        for (path, text) in [
            ("server/config/production.toml", "base = \"https://gate-api-sandbox.0bit.app/v1\"\nkey = \"sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\"\n"),
            ("server/.env", "OBIT_ENVIRONMENT=production\nOBIT_SECRET_KEY=sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\n"),
            ("server/src/main.rs", "fn client() { let base = \"https://gate-api.0bit.app/v1\"; let key = \"sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\"; }\n"),
        ] {
            assert_eq!(reported(path, text).len(), 1, "{path}: {text}");
        }
    }

    #[test]
    fn matching_modes_and_separate_scopes_are_not() {
        for (path, text) in [
            ("server/config/production.toml", "base = \"https://gate-api.0bit.app/v1\"\nkey = \"sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\"\n"),
            ("server/.env", "OBIT_ENVIRONMENT=sandbox\nOBIT_SECRET_KEY=sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\n"),
            ("server/src/main.rs", "fn live() { let base = \"https://gate-api.0bit.app/v1\"; }\nfn sandbox() { let key = \"sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\"; }\n"),
            ("server/tests/api.rs", "fn t() { let base = \"https://gate-api.0bit.app/v1\"; let key = \"sk_test_51NzQ8vLr3TgHk2Wm9XpA7bCd\"; }\n"),
        ] {
            assert_eq!(reported(path, text), Vec::<String>::new(), "{path}: {text}");
        }
    }
}
