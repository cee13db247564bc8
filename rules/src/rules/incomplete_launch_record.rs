use super::declare_rule;
use crate::link::facts::Facts;
use crate::project::model::LaunchRecord;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Checks the launch record, the `[launch]` section of the config (`launchlint.toml`,
    /// `.launchlint.toml`, or `[workspace.metadata.launchlint]` /
    /// `[package.metadata.launchlint]` in the root `Cargo.toml`): it must name the
    /// `product-surface`, give the `sandbox-evidence-id` of a completed sandbox run, and say
    /// `compliance-approved = true`. Missing keys are one finding at `[launch]`; a value that
    /// is `false`, empty or a placeholder (`gs_test_...`, `<id>`, `TODO`) is one finding at
    /// the value. A project that integrates 0Bit and has no `[launch]` at all gets one
    /// finding at line 1 of the root `Cargo.toml`. Live launches only.
    ///
    /// ## Why is this bad?
    /// The record is what 0Bit's production-launch page asks for before live traffic
    /// (`LaunchReadiness`): which product surface the flow launches on, the evidence that it
    /// worked end to end in sandbox, and compliance's approval. A launch without it is a
    /// launch nobody signed off.
    ///
    /// ## Example
    /// ```toml
    /// # launchlint.toml
    /// [launch]
    /// product-surface = "0gate"
    /// ```
    ///
    /// Use instead:
    /// ```toml
    /// # launchlint.toml
    /// [launch]
    /// product-surface = "0gate"
    /// sandbox-evidence-id = "gs_test_01J9Q3W7ZC5M8V2K4X6R1T0B3N"
    /// compliance-approved = true
    /// ```
    ///
    /// ## Configuration
    /// `[launch] environment = "sandbox"` (or `--environment sandbox`) turns the rule off
    /// while the integration is still in sandbox.
    pub static INCOMPLETE_LAUNCH_RECORD = {
        id: "incomplete-launch-record",
        default: Deny,
        area: "Launch record",
        live_only: true,
        summary: "a `[launch]` record without surface, sandbox evidence or approval",
        precision: VeryHigh,
        check: Facts(check),
    }
}

/// Words of a value that is still to be filled in.
const PLACEHOLDER_MARKS: [&str; 9] = [
    "...", "…", "<", ">", "todo", "tbd", "xxx", "changeme", "your",
];

/// Whether a value is empty or a placeholder left from an example.
fn is_placeholder(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    lower.is_empty() || PLACEHOLDER_MARKS.iter().any(|mark| lower.contains(mark))
}

/// The required keys a record lacks.
fn missing_keys(record: &LaunchRecord) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if record.product_surface.is_none() {
        missing.push("product-surface");
    }
    if record.sandbox_evidence_id.is_none() {
        missing.push("sandbox-evidence-id");
    }
    if record.compliance_approved.is_none() {
        missing.push("compliance-approved");
    }
    missing
}

