//! The event queue: a 4-ary min-heap of events ordered by (time, sequence).
//!
//! Each key packs the time in its high 64 bits and the sequence number (unique, increasing)
//! in its low 64, so one integer comparison gives the order and no two keys are equal: the
//! pop order is fully determined, whatever the heap's shape. Keys and events live in two
//! parallel arrays so the comparisons that pick a child scan contiguous keys. A 4-ary heap
//! is half as deep as a binary one; popping moves the hole down along the smallest children
//! and compares each level's minimum with the element being placed once.

use super::time::Time;

/// Pending events, earliest first.
#[derive(Debug)]
pub(crate) struct EventQueue<E> {
    /// The heap's keys followed by four `u128::MAX` sentinels, so every node's four
    /// children can be read without a bounds check and the smallest picked without a branch.
    keys: Vec<u128>,
    evs: Vec<E>,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        let mut keys = Vec::with_capacity(256);
        keys.extend([u128::MAX; 4]);
        Self {
            keys,
            evs: Vec::with_capacity(256),
        }
    }
}

/// The order of an event at `at` scheduled `seq`-th.
#[inline(always)]
pub(crate) fn key(at: Time, seq: u64) -> u128 {
    (u128::from(at) << 64) | u128::from(seq)
}

/// The time of a key.
#[inline(always)]
pub(crate) fn time_of(key: u128) -> Time {
    (key >> 64) as Time
}

/// The smaller of two (key, index) pairs, without a branch.
#[inline(always)]
fn min2(a: (u128, usize), b: (u128, usize)) -> (u128, usize) {
    let take_b = b.0 < a.0;
    let mask = u128::from(take_b).wrapping_neg();
    let imask = usize::from(take_b).wrapping_neg();
    (a.0 ^ ((a.0 ^ b.0) & mask), a.1 ^ ((a.1 ^ b.1) & imask))
}

impl<E: Copy> EventQueue<E> {
    /// Pending events.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.evs.len()
    }

    /// The earliest key.
    #[inline]
    pub fn peek_key(&self) -> Option<u128> {
        if self.evs.is_empty() {
            None
        } else {
            Some(self.keys[0])
        }
    }

    /// Adds an event (keys must be unique and below `u128::MAX`).
    #[inline]
    pub fn push(&mut self, key: u128, ev: E) {
        let mut i = self.evs.len();
        self.evs.push(ev);
        self.keys.push(u128::MAX); // the sentinels move one place on
        // Sift up: move parents down while they are later.
        while i > 0 {
            let parent = (i - 1) / 4;
            let pk = self.keys[parent];
            if pk <= key {
                break;
            }
            self.keys[i] = pk;
            self.evs[i] = self.evs[parent];
            i = parent;
        }
        self.keys[i] = key;
        self.evs[i] = ev;
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(u128, E)> {
        let last_ev = self.evs.pop()?;
        let n = self.evs.len();
        let top_key = self.keys[0];
        let last_key = std::mem::replace(&mut self.keys[n], u128::MAX);
        self.keys.pop();
        if n == 0 {
            return Some((top_key, last_ev));
        }
        let top_ev = self.evs[0];
        // Place the former last element, starting with a hole at the root: move the smallest
        // child up while it is earlier (sentinels are never earlier).
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let k = &self.keys[first..first + 4];
            let (ck, c) = min2(
                min2((k[0], first), (k[1], first + 1)),
                min2((k[2], first + 2), (k[3], first + 3)),
            );
            if ck >= last_key {
                break;
            }
            self.keys[i] = ck;
            self.evs[i] = self.evs[c];
            i = c;
        }
        self.keys[i] = last_key;
        self.evs[i] = last_ev;
        Some((top_key, top_ev))
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
                q.push(key(at, seq), seq);
                reference.push(std::cmp::Reverse((at, seq)));
            }
            for _ in 0..rng.random_range(0..3) {
                let got = q.pop();
                let want = reference.pop().map(|std::cmp::Reverse(x)| x);
                assert_eq!(got.map(|(k, e)| (time_of(k), e)), want);
                if let Some((at, _)) = want {
                    now = at;
                }
            }
            assert_eq!(q.len(), reference.len());
        }
        while let Some(std::cmp::Reverse(want)) = reference.pop() {
            assert_eq!(q.pop().map(|(k, e)| (time_of(k), e)), Some(want));
        }
        assert_eq!(q.pop(), None);
    }
}
