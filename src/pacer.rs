//! When an outgoing message may leave: Telegram's send limits as GCRA rate limiters
//! (`governor`), one for the whole bot and one per chat, that make a send wait only when a
//! limit would otherwise be exceeded.
//!
//! A send under every limit goes out at once (teloxide's `Throttle` adaptor instead woke up
//! every 250 ms to look at its queue, so every reply waited for the next tick). Replies to
//! people go before bulk sends (daily tips, broadcasts): a bulk send takes a global slot only
//! while no reply is waiting for one, so a broadcast to thousands cannot hold up an answer.
//! A 429 `retry_after` freezes the chat it came from until then.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::sync::Notify;
use tokio::time::Instant;

/// Sends the whole bot may make in any sliding second, by Telegram's FAQ.
pub const GLOBAL_PER_SECOND: u32 = 30;
/// Burst of the global limiter. A GCRA limiter lets `burst + window / period` cells through in
/// a window, so with [`GLOBAL_PERIOD`] this allows 4 + 24 = 28 sends in any second: two below
/// [`GLOBAL_PER_SECOND`], a margin for sends that reach Telegram a little out of step.
const GLOBAL_BURST: u32 = 4;
/// Time between two global slots once the burst is used: 24 sends a second sustained.
const GLOBAL_PERIOD: Duration = Duration::from_nanos(1_000_000_000 / 24);
/// Messages a private chat may get in a burst before the one-a-second pace applies.
const PRIVATE_BURST: u32 = 3;
/// Messages a group may get in a burst before the twenty-a-minute pace applies.
const GROUP_BURST: u32 = 3;
/// Sends between two clean-ups of idle chats' limiter state.
const PRUNE_EVERY: u64 = 4096;

/// Which queue a send waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// A reply to something a person just did: goes first.
    Reply,
    /// Daily tips and broadcasts: take global slots only while no reply is waiting.
    Bulk,
}

/// The per-chat quotas.
#[derive(Debug, Clone, Copy)]
pub struct ChatLimits {
    private: Quota,
    group: Quota,
}

impl Default for ChatLimits {
    /// Telegram's: about one message a second in a private chat, twenty a minute in a group.
    fn default() -> Self {
        Self {
            private: Quota::per_second(NonZeroU32::MIN).allow_burst(nonzero(PRIVATE_BURST)),
            group: Quota::per_minute(nonzero(20)).allow_burst(nonzero(GROUP_BURST)),
        }
    }
}

impl ChatLimits {
    /// `per_second` messages a second (and as many in a burst) in every chat: a test-only
    /// setting, so that tests which talk to one chat a lot are not paced like a real one.
    pub fn uniform(per_second: NonZeroU32) -> Self {
        let quota = Quota::per_second(per_second);
        Self {
            private: quota,
            group: quota,
        }
    }
}

/// A clock for the limiters that follows tokio's, so paused-time tests can drive them.
#[derive(Debug, Clone)]
struct TokioClock {
    start: Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

type Keyed = RateLimiter<i64, HashMapStateStore<i64>, TokioClock, NoOpMiddleware<Duration>>;

/// The send limiter: a cheap `Clone` handle shared by every sender.
#[derive(Clone)]
pub struct Pacer {
    inner: Arc<Inner>,
}

struct Inner {
    clock: TokioClock,
    global: RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>,
    private: Keyed,
    group: Keyed,
    /// Chats told by a 429 to wait, until when.
    frozen: Mutex<HashMap<i64, Instant>>,
    /// Replies waiting for a global slot, and a wake-up for bulk sends when none is left.
    replies_waiting: AtomicUsize,
    no_reply_waiting: Notify,
    sends: AtomicU64,
}

impl Default for Pacer {
    fn default() -> Self {
        Self::new(ChatLimits::default())
    }
}

impl Pacer {
    /// A pacer with Telegram's global limit and these per-chat limits.
    pub fn new(chats: ChatLimits) -> Self {
        let clock = TokioClock {
            start: Instant::now(),
        };
        let global = Quota::with_period(GLOBAL_PERIOD)
            .unwrap_or_else(|| Quota::per_second(nonzero(GLOBAL_PER_SECOND)))
            .allow_burst(nonzero(GLOBAL_BURST));
        let keyed = |quota| RateLimiter::new(quota, HashMapStateStore::default(), clock.clone());
        Self {
            inner: Arc::new(Inner {
                global: RateLimiter::direct_with_clock(global, clock.clone()),
                private: keyed(chats.private),
                group: keyed(chats.group),
                clock,
                frozen: Mutex::default(),
                replies_waiting: AtomicUsize::new(0),
                no_reply_waiting: Notify::new(),
                sends: AtomicU64::new(0),
            }),
        }
    }

    /// Waits until one message may be sent to `chat` (negative ids are groups), and takes
    /// that slot. Returns at once when the send is under every limit.
    pub async fn wait_turn(&self, chat: i64, lane: Lane) {
        let inner = &*self.inner;
        if inner.sends.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            inner.private.retain_recent();
            inner.group.retain_recent();
        }
        self.wait_unfrozen(chat).await;
        let per_chat = if chat < 0 {
            &inner.group
        } else {
            &inner.private
        };
        // The chat's own pace first, so a slow chat never sits on a global slot.
        while let Err(not_until) = per_chat.check_key(&chat) {
            tokio::time::sleep(not_until.wait_time_from(inner.clock.now())).await;
        }
        match lane {
            Lane::Reply => {
                let _waiting = ReplyWaiting::enter(inner);
                self.take_global_slot().await;
            }
            Lane::Bulk => loop {
                self.no_reply_waiting().await;
                if inner.global.check().is_ok() {
                    break;
                }
                tokio::time::sleep(GLOBAL_PERIOD).await;
            },
        }
    }

    /// Holds every send to `chat` back for `wait`, as a 429 `retry_after` asks.
    pub fn freeze(&self, chat: i64, wait: Duration) {
        let until = Instant::now() + wait;
        let mut frozen = self.inner.frozen.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        frozen.retain(|_, t| *t > now);
        let entry = frozen.entry(chat).or_insert(until);
        *entry = (*entry).max(until);
    }

    async fn wait_unfrozen(&self, chat: i64) {
        loop {
            let until = {
                let frozen = self.inner.frozen.lock().unwrap_or_else(|e| e.into_inner());
                frozen.get(&chat).copied()
            };
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => return,
            }
        }
    }

    async fn take_global_slot(&self) {
        let inner = &*self.inner;
        while let Err(not_until) = inner.global.check() {
            tokio::time::sleep(not_until.wait_time_from(inner.clock.now())).await;
        }
    }

    async fn no_reply_waiting(&self) {
        let inner = &*self.inner;
        loop {
            let notified = inner.no_reply_waiting.notified();
            tokio::pin!(notified);
            // Registered before the check, so a wake-up between the two is not lost.
            notified.as_mut().enable();
            if inner.replies_waiting.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// Counts a reply as waiting for a global slot while it lives.
struct ReplyWaiting<'a>(&'a Inner);

impl<'a> ReplyWaiting<'a> {
    fn enter(inner: &'a Inner) -> Self {
        inner.replies_waiting.fetch_add(1, Ordering::SeqCst);
        Self(inner)
    }
}

impl Drop for ReplyWaiting<'_> {
    fn drop(&mut self) {
        if self.0.replies_waiting.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.no_reply_waiting.notify_waiters();
        }
    }
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

#[cfg(test)]
mod tests;
