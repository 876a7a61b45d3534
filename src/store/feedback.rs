//! What readers tell us without being identified: 👍/👎 counts per article and the
//! questions no article answered. Neither is linked to a user.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, decode, encode, get};

const FEEDBACK: &str = "feedback.v1";
const UNANSWERED: &str = "unanswered.v1";

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

impl Store {
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

    /// 👍/👎 counts of every article that has any.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn all_feedback(&self) -> Result<Vec<(String, Feedback)>, StoreError> {
        self.db
            .open_tree(FEEDBACK)?
            .iter()
            .map(|item| {
                let (key, value) = item?;
                Ok((
                    String::from_utf8_lossy(&key).into_owned(),
                    decode(FEEDBACK, &key, &value)?,
                ))
            })
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn feedback_accumulates_per_article() {
        let store = Store::temporary().unwrap();
        store.record_feedback("gout", true).unwrap();
        let f = store.record_feedback("gout", false).unwrap();
        assert_eq!(f, Feedback { up: 1, down: 1 });
    }
}
