//! Writing a [`Value`] tree as block-style YAML that CloudFormation, SAM and cfn-lint read
//! alike: text is written plain only when no YAML 1.1 or 1.2 reader could take it for
//! anything else, otherwise double-quoted; code and other multi-line text as literal blocks.

use super::value::Value;

/// The tree as a YAML document (no `---`), ending with a newline.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Map(m) if !m.is_empty() => write_map_entries(&mut out, m, 0),
        Value::Seq(s) if !s.is_empty() => write_seq_items(&mut out, s, 0),
        Value::Null
        | Value::Bool(_)
        | Value::Number(_)
        | Value::String(_)
        | Value::Map(_)
        | Value::Seq(_)
        | Value::Tagged(..) => {
            out.push_str(&inline(v));
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn write_map_entries(out: &mut String, m: &super::value::Map, indent: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str(&key(k));
        out.push(':');
        write_after_key(out, v, indent);
    }
}

fn write_seq_items(out: &mut String, s: &[Value], indent: usize) {
    for (i, v) in s.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push('-');
        match v {
            Value::Map(m) if !m.is_empty() => {
                out.push(' ');
                write_map_entries(out, m, indent + 2);
            }
            Value::Seq(inner) if !inner.is_empty() => {
                out.push(' ');
                write_seq_items(out, inner, indent + 2);
            }
            Value::Null
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_)
            | Value::Map(_)
            | Value::Seq(_)
            | Value::Tagged(..) => write_after_key(out, v, indent),
        }
    }
}

/// Writes what follows `key:` or `-`: a space and an inline value, or a newline and a block.
fn write_after_key(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Map(m) if !m.is_empty() => {
            out.push('\n');
            pad(out, indent + 2);
            write_map_entries(out, m, indent + 2);
        }
        Value::Seq(s) if !s.is_empty() => {
            out.push('\n');
            pad(out, indent + 2);
            write_seq_items(out, s, indent + 2);
        }
        Value::Tagged(tag, inner) if matches!(**inner, Value::Map(_) | Value::Seq(_)) => {
            out.push_str(&format!(" !{tag}"));
            write_after_key(out, inner, indent);
        }
        Value::String(s) if literal_block_ok(s) => {
            out.push_str(if s.ends_with('\n') { " |\n" } else { " |-\n" });
            for line in s.trim_end_matches('\n').split('\n') {
                if !line.is_empty() {
                    pad(out, indent + 2);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        Value::Null
        | Value::Bool(_)
        | Value::Number(_)
        | Value::String(_)
        | Value::Map(_)
        | Value::Seq(_)
        | Value::Tagged(..) => {
            out.push(' ');
            out.push_str(&inline(v));
            out.push('\n');
        }
    }
}

/// A value on one line.
fn inline(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_str() {
            "inf" => ".inf".to_owned(),
            "-inf" => "-.inf".to_owned(),
            "NaN" => ".nan".to_owned(),
            other => other.to_owned(),
        },
        Value::String(s) => text(s),
        Value::Map(m) if m.is_empty() => "{}".to_owned(),
        Value::Seq(s) if s.is_empty() => "[]".to_owned(),
        Value::Map(_) | Value::Seq(_) => {
            // Only reached for a tagged collection written inline; flow style is valid YAML.
            serde_json::to_string(&v.to_json()).unwrap_or_else(|_| "null".to_owned())
        }
        Value::Tagged(tag, inner) => format!("!{tag} {}", inline(inner)),
    }
}

/// Multi-line text that reads back unchanged from a literal block.
fn literal_block_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.ends_with("\n\n")
        && !s.starts_with([' ', '\n'])
        && s.lines()
            .all(|l| l == l.trim_end() && !l.contains('\t') && !l.chars().any(char::is_control))
}

fn key(k: &str) -> String {
    text(k)
}

/// Text, plain when unambiguous, else double-quoted (JSON escapes are YAML escapes).
fn text(s: &str) -> String {
    if plain_ok(s) {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
    }
}

/// Whether `s` can be written as a plain scalar and read back as the same text by YAML 1.1
/// (PyYAML, cfn-lint) and YAML 1.2 readers.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    const YAML11_WORDS: [&str; 11] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "=",
    ];
    first.is_ascii_alphabetic()
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '_' | '.' | '-' | '/' | '(' | ')' | ':' | '*' | '+' | '@'
                )
        })
        && !YAML11_WORDS.contains(&s.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop::read::read_yaml;

    #[test]
    fn written_yaml_reads_back_the_same() {
        let v = Value::map([
            ("Plain", Value::str("AWS::Serverless-2016-10-31")),
            ("Yes", Value::str("yes")),
            ("Num", Value::str("30")),
            ("Colon", Value::str("a: b")),
            ("Empty", Value::str("")),
            (
                "Code",
                Value::str("def handler(event, context):\n    return {}\n"),
            ),
            ("Unicode", Value::str("Orders → email ✉ \"quoted\"")),
            ("List", Value::Seq(vec![Value::int(1), Value::float(0.5)])),
            (
                "Nested",
                Value::Seq(vec![
                    Value::map([("A", Value::Bool(true)), ("B", Value::Null)]),
                    Value::Seq(vec![Value::str("x")]),
                    Value::Map(Default::default()),
                ]),
            ),
        ]);
        assert_eq!(read_yaml(&to_yaml(&v)).unwrap(), v);
        let tagged = Value::map([("Q", Value::get_att("Queue", "Arn"))]);
        let text = to_yaml(&tagged);
        assert_eq!(text, "Q: !GetAtt Queue.Arn\n");
    }
}
