//! Alert definitions as plain data: Prometheus rule files (`groups[].rules[]` with `alert`,
//! `expr`, `labels`, `annotations`, also inside a Kubernetes `PrometheusRule`), Grafana
//! alert rules (provisioning files in YAML or JSON, and the `alert` of a legacy dashboard
//! panel) and Datadog monitors (JSON), each recognized by its shape.
//!
//! A file is read as alert definitions when the config lists it (`[monitoring] alerts`), when
//! its name or folder says so (`alerts*.yml`, `*.rules.yml`, a `monitoring/` or `alerts/`
//! folder), or when its text looks like one (a YAML file with `groups:` and `alert:` or
//! `title:`, a JSON file with a Datadog monitor `type` or Grafana rule keys). Which alerts
//! watch which launch signal is decided later (`link::alerts`); here is only what is written.

pub mod tree;

use std::ops::Range;

use tree::{Node, NotRead};

/// Alert files larger than this are not read as alert definitions (the largest public
/// Prometheus rule collections are a few hundred KiB).
pub const MAX_ALERT_BYTES: usize = 2 << 20;

/// Which kind of alert definition a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertFormat {
    Prometheus,
    Grafana,
    Datadog,
}

impl AlertFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertFormat::Prometheus => "Prometheus",
            AlertFormat::Grafana => "Grafana",
            AlertFormat::Datadog => "Datadog",
        }
    }
}

/// One alert as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertDef {
    /// `alert` (Prometheus), `title` (Grafana), `name` (Datadog).
    pub name: String,
    /// The expression or query: `expr`, a Grafana rule's `data` queries, a monitor's `query`.
    pub expr: String,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    /// The line of its name, as a span of the file.
    pub span: Range<usize>,
}

/// A file read as alert definitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertFile {
    /// `None` when the file could not be read (see `unreadable`) or holds no known shape.
    pub format: Option<AlertFormat>,
    pub alerts: Vec<AlertDef>,
    /// Where a missing alert belongs: the `groups:` line of a rules file, else line 1.
    pub anchor: Range<usize>,
    /// Listed in `[monitoring] alerts`.
    pub configured: bool,
    /// Why the file could not be read as YAML or JSON, when it could not.
    pub unreadable: Option<String>,
}

/// How a file came to be read as alert definitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// `[monitoring] alerts` lists it.
    Configured,
    /// Its name or folder says it holds alerts.
    Named,
    /// Its text looks like alert definitions.
    Looks,
}

/// Why `path` is read as alert definitions, if it is. `configured`: the config lists it.
pub fn why(path: &str, text: &str, configured: bool) -> Option<Why> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let json = name.ends_with(".json");
    if configured {
        return Some(Why::Configured);
    }
    if !yaml && !json {
        return None;
    }
    let dirs: Vec<&str> = path.split('/').collect();
    let in_folder = dirs[..dirs.len() - 1]
        .iter()
        .any(|dir| matches!(dir.to_ascii_lowercase().as_str(), "monitoring" | "alerts"));
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(stem, _)| stem);
    if in_folder || (yaml && (name.starts_with("alert") || stem.ends_with(".rules"))) {
        return Some(Why::Named);
    }
    let looks = if yaml {
        text.contains("groups:") && (text.contains("alert:") || text.contains("title:"))
    } else {
        [
            "metric alert\"",
            "query alert\"",
            "log alert\"",
            "service check\"",
        ]
        .iter()
        .any(|mark| text.contains(mark))
            || (text.contains("\"condition\"") && text.contains("\"title\""))
            || (text.contains("\"alert\"") && text.contains("\"conditions\""))
    };
    looks.then_some(Why::Looks)
}

/// Reads `text` as alert definitions. `Err` when a listed or named file cannot be read (the
/// caller notes why); `Ok(None)` when a file that only looked like one is not one.
pub fn read(path: &str, text: &str, why: Why) -> Result<Option<AlertFile>, String> {
    let named = why != Why::Looks;
    let mut file = AlertFile {
        format: None,
        alerts: Vec::new(),
        anchor: line_span(text, 1),
        configured: why == Why::Configured,
        unreadable: None,
    };
    if text.len() > MAX_ALERT_BYTES {
        return match named {
            true => Err(format!(
                "larger than {} MiB, not read as alert definitions",
                MAX_ALERT_BYTES >> 20
            )),
            false => Ok(None),
        };
    }
    let documents = if path.to_ascii_lowercase().ends_with(".json") {
        tree::json(text).map(|node| vec![node])
    } else {
        tree::yaml(text)
    };
    let documents = match documents {
        Ok(documents) => documents,
        Err(NotRead { line, message }) if named => {
            let at = line
                .map(|l| format!(" (line {l}: {message})"))
                .unwrap_or_else(|| format!(" ({message})"));
            let kind = if path.to_ascii_lowercase().ends_with(".json") {
                "JSON"
            } else {
                "YAML"
            };
            return Err(format!(
                "could not parse as {kind}{at}; its alerts are not read"
            ));
        }
        Err(_) => return Ok(None),
    };
    for document in &documents {
        shapes(document, text, &mut file);
    }
    Ok((file.format.is_some() || file.configured).then_some(file))
}

/// The span of line `line` (1-based) without its indentation and line end.
fn line_span(text: &str, line: usize) -> Range<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    let content = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
    let indent = content.len() - content.trim_start().len();
    start + indent..start + content.trim_end().len().max(indent)
}

