//! `cargo launchlint`: a short dispatcher. Arguments are parsed in `cli`, the check runs in
//! `scan`, output is written by a `report` module. Exit codes: 0 no error-level finding,
//! 1 at least one (or a warning with `--deny-warnings`), 2 the tool could not run.

#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use cargo_launchlint::cli::{self, CheckArgs, ColorChoice, Command, Format, ReportFormat};
use cargo_launchlint::report::{self, human::Style};
use cargo_launchlint::{baseline, config, fsio, scan};
use launchlint_rules::extract::redact::{mask_secrets, sanitize};
use launchlint_rules::rules;

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let style = style(cli.color);
    let result = match &cli.command {
        Some(Command::Rules(args)) => Ok(print(&list_rules(args), ExitCode::SUCCESS)),
        Some(Command::Explain { rule }) => explain(rule),
        Some(Command::Readiness(args)) => readiness(args),
        Some(Command::Init(args)) => init(args),
        Some(Command::InstallHook(args)) => install_hook(args),
        None => check(&cli.check, style, cli.color),
    };
    result.unwrap_or_else(|error| {
        let mut rendered = String::new();
        let _ = report::human::handler(Style {
            links: false,
            ..style
        })
        .render_report(&mut rendered, error.as_ref());
        eprint_safe(&rendered);
        ExitCode::from(2)
    })
}

