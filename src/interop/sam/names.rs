//! Names between Eventloom and templates: logical ids from node ids (stable across exports,
//! so templates diff well) and node ids and names from logical ids.

use crate::model::{Graph, KindTag, NodeId, slug};
use std::collections::{BTreeMap, BTreeSet};

/// Logical ids SAM generates itself; a node never takes one.
const GENERATED: [&str; 3] = [
    "ServerlessRestApi",
    "ServerlessHttpApi",
    "ServerlessDeploymentApplication",
];

/// The word a logical id ends with for a kind (`order-queue` → `OrderQueue`,
/// `checkout` → `CheckoutFunction`), which also keeps ids of different kinds apart.
pub fn kind_suffix(kind: KindTag) -> &'static str {
    match kind {
        KindTag::Client => "Client",
        KindTag::HttpApi => "Api",
        KindTag::Schedule => "Schedule",
        KindTag::Bucket => "Bucket",
        KindTag::Table => "Table",
        KindTag::Queue => "Queue",
        KindTag::Topic => "Topic",
        KindTag::Function => "Function",
    }
}

/// `order-queue` → `OrderQueue`: alphanumeric, each word capitalised.
pub fn camel(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A logical id for every node of `graph`, unique, in node-id order.
pub fn logical_ids(graph: &Graph) -> BTreeMap<NodeId, String> {
    let mut taken: BTreeSet<String> = GENERATED.iter().map(|s| (*s).to_owned()).collect();
    let mut out = BTreeMap::new();
    for (id, node) in &graph.nodes {
        let suffix = kind_suffix(node.kind.tag());
        let mut base = camel(id.as_str());
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base = format!("Node{base}");
        }
        if !base.ends_with(suffix) {
            base.push_str(suffix);
        }
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        out.insert(id.clone(), name);
    }
    out
}

/// The words of a logical id: `HelloWorldFunction` → `["Hello", "World", "Function"]`,
/// `SQSQueue` → `["SQS", "Queue"]`.
fn words(logical: &str) -> Vec<String> {
    let chars: Vec<char> = logical.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let boundary = i > 0
            && ((c.is_ascii_uppercase()
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
                        && chars[i - 1].is_ascii_uppercase()))
                || !c.is_ascii_alphanumeric());
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if c.is_ascii_alphanumeric() {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A node id for a logical id of a template that came without Eventloom's metadata
/// (`HelloWorldFunction` → `hello-world-function`).
pub fn node_id_stem(logical: &str) -> String {
    slug(&words(logical).join("-"))
}

/// A display name for a logical id (`HelloWorldFunction` → `Hello World Function`).
pub fn display_name(logical: &str) -> String {
    let w = words(logical);
    if w.is_empty() {
        logical.to_owned()
    } else {
        w.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;

    #[test]
    fn ids_both_ways() {
        assert_eq!(camel("order-queue"), "OrderQueue");
        assert_eq!(node_id_stem("HelloWorldFunction"), "hello-world-function");
        assert_eq!(node_id_stem("SQSQueue"), "sqs-queue");
        assert_eq!(display_name("OrderDLQ"), "Order DLQ");
        let mut g = Graph::default();
        for (id, kind) in [
            ("a-b", KindTag::Queue),
            ("a_b", KindTag::Queue),
            ("9", KindTag::Function),
            ("serverless-rest", KindTag::HttpApi),
        ] {
            g.nodes
                .insert(id.into(), Node::new(id, kind.default_kind()));
        }
        let ids = logical_ids(&g);
        assert_eq!(ids[&NodeId::from("a-b")], "ABQueue");
        assert_eq!(ids[&NodeId::from("a_b")], "ABQueue2");
        assert_eq!(ids[&NodeId::from("9")], "Node9Function");
        assert_eq!(ids[&NodeId::from("serverless-rest")], "ServerlessRestApi2");
    }
}
