//! Admin state that is not the library itself: admin-made tips (and tombstones for deleted
//! bundled ones), the subscriber list for broadcasts, step-by-step dialogue state and actions
//! waiting for a confirmation button.
//!
//! Dialogue and confirmation values are opaque JSON to the store, so it stays free of the
//! admin layer's types. Keeping them in sled means a restart does not lose a half-finished
//! dialogue or invalidate a confirmation button.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::{Store, StoreError, TIPS, decode, encode, get};
use crate::content::Tip;

/// Ids of tips an admin deleted; `sync_bundle` skips these so a bundled tip stays deleted.
pub(super) const DELETED_TIPS: &str = "tips_deleted.v1";
const DIALOGUES: &str = "admin_dialogues.v1";
const PENDING: &str = "admin_pending.v1";
/// Confirmation buttons older than this no longer work.
const PENDING_TTL_HOURS: i64 = 24;

#[derive(Serialize, Deserialize)]
struct Pending<T> {
    admin_id: u64,
    created: DateTime<Utc>,
    action: T,
}

impl Store {
    /// Adds an admin-written tip and returns its id. Does not flush; the caller flushes with
    /// its audit entry.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn add_admin_tip(&self, tip: &Tip) -> Result<String, StoreError> {
        // `a` + a zero-padded sequence number never clashes with bundled `b…` ids, lists
        // admin tips first, and is never touched by a content sync.
        let id = format!("a{:06}", self.db.generate_id()?);
        self.db
            .open_tree(TIPS)?
            .insert(id.as_bytes(), encode(tip))?;
        Ok(id)
    }

    /// Deletes a tip by id, remembering bundled ids so a restart does not bring them back.
    /// Returns the deleted tip. Does not flush.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn remove_tip(&self, id: &str) -> Result<Option<Tip>, StoreError> {
        let Some(old) = self.db.open_tree(TIPS)?.remove(id.as_bytes())? else {
            return Ok(None);
        };
        if id.starts_with('b') {
            self.db
                .open_tree(DELETED_TIPS)?
                .insert(id.as_bytes(), &[])?;
        }
        decode(TIPS, id.as_bytes(), &old).map(Some)
    }

    /// The admin's step-by-step dialogue state, if one is running.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn admin_dialogue<T: DeserializeOwned>(
        &self,
        admin_id: u64,
    ) -> Result<Option<T>, StoreError> {
        get(
            &self.db.open_tree(DIALOGUES)?,
            DIALOGUES,
            &admin_id.to_be_bytes(),
        )
    }

    /// Saves (`Some`) or ends (`None`) the admin's dialogue, and flushes.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn set_admin_dialogue<T: Serialize>(
        &self,
        admin_id: u64,
        state: Option<&T>,
    ) -> Result<(), StoreError> {
        let tree = self.db.open_tree(DIALOGUES)?;
        match state {
            Some(state) => tree.insert(admin_id.to_be_bytes(), encode(state))?,
            None => tree.remove(admin_id.to_be_bytes())?,
        };
        self.flush()
    }

    /// Parks an action until its admin confirms it; returns the id for the buttons. Expired
    /// actions are swept on the way.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn park_action<T: Serialize>(&self, admin_id: u64, action: &T) -> Result<u64, StoreError> {
        let tree = self.db.open_tree(PENDING)?;
        let now = Utc::now();
        for item in tree.iter() {
            let (key, value) = item?;
            let expired = serde_json::from_slice::<Pending<serde_json::Value>>(&value)
                .map_or(true, |p| {
                    now - p.created > Duration::hours(PENDING_TTL_HOURS)
                });
            if expired {
                tree.remove(key)?;
            }
        }
        let id = self.db.generate_id()?;
        let pending = Pending {
            admin_id,
            created: now,
            action,
        };
        tree.insert(id.to_be_bytes(), encode(&pending))?;
        self.flush()?;
        Ok(id)
    }

    /// Removes and returns a parked action, if it exists, belongs to `admin_id` and has not
    /// expired. Another admin's button does nothing and leaves the action parked.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn take_action<T: DeserializeOwned>(
        &self,
        admin_id: u64,
        id: u64,
    ) -> Result<Option<T>, StoreError> {
        let tree = self.db.open_tree(PENDING)?;
        let Some(pending) = get::<Pending<T>>(&tree, PENDING, &id.to_be_bytes())? else {
            return Ok(None);
        };
        if pending.admin_id != admin_id {
            return Ok(None);
        }
        tree.remove(id.to_be_bytes())?;
        self.flush()?;
        let fresh = Utc::now() - pending.created <= Duration::hours(PENDING_TTL_HOURS);
        Ok(fresh.then_some(pending.action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tip(text: &str) -> Tip {
        Tip {
            text: text.into(),
            url: None,
            tags: vec![],
        }
    }

    #[test]
    fn deleted_bundled_tip_stays_deleted_after_sync() {
        let store = Store::temporary().unwrap();
        let bundled = [tip("Drink water."), tip("Sleep well.")];
        store.sync_bundle(&[], &bundled).unwrap();
        let (id, _) = store.tips().unwrap().remove(0);
        assert!(store.remove_tip(&id).unwrap().is_some());
        store.sync_bundle(&[], &bundled).unwrap();
        let ids: Vec<String> = store.tips().unwrap().into_iter().map(|(i, _)| i).collect();
        assert_eq!(ids.len(), 1);
        assert!(!ids.contains(&id));
    }

    #[test]
    fn admin_tips_survive_sync() {
        let store = Store::temporary().unwrap();
        let id = store.add_admin_tip(&tip("Walk daily.")).unwrap();
        store.sync_bundle(&[], &[tip("Drink water.")]).unwrap();
        assert!(store.tips().unwrap().iter().any(|(i, _)| *i == id));
    }

    #[test]
    fn parked_action_is_taken_once_and_only_by_its_admin() {
        let store = Store::temporary().unwrap();
        let id = store.park_action(1, &"delete gout".to_owned()).unwrap();
        assert_eq!(store.take_action::<String>(2, id).unwrap(), None);
        assert_eq!(
            store.take_action::<String>(1, id).unwrap().as_deref(),
            Some("delete gout")
        );
        assert_eq!(store.take_action::<String>(1, id).unwrap(), None);
    }

    #[test]
    fn dialogue_state_round_trips_and_ends() {
        let store = Store::temporary().unwrap();
        store.set_admin_dialogue(5, Some(&vec![1, 2])).unwrap();
        assert_eq!(
            store.admin_dialogue::<Vec<i32>>(5).unwrap(),
            Some(vec![1, 2])
        );
        store.set_admin_dialogue::<Vec<i32>>(5, None).unwrap();
        assert_eq!(store.admin_dialogue::<Vec<i32>>(5).unwrap(), None);
    }
}
