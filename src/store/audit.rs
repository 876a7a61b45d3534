//! The admin audit log (who changed what, when) and the admin writes it records: every
//! library change is written in one sled transaction together with its audit entry, so the
//! log can never miss a change or describe one that did not happen. Taught phrasings and
//! off-topic examples ride in the same transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::phrasings::{OffTopicExample, TaughtPhrasing, TeachChange};
use super::{
    ARTICLES, OFF_TOPIC, Origin, PHRASINGS, REVIEWED, Store, StoreError, StoredArticle, decode,
    encode,
};
use crate::content::{Article, phrasing_key};

const AUDIT: &str = "audit.v1";

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// The admin's numeric Telegram id.
    pub admin_id: u64,
    /// The admin's name as Telegram showed it at the time, for readability only.
    pub admin_name: String,
    /// What happened, e.g. `add gout` or `import 12 added, 3 updated`.
    pub action: String,
}

/// One change to the article library.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "changes are made a few at a time by admins; boxing would only add an allocation"
)]
pub enum ArticleChange {
    /// Create or replace an article (keyed by its slug).
    Upsert(Article),
    /// Tombstone the article with this slug.
    Delete(String),
}

impl Store {
    /// Applies library changes and their audit entry atomically, then flushes.
    ///
    /// Bundled articles an admin touches become [`Origin::BundledEdited`], so a later content
    /// sync leaves them alone; deletions leave tombstones for the same reason.
    ///
    /// # Errors
    /// Returns a storage error; then nothing at all was written.
    pub fn apply_admin_changes(
        &self,
        changes: &[ArticleChange],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.apply_admin_batch(changes, &[], audit)
    }

    /// Applies article changes, taught phrasings and off-topic examples, and their audit entry
    /// in one transaction, then flushes.
    ///
    /// # Errors
    /// Returns a storage error; then nothing at all was written.
    pub fn apply_admin_batch(
        &self,
        changes: &[ArticleChange],
        taught: &[TeachChange],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let articles = self.db.open_tree(ARTICLES)?;
        let log = self.db.open_tree(AUDIT)?;
        let phrasings = self.db.open_tree(PHRASINGS)?;
        let off_topic = self.db.open_tree(OFF_TOPIC)?;
        let reviewed = self.db.open_tree(REVIEWED)?;
        let audit_key = self.db.generate_id()?.to_be_bytes();
        let now = Utc::now();
        (&articles, &log, &phrasings, &off_topic, &reviewed)
            .transaction(|(articles, log, phrasings, off_topic, reviewed)| {
                for change in changes {
                    let slug = match change {
                        ArticleChange::Upsert(a) => a.slug.as_str(),
                        ArticleChange::Delete(slug) => slug.as_str(),
                    };
                    let previous = match articles.get(slug.as_bytes())? {
                        Some(v) => Some(
                            decode::<StoredArticle>(ARTICLES, slug.as_bytes(), &v)
                                .map_err(ConflictableTransactionError::Abort)?,
                        ),
                        None => None,
                    };
                    if let Some(record) = admin_record(previous, change, now) {
                        articles.insert(slug.as_bytes(), encode(&record))?;
                    }
                }
                for change in taught {
                    match change {
                        TeachChange::Phrasing { text, slug } => {
                            let record = TaughtPhrasing {
                                text: text.clone(),
                                slug: slug.clone(),
                                at: now,
                            };
                            phrasings.insert(phrasing_key(text).as_bytes(), encode(&record))?;
                        }
                        TeachChange::ClearPhrasing(text) => {
                            phrasings.remove(phrasing_key(text).as_bytes())?;
                        }
                        TeachChange::OffTopic(text) => {
                            let record = OffTopicExample {
                                text: text.clone(),
                                at: now,
                            };
                            off_topic.insert(phrasing_key(text).as_bytes(), encode(&record))?;
                        }
                        TeachChange::ClearOffTopic(text) => {
                            off_topic.remove(phrasing_key(text).as_bytes())?;
                        }
                        TeachChange::Reviewed(question) => {
                            reviewed.insert(phrasing_key(question).as_bytes(), encode(&now))?;
                        }
                    }
                }
                log.insert(&audit_key, encode(audit))?;
                Ok(())
            })
            .map_err(|e| match e {
                TransactionError::Abort(e) => e,
                TransactionError::Storage(e) => StoreError::Sled(e),
            })?;
        self.flush()
    }

