//! The check command's pipeline, in data-flow order: settings (config merged with flags),
//! the project (cargo metadata once, one walk, each file read once), per-file analysis on all
//! cores, then the cross-file rules. Nothing here knows how findings are printed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use launchlint_rules::extract::file::{FileAnalysis, Note, NoteKind};
use launchlint_rules::extract::redact::sanitize;
use launchlint_rules::pipeline::{self as analysis, Outcome};
use launchlint_rules::project::model::{self, Environment, FrontEnd, Package, ProjectModel};
use launchlint_rules::rules;
use launchlint_rules::rules::Levels;
use miette::Diagnostic;
use rayon::prelude::*;

use crate::cli::{CheckArgs, EnvironmentArg};
use crate::config::{self, ConfigError, LoadedConfig};
use crate::fsio;
use crate::locate::{self, Base};
use crate::staged::{self, Checked, Staged};
use crate::walk;
use crate::workspace::{self, Source};

/// syn recurses on nesting; generated code can nest deeply. Workers get a large stack.
const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ScanError {
    #[error("no project at `{0}`: there is no such folder")]
    #[diagnostic(
        code(launchlint::no_project),
        help("pass the folder of the project to scan, or run inside it")
    )]
    NoProject(PathBuf),
    #[error("no project at `{0}`: it is a file, not a folder")]
    #[diagnostic(
        code(launchlint::no_project),
        help("pass the folder of the project to scan; for one workspace, `--manifest-path path/to/Cargo.toml`")
    )]
    NotAFolder(PathBuf),
    #[error("`--manifest-path {0}` is a folder")]
    #[diagnostic(
        code(launchlint::manifest_path),
        help("--manifest-path expects a Cargo.toml; to scan a folder pass it as PATH")
    )]
    ManifestIsFolder(PathBuf),
    #[error("`--manifest-path {0}`: there is no such file")]
    #[diagnostic(
        code(launchlint::manifest_path),
        help("pass the path of the workspace's Cargo.toml, or scan a folder with PATH")
    )]
    NoManifest(PathBuf),
    #[error("`--manifest-path {0}` is not a Cargo.toml")]
    #[diagnostic(
        code(launchlint::manifest_path),
        help("--manifest-path expects a path to a Cargo.toml file, as cargo does")
    )]
    NotAManifest(PathBuf),
    #[error("nothing to scan in `{root}`: {what}")]
    #[diagnostic(code(launchlint::nothing_to_scan), help("{help}"))]
    NothingToScan {
        root: PathBuf,
        what: String,
        help: String,
    },
    #[error("unknown package `{name}` in `--package`")]
    #[diagnostic(code(launchlint::unknown_package), help("{help}"))]
    UnknownPackage { name: String, help: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] Box<ConfigError>),
    #[error("unknown rule `{rule}` in `{flag}`")]
    #[diagnostic(code(launchlint::unknown_rule), help("{help}"))]
    UnknownRule {
        rule: String,
        flag: String,
        help: String,
    },
    #[error("could not start worker threads: {0}")]
    #[diagnostic(code(launchlint::threads))]
    Threads(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Staged(#[from] staged::StagedError),
}

/// Everything a reporter needs.
pub struct Scan {
    pub files: Vec<FileAnalysis>,
    pub outcome: Outcome,
    pub notes: Vec<Note>,
    /// The project model the files were analyzed in (`readiness` reads its launch config).
    pub model: ProjectModel,
    /// The folder scanned: reporters read the few files they show excerpts of again.
    pub root: PathBuf,
    /// Where printed paths start (the git work tree holding `root`). Paths in `files`,
    /// `outcome` and `notes` stay relative to `root`: scopes and fingerprints use those.
    pub base: Base,
    /// How many files the report covers: all of `files`, or with `--package` the files of
    /// those packages.
    pub reported_files: usize,
    /// With `--staged`: what was checked, and the staged texts excerpts come from.
    pub staged: Option<Checked>,
}

pub fn run(args: &CheckArgs) -> Result<Scan, ScanError> {
    let root = project_root(args)?;
    let mut staged = args.staged.then(|| Staged::read(&root)).transpose()?;
    let loaded = config::load(&root, args.config.as_deref())?;
    let mut levels = levels(&loaded, args)?;
    if staged.is_some() {
        staged::without_project_rules(&mut levels);
    }
    let environment = match (
        args.environment,
        loaded
            .config
            .launch
            .environment
            .as_ref()
            .map(|e| *e.get_ref()),
    ) {
        (Some(EnvironmentArg::Sandbox), _) | (None, Some(config::Environment::Sandbox)) => {
            Environment::Sandbox
        }
        _ => Environment::Live,
    };
    let mut model = ProjectModel::new(environment);
    model.set_contract(config::contract(&root, &loaded)?);
    model.launch = launch_config(&root, &loaded);
    let strings = |list: &[toml::Spanned<String>]| {
        list.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>()
    };
    // Patterns were validated with the config; these cannot fail.
    let _ = model.set_client_paths(&strings(&loaded.config.client.paths));
    let _ = model.set_runbook_paths(&strings(&loaded.config.support.runbooks));
    let _ = model.set_alert_paths(&strings(&loaded.config.monitoring.alerts));
    let ignored = glob_set(&strings(&loaded.config.ignore.paths));
    if staged.as_ref().is_some_and(|s| s.count() == 0) {
        let outcome = analysis::check(&model, &mut [], &levels);
        return Ok(Scan {
            files: Vec::new(),
            outcome,
            notes: Vec::new(),
            model,
            base: Base::of(&root),
            root,
            reported_files: 0,
            staged: Some(Checked::nothing()),
        });
    }

    let mut notes = Vec::new();
    let walked = walk::walk(&root, &model, ignored.as_ref());
    if let Some(nothing) = nothing_to_scan(&root, &walked.files, walked.errors.first()) {
        return Err(nothing);
    }
    notes.extend(
        walked
            .errors
            .into_iter()
            .map(|message| Note::new("", NoteKind::Unreadable, message)),
    );
    model.credentials_only = walked.credentials_only;
    // After the walk: cargo is not started on a tree with links it could follow out of it.
    // `--staged` reads the manifests itself: a staged manifest is what counts, and a pre-commit
    // hook cannot wait for `cargo metadata` (0.2 s on 200 crates).
    let cargo = match staged {
        Some(_) => workspace::Workspace {
            packages: Vec::new(),
            source: Source::Manifests,
            fallback_reason: None,
        },
        None => workspace::load(&root, &walked.irregular),
    };
    if let Some(reason) = &cargo.fallback_reason {
        notes.push(Note::new(
            "Cargo.toml",
            NoteKind::Info,
            format!("`cargo metadata` not used ({reason}); read the manifests directly"),
        ));
    }

    // Manifests decide sides before any file is analyzed; their bytes are kept for analysis
    // so no file is read twice.
    let mut preread: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    if let Some(staged) = &staged {
        // A staged manifest decides sides as it will be committed.
        preread.extend(staged.manifests().map(|(p, b)| (p.clone(), b.clone())));
    }
    for path in &walked.files {
        let name = model::file_name(path);
        if matches!(name, "Cargo.toml" | "package.json" | "Trunk.toml")
            && !preread.contains_key(path)
        {
            if let Ok(bytes) = fsio::read_regular(&root.join(path), fsio::MAX_SCANNED_BYTES) {
                preread.insert(path.clone(), bytes);
            }
        }
    }
    let mut manifests = cargo.packages;
    let known: BTreeSet<String> = manifests.iter().map(|p| p.dir.clone()).collect();
    let root_manifest = preread
        .get("Cargo.toml")
        .map(|bytes| String::from_utf8_lossy(bytes).into_owned());
    let root_deps = root_manifest
        .as_deref()
        .map(workspace::workspace_dependencies)
        .unwrap_or_default();
    // Folders the root manifest keeps out of the workspace are example scope.
    model.set_excluded_dirs(
        &root_manifest
            .as_deref()
            .map(workspace::workspace_excludes)
            .unwrap_or_default(),
    );
    for (path, bytes) in &preread {
        let dir = path
            .strip_suffix("Cargo.toml")
            .unwrap_or("")
            .trim_end_matches('/');
        if model::file_name(path) == "Cargo.toml"
            && !known.contains(dir)
            && (cargo.source == Source::Manifests || !dir.is_empty())
        {
            manifests.extend(workspace::read_manifest(
                dir,
                &String::from_utf8_lossy(bytes),
                &root_deps,
            ));
        }
    }
    let client_packages: BTreeSet<&str> = loaded
        .config
        .client
        .packages
        .iter()
        .map(|p| p.get_ref().as_str())
        .collect();
    model.packages = manifests
        .iter()
        .map(|manifest| {
            let (side, reason) = manifest.side(client_packages.contains(manifest.name.as_str()));
            Package {
                name: manifest.name.clone(),
                dir: manifest.dir.clone(),
                side,
                reason,
            }
        })
        .collect();
    // An unknown `--package` stops the run before the analysis.
    let selected = selected_packages(&model.packages, &args.packages)?;
    model.frontends = preread
        .iter()
        .filter(|(path, _)| matches!(model::file_name(path), "package.json" | "Trunk.toml"))
        .map(|(path, bytes)| {
            let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            match model::file_name(path) {
                "package.json" => FrontEnd::from_package_json(dir, &String::from_utf8_lossy(bytes)),
                _ => FrontEnd::trunk(dir),
            }
        })
        .collect();
    let paths = match &mut staged {
        Some(staged) => {
            let excluded = |path: &str| ignored.as_ref().is_some_and(|g| g.is_match(path));
            let paths = staged.paths_to_analyze(&root, &walked.files, &model, excluded);
            staged.take_contents(&mut preread);
            paths
        }
        None => walked.files,
    };
    let (mut files, unread) = analyze_all(&root, &model, &paths, preread)?;
    notes.extend(unread);
    let mut outcome = analysis::check(&model, &mut files, &levels);
    notes.extend(files.iter().flat_map(|file| file.notes.iter().cloned()));
    let staged = staged.map(|staged| staged.finish(&mut files, &mut outcome, &mut notes));
    let reported_files = match selected {
        Some(dirs) => report_only(&model, &dirs, &mut outcome, &files),
        None => files.len(),
    };
    Ok(Scan {
        files,
        outcome,
        notes,
        model,
        base: Base::of(&root),
        root,
        reported_files,
        staged,
    })
}

/// The folders of the packages `--package` names (repeatable, comma-separated), `None`
/// without the flag; an unknown name is an error that lists the known ones.
fn selected_packages(
    packages: &[Package],
    names: &[String],
) -> Result<Option<BTreeSet<String>>, ScanError> {
    if names.is_empty() {
        return Ok(None);
    }
    let mut selected = BTreeSet::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let dirs: Vec<String> = packages
            .iter()
            .filter(|p| p.name == name)
            .map(|p| p.dir.clone())
            .collect();
        if dirs.is_empty() {
            let known: BTreeSet<&str> = packages.iter().map(|p| p.name.as_str()).collect();
            let help = if known.is_empty() {
                "this project has no cargo packages; leave out `--package`".to_string()
            } else {
                format!(
                    "the packages of this workspace: {}",
                    known.into_iter().collect::<Vec<_>>().join(", ")
                )
            };
            return Err(ScanError::UnknownPackage {
                name: sanitize(name),
                help: sanitize(&help),
            });
        }
        selected.extend(dirs);
    }
    Ok(Some(selected))
}

