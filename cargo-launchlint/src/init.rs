//! `cargo launchlint init`: one scan, then a commented `launchlint.toml` from what it found
//! (client packages and bundle folders, origins in use, alert files, runbooks) with the
//! launch record's keys to fill in. It never overwrites a config without `--force`, and
//! writes atomically.

use std::collections::BTreeSet;
use std::path::PathBuf;

use launchlint_rules::extract::redact::sanitize;
use launchlint_rules::project::model::ProjectModel;
use launchlint_rules::project::package::PackageSide;

use crate::cli::InitArgs;
use crate::fsio::write_atomic;
use crate::scan::{self, Scan, ScanError};

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InitError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Scan(#[from] ScanError),
    #[error("{0} already exists")]
    #[diagnostic(
        code(launchlint::init_exists),
        help("edit it, or pass --force to replace it with a fresh one")
    )]
    Exists(String),
    #[error("could not write {path}: {reason}")]
    #[diagnostic(code(launchlint::init_write))]
    Write { path: String, reason: String },
}

/// Scans the project and writes its `launchlint.toml`; returns the path written.
pub fn run(args: &InitArgs) -> Result<PathBuf, InitError> {
    let check = args.check_args();
    let root = scan::project_root(&check)?;
    let target = root.join("launchlint.toml");
    let existing = [target.clone(), root.join(".launchlint.toml")]
        .into_iter()
        .find(|path| path.exists());
    if let (Some(existing), false) = (existing, args.force) {
        return Err(InitError::Exists(existing.display().to_string()));
    }
    let scan = scan::run(&check)?;
    write_atomic(&target, render(&scan).as_bytes()).map_err(|error| InitError::Write {
        path: target.display().to_string(),
        reason: error.to_string(),
    })?;
    Ok(target)
}

/// The config text for what the scan found. Every value written is one the scan saw; the
/// launch record's keys are left for the team to fill in.
pub fn render(scan: &Scan) -> String {
    let evidence = &scan.outcome.evidence;
    let mut out = String::from(
        "# launchlint.toml, written by `cargo launchlint init` from what the scan found.\n\
         # Review every value: `cargo launchlint readiness` shows what still blocks the launch.\n\
         # Keys are explained in the README (\"Configuration\").\n\n",
    );
    out.push_str(
        "[launch]\n\
         environment = \"live\"                # live | sandbox\n\
         # Fill these in before launch (incomplete-launch-record reports them until then):\n\
         # product-surface = \"0gate\"         # 0gate | 0pools_approved | 0base_review | 0link_review\n\
         # sandbox-evidence-id = \"\"          # the id of a completed sandbox session (gs_test_...)\n\
         compliance-approved = false         # true once 0Bit compliance approved the launch\n\
         enabled-products = []               # e.g. [\"0pools\"] once your account is approved\n\n",
    );

    out.push_str("[origins]\n# Origins the code uses where they reach 0Bit, at their first use. Keep the ones\n# configured as allowed domains in Partner Hub.\n");
    let (fit, unfit): (Vec<_>, Vec<_>) = evidence.origins.iter().partition(|o| o.fit_for_live);
    out.push_str("allowed = [\n");
    for origin in &fit {
        out.push_str(&format!(
            "    {},  # {}\n",
            toml_string(&origin.origin),
            sanitize(&origin.at.describe())
        ));
    }
    out.push_str("]\n");
    for origin in &unfit {
        out.push_str(&format!(
            "# not added, not fit for live traffic: {} ({})\n",
            sanitize(&origin.origin),
            sanitize(&origin.at.describe())
        ));
    }
    out.push('\n');

    let packages: Vec<&str> = scan
        .model
        .packages
        .iter()
        .filter(|p| p.side == PackageSide::Client)
        .map(|p| p.name.as_str())
        .collect();
    let bundles: BTreeSet<String> = scan
        .files
        .iter()
        .filter(|f| scan.model.is_shipped_path(&f.path))
        .filter_map(|f| ProjectModel::bundle_folder(&f.path))
        .collect();
    out.push_str("[client]\n# Found: packages compiled for the browser, and built bundle folders (scanned even\n# when gitignored). Add any the scan could not tell.\n");
    out.push_str(&format!(
        "packages = {}\n",
        toml_list(packages.iter().copied())
    ));
    out.push_str(&format!(
        "paths = {}\n\n",
        toml_list(bundles.iter().map(String::as_str))
    ));

    out.push_str("[monitoring]\n# Alert definitions found. Map a launch alert the names do not show with\n# covers = { session-failures = \"...\", webhook-dead-letters = \"...\", reconciliation-backlog = \"...\" }\n");
    out.push_str(&format!(
        "alerts = {}\n\n",
        toml_list(evidence.alert_files.iter().map(String::as_str))
    ));

    let runbooks: Vec<&str> = scan
        .files
        .iter()
        .filter(|f| f.class.runbook)
        .map(|f| f.path.as_str())
        .collect();
    out.push_str("[support]\n# Runbooks and support docs found (runbook-leak reads them).\n");
    out.push_str(&format!("runbooks = {}\n", toml_list(runbooks.into_iter())));
    out
}

/// A TOML basic string: the scanned project's text is quoted, never written raw.
fn toml_string(value: &str) -> String {
    toml::Value::String(value.to_string()).to_string()
}

fn toml_list<'s>(values: impl Iterator<Item = &'s str>) -> String {
    let items: Vec<String> = values.map(toml_string).collect();
    format!("[{}]", items.join(", "))
}
