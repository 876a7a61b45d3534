//! The review queue's own state: answered questions kept (masked, without any user id) so a
//! 👎 can say which question it was about, the 👎 items themselves with the reader's pick,
//! which queue items an admin has dealt with, and an admin's "which article?" prompt.
//!
//! Callers mask question text before it reaches these methods; the store never sees who
//! asked.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::{
    ANSWERS, REVIEW_PROMPTS as PROMPTS, REVIEWED, Store, StoreError, THUMBS_DOWN, decode, encode,
    get,
};
use crate::content::phrasing_key;

/// How long a 👎 button under an answer still knows its question.
const ANSWER_TTL_DAYS: i64 = 30;
/// Old answer records removed per new one: enough to keep up, never a long pause.
const SWEEP_PER_INSERT: usize = 4;

/// An answer the bot gave, for its 👎 button: the masked question and the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub question: String,
    pub slug: String,
    /// The other articles offered after a 👎, in button order.
    #[serde(default)]
    pub offered: Vec<String>,
    pub at: DateTime<Utc>,
}

/// A question whose answer got 👎, with the article the reader picked instead, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThumbsDown {
    pub question: String,
    /// The article that was given and disliked.
    pub disliked: String,
    pub picked: Option<String>,
    pub count: u64,
    pub last: DateTime<Utc>,
}

