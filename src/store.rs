//! Durable state in sled: articles (bundled and admin-made), tips, users, subscriptions,
//! feedback and unanswered questions.
//!
//! Each kind lives in its own tree whose name carries a schema version (`articles.v1`), and
//! values are JSON, so a future format can be migrated tree by tree. Key encodings stay
//! private to this module. Anything a user is told succeeded must be followed by
//! [`Store::flush`] before the reply.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::content::{Article, Tip};

mod admin;
mod audit;
mod emergencies;
mod preferences;
mod subscriptions;
mod usage;

pub use audit::{ArticleChange, AuditEntry};
pub use emergencies::DayFlags;
pub use subscriptions::{DueEntry, Subscription};
pub use usage::DayCount;

const ARTICLES: &str = "articles.v1";
const TIPS: &str = "tips.v1";
const USERS: &str = "users.v1";
const SUBSCRIPTIONS: &str = "subscriptions.v1";
const FEEDBACK: &str = "feedback.v1";
const UNANSWERED: &str = "unanswered.v1";

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

/// Where an article came from, which decides whether a content sync may touch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// From `content/`, unchanged since: the bundled copy wins on sync.
    Bundled,
    /// From `content/`, then edited by an admin: sync leaves it alone.
    BundledEdited,
    /// Created by an admin.
    Admin,
}

/// An article as stored, with its provenance. A `deleted` record is a tombstone that stops
/// a deleted bundled article from coming back on the next sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredArticle {
    pub article: Article,
    pub origin: Origin,
    #[serde(default)]
    pub deleted: bool,
    pub updated_at: DateTime<Utc>,
}

/// A user the bot has talked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub first_seen: DateTime<Utc>,
    pub timezone: Option<String>,
}

/// 👍/👎 counts of one article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub up: u64,
    pub down: u64,
}

/// A question no article answered, kept without any user id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unanswered {
    pub question: String,
    pub count: u64,
    pub last_asked: DateTime<Utc>,
}

