//! Command-line arguments. `cargo launchlint …` and `cargo-launchlint …` are the same command:
//! cargo passes its subcommand name as the first argument, which is dropped before parsing.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use launchlint_rules::ground::finding::Level;

#[derive(Parser, Debug)]
#[command(
    name = "cargo-launchlint",
    bin_name = "cargo launchlint",
    version,
    about = "Checks a 0Bit integration against the production launch gate, statically",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
    /// When to use colours: auto follows the terminal, `NO_COLOR` and `CARGO_TERM_COLOR`.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List every rule with its default level, area and summary
    Rules(RulesArgs),
    /// Print a rule's docs
    Explain {
        /// A rule id, as `cargo launchlint rules` lists them
        rule: String,
    },
    /// Show the launch gate area by area, or print the LaunchReadiness record (--format json)
    Readiness(ReadinessArgs),
    /// Write a launchlint.toml from what a scan finds
    Init(InitArgs),
    /// Write a git pre-commit hook that runs `cargo launchlint --staged`
    InstallHook(InstallHookArgs),
}

#[derive(Args, Debug, Default)]
pub struct InstallHookArgs {
    /// A folder of the repository (default: the current directory)
    pub path: Option<PathBuf>,
    /// Replace a pre-commit hook that launchlint did not write
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug, Default)]
pub struct RulesArgs {
    /// `human`: a table that fits the terminal; `json`: an array of the rules' metadata
    #[arg(long, value_enum, default_value_t = ReadinessFormat::Human)]
    pub format: ReadinessFormat,
}

#[derive(Args, Debug, Default)]
pub struct InitArgs {
    /// Folder to scan and write launchlint.toml into (default: the cargo workspace at the
    /// current directory)
    pub path: Option<PathBuf>,
    /// Path to the workspace's Cargo.toml
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Replace an existing launchlint.toml
    #[arg(long)]
    pub force: bool,
}

impl InitArgs {
    /// The scan `init` runs: a plain check of the same project.
    pub fn check_args(&self) -> CheckArgs {
        CheckArgs {
            path: self.path.clone(),
            manifest_path: self.manifest_path.clone(),
            ..CheckArgs::default()
        }
    }
}

#[derive(Args, Debug, Default)]
pub struct ReadinessArgs {
    /// Folder to scan (default: the cargo workspace at the current directory)
    pub path: Option<PathBuf>,
    /// Path to the workspace's Cargo.toml
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Config file to use instead of launchlint.toml
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// `human`: the gate as a table; `json`: the LaunchReadiness record
    #[arg(long, visible_alias = "message-format", value_enum, default_value_t = ReadinessFormat::Human)]
    pub format: ReadinessFormat,
    /// Override `[launch] environment`
    #[arg(long, value_enum)]
    pub environment: Option<EnvironmentArg>,
}

