//! Reading template text (YAML or JSON) into a [`Value`] tree, with limits that turn hostile
//! input into errors: nesting depth, node count (which bounds alias expansion, the "billion
//! laughs"), the length of one text value, and the size of the file.
//!
//! Short-form intrinsics are YAML tags: `!Ref X` becomes `{"Ref": "X"}`, `!GetAtt A.B`
//! becomes `{"Fn::GetAtt": ["A", "B"]}`, any other `!Name v` becomes `{"Fn::Name": v}` —
//! the long form JSON templates use, so the importer understands one form only.

use super::value::{Map, Value, long_form};
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use std::collections::{BTreeMap, HashSet};

/// Largest template read, bytes. CloudFormation itself takes at most 1 MB.
pub const MAX_TEMPLATE_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting of mappings and lists (real templates stay under 20).
pub const MAX_DEPTH: usize = 64;
/// Most nodes a template may expand to, aliases included.
pub const MAX_NODES: usize = 500_000;
/// Longest single text value, bytes (CloudFormation's whole template is at most 1 MB).
pub const MAX_SCALAR_BYTES: usize = 1024 * 1024;

/// Why template text could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ReadError {
    /// The file holds nothing but blanks and comments.
    #[error("the file is empty")]
    Empty,
    /// Larger than [`MAX_TEMPLATE_BYTES`].
    #[error(
        "the file is {} MB; templates are at most {} MB (CloudFormation itself takes 1 MB)",
        mb(*.0),
        MAX_TEMPLATE_BYTES / (1024 * 1024)
    )]
    TooLarge(usize),
    /// Not UTF-8.
    #[error("the file is not UTF-8 text (is it a template?)")]
    NotText,
    /// A YAML or JSON syntax error.
    #[error("{line}:{col}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        col: usize,
        /// What is wrong there.
        message: String,
    },
}

fn mb(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

impl ReadError {
    fn at(span: &Span, message: impl Into<String>) -> ReadError {
        ReadError::Syntax {
            line: span.start.line(),
            col: span.start.col() + 1,
            message: message.into(),
        }
    }
}

/// Reads a template: JSON when it starts with `{`, YAML otherwise; with notes on what was
/// read leniently (keys given twice).
pub fn read_template(bytes: &[u8]) -> Result<(Value, Vec<String>), ReadError> {
    if bytes.len() > MAX_TEMPLATE_BYTES {
        return Err(ReadError::TooLarge(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ReadError::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    if text.trim_start().starts_with('{') {
        match read_json(text) {
            Ok(v) => return Ok((v, Vec::new())),
            // A flow-style YAML document also starts with `{`; say the JSON error if it is
            // not YAML either.
            Err(json_error) => return read_yaml_noting(text).map_err(|_| json_error),
        }
    }
    read_yaml_noting(text)
}

/// Reads JSON text.
pub fn read_json(text: &str) -> Result<Value, ReadError> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| ReadError::Syntax {
        line: e.line(),
        col: e.column(),
        message: json_message(&e),
    })?;
    Ok(Value::from_json(&json))
}

fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the position is shown separately.
    let message = text
        .rfind(" at line ")
        .map_or(text.as_str(), |i| &text[..i]);
    if message.contains("recursion limit") {
        "nesting is too deep (JSON templates are read up to 128 levels)".to_owned()
    } else {
        format!("JSON: {message}")
    }
}

/// A mapping or list being built.
enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        tag: Option<String>,
        nodes: usize,
    },
    Map {
        map: Map,
        keys: HashSet<String>,
        key: Option<String>,
        /// The pending key appeared before: its value replaces the earlier one.
        dup: bool,
        anchor: usize,
        tag: Option<String>,
        nodes: usize,
    },
}

/// Reads YAML text (the first document).
pub fn read_yaml(text: &str) -> Result<Value, ReadError> {
    read_yaml_noting(text).map(|(v, _)| v)
}

/// Reads YAML text (the first document), with a note for each key that appears twice in
/// one mapping (the last one is kept, as CloudFormation does).
pub fn read_yaml_noting(text: &str) -> Result<(Value, Vec<String>), ReadError> {
    let mut reader = YamlReader::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| ReadError::Syntax {
            line: e.marker().line(),
            col: e.marker().col() + 1,
            message: if e.info().contains("recursion limit") {
                format!("nesting deeper than {MAX_DEPTH} levels")
            } else {
                format!("YAML: {}", e.info())
            },
        })?;
        if reader.event(event, &span)? {
            break;
        }
    }
    let notes = std::mem::take(&mut reader.duplicates);
    reader.root.map(|r| (r, notes)).ok_or(ReadError::Empty)
}

