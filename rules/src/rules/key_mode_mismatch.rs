use super::{declare_rule, describe};
use crate::analysis::Facts;
use crate::contract::HostMode;
use crate::credential::Mode;
use crate::finding::Context;
use crate::model::FileKind;

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
    /// secret_key = "sk_live_…"
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
        // The function holding an offset, for Rust; otherwise the whole file.
        let scope_of = |offset: usize| {
            file.webhooks
                .functions
                .iter()
                .filter(|f| f.span.contains(&offset))
                .map(|f| f.span.clone())
                .next_back()
                .unwrap_or(0..usize::MAX)
        };
        let environment = file
            .env_assignments
            .iter()
            .find(|a| a.name == "OBIT_ENVIRONMENT")
            .map(|a| a.value.to_ascii_lowercase());
        for hit in credentials {
            let scope = scope_of(hit.credential.span.start);
            let opposite = |mode: HostMode| match hit.credential.mode {
                Mode::Live => mode == HostMode::Sandbox,
                Mode::Test => mode == HostMode::Live,
            };
            let host = file.hosts.iter().find_map(|(mention, gate)| {
                // A module-level credential belongs to the whole file; one in a function, to it.
                let in_scope = file.class.kind != FileKind::Rust
                    || scope == (0..usize::MAX)
                    || scope_of(mention.span.start) == scope;
                let host = facts.model.contract.host(&mention.host)?;
                (in_scope && !gate.test && opposite(host.mode)).then(|| {
                    format!(
                        "the {} host `{}`",
                        if host.mode == HostMode::Live {
                            "live"
                        } else {
                            "sandbox"
                        },
                        host.name
                    )
                })
            });
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