impl ReadinessArgs {
    /// The scan `readiness` runs: a plain check of the same project.
    pub fn check_args(&self) -> CheckArgs {
        CheckArgs {
            path: self.path.clone(),
            manifest_path: self.manifest_path.clone(),
            config: self.config.clone(),
            environment: self.environment,
            ..CheckArgs::default()
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReadinessFormat {
    #[default]
    Human,
    Json,
}

#[derive(Args, Debug, Default)]
pub struct CheckArgs {
    /// Folder to scan (default: the cargo workspace at the current directory)
    pub path: Option<PathBuf>,
    /// Path to a Cargo.toml: its workspace is scanned (default: the current directory's)
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Report only the findings in these packages' files (repeatable, comma-separated)
    #[arg(
        short = 'p',
        long = "package",
        value_name = "NAME",
        value_delimiter = ','
    )]
    pub packages: Vec<String>,
    /// Config file to use instead of launchlint.toml
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The output format in cargo's words, for editors and tools that pass cargo's flag:
    /// `human`, `short`, or cargo's JSON messages (`json`, `json-diagnostic-short`,
    /// `json-diagnostic-rendered-ansi`, `json-render-diagnostics`, comma-separated as in
    /// cargo; `json-cargo`); not together with `--format`
    #[arg(
        long,
        value_enum,
        value_name = "FMT",
        value_delimiter = ',',
        conflicts_with = "format",
        hide_possible_values = true
    )]
    pub message_format: Vec<MessageFormat>,
    /// Write the report to FILE (replaced atomically) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Override `[launch] environment`
    #[arg(long, value_enum)]
    pub environment: Option<EnvironmentArg>,
    /// Set rules to allow (repeatable or comma-separated; later flags win)
    #[arg(
        short = 'A',
        long = "allow",
        value_name = "RULE",
        value_delimiter = ','
    )]
    pub allow: Vec<String>,
    /// Set rules to warn
    #[arg(short = 'W', long = "warn", value_name = "RULE", value_delimiter = ',')]
    pub warn: Vec<String>,
    /// Set rules to deny
    #[arg(short = 'D', long = "deny", value_name = "RULE", value_delimiter = ',')]
    pub deny: Vec<String>,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Exit 2 when any file could not be read, was too large, or did not parse
    #[arg(long)]
    pub strict: bool,
    /// Ignore findings recorded in this baseline file (they count as suppressed)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file, and exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Check the staged content of the staged files (from the git index), for a pre-commit hook
    #[arg(long)]
    pub staged: bool,
    /// Print the findings only: no notes on stderr, no summary line
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say on stderr which config was used, each package's side and why, each skipped
    /// binary file and each file launchlint wrote itself (read for credentials only)
    #[arg(short, long)]
    pub verbose: bool,
    /// Rule levels from -A/-W/-D in command-line order; filled after parsing.
    #[arg(skip)]
    pub level_flags: Vec<(String, Level)>,
    /// `--format` or `--message-format`, resolved; filled after parsing.
    #[arg(skip)]
    pub report: ReportFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// miette's graphical report
    #[default]
    Human,
    /// One line per finding: `path:line:col: severity[rule]: message`
    Short,
    /// The stable JSON contract
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions annotations (`::error file=…`)
    Github,
    /// cargo's JSON messages (`compiler-message` lines, then `build-finished`), as
    /// `cargo check --message-format json` prints them: for rust-analyzer and other editors
    JsonCargo,
}

/// `--message-format` values: cargo's names, and `json-cargo`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageFormat {
    Human,
    Short,
    /// cargo's JSON messages (the same as `json-cargo`)
    Json,
    /// cargo's JSON messages, each `rendered` as one short line
    JsonDiagnosticShort,
    /// cargo's JSON messages, each `rendered` with ANSI colours
    JsonDiagnosticRenderedAnsi,
    /// The findings rendered on stderr; on stdout, cargo's JSON messages without them
    JsonRenderDiagnostics,
    JsonCargo,
}

/// The report a check writes, from `--format` or `--message-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Plain(Format),
    /// cargo's JSON messages.
    Cargo(CargoJson),
}

impl Default for ReportFormat {
    fn default() -> Self {
        ReportFormat::Plain(Format::Human)
    }
}

/// How cargo's JSON messages are written (cargo's `json-diagnostic-*` options).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct CargoJson {
    /// `rendered` is the one-line short form.
    pub short: bool,
    /// `rendered` carries ANSI colours.
    pub ansi: bool,
    /// The findings are rendered on stderr, and left out of the JSON.
    pub render_diagnostics: bool,
}

