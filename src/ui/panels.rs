//! What the run panels (dashboard, logs, traces) share: node names by topology index, the
//! actions they ask the caller for, and number formatting.

use crate::model::{NodeId, Project, truncate};
use crate::sim::{SEC, Snapshot, Time};

/// Node ids and display names by topology index (the index in log lines and trace spans).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeNames {
    ids: Vec<NodeId>,
    names: Vec<String>,
}

impl NodeNames {
    /// The nodes of a run as `snapshot` lists them, named from `project` (a node the project
    /// no longer has — deleted while the run goes on — is named by its id).
    pub fn new(project: &Project, snapshot: &Snapshot) -> Self {
        Self::from_ids(project, snapshot.nodes.iter().map(|n| n.id.clone()))
    }

    /// The nodes of `project` in topology order (sorted by id), before any run.
    pub fn from_project(project: &Project) -> Self {
        Self::from_ids(project, project.graph.nodes.keys().cloned())
    }

    fn from_ids(project: &Project, ids: impl Iterator<Item = NodeId>) -> Self {
        let ids: Vec<NodeId> = ids.collect();
        let names = ids
            .iter()
            .map(|id| {
                project
                    .graph
                    .nodes
                    .get(id)
                    .map_or_else(|| truncate(id.as_str()), |n| truncate(&n.name))
            })
            .collect();
        Self { ids, names }
    }

    /// How many nodes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id of node `index`.
    pub fn id(&self, index: usize) -> Option<&NodeId> {
        self.ids.get(index)
    }

    /// The display name of node `index` ("node #7" if the index is unknown).
    pub fn name(&self, index: usize) -> std::borrow::Cow<'_, str> {
        match self.names.get(index) {
            Some(n) => std::borrow::Cow::Borrowed(n.as_str()),
            None => std::borrow::Cow::Owned(format!("node #{index}")),
        }
    }

    /// The display name of node `id` (its id if unknown).
    pub fn name_of<'a>(&'a self, id: &'a NodeId) -> &'a str {
        self.index(id)
            .and_then(|i| self.names.get(i))
            .map_or(id.as_str(), String::as_str)
    }

    /// The index of node `id`.
    pub fn index(&self, id: &NodeId) -> Option<usize> {
        // Topology order is sorted by id.
        self.ids.binary_search(id).ok()
    }

    /// (index, id, name) of every node, in topology order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &NodeId, &str)> {
        self.ids
            .iter()
            .zip(&self.names)
            .enumerate()
            .map(|(i, (id, n))| (i, id, n.as_str()))
    }
}

/// Something a run panel asks its caller to do (the panels never change state themselves).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelAction {
    /// Select this node on the canvas (a log line or a span was clicked).
    SelectNode(NodeId),
    /// Fetch this trace and show its waterfall (`HostCommand::Trace`).
    OpenTrace(u64),
    /// Export the run's metrics in this form.
    Export(super::export::ExportKind),
}

/// Virtual time as seconds with milliseconds ("12.345 s").
pub fn fmt_time(t: Time) -> String {
    format!("{}.{:03} s", t / SEC, (t % SEC) / 1_000)
}

/// A duration in µs, in the unit that reads best ("850 µs", "12.3 ms", "4.20 s").
pub fn fmt_duration(us: Time) -> String {
    if us < 1_000 {
        format!("{us} µs")
    } else if us < 100_000 {
        format!("{:.1} ms", us as f64 / 1e3)
    } else if us < 100 * SEC {
        format!("{:.2} s", us as f64 / 1e6)
    } else {
        format!("{:.0} s", us as f64 / 1e6)
    }
}

/// A count with thousands separators ("1,234,567").
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Dollars with as many decimals as a small amount needs ("$0.000042", "$3.14", "$1.25 M").
pub fn fmt_usd(v: f64) -> String {
    if !v.is_finite() {
        return "—".to_owned();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    if a >= 1e9 {
        format!("{sign}${:.2} bn", a / 1e9)
    } else if a >= 1e6 {
        format!("{sign}${:.2} M", a / 1e6)
    } else if a >= 1.0 || a == 0.0 {
        format!("{sign}${a:.2}")
    } else if a >= 0.01 {
        format!("{sign}${a:.4}")
    } else {
        format!("{sign}${a:.6}")
    }
}

/// A rate per second with a sensible precision ("0.25/s", "12/s", "1.2 k/s").
pub fn fmt_rate(per_s: f64) -> String {
    if !per_s.is_finite() {
        "—".to_owned()
    } else if per_s >= 10_000.0 {
        format!("{:.1} k/s", per_s / 1e3)
    } else if per_s >= 10.0 {
        format!("{per_s:.0}/s")
    } else {
        format!("{per_s:.2}/s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1_000), "1,000");
        assert_eq!(fmt_count(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(fmt_usd(0.0), "$0.00");
        assert_eq!(fmt_usd(0.000042), "$0.000042");
        assert_eq!(fmt_usd(0.05), "$0.0500");
        assert_eq!(fmt_usd(-3.004), "-$3.00");
        assert_eq!(fmt_usd(2.5e6), "$2.50 M");
        assert_eq!(fmt_usd(f64::INFINITY), "—");
        assert_eq!(fmt_usd(f64::NAN), "—");
        assert_eq!(fmt_time(12_345_678), "12.345 s");
        assert_eq!(fmt_duration(850), "850 µs");
        assert_eq!(fmt_duration(12_345), "12.3 ms");
        assert_eq!(fmt_duration(4_200_000), "4.20 s");
        assert_eq!(fmt_duration(u64::MAX), "18446744073710 s");
        assert_eq!(fmt_rate(0.25), "0.25/s");
        assert_eq!(fmt_rate(1e5), "100.0 k/s");
        assert_eq!(fmt_rate(f64::NAN), "—");
    }

    #[test]
    fn names_follow_the_topology_order() {
        let p = crate::project::synthetic::pipeline(7);
        let names = NodeNames::from_project(&p);
        assert_eq!(names.len(), 7);
        let api = NodeId::new("api-0");
        let i = names.index(&api).unwrap();
        assert_eq!(names.id(i), Some(&api));
        assert_eq!(names.name(i), "api 0");
        assert_eq!(names.name_of(&api), "api 0");
        assert_eq!(names.name(99), "node #99");
        assert_eq!(names.name_of(&NodeId::new("gone")), "gone");
    }
}
