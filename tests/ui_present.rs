//! Present mode from the user's seat (egui_kittest, headless): at the default window sizes
//! the dashboard shows every plot, axes and all, inside its panel without scrolling — and
//! the latency histogram beside them or behind its toggle, never cut.
#![cfg(feature = "gui")]

use egui::{Rect, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use eventloom::model::{NodeId, Project};
use eventloom::ui::run::dashboard::{HistogramPlace, LaidOut};
use eventloom::ui::{Action, Editor, RUN, Selection};

/// The example with a lesson beside the canvas (the panel takes width from the dashboard).
fn orders() -> Project {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/projects/orders.ron");
    eventloom::project::load(std::path::Path::new(path)).expect("the example loads")
}

/// The editor at `size` in Present mode, running with a function watched.
fn presenting(size: Vec2) -> Harness<'static, Editor> {
    let mut editor = Editor::new(orders(), None);
    editor.inline_runs = true;
    let mut h = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, e: &mut Editor| e.ui(ui), editor);
    h.state_mut().act(Action::TogglePresent);
    h.run();
    assert!(h.state().present, "Present mode on");
    h.get_by_label(RUN).click();
    for _ in 0..30 {
        h.step();
    }
    h.state_mut()
        .act(Action::Select(Selection::node(NodeId::new(
            "process-order",
        ))));
    // 20 virtual seconds: the series and the histogram have data.
    for _ in 0..200 {
        h.step();
    }
    assert!(
        h.state()
            .live
            .as_ref()
            .is_some_and(|r| !r.watched.is_empty() && r.now() > 0),
        "the run watches the selected function"
    );
    h
}

/// `inner` lies within `outer` (half a point for rounding).
fn inside(outer: Rect, inner: Rect) -> bool {
    outer.expand(0.5).contains_rect(inner)
}

fn laid_out(h: &Harness<'static, Editor>) -> LaidOut {
    h.state().run_panels.dashboard.laid_out.clone()
}

#[test]
fn the_dashboard_fits_in_present_mode_at_the_default_window_sizes() {
    for size in [Vec2::new(1280.0, 800.0), Vec2::new(1600.0, 1000.0)] {
        let mut h = presenting(size);
        let screen = h.ctx.content_rect();
        let at = format!("{size:?} (screen {screen:?})");
        let shown = laid_out(&h);
        let layout = shown
            .layout
            .unwrap_or_else(|| panic!("{at}: plots laid out"));
        assert!(
            layout.fits,
            "{at}: the plots scroll: {layout:?} in {:?}",
            shown.area
        );
        let area = shown.area.expect("the dashboard drew");
        assert!(
            inside(screen, area),
            "{at}: dashboard {area:?} off the window"
        );
        assert_eq!(shown.plots.len(), 4, "{at}: every plot shows");
        for (i, plot) in shown.plots.iter().enumerate() {
            assert!(
                inside(area, *plot),
                "{at}: plot {i} at {plot:?} is cut by the dashboard {area:?}"
            );
            assert!(plot.height() >= 40.0, "{at}: plot {i} is {plot:?}");
        }
        for (i, a) in shown.plots.iter().enumerate() {
            for b in &shown.plots[i + 1..] {
                assert!(!a.shrink(1.0).intersects(*b), "{at}: plots overlap");
            }
        }
        match layout.histogram {
            HistogramPlace::Beside => {
                let hist = shown.histogram.expect("the histogram beside the plots");
                assert!(inside(area, hist), "{at}: histogram {hist:?} cut");
                for plot in &shown.plots {
                    assert!(!hist.intersects(*plot), "{at}: histogram over a plot");
                }
            }
            HistogramPlace::Toggle => {
                assert!(shown.histogram.is_none(), "{at}: histogram hidden");
                h.get_by_label("Latency histogram").click();
                h.step();
                h.step();
                let toggled = laid_out(&h);
                let hist = toggled.histogram.expect("the toggle shows the histogram");
                assert!(inside(area, hist), "{at}: histogram {hist:?} cut");
                assert!(toggled.plots.is_empty(), "{at}: instead of the plots");
                h.get_by_label("Time series").click();
                h.step();
                h.step();
                assert_eq!(laid_out(&h).plots.len(), 4, "{at}: the plots are back");
            }
        }
    }
}
