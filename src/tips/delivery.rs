//! Serving due subscriptions: claim a batch durably, then send it, a few sends in flight.
//!
//! Due entries are read from the store's due index in chunks of [`CHUNK`], so memory stays
//! bounded however many subscribers share a minute. Pacing and 429 `retry_after` are the
//! notifier's business; here at most [`MAX_IN_FLIGHT`] sends wait at once, enough to keep a
//! rate-limited pipe full without queueing the whole broadcast.
//!
//! Claims are made durable one batch of [`BATCH`] at a time: one flush (an fsync, run off
//! the async workers) per batch instead of one per tip. No tip of a batch is sent before
//! the batch is flushed, so a crash before the flush loses the claims and the sends alike
//! (the tips go out after the restart, once), and a crash after it can lose only claimed
//! tips not yet sent: at most the batch in hand plus the sends in flight, [`MAX_LOST`].

use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use tokio::task::JoinSet;

use super::{CATCH_UP_WINDOW, Notifier, NotifyError, rotation, schedule};
use crate::content::Tip;
use crate::store::{DueEntry, Store, StoreError, Subscription};

/// Due entries read from the index at a time.
pub const CHUNK: usize = 512;
/// Sends waiting at once.
pub const MAX_IN_FLIGHT: usize = 8;
/// Claims made durable by one flush.
pub const BATCH: usize = 16;
/// The most tips a crash can lose (claimed durably, never sent); never one sent twice.
pub const MAX_LOST: usize = BATCH + MAX_IN_FLIGHT;
/// A progress line is logged after every this many sends.
pub const PROGRESS_EVERY: u64 = 1000;

/// Counts for one delivery pass, as logged.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassStats {
    pub sent: u64,
    /// Users who blocked the bot and were unsubscribed.
    pub unsubscribed: u64,
    pub failed: u64,
    /// Due entries rescheduled without a send (already served, or no tips at all).
    pub skipped: u64,
}

/// A claimed tip, ready to send.
struct Job {
    user_id: u64,
    chat_id: i64,
    tip: Tip,
}

/// Sends due tips through a [`Notifier`], keeping a bounded set of sends in flight.
pub struct Sender<N> {
    store: Store,
    notifier: N,
    in_flight: JoinSet<(u64, Result<(), NotifyError>)>,
    stats: PassStats,
}

impl<N: Notifier> Sender<N> {
    /// A sender with nothing in flight.
    pub fn new(store: Store, notifier: N) -> Self {
        Self {
            store,
            notifier,
            in_flight: JoinSet::new(),
            stats: PassStats::default(),
        }
    }

    /// Serves every subscription due at or before `now` and waits for the sends to finish.
    ///
    /// # Errors
    /// Fails when the due index or the tips cannot be read. A problem with one subscriber is
    /// logged and the pass goes on with the next.
    pub async fn deliver_due(&mut self, now: DateTime<Utc>) -> anyhow::Result<PassStats> {
        let started = Instant::now();
        self.stats = PassStats::default();
        let tips = self.store.tips().context("reading tips")?;
        let mut cursor = None;
        loop {
            let chunk = self
                .store
                .due_entries(cursor, now, CHUNK)
                .context("reading the due index")?;
            let Some(&last) = chunk.last() else { break };
            cursor = Some(last);
            let mut batch = Vec::with_capacity(BATCH);
            for entry in chunk {
                match claim(&self.store, &tips, entry, now) {
                    Ok(Some(job)) => batch.push(job),
                    Ok(None) => self.stats.skipped += 1,
                    Err(err) => {
                        self.stats.failed += 1;
                        log::warn!("tips: cannot claim user {}: {err}", entry.user_id);
                    }
                }
                if batch.len() == BATCH {
                    self.send_batch(std::mem::take(&mut batch)).await?;
                }
            }
            self.send_batch(batch).await?;
        }
        self.finish().await;
        let s = self.stats;
        if s != PassStats::default() {
            log::info!(
                "tips: pass done in {:?}: {} sent, {} unsubscribed (blocked), {} failed, {} skipped",
                started.elapsed(),
                s.sent,
                s.unsubscribed,
                s.failed,
                s.skipped
            );
        }
        Ok(s)
    }

    /// Waits for every send in flight and records the outcomes.
    pub async fn finish(&mut self) {
        while !self.in_flight.is_empty() {
            self.collect_one().await;
        }
    }

