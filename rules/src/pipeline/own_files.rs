//! Files launchlint wrote itself: its JSON and SARIF reports (`--output launchlint.sarif` in
//! the checkout, where CI often writes it) and the rule docs pages (`docs/rules/<id>.md`).
//! They quote findings, messages and every rule's docs, so reading them as project files
//! would report the examples of the docs as findings of the next run. Such a file is read by
//! the credential rules only: a genuine one never holds a full secret (every output is
//! masked, and the docs' example keys are placeholders), and a forged one that does is still
//! reported.

use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::rules;

/// The name every report gives as its tool.
const TOOL: &str = "cargo-launchlint";
/// How far into a file the tool's name must appear for the file to be parsed as a report:
/// both formats name the tool in their first lines.
const HEAD: usize = 4096;

/// Whether `bytes` at `path` is a report or docs page written by launchlint.
pub fn is_own_file(path: &str, bytes: &[u8]) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some(id) = name.strip_suffix(".md") {
        return is_rule_page(id, bytes);
    }
    let sarif = name.ends_with(".sarif") || name.ends_with(".sarif.json");
    if !sarif && !name.ends_with(".json") {
        return false;
    }
    let head = &bytes[..bytes.len().min(HEAD)];
    if !head
        .windows(TOOL.len())
        .any(|window| window == TOOL.as_bytes())
    {
        return false;
    }
    is_sarif_report(bytes) || (!sarif && is_json_report(bytes))
}

/// `docs/rules/<id>.md` as `explain` prints it, whatever the line endings.
fn is_rule_page(id: &str, bytes: &[u8]) -> bool {
    let Some(rule) = rules::by_id(id) else {
        return false;
    };
    let page = rule.page();
    bytes == page.as_bytes()
        || std::str::from_utf8(bytes).is_ok_and(|text| text.replace("\r\n", "\n") == page)
}

#[derive(Deserialize)]
struct Sarif {
    version: String,
    runs: Vec<SarifRun>,
}

#[derive(Deserialize)]
struct SarifRun {
    tool: SarifTool,
}

#[derive(Deserialize)]
struct SarifTool {
    driver: Named,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

/// A SARIF log whose every run is launchlint's.
fn is_sarif_report(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Sarif>(bytes).is_ok_and(|log| {
        log.version == "2.1.0"
            && !log.runs.is_empty()
            && log.runs.iter().all(|run| run.tool.driver.name == TOOL)
    })
}

/// The JSON contract's shape: `version`, `tool`, `findings`, `summary`.
#[derive(Deserialize)]
struct JsonReport {
    #[allow(dead_code)]
    version: u32,
    tool: Named,
    #[allow(dead_code)]
    findings: Vec<IgnoredAny>,
    #[allow(dead_code)]
    summary: IgnoredAny,
}

fn is_json_report(bytes: &[u8]) -> bool {
    serde_json::from_slice::<JsonReport>(bytes).is_ok_and(|report| report.tool.name == TOOL)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SARIF: &str = r#"{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [{"tool": {"driver": {"name": "cargo-launchlint", "version": "0.1.0", "rules": []}}, "results": []}]}"#;
    const JSON: &str = r#"{"version": 1, "tool": {"name": "cargo-launchlint", "version": "0.1.0"}, "findings": [], "summary": {"files_scanned": 1}}"#;

    #[test]
    fn reports_are_recognized_by_shape_and_tool() {
        assert!(is_own_file("launchlint.sarif", SARIF.as_bytes()));
        assert!(is_own_file("out/scan.sarif.json", SARIF.as_bytes()));
        assert!(is_own_file("launchlint.json", SARIF.as_bytes()));
        assert!(is_own_file("reports/launchlint.json", JSON.as_bytes()));
        // Another tool's SARIF, a report under another name, a broken one.
        let other = SARIF.replace("\"cargo-launchlint\"", "\"clippy\"");
        assert!(!is_own_file("clippy.sarif", other.as_bytes()));
        assert!(!is_own_file("launchlint.txt", JSON.as_bytes()));
        assert!(!is_own_file("launchlint.sarif", JSON.as_bytes()));
        assert!(!is_own_file("a.json", &JSON.as_bytes()[..JSON.len() - 1]));
        // Naming the tool is not enough: `package.json` of a project that runs it.
        let package = r#"{"name": "shop", "scripts": {"lint": "cargo-launchlint"}}"#;
        assert!(!is_own_file("package.json", package.as_bytes()));
    }

    #[test]
    fn rule_pages_are_recognized_by_their_exact_text() {
        let rule = rules::ALL[0];
        let page = rule.page();
        let name = format!("docs/rules/{}.md", rule.id);
        assert!(is_own_file(&name, page.as_bytes()));
        assert!(is_own_file(&name, page.replace('\n', "\r\n").as_bytes()));
        let edited = format!("{page}\nsk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\n");
        assert!(!is_own_file(&name, edited.as_bytes()));
        assert!(!is_own_file("docs/rules/runbook.md", page.as_bytes()));
        let other = format!("docs/rules/{}.md", rules::ALL[1].id);
        assert!(!is_own_file(&other, page.as_bytes()));
    }
}
