//! Daily tips: the schedule, the rotation, subscription changes and the delivery task.
//!
//! The task is shaped like mini-redis `server::run`: [`run`] takes the store, a [`Notifier`]
//! (the outgoing I/O boundary, implemented over Telegram in `crate::handlers::tips`), the
//! bot's shared [`Clock`](crate::clock::Clock) and a `shutdown` future, and loops on a
//! `tokio::select!` between sleeping until the next due minute and shutdown. This module
//! never sees Telegram types.
//!
//! # Delivery guarantees
//! - At most one tip per subscriber per local calendar day: before a tip is sent, the local
//!   date it serves and the next due time are written in one sled transaction, and flushed
//!   with the rest of its batch. A crash (even `kill -9`) can lose the tips claimed but not
//!   yet sent (at most [`delivery::MAX_LOST`]) but can never send one twice.
//! - A tip missed while the bot was down is sent at start-up if its minute passed less than
//!   [`CATCH_UP_WINDOW`] ago, and skipped to the next day otherwise.

pub mod delivery;
pub mod rotation;
pub mod schedule;
pub mod subscriptions;
#[cfg(test)]
mod testutil;

use std::future::Future;

use chrono::{DateTime, Duration, DurationRound, Utc};

use crate::clock::SharedClock;
use crate::content::Tip;
use crate::store::Store;

pub use schedule::{ScheduleError, next_due};

/// How late a missed tip may still be sent after a restart.
pub const CATCH_UP_WINDOW: Duration = Duration::hours(1);

/// Why a tip could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    /// The chat will never accept messages again (the user blocked the bot, deleted their
    /// account, ...): the subscription is removed and never retried.
    #[error("the chat is gone: {0}")]
    Gone(String),
    /// Anything else; the tip for this day is lost, the subscription stays.
    #[error("sending failed: {0}")]
    Failed(String),
}

/// Sends tips to chats: the boundary between the tips domain and the messenger.
pub trait Notifier: Clone + Send + Sync + 'static {
    /// Sends `tip` to `chat_id`, waiting out rate limits.
    fn send_tip(
        &self,
        chat_id: i64,
        tip: &Tip,
    ) -> impl Future<Output = Result<(), NotifyError>> + Send;
}

