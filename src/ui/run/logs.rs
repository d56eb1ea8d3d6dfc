//! The log panel: a live tail of the run log, filtered by node, level, text and trace id,
//! that follows new lines until the user scrolls up (or pauses it) and lays out only the
//! rows in view, so 10,000 lines cost what 30 do. Clicking a line selects its node and
//! opens its trace.

use super::node_names::NodeNames;
use crate::model::NodeId;
use crate::sim::{Level, LogLine};
use crate::ui::message::PanelAction;
use crate::ui::shell::format::{fmt_count, fmt_time};
use crate::ui::shell::theme;
use std::collections::VecDeque;

/// Most lines the panel keeps (the engine's own ring holds as many).
pub const LOG_VIEW_CAPACITY: usize = crate::sim::LOG_CAPACITY;

/// The lines received from a run, bounded: the oldest go first. A helper for whoever holds
/// the run; the panel itself reads any `VecDeque<LogLine>` with its sequence number.
#[derive(Clone, Debug, Default)]
pub struct LogBuffer {
    /// Lines in time order.
    pub lines: VecDeque<LogLine>,
    /// Sequence number of `lines[0]`: lines received before it and since dropped.
    pub first_seq: u64,
    /// Lines the engine wrote that never arrived (its ring overflowed between frames).
    pub missed: u64,
}

impl LogBuffer {
    /// Appends new lines, dropping the oldest beyond [`LOG_VIEW_CAPACITY`].
    pub fn extend(&mut self, new: impl IntoIterator<Item = LogLine>, missed: u64) {
        self.lines.extend(new);
        self.missed += missed;
        let extra = self.lines.len().saturating_sub(LOG_VIEW_CAPACITY);
        self.lines.drain(..extra);
        self.first_seq += extra as u64;
    }

    /// Forgets everything (a new run).
    pub fn clear(&mut self) {
        self.first_seq += self.lines.len() as u64;
        self.lines.clear();
        self.missed = 0;
    }
}

/// Which lines to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFilter {
    /// Only this node's lines.
    pub node: Option<NodeId>,
    /// Show Info lines.
    pub info: bool,
    /// Show Warn lines.
    pub warn: bool,
    /// Show Error lines.
    pub error: bool,
    /// Only lines whose message or node name contains this (ignoring ASCII case).
    pub text: String,
    /// Only lines of this trace ("123" or "#123"); empty for all.
    pub trace: String,
}

impl Default for LogFilter {
    fn default() -> Self {
        Self {
            node: None,
            info: true,
            warn: true,
            error: true,
            text: String::new(),
            trace: String::new(),
        }
    }
}

/// The trace id typed in a filter field: `Ok(None)` when empty, `Err` when not a number.
pub fn parse_trace(text: &str) -> Result<Option<u64>, std::num::ParseIntError> {
    let t = text.trim().trim_start_matches('#').trim();
    if t.is_empty() {
        Ok(None)
    } else {
        t.parse().map(Some)
    }
}

