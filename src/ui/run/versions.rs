//! Per-version metrics of redeployed functions: [`VersionHistories`] samples each
//! snapshot's cumulative per-version counts (bounded, like the engine's series), turns them
//! into rates per second and a mean duration per version, and the dashboard's "By version"
//! view ([`by_version_ui`]) draws them with the current traffic split.
//!
//! The engine only counts per version (`NodeLive::versions`: invocations, errors and time
//! spent, since the run began); rates are differences between samples taken at least
//! [`NodeVersions::spacing_s`] apart in virtual time. Dropping every other sample of a
//! cumulative series merges two intervals exactly, so thinning loses resolution, not counts.

use super::plot::{MAX_LINE_POINTS, decimate};
use crate::model::{DeployStrategy, NodeId};
use crate::sim::{NodeLive, SEC, Snapshot, Time};
use crate::ui::shell::theme;
use egui_plot::{Line, Plot, PlotPoints};
use std::collections::BTreeMap;

/// Most samples a version keeps; when full, every other one goes and the spacing doubles.
pub const SAMPLE_CAPACITY: usize = 512;
/// Most versions of one function kept (the newest): each redeploy adds one.
pub const MAX_VERSIONS: usize = 6;
/// Virtual seconds between samples at first.
pub const FIRST_SPACING_S: f64 = 1.0;
/// The mean duration is taken over at least this many virtual seconds: a canary's share of
/// a second's requests is often a handful, and their mean alone jumps about.
pub const MEAN_WINDOW_S: f64 = 5.0;
/// Heading of the dashboard's per-version view.
pub const BY_VERSION: &str = "By version";

/// One version's run totals at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VersionSample {
    /// Virtual time, s.
    pub t_s: f64,
    /// Invocations started on the version so far.
    pub invocations: u64,
    /// Its failed invocations so far.
    pub errors: u64,
    /// Execution time of its finished invocations so far, µs.
    pub duration_us: u64,
}

/// The samples of one version, oldest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VersionTrack {
    /// Version number (1 is the version the run started with).
    pub version: u32,
    /// Samples in time order, at most [`SAMPLE_CAPACITY`].
    pub samples: Vec<VersionSample>,
}

/// A deploy the engine accepted: what the traffic-split text counts from.
#[derive(Clone, Debug, PartialEq)]
pub struct DeployRecord {
    /// The version it created.
    pub version: u32,
    /// How traffic shifts to it.
    pub strategy: DeployStrategy,
    /// Virtual time it was applied, µs.
    pub at: Time,
}

/// The per-version history of one function.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeVersions {
    /// One track per version, by version number, at most [`MAX_VERSIONS`] (the newest).
    pub tracks: Vec<VersionTrack>,
    /// Least virtual time between two samples now, s (doubles when the tracks are thinned).
    pub spacing_s: f64,
    /// The latest deploy of this function seen accepted, if any.
    pub deploy: Option<DeployRecord>,
}

impl Default for NodeVersions {
    fn default() -> Self {
        Self {
            tracks: Vec::new(),
            spacing_s: FIRST_SPACING_S,
            deploy: None,
        }
    }
}

impl NodeVersions {
    /// Takes a sample of `live`'s per-version totals at `t_s` if the last one is at least
    /// [`NodeVersions::spacing_s`] old (or there is none).
    pub fn observe(&mut self, live: &NodeLive, t_s: f64) {
        let last = self
            .tracks
            .iter()
            .filter_map(|t| t.samples.last())
            .map(|s| s.t_s)
            .fold(f64::NEG_INFINITY, f64::max);
        if t_s < last {
            // Time went backwards: a new run. Start again.
            *self = NodeVersions {
                deploy: self.deploy.take(),
                ..NodeVersions::default()
            };
        } else if t_s - last < self.spacing_s {
            return;
        }
        let oldest_kept = live
            .versions
            .iter()
            .map(|v| v.version)
            .max()
            .unwrap_or(0)
            .saturating_sub(MAX_VERSIONS as u32 - 1);
        self.tracks.retain(|t| t.version >= oldest_kept);
        for v in live.versions.iter().filter(|v| v.version >= oldest_kept) {
            let sample = VersionSample {
                t_s,
                invocations: v.invocations,
                errors: v.errors,
                duration_us: v.duration_us,
            };
            match self.tracks.binary_search_by_key(&v.version, |t| t.version) {
                Ok(i) => self.tracks[i].samples.push(sample),
                Err(i) => self.tracks.insert(
                    i,
                    VersionTrack {
                        version: v.version,
                        samples: vec![sample],
                    },
                ),
            }
        }
        if self
            .tracks
            .iter()
            .any(|t| t.samples.len() >= SAMPLE_CAPACITY)
        {
            for t in &mut self.tracks {
                t.samples = t.samples.iter().step_by(2).copied().collect();
            }
            self.spacing_s *= 2.0;
        }
    }
}