/// Keeps the findings (and the count of suppressed ones) in the files of the packages in
/// `dirs`; returns how many files those packages have.
fn report_only(
    model: &ProjectModel,
    dirs: &BTreeSet<String>,
    outcome: &mut Outcome,
    files: &[FileAnalysis],
) -> usize {
    // The innermost package holding the file: a member inside the root package's folder owns
    // its own files.
    let reported = |path: &str| {
        model
            .package_of(path)
            .is_some_and(|p| dirs.contains(&p.dir))
    };
    outcome.findings.retain(|finding| reported(&finding.path));
    outcome.suppressed = outcome
        .suppressed_by_path
        .iter()
        .filter(|(path, _)| reported(path))
        .map(|(_, count)| count)
        .sum();
    files.iter().filter(|file| reported(&file.path)).count()
}

/// Whether the walk found anything that makes a project: a manifest, source, env, config or
/// bundle file. Documentation, text, images and other files alone are not one (a mistyped
/// folder, a docs folder, everything ignored).
fn nothing_to_scan(
    root: &Path,
    files: &[String],
    walk_error: Option<&String>,
) -> Option<ScanError> {
    let makes_a_project = |path: &String| {
        let name = model::file_name(path);
        matches!(name, "Cargo.toml" | "package.json")
            || matches!(
                name.rsplit_once('.').map(|(_, ext)| ext),
                Some("toml" | "yaml" | "yml" | "json")
            )
            || !matches!(
                model::FileKind::of(path),
                model::FileKind::Doc | model::FileKind::Other
            )
    };
    if files.iter().any(makes_a_project) {
        return None;
    }
    let (what, help) = if files.is_empty() {
        (
            match walk_error {
                Some(error) => format!("the walk found no files ({})", sanitize(error)),
                None => "the walk found no files".to_string(),
            },
            "check the path; files that `.gitignore` or `[ignore] paths` list are not scanned",
        )
    } else {
        let plural = if files.len() == 1 { "" } else { "s" };
        (
            format!(
                "no Cargo.toml, source, env, config or bundle file among its {} file{plural}",
                files.len()
            ),
            "pass the folder of the project (the one with Cargo.toml or package.json), or run inside it",
        )
    };
    Some(ScanError::NothingToScan {
        root: root.to_path_buf(),
        what,
        help: help.to_string(),
    })
}

