//! Durable state in sled: articles (bundled and admin-made), taught phrasings and off-topic
//! examples, tips, users, subscriptions, feedback, unanswered questions and the review queue.
//!
//! Each kind lives in its own tree whose name carries a schema version (`articles.v1`), and
//! values are JSON, so a future format can be migrated tree by tree. Key encodings stay
//! private to this module. Anything a user is told succeeded must be followed by
//! [`Store::flush`] before the reply.

mod admin;
mod articles;
mod audit;
mod emergencies;
mod feedback;
mod phrasings;
mod preferences;
mod review;
mod subscriptions;
mod usage;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

pub use articles::{Origin, StoredArticle, SyncReport};
pub use audit::{ArticleChange, AuditEntry};
pub use emergencies::DayFlags;
pub use feedback::{Feedback, Unanswered};
pub use phrasings::{OffTopicExample, Taught, TaughtPhrasing, TeachChange};
pub use preferences::SeenTips;
pub use review::{AnswerRecord, ThumbsDown};
pub use subscriptions::{DueEntry, Subscription};
pub use usage::DayCount;

const ARTICLES: &str = "articles.v1";
const TIPS: &str = "tips.v1";
const USERS: &str = "users.v1";
const SUBSCRIPTIONS: &str = "subscriptions.v1";

// What admins taught from Telegram and the review queue's own state (see `phrasings` and
// `review`), listed together in `TEACH_TREES` so a backup can name every one.
const PHRASINGS: &str = "phrasings.v1";
const OFF_TOPIC: &str = "off_topic.v1";
const ANSWERS: &str = "answers.v1";
const THUMBS_DOWN: &str = "thumbs_down.v1";
const REVIEWED: &str = "reviewed.v1";
const REVIEW_PROMPTS: &str = "review_prompts.v1";
/// Every tree the teaching loop (/review, /teach, 👎 reassignment) adds.
pub const TEACH_TREES: [&str; 6] = [
    PHRASINGS,
    OFF_TOPIC,
    ANSWERS,
    THUMBS_DOWN,
    REVIEWED,
    REVIEW_PROMPTS,
];

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "DATA_DIR {} is already in use by another healthbot process; stop it first or point DATA_DIR elsewhere",
        .0.display()
    )]
    Locked(PathBuf),
    #[error("cannot open the store in DATA_DIR {}: {source}", .path.display())]
    Open { path: PathBuf, source: sled::Error },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    /// A compare-and-swap found the record changed since it was read; nothing was written.
    #[error("the record changed while it was being updated")]
    Conflict,
    #[error("stored record {key:?} in {tree} is unreadable: {source}")]
    Corrupt {
        tree: &'static str,
        key: String,
        source: serde_json::Error,
    },
}

/// A user the bot has talked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub first_seen: DateTime<Utc>,
    pub timezone: Option<String>,
}

/// A cheap-to-clone handle on the sled database.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
}

impl Store {
    /// Opens (or creates) the store in `dir`, failing at once if another process holds it.
    ///
    /// # Errors
    /// [`StoreError::Locked`] when another process has it open, [`StoreError::Open`] otherwise.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let db = sled::Config::new().path(dir).open().map_err(|source| {
            let locked = matches!(&source, sled::Error::Io(e)
                if e.kind() == std::io::ErrorKind::WouldBlock || e.to_string().contains("could not acquire lock"));
            if locked {
                StoreError::Locked(dir.to_owned())
            } else {
                StoreError::Open { path: dir.to_owned(), source }
            }
        })?;
        Ok(Self { db })
    }

    /// Opens a throwaway store that is deleted when dropped, for tests.
    ///
    /// # Errors
    /// Returns sled's error if it cannot be created.
    pub fn temporary() -> Result<Self, StoreError> {
        Ok(Self {
            db: sled::Config::new().temporary(true).open()?,
        })
    }

    /// Makes every write so far durable. Call before telling a user a write succeeded.
    ///
    /// # Errors
    /// Returns sled's error if the flush fails.
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Records that a user talked to the bot, keeping their first-seen time.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn touch_user(&self, user_id: u64) -> Result<(), StoreError> {
        let tree = self.db.open_tree(USERS)?;
        if !tree.contains_key(user_id.to_be_bytes())? {
            let user = User {
                first_seen: Utc::now(),
                timezone: None,
            };
            tree.insert(user_id.to_be_bytes(), encode(&user))?;
        }
        Ok(())
    }

    /// Number of known users.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn user_count(&self) -> Result<usize, StoreError> {
        Ok(self.db.open_tree(USERS)?.len())
    }

    /// Deletes everything stored about one user (for `/forget`) and flushes.
    ///
    /// Every per-user tree must be cleared here; anonymous counts (feedback, unanswered
    /// questions) are not linked to users and stay.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn forget_user(&self, user_id: u64) -> Result<(), StoreError> {
        self.forget_tips(user_id)?;
        self.db.open_tree(USERS)?.remove(user_id.to_be_bytes())?;
        // An unfinished admin form is per-user state too; the audit log is kept on purpose,
        // as the record of who changed the library.
        self.set_admin_dialogue::<()>(user_id, None)?;
        self.set_review_prompt::<()>(user_id, None)?;
        self.flush()
    }
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    // Serialising our own plain structs to JSON cannot fail: no maps with non-string keys.
    serde_json::to_vec(value).unwrap_or_default()
}

fn decode<T: DeserializeOwned>(
    tree: &'static str,
    key: &[u8],
    value: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(value).map_err(|source| StoreError::Corrupt {
        tree,
        key: String::from_utf8_lossy(key).into_owned(),
        source,
    })
}

fn get<T: DeserializeOwned>(
    tree: &sled::Tree,
    name: &'static str,
    key: &[u8],
) -> Result<Option<T>, StoreError> {
    tree.get(key)?.map(|v| decode(name, key, &v)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_open_of_the_same_dir_names_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Store::open(dir.path()).unwrap();
        let err = Store::open(dir.path())
            .err()
            .expect("second open must fail");
        assert!(matches!(err, StoreError::Locked(_)), "{err:?}");
        assert!(err.to_string().contains("DATA_DIR"), "{err}");
    }

    #[test]
    fn forget_user_removes_their_records() {
        let store = Store::temporary().unwrap();
        store.touch_user(7).unwrap();
        let sub = Subscription {
            chat_id: 7,
            at: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            timezone: "UTC".into(),
            paused: false,
            next_due: Some(Utc::now()),
            last_served: None,
        };
        store.save_subscription(7, &sub).unwrap();
        let seen = SeenTips {
            round: 0,
            ids: vec!["b1".into()],
        };
        store.save_seen_tips(7, &seen).unwrap();
        store.forget_user(7).unwrap();
        assert_eq!(store.user_count().unwrap(), 0);
        assert!(store.subscription(7).unwrap().is_none());
        assert_eq!(store.first_due().unwrap(), None);
        assert_eq!(store.seen_tips(7).unwrap(), Default::default());
    }
}
