//! The event queue: pending events popped in (time, sequence) order.
//!
//! A 4-ary min-heap keyed by time alone (`u64`, so picking the smallest of four children is
//! a few conditional moves), with each event's sequence number stored beside it. Events at
//! the same instant are rare but must come out in the order they were scheduled, whatever
//! the heap's shape: when the earliest time is shared, every event at that time is taken
//! out at once and served by sequence number. Anything scheduled at that same instant later
//! has a higher sequence number, so it rightly waits in the heap until they are served.
//! The pop order is therefore exactly (time, sequence), with no two keys equal.

use super::time::Time;

/// Pending events, earliest first.
#[derive(Debug)]
pub(crate) struct EventQueue<E> {
    /// The heap's times followed by four `u64::MAX` sentinels, so every node's four children
    /// can be read without a bounds check (a sentinel is never earlier than anything).
    times: Vec<Time>,
    /// The heap's events with their sequence numbers, parallel to `times`.
    items: Vec<(u64, E)>,
    /// Events at `tie_time` taken out of the heap together, latest sequence first (served
    /// from the end).
    ties: Vec<(u64, E)>,
    tie_time: Time,
    /// The root was taken by [`EventQueue::take`] and its place is still open: the next
    /// push fills it (one sift down from the root instead of a removal and an insertion),
    /// or [`EventQueue::settle`] closes it.
    hole: bool,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        let mut times = Vec::with_capacity(256);
        times.extend([Time::MAX; 4]);
        Self {
            times,
            items: Vec::with_capacity(256),
            ties: Vec::new(),
            tie_time: 0,
            hole: false,
        }
    }
}

/// The index of the earliest of the four times starting at `first`.
#[inline(always)]
fn min_child(t: &[Time], first: usize) -> (Time, usize) {
    let Some(&[a, b, c, d]) = t.get(first..first + 4) else {
        return (Time::MAX, first);
    };
    let (ab, iab) = if b < a { (b, first + 1) } else { (a, first) };
    let (cd, icd) = if d < c {
        (d, first + 3)
    } else {
        (c, first + 2)
    };
    if cd < ab { (cd, icd) } else { (ab, iab) }
}

impl<E: Copy> EventQueue<E> {
    /// Pending events.
    pub fn len(&self) -> usize {
        self.items.len() + self.ties.len()
    }

    /// Bytes its storage holds (for the run's memory budget).
    pub fn bytes(&self) -> u64 {
        let item = std::mem::size_of::<(u64, E)>();
        (self.times.capacity() * std::mem::size_of::<Time>()
            + (self.items.capacity() + self.ties.capacity()) * item) as u64
    }

    /// The earliest time.
    #[inline]
    pub fn peek_time(&self) -> Option<Time> {
        debug_assert!(!self.hole, "peek between take and settle");
        if !self.ties.is_empty() {
            Some(self.tie_time)
        } else if self.items.is_empty() {
            None
        } else {
            Some(self.times[0])
        }
    }

    /// Adds an event at `at`, scheduled `seq`-th (sequence numbers must increase).
    #[inline]
    pub fn push(&mut self, at: Time, seq: u64, ev: E) {
        if self.hole {
            self.fill_hole(at, seq, ev);
        } else {
            self.push_up(at, seq, ev);
        }
    }

    /// Puts an event in the place [`EventQueue::take`] left open.
    #[inline(never)]
    fn fill_hole(&mut self, at: Time, seq: u64, ev: E) {
        self.hole = false;
        self.sift_down(at, (seq, ev));
    }

    /// Adds an event at the end of the heap and moves it up to its place.
    #[inline(never)]
    fn push_up(&mut self, at: Time, seq: u64, ev: E) {
        let mut i = self.items.len();
        self.items.push((seq, ev));
        self.times.push(Time::MAX); // the sentinels move one place on
        // Sift up: move parents down while they are later (an equal time stays above: the
        // order among equal times is settled when they are popped).
        while i > 0 {
            let parent = (i - 1) / 4;
            let pt = self.times[parent];
            if pt <= at {
                break;
            }
            self.times[i] = pt;
            self.items[i] = self.items[parent];
            i = parent;
        }
        self.times[i] = at;
        self.items[i] = (seq, ev);
    }

    /// Takes the earliest event (by time, then sequence) with its time, like
    /// [`EventQueue::pop`], but leaves its place in the heap open for the first event pushed
    /// before [`EventQueue::settle`] is called, which must come before any other call.
    /// Handling an event usually schedules one, so this saves most of a removal.
    /// Only an event at or before `limit` is taken.
    #[inline]
    pub fn take(&mut self, limit: Time) -> Option<(Time, E)> {
        debug_assert!(!self.hole, "take twice without settle");
        if !self.ties.is_empty() {
            if self.tie_time > limit {
                return None;
            }
            return self.ties.pop().map(|(_, ev)| (self.tie_time, ev));
        }
        if self.items.is_empty() || self.times[0] > limit {
            return None;
        }
        let t = self.times[0];
        // Any other event at the same time has one among the root's children (its ancestors
        // can be no later than it, nor earlier than the root).
        if self.times[1..5].contains(&t) {
            let (t, item) = self.pop_heap()?;
            return self.take_ties(t, item);
        }
        self.hole = true;
        Some((t, self.items[0].1))
    }