/// Resolves `--message-format` as cargo does: `human`, `short` and the JSON kinds exclude each
/// other; the `json-*` options combine.
fn report_format(format: Format, message_format: &[MessageFormat]) -> Result<ReportFormat, String> {
    if message_format.is_empty() {
        return Ok(match format {
            Format::JsonCargo => ReportFormat::Cargo(CargoJson::default()),
            plain => ReportFormat::Plain(plain),
        });
    }
    let mut plain: Option<Format> = None;
    let mut json: Option<CargoJson> = None;
    for value in message_format {
        let this = match value {
            MessageFormat::Human => Some(Format::Human),
            MessageFormat::Short => Some(Format::Short),
            _ => None,
        };
        let conflict = match this {
            Some(this) => json.is_some() || plain.is_some_and(|other| other != this),
            None => plain.is_some(),
        };
        if conflict {
            return Err(
                "`--message-format` takes one of `human`, `short` or the JSON kinds".to_string(),
            );
        }
        if this.is_some() {
            plain = this;
            continue;
        }
        let options = json.get_or_insert_with(CargoJson::default);
        match value {
            MessageFormat::JsonDiagnosticShort => options.short = true,
            MessageFormat::JsonDiagnosticRenderedAnsi => options.ansi = true,
            MessageFormat::JsonRenderDiagnostics => options.render_diagnostics = true,
            _ => {}
        }
    }
    Ok(match (plain, json) {
        (Some(plain), _) => ReportFormat::Plain(plain),
        (None, Some(json)) => ReportFormat::Cargo(json),
        (None, None) => ReportFormat::Plain(format),
    })
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvironmentArg {
    Live,
    Sandbox,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Parses the process arguments, dropping cargo's `launchlint` subcommand word.
pub fn parse(mut args: Vec<OsString>) -> Result<Cli, clap::Error> {
    if args.get(1).is_some_and(|arg| arg == "launchlint") {
        args.remove(1);
    }
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    cli.check.level_flags = ordered_level_flags(&matches);
    cli.check.report = report_format(cli.check.format, &cli.check.message_format)
        .map_err(|message| command.error(clap::error::ErrorKind::ArgumentConflict, message))?;
    Ok(cli)
}

/// `-A x -D x` ends at deny: like rustc, the later flag wins.
fn ordered_level_flags(matches: &ArgMatches) -> Vec<(String, Level)> {
    let mut flags = Vec::new();
    for (id, level) in [
        ("allow", Level::Allow),
        ("warn", Level::Warn),
        ("deny", Level::Deny),
    ] {
        if let (Some(values), Some(indices)) =
            (matches.get_many::<String>(id), matches.indices_of(id))
        {
            flags.extend(
                indices
                    .zip(values)
                    .map(|(at, rule)| (at, rule.trim().to_string(), level)),
            );
        }
    }
    flags.sort_by_key(|(at, _, _)| *at);
    flags
        .into_iter()
        .map(|(_, rule, level)| (rule, level))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Cli {
        parse(line.split_whitespace().map(OsString::from).collect()).expect("valid arguments")
    }

    #[test]
    fn cargo_subcommand_word_is_dropped() {
        let cli = parse_str("cargo-launchlint launchlint fixtures/demo --format json");
        assert_eq!(cli.check.path, Some(PathBuf::from("fixtures/demo")));
        assert_eq!(cli.check.format, Format::Json);
    }

    #[test]
    fn message_format_takes_cargos_names() {
        let report = |line: &str| parse_str(line).check.report;
        let cargo = |short, ansi, render_diagnostics| {
            ReportFormat::Cargo(CargoJson {
                short,
                ansi,
                render_diagnostics,
            })
        };
        assert_eq!(
            report("cargo-launchlint --message-format short"),
            ReportFormat::Plain(Format::Short)
        );
        assert_eq!(
            report("cargo-launchlint --message-format human"),
            ReportFormat::Plain(Format::Human)
        );
        assert_eq!(
            report("cargo-launchlint --message-format json"),
            cargo(false, false, false)
        );
        assert_eq!(
            report("cargo-launchlint --message-format=json-cargo"),
            cargo(false, false, false)
        );
        assert_eq!(
            report("cargo-launchlint --format json-cargo"),
            cargo(false, false, false)
        );
        assert_eq!(
            report("cargo-launchlint --message-format json-diagnostic-short,json-diagnostic-rendered-ansi"),
            cargo(true, true, false)
        );
        assert_eq!(
            report("cargo-launchlint --message-format json-render-diagnostics"),
            cargo(false, false, true)
        );
        // `--format json` stays the JSON contract.
        assert_eq!(
            report("cargo-launchlint --format json"),
            ReportFormat::Plain(Format::Json)
        );
        assert_eq!(
            report("cargo-launchlint"),
            ReportFormat::Plain(Format::Human)
        );
        for bad in [
            "cargo-launchlint --format json --message-format json",
            "cargo-launchlint --message-format human,json",
            "cargo-launchlint --message-format json,short",
            "cargo-launchlint --message-format human,short",
            "cargo-launchlint --message-format sarif",
        ] {
            let error = parse(bad.split_whitespace().map(OsString::from).collect()).expect_err(bad);
            assert!(error.use_stderr(), "{bad}");
        }
    }

    #[test]
    fn level_flags_take_comma_separated_rules() {
        let cli = parse_str("cargo-launchlint -A a,b -D c --warn d,e");
        assert_eq!(
            cli.check.level_flags,
            [
                ("a".to_string(), Level::Allow),
                ("b".to_string(), Level::Allow),
                ("c".to_string(), Level::Deny),
                ("d".to_string(), Level::Warn),
                ("e".to_string(), Level::Warn)
            ]
        );
        let cli = parse_str("cargo-launchlint -D x,y -A y");
        assert_eq!(
            cli.check.level_flags,
            [
                ("x".to_string(), Level::Deny),
                ("y".to_string(), Level::Deny),
                ("y".to_string(), Level::Allow)
            ]
        );
    }

    #[test]
    fn quiet_verbose_and_output() {
        let cli = parse_str("cargo-launchlint -q --output out.sarif --format sarif");
        assert!(cli.check.quiet && !cli.check.verbose);
        assert_eq!(cli.check.output, Some(PathBuf::from("out.sarif")));
        assert!(parse(
            ["cargo-launchlint", "-q", "-v"]
                .map(OsString::from)
                .to_vec()
        )
        .is_err());
    }

    #[test]
    fn later_level_flags_win() {
        let cli = parse_str("cargo-launchlint -D a -A b --warn a");
        assert_eq!(
            cli.check.level_flags,
            [
                ("a".to_string(), Level::Deny),
                ("b".to_string(), Level::Allow),
                ("a".to_string(), Level::Warn)
            ]
        );
    }

    #[test]
    fn packages_repeat_and_split_at_commas() {
        let cli = parse_str("cargo launchlint -p web --package server,jobs");
        assert_eq!(cli.check.packages, ["web", "server", "jobs"]);
        assert!(parse_str("cargo launchlint").check.packages.is_empty());
    }

    #[test]
    fn verbose_flag() {
        assert!(!parse_str("cargo-launchlint .").check.verbose);
        assert!(parse_str("cargo-launchlint . -v").check.verbose);
        assert!(parse_str("cargo launchlint --verbose").check.verbose);
    }

    #[test]
    fn subcommands() {
        assert!(matches!(
            parse_str("cargo-launchlint rules").command,
            Some(Command::Rules(RulesArgs {
                format: ReadinessFormat::Human
            }))
        ));
        assert!(matches!(
            parse_str("cargo launchlint rules --format json").command,
            Some(Command::Rules(RulesArgs {
                format: ReadinessFormat::Json
            }))
        ));
        assert!(matches!(
            parse_str("cargo launchlint explain secret-key-in-client").command,
            Some(Command::Explain { .. })
        ));
        assert!(parse_str("cargo launchlint --staged").check.staged);
        match parse_str("cargo launchlint install-hook --force").command {
            Some(Command::InstallHook(args)) => assert!(args.force && args.path.is_none()),
            other => panic!("{other:?}"),
        }
        match parse_str("cargo launchlint readiness fixtures/demo --format json").command {
            Some(Command::Readiness(args)) => {
                assert_eq!(args.format, ReadinessFormat::Json);
                assert_eq!(args.check_args().path, Some(PathBuf::from("fixtures/demo")));
            }
            other => panic!("{other:?}"),
        }
    }
}