#[derive(Default)]
struct YamlReader {
    stack: Vec<Frame>,
    anchors: BTreeMap<usize, (Value, usize)>,
    nodes: usize,
    root: Option<Value>,
    duplicates: Vec<String>,
}

impl YamlReader {
    /// Takes one event; `true` when the first document is complete.
    fn event(&mut self, event: Event<'_>, span: &Span) -> Result<bool, ReadError> {
        match event {
            Event::Nothing
            | Event::StreamStart
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::StreamEnd => Ok(self.root.is_some()),
            Event::Scalar(text, style, anchor, tag) => {
                if text.len() > MAX_SCALAR_BYTES {
                    return Err(ReadError::at(
                        span,
                        format!(
                            "a text value of {} MB; templates hold at most {} KB in one value",
                            mb(text.len()),
                            MAX_SCALAR_BYTES / 1024
                        ),
                    ));
                }
                self.count(1, span)?;
                let value = scalar(&text, style, tag.as_deref());
                self.complete(value, 1, anchor, span)
            }
            Event::Alias(id) => {
                let Some((value, nodes)) = self.anchors.get(&id).cloned() else {
                    return Err(ReadError::at(span, "an alias to an unknown anchor"));
                };
                self.count(nodes, span)?;
                self.complete(value, nodes, 0, span)
            }
            Event::SequenceStart(anchor, tag) => {
                self.open(span)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                    tag: local_tag(tag.as_deref()),
                    nodes: 1,
                });
                Ok(false)
            }
            Event::MappingStart(anchor, tag) => {
                self.open(span)?;
                self.stack.push(Frame::Map {
                    map: Map::new(),
                    keys: HashSet::new(),
                    key: None,
                    dup: false,
                    anchor,
                    tag: local_tag(tag.as_deref()),
                    nodes: 1,
                });
                Ok(false)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, tag, nodes) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        tag,
                        nodes,
                    }) => (Value::Seq(items), anchor, tag, nodes),
                    Some(Frame::Map {
                        map,
                        anchor,
                        tag,
                        nodes,
                        ..
                    }) => (Value::Map(map), anchor, tag, nodes),
                    None => return Err(ReadError::at(span, "unbalanced end of a collection")),
                };
                let value = match tag {
                    Some(t) => intrinsic(&t, value),
                    None => value,
                };
                self.complete(value, nodes, anchor, span)
            }
        }
    }

    fn open(&mut self, span: &Span) -> Result<(), ReadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(ReadError::at(
                span,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.count(1, span)
    }

    fn count(&mut self, nodes: usize, span: &Span) -> Result<(), ReadError> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err(ReadError::at(
                span,
                format!(
                    "the template expands to more than {MAX_NODES} values (aliases repeating anchors, an \"alias bomb\"?)"
                ),
            ));
        }
        Ok(())
    }

    /// A node is complete: remember its anchor and hand it to its parent.
    fn complete(
        &mut self,
        value: Value,
        nodes: usize,
        anchor: usize,
        span: &Span,
    ) -> Result<bool, ReadError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), nodes));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(true)
            }
            Some(Frame::Seq {
                items, nodes: n, ..
            }) => {
                items.push(value);
                *n += nodes;
                Ok(false)
            }
            Some(Frame::Map {
                map,
                keys,
                key,
                dup,
                nodes: n,
                ..
            }) => {
                *n += nodes;
                match key.take() {
                    Some(k) if *dup => {
                        map.0.retain(|(old, _)| *old != k);
                        map.0.push((k, value));
                        *dup = false;
                    }
                    Some(k) => map.0.push((k, value)),
                    None => {
                        let k = key_text(value)
                            .ok_or_else(|| ReadError::at(span, "a mapping key must be text"))?;
                        if !keys.insert(k.clone()) {
                            // As CloudFormation's own reader: the last one counts.
                            self.duplicates.push(format!(
                                "line {}: the key \"{}\" appears twice; the last one is used",
                                span.start.line(),
                                crate::model::truncate(&k)
                            ));
                            *dup = true;
                        }
                        *key = Some(k);
                    }
                }
                Ok(false)
            }
        }
    }
}

