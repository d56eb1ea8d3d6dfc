//! The Compare view: the open design run many times — over seeds, a sweep of one node's
//! parameter, or providers — on a background thread with progress and Cancel; then a table
//! (mean ± 95 % interval; cheapest, fastest and balanced marked), cost against p99 per
//! variant, and cost per day as bars with 95 % whiskers. Any variant opens as a project.
//! The runs are `compare::run`, the same as `eventloom compare`.

use crate::compare::{self, CompareError, Comparison, Hooks, Metric, Plan, Sweep};
use crate::model::{Project, Provider};
use crate::ui::message::Action;
use egui_plot::{Bar, BarChart, BoxElem, BoxPlot, BoxSpread, Legend, Plot, Points};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What a comparison varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vary {
    /// Only the seed: replications of one design.
    Seeds,
    /// One parameter of one node over a list of values.
    Sweep,
    /// The same design on each chosen provider.
    Providers,
}

/// A comparison running on its own thread.
struct Job {
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
    out: Arc<Mutex<Option<Result<Comparison, CompareError>>>>,
}

/// The Compare window's state.
pub struct ComparePanel {
    /// Whether the window is shown.
    pub open: bool,
    /// What is varied.
    pub vary: Vary,
    /// Runs per variant.
    pub seeds: u32,
    /// The swept node's id.
    pub node: String,
    /// The swept field, as the file names it (`memory_mb`).
    pub field: String,
    /// The values, comma-separated.
    pub values: String,
    /// The providers chosen, in [`Provider::ALL`]'s order.
    pub providers: [bool; 4],
    job: Option<Job>,
    /// The design and plan of the last comparison started (to open its variants).
    ran: Option<(Project, Plan)>,
    /// The last comparison's answer.
    pub result: Option<Comparison>,
    /// Why the last comparison could not run.
    pub error: Option<String>,
}

impl Default for ComparePanel {
    fn default() -> Self {
        Self {
            open: false,
            vary: Vary::Seeds,
            seeds: 5,
            node: String::new(),
            field: "memory_mb".to_owned(),
            values: "128,512,1024,1769,3008".to_owned(),
            providers: [true, true, true, false],
            job: None,
            ran: None,
            result: None,
            error: None,
        }
    }
}

impl ComparePanel {
    /// The plan the window's fields describe, or why they describe none.
    pub fn plan(&self) -> Result<Plan, String> {
        let (sweep, providers) = match self.vary {
            Vary::Seeds => (None, Vec::new()),
            Vary::Sweep => {
                let text = format!("{}.{}={}", self.node.trim(), self.field.trim(), self.values);
                (
                    Some(Sweep::parse(&text).map_err(|e| e.to_string())?),
                    Vec::new(),
                )
            }
            Vary::Providers => {
                let chosen: Vec<Provider> = Provider::ALL
                    .into_iter()
                    .zip(self.providers)
                    .filter_map(|(p, on)| on.then_some(p))
                    .collect();
                if chosen.is_empty() {
                    return Err("choose at least one provider".to_owned());
                }
                (None, chosen)
            }
        };
        Ok(Plan {
            seeds: self.seeds,
            first_seed: None,
            duration_ms: None,
            sweep,
            providers,
            focus: None,
        })
    }

    /// Starts comparing `project` on a background thread (a running one is cancelled).
    pub fn start(&mut self, project: &Project) {
        self.cancel();
        self.error = None;
        let plan = match self.plan() {
            Ok(p) => p,
            Err(e) => {
                self.error = Some(e);
                return;
            }
        };
        let job = Job {
            done: Arc::new(AtomicUsize::new(0)),
            total: Arc::new(AtomicUsize::new(0)),
            cancel: Arc::new(AtomicBool::new(false)),
            out: Arc::new(Mutex::new(None)),
        };
        let (done, total, cancel, out) = (
            job.done.clone(),
            job.total.clone(),
            job.cancel.clone(),
            job.out.clone(),
        );
        let (base, p) = (project.clone(), plan.clone());
        let spawned = std::thread::Builder::new()
            .name("eventloom-compare".to_owned())
            .spawn(move || {
                let progress = |d: usize, t: usize| {
                    done.store(d, Ordering::Relaxed);
                    total.store(t, Ordering::Relaxed);
                };
                let hooks = Hooks {
                    progress: &progress,
                    cancel: Some(&cancel),
                };
                let answer = compare::run(&base, &p, &hooks);
                if let Ok(mut slot) = out.lock() {
                    *slot = Some(answer);
                }
            });
        match spawned {
            Ok(_) => {
                self.job = Some(job);
                self.ran = Some((project.clone(), plan));
            }
            Err(e) => self.error = Some(format!("cannot start the comparison: {e}")),
        }
    }