    /// Makes a batch of claims durable, then sends it.
    async fn send_batch(&mut self, batch: Vec<Job>) -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        // Durable before any send: a crash from here on loses these tips, never repeats one.
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || store.flush())
            .await
            .context("the flush task failed")?
            .context("flushing claimed tips")?;
        for job in batch {
            self.spawn(job).await;
        }
        Ok(())
    }

    async fn spawn(&mut self, job: Job) {
        while self.in_flight.len() >= MAX_IN_FLIGHT {
            self.collect_one().await;
        }
        let notifier = self.notifier.clone();
        self.in_flight.spawn(async move {
            let result = notifier.send_tip(job.chat_id, &job.tip).await;
            (job.user_id, result)
        });
    }

    async fn collect_one(&mut self) {
        let Some(joined) = self.in_flight.join_next().await else {
            return;
        };
        match joined {
            Ok((_, Ok(()))) => {
                self.stats.sent += 1;
                if self.stats.sent.is_multiple_of(PROGRESS_EVERY) {
                    log::info!("tips: broadcast progress: {} sent", self.stats.sent);
                }
            }
            Ok((user_id, Err(NotifyError::Gone(why)))) => {
                self.stats.unsubscribed += 1;
                log::info!("tips: unsubscribing user {user_id}: {why}");
                if let Err(err) = self.store.unsubscribe(user_id) {
                    log::error!("tips: cannot unsubscribe user {user_id}: {err}");
                }
            }
            Ok((user_id, Err(err))) => {
                self.stats.failed += 1;
                log::warn!("tips: tip for user {user_id} lost: {err}");
            }
            Err(err) => {
                self.stats.failed += 1;
                log::error!("tips: a send task failed: {err}");
            }
        }
    }
}

/// Marks `entry` served for its local date and schedules the next one (durable at the
/// batch's flush), and returns the tip to send. `None` when there is nothing to send: the entry is stale, the date was
/// already served, the user changed their subscription meanwhile, or there are no tips.
fn claim(
    store: &Store,
    tips: &[(String, Tip)],
    entry: DueEntry,
    now: DateTime<Utc>,
) -> Result<Option<Job>, StoreError> {
    let Some(sub) = store.subscription(entry.user_id)? else {
        return Ok(None);
    };
    if sub.indexed_due() != Some(entry.due) {
        return Ok(None);
    }
    let tz = zone_of(entry.user_id, &sub);
    let date = schedule::local_date(entry.due, tz);
    let mut next = sub.clone();
    next.next_due = Some(schedule::next_due(entry.due.max(now), sub.at, tz));
    let served = sub.last_served.is_some_and(|d| d >= date);
    let pick = if served {
        None
    } else {
        rotation::pick(entry.user_id, tips, &store.seen_tips(entry.user_id)?)
    };
    let Some((index, seen)) = pick else {
        store.replace_subscription(entry.user_id, &sub, &next, None)?;
        return Ok(None);
    };
    next.last_served = Some(date);
    if !store.replace_subscription(entry.user_id, &sub, &next, Some(&seen))? {
        return Ok(None);
    }
    Ok(Some(Job {
        user_id: entry.user_id,
        chat_id: sub.chat_id,
        tip: tips[index].1.clone(),
    }))
}

/// Moves entries due more than [`CATCH_UP_WINDOW`] before `now` (missed while the bot was
/// down) to their next day without sending. Returns how many were moved.
///
/// # Errors
/// Returns the first storage error.
pub fn skip_stale(store: &Store, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let cutoff = now - CATCH_UP_WINDOW;
    let (mut cursor, mut skipped) = (None, 0);
    loop {
        let chunk = store.due_entries(cursor, cutoff, CHUNK)?;
        let Some(&last) = chunk.last() else { break };
        cursor = Some(last);
        for entry in chunk {
            let Some(sub) = store.subscription(entry.user_id)? else {
                continue;
            };
            let tz = zone_of(entry.user_id, &sub);
            let next = Subscription {
                next_due: Some(schedule::next_due(now, sub.at, tz)),
                ..sub.clone()
            };
            if store.replace_subscription(entry.user_id, &sub, &next, None)? {
                skipped += 1;
            }
        }
    }
    store.flush()?;
    Ok(skipped)
}

/// The subscription's zone. Zones are validated before they are saved, so the fallback only
/// guards against records written by hand.
fn zone_of(user_id: u64, sub: &Subscription) -> Tz {
    schedule::parse_zone(&sub.timezone).unwrap_or_else(|err| {
        log::warn!("tips: user {user_id}: {err}; using UTC");
        Tz::UTC
    })
}