/// Per-version histories of every function that has more than one version in a run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VersionHistories {
    nodes: BTreeMap<NodeId, NodeVersions>,
}

impl VersionHistories {
    /// Samples every node of `snapshot` that reports per-version counts.
    pub fn observe(&mut self, snapshot: &Snapshot) {
        let t_s = snapshot.now as f64 / SEC as f64;
        for n in snapshot.nodes.iter().filter(|n| !n.versions.is_empty()) {
            match self.nodes.get_mut(&n.id) {
                Some(h) => h.observe(n, t_s),
                None => {
                    let mut h = NodeVersions::default();
                    h.observe(n, t_s);
                    self.nodes.insert(n.id.clone(), h);
                }
            }
        }
    }

    /// Remembers that the engine accepted a deploy of `node` creating `version` at `at`.
    pub fn deployed(&mut self, node: &NodeId, version: u32, strategy: DeployStrategy, at: Time) {
        self.nodes.entry(node.clone()).or_default().deploy = Some(DeployRecord {
            version,
            strategy,
            at,
        });
    }

    /// The history of function `id`, if it has one.
    pub fn get(&self, id: &NodeId) -> Option<&NodeVersions> {
        self.nodes.get(id)
    }

    /// Forgets everything (the run restarted).
    pub fn clear(&mut self) {
        self.nodes.clear();
    }
}

/// One version's plot columns: x is the end of each interval in virtual seconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VersionColumns {
    /// Version number.
    pub version: u32,
    /// Invocations started per second.
    pub requests: Vec<[f64; 2]>,
    /// Failed invocations per second.
    pub errors: Vec<[f64; 2]>,
    /// Mean execution time over the last [`MEAN_WINDOW_S`] or more, ms (time spent by the
    /// invocations that finished ÷ invocations started, so close to the true mean; no point
    /// where nothing started in the interval).
    pub mean_ms: Vec<[f64; 2]>,
}

/// Turns a track's cumulative samples into rates and a windowed mean duration (never
/// divides by zero; a counter that went down — a restart — reads as zero).
pub fn version_columns(track: &VersionTrack, mean_window_s: f64) -> VersionColumns {
    let s = &track.samples;
    let mut c = VersionColumns {
        version: track.version,
        ..VersionColumns::default()
    };
    let mut from = 0;
    for k in 1..s.len() {
        let (a, b) = (&s[k - 1], &s[k]);
        let dt = b.t_s - a.t_s;
        if dt > 0.0 {
            c.requests.push([
                b.t_s,
                b.invocations.saturating_sub(a.invocations) as f64 / dt,
            ]);
            c.errors
                .push([b.t_s, b.errors.saturating_sub(a.errors) as f64 / dt]);
        }
        while from + 1 < k && b.t_s - s[from + 1].t_s >= mean_window_s {
            from += 1;
        }
        let w = &s[from];
        let started = b.invocations.saturating_sub(w.invocations);
        // A version that no longer starts anything only finishes stragglers, whose time
        // divided by the window's few starts would read as a spike: no point then.
        if started > 0 && b.invocations > a.invocations {
            let spent_ms = b.duration_us.saturating_sub(w.duration_us) as f64 / 1_000.0;
            c.mean_ms.push([b.t_s, spent_ms / started as f64]);
        }
    }
    c
}