    /// Cancels a running comparison (runs not yet started are skipped).
    pub fn cancel(&mut self) {
        if let Some(job) = self.job.take() {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Whether a comparison is running.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Takes a finished comparison's answer; true when one arrived.
    pub fn poll(&mut self) -> bool {
        let Some(job) = &self.job else {
            return false;
        };
        let answer = job.out.lock().ok().and_then(|mut slot| slot.take());
        let Some(answer) = answer else {
            return false;
        };
        self.job = None;
        match answer {
            Ok(c) => {
                self.result = Some(c);
                self.error = None;
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        true
    }

    /// Variant `i` of the last comparison as a project, if it can be rebuilt.
    fn variant_project(&self, i: usize) -> Option<Project> {
        let (base, plan) = self.ran.as_ref()?;
        let mut vars = compare::variants(base, plan).ok()?;
        (i < vars.len()).then(|| vars.swap_remove(i).project)
    }
}

/// The Compare window for `project`; pushes [`Action::OpenVariant`] when a variant is to be
/// opened.
pub fn compare_ui(
    ctx: &egui::Context,
    panel: &mut ComparePanel,
    project: &Project,
    actions: &mut Vec<Action>,
) {
    if panel.poll() || panel.running() {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
    let mut open = panel.open;
    egui::Window::new("Compare")
        .open(&mut open)
        .default_width(640.0)
        .show(ctx, |ui| {
            setup_ui(ui, panel, project);
            ui.separator();
            if let Some(e) = &panel.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            if let Some(i) = result_ui(ui, panel.result.as_ref())
                && let Some(p) = panel.variant_project(i)
            {
                actions.push(Action::OpenVariant(Box::new(p)));
            }
        });
    panel.open = open;
}

/// What to vary, Run / Cancel and the progress bar.
fn setup_ui(ui: &mut egui::Ui, panel: &mut ComparePanel, project: &Project) {
    ui.horizontal(|ui| {
        ui.label("Vary:");
        ui.selectable_value(&mut panel.vary, Vary::Seeds, "seeds only")
            .on_hover_text("Replications of the design as it is: mean and 95 % interval");
        ui.selectable_value(&mut panel.vary, Vary::Sweep, "a parameter")
            .on_hover_text("One node's parameter over a list of values");
        ui.selectable_value(&mut panel.vary, Vary::Providers, "providers")
            .on_hover_text("The same design on each provider");
    });
    match panel.vary {
        Vary::Seeds => {}
        Vary::Sweep => {
            if !project
                .graph
                .nodes
                .contains_key(&panel.node.as_str().into())
            {
                // Start from the first function (the usual thing to size), else any node.
                let first = project
                    .graph
                    .nodes
                    .iter()
                    .find(|(_, n)| n.kind.as_function().is_some())
                    .or_else(|| project.graph.nodes.iter().next());
                panel.node = first
                    .map(|(id, _)| id.as_str().to_owned())
                    .unwrap_or_default();
            }
            ui.horizontal(|ui| {
                ui.label("Node");
                egui::ComboBox::from_id_salt("compare-node")
                    .selected_text(panel.node.clone())
                    .show_ui(ui, |ui| {
                        for id in project.graph.nodes.keys() {
                            ui.selectable_value(
                                &mut panel.node,
                                id.as_str().to_owned(),
                                id.as_str(),
                            );
                        }
                    });
                ui.label("Field")
                    .on_hover_text("As the file names it: memory_mb, timeout_ms, cpu_bound…");
                ui.add(egui::TextEdit::singleline(&mut panel.field).desired_width(110.0));
                ui.label("Values");
                ui.add(egui::TextEdit::singleline(&mut panel.values).desired_width(200.0));
            });
        }
        Vary::Providers => {
            ui.horizontal(|ui| {
                for (p, on) in Provider::ALL.into_iter().zip(panel.providers.iter_mut()) {
                    ui.checkbox(on, p.profile().product);
                }
            });
        }
    }
    ui.horizontal(|ui| {
        ui.label("Seeds");
        ui.add(
            egui::DragValue::new(&mut panel.seeds)
                .range(1..=compare::MAX_SEEDS)
                .speed(0.2),
        )
        .on_hover_text("Runs per variant; two or more give 95 % intervals");
        if panel.running() {
            if ui.button("Cancel").clicked() {
                panel.cancel();
                panel.error = Some("cancelled".to_owned());
            }
        } else if ui.button("Run comparison").clicked() {
            panel.start(project);
        }
        if let Some(job) = &panel.job {
            let (d, t) = (
                job.done.load(Ordering::Relaxed),
                job.total.load(Ordering::Relaxed).max(1),
            );
            ui.add(
                egui::ProgressBar::new(d as f32 / t as f32)
                    .text(format!("{d} of {t} runs"))
                    .desired_width(180.0),
            );
        }
    });
}

/// `mean ± ci` of a metric, with `digits` decimals.
fn pm(m: Option<&Metric>, digits: usize) -> String {
    match m {
        Some(m) => match m.summary.ci95 {
            Some(ci) => format!("{:.digits$} ± {ci:.digits$}", m.summary.mean),
            None => format!("{:.digits$}", m.summary.mean),
        },
        None => "—".to_owned(),
    }
}

/// The table and plots; returns the variant whose "Open as project" was clicked.
fn result_ui(ui: &mut egui::Ui, result: Option<&Comparison>) -> Option<usize> {
    let c = result?;
    let mut open = None;
    let focus = c.focus.clone().unwrap_or_default();
    egui::Grid::new("compare-table")
        .striped(true)
        .show(ui, |ui| {
            for h in ["variant", "$/day", "p50 ms", "p99 ms", "marks", ""] {
                ui.strong(h);
            }
            ui.end_row();
            for (i, v) in c.variants.iter().enumerate() {
                let at = |k: &str| v.metric(&format!("{focus}.{k}"));
                ui.label(&v.label);
                ui.label(pm(v.metric("cost.per_day_usd"), 2));
                ui.label(pm(at("p50_ms"), 1));
                ui.label(pm(at("p99_ms"), 1));
                let mut marks: Vec<&str> = [
                    (c.cheapest, "cheapest"),
                    (c.fastest, "fastest"),
                    (c.balanced, "balanced"),
                ]
                .into_iter()
                .filter_map(|(m, name)| (m == Some(i)).then_some(name))
                .collect();
                if c.losing.contains(&i) {
                    marks.push("loses work");
                    ui.label(marks.join(", ")).on_hover_text(
                        "It drops or dead-letters more requests than the least lossy variant \
                         (by over 0.1 % of those that entered), so it is not marked cheapest, \
                         fastest or balanced: cheap or fast by not doing the work is no answer",
                    );
                } else {
                    ui.label(marks.join(", "));
                }
                if ui.small_button("Open as project").clicked() {
                    open = Some(i);
                }
                ui.end_row();
            }
        });
    ui.label(
        egui::RichText::new(format!(
            "{} seeds per variant; latency of {focus}; ± is the 95 % interval of the mean",
            c.seeds.len()
        ))
        .weak(),
    );
    plots_ui(ui, c, &focus);
    open
}

/// Cost against p99 per variant, and cost per day as bars with 95 % whiskers.
fn plots_ui(ui: &mut egui::Ui, c: &Comparison, focus: &str) {
    let mean = |m: Option<&Metric>| m.map_or(0.0, |m| m.summary.mean);
    let points: Vec<[f64; 2]> = c
        .variants
        .iter()
        .map(|v| {
            [
                mean(v.metric(&format!("{focus}.p99_ms"))),
                mean(v.metric("cost.per_day_usd")),
            ]
        })
        .collect();
    // Whiskers in the text colour, 2 pt, over bars in a lighter tone: a narrow interval still
    // shows as a clear cap on its bar.
    let whisker = egui::Stroke::new(2.0, ui.visuals().strong_text_color());
    let bar_fill = ui.visuals().selection.bg_fill.gamma_multiply(0.6);
    ui.columns(2, |cols| {
        Plot::new("compare-cost-p99")
            .height(200.0)
            .x_axis_label("p99 ms")
            .y_axis_label("$/day")
            .legend(Legend::default())
            .show(&mut cols[0], |plot| {
                for (v, p) in c.variants.iter().zip(&points) {
                    plot.points(Points::new(v.label.clone(), vec![*p]).radius(5.0));
                }
            });
        let bars: Vec<Bar> = c
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Bar::new(i as f64, mean(v.metric("cost.per_day_usd")))
                    .name(&v.label)
                    .fill(bar_fill)
            })
            .collect();
        let whiskers: Vec<BoxElem> = c
            .variants
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let m = v.metric("cost.per_day_usd")?;
                let ci = m.summary.ci95?;
                let (lo, mid, hi) = (m.summary.mean - ci, m.summary.mean, m.summary.mean + ci);
                Some(
                    BoxElem::new(i as f64, BoxSpread::new(lo, mid, mid, mid, hi))
                        .whisker_width(0.4)
                        .box_width(0.0)
                        .stroke(whisker),
                )
            })
            .collect();
        Plot::new("compare-cost-bars")
            .height(200.0)
            .x_axis_label("variant")
            .y_axis_label("$/day ± 95 %")
            .show(&mut cols[1], |plot| {
                plot.bar_chart(BarChart::new("cost per day", bars).width(0.6));
                plot.box_plot(BoxPlot::new("95 % interval", whiskers));
            });
    });
}