/// What a content sync changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Bundled articles left alone because an admin edited or deleted them.
    pub kept_admin_changes: usize,
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

    /// Brings bundled articles and tips into the store, never overwriting admin changes.
    ///
    /// # Errors
    /// Returns the first storage error; the store is flushed only after a complete sync.
    pub fn sync_bundle(
        &self,
        articles: &[Article],
        tips: &[Tip],
    ) -> Result<SyncReport, StoreError> {
        let mut report = SyncReport::default();
        let now = Utc::now();
        let tree = self.db.open_tree(ARTICLES)?;
        let mut batch = sled::Batch::default();
        for article in articles {
            match get::<StoredArticle>(&tree, ARTICLES, article.slug.as_bytes())? {
                None => report.added += 1,
                Some(s) if s.origin != Origin::Bundled || s.deleted => {
                    report.kept_admin_changes += 1;
                    continue;
                }
                Some(s) if s.article == *article => continue,
                Some(_) => report.updated += 1,
            }
            let record = StoredArticle {
                article: article.clone(),
                origin: Origin::Bundled,
                deleted: false,
                updated_at: now,
            };
            batch.insert(article.slug.as_bytes(), encode(&record));
        }
        // Bundled articles that left content/ leave the store, unless an admin touched them.
        for item in tree.iter() {
            let (key, value) = item?;
            let stored: StoredArticle = decode(ARTICLES, &key, &value)?;
            let bundled = articles.iter().any(|a| a.slug.as_bytes() == &*key);
            if stored.origin == Origin::Bundled && !bundled {
                batch.remove(key);
                report.removed += 1;
            }
        }
        tree.apply_batch(batch)?;
        self.sync_tips(tips)?;
        self.flush()?;
        Ok(report)
    }

    fn sync_tips(&self, tips: &[Tip]) -> Result<(), StoreError> {
        let tree = self.db.open_tree(TIPS)?;
        let deleted = self.db.open_tree(admin::DELETED_TIPS)?;
        let mut batch = sled::Batch::default();
        for (key, _) in tree.iter().flatten() {
            if key.starts_with(b"b") {
                batch.remove(key);
            }
        }
        for tip in tips {
            let key = bundled_tip_key(tip);
            // A bundled tip an admin deleted stays deleted.
            if !deleted.contains_key(key.as_bytes())? {
                batch.insert(key.as_bytes(), encode(tip));
            }
        }
        tree.apply_batch(batch)?;
        Ok(())
    }

    /// Every live (non-deleted) article.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn articles(&self) -> Result<Vec<Article>, StoreError> {
        let tree = self.db.open_tree(ARTICLES)?;
        let mut out = Vec::new();
        for item in tree.iter() {
            let (key, value) = item?;
            let stored: StoredArticle = decode(ARTICLES, &key, &value)?;
            if !stored.deleted {
                out.push(stored.article);
            }
        }
        Ok(out)
    }

    /// One stored article record, including tombstones.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn article(&self, slug: &str) -> Result<Option<StoredArticle>, StoreError> {
        get(&self.db.open_tree(ARTICLES)?, ARTICLES, slug.as_bytes())
    }

    /// Saves an admin's new or edited article and flushes it.
    ///
    /// # Errors
    /// Returns a storage error; nothing is reported saved unless this returns `Ok`.
    pub fn save_admin_article(&self, article: &Article) -> Result<(), StoreError> {
        let origin = match self.article(&article.slug)? {
            Some(s) if matches!(s.origin, Origin::Bundled | Origin::BundledEdited) => {
                Origin::BundledEdited
            }
            _ => Origin::Admin,
        };
        let record = StoredArticle {
            article: article.clone(),
            origin,
            deleted: false,
            updated_at: Utc::now(),
        };
        self.db
            .open_tree(ARTICLES)?
            .insert(article.slug.as_bytes(), encode(&record))?;
        self.flush()
    }

    /// Deletes an article as an admin: a tombstone, so the bundled copy does not return.
    /// Returns whether there was a live article to delete.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn delete_article(&self, slug: &str) -> Result<bool, StoreError> {
        let Some(mut stored) = self.article(slug)? else {
            return Ok(false);
        };
        if stored.deleted {
            return Ok(false);
        }
        stored.deleted = true;
        stored.updated_at = Utc::now();
        if stored.origin == Origin::Bundled {
            stored.origin = Origin::BundledEdited;
        }
        self.db
            .open_tree(ARTICLES)?
            .insert(slug.as_bytes(), encode(&stored))?;
        self.flush()?;
        Ok(true)
    }

    /// Every tip with its id.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn tips(&self) -> Result<Vec<(String, Tip)>, StoreError> {
        let tree = self.db.open_tree(TIPS)?;
        tree.iter()
            .map(|item| {
                let (key, value) = item?;
                Ok((
                    String::from_utf8_lossy(&key).into_owned(),
                    decode(TIPS, &key, &value)?,
                ))
            })
            .collect()
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
        self.flush()
    }

    /// Adds one 👍 or 👎 to an article's counts.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_feedback(&self, slug: &str, helpful: bool) -> Result<Feedback, StoreError> {
        let tree = self.db.open_tree(FEEDBACK)?;
        let updated = tree.update_and_fetch(slug.as_bytes(), |old| {
            let mut f: Feedback = old
                .and_then(|v| serde_json::from_slice(v).ok())
                .unwrap_or_default();
            if helpful {
                f.up += 1
            } else {
                f.down += 1
            }
            Some(encode(&f))
        })?;
        self.flush()?;
        Ok(updated
            .and_then(|v| serde_json::from_slice(&v).ok())
            .unwrap_or_default())
    }

    /// Slugs of the articles with the most 👍, best first, at most `n`.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn most_liked(&self, n: usize) -> Result<Vec<String>, StoreError> {
        let tree = self.db.open_tree(FEEDBACK)?;
        let mut liked: Vec<(u64, String)> = Vec::new();
        for item in tree.iter() {
            let (key, value) = item?;
            let f: Feedback = decode(FEEDBACK, &key, &value)?;
            if f.up > f.down {
                liked.push((f.up - f.down, String::from_utf8_lossy(&key).into_owned()));
            }
        }
        liked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(liked.into_iter().take(n).map(|(_, slug)| slug).collect())
    }

    /// An article's feedback counts.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn feedback(&self, slug: &str) -> Result<Feedback, StoreError> {
        Ok(get(&self.db.open_tree(FEEDBACK)?, FEEDBACK, slug.as_bytes())?.unwrap_or_default())
    }

    /// Counts a question no article answered. The text is normalised (lowercase, single
    /// spaces, at most 200 characters) and stored without any user id.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_unanswered(&self, question: &str) -> Result<(), StoreError> {
        let normalised: String = question
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            .chars()
            .take(200)
            .collect();
        if normalised.is_empty() {
            return Ok(());
        }
        let now = Utc::now();
        self.db
            .open_tree(UNANSWERED)?
            .update_and_fetch(normalised.as_bytes(), |old| {
                let mut u: Unanswered = old
                    .and_then(|v| serde_json::from_slice(v).ok())
                    .unwrap_or_else(|| Unanswered {
                        question: normalised.clone(),
                        count: 0,
                        last_asked: now,
                    });
                u.count += 1;
                u.last_asked = now;
                Some(encode(&u))
            })?;
        Ok(())
    }

    /// Unanswered questions, most asked first.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn unanswered(&self) -> Result<Vec<Unanswered>, StoreError> {
        let tree = self.db.open_tree(UNANSWERED)?;
        let mut all = tree
            .iter()
            .map(|item| {
                let (key, value) = item?;
                decode(UNANSWERED, &key, &value)
            })
            .collect::<Result<Vec<Unanswered>, _>>()?;
        all.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_asked.cmp(&a.last_asked)));
        Ok(all)
    }
}

