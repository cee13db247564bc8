//! Built artefacts: the original sources inside `.map` files and the data strings of `.wasm`
//! binaries, which is where secrets compiled into a front end end up.

use std::ops::Range;

/// One original source carried in a source map's `sourcesContent`.
pub struct MappedSource {
    pub name: String,
    pub content: String,
    /// Where the JSON string holding `content` is written in the map, between its quotes
    /// (escapes and all): see [`json_string_offsets`].
    pub raw: Option<Range<usize>>,
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
    let raw = sources_content_strings(text)
        .filter(|strings| strings.len() == map.sources_content.len())
        .unwrap_or_default();
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
                    raw: raw.get(index).cloned().flatten(),
                })
            })
            .collect(),
    )
}

/// Where each entry of the top-level `"sourcesContent"` array of `text` is written: the
/// byte range inside a string's quotes, or `None` for a `null`. `text` is JSON that serde
/// has read as a source map, so one such key exists at most; anything unexpected gives up.
/// One pass, no recursion: values are skipped by counting brackets.
fn sources_content_strings(text: &str) -> Option<Vec<Option<Range<usize>>>> {
    let bytes = text.as_bytes();
    let mut at = skip_blanks(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at += 1;
    loop {
        at = skip_blanks(bytes, at);
        let key_end = json_string_end(bytes, at)?;
        // Keys may be written with escapes, as serde read them.
        let key: String = serde_json::from_str(&text[at..key_end]).ok()?;
        at = skip_blanks(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = skip_blanks(bytes, at + 1);
        if key == "sourcesContent" {
            return array_strings(bytes, at);
        }
        at = skip_blanks(bytes, json_value_end(bytes, at)?);
        match bytes.get(at) {
            Some(b',') => at += 1,
            _ => return None,
        }
    }
}

/// The entries of the array of strings and `null`s at `at`.
fn array_strings(bytes: &[u8], mut at: usize) -> Option<Vec<Option<Range<usize>>>> {
    if bytes.get(at) != Some(&b'[') {
        return None;
    }
    at += 1;
    let mut strings = Vec::new();
    loop {
        at = skip_blanks(bytes, at);
        match bytes.get(at)? {
            b']' if strings.is_empty() => return Some(strings),
            b'"' => {
                let end = json_string_end(bytes, at)?;
                strings.push(Some(at + 1..end - 1));
                at = end;
            }
            b'n' if bytes[at..].starts_with(b"null") => {
                strings.push(None);
                at += 4;
            }
            _ => return None,
        }
        at = skip_blanks(bytes, at);
        match bytes.get(at)? {
            b',' => at += 1,
            b']' => return Some(strings),
            _ => return None,
        }
    }
}

fn skip_blanks(bytes: &[u8], at: usize) -> usize {
    bytes[at.min(bytes.len())..]
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .map_or(bytes.len(), |n| at + n)
}

/// The index after the closing quote of the JSON string starting at `at`.
fn json_string_end(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The index after the JSON value starting at `at`.
fn json_value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => json_string_end(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = json_string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => Some(
            bytes[at..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .map_or(bytes.len(), |n| at + n),
        ),
    }
}

/// Maps byte offsets into the decoded value of a JSON string to offsets into `raw`, the
/// string as written between its quotes. `offsets` must be sorted; one pass over `raw`.
pub fn json_string_offsets(raw: &str, offsets: &[usize]) -> Vec<usize> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(offsets.len());
    let (mut at, mut decoded) = (0, 0);
    let unit = |at: usize| {
        bytes
            .get(at..at + 4)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
    };
    while out.len() < offsets.len() {
        while out.len() < offsets.len() && offsets[out.len()] <= decoded {
            out.push(at);
        }
        if at >= bytes.len() {
            break;
        }
        let (written, length) = match (bytes[at], bytes.get(at + 1)) {
            (b'\\', Some(b'u')) => match unit(at + 2) {
                // A surrogate pair is one character of four bytes.
                Some(0xd800..=0xdbff)
                    if bytes.get(at + 6..at + 8) == Some(&b"\\u"[..])
                        && matches!(unit(at + 8), Some(0xdc00..=0xdfff)) =>
                {
                    (12, 4)
                }
                Some(code) => (6, char::from_u32(code).map_or(3, char::len_utf8)),
                None => (2, 1),
            },
            (b'\\', Some(_)) => (2, 1),
            _ => (1, 1),
        };
        at += written;
        decoded += length;
    }
    // Offsets past the end (there are none for a valid string) point at its end.
    out.resize(offsets.len(), bytes.len());
    out
}

/// Runs of printable ASCII (at least `min` long) in the data segments of a wasm module, with
/// their byte ranges in the file. A module wasmparser cannot read is scanned whole, like
/// `strings` would, so a truncated or newer binary still gets checked.
/// A run of printable bytes in a `.wasm` data segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataString {
    /// Byte range in the file.
    pub span: Range<usize>,
    pub text: String,
}

pub fn wasm_strings(bytes: &[u8], min: usize) -> Vec<DataString> {
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
                        strings.push(DataString {
                            span: segment.start + start..segment.start + index,
                            text,
                        });
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
    fn locates_sources_content_strings() {
        let map = r#"{ "version": 3, "names": ["a", {"x": "]"}], "sources\u0043ontent" : [ "a\"b" , null, "" ], "mappings": "" }"#;
        let contents = source_map_contents(map).unwrap();
        let raw: Vec<&str> = contents
            .iter()
            .map(|c| &map[c.raw.clone().unwrap()])
            .collect();
        assert_eq!(raw, ["a\\\"b", ""]);
        assert_eq!(contents[0].content, "a\"b");
    }

    #[test]
    fn maps_decoded_offsets_to_written_ones() {
        // `\n` is one byte decoded, `\u00e9` two, a surrogate pair (an emoji) four.
        let raw = r"a\nb\u00e9c\ud83d\ude00dKEY";
        let decoded: String = serde_json::from_str(&format!("\"{raw}\"")).unwrap();
        let key = decoded.find("KEY").unwrap();
        let offsets = json_string_offsets(raw, &[0, 1, key, key + 3]);
        assert_eq!(offsets, [0, 1, raw.find("KEY").unwrap(), raw.len()]);
    }

    #[test]
    fn strings_of_raw_bytes() {
        let bytes = b"\x00\x01hello world key\x00\x02ab\x00";
        let strings = wasm_strings(bytes, 8);
        assert_eq!(
            strings,
            [DataString {
                span: 2..17,
                text: "hello world key".to_string()
            }]
        );
    }
}