/// Delivers due tips until `shutdown` completes.
///
/// At start-up, tips missed by more than [`CATCH_UP_WINDOW`] are skipped to their next day;
/// then every due subscription is served once a minute. In-flight sends are allowed to finish
/// on shutdown.
///
/// # Errors
/// Fails only if the start-up catch-up cannot read the store; later storage errors are
/// logged and retried on the next minute.
pub async fn run<N>(
    store: Store,
    notifier: N,
    clock: SharedClock,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()>
where
    N: Notifier,
{
    tokio::pin!(shutdown);
    let skipped = delivery::skip_stale(&store, clock.now())?;
    log::info!(
        "tips: scheduler ready, {} subscriptions, {skipped} missed tips skipped to their next day",
        store.subscription_count()?
    );
    let mut sender = delivery::Sender::new(store.clone(), notifier);
    loop {
        tokio::select! {
            result = sender.deliver_due(clock.now()) => {
                if let Err(err) = result {
                    log::error!("tips: delivery pass failed: {err:#}");
                }
            }
            () = &mut shutdown => break,
        }
        let wake = wake_at(&store, clock.now());
        let nap = (wake - clock.now()).to_std().unwrap_or_default();
        tokio::select! {
            () = tokio::time::sleep(nap) => {}
            () = &mut shutdown => break,
        }
    }
    sender.finish().await;
    log::info!("tips: stopped");
    Ok(())
}

/// When the loop should look for due tips next: the start of the next minute, or an earlier
/// due entry. Waking every minute (one empty range scan) picks up subscriptions made since.
fn wake_at(store: &Store, now: DateTime<Utc>) -> DateTime<Utc> {
    let next_minute =
        now.duration_trunc(Duration::minutes(1)).unwrap_or(now) + Duration::minutes(1);
    match store.first_due() {
        Ok(Some(due)) if due > now && due < next_minute => due,
        Ok(_) => next_minute,
        Err(err) => {
            log::error!("tips: cannot read the due index: {err}");
            next_minute
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration as StdDuration;

    use chrono_tz::Tz;

    use super::delivery::Sender;
    use super::testutil::{RecordingNotifier, hm, t};
    use super::*;
    use crate::clock::ShiftedClock;

    fn store_with_tips(n: usize) -> Store {
        let store = Store::temporary().unwrap();
        let tips: Vec<Tip> = (0..n)
            .map(|i| Tip {
                text: format!("Tip number {i}."),
                url: None,
                tags: vec![],
            })
            .collect();
        store.sync_bundle(&[], &tips).unwrap();
        store
    }

    #[tokio::test]
    async fn a_due_subscriber_gets_one_tip_and_moves_to_tomorrow() {
        let store = store_with_tips(3);
        let now = t("2026-05-01T07:00:00Z");
        subscriptions::subscribe(&store, 1, 10, hm(7, 0), Tz::UTC, now - Duration::hours(1))
            .unwrap();
        let notifier = RecordingNotifier::default();
        let mut sender = Sender::new(store.clone(), notifier.clone());
        assert_eq!(sender.deliver_due(now).await.unwrap().sent, 1);
        assert_eq!(sender.deliver_due(now).await.unwrap().sent, 0);
        assert_eq!(notifier.chats(), [10]);
        let sub = store.subscription(1).unwrap().unwrap();
        assert_eq!(sub.next_due, Some(t("2026-05-02T07:00:00Z")));
        assert_eq!(sub.last_served.unwrap().to_string(), "2026-05-01");
    }

    #[tokio::test]
    async fn a_served_day_is_not_served_again_after_reopening_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let now = t("2026-05-01T07:00:30Z");
        {
            let store = Store::open(dir.path()).unwrap();
            store
                .sync_bundle(
                    &[],
                    &[Tip {
                        text: "Walk.".into(),
                        url: None,
                        tags: vec![],
                    }],
                )
                .unwrap();
            subscriptions::subscribe(&store, 1, 10, hm(7, 0), Tz::UTC, now - Duration::hours(1))
                .unwrap();
            let notifier = RecordingNotifier::default();
            Sender::new(store, notifier.clone())
                .deliver_due(now)
                .await
                .unwrap();
            assert_eq!(notifier.chats(), [10]);
        }
        let store = Store::open(dir.path()).unwrap();
        // Even a stale index entry for the same date (as if the reschedule were lost) must
        // not produce a second tip, because the served date is checked.
        let mut sub = store.subscription(1).unwrap().unwrap();
        sub.next_due = Some(t("2026-05-01T07:00:00Z"));
        store.save_subscription(1, &sub).unwrap();
        let notifier = RecordingNotifier::default();
        delivery::skip_stale(&store, now).unwrap();
        Sender::new(store, notifier.clone())
            .deliver_due(now)
            .await
            .unwrap();
        assert!(notifier.chats().is_empty());
    }

    #[tokio::test]
    async fn missed_tips_are_sent_at_start_up_only_within_the_hour() {
        let store = store_with_tips(2);
        let now = t("2026-05-01T09:00:00Z");
        let before = now - Duration::hours(3);
        subscriptions::subscribe(&store, 1, 10, hm(8, 30), Tz::UTC, before).unwrap();
        subscriptions::subscribe(&store, 2, 20, hm(8, 0), Tz::UTC, before).unwrap();
        subscriptions::subscribe(&store, 3, 30, hm(7, 0), Tz::UTC, before).unwrap();
        assert_eq!(delivery::skip_stale(&store, now).unwrap(), 2);
        let notifier = RecordingNotifier::default();
        Sender::new(store.clone(), notifier.clone())
            .deliver_due(now)
            .await
            .unwrap();
        assert_eq!(notifier.chats(), [10]);
        for user in [2, 3] {
            let next = store.subscription(user).unwrap().unwrap().next_due.unwrap();
            assert_eq!(next.date_naive().to_string(), "2026-05-02", "user {user}");
        }
    }

    #[tokio::test]
    async fn a_blocked_user_is_unsubscribed_and_others_still_get_their_tip() {
        let store = store_with_tips(2);
        let now = t("2026-05-01T07:00:00Z");
        for user in 1..=3 {
            let chat = i64::try_from(user).unwrap();
            subscriptions::subscribe(
                &store,
                user,
                chat,
                hm(7, 0),
                Tz::UTC,
                now - Duration::hours(1),
            )
            .unwrap();
        }
        let notifier = RecordingNotifier::default();
        notifier.gone.lock().unwrap().insert(2);
        let stats = Sender::new(store.clone(), notifier.clone())
            .deliver_due(now)
            .await
            .unwrap();
        assert_eq!((stats.sent, stats.unsubscribed), (2, 1));
        assert_eq!(store.subscription(2).unwrap(), None);
        assert!(store.subscription(3).unwrap().is_some());
    }

    #[tokio::test]
    async fn a_repeated_dst_hour_still_gives_one_tip_per_local_day() {
        let store = store_with_tips(10);
        let tz = chrono_tz::America::New_York;
        let start = t("2026-10-30T00:00:00Z");
        subscriptions::subscribe(&store, 1, 10, hm(1, 30), tz, start).unwrap();
        let notifier = RecordingNotifier::default();
        let mut sender = Sender::new(store.clone(), notifier.clone());
        for _ in 0..5 {
            let due = store.first_due().unwrap().unwrap();
            // Deliver at the due minute and again an hour later, when 01:30 may repeat.
            sender.deliver_due(due).await.unwrap();
            sender.deliver_due(due + Duration::hours(1)).await.unwrap();
        }
        assert_eq!(notifier.chats().len(), 5);
        let texts: std::collections::HashSet<_> = notifier
            .sent
            .lock()
            .unwrap()
            .iter()
            .map(|(_, t)| t.clone())
            .collect();
        assert_eq!(texts.len(), 5, "no tip repeats before all were seen");
    }

    #[tokio::test(start_paused = true)]
    async fn run_sends_at_the_minute_and_stops_on_shutdown() {
        let store = store_with_tips(2);
        let origin = t("2026-05-01T06:58:30Z");
        subscriptions::subscribe(&store, 1, 10, hm(7, 0), Tz::UTC, origin).unwrap();
        let notifier = RecordingNotifier::default();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(run(
            store.clone(),
            notifier.clone(),
            std::sync::Arc::new(ShiftedClock::starting_at(origin)),
            async {
                let _ = stopped.await;
            },
        ));
        tokio::time::sleep(StdDuration::from_secs(85)).await; // 06:59:55
        assert!(notifier.chats().is_empty(), "nothing before 07:00");
        tokio::time::sleep(StdDuration::from_secs(10)).await; // 07:00:05
        assert_eq!(notifier.chats(), [10]);
        tokio::time::sleep(StdDuration::from_secs(3600)).await;
        assert_eq!(notifier.chats(), [10], "once a day");
        stop.send(()).unwrap();
        task.await.unwrap().unwrap();
    }
}
