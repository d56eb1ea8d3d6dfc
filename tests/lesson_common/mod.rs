//! The small project the lesson tests (`lesson.rs`, `lesson_questions.rs`) run lessons on.

use crate::sim_common::{Build, func, queue};
use eventloom::model::{EdgeKind, EventSourceMapping, Project};

/// client (10/s) → queue → worker (slow: 400 ms, two at a time — the mapping's maximum
/// concurrency within the reservation), and client → fast (10 ms).
pub fn project() -> Project {
    let mut slow = func(400.0);
    slow.reserved_concurrency = Some(2);
    let mapping = EdgeKind::EventSource(EventSourceMapping {
        batch_size: 1,
        max_concurrency: Some(2),
        ..EventSourceMapping::default()
    });
    Build::new(7)
        .client("c", 10.0)
        .queue("q", queue())
        .func("worker", slow)
        .func("fast", func(10.0))
        .edge("c", "q", EdgeKind::Write)
        .edge("q", "worker", mapping)
        .edge("c", "fast", EdgeKind::SyncInvoke)
        .project()
}