/// Whether `hay` contains `needle_lower` (already ASCII-lowercased), ignoring ASCII case,
/// without allocating.
fn contains_ignore_ascii_case(hay: &str, needle_lower: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
    n.is_empty()
        || h.windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// A filter resolved against the run's nodes, ready to test many lines.
#[derive(Clone, Debug)]
pub struct CompiledFilter {
    /// `Some(None)`: a node was chosen that the run does not have (nothing matches).
    node: Option<Option<usize>>,
    levels: [bool; 3],
    text: String,
    /// `Some(None)`: the trace field is not a number (nothing matches).
    trace: Option<Option<u64>>,
}

impl LogFilter {
    /// Resolves node ids to indices and parses the trace id, once per frame.
    pub fn compile(&self, names: &NodeNames) -> CompiledFilter {
        CompiledFilter {
            node: self.node.as_ref().map(|id| names.index(id)),
            levels: [self.info, self.warn, self.error],
            text: self.text.trim().to_ascii_lowercase(),
            trace: match parse_trace(&self.trace) {
                Ok(None) => None,
                Ok(Some(id)) => Some(Some(id)),
                Err(_) => Some(None),
            },
        }
    }

    /// Whether any condition is set.
    pub fn is_active(&self) -> bool {
        *self != LogFilter::default()
    }
}

impl CompiledFilter {
    /// Whether `line` passes.
    pub fn matches(&self, line: &LogLine, names: &NodeNames) -> bool {
        let level = match line.level {
            Level::Info => self.levels[0],
            Level::Warn => self.levels[1],
            Level::Error => self.levels[2],
        };
        level
            && self.node.is_none_or(|n| n == Some(line.node))
            && self.trace.is_none_or(|t| t == Some(line.trace))
            && (self.text.is_empty()
                || contains_ignore_ascii_case(&line.message, &self.text)
                || contains_ignore_ascii_case(&names.name(line.node), &self.text))
    }
}

/// The panel's state: the filter, whether it follows new lines, and the matching lines
/// (kept up to date incrementally: only new lines are tested each frame).
#[derive(Clone, Debug)]
pub struct LogView {
    /// Which lines to show.
    pub filter: LogFilter,
    /// Whether the view follows new lines (false once the user scrolls up or pauses).
    pub follow: bool,
    /// Sequence numbers of the matching lines, ascending.
    matched: VecDeque<u64>,
    /// The filter `matched` was built with, and the sequence number scanned up to.
    built_for: Option<LogFilter>,
    scanned_to: u64,
    /// While paused: the top line in view and how far it is scrolled past, in points.
    anchor: Option<(u64, f32)>,
    jump_to_end: bool,
    last_offset: f32,
}

impl Default for LogView {
    fn default() -> Self {
        Self {
            filter: LogFilter::default(),
            follow: true,
            matched: VecDeque::new(),
            built_for: None,
            scanned_to: 0,
            anchor: None,
            jump_to_end: false,
            last_offset: 0.0,
        }
    }
}

impl LogView {
    /// Brings the matching lines up to date with `lines` (whose first has sequence number
    /// `first_seq`); returns how many match.
    pub fn refresh(
        &mut self,
        lines: &VecDeque<LogLine>,
        first_seq: u64,
        names: &NodeNames,
    ) -> usize {
        let end = first_seq + lines.len() as u64;
        let reset = self.built_for.as_ref() != Some(&self.filter)
            || self.scanned_to > end
            || self.scanned_to < first_seq && !self.matched.is_empty();
        if reset {
            self.matched.clear();
            self.scanned_to = first_seq;
            self.built_for = Some(self.filter.clone());
        }
        while self.matched.front().is_some_and(|&s| s < first_seq) {
            self.matched.pop_front();
        }
        let from = self.scanned_to.max(first_seq);
        let f = self.filter.compile(names);
        for (i, line) in lines.iter().enumerate().skip((from - first_seq) as usize) {
            if f.matches(line, names) {
                self.matched.push_back(first_seq + i as u64);
            }
        }
        self.scanned_to = end;
        self.matched.len()
    }

    /// Sequence numbers of the matching lines (after [`LogView::refresh`]).
    pub fn matched(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.matched.iter().copied()
    }

    /// Stops following new lines; the lines in view stay put.
    pub fn pause(&mut self) {
        self.follow = false;
    }

    /// Follows new lines again, from the end.
    pub fn resume(&mut self) {
        self.follow = true;
        self.jump_to_end = true;
        self.anchor = None;
    }
}

/// The text of one row (also its accessible label): time, level, node, message, trace.
pub fn row_text(line: &LogLine, names: &NodeNames) -> String {
    let mut s = format!(
        "{:>11}  {:<5}  {}  {}",
        fmt_time(line.t),
        level_label(line.level),
        names.name(line.node),
        line.message
    );
    if line.trace != 0 {
        s.push_str(&format!("  #{}", line.trace));
    }
    s
}

/// Short upper-case level name.
pub fn level_label(level: Level) -> &'static str {
    match level {
        Level::Info => "INFO",
        Level::Warn => "WARN",
        Level::Error => "ERROR",
    }
}