/// Bundled tips are keyed by a hash of their text, so editing `tips.toml` keeps ids stable for
/// the tips that did not change.
fn bundled_tip_key(tip: &Tip) -> String {
    // FNV-1a: tiny, stable across Rust versions (unlike `DefaultHasher`).
    let hash = tip.text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("b{:08x}", hash >> 32)
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
    use crate::search::testutil::article;

    fn bundle() -> Vec<Article> {
        vec![
            article("gout", "Gout", &["toe"], "Gout is joint pain."),
            article("acne", "Acne", &["spots"], "Acne is spots."),
        ]
    }

    #[test]
    fn sync_adds_then_updates_bundled_articles() {
        let store = Store::temporary().unwrap();
        assert_eq!(store.sync_bundle(&bundle(), &[]).unwrap().added, 2);
        let mut changed = bundle();
        changed[0].body = "Gout is a painful joint.".into();
        let report = store.sync_bundle(&changed, &[]).unwrap();
        assert_eq!((report.added, report.updated), (0, 1));
        assert_eq!(
            store.article("gout").unwrap().unwrap().article.body,
            "Gout is a painful joint."
        );
    }

    #[test]
    fn admin_edit_survives_a_later_sync() {
        let store = Store::temporary().unwrap();
        store.sync_bundle(&bundle(), &[]).unwrap();
        let mut edited = bundle()[0].clone();
        edited.body = "Admin wording.".into();
        store.save_admin_article(&edited).unwrap();
        let report = store.sync_bundle(&bundle(), &[]).unwrap();
        assert_eq!(report.kept_admin_changes, 1);
        assert_eq!(
            store.article("gout").unwrap().unwrap().article.body,
            "Admin wording."
        );
    }

    #[test]
    fn admin_deletion_is_not_undone_by_sync() {
        let store = Store::temporary().unwrap();
        store.sync_bundle(&bundle(), &[]).unwrap();
        assert!(store.delete_article("acne").unwrap());
        store.sync_bundle(&bundle(), &[]).unwrap();
        assert!(store.articles().unwrap().iter().all(|a| a.slug != "acne"));
    }

    #[test]
    fn articles_removed_from_content_leave_the_store_but_admin_ones_stay() {
        let store = Store::temporary().unwrap();
        store.sync_bundle(&bundle(), &[]).unwrap();
        store
            .save_admin_article(&article("mine", "Mine", &[], "Admin only."))
            .unwrap();
        let report = store.sync_bundle(&bundle()[..1], &[]).unwrap();
        assert_eq!(report.removed, 1);
        let slugs: Vec<String> = store
            .articles()
            .unwrap()
            .into_iter()
            .map(|a| a.slug)
            .collect();
        assert_eq!(slugs, ["gout", "mine"]);
    }

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
    fn unanswered_questions_are_counted_without_user_ids() {
        let store = Store::temporary().unwrap();
        store
            .record_unanswered("How do I fix a  bike tyre")
            .unwrap();
        store.record_unanswered("how do i fix a bike tyre").unwrap();
        let all = store.unanswered().unwrap();
        assert_eq!((all.len(), all[0].count), (1, 2));
        assert_eq!(all[0].question, "how do i fix a bike tyre");
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
        let seen = crate::tips::rotation::Seen {
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

    #[test]
    fn feedback_accumulates_per_article() {
        let store = Store::temporary().unwrap();
        store.record_feedback("gout", true).unwrap();
        let f = store.record_feedback("gout", false).unwrap();
        assert_eq!(f, Feedback { up: 1, down: 1 });
    }

    #[test]
    fn tips_sync_keeps_stable_ids() {
        let store = Store::temporary().unwrap();
        let tip = Tip {
            text: "Drink water.".into(),
            url: None,
            tags: vec![],
        };
        store.sync_bundle(&[], std::slice::from_ref(&tip)).unwrap();
        let first = store.tips().unwrap();
        store.sync_bundle(&[], &[tip]).unwrap();
        assert_eq!(first, store.tips().unwrap());
    }
}