fn key_text(v: Value) -> Option<String> {
    match v {
        Value::String(s) | Value::Number(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        Value::Seq(_) | Value::Map(_) | Value::Tagged(..) => None,
    }
}

/// A local tag's name (`!Ref` → `Ref`); core-schema and other tags are dropped.
fn local_tag(tag: Option<&Tag>) -> Option<String> {
    tag.filter(|t| t.handle == "!" && !t.suffix.is_empty())
        .map(|t| t.suffix.clone())
}

/// The long form of a short-form intrinsic.
fn intrinsic(tag: &str, value: Value) -> Value {
    let value = match (tag, value) {
        ("GetAtt", Value::String(s)) => match s.split_once('.') {
            Some((resource, attribute)) => {
                Value::Seq(vec![Value::str(resource), Value::str(attribute)])
            }
            None => Value::String(s),
        },
        (_, v) => v,
    };
    Value::map([(long_form(tag), value)])
}

fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(t) = tag {
        if t.handle == "!" {
            return intrinsic(&t.suffix, Value::str(text));
        }
        if t.is_yaml_core_schema() && t.suffix == "str" {
            return Value::str(text);
        }
    }
    match style {
        ScalarStyle::Plain => plain(text),
        ScalarStyle::SingleQuoted
        | ScalarStyle::DoubleQuoted
        | ScalarStyle::Literal
        | ScalarStyle::Folded => Value::str(text),
    }
}

/// Resolves a plain scalar by YAML 1.2's core schema.
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Number("inf".to_owned());
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Number("-inf".to_owned()),
        ".nan" | ".NaN" | ".NAN" => return Value::Number("NaN".to_owned()),
        _ => {}
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(n) = u64::from_str_radix(hex, 16)
    {
        return Value::int(n);
    }
    if let Some(oct) = text.strip_prefix("0o")
        && let Ok(n) = u64::from_str_radix(oct, 8)
    {
        return Value::int(n);
    }
    let numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit());
    if numeric && text.parse::<f64>().is_ok() {
        let t = text.strip_prefix('+').unwrap_or(text);
        return Value::Number(t.to_owned());
    }
    Value::str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms() {
        let v =
            read_yaml("a: !Ref X\nb: !GetAtt Q.Arn\nc: !Sub '${X}-y'\nd: !If [C, 1, 2]\n").unwrap();
        assert_eq!(v.get("a"), Some(&Value::map([("Ref", Value::str("X"))])));
        assert_eq!(
            v.get("b"),
            Some(&Value::map([(
                "Fn::GetAtt",
                Value::Seq(vec![Value::str("Q"), Value::str("Arn")])
            )]))
        );
        assert!(v.get("c").unwrap().get("Fn::Sub").is_some());
        assert!(v.get("d").unwrap().get("Fn::If").is_some());
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let v =
            read_yaml("a: 1\nb: '1'\nc: 1.5\nd: true\ne: ~\nf: 0x10\ng: rate(1 minute)\n").unwrap();
        assert_eq!(v.get("a"), Some(&Value::int(1)));
        assert_eq!(v.get("b"), Some(&Value::str("1")));
        assert_eq!(v.get("c").and_then(Value::as_f64), Some(1.5));
        assert_eq!(v.get("d"), Some(&Value::Bool(true)));
        assert_eq!(v.get("e"), Some(&Value::Null));
        assert_eq!(v.get("f"), Some(&Value::int(16)));
        assert_eq!(v.get("g"), Some(&Value::str("rate(1 minute)")));
    }

    #[test]
    fn limits_are_errors() {
        let deep = "[".repeat(10_000);
        assert!(matches!(read_yaml(&deep), Err(ReadError::Syntax { .. })));
        let (v, notes) = read_yaml_noting("a: 1\nb: 0\na: 2\n").unwrap();
        assert_eq!(v.get("a"), Some(&Value::int(2)));
        assert_eq!(v.as_map().unwrap().len(), 2);
        assert!(
            notes[0].contains("line 3") && notes[0].contains("twice"),
            "{notes:?}"
        );
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let e = read_yaml(&bomb).unwrap_err().to_string();
        assert!(e.contains("alias bomb"), "{e}");
        assert_eq!(read_template(b"  \n# c\n"), Err(ReadError::Empty));
    }
}
