//! Per-user flood control: a token bucket per user (`governor`'s keyed GCRA limiter), so a
//! person exploring the bot is never told off while a script sending a burst is asked once
//! to slow down and then ignored, instead of filling queues that delay everyone.
//!
//! Time comes from the bot's injected [`Clock`], so tests can drive the buckets without
//! waiting. Memory is bounded: idle users' buckets are pruned as the table grows.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

use chrono::{DateTime, TimeDelta, Utc};

use crate::clock::SharedClock;

/// Questions a user may send in a burst before the sustained rate applies.
pub const BURST_QUESTIONS: u32 = 12;
/// Questions a minute a user may send, sustained.
pub const QUESTIONS_PER_MINUTE: u32 = 20;
/// A question costs this many cells of the bucket; a cheap message one.
const CELLS_PER_QUESTION: u32 = 2;
/// A user over the limit is warned at most once in this long; the rest is dropped silently.
const WARN_AGAIN_AFTER: TimeDelta = TimeDelta::seconds(60);
/// Checks between two clean-ups of idle users' buckets.
const PRUNE_EVERY: u64 = 4096;
/// Warning times kept above which old ones are dropped.
const PRUNE_WARNED_ABOVE: usize = 10_000;

/// What a message costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cost {
    /// A question: the ranking, the summary and a full answer.
    Question,
    /// A button press or a command that only shows fixed text or settings: half a question.
    Cheap,
}

/// What to do with one incoming message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Handle it normally.
    Allow,
    /// Over the limit, and not warned in the last minute: tell the user to slow down.
    Warn,
    /// Over the limit and already warned: drop it silently.
    Drop,
}

/// The injected clock as `governor` reads it: time since the Unix epoch.
#[derive(Clone)]
struct FloodClock(SharedClock);

impl governor::clock::Clock for FloodClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        let nanos = self.0.now().timestamp_nanos_opt().unwrap_or(0);
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(0))
    }
}

type Buckets = RateLimiter<u64, HashMapStateStore<u64>, FloodClock, NoOpMiddleware<Duration>>;

/// A cheap-to-clone, thread-safe flood guard.
#[derive(Clone)]
pub struct FloodGuard {
    buckets: Arc<Buckets>,
    /// When each user over the limit was last warned.
    warned: Arc<Mutex<HashMap<u64, DateTime<Utc>>>>,
    clock: SharedClock,
    checks: Arc<AtomicU64>,
}

impl FloodGuard {
    /// A guard with the default limits, reading time from `clock`.
    pub fn new(clock: SharedClock) -> Self {
        let cells = |n: u32| NonZeroU32::new(n * CELLS_PER_QUESTION).unwrap_or(NonZeroU32::MIN);
        let quota =
            Quota::per_minute(cells(QUESTIONS_PER_MINUTE)).allow_burst(cells(BURST_QUESTIONS));
        Self {
            buckets: Arc::new(RateLimiter::new(
                quota,
                HashMapStateStore::default(),
                FloodClock(clock.clone()),
            )),
            warned: Arc::default(),
            clock,
            checks: Arc::default(),
        }
    }

    /// Records a message from `user` costing `cost` and decides what to do with it.
    pub fn check(&self, user: u64, cost: Cost) -> Verdict {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.buckets.retain_recent();
        }
        let cells = match cost {
            Cost::Question => CELLS_PER_QUESTION,
            Cost::Cheap => 1,
        };
        let cells = NonZeroU32::new(cells).unwrap_or(NonZeroU32::MIN);
        if matches!(self.buckets.check_key_n(&user, cells), Ok(Ok(()))) {
            return Verdict::Allow;
        }
        // A flood outlasts the first refills, so one warning covers a minute of it.
        let now = self.clock.now();
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        if warned.len() > PRUNE_WARNED_ABOVE {
            warned.retain(|_, at| now - *at < WARN_AGAIN_AFTER);
        }
        match warned.get(&user) {
            Some(at) if now - *at < WARN_AGAIN_AFTER => Verdict::Drop,
            _ => {
                warned.insert(user, now);
                Verdict::Warn
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    /// A clock that moves only when told to.
    struct ManualClock(Mutex<DateTime<Utc>>);

    impl Clock for ManualClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    fn guard() -> (FloodGuard, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock(Mutex::new(
            "2026-05-01T09:00:00Z".parse().unwrap(),
        )));
        (FloodGuard::new(clock.clone()), clock)
    }

    fn advance(clock: &ManualClock, seconds: i64) {
        *clock.0.lock().unwrap() += TimeDelta::seconds(seconds);
    }

    #[test]
    fn a_person_asking_every_two_seconds_for_a_minute_is_never_warned() {
        let (guard, clock) = guard();
        for i in 0..30 {
            assert_eq!(
                guard.check(1, Cost::Question),
                Verdict::Allow,
                "message {i}"
            );
            advance(&clock, 2);
        }
    }

    #[test]
    fn a_script_sending_thirty_at_once_is_warned_once_then_dropped() {
        let (guard, _clock) = guard();
        let verdicts: Vec<Verdict> = (0..30).map(|_| guard.check(1, Cost::Question)).collect();
        let count = |v| verdicts.iter().filter(|&&x| x == v).count();
        assert_eq!(count(Verdict::Allow), BURST_QUESTIONS as usize);
        assert_eq!(count(Verdict::Warn), 1);
        assert_eq!(verdicts[BURST_QUESTIONS as usize], Verdict::Warn);
        assert_eq!(count(Verdict::Drop), 30 - BURST_QUESTIONS as usize - 1);
    }

    #[test]
    fn button_presses_and_cheap_commands_cost_half_a_question() {
        let (guard, _clock) = guard();
        let allowed = (0..100)
            .take_while(|_| guard.check(1, Cost::Cheap) == Verdict::Allow)
            .count();
        assert_eq!(allowed, 2 * BURST_QUESTIONS as usize);
    }

    #[test]
    fn a_flood_outlasting_a_refill_is_still_warned_only_once() {
        let (guard, clock) = guard();
        let mut verdicts = Vec::new();
        for _ in 0..40 {
            verdicts.push(guard.check(1, Cost::Question));
            advance(&clock, 1);
        }
        let warned = verdicts.iter().filter(|&&v| v == Verdict::Warn).count();
        assert_eq!(warned, 1, "{verdicts:?}");
        assert!(verdicts[BURST_QUESTIONS as usize..].contains(&Verdict::Allow));
    }

    #[test]
    fn one_users_flood_does_not_limit_another() {
        let (guard, _clock) = guard();
        for _ in 0..50 {
            guard.check(1, Cost::Question);
        }
        assert_eq!(guard.check(2, Cost::Question), Verdict::Allow);
    }

    #[test]
    fn the_bucket_refills_and_a_new_flood_is_warned_again() {
        let (guard, clock) = guard();
        for _ in 0..=BURST_QUESTIONS {
            guard.check(1, Cost::Question);
        }
        assert_eq!(guard.check(1, Cost::Question), Verdict::Drop);
        advance(&clock, 60);
        assert_eq!(guard.check(1, Cost::Question), Verdict::Allow);
        for _ in 1..BURST_QUESTIONS {
            guard.check(1, Cost::Question);
        }
        assert_eq!(guard.check(1, Cost::Question), Verdict::Warn);
    }
}
