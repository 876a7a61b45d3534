//! Articles and tips: syncing the bundled library into the store without undoing admin
//! changes, and the admin's own writes. Bundled tips are keyed by a hash of their text.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ARTICLES, Store, StoreError, TIPS, admin, decode, encode, get};
use crate::content::{Article, Tip};

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

/// What a content sync changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Bundled articles left alone because an admin edited or deleted them.
    pub kept_admin_changes: usize,
}

impl Store {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::testutil::article;

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
