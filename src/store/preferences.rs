//! Per-user preferences around daily tips: the saved timezone and the tip rotation state.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::subscriptions::SEEN;
use super::{Store, StoreError, USERS, User, encode, get};

/// The tips a user has already received in the current round of the rotation (see
/// `tips::rotation`, which decides what comes next).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenTips {
    /// How many times the user has been through the whole library; seeds the shuffle.
    pub round: u32,
    /// Ids of the tips sent in this round.
    pub ids: Vec<String>,
}

impl Store {
    /// The user's tip rotation state (empty for new users).
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn seen_tips(&self, user_id: u64) -> Result<SeenTips, StoreError> {
        Ok(get(&self.db.open_tree(SEEN)?, SEEN, &user_id.to_be_bytes())?.unwrap_or_default())
    }

    /// Saves the user's tip rotation state (not flushed: losing it only risks a repeat).
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn save_seen_tips(&self, user_id: u64, seen: &SeenTips) -> Result<(), StoreError> {
        self.db
            .open_tree(SEEN)?
            .insert(user_id.to_be_bytes(), encode(seen))?;
        Ok(())
    }

    /// The timezone the user chose with `/timezone` or `/subscribe`, if any.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn user_timezone(&self, user_id: u64) -> Result<Option<String>, StoreError> {
        let user: Option<User> = get(&self.db.open_tree(USERS)?, USERS, &user_id.to_be_bytes())?;
        Ok(user.and_then(|u| u.timezone))
    }

    /// Remembers the user's timezone and flushes.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn set_user_timezone(&self, user_id: u64, timezone: &str) -> Result<(), StoreError> {
        let tree = self.db.open_tree(USERS)?;
        let key = user_id.to_be_bytes();
        let mut user = get::<User>(&tree, USERS, &key)?.unwrap_or_else(|| User {
            first_seen: Utc::now(),
            timezone: None,
        });
        user.timezone = Some(timezone.to_owned());
        tree.insert(key, encode(&user))?;
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_timezone_is_remembered() {
        let store = Store::temporary().unwrap();
        assert_eq!(store.user_timezone(4).unwrap(), None);
        store.set_user_timezone(4, "Europe/Berlin").unwrap();
        assert_eq!(
            store.user_timezone(4).unwrap().as_deref(),
            Some("Europe/Berlin")
        );
    }

    #[test]
    fn seen_tips_round_trip_and_default_to_empty() {
        let store = Store::temporary().unwrap();
        assert_eq!(store.seen_tips(3).unwrap(), SeenTips::default());
        let seen = SeenTips {
            round: 2,
            ids: vec!["b1".into()],
        };
        store.save_seen_tips(3, &seen).unwrap();
        assert_eq!(store.seen_tips(3).unwrap(), seen);
    }
}
