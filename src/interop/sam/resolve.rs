//! Evaluating a template's intrinsic functions the way a deploy with default parameters
//! would: `Ref` to a parameter gives its `Default`, `Fn::If` takes the branch its condition
//! gives with those defaults (the first when it cannot be decided), `Fn::Sub`, `Fn::Join`,
//! `Fn::Select`, `Fn::FindInMap` are computed. References to resources stay, in one
//! canonical form: `{"Ref": "X"}` or `{"Fn::GetAtt": ["X", "Attr"]}` ([`ref_target`] finds
//! them, also inside `Fn::Sub` text). Parameters or conditions that refer to themselves are
//! an error naming the cycle.

use crate::interop::value::{Map, Value};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// A parameter or condition that depends on itself.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0} refer to each other in a cycle")]
pub struct Cycle(pub String);

/// Longest text a `Fn::Join` or `Fn::Sub` may build (larger ones are left unevaluated).
const MAX_BUILT_TEXT: usize = 64 * 1024;

/// Values of pseudo parameters (a deploy's region and account are not known here).
fn pseudo(name: &str) -> Option<Value> {
    Some(Value::str(match name {
        "AWS::Region" => "us-east-1",
        "AWS::AccountId" => "123456789012",
        "AWS::StackName" => "eventloom",
        "AWS::StackId" => "arn:aws:cloudformation:us-east-1:123456789012:stack/eventloom/1",
        "AWS::Partition" => "aws",
        "AWS::URLSuffix" => "amazonaws.com",
        "AWS::NotificationARNs" => return Some(Value::Seq(Vec::new())),
        _ => return None,
    }))
}

/// Evaluates intrinsic functions of one template.
pub struct Resolver<'a> {
    params: BTreeMap<&'a str, &'a Value>,
    mappings: Option<&'a Map>,
    conditions: BTreeMap<&'a str, &'a Value>,
    resources: BTreeSet<&'a str>,
    visiting: RefCell<Vec<String>>,
    param_cache: RefCell<BTreeMap<String, Option<Value>>>,
    condition_cache: RefCell<BTreeMap<String, bool>>,
}

impl<'a> Resolver<'a> {
    /// A resolver for the template `root` (a mapping).
    pub fn new(root: &'a Value) -> Self {
        let section = |name: &str| root.get(name).and_then(Value::as_map);
        Resolver {
            params: section("Parameters")
                .map(|m| m.iter().collect())
                .unwrap_or_default(),
            mappings: section("Mappings"),
            conditions: section("Conditions")
                .map(|m| m.iter().collect())
                .unwrap_or_default(),
            resources: section("Resources")
                .map(|m| m.iter().map(|(k, _)| k).collect())
                .unwrap_or_default(),
            visiting: RefCell::new(Vec::new()),
            param_cache: RefCell::new(BTreeMap::new()),
            condition_cache: RefCell::new(BTreeMap::new()),
        }
    }

    /// Whether `name` is a resource of the template.
    pub fn is_resource(&self, name: &str) -> bool {
        self.resources.contains(name)
    }