fn row_job(ui: &egui::Ui, line: &LogLine, names: &NodeNames) -> egui::text::LayoutJob {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let dark = ui.visuals().dark_mode;
    let text = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let fmt = |color| egui::TextFormat::simple(font.clone(), color);
    let mut job = egui::text::LayoutJob::default();
    job.append(&format!("{:>11}  ", fmt_time(line.t)), 0.0, fmt(weak));
    job.append(
        &format!("{:<5}  ", level_label(line.level)),
        0.0,
        fmt(theme::level_color(line.level, dark)),
    );
    job.append(&names.name(line.node), 0.0, fmt(text));
    job.append("  ", 0.0, fmt(text));
    job.append(&line.message, 0.0, fmt(text));
    if line.trace != 0 {
        job.append(&format!("  #{}", line.trace), 0.0, fmt(weak));
    }
    job.wrap.max_rows = 1;
    job.wrap.break_anywhere = true;
    job
}

/// The panel: filters, the follow/pause control and the rows. `lines` are the run's lines
/// (oldest first), `first_seq` the sequence number of `lines[0]`.
pub fn log_view_ui(
    ui: &mut egui::Ui,
    view: &mut LogView,
    lines: &VecDeque<LogLine>,
    first_seq: u64,
    names: &NodeNames,
    actions: &mut Vec<PanelAction>,
) {
    filters_ui(ui, view, lines.len(), names);
    let shown = view.refresh(lines, first_seq, names);
    if shown == 0 {
        let why = if lines.is_empty() {
            "No log lines yet"
        } else {
            "No line matches the filters"
        };
        ui.label(egui::RichText::new(why).weak());
        ui.allocate_space(ui.available_size());
        return;
    }

    let row_height =
        ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().button_padding.y * 2.0;
    let pitch = row_height + ui.spacing().item_spacing.y;
    let mut area = egui::ScrollArea::vertical()
        .id_salt("log rows")
        .auto_shrink([false, false])
        .stick_to_bottom(view.follow);
    let set_offset = if view.jump_to_end {
        // The end (egui clamps it). Not f32::MAX: show_rows would overflow computing rows.
        Some(shown as f32 * pitch)
    } else if let (false, Some((seq, past))) = (view.follow, view.anchor) {
        // Lines dropped from the front move every row up: keep the same line on top.
        let row = view.matched.partition_point(|&s| s < seq);
        Some(row as f32 * pitch + past)
    } else {
        None
    };
    if let Some(o) = set_offset {
        area = area.vertical_scroll_offset(o);
    }
    let out = area.show_rows(ui, row_height, shown, |ui, rows| {
        for row in rows {
            let Some(line) = view
                .matched
                .get(row)
                .and_then(|&seq| lines.get((seq - first_seq) as usize))
            else {
                continue;
            };
            let label = row_text(line, names);
            let r = ui.add(
                egui::Button::selectable(false, row_job(ui, line, names))
                    .wrap_mode(egui::TextWrapMode::Truncate),
            );
            r.widget_info(|| {
                egui::WidgetInfo::labeled(egui::WidgetType::Button, true, label.clone())
            });
            let hint = if line.trace != 0 {
                "Click to select the node and open its trace"
            } else {
                "Click to select the node"
            };
            if r.on_hover_text(hint).clicked() {
                if let Some(id) = names.id(line.node) {
                    actions.push(PanelAction::SelectNode(id.clone()));
                }
                if line.trace != 0 {
                    actions.push(PanelAction::OpenTrace(line.trace));
                }
            }
        }
    });

    let max_offset = (out.content_size.y - out.inner_rect.height()).max(0.0);
    let offset = out.state.offset.y;
    let at_bottom = offset >= max_offset - 1.0;
    let expected = set_offset.map_or(view.last_offset, |o| o.clamp(0.0, max_offset));
    let user_moved = (offset - expected).abs() > 0.5;
    if view.jump_to_end {
        view.jump_to_end = false;
    } else if view.follow && !at_bottom {
        view.follow = false; // the user scrolled up
    } else if !view.follow && at_bottom && user_moved {
        view.follow = true; // ... and back down to the end
    }
    view.last_offset = offset;
    view.anchor = if view.follow {
        None
    } else {
        let top = (offset / pitch).floor().max(0.0) as usize;
        view.matched
            .get(top)
            .map(|&seq| (seq, offset - top as f32 * pitch))
    };
}