fn listed(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

const HELP_KEYS: &str = "fill in the launch record: `product-surface` (the surface you launch on, such as \"0gate\"), `sandbox-evidence-id` (the id of a session that completed in sandbox) and `compliance-approved = true` once compliance signed off";

fn check(facts: &Facts, cx: &mut Context) {
    let launch = &facts.model.launch;
    let Some(record) = &launch.record else {
        if facts.integrates_0bit() {
            if let Some((file, span)) = facts.root_manifest() {
                let draft = file.draft(
                    span,
                    "no launch record: no config has a `[launch]` section".to_string(),
                    format!("add a `[launch]` section to `launchlint.toml`; {HELP_KEYS}"),
                    "no-launch-record".to_string(),
                );
                cx.report(&INCOMPLETE_LAUNCH_RECORD, draft);
            }
        }
        return;
    };
    let missing = missing_keys(record);
    if !missing.is_empty() {
        let message = format!("the launch record lacks {}", listed(&missing));
        let evidence = missing.join(",");
        if let Some(draft) = launch.draft(record.span.clone(), message, HELP_KEYS.into(), evidence)
        {
            cx.report(&INCOMPLETE_LAUNCH_RECORD, draft);
        }
    }
    if let Some(id) = &record.sandbox_evidence_id {
        if is_placeholder(&id.value) {
            let message = match id.value.trim().is_empty() {
                true => "`sandbox-evidence-id` is empty".to_string(),
                false => format!("`sandbox-evidence-id` is a placeholder: `{}`", id.value),
            };
            let help = "set it to the id of a session or transaction that completed in sandbox (such as `gs_test_01J9Q3W7…`): the evidence 0Bit asks for before live traffic";
            if let Some(draft) = launch.draft(
                id.span.clone(),
                message,
                help.into(),
                "sandbox-evidence-id".into(),
            ) {
                cx.report(&INCOMPLETE_LAUNCH_RECORD, draft);
            }
        }
    }
    if let Some(approved) = record
        .compliance_approved
        .as_ref()
        .filter(|a| a.value != "true")
    {
        let message = "`compliance-approved` is not `true`".to_string();
        let help = "set `compliance-approved = true` once compliance has approved the launch; until then stay in sandbox (`[launch] environment = \"sandbox\"`)";
        if let Some(draft) = launch.draft(
            approved.span.clone(),
            message,
            help.into(),
            "compliance-approved".into(),
        ) {
            cx.report(&INCOMPLETE_LAUNCH_RECORD, draft);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ground::source::LineIndex;
    use crate::project::model::Declared;
    use crate::rules::test_support::{check, check_in, model};

    const HOST: (&str, &str) = (
        "server/src/gate.rs",
        "pub const GATE_API: &str = \"https://gate-api.0bit.app/v1\";\n",
    );

    /// The record of `config`, read the way the shell reads it, and the rule's messages.
    fn reported(config: &str, keys: &[(&str, &str)]) -> Vec<String> {
        let at = |needle: &str| {
            let start = config.find(needle).expect("in the config");
            start..start + needle.len()
        };
        let declared = |key: &str| {
            keys.iter().find(|(k, _)| *k == key).map(|(_, v)| Declared {
                value: v.trim_matches('"').to_string(),
                span: at(v),
            })
        };
        let record = LaunchRecord {
            span: at("[launch]"),
            product_surface: declared("product-surface"),
            sandbox_evidence_id: declared("sandbox-evidence-id"),
            compliance_approved: declared("compliance-approved"),
        };
        let model = model(|m| {
            m.launch.path = Some("launchlint.toml".into());
            m.launch.lines = LineIndex::new(config);
            m.launch.declares_launch = true;
            m.launch.record = Some(record);
        });
        check_in(model, &INCOMPLETE_LAUNCH_RECORD, &[HOST])
            .into_iter()
            .map(|f| format!("{}:{} {}", f.path, f.start.line, f.message))
            .collect()
    }

    #[test]
    fn missing_keys_are_one_finding_at_the_section() {
        let config = "[launch]\nproduct-surface = \"0gate\"\n";
        assert_eq!(
            reported(config, &[("product-surface", "\"0gate\"")]),
            ["launchlint.toml:1 the launch record lacks `sandbox-evidence-id` and `compliance-approved`"]
        );
    }

    #[test]
    fn false_approval_and_placeholder_evidence_are_reported_at_their_values() {
        let config = "[launch]\nproduct-surface = \"0gate\"\nsandbox-evidence-id = \"gs_test_8fK2...\"\ncompliance-approved = false\n";
        let keys = [
            ("product-surface", "\"0gate\""),
            ("sandbox-evidence-id", "\"gs_test_8fK2...\""),
            ("compliance-approved", "false"),
        ];
        assert_eq!(
            reported(config, &keys),
            [
                "launchlint.toml:3 `sandbox-evidence-id` is a placeholder: `gs_test_8fK2...`",
                "launchlint.toml:4 `compliance-approved` is not `true`",
            ]
        );
    }

    #[test]
    fn a_complete_record_passes() {
        let config = "[launch]\nproduct-surface = \"0gate\"\nsandbox-evidence-id = \"gs_test_01J9Q3W7ZC\"\ncompliance-approved = true\n";
        let keys = [
            ("product-surface", "\"0gate\""),
            ("sandbox-evidence-id", "\"gs_test_01J9Q3W7ZC\""),
            ("compliance-approved", "true"),
        ];
        assert!(reported(config, &keys).is_empty());
    }

    #[test]
    fn no_record_is_reported_at_the_root_manifest_only_with_0bit() {
        let manifest = ("Cargo.toml", "[workspace]\nmembers = [\"server\"]\n");
        let found = check(&INCOMPLETE_LAUNCH_RECORD, &[HOST, manifest]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].path.as_str(), found[0].start.line),
            ("Cargo.toml", 1)
        );
        let stripe = (
            "server/src/pay.rs",
            "const API: &str = \"https://api.stripe.com/v1\";\n",
        );
        assert!(check(&INCOMPLETE_LAUNCH_RECORD, &[stripe, manifest]).is_empty());
    }

    #[test]
    fn placeholders() {
        for value in [
            "",
            "  ",
            "gs_test_...",
            "<session id>",
            "TODO",
            "your-session",
        ] {
            assert!(is_placeholder(value), "{value}");
        }
        for value in ["gs_test_01J9Q3W7ZC5M8V2K4X6R1T0B3N", "pq_test_6Yd1Fm8Rs3"] {
            assert!(!is_placeholder(value), "{value}");
        }
    }
}