    /// `v` with every intrinsic function evaluated as far as possible; `None` when it is
    /// `AWS::NoValue` (the property is left out).
    pub fn resolve(&self, v: &Value) -> Result<Option<Value>, Cycle> {
        match v {
            Value::Map(m) => {
                if m.len() == 1
                    && let Some((k, arg)) = m.iter().next()
                    && (k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
                {
                    return self.intrinsic(k, arg);
                }
                let mut out = Map::new();
                for (k, v) in m.iter() {
                    if let Some(r) = self.resolve(v)? {
                        out.0.push((k.to_owned(), r));
                    }
                }
                Ok(Some(Value::Map(out)))
            }
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    if let Some(r) = self.resolve(i)? {
                        out.push(r);
                    }
                }
                Ok(Some(Value::Seq(out)))
            }
            Value::Tagged(tag, inner) => {
                self.intrinsic(&crate::interop::value::long_form(tag), inner)
            }
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
                Ok(Some(v.clone()))
            }
        }
    }

    fn intrinsic(&self, function: &str, arg: &Value) -> Result<Option<Value>, Cycle> {
        let keep = |arg: Value| Ok(Some(Value::map([(function, arg)])));
        match function {
            "Ref" => {
                let Some(name) = self
                    .resolve(arg)?
                    .and_then(|a| a.as_str().map(str::to_owned))
                else {
                    return keep(arg.clone());
                };
                self.reference(&name)
            }
            "Fn::GetAtt" => {
                let parts: Vec<String> = match self.resolve(arg)? {
                    Some(Value::String(s)) => s.splitn(2, '.').map(str::to_owned).collect(),
                    Some(Value::Seq(items)) => items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                    _ => Vec::new(),
                };
                match parts.as_slice() {
                    [resource, attribute] => Ok(Some(get_att(resource, attribute))),
                    _ => keep(arg.clone()),
                }
            }
            "Condition" => {
                let name = arg.as_str().unwrap_or_default();
                Ok(Some(Value::Bool(self.condition(name)?)))
            }
            "Fn::If" => {
                let Some([cond, yes, no]) =
                    arg.as_seq().and_then(|s| <&[Value; 3]>::try_from(s).ok())
                else {
                    return keep(arg.clone());
                };
                let chosen = if self.condition(cond.as_str().unwrap_or_default())? {
                    yes
                } else {
                    no
                };
                self.resolve(chosen)
            }
            "Fn::Equals" => {
                let Some([a, b]) = arg.as_seq().and_then(|s| <&[Value; 2]>::try_from(s).ok())
                else {
                    return Ok(Some(Value::Bool(true)));
                };
                let (a, b) = (self.resolve(a)?, self.resolve(b)?);
                let text =
                    |v: &Option<Value>| v.as_ref().and_then(|v| v.as_str().map(str::to_owned));
                Ok(Some(Value::Bool(match (text(&a), text(&b)) {
                    (Some(a), Some(b)) => a == b,
                    _ => a == b,
                })))
            }
            "Fn::And" | "Fn::Or" => {
                let mut all = true;
                let mut any = false;
                for item in arg.as_seq().unwrap_or_default() {
                    let b = self.truth(item)?;
                    all &= b;
                    any |= b;
                }
                Ok(Some(Value::Bool(if function == "Fn::And" {
                    all
                } else {
                    any
                })))
            }
            "Fn::Not" => {
                let inner = arg.as_seq().and_then(|s| s.first()).unwrap_or(arg);
                Ok(Some(Value::Bool(!self.truth(inner)?)))
            }
            "Fn::Sub" => self.sub(arg),
            "Fn::Join" => {
                let resolved = self.resolve(arg)?;
                let joined = resolved.as_ref().and_then(|r| {
                    let [delim, list] = <&[Value; 2]>::try_from(r.as_seq()?).ok()?;
                    let parts: Option<Vec<&str>> =
                        list.as_seq()?.iter().map(Value::as_str).collect();
                    let text = parts?.join(delim.as_str()?);
                    (text.len() <= MAX_BUILT_TEXT).then_some(text)
                });
                match joined {
                    Some(t) => Ok(Some(Value::String(t))),
                    None => keep(resolved.unwrap_or(Value::Null)),
                }
            }
            "Fn::Select" => {
                let resolved = self.resolve(arg)?;
                let picked = resolved.as_ref().and_then(|r| {
                    let [i, list] = <&[Value; 2]>::try_from(r.as_seq()?).ok()?;
                    list.as_seq()?
                        .get(usize::try_from(i.as_u64()?).ok()?)
                        .cloned()
                });
                match picked {
                    Some(p) => Ok(Some(p)),
                    None => keep(resolved.unwrap_or(Value::Null)),
                }
            }
            "Fn::Split" => {
                let resolved = self.resolve(arg)?;
                let split = resolved.as_ref().and_then(|r| {
                    let [delim, text] = <&[Value; 2]>::try_from(r.as_seq()?).ok()?;
                    let (delim, text) = (delim.as_str()?, text.as_str()?);
                    (!delim.is_empty())
                        .then(|| Value::Seq(text.split(delim).map(Value::str).collect()))
                });
                match split {
                    Some(s) => Ok(Some(s)),
                    None => keep(resolved.unwrap_or(Value::Null)),
                }
            }
            "Fn::FindInMap" => {
                let resolved = self.resolve(arg)?;
                let found = resolved.as_ref().and_then(|r| {
                    let [map, top, second] = <&[Value; 3]>::try_from(r.as_seq()?).ok()?;
                    self.mappings?
                        .get(map.as_str()?)?
                        .get(top.as_str()?)?
                        .get(second.as_str()?)
                        .cloned()
                });
                match found {
                    Some(f) => self.resolve(&f),
                    None => keep(resolved.unwrap_or(Value::Null)),
                }
            }
            "Fn::Base64" => self.resolve(arg),
            _ => {
                let resolved = self.resolve(arg)?.unwrap_or(Value::Null);
                keep(resolved)
            }
        }
    }

    fn truth(&self, v: &Value) -> Result<bool, Cycle> {
        Ok(match self.resolve(v)? {
            Some(Value::Bool(b)) => b,
            Some(other) => other.as_bool().unwrap_or(true),
            None => true,
        })
    }

    fn reference(&self, name: &str) -> Result<Option<Value>, Cycle> {
        if name == "AWS::NoValue" {
            return Ok(None);
        }
        if let Some(v) = pseudo(name) {
            return Ok(Some(v));
        }
        if let Some(param) = self.params.get(name) {
            if let Some(cached) = self.param_cache.borrow().get(name) {
                return Ok(cached.clone());
            }
            let key = format!("parameter {name}");
            self.enter(&key)?;
            let value = match param.get("Default") {
                Some(d) => self.resolve(d),
                None => Ok(Some(Value::Null)),
            };
            self.visiting.borrow_mut().pop();
            let value = value?;
            self.param_cache
                .borrow_mut()
                .insert(name.to_owned(), value.clone());
            return Ok(value);
        }
        Ok(Some(Value::map([("Ref", Value::str(name))])))
    }

    /// The value of condition `name` with the parameters' defaults (`true` when undecidable
    /// or unknown: the first branch of an `Fn::If` is the template's default).
    pub fn condition(&self, name: &str) -> Result<bool, Cycle> {
        if let Some(b) = self.condition_cache.borrow().get(name) {
            return Ok(*b);
        }
        let Some(expr) = self.conditions.get(name) else {
            return Ok(true);
        };
        let key = format!("condition {name}");
        self.enter(&key)?;
        let b = self.truth(expr);
        self.visiting.borrow_mut().pop();
        let b = b?;
        self.condition_cache.borrow_mut().insert(name.to_owned(), b);
        Ok(b)
    }

    fn enter(&self, key: &str) -> Result<(), Cycle> {
        let mut visiting = self.visiting.borrow_mut();
        if let Some(i) = visiting.iter().position(|k| k == key) {
            let mut chain: Vec<String> = visiting[i..]
                .iter()
                .map(|k| crate::model::truncate(k))
                .collect();
            chain.push(crate::model::truncate(key));
            visiting.clear();
            return Err(Cycle(chain.join(" → ")));
        }
        visiting.push(key.to_owned());
        Ok(())
    }

    fn sub(&self, arg: &Value) -> Result<Option<Value>, Cycle> {
        let (template, vars) = match arg {
            Value::Seq(s) if s.len() == 2 => (s[0].as_str(), s[1].as_map()),
            Value::Null
            | Value::Bool(_)
            | Value::Number(_)
            | Value::String(_)
            | Value::Seq(_)
            | Value::Map(_)
            | Value::Tagged(..) => (arg.as_str(), None),
        };
        let Some(template) = template else {
            return Ok(Some(Value::map([("Fn::Sub", arg.clone())])));
        };
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${!");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = match vars.and_then(|v| v.get(name)) {
                Some(v) => self.resolve(v)?,
                None if !name.contains('.') => self.reference(name)?,
                None => None,
            };
            match value.as_ref().and_then(Value::as_str) {
                Some(text) => out.push_str(text),
                None => match value.as_ref().and_then(ref_target) {
                    // A reference to a resource stays for `ref_target` to find.
                    Some((r, Some(a))) => out.push_str(&format!("${{{r}.{a}}}")),
                    Some((r, None)) => out.push_str(&format!("${{{r}}}")),
                    None => {
                        out.push_str("${");
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
            if out.len() > MAX_BUILT_TEXT {
                return Ok(Some(Value::Null));
            }
        }
        out.push_str(rest);
        if !out.contains("${") {
            return Ok(Some(Value::String(out.replace("${!", "${"))));
        }
        // The whole text is one reference: the same as a Ref or GetAtt.
        if let Some(inner) = out.strip_prefix("${").and_then(|s| s.strip_suffix('}'))
            && !inner.contains(['$', '{', '}'])
        {
            let (resource, attribute) = match inner.split_once('.') {
                Some((r, a)) => (r, Some(a)),
                None => (inner, None),
            };
            if self.is_resource(resource) {
                return Ok(Some(match attribute {
                    Some(a) => get_att(resource, a),
                    None => Value::map([("Ref", Value::str(resource))]),
                }));
            }
        }
        Ok(Some(Value::map([("Fn::Sub", Value::String(out))])))
    }
}

fn get_att(resource: &str, attribute: &str) -> Value {
    Value::map([(
        "Fn::GetAtt",
        Value::Seq(vec![Value::str(resource), Value::str(attribute)]),
    )])
}

/// The resource a resolved value refers to, with the attribute if any: `{"Ref": "X"}` →
/// `("X", None)`, `{"Fn::GetAtt": ["X", "Arn"]}` → `("X", Some("Arn"))`, and the first
/// `${X}` / `${X.Attr}` inside an `Fn::Sub` text (an ARN built around a resource).
pub fn ref_target(v: &Value) -> Option<(String, Option<String>)> {
    let m = v.as_map()?;
    if m.len() != 1 {
        return None;
    }
    if let Some(name) = m.get("Ref").and_then(Value::as_str) {
        return Some((name.to_owned(), None));
    }
    if let Some(parts) = m.get("Fn::GetAtt").and_then(Value::as_seq)
        && let [r, a] = parts
    {
        return Some((r.as_str()?.to_owned(), a.as_str().map(str::to_owned)));
    }
    let text = m.get("Fn::Sub").and_then(Value::as_str)?;
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        rest = &after[end + 1..];
        if name.starts_with('!') || name.starts_with("AWS::") {
            continue;
        }
        return Some(match name.split_once('.') {
            Some((r, a)) => (r.to_owned(), Some(a.to_owned())),
            None => (name.to_owned(), None),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interop::read::read_yaml;

    fn resolved(template: &str, path: &[&str]) -> Option<Value> {
        let root = read_yaml(template).unwrap();
        let r = Resolver::new(&root);
        let mut v = &root;
        for p in path {
            v = v.get(p).unwrap();
        }
        r.resolve(v).unwrap()
    }

    #[test]
    fn parameters_conditions_and_text_functions() {
        let t = "Parameters:\n  Mem: {Type: Number, Default: 512}\n  Env: {Type: String, Default: prod}\n\
                 Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n\
                 Resources:\n  Q: {Type: AWS::SQS::Queue}\n  F:\n    Properties:\n      \
                 A: !Ref Mem\n      B: !If [IsProd, 1024, 128]\n      C: !Sub '${Env}-x'\n      \
                 D: !Sub '${Q.Arn}'\n      E: !Join ['-', [a, !Ref Env]]\n      \
                 G: !If [IsProd, !Ref AWS::NoValue, 3]\n      H: !Sub 'arn:${AWS::Partition}:${Q}'\n";
        let p = resolved(t, &["Resources", "F", "Properties"]).unwrap();
        assert_eq!(p.get("A"), Some(&Value::int(512)));
        assert_eq!(p.get("B"), Some(&Value::int(1024)));
        assert_eq!(p.get("C"), Some(&Value::str("prod-x")));
        assert_eq!(
            ref_target(p.get("D").unwrap()),
            Some(("Q".into(), Some("Arn".into())))
        );
        assert_eq!(p.get("E"), Some(&Value::str("a-prod")));
        assert_eq!(p.get("G"), None);
        assert_eq!(ref_target(p.get("H").unwrap()), Some(("Q".into(), None)));
    }

    #[test]
    fn cycles_are_named() {
        let t = "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  X:\n    P: !If [A, 1, 2]\n";
        let root = read_yaml(t).unwrap();
        let r = Resolver::new(&root);
        let e = r
            .resolve(root.get("Resources").unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains("condition A → condition B → condition A"), "{e}");
    }
}
