//! Tests of the live overlay: badge text, shares, pills that fit their node.

use super::*;

#[test]
fn a_long_badge_keeps_within_its_node() {
    let ctx = egui::Context::default();
    let mut checked = 0;
    let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
        let painter = ui.ctx().layer_painter(egui::LayerId::background());
        let long = "1,234/s · p99 12.3s · err 45.6 % · thr 12.0 %";
        for z in [0.5_f32, 0.6, 0.8, 1.0, 1.5] {
            let max = 150.0 * z;
            let (text, size) = fit_pill(&painter, long, badge_size(z), max);
            assert!(pill_size(&painter, &text, size).x <= max, "{text} at {z}");
            assert!(size >= BADGE_MIN_SIZE.min(badge_size(z)));
            checked += 1;
        }
        let short = "12/s";
        assert_eq!(
            fit_pill(&painter, short, 10.5, 150.0),
            (short.to_owned(), 10.5)
        );
    });
    out.textures_delta.clear();
    assert_eq!(checked, 5);
}

#[test]
fn badges_are_never_smaller_than_the_compact_one() {
    for i in 0..=400 {
        let z = NAME_ZOOM + i as f32 * 0.01;
        let s = badge_size(z);
        assert!((BADGE_MIN_SIZE..=14.0).contains(&s), "{s} pt at {z}");
    }
    assert_eq!(badge_size(1.0), 10.5);
}

fn live(last: crate::sim::Point, depth: u64) -> NodeLive {
    NodeLive {
        last,
        depth,
        health: crate::sim::Health::Ok,
        ..NodeLive::new("n".into())
    }
}

#[test]
fn the_compact_badge_shows_the_number_that_matters() {
    let function = NodeKind::Function(crate::model::FunctionParams::default());
    let queue = NodeKind::Queue(crate::model::QueueParams::default());
    let second = |invocations: u64, errors: u64, throttles: u64| crate::sim::Point {
        width_s: 1.0,
        invocations,
        completions: invocations - errors - throttles,
        errors,
        throttles,
        p99_ms: 82.0,
        ..Default::default()
    };
    let n = live(second(200, 0, 0), 0);
    assert_eq!(
        compact_badge(&function, &n),
        format!("{}/s · 82ms", compact(n.rate()))
    );
    let failing = compact_badge(&function, &live(second(200, 3, 5), 0));
    assert!(failing.ends_with(" · err 1.5 %"), "{failing}");
    let throttled = compact_badge(&function, &live(second(200, 0, 5), 0));
    assert!(throttled.ends_with(" · thr 2.5 %"), "{throttled}");
    // More errors reached than requests started (the "13/s · err 28/s" of #13): a
    // share of what ended, never above 100 %.
    let n = live(
        crate::sim::Point {
            width_s: 1.0,
            invocations: 13,
            errors: 28,
            ..Default::default()
        },
        0,
    );
    assert_eq!(compact_badge(&function, &n), "13/s · err 100 %");
    let q = compact_badge(&queue, &live(second(10, 0, 0), 3));
    assert!(q.ends_with(" · depth 3"), "{q}");
}

/// The "13/s · err 28/s" of issue #13: a node whose errors reached in one second
/// outnumber the requests started in it. Every badge states errors as a share of the
/// requests that ended, never above 100 %, for every kind.
#[test]
fn error_shares_never_exceed_the_requests_they_are_a_share_of() {
    let second = |invocations, completions, errors, throttles| crate::sim::Point {
        width_s: 1.0,
        invocations,
        completions,
        errors,
        throttles,
        p99_ms: 40.0,
        ..Default::default()
    };
    for tag in crate::model::KindTag::ALL {
        let kind = tag.default_kind();
        for (last, err, thr) in [
            (second(13, 0, 28, 0), Some("err 100 %"), None),
            (second(34, 24, 36, 0), Some("err 60 %"), None),
            (second(100, 90, 5, 5), Some("err 5.0 %"), Some("thr 5.0 %")),
            (second(10, 0, 0, 10), None, Some("thr 100 %")),
            (second(50, 50, 0, 0), None, None),
        ] {
            let n = live(last, 0);
            let (top, _, alert) = node_badges(&kind, &n);
            let per_second_errors = top
                .split(" · ")
                .any(|p| (p.starts_with("err ") || p.starts_with("thr ")) && p.ends_with("/s"));
            assert!(!per_second_errors, "{tag:?}: {top}");
            for (want, what) in [(err, "err "), (thr, "thr ")] {
                match want {
                    Some(w) => assert!(top.contains(w), "{tag:?}: {top} lacks {w}"),
                    None => assert!(!top.contains(what), "{tag:?}: {top}"),
                }
            }
            assert_eq!(alert, err.is_some() || thr.is_some(), "{tag:?}: {top}");
            let pct: Vec<f64> = top
                .split(" · ")
                .filter_map(|p| p.strip_suffix(" %"))
                .filter_map(|p| p.rsplit(' ').next()?.parse().ok())
                .collect();
            assert!(pct.iter().all(|p| *p <= 100.0), "{tag:?}: {top}");
        }
    }
}

#[test]
fn a_node_the_loop_detector_stopped_is_marked() {
    let function = NodeKind::Function(crate::model::FunctionParams::default());
    let n = NodeLive {
        loop_stopped: 1_234,
        ..live(crate::sim::Point::default(), 0)
    };
    let (top, _, alert) = node_badges(&function, &n);
    assert!(top.contains("loop stopped 1.2k"), "{top}");
    assert!(alert);
    assert!(compact_badge(&function, &n).contains("loop stopped"));
    let (top, _, alert) = node_badges(&function, &live(crate::sim::Point::default(), 0));
    assert!(!top.contains("loop") && !alert, "{top}");
}

#[test]
fn edges_show_batches_losses_and_copies() {
    let mapping = EdgeKind::EventSource(crate::model::EventSourceMapping::default());
    let edge = |batches, pollers, lost, duplicated| EdgeLive {
        delivered: 0,
        last_second: 0,
        lost,
        duplicated,
        faults: 0,
        batches,
        pollers,
    };
    assert_eq!(edge_badge(&mapping, &edge(0, 0, 0, 0)), None);
    assert_eq!(
        edge_badge(&mapping, &edge(3, 5, 0, 0)).as_deref(),
        Some("3/5 batches")
    );
    assert_eq!(
        edge_badge(&mapping, &edge(1, 0, 0, 0)).as_deref(),
        Some("1 batch")
    );
    assert_eq!(
        edge_badge(&EdgeKind::SyncInvoke, &edge(0, 0, 120, 7)).as_deref(),
        Some("lost 120 · dup 7")
    );
    assert_eq!(edge_badge(&EdgeKind::Write, &edge(0, 0, 0, 0)), None);
}

#[test]
fn counts_read_as_whole_numbers() {
    assert_eq!(compact_count(0), "0");
    assert_eq!(compact_count(3), "3");
    assert_eq!(compact_count(999), "999");
    assert_eq!(compact_count(1_500), "1.5k");
    assert_eq!(compact_count(25_000), "25k");
}