/// What the rules need of the config, with spans into the config file.
pub fn launch_config(root: &Path, loaded: &LoadedConfig) -> model::LaunchConfig {
    let Some((path, text)) = &loaded.source else {
        return model::LaunchConfig::default();
    };
    let relative = path
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.display().to_string());
    let launch = &loaded.config.launch;
    let sections = config_sections(path, text);
    let allowed = loaded
        .config
        .origins
        .as_ref()
        .map(|origins| origins.allowed.as_ref());
    model::LaunchConfig {
        path: Some(relative),
        lines: launchlint_rules::ground::source::LineIndex::new(text),
        allowed_origins: allowed.map(|list| {
            list.map(|l| {
                l.get_ref()
                    .iter()
                    .map(|e| model::Declared {
                        value: e.get_ref().clone(),
                        span: e.span(),
                    })
                    .collect()
            })
            .unwrap_or_default()
        }),
        allowed_span: allowed.flatten().map(|l| l.span()),
        enabled_products: launch
            .enabled_products
            .iter()
            .map(|p| p.get_ref().clone())
            .collect(),
        product_surface: launch.product_surface.as_ref().map(|s| model::Declared {
            value: surface_name(*s.get_ref()).to_string(),
            span: s.span(),
        }),
        declares_launch: ["launch", "origins", "contract", "monitoring"]
            .iter()
            .any(|section| sections.contains_key(*section)),
        record: sections
            .contains_key("launch")
            .then(|| launch_record(text, launch)),
        monitoring: sections
            .contains_key("monitoring")
            .then(|| monitoring(text, &loaded.config.monitoring)),
    }
}