    /// Appends an audit entry that goes with no article change (tips, broadcasts) and flushes.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_audit(&self, audit: &AuditEntry) -> Result<(), StoreError> {
        let key = self.db.generate_id()?.to_be_bytes();
        self.db.open_tree(AUDIT)?.insert(key, encode(audit))?;
        self.flush()
    }

    /// Audit entries, newest first: `limit` of them after skipping `skip`, plus the total.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn audit_log(
        &self,
        skip: usize,
        limit: usize,
    ) -> Result<(Vec<AuditEntry>, usize), StoreError> {
        let tree = self.db.open_tree(AUDIT)?;
        let entries = tree
            .iter()
            .rev()
            .skip(skip)
            .take(limit)
            .map(|item| {
                let (key, value) = item?;
                decode(AUDIT, &key, &value)
            })
            .collect::<Result<_, _>>()?;
        Ok((entries, tree.len()))
    }
}

/// The record an admin change leaves, or `None` when deleting something already gone.
fn admin_record(
    previous: Option<StoredArticle>,
    change: &ArticleChange,
    now: DateTime<Utc>,
) -> Option<StoredArticle> {
    let bundled = previous
        .as_ref()
        .is_some_and(|p| matches!(p.origin, Origin::Bundled | Origin::BundledEdited));
    let origin = if bundled {
        Origin::BundledEdited
    } else {
        Origin::Admin
    };
    match change {
        ArticleChange::Upsert(article) => Some(StoredArticle {
            article: article.clone(),
            origin,
            deleted: false,
            updated_at: now,
        }),
        ArticleChange::Delete(_) => previous.map(|p| StoredArticle {
            origin,
            deleted: true,
            updated_at: now,
            ..p
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::testutil::article;

    fn entry(action: &str) -> AuditEntry {
        AuditEntry {
            at: Utc::now(),
            admin_id: 1,
            admin_name: "Ann".into(),
            action: action.into(),
        }
    }

    #[test]
    fn changes_and_their_audit_entry_are_written_together() {
        let store = Store::temporary().unwrap();
        store
            .sync_bundle(&[article("gout", "Gout", &[], "Gout.")], &[])
            .unwrap();
        let changes = [
            ArticleChange::Upsert(article("mine", "Mine", &[], "Body.")),
            ArticleChange::Delete("gout".into()),
        ];
        store
            .apply_admin_changes(&changes, &entry("two changes"))
            .unwrap();
        let slugs: Vec<String> = store
            .articles()
            .unwrap()
            .into_iter()
            .map(|a| a.slug)
            .collect();
        assert_eq!(slugs, ["mine"]);
        let gout = store.article("gout").unwrap().unwrap();
        assert!(gout.deleted);
        assert_eq!(gout.origin, Origin::BundledEdited);
        assert_eq!(
            store.article("mine").unwrap().unwrap().origin,
            Origin::Admin
        );
        let (log, total) = store.audit_log(0, 10).unwrap();
        assert_eq!((log[0].action.as_str(), total), ("two changes", 1));
    }

    #[test]
    fn audit_log_pages_newest_first() {
        let store = Store::temporary().unwrap();
        for i in 0..5 {
            store.record_audit(&entry(&format!("change {i}"))).unwrap();
        }
        let (page, total) = store.audit_log(1, 2).unwrap();
        let actions: Vec<&str> = page.iter().map(|e| e.action.as_str()).collect();
        assert_eq!((actions, total), (vec!["change 3", "change 2"], 5));
    }
}
