//! A learner's answers and step results, saved as JSON next to their data (the editor
//! writes them in its storage folder or a folder the user picks), and
//! `eventloom lesson --collect DIR`: a class's files in one table for the lecturer.

use super::{Given, LessonRunner};
use crate::model::{Answer, slug};
use crate::sim::Snapshot;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Version of the answers file format.
pub const RECORD_FORMAT: u32 = 1;

/// One learner's progress through one lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonRecord {
    /// The file format version ([`RECORD_FORMAT`]).
    pub format: u32,
    /// Project name.
    pub project: String,
    /// Lesson title.
    pub lesson: String,
    /// Who answered (may be empty).
    #[serde(default)]
    pub learner: String,
    /// Every step, in order.
    pub steps: Vec<StepRecord>,
}

/// How one step went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// 1-based number.
    pub number: usize,
    /// Its title.
    pub title: String,
    /// "met", "skipped" or "not reached".
    pub status: String,
    /// Simulated seconds it took, once ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_s: Option<f64>,
    /// What was measured when it ended.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub measured: String,
    /// The answer to its question, if it asked one and it was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerRecord>,
}

/// A learner's answer to a step's question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerRecord {
    /// What was asked.
    pub prompt: String,
    /// The answer in words (the number or the choice).
    pub given: String,
    /// Right (a choice) or close (a number), once the run showed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<bool>,
    /// The comparison line ("You predicted 200 ms; the run shows 1,204 ms (6.0× yours)").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub compared: String,
}

impl LessonRecord {
    /// What `runner` knows now (`snap`: the run now, for a question still open).
    pub fn from_runner(
        runner: &LessonRunner,
        project: &str,
        learner: &str,
        snap: Option<&Snapshot>,
    ) -> LessonRecord {
        let lesson = runner.lesson();
        let steps = lesson
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let o = runner.outcomes().get(i).and_then(Option::as_ref);
                let answer = match (&step.question, runner.answers().get(i).copied().flatten()) {
                    (Some(q), Some(g)) => {
                        let verdict = runner.verdict(i, snap);
                        Some(AnswerRecord {
                            prompt: q.prompt.clone(),
                            given: match (&q.answer, g) {
                                (Answer::Choice { options, .. }, Given::Choice(c)) => {
                                    options.get(c).cloned().unwrap_or_default()
                                }
                                (_, Given::Number(v)) => format!("{v}"),
                                (Answer::Number { .. }, Given::Choice(c)) => format!("choice {c}"),
                            },
                            right: verdict.as_ref().map(|v| v.right),
                            compared: verdict.map(|v| v.line).unwrap_or_default(),
                        })
                    }
                    (Some(_), None) | (None, _) => None,
                };
                StepRecord {
                    number: i + 1,
                    title: step.title.clone(),
                    status: match o {
                        Some(o) if o.met => "met",
                        Some(_) => "skipped",
                        None => "not reached",
                    }
                    .to_owned(),
                    took_s: o.map(|o| o.took_s),
                    measured: o.map(|o| o.measured.clone()).unwrap_or_default(),
                    answer,
                }
            })
            .collect();
        LessonRecord {
            format: RECORD_FORMAT,
            project: project.to_owned(),
            lesson: lesson.title.clone(),
            learner: learner.to_owned(),
            steps,
        }
    }

    /// The file name it is saved under: the learner and the project, as slugs.
    pub fn file_name(&self) -> String {
        let who = if self.learner.trim().is_empty() {
            "answers".to_owned()
        } else {
            slug(&self.learner)
        };
        format!("{who}-{}.lesson.json", slug(&self.project))
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Why a class's answers cannot be collected.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The folder cannot be read.
    #[error("cannot read the folder: {source}: {}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Every `*.json` answers file in `dir` (sorted by name): the records that load, and for
/// each file that does not, its path and why (a class folder holds what it holds).
#[allow(clippy::type_complexity)]
pub fn collect(
    dir: &Path,
) -> Result<(Vec<(PathBuf, LessonRecord)>, Vec<(PathBuf, String)>), CollectError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CollectError::Folder {
        path: dir.to_owned(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    for p in paths {
        match std::fs::read_to_string(&p)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<LessonRecord>(&t).map_err(|e| e.to_string()))
        {
            Ok(r) => ok.push((p, r)),
            Err(why) => bad.push((p, why)),
        }
    }
    Ok((ok, bad))
}

/// A class's records as Markdown tables, one per lesson: a row per learner with the steps
/// met and each question's answer (✓ right or close, ✗ not), and a last row counting them.
pub fn tabulate(records: &[(PathBuf, LessonRecord)]) -> String {
    let mut lessons: Vec<&str> = records.iter().map(|(_, r)| r.lesson.as_str()).collect();
    lessons.sort_unstable();
    lessons.dedup();
    let mut s = String::new();
    for lesson in lessons {
        let rows: Vec<&(PathBuf, LessonRecord)> =
            records.iter().filter(|(_, r)| r.lesson == lesson).collect();
        let Some((_, first)) = rows.first() else {
            continue;
        };
        let asked: Vec<(usize, &str)> = first
            .steps
            .iter()
            .filter(|st| st.answer.is_some() || rows.iter().any(|(_, r)| has_answer(r, st.number)))
            .map(|st| (st.number, st.title.as_str()))
            .collect();
        s.push_str(&format!("## {lesson} ({} learners)\n\n", rows.len()));
        s.push_str("| learner | steps met |");
        for (n, _) in &asked {
            s.push_str(&format!(" step {n} |"));
        }
        s.push_str("\n|---|---|");
        for _ in &asked {
            s.push_str("---|");
        }
        s.push('\n');
        let mut right = vec![0usize; asked.len()];
        for (path, r) in &rows {
            let who = if r.learner.is_empty() {
                path.file_stem()
                    .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
            } else {
                r.learner.clone()
            };
            let met = r.steps.iter().filter(|st| st.status == "met").count();
            s.push_str(&format!("| {} | {met}/{} |", cell(&who), r.steps.len()));
            for (k, (n, _)) in asked.iter().enumerate() {
                let a = r
                    .steps
                    .iter()
                    .find(|st| st.number == *n)
                    .and_then(|st| st.answer.as_ref());
                let text = match a {
                    Some(a) => {
                        let mark = match a.right {
                            Some(true) => {
                                right[k] += 1;
                                "✓ "
                            }
                            Some(false) => "✗ ",
                            None => "",
                        };
                        format!("{mark}{}", cell(&a.given))
                    }
                    None => "—".to_owned(),
                };
                s.push_str(&format!(" {text} |"));
            }
            s.push('\n');
        }
        s.push_str("| right or close | |");
        for r in &right {
            s.push_str(&format!(" {r}/{} |", rows.len()));
        }
        s.push_str("\n\n");
        for (n, title) in &asked {
            if let Some(q) = first
                .steps
                .iter()
                .find(|st| st.number == *n)
                .and_then(|st| st.answer.as_ref())
            {
                s.push_str(&format!("- step {n} ({title}): {}\n", q.prompt));
            }
        }
        s.push('\n');
    }
    s
}

fn has_answer(r: &LessonRecord, number: usize) -> bool {
    r.steps
        .iter()
        .any(|st| st.number == number && st.answer.is_some())
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "/").replace('\n', " ")
}
