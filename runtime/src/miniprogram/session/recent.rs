//! What a session keeps of its history (console lines, errors), bounded: a long session
//! keeps its last lines, and counts the ones it dropped.

use std::collections::VecDeque;

/// The last `limit` items pushed, and how many older ones were dropped.
#[derive(Debug, Clone)]
pub(super) struct Recent<T> {
    items: VecDeque<T>,
    limit: usize,
    dropped: usize,
}

impl<T> Recent<T> {
    /// An empty history keeping at most `limit` items (at least one).
    pub(super) fn new(limit: usize) -> Self {
        Self {
            items: VecDeque::new(),
            limit: limit.max(1),
            dropped: 0,
        }
    }

    /// Adds `item`, dropping the oldest when full.
    pub(super) fn push(&mut self, item: T) {
        if self.items.len() == self.limit {
            self.items.pop_front();
            self.dropped += 1;
        }
        self.items.push_back(item);
    }

    /// The items kept, oldest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }

    /// How many items were dropped to keep the limit.
    pub(super) fn dropped(&self) -> usize {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn keeps_the_last_items_and_counts_the_dropped_ones() {
        let mut recent = Recent::new(3);
        for n in 1..=5 {
            recent.push(n);
        }
        assert_eq!(recent.iter().copied().collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!(recent.dropped(), 2);
    }
}
