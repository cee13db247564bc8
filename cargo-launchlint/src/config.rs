//! `launchlint.toml`, `.launchlint.toml` or `[workspace.metadata.launchlint]` /
//! `[package.metadata.launchlint]` in the root `Cargo.toml`, or `--config PATH`.
//!
//! Read with spans, then validated: an unknown key, a bad value or an unknown rule id is an
//! error with a label on the offending line, and the run stops with exit code 2.

use std::collections::BTreeMap;
use std::path::Path;

use launchlint_rules::ground::finding::Level;
use launchlint_rules::rules;
use miette::{Diagnostic, SourceSpan};

use launchlint_rules::extract::redact::sanitize;
use launchlint_rules::ground::source::LineIndex;

use crate::fsio;
use crate::report::human::Excerpt;
use serde::Deserialize;
use toml::Spanned;

/// A config problem, shown by miette with the file and the offending span.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("invalid launchlint config: {message}")]
#[diagnostic(code(launchlint::config))]
pub struct ConfigError {
    message: String,
    #[source_code]
    source_code: Option<Excerpt>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
}

// Sections that no implemented rule reads yet (origins, monitoring, the launch
// record) are still parsed, so a config that uses them is validated today.
#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(dead_code)]
pub struct Config {
    #[serde(default)]
    pub launch: LaunchSection,
    pub origins: Option<OriginsSection>,
    #[serde(default)]
    pub client: ClientSection,
    #[serde(default)]
    pub contract: ContractSection,
    #[serde(default)]
    pub monitoring: MonitoringSection,
    #[serde(default)]
    pub support: SupportSection,
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub ignore: IgnoreSection,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Live,
    Sandbox,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductSurface {
    #[serde(rename = "0gate")]
    Gate,
    #[serde(rename = "0pools_approved")]
    PoolsApproved,
    #[serde(rename = "0base_review")]
    BaseReview,
    #[serde(rename = "0link_review")]
    LinkReview,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(dead_code)]
pub struct LaunchSection {
    pub environment: Option<Spanned<Environment>>,
    pub product_surface: Option<Spanned<ProductSurface>>,
    pub sandbox_evidence_id: Option<Spanned<String>>,
    pub compliance_approved: Option<Spanned<bool>>,
    #[serde(default)]
    pub enabled_products: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OriginsSection {
    pub allowed: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClientSection {
    #[serde(default)]
    pub packages: Vec<Spanned<String>>,
    #[serde(default)]
    pub paths: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ContractSection {
    #[serde(default)]
    pub extend: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(dead_code)]
pub struct MonitoringSection {
    #[serde(default)]
    pub alerts: Vec<Spanned<String>>,
    #[serde(default)]
    pub covers: Covers,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(dead_code)]
pub struct Covers {
    pub session_failures: Option<Spanned<String>>,
    pub webhook_dead_letters: Option<Spanned<String>>,
    pub reconciliation_backlog: Option<Spanned<String>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SupportSection {
    #[serde(default)]
    pub runbooks: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IgnoreSection {
    #[serde(default)]
    pub paths: Vec<Spanned<String>>,
}

/// The config as found, with where it came from (for labels in later findings).
#[derive(Debug, Default)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file it was read from and its text, when there is one.
    pub source: Option<(std::path::PathBuf, String)>,
    /// Rule levels from `[rules]`, validated.
    pub levels: Vec<(&'static str, Level)>,
}

/// Finds and reads the config for a project rooted at `root`. A config found in the tree may
/// be a symlink only to a file inside the project; `explicit` (`--config`) is the user's own.
pub fn load(root: &Path, explicit: Option<&Path>) -> Result<LoadedConfig, Box<ConfigError>> {
    let loaded = match explicit {
        Some(path) => parse_standalone(path, read(path, path)?)?,
        None => find(root)?,
    };
    check_paths(root, &loaded)?;
    Ok(loaded)
}

fn find(root: &Path) -> Result<LoadedConfig, Box<ConfigError>> {
    for name in ["launchlint.toml", ".launchlint.toml"] {
        let shown = root.join(name);
        if std::fs::symlink_metadata(&shown).is_ok() {
            let path = in_tree(root, name, &shown)?;
            return parse_standalone(&shown, read(&shown, &path)?);
        }
    }
    let shown = root.join("Cargo.toml");
    if std::fs::symlink_metadata(&shown).is_ok() {
        let path = in_tree(root, "Cargo.toml", &shown)?;
        let text = read(&shown, &path)?;
        if text.contains("launchlint") {
            return parse_cargo_metadata(&shown, text);
        }
    }
    Ok(LoadedConfig::default())
}

/// The config file `name` at the root, resolved, when it stays inside the project.
fn in_tree(root: &Path, name: &str, shown: &Path) -> Result<std::path::PathBuf, Box<ConfigError>> {
    fsio::inside_root(root, name).map_err(|escape| {
        config_error(
            shown,
            String::new(),
            0..0,
            format!("`{}` is not read: {escape}", shown.display()),
            "here",
            Some("a config in the scanned tree may only point inside the project; pass another file with `--config`".into()),
        )
    })
}

/// Reads a config file (`path`, shown as `shown`), capped and only when it is a regular file.
fn read(shown: &Path, path: &Path) -> Result<String, Box<ConfigError>> {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    fsio::read_text(&path, fsio::MAX_CONFIG_BYTES).map_err(|error| {
        config_error(
            shown,
            String::new(),
            0..0,
            format!("cannot read {}: {error}", shown.display()),
            "here",
            None,
        )
    })
}

/// Every path the config names is relative to the project root and stays inside it: no
/// absolute path, no `..` above the root, no symlink that leads out.
fn check_paths(root: &Path, loaded: &LoadedConfig) -> Result<(), Box<ConfigError>> {
    let Some((path, text)) = &loaded.source else {
        return Ok(());
    };
    let config = &loaded.config;
    let entries = [
        &config.contract.extend,
        &config.monitoring.alerts,
        &config.support.runbooks,
        &config.client.paths,
        &config.ignore.paths,
    ];
    for entry in entries.into_iter().flatten() {
        let value = entry.get_ref();
        let is_glob = value.contains(['*', '?', '[', '{']);
        let checked = if is_glob {
            fsio::lexically_inside(value)
        } else {
            fsio::inside_root(root, value).map(|_| ())
        };
        if let Err(escape) = checked {
            return Err(config_error(
                path,
                text.clone(),
                entry.span(),
                format!("path `{value}` is outside the project: {escape}"),
                "outside the project",
                Some(
                    "paths in the config are relative to the project root and stay inside it"
                        .into(),
                ),
            ));
        }
    }
    Ok(())
}

fn parse_standalone(path: &Path, text: String) -> Result<LoadedConfig, Box<ConfigError>> {
    match toml::from_str::<Config>(&text) {
        Ok(config) => validate(path, text, config),
        Err(error) => Err(toml_error(path, text, &error)),
    }
}

fn parse_cargo_metadata(path: &Path, text: String) -> Result<LoadedConfig, Box<ConfigError>> {
    #[derive(Deserialize)]
    struct Manifest {
        workspace: Option<Section>,
        package: Option<Section>,
    }
    #[derive(Deserialize)]
    struct Section {
        metadata: Option<Metadata>,
    }
    #[derive(Deserialize)]
    struct Metadata {
        launchlint: Option<Config>,
    }
    let manifest: Manifest =
        toml::from_str(&text).map_err(|error| toml_error(path, text.clone(), &error))?;
    let config = [manifest.workspace, manifest.package]
        .into_iter()
        .flatten()
        .find_map(|section| section.metadata?.launchlint);
    match config {
        Some(config) => validate(path, text, config),
        None => Ok(LoadedConfig::default()),
    }
}

fn toml_error(path: &Path, text: String, error: &toml::de::Error) -> Box<ConfigError> {
    let span = error.span().unwrap_or(0..0);
    let message = error.message().to_string();
    let help = if message.starts_with("unknown field") {
        Some("see the configuration section of the README for every key".to_string())
    } else {
        None
    };
    config_error(path, text, span, message, "here", help)
}

/// Every config error is made here. The config may sit in an untrusted tree and parser
/// messages quote it, so all of it is sanitized: secrets masked, control characters escaped.
fn config_error(
    path: &Path,
    text: String,
    span: std::ops::Range<usize>,
    message: String,
    label: &str,
    help: Option<String>,
) -> Box<ConfigError> {
    let name = sanitize(&path.display().to_string());
    // A few lines around the span, long lines cut, every line sanitized: a config can hold
    // a 4 MiB line, and its text is untrusted.
    let excerpt = (!text.is_empty())
        .then(|| Excerpt::of_text(&name, &text, &LineIndex::new(&text), &span))
        .flatten();
    Box::new(ConfigError {
        message: sanitize(&message),
        span: excerpt.as_ref().map(Excerpt::label),
        source_code: excerpt,
        label: sanitize(label),
        help: help.map(|help| sanitize(&help)),
    })
}

fn validate(path: &Path, text: String, config: Config) -> Result<LoadedConfig, Box<ConfigError>> {
    let mut levels = Vec::new();
    for (id, level) in &config.rules {
        let Some(rule) = rules::by_id(id.get_ref()) else {
            let help = Some(unknown_rule_help(id.get_ref()));
            return Err(config_error(
                path,
                text,
                id.span(),
                format!("unknown rule `{}`", id.get_ref()),
                "no such rule",
                help,
            ));
        };
        let Some(level) = Level::parse(level.get_ref()) else {
            let message = format!("unknown level `{}` for `{}`", level.get_ref(), rule.id);
            let help = Some("use one of `allow`, `warn`, `deny`".to_string());
            return Err(config_error(
                path,
                text,
                level.span(),
                message,
                "not a level",
                help,
            ));
        };
        levels.push((rule.id, level));
    }
    let path_lists = [
        &config.client.paths,
        &config.support.runbooks,
        &config.ignore.paths,
    ];
    for entry in path_lists.into_iter().flatten() {
        if let Err(error) = globset::Glob::new(entry.get_ref()) {
            let message = format!(
                "invalid path pattern `{}`: {}",
                entry.get_ref(),
                error.kind()
            );
            return Err(config_error(
                path,
                text,
                entry.span(),
                message,
                "here",
                None,
            ));
        }
    }
    Ok(LoadedConfig {
        config,
        source: Some((path.to_path_buf(), text)),
        levels,
    })
}

/// The built-in contract plus the `[contract] extend` files, paths relative to `root` (checked
/// to stay inside it when the config was loaded). A file that cannot be read is an error at
/// its entry in the config.
pub fn contract(
    root: &Path,
    loaded: &LoadedConfig,
) -> Result<launchlint_rules::project::contract::Contract, Box<ConfigError>> {
    let mut contract = launchlint_rules::project::contract::Contract::builtin();
    for entry in &loaded.config.contract.extend {
        let shown = root.join(entry.get_ref());
        let resolved = fsio::inside_root(root, entry.get_ref()).unwrap_or_else(|_| shown.clone());
        let text = match fsio::read_text(&resolved, fsio::MAX_CONFIG_BYTES) {
            Ok(text) => text,
            Err(error) => {
                let (path, config_text) = loaded
                    .source
                    .clone()
                    .expect("extend entries come from a config file");
                return Err(config_error(
                    &path,
                    config_text,
                    entry.span(),
                    format!(
                        "cannot read contract extension `{}`: {error}",
                        entry.get_ref()
                    ),
                    "named here",
                    None,
                ));
            }
        };
        if let Err(error) = contract.extend(&text) {
            let span = error.span.unwrap_or(0..0);
            let help = Some("use the format of the built-in contract: `[[host]]` and `[[endpoint]]` tables (see the README)".to_string());
            return Err(config_error(
                &shown,
                text,
                span,
                format!("invalid contract extension: {}", error.message),
                "here",
                help,
            ));
        }
    }
    Ok(contract)
}

/// "did you mean" for a misspelt rule id.
pub fn unknown_rule_help(id: &str) -> String {
    let closest = rules::ALL
        .iter()
        .map(|rule| (rules::edit_distance(id, rule.id), rule.id))
        .min()
        .filter(|(distance, _)| *distance <= 3.max(id.len() / 3));
    match closest {
        Some((_, suggestion)) => {
            format!("did you mean `{suggestion}`? `cargo launchlint rules` lists every rule")
        }
        None => "`cargo launchlint rules` lists every rule".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<LoadedConfig, Box<ConfigError>> {
        parse_standalone(Path::new("launchlint.toml"), text.to_string())
    }

    #[test]
    fn reads_every_section() {
        let loaded = parse(
            r#"
[launch]
environment = "sandbox"
product-surface = "0gate"
sandbox-evidence-id = "gs_test_8fK2"
compliance-approved = true
enabled-products = []
[origins]
allowed = ["https://shop.example.com"]
[client]
packages = ["web"]
paths = ["frontend/", "web/dist/"]
[contract]
extend = ["contracts/our-account.toml"]
[monitoring]
alerts = ["ops/alerts.yml"]
covers = { session-failures = "GateSessionFailures" }
[support]
runbooks = ["docs/runbook.md"]
[rules]
hardcoded-secret-key = "warn"
[ignore]
paths = ["vendor/**"]
"#,
        )
        .expect("valid config");
        assert_eq!(loaded.levels, [("hardcoded-secret-key", Level::Warn)]);
        assert_eq!(
            loaded.config.launch.environment.map(|e| *e.get_ref()),
            Some(Environment::Sandbox)
        );
    }

    #[test]
    fn errors_point_at_the_bad_span() {
        let text = "[rules]\nhardcoded-secret = \"deny\"\n";
        let error = parse(text).unwrap_err();
        assert_eq!(error.message, "unknown rule `hardcoded-secret`");
        assert_eq!(
            // The excerpt starts at the text's first line here, so its offsets are the text's.
            {
                let span = error.span.expect("labelled");
                &text[span.offset()..span.offset() + span.len()]
            },
            "hardcoded-secret"
        );
        assert!(error
            .help
            .as_deref()
            .unwrap()
            .contains("hardcoded-secret-key"));

        let error = parse("[launch]\nenvironment = \"prod\"\n").unwrap_err();
        assert!(error.message.contains("unknown variant `prod`"));
        let error = parse("[rules]\nsecret-key-in-client = \"error\"\n").unwrap_err();
        assert!(error.message.contains("unknown level `error`"));
        assert!(parse("[lanch]\n").is_err());
    }
}