    /// Closes the place left open by [`EventQueue::take`], if no push filled it.
    #[inline]
    pub fn settle(&mut self) {
        if self.hole {
            self.hole = false;
            self.pop_heap();
        }
    }

    /// Removes and returns the earliest event (by time, then sequence) with its time.
    #[cfg(test)]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        if let Some((_, ev)) = self.ties.pop() {
            return Some((self.tie_time, ev));
        }
        let (t, item) = self.pop_heap()?;
        if self.items.is_empty() || self.times[0] != t {
            return Some((t, item.1));
        }
        self.take_ties(t, item)
    }

    /// Several events share the earliest time `t`: takes them all out and serves the one
    /// scheduled first.
    #[cold]
    fn take_ties(&mut self, t: Time, first: (u64, E)) -> Option<(Time, E)> {
        self.ties.push(first);
        while !self.items.is_empty() && self.times[0] == t {
            if let Some((_, item)) = self.pop_heap() {
                self.ties.push(item);
            }
        }
        self.ties.sort_unstable_by_key(|e| std::cmp::Reverse(e.0));
        self.tie_time = t;
        self.ties.pop().map(|(_, ev)| (t, ev))
    }

    /// Removes the heap's root (earliest time; any of several equal ones).
    #[inline(always)]
    fn pop_heap(&mut self) -> Option<(Time, (u64, E))> {
        let last_item = self.items.pop()?;
        let n = self.items.len();
        let top_time = self.times[0];
        let last_time = std::mem::replace(&mut self.times[n], Time::MAX);
        self.times.pop();
        if n == 0 {
            return Some((top_time, last_item));
        }
        let top_item = self.items[0];
        self.sift_down(last_time, last_item);
        Some((top_time, top_item))
    }

    /// Places an element at the root, whose previous content is gone: moves the earliest
    /// child up while it is earlier (sentinels never are).
    #[inline(always)]
    fn sift_down(&mut self, at: Time, item: (u64, E)) {
        let n = self.items.len();
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let (ct, c) = min_child(&self.times, first);
            if ct >= at {
                break;
            }
            self.times[i] = ct;
            self.items[i] = self.items[c];
            i = c;
        }
        self.times[i] = at;
        self.items[i] = item;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn pops_in_time_then_sequence_order() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(9);
        let mut q = EventQueue::default();
        let mut reference = std::collections::BinaryHeap::new();
        let mut seq = 0u64;
        let mut now = 0;
        for round in 0..20_000 {
            // Bursts of pushes (many at the same instant) and pops, sizes varying.
            let pushes = if round % 100 < 50 { 3 } else { 1 };
            for _ in 0..pushes {
                seq += 1;
                let at = now + [0, 0, 1, 5, 1_000][rng.random_range(0..5)];
                q.push(at, seq, seq);
                reference.push(std::cmp::Reverse((at, seq)));
            }
            for _ in 0..rng.random_range(0..3) {
                let got = q.pop();
                let want = reference.pop().map(|std::cmp::Reverse(x)| x);
                assert_eq!(got, want);
                assert_eq!(q.peek_time(), reference.peek().map(|r| r.0.0));
                if let Some((at, _)) = want {
                    now = at;
                }
            }
            assert_eq!(q.len(), reference.len());
        }
        while let Some(std::cmp::Reverse(want)) = reference.pop() {
            assert_eq!(q.pop(), Some(want));
        }
        assert_eq!(q.pop(), None);
        assert_eq!(q.peek_time(), None);
    }

    #[test]
    fn take_then_push_fills_the_hole_in_order() {
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let mut q = EventQueue::default();
        let mut reference = std::collections::BinaryHeap::new();
        let mut seq = 0u64;
        for _ in 0..50 {
            seq += 1;
            let at = rng.random_range(0..100);
            q.push(at, seq, seq);
            reference.push(std::cmp::Reverse((at, seq)));
        }
        // Each step takes the earliest and schedules 0–2 events at or after it, as the
        // engine's handlers do; some at the same instant.
        for _ in 0..20_000 {
            let got = q.take(Time::MAX);
            let want = reference.pop().map(|std::cmp::Reverse(x)| x);
            assert_eq!(got, want);
            let Some((now, _)) = want else { break };
            for _ in 0..rng.random_range(0..3) {
                seq += 1;
                let at = now + [0, 1, 7, 50, 300][rng.random_range(0..5)];
                q.push(at, seq, seq);
                reference.push(std::cmp::Reverse((at, seq)));
            }
            q.settle();
            assert_eq!(q.len(), reference.len());
            assert_eq!(q.peek_time(), reference.peek().map(|r| r.0.0));
        }
    }

    #[test]
    fn many_events_at_one_instant_keep_their_order() {
        let mut q = EventQueue::default();
        // Interleave two instants so the heap's shape scrambles each one's events.
        for seq in 0..1_000u64 {
            q.push(if seq % 3 == 0 { 7 } else { 5 }, seq, seq);
        }
        let mut got = Vec::new();
        // Events scheduled at the current instant while it is being served come after it.
        let mut seq = 1_000;
        while let Some((t, s)) = q.pop() {
            if t == 5 && s < 1_000 && s % 100 == 1 {
                q.push(5, seq, seq);
                seq += 1;
            }
            got.push((t, s));
        }
        let mut want = got.clone();
        want.sort_unstable();
        assert_eq!(got, want);
        assert_eq!(got.len(), 1_000 + 7);
    }
}
