//! Daily-tip subscriptions and their entries in the due index (see `due`), which makes
//! "who is due now" a range scan. A subscription record and its index key are always
//! written together in one sled transaction, with the rotation state when a tip is claimed.

mod due;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};

use super::{SUBSCRIPTIONS, SeenTips, Store, StoreError, decode, encode, get};
use due::{DUE, due_key};

pub use due::DueEntry;

/// Per-user tip rotation state, written with the subscription when a tip is claimed.
pub(super) const SEEN: &str = "tips_seen.v1";

/// A daily-tip subscription. Fields added after v1 default, so old records still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub chat_id: i64,
    /// Local wall-clock time of the tip.
    pub at: NaiveTime,
    /// IANA timezone name.
    pub timezone: String,
    /// A paused subscription keeps its settings but has no due entry.
    #[serde(default)]
    pub paused: bool,
    /// When the next tip is due; mirrored by the due index while not paused.
    #[serde(default)]
    pub next_due: Option<DateTime<Utc>>,
    /// The local date the last tip was sent for: never send twice for one date.
    #[serde(default)]
    pub last_served: Option<NaiveDate>,
}

impl Subscription {
    /// The due instant this record holds in the index, if it is active.
    pub fn indexed_due(&self) -> Option<DateTime<Utc>> {
        self.next_due.filter(|_| !self.paused)
    }
}

impl Store {
    /// Creates or replaces a user's subscription, moving its due entry, and flushes.
    ///
    /// # Errors
    /// Returns a storage or decoding error; then nothing was changed.
    pub fn save_subscription(&self, user_id: u64, sub: &Subscription) -> Result<(), StoreError> {
        self.update_subscription(user_id, |_| Some(sub.clone()))?;
        Ok(())
    }

    /// Atomically reads the user's subscription, lets `change` compute its replacement
    /// (`None` leaves it as it is), writes it with its due entry and flushes. Returns the
    /// record as stored afterwards. `change` may run more than once, so it must be pure.
    ///
    /// # Errors
    /// Returns a storage or decoding error; then nothing was changed.
    pub fn update_subscription(
        &self,
        user_id: u64,
        change: impl Fn(Option<&Subscription>) -> Option<Subscription>,
    ) -> Result<Option<Subscription>, StoreError> {
        let (old, new) = self.swap_subscription(user_id, None, |old| {
            Ok(match change(old) {
                Some(next) => Change::Put(next),
                None => Change::Keep,
            })
        })?;
        self.flush()?;
        Ok(new.or(old))
    }

