//! The template tree: what a YAML or JSON template is read into and what the SAM exporter
//! builds before writing it. Maps keep their order (the exporter chooses a readable one);
//! numbers keep their text, so a 64-bit seed or a price survives exactly.

/// A node of a template.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number as written in decimal (`42`, `-1.5`, `1e-5`, `inf`): exact for any integer.
    Number(String),
    /// Text.
    String(String),
    /// A list.
    Seq(Vec<Value>),
    /// A mapping with text keys, in order.
    Map(Map),
    /// A short-form intrinsic function to write with its YAML tag (`!Ref Queue`,
    /// `!GetAtt Queue.Arn`). Only the exporter builds these: the reader turns tags into the
    /// long form (`{"Ref": "Queue"}`), the one form the importer has to understand.
    Tagged(String, Box<Value>),
}

/// An ordered mapping with text keys.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map(pub Vec<(String, Value)>);

impl Map {
    /// An empty mapping.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Sets `key` (replacing its value in place, or appending it).
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => self.0.push((key, value)),
        }
    }

    /// Entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Value {
    /// Text.
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// An integer.
    pub fn int(n: impl Into<i128>) -> Value {
        Value::Number(n.into().to_string())
    }

    /// A float, written in the shortest text that reads back as the same `f64`. Not-finite
    /// values (never in a validated project) become `null`.
    pub fn float(x: f64) -> Value {
        if x.is_finite() {
            Value::Number(format!("{x}"))
        } else {
            Value::Null
        }
    }

    /// A mapping from `(key, value)` pairs, in that order.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(Map(entries
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect()))
    }

    /// `!Ref name`.
    pub fn reference(name: &str) -> Value {
        Value::Tagged("Ref".to_owned(), Box::new(Value::str(name)))
    }

    /// `!GetAtt name.attribute`.
    pub fn get_att(name: &str, attribute: &str) -> Value {
        Value::Tagged(
            "GetAtt".to_owned(),
            Box::new(Value::str(format!("{name}.{attribute}"))),
        )
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.get(key),
            Value::Null
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_)
            | Value::Seq(_)
            | Value::Tagged(..) => None,
        }
    }

    /// The mapping, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            Value::Null
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_)
            | Value::Seq(_)
            | Value::Tagged(..) => None,
        }
    }

    /// The list, if this is one.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match self {
            Value::Seq(s) => Some(s),
            Value::Null
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_)
            | Value::Map(_)
            | Value::Tagged(..) => None,
        }
    }

    /// Text, or a number's text (CloudFormation accepts `"30"` and `30` alike).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Number(s) => Some(s),
            Value::Null | Value::Bool(_) | Value::Seq(_) | Value::Map(_) | Value::Tagged(..) => {
                None
            }
        }
    }

    /// A finite number, written as a number or as text.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_str()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|x| x.is_finite())
    }

    /// A whole number ≥ 0 (a float with no fraction counts).
    pub fn as_u64(&self) -> Option<u64> {
        let s = self.as_str()?.trim();
        s.parse::<u64>().ok().or_else(|| {
            let x: f64 = s.parse().ok()?;
            (x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x < 1.8e19).then_some(x as u64)
        })
    }

    /// A boolean, written as one or as `"true"` / `"false"`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            Value::Null | Value::Number(_) | Value::Seq(_) | Value::Map(_) | Value::Tagged(..) => {
                None
            }
        }
    }

    /// Converts JSON (the serde form of model types) into a tree.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.to_string()),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Seq(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(o) => Value::Map(Map(o
                .iter()
                .map(|(k, v)| (k.clone(), Value::from_json(v)))
                .collect())),
        }
    }

    /// Converts a tree into JSON (to deserialize model types from it). Tagged values keep
    /// their long form (`{"Fn::Sub": …}`); a number too large for JSON becomes `null`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(s) => number_json(s),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Seq(a) => serde_json::Value::Array(a.iter().map(Value::to_json).collect()),
            Value::Map(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| (k.to_owned(), v.to_json())).collect(),
            ),
            Value::Tagged(tag, v) => {
                let mut o = serde_json::Map::new();
                o.insert(long_form(tag), v.to_json());
                serde_json::Value::Object(o)
            }
        }
    }
}

fn number_json(s: &str) -> serde_json::Value {
    if let Ok(u) = s.parse::<u64>() {
        return serde_json::Value::from(u);
    }
    if let Ok(i) = s.parse::<i64>() {
        return serde_json::Value::from(i);
    }
    s.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// The long-form key of a short-form intrinsic tag: `Ref` and `Condition` stay, every other
/// function gets the `Fn::` prefix (`GetAtt` → `Fn::GetAtt`).
pub fn long_form(tag: &str) -> String {
    match tag {
        "Ref" | "Condition" => tag.to_owned(),
        other => format!("Fn::{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_exact_text() {
        assert_eq!(Value::int(u64::MAX).as_u64(), Some(u64::MAX));
        assert_eq!(Value::float(1.66667e-5).as_f64(), Some(1.66667e-5));
        assert_eq!(Value::float(f64::NAN), Value::Null);
        assert_eq!(Value::str("30").as_u64(), Some(30));
        assert_eq!(Value::str("30.0").as_u64(), Some(30));
        assert_eq!(Value::str("-3").as_u64(), None);
        let json = serde_json::json!({"seed": u64::MAX, "p": 0.2, "a": [1, "x", null]});
        assert_eq!(Value::from_json(&json).to_json(), json);
    }
}
