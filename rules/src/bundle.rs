//! Built artefacts: the original sources inside `.map` files and the data strings of `.wasm`
//! binaries, which is where secrets compiled into a front end end up.

use std::ops::Range;

/// One original source carried in a source map's `sourcesContent`.
pub struct MappedSource {
    pub name: String,
    pub content: String,
}

/// The `sourcesContent` entries of a source map, or `None` when the text is not one.
pub fn source_map_contents(text: &str) -> Option<Vec<MappedSource>> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct SourceMap {
        #[serde(default)]
        sources: Vec<Option<String>>,
        #[serde(default)]
        sources_content: Vec<Option<String>>,
    }
    let map: SourceMap = serde_json::from_str(text).ok()?;
    Some(
        map.sources_content
            .into_iter()
            .enumerate()
            .filter_map(|(index, content)| {
                let name = map
                    .sources
                    .get(index)
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| format!("source #{index}"));
                Some(MappedSource {
                    name,
                    content: content?,
                })
            })
            .collect(),
    )
}

/// Runs of printable ASCII (at least `min` long) in the data segments of a wasm module, with
/// their byte ranges in the file. A module wasmparser cannot read is scanned whole, like
/// `strings` would, so a truncated or newer binary still gets checked.
pub fn wasm_strings(bytes: &[u8], min: usize) -> Vec<(Range<usize>, String)> {
    let mut segments: Vec<Range<usize>> = Vec::new();
    let mut readable = true;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload {
            Ok(wasmparser::Payload::DataSection(reader)) => {
                for data in reader {
                    match data {
                        Ok(data) => {
                            segments.push(to_usize(data.range.start)..to_usize(data.range.end))
                        }
                        Err(_) => readable = false,
                    }
                }
            }
            Ok(_) => {}
            Err(_) => {
                readable = false;
                break;
            }
        }
    }
    if !readable || segments.is_empty() {
        segments = std::iter::once(0..bytes.len()).collect();
    }
    let mut strings = Vec::new();
    for segment in segments {
        let data = &bytes[segment.start.min(bytes.len())..segment.end.min(bytes.len())];
        let mut run_start = None;
        for (index, byte) in data.iter().chain(std::iter::once(&0)).enumerate() {
            let printable = byte.is_ascii_graphic() || *byte == b' ';
            match (printable, run_start) {
                (true, None) => run_start = Some(index),
                (false, Some(start)) => {
                    if index - start >= min {
                        let text = String::from_utf8_lossy(&data[start..index]).into_owned();
                        strings.push((segment.start + start..segment.start + index, text));
                    }
                    run_start = None;
                }
                _ => {}
            }
        }
    }
    strings
}

/// Offsets past the address space cannot index the bytes anyway; clamp them.
fn to_usize(offset: impl TryInto<usize>) -> usize {
    offset.try_into().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sources_content() {
        let map = r#"{"version":3,"sources":["src/a.ts","src/b.ts"],"sourcesContent":["const a = 1;",null],"mappings":""}"#;
        let contents = source_map_contents(map).unwrap();
        assert_eq!(contents.len(), 1);
        assert_eq!(contents[0].name, "src/a.ts");
        assert!(source_map_contents("not json").is_none());
    }

    #[test]
    fn strings_of_raw_bytes() {
        let bytes = b"\x00\x01hello world key\x00\x02ab\x00";
        let strings = wasm_strings(bytes, 8);
        assert_eq!(strings, [(2..17, "hello world key".to_string())]);
    }
}