impl Store {
    /// Keeps an answered question (already masked) for its 👎 button and returns the id the
    /// button carries. Not flushed: a crash only makes that button forget its question.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_answer(&self, question: &str, slug: &str) -> Result<u64, StoreError> {
        let tree = self.db.open_tree(ANSWERS)?;
        let now = Utc::now();
        // Ids grow with time, so the oldest records come first.
        for item in tree.iter().take(SWEEP_PER_INSERT) {
            let (key, value) = item?;
            let stale = serde_json::from_slice::<AnswerRecord>(&value)
                .map_or(true, |r| now - r.at > Duration::days(ANSWER_TTL_DAYS));
            if !stale {
                break;
            }
            tree.remove(key)?;
        }
        let id = self.db.generate_id()?;
        let record = AnswerRecord {
            question: question.to_owned(),
            slug: slug.to_owned(),
            offered: Vec::new(),
            at: now,
        };
        tree.insert(id.to_be_bytes(), encode(&record))?;
        Ok(id)
    }

    /// The answer behind a 👎 button, if it is still kept.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn answer_record(&self, id: u64) -> Result<Option<AnswerRecord>, StoreError> {
        get(&self.db.open_tree(ANSWERS)?, ANSWERS, &id.to_be_bytes())
    }

    /// Remembers which articles were offered after a 👎, so a pick can name one by position.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn set_offered(&self, id: u64, record: &AnswerRecord) -> Result<(), StoreError> {
        self.db
            .open_tree(ANSWERS)?
            .insert(id.to_be_bytes(), encode(record))?;
        self.flush()
    }

    /// Counts a 👎 on the answer `disliked` gave to `question` (masked), and flushes.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_thumbs_down(&self, question: &str, disliked: &str) -> Result<(), StoreError> {
        self.update_thumbs_down(question, disliked, |t| t.count += 1)
    }

    /// Records the article a reader picked after a 👎, and flushes.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_pick(
        &self,
        question: &str,
        disliked: &str,
        picked: &str,
    ) -> Result<(), StoreError> {
        self.update_thumbs_down(question, disliked, |t| t.picked = Some(picked.to_owned()))
    }

    fn update_thumbs_down(
        &self,
        question: &str,
        disliked: &str,
        change: impl Fn(&mut ThumbsDown),
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        self.db.open_tree(THUMBS_DOWN)?.update_and_fetch(
            phrasing_key(question).as_bytes(),
            |old| {
                let mut item = old
                    .and_then(|v| serde_json::from_slice::<ThumbsDown>(v).ok())
                    .unwrap_or_else(|| ThumbsDown {
                        question: question.to_owned(),
                        disliked: disliked.to_owned(),
                        picked: None,
                        count: 0,
                        last: now,
                    });
                item.disliked = disliked.to_owned();
                item.last = now;
                change(&mut item);
                Some(encode(&item))
            },
        )?;
        self.flush()
    }

    /// Every 👎 item, keyed by phrasing key.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn thumbs_down(&self) -> Result<Vec<(String, ThumbsDown)>, StoreError> {
        self.db
            .open_tree(THUMBS_DOWN)?
            .iter()
            .map(|item| {
                let (key, value) = item?;
                Ok((
                    String::from_utf8_lossy(&key).into_owned(),
                    decode(THUMBS_DOWN, &key, &value)?,
                ))
            })
            .collect()
    }

    /// When each reviewed queue item (by phrasing key) was dealt with.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn reviewed(&self) -> Result<std::collections::HashMap<String, DateTime<Utc>>, StoreError> {
        self.db
            .open_tree(REVIEWED)?
            .iter()
            .map(|item| {
                let (key, value) = item?;
                Ok((
                    String::from_utf8_lossy(&key).into_owned(),
                    decode(REVIEWED, &key, &value)?,
                ))
            })
            .collect()
    }

    /// Marks a queue item as dealt with without changing the library ("Skip"), and flushes.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn mark_reviewed(&self, question: &str) -> Result<(), StoreError> {
        self.db
            .open_tree(REVIEWED)?
            .insert(phrasing_key(question).as_bytes(), encode(&Utc::now()))?;
        self.flush()
    }

    /// The admin's open "which article?" prompt, if any.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn review_prompt<T: DeserializeOwned>(
        &self,
        admin_id: u64,
    ) -> Result<Option<T>, StoreError> {
        get(
            &self.db.open_tree(PROMPTS)?,
            PROMPTS,
            &admin_id.to_be_bytes(),
        )
    }

    /// Opens (`Some`) or closes (`None`) the admin's "which article?" prompt, and flushes.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn set_review_prompt<T: Serialize>(
        &self,
        admin_id: u64,
        prompt: Option<&T>,
    ) -> Result<(), StoreError> {
        let tree = self.db.open_tree(PROMPTS)?;
        match prompt {
            Some(p) => tree.insert(admin_id.to_be_bytes(), encode(p))?,
            None => tree.remove(admin_id.to_be_bytes())?,
        };
        self.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_record_keeps_its_question_for_the_button() {
        let store = Store::temporary().unwrap();
        let id = store.record_answer("my toe hurts", "gout").unwrap();
        let mut record = store.answer_record(id).unwrap().unwrap();
        assert_eq!(
            (record.question.as_str(), record.slug.as_str()),
            ("my toe hurts", "gout")
        );
        record.offered = vec!["bunions".into()];
        store.set_offered(id, &record).unwrap();
        assert_eq!(
            store.answer_record(id).unwrap().unwrap().offered,
            ["bunions"]
        );
        assert_eq!(store.answer_record(id + 1).unwrap(), None);
    }

    #[test]
    fn thumbs_down_items_count_and_keep_the_pick() {
        let store = Store::temporary().unwrap();
        store.record_thumbs_down("My toe hurts", "gout").unwrap();
        store.record_thumbs_down("my toe hurts!", "gout").unwrap();
        store
            .record_pick("my toe hurts", "gout", "bunions")
            .unwrap();
        let items = store.thumbs_down().unwrap();
        assert_eq!(items.len(), 1);
        let (key, item) = &items[0];
        assert_eq!(key, "my toe hurts");
        assert_eq!((item.count, item.picked.as_deref()), (2, Some("bunions")));
    }

    #[test]
    fn skipped_items_are_remembered_by_their_key() {
        let store = Store::temporary().unwrap();
        store.mark_reviewed("Fix my BIKE?").unwrap();
        assert!(store.reviewed().unwrap().contains_key("fix my bike"));
    }
}
