//! What admins taught the bot from Telegram: which article a phrasing belongs to, and known
//! off-topic examples. Both live in their own trees, apart from the articles, so a sync of the
//! bundled content never drops them; at start-up they are laid over the articles' own
//! phrasings ([`Taught::apply`]) before the indexes are built.
//!
//! A taught phrasing is an override keyed by [`phrasing_key`]: "this phrasing belongs to
//! article X", or "to no article" (a bundled phrasing an admin deleted). Writes go through
//! [`Store::apply_admin_batch`], in one transaction with their audit entry.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{OFF_TOPIC, PHRASINGS, Store, StoreError, decode};
use crate::content::{Article, phrasing_key};

/// One taught phrasing: which article it now belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaughtPhrasing {
    /// The phrasing as taught (masked: no contacts or long numbers).
    pub text: String,
    /// The article it belongs to; `None` when it was taken away from its bundled article.
    pub slug: Option<String>,
    pub at: DateTime<Utc>,
}

/// A known off-topic example taught by an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffTopicExample {
    pub text: String,
    pub at: DateTime<Utc>,
}

/// One change to what the bot was taught, written with [`Store::apply_admin_batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeachChange {
    /// The phrasing belongs to this article (`Some`), or to none (`None`).
    Phrasing { text: String, slug: Option<String> },
    /// Forgets the override for this phrasing: the articles' own phrasings decide again.
    ClearPhrasing(String),
    /// Adds a known off-topic example.
    OffTopic(String),
    /// Forgets a taught off-topic example.
    ClearOffTopic(String),
    /// Marks the review-queue item of this question as done.
    Reviewed(String),
}

/// Everything taught, as read from the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taught {
    /// Overrides, by phrasing key.
    pub phrasings: HashMap<String, TaughtPhrasing>,
    pub off_topic: Vec<OffTopicExample>,
}

impl Taught {
    /// Lays the taught phrasings over `articles`' own: a phrasing taught to another article
    /// (or to none) leaves its old one, and one taught to an article joins it.
    pub fn apply(&self, articles: &mut [Article]) {
        for article in articles.iter_mut() {
            self.apply_one(article);
        }
    }

    /// [`Taught::apply`] for one article.
    pub fn apply_one(&self, article: &mut Article) {
        article.questions.retain(|q| {
            self.phrasings
                .get(&phrasing_key(q))
                .is_none_or(|t| t.slug.as_deref() == Some(article.slug.as_str()))
        });
        let mut taught: Vec<&TaughtPhrasing> = self
            .phrasings
            .values()
            .filter(|t| t.slug.as_deref() == Some(article.slug.as_str()))
            .collect();
        // Oldest first, so lists and exports keep a stable order.
        taught.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.text.cmp(&b.text)));
        for t in taught {
            let key = phrasing_key(&t.text);
            if !article.questions.iter().any(|q| phrasing_key(q) == key) {
                article.questions.push(t.text.clone());
            }
        }
    }

    /// The taught off-topic examples' texts.
    pub fn off_topic_texts(&self) -> Vec<String> {
        self.off_topic.iter().map(|o| o.text.clone()).collect()
    }
}

impl Store {
    /// Everything admins taught: phrasing overrides and off-topic examples.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn taught(&self) -> Result<Taught, StoreError> {
        let mut taught = Taught::default();
        for item in self.db.open_tree(PHRASINGS)?.iter() {
            let (key, value) = item?;
            let phrasing: TaughtPhrasing = decode(PHRASINGS, &key, &value)?;
            taught
                .phrasings
                .insert(String::from_utf8_lossy(&key).into_owned(), phrasing);
        }
        for item in self.db.open_tree(OFF_TOPIC)?.iter() {
            let (key, value) = item?;
            taught.off_topic.push(decode(OFF_TOPIC, &key, &value)?);
        }
        taught
            .off_topic
            .sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.text.cmp(&b.text)));
        Ok(taught)
    }

    /// Every live article with the taught phrasings laid over its own: what the indexes hold.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn articles_as_taught(&self) -> Result<Vec<Article>, StoreError> {
        let mut articles = self.articles()?;
        self.taught()?.apply(&mut articles);
        Ok(articles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::testutil::article;
    use crate::store::AuditEntry;

    fn with_questions(slug: &str, questions: &[&str]) -> Article {
        let mut a = article(slug, slug, &[], "Body.");
        a.questions = questions.iter().map(|q| (*q).to_owned()).collect();
        a
    }

    fn entry() -> AuditEntry {
        AuditEntry {
            at: Utc::now(),
            admin_id: 1,
            admin_name: "Ann".into(),
            action: "teach".into(),
        }
    }

    fn phrasing(text: &str, slug: Option<&str>) -> TeachChange {
        TeachChange::Phrasing {
            text: text.into(),
            slug: slug.map(str::to_owned),
        }
    }

    #[test]
    fn taught_phrasings_join_move_and_leave_articles() {
        let store = Store::temporary().unwrap();
        let changes = [
            phrasing("my toe is on fire", Some("gout")),
            phrasing("Spots on my chin?", Some("gout")),
            phrasing("spots on my chin", Some("acne")),
            phrasing("red bumps", None),
        ];
        store.apply_admin_batch(&[], &changes, &entry()).unwrap();
        let mut articles = [
            with_questions("gout", &["big toe pain"]),
            with_questions("acne", &["red bumps", "pimples"]),
        ];
        store.taught().unwrap().apply(&mut articles);
        assert_eq!(articles[0].questions, ["big toe pain", "my toe is on fire"]);
        assert_eq!(articles[1].questions, ["pimples", "spots on my chin"]);
    }

    #[test]
    fn bundle_sync_keeps_taught_phrasings() {
        let store = Store::temporary().unwrap();
        let bundle = [with_questions("gout", &["big toe pain"])];
        store.sync_bundle(&bundle, &[]).unwrap();
        let changes = [
            phrasing("my toe is on fire", Some("gout")),
            TeachChange::OffTopic("how do i fix my bike".into()),
        ];
        store.apply_admin_batch(&[], &changes, &entry()).unwrap();
        store.sync_bundle(&bundle, &[]).unwrap();
        let gout = store.articles_as_taught().unwrap().remove(0);
        assert_eq!(gout.questions, ["big toe pain", "my toe is on fire"]);
        assert_eq!(
            store.taught().unwrap().off_topic_texts(),
            ["how do i fix my bike"]
        );
        let (log, total) = store.audit_log(0, 1).unwrap();
        assert_eq!((log[0].action.as_str(), total), ("teach", 1));
    }

    #[test]
    fn cleared_overrides_and_examples_are_forgotten() {
        let store = Store::temporary().unwrap();
        let add = [
            phrasing("my toe is on fire", Some("gout")),
            TeachChange::OffTopic("how do i fix my bike".into()),
        ];
        store.apply_admin_batch(&[], &add, &entry()).unwrap();
        let clear = [
            TeachChange::ClearPhrasing("My toe is on fire!".into()),
            TeachChange::ClearOffTopic("How do I fix my bike".into()),
        ];
        store.apply_admin_batch(&[], &clear, &entry()).unwrap();
        assert_eq!(store.taught().unwrap(), Taught::default());
    }
}
