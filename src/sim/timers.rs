//! Timer lists: many timers with the same length (an API's integration timeout, a queue's
//! visibility timeout) expire in the order they were set, so they wait in a FIFO with a
//! single event scheduled for the earliest. Most such timers are cancelled (the request
//! answered, the message was deleted) and then cost nothing in the event queue.

use super::time::Time;
use std::collections::VecDeque;

/// A FIFO of timers whose deadlines never decrease.
#[derive(Debug)]
pub(crate) struct TimerList<T> {
    items: VecDeque<(Time, T)>,
    armed: bool,
}

impl<T: Copy> Default for TimerList<T> {
    fn default() -> Self {
        Self {
            items: VecDeque::new(),
            armed: false,
        }
    }
}

impl<T: Copy> TimerList<T> {
    /// Adds a timer; returns the time to schedule a wake-up at, if none is pending.
    #[inline(always)]
    pub fn push(&mut self, deadline: Time, item: T) -> Option<Time> {
        // Deadlines are monotone by construction (constant length, clock never goes back);
        // keep the invariant even if a caller breaks it.
        let deadline = self
            .items
            .back()
            .map_or(deadline, |(last, _)| deadline.max(*last));
        self.items.push_back((deadline, item));
        if self.armed {
            None
        } else {
            self.armed = true;
            Some(deadline)
        }
    }

    /// Bytes its storage holds (for the run's memory budget).
    pub fn bytes(&self) -> u64 {
        (self.items.capacity() * std::mem::size_of::<(Time, T)>()) as u64
    }

    /// Timers set and not yet taken (cancelled ones included until they are skipped).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Takes the next timer due at or before `now`.
    pub fn pop_due(&mut self, now: Time) -> Option<T> {
        match self.items.front() {
            Some((t, _)) if *t <= now => self.items.pop_front().map(|(_, x)| x),
            Some(_) | None => None,
        }
    }

    /// After the due timers were taken: drops cancelled timers at the front (those for
    /// which `live` is false) and returns the time of the next wake-up, if any. Skipping them
    /// here is what makes cancelled timers free: no wake-up is ever scheduled for them.
    pub fn rearm(&mut self, live: impl Fn(&T) -> bool) -> Option<Time> {
        while let Some((_, item)) = self.items.front() {
            if live(item) {
                break;
            }
            self.items.pop_front();
        }
        match self.items.front() {
            Some((t, _)) => {
                self.armed = true;
                Some(*t)
            }
            None => {
                self.armed = false;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_with_one_wakeup() {
        let mut t = TimerList::default();
        assert_eq!(t.push(10, 'a'), Some(10));
        assert_eq!(t.push(12, 'b'), None);
        assert_eq!(t.pop_due(9), None);
        assert_eq!(t.pop_due(10), Some('a'));
        assert_eq!(t.pop_due(11), None);
        assert_eq!(t.rearm(|_| true), Some(12));
        assert_eq!(t.pop_due(20), Some('b'));
        assert_eq!(t.rearm(|_| true), None);
        assert_eq!(t.push(30, 'c'), Some(30));
        assert_eq!(t.push(31, 'd'), None);
        assert_eq!(t.push(32, 'e'), None);
        assert_eq!(t.pop_due(30), Some('c'));
        // 'd' was cancelled: the next wake-up is for 'e'.
        assert_eq!(t.rearm(|x| *x != 'd'), Some(32));
    }
}