    /// A user's subscription, if any.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn subscription(&self, user_id: u64) -> Result<Option<Subscription>, StoreError> {
        get(
            &self.db.open_tree(SUBSCRIPTIONS)?,
            SUBSCRIPTIONS,
            &user_id.to_be_bytes(),
        )
    }

    /// Removes a subscription and its due entry, and flushes. Returns whether there was one.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn unsubscribe(&self, user_id: u64) -> Result<bool, StoreError> {
        let (old, _) = self.swap_subscription(user_id, None, |_| Ok(Change::Remove))?;
        let removed = old.is_some();
        self.flush()?;
        Ok(removed)
    }

    /// Creates or replaces many subscriptions at once (imports, migrations, benchmarks):
    /// each chunk of records and their due entries is one transaction, flushed once at the
    /// end.
    ///
    /// # Errors
    /// Returns a storage or decoding error; earlier chunks stay written.
    pub fn save_subscriptions(&self, items: &[(u64, Subscription)]) -> Result<(), StoreError> {
        let subs = self.db.open_tree(SUBSCRIPTIONS)?;
        let due = self.db.open_tree(DUE)?;
        for chunk in items.chunks(1000) {
            (&subs, &due)
                .transaction(|(subs, due)| {
                    for (user_id, next) in chunk {
                        let old = read_subscription(subs, &user_id.to_be_bytes())?;
                        write_subscription(subs, due, *user_id, old.as_ref(), Some(next))?;
                    }
                    Ok(())
                })
                .map_err(|e| match e {
                    TransactionError::Abort(e) => e,
                    TransactionError::Storage(e) => StoreError::from(e),
                })?;
        }
        self.flush()
    }

    /// Every subscription with its user id, in user-id order, read lazily: for broadcasts
    /// and reports. Picking who is due uses [`Store::due_entries`] instead.
    ///
    /// # Errors
    /// Each item is a storage or decoding error, or one subscription.
    pub fn subscriptions(
        &self,
    ) -> Result<impl Iterator<Item = Result<(u64, Subscription), StoreError>>, StoreError> {
        let tree = self.db.open_tree(SUBSCRIPTIONS)?;
        Ok(tree.iter().map(|item| {
            let (key, value) = item?;
            let id = key
                .as_ref()
                .try_into()
                .map(u64::from_be_bytes)
                .unwrap_or_default();
            Ok((id, decode(SUBSCRIPTIONS, &key, &value)?))
        }))
    }

    /// Number of subscriptions, paused ones included.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn subscription_count(&self) -> Result<usize, StoreError> {
        Ok(self.db.open_tree(SUBSCRIPTIONS)?.len())
    }

    /// Atomically replaces `expected` with `next` (moving the due entry) and, if given, saves
    /// the rotation state. Returns `false`, writing nothing, when the stored subscription is
    /// no longer `expected` (the user changed or removed it meanwhile). Not flushed: callers
    /// flush before acting on it, once per batch where they can.
    ///
    /// # Errors
    /// Returns a storage or decoding error; then nothing was changed.
    pub fn replace_subscription(
        &self,
        user_id: u64,
        expected: &Subscription,
        next: &Subscription,
        seen: Option<&SeenTips>,
    ) -> Result<bool, StoreError> {
        let swapped = self.swap_subscription(user_id, seen, |old| {
            if old == Some(expected) {
                Ok(Change::Put(next.clone()))
            } else {
                Err(StoreError::Conflict)
            }
        });
        match swapped {
            Ok(_) => Ok(true),
            Err(StoreError::Conflict) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Removes the rotation state, subscription and due entry of a user, without flushing.
    pub(super) fn forget_tips(&self, user_id: u64) -> Result<(), StoreError> {
        self.swap_subscription(user_id, None, |_| Ok(Change::Remove))?;
        self.db.open_tree(SEEN)?.remove(user_id.to_be_bytes())?;
        Ok(())
    }

    /// The one place subscriptions change. In a single transaction: reads the stored record,
    /// asks `decide` what to do with it, applies that, moves the due entry to match and saves
    /// `seen`, if given. Returns the records before and after (`None` after = unchanged or
    /// removed).
    ///
    /// # Errors
    /// Whatever `decide` returns (nothing is written then), or a storage error.
    fn swap_subscription(
        &self,
        user_id: u64,
        seen: Option<&SeenTips>,
        decide: impl Fn(Option<&Subscription>) -> Result<Change, StoreError>,
    ) -> Result<(Option<Subscription>, Option<Subscription>), StoreError> {
        let subs = self.db.open_tree(SUBSCRIPTIONS)?;
        let due = self.db.open_tree(DUE)?;
        let seen_tree = self.db.open_tree(SEEN)?;
        let key = user_id.to_be_bytes();
        (&subs, &due, &seen_tree)
            .transaction(|(subs, due, seen_tree)| {
                let old = read_subscription(subs, &key)?;
                let change = decide(old.as_ref()).map_err(ConflictableTransactionError::Abort)?;
                let next = match change {
                    Change::Keep => return Ok((old, None)),
                    Change::Remove => None,
                    Change::Put(next) => Some(next),
                };
                write_subscription(subs, due, user_id, old.as_ref(), next.as_ref())?;
                if let Some(seen) = seen {
                    seen_tree.insert(&key[..], encode(seen))?;
                }
                Ok((old, next))
            })
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => e.into(),
            })
    }
}

/// What [`Store::swap_subscription`] does with a record.
enum Change {
    Keep,
    Remove,
    Put(Subscription),
}

/// Inside a transaction: replaces `old` with `next` (or removes it) and moves the due entry.
fn write_subscription(
    subs: &TransactionalTree,
    due: &TransactionalTree,
    user_id: u64,
    old: Option<&Subscription>,
    next: Option<&Subscription>,
) -> Result<(), ConflictableTransactionError<StoreError>> {
    let key = user_id.to_be_bytes();
    if let Some(at) = old.and_then(Subscription::indexed_due) {
        due.remove(&due_key(at, user_id)[..])?;
    }
    match next {
        Some(next) => {
            subs.insert(&key[..], encode(next))?;
            if let Some(at) = next.indexed_due() {
                due.insert(&due_key(at, user_id)[..], &[][..])?;
            }
        }
        None => {
            subs.remove(&key[..])?;
        }
    }
    Ok(())
}