fn check(
    args: &CheckArgs,
    style: Style,
    color: ColorChoice,
) -> Result<ExitCode, Box<dyn miette::Diagnostic>> {
    let started = std::time::Instant::now();
    let mut scan =
        scan::run(args).map_err(|error| Box::new(error) as Box<dyn miette::Diagnostic>)?;
    let as_diagnostic =
        |error: baseline::BaselineError| Box::new(error) as Box<dyn miette::Diagnostic>;
    if let Some(path) = &args.baseline {
        scan.outcome.suppressed +=
            baseline::apply(path, &mut scan.outcome.findings).map_err(as_diagnostic)?;
    }
    if let Some(path) = &args.write_baseline {
        baseline::write(path, &scan.outcome.findings).map_err(as_diagnostic)?;
        if !args.quiet {
            eprint_safe(&format!(
                "launchlint: wrote {} findings to {}\n",
                scan.outcome.findings.len(),
                sanitize(&path.display().to_string())
            ));
        }
    }
    if args.verbose {
        for line in report::verbose_lines(&scan) {
            eprint_safe(&format!("{line}\n"));
        }
    }
    if !args.quiet {
        for note in report::notes_to_print(&scan.notes, args.verbose) {
            eprint_safe(&format!("{}\n", report::note_line(note, &scan.base.prefix)));
        }
    }
    if args.verbose {
        eprint_safe(&format!(
            "launchlint: info: {} files scanned in {:.2} s\n",
            scan.files.len(),
            started.elapsed().as_secs_f64()
        ));
    }
    if let (Some(checked), false) = (&scan.staged, args.quiet) {
        eprint_safe(&match checked.files {
            0 => "launchlint: no staged files to check\n".to_string(),
            1 => "launchlint: checked 1 staged file\n".to_string(),
            n => format!("launchlint: checked {n} staged files\n"),
        });
    }
    let mut report = report::Report::new(&scan);
    report.summary_line = !args.quiet;
    let summary = report.summary;
    let strict_failed = args.strict && summary.not_fully_scanned() > 0;
    // Writing a baseline accepts the findings it records.
    let failed = args.write_baseline.is_none()
        && (summary.errors > 0 || (args.deny_warnings && summary.warnings > 0));
    // A report written to a file is coloured only when asked to be.
    let style = match &args.output {
        Some(_) => Style {
            color: color == ColorChoice::Always,
            links: false,
            width: 100,
        },
        None => style,
    };
    let success = !failed && !strict_failed;
    let output = match args.report {
        ReportFormat::Plain(Format::Human) => report::human::render(&report, style),
        ReportFormat::Plain(Format::Short) => report::short::render(&report),
        ReportFormat::Plain(Format::Json) => report::json::render(&report),
        ReportFormat::Plain(Format::Sarif) => report::sarif::render(&report),
        ReportFormat::Plain(Format::Github) => report::github::render(&report),
        ReportFormat::Plain(Format::JsonCargo) => cargo_json(&report, Default::default(), success),
        ReportFormat::Cargo(options) => cargo_json(&report, options, success),
    };
    // Reporters get sanitized findings; masking the whole output again is the last net.
    let output = mask_secrets(&output);
    let code = if strict_failed {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    let code = match &args.output {
        Some(path) => {
            fsio::write_atomic(path, output.as_bytes()).map_err(|error| {
                Box::new(OutputError {
                    path: sanitize(&path.display().to_string()),
                    reason: error.to_string(),
                }) as Box<dyn miette::Diagnostic>
            })?;
            code
        }
        None => print(&output, code),
    };
    if strict_failed {
        eprint_safe(&format!(
            "launchlint: error: --strict: {} files were not fully scanned (see the notes above)\n",
            summary.not_fully_scanned()
        ));
    }
    Ok(code)
}

/// cargo's JSON messages on stdout; for `json-render-diagnostics` the rendered findings, and
/// unless `--quiet` the summary, on stderr (where cargo prints its own).
fn cargo_json(report: &report::Report, options: cli::CargoJson, success: bool) -> String {
    let rendered = report::json_cargo::render(report, options, success);
    eprint_safe(&rendered.stderr);
    if report.summary_line {
        eprint_safe(&format!("launchlint: {}\n", report.summary));
    }
    rendered.stdout
}

/// One scan, then the launch gate: exit 0 only when every area passes.
fn readiness(args: &cli::ReadinessArgs) -> Result<ExitCode, Box<dyn miette::Diagnostic>> {
    let scan = scan::run(&args.check_args())
        .map_err(|error| Box::new(error) as Box<dyn miette::Diagnostic>)?;
    for note in report::notes_to_print(&scan.notes, false) {
        eprint_safe(&format!("{}\n", report::note_line(note, &scan.base.prefix)));
    }
    let gate = launchlint_rules::pipeline::readiness::assess(&scan.model.launch, &scan.outcome);
    let output = match args.format {
        cli::ReadinessFormat::Human => report::readiness::render(&gate),
        cli::ReadinessFormat::Json => report::readiness::record_json(&gate.record),
    };
    let code = if gate.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    Ok(print(&mask_secrets(&output), code))
}

/// Writes a launchlint.toml from one scan.
fn init(args: &cli::InitArgs) -> Result<ExitCode, Box<dyn miette::Diagnostic>> {
    let written = cargo_launchlint::init::run(args)
        .map_err(|error| Box::new(error) as Box<dyn miette::Diagnostic>)?;
    eprint_safe(&format!(
        "launchlint: wrote {}; fill in the [launch] record, then run `cargo launchlint readiness`\n",
        sanitize(&written.display().to_string())
    ));
    Ok(ExitCode::SUCCESS)
}

/// Writes the git pre-commit hook.
fn install_hook(args: &cli::InstallHookArgs) -> Result<ExitCode, Box<dyn miette::Diagnostic>> {
    use cargo_launchlint::hook::{self, Installed};
    let done =
        hook::install(args).map_err(|error| Box::new(error) as Box<dyn miette::Diagnostic>)?;
    let (verb, path) = match &done {
        Installed::New(path) => ("wrote", path),
        Installed::Updated(path) => ("updated", path),
        Installed::Replaced(path) => ("replaced the hook at", path),
    };
    eprint_safe(&format!(
        "launchlint: {verb} {}; each commit now runs `cargo launchlint --staged`\n",
        sanitize(&path.display().to_string())
    ));
    Ok(ExitCode::SUCCESS)
}

/// The rule list: fitted to the terminal (80 columns when stdout is not one), or JSON.
fn list_rules(args: &cli::RulesArgs) -> String {
    match args.format {
        cli::ReadinessFormat::Json => report::rules_list::json(),
        cli::ReadinessFormat::Human => {
            let width = terminal_size::terminal_size()
                .filter(|_| std::io::stdout().is_terminal())
                .map_or(80, |(w, _)| usize::from(w.0));
            report::rules_list::human(width)
        }
    }
}

fn explain(id: &str) -> Result<ExitCode, Box<dyn miette::Diagnostic>> {
    let Some(rule) = rules::by_id(id) else {
        return Err(Box::new(UnknownRule {
            id: id.to_string(),
            help: config::unknown_rule_help(id),
        }));
    };
    let text = rule.page();
    Ok(print(&text, ExitCode::SUCCESS))
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write the report to `{path}`: {reason}")]
#[diagnostic(code(launchlint::output))]
struct OutputError {
    path: String,
    reason: String,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("unknown rule `{id}`")]
#[diagnostic(code(launchlint::unknown_rule), help("{help}"))]
struct UnknownRule {
    id: String,
    help: String,
}

/// Writes to stderr with every secret-shaped value masked: error messages quote input.
fn eprint_safe(text: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(mask_secrets(text).as_bytes());
}

/// Writes to stdout; a closed pipe (`| head`) ends the program quietly with `code`.
fn print(text: &str, code: ExitCode) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    code
}

/// Colour follows `--color`, then `NO_COLOR` and `CARGO_TERM_COLOR`, then the terminal.
fn style(choice: ColorChoice) -> Style {
    let terminal = std::io::stdout().is_terminal();
    let env_says = match std::env::var("CARGO_TERM_COLOR").as_deref() {
        Ok("always") => Some(true),
        Ok("never") => Some(false),
        _ => None,
    };
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
        ColorChoice::Auto => env_says.unwrap_or(terminal),
    };
    let width = terminal_size::terminal_size()
        .filter(|_| terminal)
        .map_or(100, |(w, _)| usize::from(w.0));
    Style {
        color,
        links: terminal && color,
        width,
    }
}