/// The launchlint table of a config: the whole file, or `[workspace|package.metadata.launchlint]`
/// of a `Cargo.toml`.
fn config_sections(path: &Path, text: &str) -> toml::Table {
    let Ok(mut table) = toml::from_str::<toml::Table>(text) else {
        return toml::Table::new();
    };
    if path.file_name().is_some_and(|name| name == "Cargo.toml") {
        let nested = |table: &mut toml::Table, section: &str| {
            let metadata = table.remove(section)?.as_table_mut()?.remove("metadata")?;
            metadata.as_table()?.get("launchlint")?.as_table().cloned()
        };
        let mut copy = table.clone();
        return nested(&mut table, "workspace")
            .or_else(|| nested(&mut copy, "package"))
            .unwrap_or_default();
    }
    table
}

/// The span of a section's header line (`[launch]`, `[workspace.metadata.launchlint.launch]`).
fn header_span(text: &str, section: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.split('#').next().unwrap_or("").trim();
        let header = trimmed
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .map(|h| h.split('.').map(str::trim).collect::<Vec<_>>());
        if header.is_some_and(|parts| {
            parts.last() == Some(&section)
                && (parts.len() == 1 || parts[parts.len() - 2] == "launchlint")
        }) {
            let start = offset + (line.len() - line.trim_start().len());
            return Some(start..start + trimmed.len());
        }
        offset += line.len();
    }
    None
}