fn pairs(node: Option<&Node>) -> Vec<(String, String)> {
    match node {
        Some(Node::Map(entries)) => entries
            .iter()
            .map(|e| (e.key.clone(), e.value.scalars().join(" ")))
            .collect(),
        _ => Vec::new(),
    }
}

fn text_of(node: Option<&Node>) -> String {
    node.map(|n| n.scalars().join(" ")).unwrap_or_default()
}

/// Every known shape in one document.
fn shapes(document: &Node, text: &str, file: &mut AlertFile) {
    let found = |format: AlertFormat, alert: Option<AlertDef>, file: &mut AlertFile| {
        if file.format.is_none() || format == AlertFormat::Grafana {
            file.format = Some(format);
        }
        file.alerts.extend(alert);
    };
    // Prometheus rule groups, at the top or in a PrometheusRule's `spec`; Grafana
    // provisioning files share the `groups[].rules[]` shape.
    let groups = document
        .entry("groups")
        .or_else(|| document.get("spec").and_then(|spec| spec.entry("groups")));
    if let Some(groups) = groups.filter(|g| matches!(g.value, Node::Seq(_))) {
        let rule_lists: Vec<&Node> = groups
            .value
            .as_seq()
            .iter()
            .filter_map(|group| group.get("rules"))
            .filter(|rules| matches!(rules, Node::Seq(_)))
            .collect();
        if !rule_lists.is_empty() {
            if groups.line > 0 {
                file.anchor = line_span(text, groups.line);
            }
            file.format.get_or_insert(AlertFormat::Prometheus);
        }
        for rule in rule_lists.into_iter().flat_map(Node::as_seq) {
            if let Some((format, alert)) = rule_alert(rule, text) {
                found(format, Some(alert), file);
            }
        }
        return;
    }
    match document {
        // A list of Datadog monitors or Grafana rules.
        Node::Seq(items) => {
            for item in items {
                if let Some((format, alert)) = monitor_or_rule(item, text) {
                    found(format, Some(alert), file);
                }
            }
        }
        Node::Map(_) => {
            if let Some(monitors) = document.get("monitors") {
                for item in monitors.as_seq() {
                    if let Some((format, alert)) = monitor_or_rule(item, text) {
                        found(format, Some(alert), file);
                    }
                }
            } else if let Some((format, alert)) = monitor_or_rule(document, text) {
                found(format, Some(alert), file);
            } else {
                let dashboard = document.get("dashboard").unwrap_or(document);
                for panel in panels(dashboard) {
                    if let Some(alert) = panel.get("alert").filter(|a| matches!(a, Node::Map(_))) {
                        let name = alert.get("name").and_then(Node::as_str).unwrap_or("");
                        found(
                            AlertFormat::Grafana,
                            Some(AlertDef {
                                name: name.to_string(),
                                expr: text_of(panel.get("targets")),
                                labels: pairs(alert.get("alertRuleTags")),
                                annotations: vec![(
                                    "message".into(),
                                    text_of(alert.get("message")),
                                )],
                                span: line_span(
                                    text,
                                    alert.entry("name").map_or(1, |e| e.line.max(1)),
                                ),
                            }),
                            file,
                        );
                    }
                }
            }
        }
        _ => {}
    }
}

/// A Prometheus alerting rule or a Grafana rule of a rule group.
fn rule_alert(rule: &Node, text: &str) -> Option<(AlertFormat, AlertDef)> {
    let (format, key, expr) = if rule.get("alert").is_some() {
        (AlertFormat::Prometheus, "alert", text_of(rule.get("expr")))
    } else if rule.get("title").is_some()
        && (rule.get("data").is_some() || rule.get("condition").is_some())
    {
        (AlertFormat::Grafana, "title", text_of(rule.get("data")))
    } else {
        return None;
    };
    let entry = rule.entry(key)?;
    Some((
        format,
        AlertDef {
            name: entry.value.as_str().unwrap_or_default().to_string(),
            expr,
            labels: pairs(rule.get("labels")),
            annotations: pairs(rule.get("annotations")),
            span: line_span(text, entry.line.max(1)),
        },
    ))
}

/// A Datadog monitor (`name`, `type`, `query`) or a Grafana rule (`title`, `condition`/`data`).
fn monitor_or_rule(node: &Node, text: &str) -> Option<(AlertFormat, AlertDef)> {
    if let Some(found) = rule_alert(node, text).filter(|(f, _)| *f == AlertFormat::Grafana) {
        return Some(found);
    }
    let name = node.entry("name")?;
    let query = node.get("query")?.as_str()?;
    node.get("type")?.as_str()?;
    let labels = node
        .get("tags")
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_str)
        .map(|tag| match tag.split_once(':') {
            Some((key, value)) => (key.to_string(), value.to_string()),
            None => (tag.to_string(), String::new()),
        })
        .collect();
    Some((
        AlertFormat::Datadog,
        AlertDef {
            name: name.value.as_str().unwrap_or_default().to_string(),
            expr: query.to_string(),
            labels,
            annotations: vec![("message".into(), text_of(node.get("message")))],
            span: line_span(text, name.line.max(1)),
        },
    ))
}

/// The panels of a Grafana dashboard, rows' panels included.
fn panels(dashboard: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = dashboard
        .get("panels")
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .collect();
    while let Some(panel) = stack.pop() {
        out.push(panel);
        stack.extend(panel.get("panels").map(Node::as_seq).unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests;
