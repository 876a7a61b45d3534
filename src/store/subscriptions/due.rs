//! The due index (`tips_due.v1`): one empty-valued key per active subscription, big-endian
//! due seconds followed by the big-endian user id, so keys sort by due time and a scan up to
//! "now" touches only the users who are due. Subscription writes keep it in step.

use std::ops::Bound;

use chrono::{DateTime, Utc};

use crate::store::{Store, StoreError};

pub(super) const DUE: &str = "tips_due.v1";

/// One key of the due index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueEntry {
    pub due: DateTime<Utc>,
    pub user_id: u64,
}

impl Store {
    /// Up to `limit` due entries in due order, strictly after `after` (a cursor from the
    /// previous chunk) and due no later than `until`.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn due_entries(
        &self,
        after: Option<DueEntry>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DueEntry>, StoreError> {
        let start = after.map_or(Bound::Unbounded, |e| {
            Bound::Excluded(due_key(e.due, e.user_id))
        });
        let end = Bound::Included(due_key(until, u64::MAX));
        let mut out = Vec::with_capacity(limit.min(4096));
        for item in self.db.open_tree(DUE)?.range((start, end)).take(limit) {
            let (key, _) = item?;
            out.extend(parse_due_key(&key));
        }
        Ok(out)
    }

    /// The earliest due instant of any active subscription.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn first_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let first = self.db.open_tree(DUE)?.first()?;
        Ok(first
            .and_then(|(key, _)| parse_due_key(&key))
            .map(|e| e.due))
    }
}

pub(super) fn due_key(due: DateTime<Utc>, user_id: u64) -> [u8; 16] {
    // Due times are after 1970; anything earlier sorts first, which only makes it due sooner.
    let secs = u64::try_from(due.timestamp()).unwrap_or(0);
    let mut key = [0; 16];
    key[..8].copy_from_slice(&secs.to_be_bytes());
    key[8..].copy_from_slice(&user_id.to_be_bytes());
    key
}

fn parse_due_key(key: &[u8]) -> Option<DueEntry> {
    let secs = u64::from_be_bytes(key.get(..8)?.try_into().ok()?);
    let user_id = u64::from_be_bytes(key.get(8..16)?.try_into().ok()?);
    let due = DateTime::from_timestamp(i64::try_from(secs).ok()?, 0)?;
    Some(DueEntry { due, user_id })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sub, t};
    use super::*;

    #[test]
    fn due_entries_are_a_range_in_due_order_with_a_cursor() {
        let store = Store::temporary().unwrap();
        store
            .save_subscription(3, &sub(0, "2026-01-01T07:02:00Z"))
            .unwrap();
        store
            .save_subscription(2, &sub(0, "2026-01-01T07:01:00Z"))
            .unwrap();
        store
            .save_subscription(1, &sub(0, "2026-01-01T07:01:00Z"))
            .unwrap();
        store
            .save_subscription(9, &sub(0, "2026-01-02T07:00:00Z"))
            .unwrap();
        let until = t("2026-01-01T07:02:00Z");
        let first = store.due_entries(None, until, 2).unwrap();
        let ids: Vec<u64> = first.iter().map(|e| e.user_id).collect();
        assert_eq!(ids, [1, 2]);
        let rest = store.due_entries(first.last().copied(), until, 10).unwrap();
        assert_eq!(rest.iter().map(|e| e.user_id).collect::<Vec<_>>(), [3]);
        assert_eq!(store.first_due().unwrap(), Some(t("2026-01-01T07:01:00Z")));
    }
}