fn declared(value: &toml::Spanned<String>) -> model::Declared {
    model::Declared {
        value: value.get_ref().clone(),
        span: value.span(),
    }
}

fn launch_record(text: &str, launch: &config::LaunchSection) -> model::LaunchRecord {
    let product_surface = launch.product_surface.as_ref().map(|s| model::Declared {
        value: surface_name(*s.get_ref()).to_string(),
        span: s.span(),
    });
    let sandbox_evidence_id = launch.sandbox_evidence_id.as_ref().map(declared);
    let compliance_approved = launch
        .compliance_approved
        .as_ref()
        .map(|a| model::Declared {
            value: a.get_ref().to_string(),
            span: a.span(),
        });
    let first_key = [&product_surface, &sandbox_evidence_id, &compliance_approved]
        .into_iter()
        .flatten()
        .map(|d| d.span.clone())
        .min_by_key(|span| span.start);
    model::LaunchRecord {
        span: header_span(text, "launch").or(first_key).unwrap_or(0..0),
        product_surface,
        sandbox_evidence_id,
        compliance_approved,
    }
}

fn monitoring(text: &str, section: &config::MonitoringSection) -> model::Monitoring {
    let covers = &section.covers;
    let covers: Vec<(String, model::Declared)> = [
        ("session-failures", &covers.session_failures),
        ("webhook-dead-letters", &covers.webhook_dead_letters),
        ("reconciliation-backlog", &covers.reconciliation_backlog),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some((key.to_string(), declared(value.as_ref()?))))
    .collect();
    let alerts: Vec<model::Declared> = section.alerts.iter().map(declared).collect();
    let first_key = alerts
        .iter()
        .chain(covers.iter().map(|(_, d)| d))
        .map(|d| d.span.clone())
        .min_by_key(|span| span.start);
    model::Monitoring {
        span: header_span(text, "monitoring")
            .or(first_key)
            .unwrap_or(0..0),
        alerts,
        covers,
    }
}

fn surface_name(surface: config::ProductSurface) -> &'static str {
    match surface {
        config::ProductSurface::Gate => "0gate",
        config::ProductSurface::PoolsApproved => "0pools_approved",
        config::ProductSurface::BaseReview => "0base_review",
        config::ProductSurface::LinkReview => "0link_review",
    }
}

/// The folder a check scans: PATH as given; otherwise the workspace root that cargo would
/// find from the `--manifest-path` folder or the current directory (see [`locate`]); with no
/// `Cargo.toml` at or above the current directory, the current directory.
pub fn project_root(args: &CheckArgs) -> Result<PathBuf, ScanError> {
    if let Some(path) = &args.path {
        let root = if path.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            path.clone()
        };
        return match std::fs::metadata(&root) {
            Ok(metadata) if metadata.is_dir() => Ok(root),
            Ok(_) => Err(ScanError::NotAFolder(root)),
            Err(_) => Err(ScanError::NoProject(root)),
        };
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let Some(manifest) = &args.manifest_path else {
        return Ok(locate::workspace_root(&cwd, &cwd).unwrap_or_else(|| PathBuf::from(".")));
    };
    match std::fs::metadata(manifest) {
        Ok(metadata) if metadata.is_dir() => {
            return Err(ScanError::ManifestIsFolder(manifest.clone()))
        }
        Ok(_)
            if manifest
                .file_name()
                .is_some_and(|name| name == "Cargo.toml") => {}
        Ok(_) => return Err(ScanError::NotAManifest(manifest.clone())),
        Err(_) => return Err(ScanError::NoManifest(manifest.clone())),
    }
    let dir = manifest
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok(locate::workspace_root(dir, &cwd).unwrap_or_else(|| dir.to_path_buf()))
}

