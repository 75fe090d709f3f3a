//! Which queue events were applied already. SQS delivers at least once and in no set
//! order, and an organisation bus can forward one record twice; applying an event again
//! would add a second Timeline line and a needless re-poll. Order needs no care: an
//! event only triggers a re-poll of the current state, and the Timeline sorts by time.

use std::collections::{HashSet, VecDeque};

/// How many keys a `Seen` keeps by default: SQS redelivers within the visibility timeout
/// (minutes), and a busy organisation writes well under this many changes in that time.
pub const SEEN_DEFAULT: usize = 10_000;

/// The last `capacity` event keys (`QueueEvent::key`), oldest forgotten first.
#[derive(Debug, Clone)]
pub struct Seen {
    order: VecDeque<String>,
    keys: HashSet<String>,
    capacity: usize,
}

impl Default for Seen {
    fn default() -> Self {
        Seen::new(SEEN_DEFAULT)
    }
}

impl Seen {
    /// At least one key is kept, whatever `capacity` says.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Seen { order: VecDeque::with_capacity(capacity.min(1024)), keys: HashSet::new(), capacity }
    }

    /// True the first time a key is offered (apply the event), false after (drop it).
    /// An empty key is always new: without a key there is nothing to compare, and
    /// applying twice is safer than dropping a change.
    pub fn first(&mut self, key: &str) -> bool {
        if key.is_empty() {
            return true;
        }
        if self.keys.contains(key) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.keys.remove(&old);
        }
        self.order.push_back(key.to_string());
        self.keys.insert(key.to_string());
        true
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}
