//! What users can do to their daily tip: subscribe, change the zone, pause, resume, and ask
//! for a tip now. Every change is computed here and written atomically by the store.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{rotation, schedule};
use crate::content::Tip;
use crate::store::{Store, StoreError, Subscription};

/// Subscribes the user (or changes their time and zone), unpaused, and returns the stored
/// subscription with its next due time. A date already served is not served again.
///
/// # Errors
/// Returns a storage error; then nothing was saved.
pub fn subscribe(
    store: &Store,
    user_id: u64,
    chat_id: i64,
    at: NaiveTime,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Subscription, StoreError> {
    let stored = store.update_subscription(user_id, |old| {
        let last_served = old.and_then(|o| o.last_served);
        Some(Subscription {
            chat_id,
            at,
            timezone: tz.name().to_owned(),
            paused: false,
            next_due: Some(upcoming(now, at, tz, last_served)),
            last_served,
        })
    })?;
    stored.ok_or(StoreError::Conflict)
}

/// Pauses or resumes the user's subscription. Returns it as stored, or `None` if the user
/// has none.
///
/// # Errors
/// Returns a storage error; then nothing was changed.
pub fn set_paused(
    store: &Store,
    user_id: u64,
    paused: bool,
    now: DateTime<Utc>,
) -> Result<Option<Subscription>, StoreError> {
    store.update_subscription(user_id, |old| {
        let old = old?;
        let tz = schedule::parse_zone(&old.timezone).unwrap_or(Tz::UTC);
        Some(Subscription {
            paused,
            next_due: Some(upcoming(now, old.at, tz, old.last_served)),
            ..old.clone()
        })
    })
}

/// Saves the user's timezone and moves their subscription, if any, to it (same local
/// time). Returns the subscription as stored.
///
/// # Errors
/// Returns a storage error.
pub fn set_timezone(
    store: &Store,
    user_id: u64,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Option<Subscription>, StoreError> {
    store.set_user_timezone(user_id, tz.name())?;
    store.update_subscription(user_id, |old| {
        let old = old?;
        Some(Subscription {
            timezone: tz.name().to_owned(),
            next_due: Some(upcoming(now, old.at, tz, old.last_served)),
            ..old.clone()
        })
    })
}

/// The zone a user's times are read in: their saved zone, else `default`.
///
/// # Errors
/// Returns a storage error.
pub fn user_zone(store: &Store, user_id: u64, default: Tz) -> Result<Tz, StoreError> {
    let saved = store.user_timezone(user_id)?;
    Ok(saved
        .and_then(|z| schedule::parse_zone(&z).ok())
        .unwrap_or(default))
}

/// The next tip for the user from the rotation, recorded as seen. `None` when the library
/// has no tips.
///
/// # Errors
/// Returns a storage error.
pub fn tip_now(store: &Store, user_id: u64) -> Result<Option<Tip>, StoreError> {
    let mut tips = store.tips()?;
    let Some((index, seen)) = rotation::pick(user_id, &tips, &store.seen_tips(user_id)?) else {
        return Ok(None);
    };
    store.save_seen_tips(user_id, &seen)?;
    Ok(Some(tips.swap_remove(index).1))
}

/// The next due instant after `now`, skipping a local date that was already served.
fn upcoming(now: DateTime<Utc>, at: NaiveTime, tz: Tz, served: Option<NaiveDate>) -> DateTime<Utc> {
    let due = schedule::next_due(now, at, tz);
    if served.is_some_and(|d| schedule::local_date(due, tz) <= d) {
        schedule::next_due(due, at, tz)
    } else {
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tips::testutil::{hm, t};

    #[test]
    fn subscribing_schedules_the_next_local_occurrence() {
        let store = Store::temporary().unwrap();
        let now = t("2026-05-01T04:00:00Z");
        let sub = subscribe(&store, 1, 1, hm(7, 30), chrono_tz::Europe::Berlin, now).unwrap();
        assert_eq!(sub.next_due, Some(t("2026-05-01T05:30:00Z")));
        assert_eq!(store.first_due().unwrap(), sub.next_due);
    }

    #[test]
    fn moving_to_a_later_time_after_todays_tip_waits_for_tomorrow() {
        let store = Store::temporary().unwrap();
        let now = t("2026-05-01T08:00:00Z");
        let mut sub = subscribe(&store, 1, 1, hm(7, 0), Tz::UTC, now).unwrap();
        sub.last_served = NaiveDate::from_ymd_opt(2026, 5, 1);
        store.save_subscription(1, &sub).unwrap();
        let moved = subscribe(&store, 1, 1, hm(21, 0), Tz::UTC, now).unwrap();
        assert_eq!(moved.next_due, Some(t("2026-05-02T21:00:00Z")));
    }

    #[test]
    fn pausing_removes_the_due_entry_and_resuming_restores_it() {
        let store = Store::temporary().unwrap();
        let now = t("2026-05-01T04:00:00Z");
        subscribe(&store, 1, 1, hm(7, 0), Tz::UTC, now).unwrap();
        assert!(set_paused(&store, 1, true, now).unwrap().unwrap().paused);
        assert_eq!(store.first_due().unwrap(), None);
        set_paused(&store, 1, false, now).unwrap();
        assert_eq!(store.first_due().unwrap(), Some(t("2026-05-01T07:00:00Z")));
        assert_eq!(set_paused(&store, 2, true, now).unwrap(), None);
    }

    #[test]
    fn changing_timezone_keeps_the_local_time_and_remembers_the_zone() {
        let store = Store::temporary().unwrap();
        let now = t("2026-05-01T04:00:00Z");
        subscribe(&store, 1, 1, hm(7, 0), Tz::UTC, now).unwrap();
        let moved = set_timezone(&store, 1, chrono_tz::Asia::Tokyo, now)
            .unwrap()
            .unwrap();
        assert_eq!(moved.next_due, Some(t("2026-05-01T22:00:00Z")));
        assert_eq!(
            user_zone(&store, 1, Tz::UTC).unwrap(),
            chrono_tz::Asia::Tokyo
        );
        assert_eq!(user_zone(&store, 9, Tz::UTC).unwrap(), Tz::UTC);
    }

    #[test]
    fn tip_now_rotates_through_the_library() {
        let store = Store::temporary().unwrap();
        let tips: Vec<Tip> = (0..3)
            .map(|i| Tip {
                text: format!("Tip {i}."),
                url: None,
                tags: vec![],
            })
            .collect();
        store.sync_bundle(&[], &tips).unwrap();
        let mut got: Vec<String> = (0..3)
            .map(|_| tip_now(&store, 4).unwrap().unwrap().text)
            .collect();
        got.sort();
        assert_eq!(got, ["Tip 0.", "Tip 1.", "Tip 2."]);
    }
}
