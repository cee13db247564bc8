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
    /// List every rule with its default level and area
    Rules,
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
pub struct InitArgs {
    /// Folder to scan and write launchlint.toml into (default: the current directory)
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
    /// Path to the workspace's Cargo.toml
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Config file to use instead of launchlint.toml
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Output format
    #[arg(long, visible_alias = "message-format", value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Override `[launch] environment`
    #[arg(long, value_enum)]
    pub environment: Option<EnvironmentArg>,
    /// Set a rule to allow (repeatable; later flags win)
    #[arg(short = 'A', long = "allow", value_name = "RULE")]
    pub allow: Vec<String>,
    /// Set a rule to warn
    #[arg(short = 'W', long = "warn", value_name = "RULE")]
    pub warn: Vec<String>,
    /// Set a rule to deny
    #[arg(short = 'D', long = "deny", value_name = "RULE")]
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
    /// List every skipped binary file on stderr (the summary counts them)
    #[arg(short, long)]
    pub verbose: bool,
    /// Rule levels from -A/-W/-D in command-line order; filled after parsing.
    #[arg(skip)]
    pub level_flags: Vec<(String, Level)>,
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
    let matches = Cli::command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    cli.check.level_flags = ordered_level_flags(&matches);
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
                    .map(|(at, rule)| (at, rule.clone(), level)),
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
        assert_eq!(
            parse_str("cargo-launchlint --message-format short")
                .check
                .format,
            Format::Short
        );
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
    fn verbose_flag() {
        assert!(!parse_str("cargo-launchlint .").check.verbose);
        assert!(parse_str("cargo-launchlint . -v").check.verbose);
        assert!(parse_str("cargo launchlint --verbose").check.verbose);
    }

    #[test]
    fn subcommands() {
        assert!(matches!(
            parse_str("cargo-launchlint rules").command,
            Some(Command::Rules)
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
