//! Per-user flood control: a sliding window of recent messages per user, so one person
//! sending a burst gets a polite "slow down" instead of filling queues that delay everyone.
//!
//! Memory is bounded: users idle for a whole window are forgotten when the table grows.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Messages a user may send within [`WINDOW`] before being asked to slow down.
pub const MAX_PER_WINDOW: usize = 8;
/// Length of the sliding window.
pub const WINDOW: Duration = Duration::from_secs(30);
/// Table size above which idle users are pruned.
const PRUNE_ABOVE: usize = 10_000;

/// What to do with one incoming message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Handle it normally.
    Allow,
    /// Over the limit for the first time in this window: tell the user to slow down.
    Warn,
    /// Still over the limit and already warned: drop it silently.
    Drop,
}

#[derive(Debug, Default)]
struct Bucket {
    recent: VecDeque<Instant>,
    warned: bool,
}

/// A cheap-to-clone, thread-safe flood guard.
#[derive(Debug, Clone)]
pub struct FloodGuard {
    max: usize,
    window: Duration,
    users: Arc<Mutex<HashMap<u64, Bucket>>>,
}

impl Default for FloodGuard {
    fn default() -> Self {
        Self::new(MAX_PER_WINDOW, WINDOW)
    }
}

impl FloodGuard {
    /// A guard allowing `max` messages per `window` per user.
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            users: Arc::default(),
        }
    }

    /// Records a message from `user` at `now` and decides what to do with it.
    pub fn check(&self, user: u64, now: Instant) -> Verdict {
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if users.len() > PRUNE_ABOVE {
            let window = self.window;
            users.retain(|_, b| {
                b.recent
                    .back()
                    .is_some_and(|&t| now.duration_since(t) < window)
            });
        }
        let bucket = users.entry(user).or_default();
        while bucket
            .recent
            .front()
            .is_some_and(|&t| now.duration_since(t) >= self.window)
        {
            bucket.recent.pop_front();
        }
        if bucket.recent.len() < self.max {
            bucket.recent.push_back(now);
            bucket.warned = false;
            return Verdict::Allow;
        }
        if bucket.warned {
            Verdict::Drop
        } else {
            bucket.warned = true;
            Verdict::Warn
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_is_warned_once_then_dropped() {
        let guard = FloodGuard::new(3, Duration::from_secs(10));
        let t = Instant::now();
        let verdicts: Vec<Verdict> = (0..6).map(|_| guard.check(1, t)).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Allow,
                Verdict::Warn,
                Verdict::Drop,
                Verdict::Drop
            ]
        );
    }

    #[test]
    fn one_users_flood_does_not_limit_another() {
        let guard = FloodGuard::new(2, Duration::from_secs(10));
        let t = Instant::now();
        for _ in 0..5 {
            guard.check(1, t);
        }
        assert_eq!(guard.check(2, t), Verdict::Allow);
    }

    #[test]
    fn the_window_slides() {
        let guard = FloodGuard::new(2, Duration::from_secs(10));
        let t = Instant::now();
        guard.check(1, t);
        guard.check(1, t);
        assert_eq!(guard.check(1, t), Verdict::Warn);
        assert_eq!(guard.check(1, t + Duration::from_secs(11)), Verdict::Allow);
    }

    #[test]
    fn idle_users_are_pruned() {
        let guard = FloodGuard::new(2, Duration::from_secs(1));
        let t = Instant::now();
        for user in 0..=PRUNE_ABOVE as u64 {
            guard.check(user, t);
        }
        guard.check(u64::MAX, t + Duration::from_secs(5));
        assert!(guard.users.lock().unwrap().len() < 10);
    }
}