fn read_subscription(
    tree: &TransactionalTree,
    key: &[u8],
) -> Result<Option<Subscription>, ConflictableTransactionError<StoreError>> {
    let Some(value) = tree.get(key)? else {
        return Ok(None);
    };
    decode(SUBSCRIPTIONS, key, &value)
        .map(Some)
        .map_err(ConflictableTransactionError::Abort)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A subscription at 07:`minute` UTC, due at `due`.
    pub fn sub(minute: u32, due: &str) -> Subscription {
        Subscription {
            chat_id: 1,
            at: NaiveTime::from_hms_opt(7, minute, 0).unwrap(),
            timezone: "UTC".into(),
            paused: false,
            next_due: Some(due.parse().unwrap()),
            last_served: None,
        }
    }

    /// A UTC instant from RFC 3339 text.
    pub fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn changing_or_removing_a_subscription_moves_its_due_entry() {
        let store = Store::temporary().unwrap();
        store
            .save_subscription(1, &sub(0, "2026-01-01T07:00:00Z"))
            .unwrap();
        store
            .save_subscription(1, &sub(30, "2026-01-01T07:30:00Z"))
            .unwrap();
        let all = store
            .due_entries(None, t("2030-01-01T00:00:00Z"), 10)
            .unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].due, t("2026-01-01T07:30:00Z"));
        let mut paused = sub(30, "2026-01-01T07:30:00Z");
        paused.paused = true;
        store.save_subscription(1, &paused).unwrap();
        assert_eq!(store.first_due().unwrap(), None);
        assert!(store.unsubscribe(1).unwrap());
        assert!(!store.unsubscribe(1).unwrap());
        assert_eq!(store.subscription_count().unwrap(), 0);
    }

    #[test]
    fn replace_refuses_when_the_user_changed_the_subscription_meanwhile() {
        let store = Store::temporary().unwrap();
        let old = sub(0, "2026-01-01T07:00:00Z");
        store.save_subscription(1, &old).unwrap();
        let mut served = sub(0, "2026-01-02T07:00:00Z");
        served.last_served = Some(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        store.unsubscribe(1).unwrap();
        assert!(!store.replace_subscription(1, &old, &served, None).unwrap());
        store.save_subscription(1, &old).unwrap();
        assert!(store.replace_subscription(1, &old, &served, None).unwrap());
        assert_eq!(store.first_due().unwrap(), served.next_due);
        store.unsubscribe(1).unwrap();
        assert_eq!(store.subscription(1).unwrap(), None);
        assert_eq!(store.first_due().unwrap(), None);
    }

    #[test]
    fn bulk_save_indexes_every_subscription_and_replaces_old_entries() {
        let store = Store::temporary().unwrap();
        store
            .save_subscription(1, &sub(0, "2026-01-01T06:00:00Z"))
            .unwrap();
        let items: Vec<_> = (1..=2500)
            .map(|u| (u, sub(0, "2026-01-01T07:00:00Z")))
            .collect();
        store.save_subscriptions(&items).unwrap();
        let due = store
            .due_entries(None, t("2026-01-01T07:00:00Z"), 10_000)
            .unwrap();
        assert_eq!(due.len(), 2500);
        assert_eq!(store.first_due().unwrap(), Some(t("2026-01-01T07:00:00Z")));
        let all: Vec<_> = store
            .subscriptions()
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!((all.len(), all[0].0, all[2499].0), (2500, 1, 2500));
    }

    #[test]
    fn v1_records_without_schedule_fields_still_read() {
        let store = Store::temporary().unwrap();
        let tree = store.db.open_tree(SUBSCRIPTIONS).unwrap();
        tree.insert(
            5u64.to_be_bytes(),
            br#"{"chat_id":5,"at":"09:00:00","timezone":"UTC"}"#.to_vec(),
        )
        .unwrap();
        let s = store.subscription(5).unwrap().unwrap();
        assert_eq!((s.paused, s.next_due, s.last_served), (false, None, None));
    }
}