fn filters_ui(ui: &mut egui::Ui, view: &mut LogView, total: usize, names: &NodeNames) {
    ui.horizontal_wrapped(|ui| {
        let f = &mut view.filter;
        let selected = f
            .node
            .as_ref()
            .map_or_else(|| "All nodes".to_owned(), |id| names.name_of(id).to_owned());
        egui::ComboBox::from_id_salt("log node filter")
            .selected_text(selected)
            .width(150.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut f.node, None, "All nodes");
                for (_, id, name) in names.iter() {
                    ui.selectable_value(&mut f.node, Some(id.clone()), name);
                }
            })
            .response
            .on_hover_text("Show only one node's lines");
        ui.toggle_value(&mut f.info, "Info")
            .on_hover_text("Show cold starts, deploys and other notable events");
        ui.toggle_value(&mut f.warn, "Warn")
            .on_hover_text("Show throttles, retries and other handled problems");
        ui.toggle_value(&mut f.error, "Error")
            .on_hover_text("Show errors, timeouts, dead-lettered and dropped messages");
        ui.add(
            egui::TextEdit::singleline(&mut f.text)
                .hint_text("Filter text")
                .desired_width(140.0),
        )
        .on_hover_text("Only lines whose message or node name contains this text");
        let bad_trace = parse_trace(&f.trace).is_err();
        let mut trace_edit = egui::TextEdit::singleline(&mut f.trace)
            .hint_text("Trace id")
            .desired_width(80.0);
        if bad_trace {
            trace_edit = trace_edit.text_color(theme::FAILED);
        }
        ui.add(trace_edit).on_hover_text(if bad_trace {
            "A trace id is a number, e.g. 1234 or #1234"
        } else {
            "Only lines of one trace (e.g. 1234 or #1234)"
        });
        if ui
            .add_enabled(f.is_active(), egui::Button::new("Clear filters"))
            .on_hover_text("Show every line again")
            .clicked()
        {
            *f = LogFilter::default();
        }
        ui.separator();
        ui.label(format!(
            "{} of {} lines",
            fmt_count(view.matched.len() as u64),
            fmt_count(total as u64)
        ));
        ui.separator();
        if view.follow {
            if ui
                .button("⏸ Pause")
                .on_hover_text("Stop following new lines (scrolling up does this too)")
                .clicked()
            {
                view.pause();
            }
        } else if ui
            .button("⏬ Follow")
            .on_hover_text("Jump to the newest line and follow new lines")
            .clicked()
        {
            view.resume();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: u64, node: usize, level: Level, trace: u64, message: &str) -> LogLine {
        LogLine {
            t,
            node,
            level,
            trace,
            message: message.to_owned(),
        }
    }

    fn names() -> NodeNames {
        NodeNames::from_project(&crate::project::synthetic::pipeline(7))
    }

    #[test]
    fn each_condition_filters() {
        let names = names();
        let api = names.index(&NodeId::new("api-0")).unwrap();
        let worker = names.index(&NodeId::new("worker-0")).unwrap();
        let lines = [
            line(1, api, Level::Warn, 0, "rate limit exceeded (429)"),
            line(2, worker, Level::Error, 7, "Timeout after 3 s"),
            line(3, worker, Level::Info, 7, "cold start"),
        ];
        let pass = |f: &LogFilter| -> Vec<u64> {
            let c = f.compile(&names);
            lines
                .iter()
                .filter(|l| c.matches(l, &names))
                .map(|l| l.t)
                .collect()
        };
        assert_eq!(pass(&LogFilter::default()), [1, 2, 3]);
        let node = LogFilter {
            node: Some(NodeId::new("worker-0")),
            ..LogFilter::default()
        };
        assert_eq!(pass(&node), [2, 3]);
        let gone = LogFilter {
            node: Some(NodeId::new("deleted")),
            ..LogFilter::default()
        };
        assert_eq!(pass(&gone), [] as [u64; 0]);
        let errors = LogFilter {
            info: false,
            warn: false,
            ..LogFilter::default()
        };
        assert_eq!(pass(&errors), [2]);
        let text = LogFilter {
            text: " TIMEOUT ".to_owned(),
            ..LogFilter::default()
        };
        assert_eq!(pass(&text), [2]);
        let by_name = LogFilter {
            text: "Api 0".to_owned(),
            ..LogFilter::default()
        };
        assert_eq!(pass(&by_name), [1]);
        let trace = LogFilter {
            trace: "#7".to_owned(),
            ..LogFilter::default()
        };
        assert_eq!(pass(&trace), [2, 3]);
        let bad = LogFilter {
            trace: "seven".to_owned(),
            ..LogFilter::default()
        };
        assert_eq!(pass(&bad), [] as [u64; 0]);
        assert_eq!(parse_trace(" # 12 "), Ok(Some(12)));
        assert_eq!(parse_trace(""), Ok(None));
        assert!(parse_trace("99999999999999999999999").is_err());
    }

    #[test]
    fn the_buffer_is_bounded_and_numbers_lines() {
        let mut b = LogBuffer::default();
        b.extend(
            (0..LOG_VIEW_CAPACITY as u64 + 5).map(|t| line(t, 0, Level::Info, 0, "x")),
            3,
        );
        assert_eq!(b.lines.len(), LOG_VIEW_CAPACITY);
        assert_eq!(b.first_seq, 5);
        assert_eq!(b.lines[0].t, 5);
        assert_eq!(b.missed, 3);
        b.clear();
        assert!(b.lines.is_empty());
        assert_eq!(b.first_seq, LOG_VIEW_CAPACITY as u64 + 5);
    }

    #[test]
    fn matching_is_incremental_and_follows_the_ring() {
        let names = names();
        let mut b = LogBuffer::default();
        let mut view = LogView::default();
        view.filter.error = false;
        let level = |t: u64| {
            if t % 2 == 0 {
                Level::Error
            } else {
                Level::Info
            }
        };
        b.extend((0..10).map(|t| line(t, 0, level(t), 0, "m")), 0);
        assert_eq!(view.refresh(&b.lines, b.first_seq, &names), 5);
        // Lines arrive and the oldest leave: only the new ones are tested.
        b.extend(
            (10..LOG_VIEW_CAPACITY as u64 + 4).map(|t| line(t, 0, level(t), 0, "m")),
            0,
        );
        let n = view.refresh(&b.lines, b.first_seq, &names);
        assert_eq!(n, LOG_VIEW_CAPACITY / 2);
        let seqs: Vec<u64> = view.matched().collect();
        assert!(seqs.iter().all(|&s| s >= b.first_seq && s % 2 == 1));
        // A changed filter rebuilds the list.
        view.filter.error = true;
        assert_eq!(
            view.refresh(&b.lines, b.first_seq, &names),
            LOG_VIEW_CAPACITY
        );
        // A new run: the buffer starts again.
        b.clear();
        assert_eq!(view.refresh(&b.lines, b.first_seq, &names), 0);
        b.extend([line(0, 0, Level::Error, 0, "m")], 0);
        assert_eq!(view.refresh(&b.lines, b.first_seq, &names), 1);
    }

    #[test]
    fn row_text_reads_left_to_right() {
        let names = names();
        let api = names.index(&NodeId::new("api-0")).unwrap();
        let l = line(1_500_000, api, Level::Warn, 42, "rate limit exceeded (429)");
        assert_eq!(
            row_text(&l, &names),
            "    1.500 s  WARN   api 0  rate limit exceeded (429)  #42"
        );
    }
}
