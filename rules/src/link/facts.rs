//! The project-wide view the rules read: every file's facts and the cross-file joins.

use std::collections::BTreeSet;

use crate::extract::credential;
use crate::extract::evidence::names_0bit;
use crate::extract::file::FileAnalysis;
use crate::extract::suppression::Suppression;
use crate::project::model::ProjectModel;

/// The project-wide view the rules read.
pub struct Facts<'a> {
    pub model: &'a ProjectModel,
    pub files: &'a [FileAnalysis],
    /// Every Rust request to a 0Bit API host, resolved across files.
    pub requests: Vec<crate::link::requests::ResolvedRequest<'a>>,
    /// Webhook handlers and the types events are read into.
    pub webhooks: crate::link::webhooks::WebhookModel<'a>,
    /// The launch alerts: alert files, and which alert watches each launch signal.
    pub alerts: crate::link::alerts::LaunchAlerts<'a>,
    /// Variables some env file assigns a secret-shaped value (`GATE_KEY=sk_test_...`).
    secret_valued: BTreeSet<String>,
    /// Some file, package name or the launch config shows 0Bit evidence (spec §2).
    integrates_0bit: bool,
    /// The origin uses that reach 0Bit ([`Facts::origin_uses`]).
    origins: Vec<crate::link::origins::LiveOrigin<'a>>,
}

impl<'a> Facts<'a> {
    /// Joins the files' facts: requests resolved across files, the webhook handler graph, and
    /// which variables env files give secret values.
    pub fn link(model: &'a ProjectModel, files: &'a [FileAnalysis]) -> Self {
        let secret_valued = files
            .iter()
            .flat_map(|file| &file.env_assignments)
            .filter(|a| credential::secret_prefix(&a.value).is_some())
            .map(|a| a.name.clone())
            .collect();
        let integrates_0bit = model.launch.declares_launch
            || model.packages.iter().any(|p| names_0bit(&p.name))
            || files.iter().any(|file| !file.evidence.is_empty());
        // The joins are independent: the request resolution and the alert join run beside
        // the webhook graph, the largest of them, so the serial phase after the per-file
        // analysis uses both cores.
        let (mut webhooks, (requests, alerts)) = std::thread::scope(|scope| {
            let others = scope.spawn(|| {
                (
                    crate::link::requests::resolve(model, files),
                    crate::link::alerts::join(model, files),
                )
            });
            let webhooks = crate::link::webhooks::build(model, files);
            let others = others
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (webhooks, others)
        });
        webhooks.keep_0bit_handlers(integrates_0bit);
        let mut facts = Facts {
            integrates_0bit,
            model,
            files,
            requests,
            webhooks,
            alerts,
            secret_valued,
            origins: Vec::new(),
        };
        facts.origins = crate::link::origins::reaching(integrates_0bit, files, &facts.requests);
        facts
    }
}

impl<'a> Facts<'a> {
    /// Every origin use in live, non-test code and config that reaches 0Bit, with its file
    /// (see [`crate::link::origins`]).
    pub fn origin_uses(&self) -> &[crate::link::origins::LiveOrigin<'a>] {
        &self.origins
    }

    /// Whether the project integrates 0Bit: some file shows 0Bit evidence, a package is
    /// named for 0Bit, or the launch config has a 0Bit section.
    pub fn integrates_0bit(&self) -> bool {
        self.integrates_0bit
    }

    /// Where a finding about something the whole project lacks goes: line 1 of the root
    /// `Cargo.toml`, or of the config file when there is no root manifest.
    pub fn root_manifest(&self) -> Option<(&'a FileAnalysis, std::ops::Range<usize>)> {
        let config = self.model.launch.path.as_deref();
        let files = self.files;
        let file = files
            .iter()
            .find(|f| f.path == "Cargo.toml")
            .or_else(|| files.iter().find(|f| Some(f.path.as_str()) == config))?;
        Some((file, 0..file.first_line_end))
    }

    /// Whether some env file assigns `name` a secret-shaped value (`sk_…`, `whsec_…`).
    pub fn has_secret_value(&self, name: &str) -> bool {
        self.secret_valued.contains(name)
    }
}

/// Which suppression comment silenced something, for the rules that judge the comments.
pub struct SuppressionUse<'a> {
    files: &'a [FileAnalysis],
    /// By the comment's position in [`SuppressionUse::all`].
    used: Vec<bool>,
}

impl<'a> SuppressionUse<'a> {
    /// `used` says, by the comment's position in [`SuppressionUse::all`], which silenced
    /// something.
    pub fn new(files: &'a [FileAnalysis], used: Vec<bool>) -> Self {
        SuppressionUse { files, used }
    }

    /// Every suppression comment with its file, in file order.
    pub fn all(&self) -> impl Iterator<Item = (&'a FileAnalysis, &'a Suppression)> + 'a {
        self.files
            .iter()
            .flat_map(|file| file.suppressions.iter().map(move |s| (file, s)))
    }

    /// Whether the comment at `at` (a position in [`SuppressionUse::all`]) silenced a finding.
    pub fn silenced_something(&self, at: usize) -> bool {
        self.used.get(at).copied().unwrap_or(false)
    }
}
