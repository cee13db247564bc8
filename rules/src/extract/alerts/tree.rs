//! A small document tree for alert definitions, read from YAML (with `saphyr-parser`, whose
//! events carry line numbers) or from JSON (with `serde_json`), with bounds: alert files
//! are untrusted input, so the tree has a node budget and a depth limit, and YAML aliases
//! are never expanded (an alias is [`Node::Alias`], so an alias bomb costs one node per
//! alias written, not billions).

use saphyr_parser::{Event, Parser};

/// At most this many nodes per file (a large Prometheus rules file has a few thousand).
pub const MAX_NODES: usize = 200_000;
/// At most this deep (alert definitions nest five or six levels).
pub const MAX_DEPTH: usize = 64;

/// A node of a YAML or JSON document.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// A scalar, as written (numbers and booleans too).
    Scalar(String),
    Seq(Vec<Node>),
    /// Keys in order, each with the 1-based line its key is on (0 for JSON).
    Map(Vec<Entry>),
    /// A YAML alias: not expanded.
    Alias,
    Null,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub line: usize,
    pub value: Node,
}

impl Node {
    /// The value under `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|entry| &entry.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match self {
            Node::Map(entries) => entries.iter().find(|entry| entry.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> &[Node] {
        match self {
            Node::Seq(items) => items,
            _ => &[],
        }
    }

    /// Every scalar below this node, in document order (for expressions spread over a
    /// Grafana rule's `data`).
    pub fn scalars(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            match node {
                Node::Scalar(text) => out.push(text.as_str()),
                Node::Seq(items) => stack.extend(items.iter().rev()),
                Node::Map(entries) => stack.extend(entries.iter().rev().map(|e| &e.value)),
                Node::Alias | Node::Null => {}
            }
        }
        out
    }
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotRead {
    /// 1-based line, when known.
    pub line: Option<usize>,
    pub message: String,
}

/// A container being built: its nodes so far, and for a map the key waiting for its value.
enum Open {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        key: Option<(String, usize)>,
    },
}

/// Every document of a YAML stream.
pub fn yaml(text: &str) -> Result<Vec<Node>, NotRead> {
    let mut documents = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut nodes = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| NotRead {
            line: Some(error.marker().line()),
            message: error.info().to_string(),
        })?;
        let line = span.start.line();
        let node = match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(NotRead {
                        line: Some(line),
                        message: format!("nests deeper than {MAX_DEPTH} levels"),
                    });
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq(Vec::new()),
                    _ => Open::Map {
                        entries: Vec::new(),
                        key: None,
                    },
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(items)) => Node::Seq(items),
                Some(Open::Map { entries, .. }) => Node::Map(entries),
                None => continue,
            },
            Event::Scalar(value, ..) => Node::Scalar(value.into_owned()),
            Event::Alias(_) => Node::Alias,
            _ => continue,
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(NotRead {
                line: Some(line),
                message: format!("more than {MAX_NODES} nodes"),
            });
        }
        match stack.last_mut() {
            None => documents.push(node),
            Some(Open::Seq(items)) => items.push(node),
            Some(Open::Map { entries, key }) => match key.take() {
                Some((key, line)) => entries.push(Entry {
                    key,
                    line,
                    value: node,
                }),
                // A key: scalars are kept as written; a complex key is kept as its text-less
                // placeholder, since no alert definition uses one.
                None => *key = Some((node.as_str().unwrap_or_default().to_string(), line)),
            },
        }
    }
    Ok(documents)
}

/// A JSON document (serde_json limits nesting to 128 levels itself).
pub fn json(text: &str) -> Result<Node, NotRead> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| NotRead {
        line: Some(error.line()),
        message: error.to_string(),
    })?;
    let mut budget = MAX_NODES;
    from_json(&value, 0, &mut budget).ok_or(NotRead {
        line: None,
        message: format!("more than {MAX_NODES} nodes or {MAX_DEPTH} levels"),
    })
}

fn from_json(value: &serde_json::Value, depth: usize, budget: &mut usize) -> Option<Node> {
    *budget = budget.checked_sub(1)?;
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match value {
        serde_json::Value::Null => Node::Null,
        serde_json::Value::String(text) => Node::Scalar(text.clone()),
        serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
            Node::Scalar(value.to_string())
        }
        serde_json::Value::Array(items) => Node::Seq(
            items
                .iter()
                .map(|item| from_json(item, depth + 1, budget))
                .collect::<Option<_>>()?,
        ),
        serde_json::Value::Object(map) => Node::Map(
            map.iter()
                .map(|(key, value)| {
                    Some(Entry {
                        key: key.clone(),
                        line: 0,
                        value: from_json(value, depth + 1, budget)?,
                    })
                })
                .collect::<Option<_>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_maps_and_sequences_with_key_lines() {
        let docs =
            yaml("groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up == 0\n")
                .unwrap();
        let groups = docs[0].entry("groups").unwrap();
        assert_eq!(groups.line, 1);
        let rule = &groups.value.as_seq()[0].get("rules").unwrap().as_seq()[0];
        assert_eq!(rule.get("alert").and_then(Node::as_str), Some("X"));
        assert_eq!(rule.entry("expr").unwrap().line, 5);
        assert_eq!(rule.scalars(), ["X", "up == 0"]);
    }

    #[test]
    fn several_documents_and_flow_style() {
        let docs = yaml("a: {b: [1, 2]}\n---\nc: d\n").unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].get("a").unwrap().get("b").unwrap().as_seq().len(),
            2
        );
    }

    #[test]
    fn aliases_are_not_expanded() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
        }
        let docs = yaml(&bomb).unwrap();
        assert_eq!(docs[0].get("i").unwrap().as_seq()[0], Node::Alias);
    }

    #[test]
    fn bad_and_hostile_input_is_an_error_not_a_panic() {
        let error = yaml("groups:\n  - name: a\n   rules: [\n").unwrap_err();
        assert!(error.line.is_some(), "{error:?}");
        let deep = "[".repeat(10_000);
        assert!(yaml(&deep).is_err());
        assert!(json(&"[".repeat(10_000)).is_err());
        assert!(json("{\"a\": [1, {\"b\": null}]}").is_ok());
    }
}