/// When a deploy's traffic shift ends, µs: a canary after its time, a linear shift after
/// as many steps as the engine takes to reach 100 % (`sim::deploy` steps the same way).
pub fn shift_end(d: &DeployRecord) -> Time {
    match d.strategy {
        DeployStrategy::AllAtOnce => d.at,
        DeployStrategy::Canary { after_ms, .. } => {
            d.at.saturating_add(after_ms.saturating_mul(1_000).max(1))
        }
        DeployStrategy::Linear {
            percent, every_ms, ..
        } => {
            let step = (percent / 100.0).clamp(0.0, 1.0).max(0.01);
            let (mut weight, mut steps) = (step, 0u64);
            // At most 100 steps: each adds at least 1 %.
            while steps < 101 {
                steps += 1;
                weight = (weight + step).min(1.0);
                if weight >= 1.0 - 1e-9 {
                    break;
                }
            }
            let every = every_ms.saturating_mul(1_000).max(1);
            d.at.saturating_add(every.saturating_mul(steps))
        }
    }
}

/// A time left in whole seconds, rounded up: "25 s", "4 min", "3 min 20 s".
pub fn fmt_left(us: Time) -> String {
    let s = us.div_ceil(SEC);
    match (s / 60, s % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// A share 0–1 as a percentage: "10 %", "2.5 %".
fn fmt_share(share: f64) -> String {
    let p = share * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

/// The traffic split of function `live` in words — "v2 gets 10 % (canary, 4 min left)",
/// "v3 gets 30 % (linear, +10 % every 10 s, 1 min 10 s left)", "v2 gets all traffic" — or
/// `None` while it has only ever had one version. `deploy` words the strategy when it is
/// the deploy of the version traffic is shifting to.
pub fn split_text(live: &NodeLive, deploy: Option<&DeployRecord>, now: Time) -> Option<String> {
    let Some((to, share)) = live.shifting_to else {
        return (!live.versions.is_empty()).then(|| format!("v{} gets all traffic", live.version));
    };
    let head = format!("v{to} gets {}", fmt_share(share));
    let Some(d) = deploy.filter(|d| d.version == to) else {
        return Some(format!("{head}, v{} the rest", live.version));
    };
    let end = shift_end(d);
    let left = if end > now {
        format!("{} left", fmt_left(end - now))
    } else {
        "ending".to_owned()
    };
    let how = match d.strategy {
        DeployStrategy::AllAtOnce => "all at once".to_owned(),
        DeployStrategy::Canary { .. } => "canary".to_owned(),
        DeployStrategy::Linear {
            percent, every_ms, ..
        } => format!(
            "linear, +{} every {}",
            fmt_share(percent / 100.0),
            fmt_left(every_ms.saturating_mul(1_000))
        ),
    };
    Some(format!("{head} ({how}, {left})"))
}

/// Whether function `live` gets the "By version" view: it has more than one version, or a
/// shift to a new one is under way.
pub fn has_versions(live: &NodeLive) -> bool {
    !live.versions.is_empty() || live.shifting_to.is_some()
}

/// Which column of a version's samples a plot draws.
type Column = fn(&VersionColumns) -> &[[f64; 2]];

/// The plots of the view, left to right: id, y-axis label and the column each draws.
const PLOTS: [(&str, &str, Column); 3] = [
    ("requests", "requests/s", |c| &c.requests),
    ("errors", "errors/s", |c| &c.errors),
    ("mean", "mean ms", |c| &c.mean_ms),
];

/// The "By version" view of function `live` (named `name`): a heading with the traffic
/// split, then requests, errors and mean duration per second with a line per version, each
/// `height` tall, their time axis linked to the dashboard's (`link`).
pub fn by_version_ui(
    ui: &mut egui::Ui,
    name: &str,
    live: &NodeLive,
    history: Option<&NodeVersions>,
    now: Time,
    height: f32,
    link: egui::Id,
) {
    let columns: Vec<VersionColumns> = history
        .map(|h| {
            h.tracks
                .iter()
                .map(|t| version_columns(t, MEAN_WINDOW_S.max(h.spacing_s)))
                .collect()
        })
        .unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        ui.strong(BY_VERSION)
            .on_hover_text("Each version's own requests, errors and duration");
        ui.label(format!("{name}:"));
        let split = split_text(live, history.and_then(|h| h.deploy.as_ref()), now);
        if let Some(text) = split {
            ui.label(text)
                .on_hover_text("Where new requests go now; started ones finish where they began");
        }
        // One legend for the three plots (a legend inside each covered their lines).
        for c in &columns {
            legend_chip_ui(ui, c.version);
        }
    });
    if columns.iter().all(|c| c.requests.is_empty()) {
        ui.label(
            egui::RichText::new("Waiting for requests on the new version (a second or two)").weak(),
        );
        return;
    }
    let gap = ui.spacing().item_spacing.x;
    let width = ((ui.available_width() - 2.0 * gap) / 3.0).max(120.0);
    ui.horizontal(|ui| {
        for (id, unit, column) in PLOTS {
            Plot::new(("by version", live.id.as_str(), id))
                .width(width)
                .height(height)
                .link_axis(link, [true, false])
                .link_cursor(link, [true, false])
                .y_axis_label(unit)
                .y_axis_min_width(36.0)
                .include_y(0.0)
                .x_axis_formatter(|m, _| format!("{} s", m.value))
                .show(ui, |plot| {
                    for c in &columns {
                        let points = column(c);
                        plot.line(
                            Line::new(
                                format!("v{}", c.version),
                                PlotPoints::Owned(decimate(points, MAX_LINE_POINTS)),
                            )
                            .color(theme::version_color(c.version)),
                        );
                    }
                })
                .response
                .on_hover_text(format!("{unit} per version; drag to pan, scroll to zoom"));
        }
    });
}

/// A legend entry: a line in version `version`'s colour, then "v<version>".
fn legend_chip_ui(ui: &mut egui::Ui, version: u32) {
    let color = theme::version_color(version);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 10.0), egui::Sense::hover());
    ui.painter().hline(
        rect.x_range(),
        rect.center().y,
        egui::Stroke::new(2.5, color),
    );
    ui.label(egui::RichText::new(format!("v{version}")).color(color))
        .on_hover_text(format!("Version {version}'s lines"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Health;

    fn live(versions: &[(u32, u64, u64, u64)]) -> NodeLive {
        let mut n = NodeLive {
            // `VersionStats` is the engine's, not exported: made by its `Default`.
            versions: vec![Default::default(); versions.len()],
            health: Health::Ok,
            ..NodeLive::new("f".into())
        };
        for (v, &(version, invocations, errors, duration_us)) in n.versions.iter_mut().zip(versions)
        {
            v.version = version;
            v.invocations = invocations;
            v.errors = errors;
            v.duration_us = duration_us;
        }
        n
    }

    #[test]
    fn samples_become_rates_per_version() {
        let mut h = NodeVersions::default();
        // v1 takes 10/s, v2 1/s with one error a second; durations 80 ms and 40 ms.
        for tenth in 0..=30u64 {
            let t = tenth as f64 / 10.0;
            let (n1, n2) = (tenth, tenth / 10);
            h.observe(
                &live(&[
                    (1, 100 + n1, 0, (100 + n1) * 80_000),
                    (2, n2, n2, n2 * 40_000),
                ]),
                t,
            );
        }
        // Frames every 0.1 s, samples every second: at 0, 1, 2, 3 s.
        assert_eq!(h.tracks.len(), 2);
        assert_eq!(h.tracks[0].samples.len(), 4);
        let v1 = version_columns(&h.tracks[0], MEAN_WINDOW_S);
        let v2 = version_columns(&h.tracks[1], MEAN_WINDOW_S);
        assert_eq!(v1.version, 1);
        assert_eq!(v1.requests, [[1.0, 10.0], [2.0, 10.0], [3.0, 10.0]]);
        assert_eq!(v1.errors, [[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]]);
        assert_eq!(v1.mean_ms, [[1.0, 80.0], [2.0, 80.0], [3.0, 80.0]]);
        assert_eq!(v2.requests, [[1.0, 1.0], [2.0, 1.0], [3.0, 1.0]]);
        assert_eq!(v2.errors, v2.requests);
        assert_eq!(v2.mean_ms, [[1.0, 40.0], [2.0, 40.0], [3.0, 40.0]]);
    }

    #[test]
    fn the_mean_spans_a_window_and_skips_idle_intervals() {
        let s = |t_s: f64, invocations: u64, duration_us: u64| VersionSample {
            t_s,
            invocations,
            errors: 0,
            duration_us,
        };
        let track = VersionTrack {
            version: 2,
            samples: vec![
                s(0.0, 0, 0),
                s(1.0, 0, 0),
                s(2.0, 1, 0),
                s(3.0, 2, 100_000),
                s(4.0, 2, 150_000),
            ],
        };
        let c = version_columns(&track, 2.0);
        // Nothing started in the first second, nor in the last (only a straggler finished):
        // no mean there.
        assert_eq!(c.mean_ms, [[2.0, 0.0], [3.0, 50.0]]);
        assert_eq!(c.requests.len(), 4);
        assert_eq!(
            version_columns(&VersionTrack::default(), 5.0),
            VersionColumns::default()
        );
    }

    #[test]
    fn history_stays_bounded_and_keeps_the_newest_versions() {
        let mut h = NodeVersions::default();
        for sec in 0..10_000u64 {
            h.observe(&live(&[(1, sec * 10, 0, 0), (2, sec, 0, 0)]), sec as f64);
        }
        assert!(h.tracks.iter().all(|t| t.samples.len() < SAMPLE_CAPACITY));
        assert!(h.spacing_s >= 16.0, "{}", h.spacing_s);
        // Thinning merges intervals exactly: the rate is still 10/s.
        let c = version_columns(&h.tracks[0], MEAN_WINDOW_S);
        assert!(c.requests.iter().all(|p| (p[1] - 10.0).abs() < 1e-9));
        let many: Vec<_> = (1..=9).map(|v| (v, 1, 0, 0)).collect();
        h.observe(&live(&many), 20_000.0);
        let kept: Vec<u32> = h.tracks.iter().map(|t| t.version).collect();
        assert_eq!(kept, [4, 5, 6, 7, 8, 9]);
        // A new run (time went back) starts over.
        h.observe(&live(&[(1, 0, 0, 0)]), 0.0);
        assert_eq!(h.tracks.len(), 1);
        assert_eq!(h.spacing_s, FIRST_SPACING_S);
    }

    #[test]
    fn the_split_says_who_gets_what_and_for_how_long() {
        let mut n = live(&[(1, 10, 0, 0), (2, 1, 0, 0)]);
        n.shifting_to = Some((2, 0.1));
        let canary = DeployRecord {
            version: 2,
            strategy: DeployStrategy::Canary {
                percent: 10.0,
                after_ms: 300_000,
                rollback_on_alarm: None,
            },
            at: 10 * SEC,
        };
        assert_eq!(
            split_text(&n, Some(&canary), 70 * SEC).as_deref(),
            Some("v2 gets 10 % (canary, 4 min left)")
        );
        assert_eq!(
            split_text(&n, Some(&canary), 400 * SEC).as_deref(),
            Some("v2 gets 10 % (canary, ending)")
        );
        assert_eq!(
            split_text(&n, None, 0).as_deref(),
            Some("v2 gets 10 %, v1 the rest")
        );
        n.shifting_to = Some((2, 0.3));
        let linear = DeployRecord {
            version: 2,
            strategy: DeployStrategy::Linear {
                percent: 10.0,
                every_ms: 10_000,
                rollback_on_alarm: None,
            },
            at: 0,
        };
        // Nine steps of 10 s take the share from 10 % to 100 %.
        assert_eq!(shift_end(&linear), 90 * SEC);
        assert_eq!(
            split_text(&n, Some(&linear), 20 * SEC).as_deref(),
            Some("v2 gets 30 % (linear, +10 % every 10 s, 1 min 10 s left)")
        );
        n.shifting_to = None;
        n.version = 2;
        assert_eq!(
            split_text(&n, Some(&linear), 200 * SEC).as_deref(),
            Some("v2 gets all traffic")
        );
        assert!(split_text(&live(&[]), None, 0).is_none());
        assert!(!has_versions(&live(&[])));
        assert_eq!(fmt_left(1), "1 s");
        assert_eq!(fmt_left(180 * SEC), "3 min");
    }
}