/// Defaults, then `[rules]`, then `-A/-W/-D` in command-line order.
fn levels(loaded: &LoadedConfig, args: &CheckArgs) -> Result<Levels, ScanError> {
    let mut levels = Levels::default();
    for (rule, level) in &loaded.levels {
        levels.set(rule, *level);
    }
    for (id, level) in &args.level_flags {
        let Some(rule) = rules::by_id(id) else {
            let flag = format!("-{} {id}", &level.as_str()[..1].to_uppercase());
            return Err(ScanError::UnknownRule {
                rule: id.clone(),
                flag,
                help: config::unknown_rule_help(id),
            });
        };
        levels.set(rule.id, *level);
    }
    Ok(levels)
}

fn glob_set(patterns: &[String]) -> Option<globset::GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(globset::Glob::new(pattern).ok()?);
    }
    builder.build().ok()
}

/// A path to analyze, with its bytes when they were read already.
type Input<'p> = (&'p String, Option<Vec<u8>>);

/// How much more a byte of Rust costs to analyze than a byte of anything else (a parse, and
/// the walks of its functions, against a prefilter scan), for ordering the work.
const RUST_COST_FACTOR: u64 = 8;

/// Reads and analyzes every file on all cores. Results keep the walk's (sorted) order, so
/// output does not depend on thread timing. Files that cannot be read become notes.
fn analyze_all(
    root: &Path,
    model: &ProjectModel,
    paths: &[String],
    mut preread: BTreeMap<String, Vec<u8>>,
) -> Result<(Vec<FileAnalysis>, Vec<Note>), ScanError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .map_err(|error| ScanError::Threads(error.to_string()))?;
    let inputs: Vec<Input> = paths
        .iter()
        .map(|path| (path, preread.remove(path)))
        .collect();
    let mut done: Vec<(usize, Result<FileAnalysis, Note>)> = pool.install(|| {
        // Balanced work: one task per file, the costliest first (Rust files by size; the
        // rest are cheap), so no core is left parsing a run of large files alone at the end.
        let costs: Vec<u64> = inputs
            .par_iter()
            .map(|(path, bytes)| {
                let size = bytes.as_ref().map_or_else(
                    || std::fs::symlink_metadata(root.join(path)).map_or(0, |m| m.len()),
                    |b| b.len() as u64,
                );
                if path.ends_with(".rs") {
                    size.saturating_mul(RUST_COST_FACTOR)
                } else {
                    size
                }
            })
            .collect();
        let mut ordered: Vec<(usize, Input)> = inputs.into_iter().enumerate().collect();
        ordered.sort_by_key(|(at, _)| std::cmp::Reverse(costs[*at]));
        ordered
            .into_par_iter()
            .with_max_len(1)
            .map(|(at, (path, bytes))| (at, analyze_one(root, model, path, bytes)))
            .collect()
    });
    // Back to the walk's order, so output does not depend on thread timing. Sorted in place
    // and turned into the file list in place: one file's facts are a kilobyte, and a second
    // list of them would be one more copy of every file's at the peak.
    done.sort_unstable_by_key(|(at, _)| *at);
    let mut notes = Vec::new();
    let files: Vec<FileAnalysis> = done
        .into_iter()
        .filter_map(|(_, result)| result.map_err(|note| notes.push(note)).ok())
        .collect();
    Ok((files, notes))
}

/// Reads (unless read already) and analyzes one file.
fn analyze_one(
    root: &Path,
    model: &ProjectModel,
    path: &str,
    bytes: Option<Vec<u8>>,
) -> Result<FileAnalysis, Note> {
    let bytes = bytes
        .map_or_else(
            || fsio::read_regular(&root.join(path), fsio::MAX_SCANNED_BYTES),
            Ok,
        )
        .map_err(|error| {
            let kind = match error {
                fsio::ReadError::TooLarge { .. } => NoteKind::TooLarge,
                _ => NoteKind::Unreadable,
            };
            Note::new(path, kind, format!("could not read: {error}"))
        })?;
    // A bug in one rule must not end the run: the file is reported and skipped.
    std::panic::catch_unwind(|| analysis::analyze_file(model, path, &bytes)).map_err(|_| {
        Note::new(
            path,
            NoteKind::Unparsed,
            "internal error while analyzing; skipped (please report this)",
        )
    })
}
