//! A generational slab: stable small keys for in-flight messages and invocations, so a
//! stale event (a timeout for an invocation that already finished) is recognised and ignored.

/// A key into a [`Slab`]; stale once its entry is removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    idx: u32,
    generation: u32,
}

#[derive(Debug)]
struct Slot<T> {
    generation: u32,
    val: Option<T>,
}

/// Storage with O(1) insert, remove and lookup by [`Key`]; freed slots are reused.
#[derive(Debug)]
pub(crate) struct Slab<T> {
    slots: Vec<Slot<T>>,
    free: Vec<u32>,
    len: usize,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Slab<T> {
    /// Stores `val`, returning its key.
    #[inline]
    pub fn insert(&mut self, val: T) -> Key {
        self.len += 1;
        if let Some(idx) = self.free.pop() {
            let slot = &mut self.slots[idx as usize];
            // A free slot holds `None`: nothing to drop (forgetting it skips the drop code).
            std::mem::forget(slot.val.replace(val));
            Key {
                idx,
                generation: slot.generation,
            }
        } else {
            let idx = self.slots.len() as u32;
            self.slots.push(Slot {
                generation: 0,
                val: Some(val),
            });
            Key { idx, generation: 0 }
        }
    }

    /// The entry, unless it was removed.
    #[inline]
    pub fn get(&self, k: Key) -> Option<&T> {
        self.slots
            .get(k.idx as usize)
            .filter(|s| s.generation == k.generation)
            .and_then(|s| s.val.as_ref())
    }

    /// The entry, mutably, unless it was removed.
    #[inline]
    pub fn get_mut(&mut self, k: Key) -> Option<&mut T> {
        self.slots
            .get_mut(k.idx as usize)
            .filter(|s| s.generation == k.generation)
            .and_then(|s| s.val.as_mut())
    }

    /// Removes and returns the entry; the key (and copies of it) go stale.
    #[inline]
    pub fn remove(&mut self, k: Key) -> Option<T> {
        let slot = self
            .slots
            .get_mut(k.idx as usize)
            .filter(|s| s.generation == k.generation)?;
        let val = slot.val.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(k.idx);
        self.len -= 1;
        Some(val)
    }

    /// Removes the value at `k` without handing it back; returns whether it was there.
    #[inline]
    pub fn discard(&mut self, k: Key) -> bool {
        let Some(slot) = self
            .slots
            .get_mut(k.idx as usize)
            .filter(|s| s.generation == k.generation && s.val.is_some())
        else {
            return false;
        };
        slot.val = None;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(k.idx);
        self.len -= 1;
        true
    }

    /// Live entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Bytes its storage holds (for the run's memory budget).
    pub fn bytes(&self) -> u64 {
        (self.slots.capacity() * std::mem::size_of::<Slot<T>>()
            + self.free.capacity() * std::mem::size_of::<u32>()) as u64
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_keys_miss() {
        let mut s = Slab::default();
        let a = s.insert(1);
        assert_eq!(s.remove(a), Some(1));
        let b = s.insert(2);
        assert_eq!(s.get(a), None);
        assert_eq!(s.get(b), Some(&2));
        assert_eq!(s.len(), 1);
        assert_eq!(s.remove(a), None);
    }
}
