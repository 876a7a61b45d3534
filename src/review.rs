//! The admins' review queue (`/review`): questions no article answered and answers readers
//! marked 👎, masked, most frequent first, without the ones already dealt with, each with
//! the articles the engine would suggest for it. Pure data; the Telegram layer formats it.

use std::collections::HashMap;

use crate::answer::Engine;
use crate::content::{MAX_QUESTION_LEN, phrasing_key};
use crate::ranker::RankError;
use crate::store::{Store, StoreError};

/// Most candidate articles offered for one item.
pub const CANDIDATES: usize = 5;

/// Why a question is in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// No article answered it.
    Unanswered,
    /// The answer `disliked` got 👎; the reader may have picked another article.
    ThumbsDown {
        disliked: String,
        picked: Option<String>,
    },
}

/// One question waiting for an admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The question, masked: what would be stored as a phrasing.
    pub question: String,
    /// How often it was asked unanswered, or marked 👎.
    pub count: u64,
    pub reason: Reason,
}

/// The queue, most frequent first; 👎 items first among equals, since a reader told us.
///
/// An item leaves the queue once it is reviewed (attached, off-topic or skipped), or once its
/// question is a taught phrasing or off-topic example anyway.
///
/// # Errors
/// Returns a storage or decoding error.
pub fn queue(store: &Store) -> Result<Vec<Item>, StoreError> {
    let reviewed = store.reviewed()?;
    let taught = store.taught()?;
    let off_topic: Vec<String> = taught
        .off_topic
        .iter()
        .map(|o| phrasing_key(&o.text))
        .collect();
    let done = |key: &str| {
        reviewed.contains_key(key)
            || taught.phrasings.contains_key(key)
            || off_topic.iter().any(|k| k == key)
    };
    let mut items: HashMap<String, Item> = HashMap::new();
    for u in store.unanswered()? {
        let question = mask(&u.question);
        let key = phrasing_key(&question);
        if key.is_empty() || done(&key) {
            continue;
        }
        let item = items.entry(key).or_insert(Item {
            question,
            count: 0,
            reason: Reason::Unanswered,
        });
        item.count += u.count;
    }
    for (key, t) in store.thumbs_down()? {
        if done(&key) {
            continue;
        }
        // The 👎 is what an admin can act on best, so it wins over an unanswered twin.
        items.insert(
            key,
            Item {
                question: t.question,
                count: t.count,
                reason: Reason::ThumbsDown {
                    disliked: t.disliked,
                    picked: t.picked,
                },
            },
        );
    }
    let mut items: Vec<Item> = items.into_values().collect();
    items.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| {
                let thumbs = |i: &Item| matches!(i.reason, Reason::ThumbsDown { .. });
                thumbs(b).cmp(&thumbs(a))
            })
            .then_with(|| a.question.cmp(&b.question))
    });
    Ok(items)
}

/// The articles to offer for `question`: the engine's top suggestions, without `except`
/// (the article a reader already disliked), as (slug, title).
///
/// # Errors
/// Only if the index cannot be read or the encoder fails.
pub fn candidates(
    engine: &Engine,
    question: &str,
    except: Option<&str>,
    limit: usize,
) -> Result<Vec<(String, String)>, RankError> {
    Ok(engine
        .rank(question, limit + 1)?
        .candidates
        .into_iter()
        .filter(|c| Some(c.slug.as_str()) != except)
        .take(limit)
        .map(|c| (c.slug, c.title))
        .collect())
}

/// A question as it may be shown and stored: contacts and long numbers masked, within the
/// phrasing limit.
pub fn mask(question: &str) -> String {
    let masked = crate::library::masked(question);
    match masked.char_indices().nth(MAX_QUESTION_LEN) {
        Some((end, _)) => masked[..end].trim_end().to_owned(),
        None => masked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AuditEntry, TeachChange};

    #[test]
    fn the_queue_puts_frequent_items_first_and_masks_them() {
        let store = Store::temporary().unwrap();
        store.record_unanswered("call me on 07700900123").unwrap();
        for _ in 0..2 {
            store.record_unanswered("how do i fix my bike").unwrap();
        }
        store.record_thumbs_down("my toe hurts", "acne").unwrap();
        store.record_thumbs_down("my toe hurts", "acne").unwrap();
        store.record_pick("my toe hurts", "acne", "gout").unwrap();
        let items = queue(&store).unwrap();
        let questions: Vec<&str> = items.iter().map(|i| i.question.as_str()).collect();
        assert_eq!(
            questions,
            [
                "my toe hurts",
                "how do i fix my bike",
                "call me on [number]"
            ]
        );
        assert_eq!(
            items[0].reason,
            Reason::ThumbsDown {
                disliked: "acne".into(),
                picked: Some("gout".into())
            }
        );
    }

    #[test]
    fn reviewed_and_taught_items_leave_the_queue() {
        let store = Store::temporary().unwrap();
        for q in ["how do i fix my bike", "sore toe", "cheap flights"] {
            store.record_unanswered(q).unwrap();
        }
        store.mark_reviewed("How do I fix my bike?").unwrap();
        let audit = AuditEntry {
            at: chrono::Utc::now(),
            admin_id: 1,
            admin_name: "Ann".into(),
            action: "teach".into(),
        };
        let changes = [
            TeachChange::Phrasing {
                text: "sore toe".into(),
                slug: Some("gout".into()),
            },
            TeachChange::OffTopic("cheap flights".into()),
        ];
        store.apply_admin_batch(&[], &changes, &audit).unwrap();
        assert!(queue(&store).unwrap().is_empty());
    }

    #[test]
    fn a_long_question_is_cut_to_the_phrasing_limit() {
        let long = "ache ".repeat(100);
        assert_eq!(mask(&long).chars().count(), MAX_QUESTION_LEN - 1);
    }
}
