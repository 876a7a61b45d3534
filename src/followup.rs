//! Follow-up questions: the article each chat was last given, kept in memory for
//! [`FOLLOW_UP_TTL`] so that "how long does it last?" right after an answer about sunburn is
//! answered about sunburn. Nothing is written to disk; `/forget` clears a chat's entry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

/// How long after an answer a question without a topic is taken as a follow-up to it.
pub const FOLLOW_UP_TTL: Duration = Duration::minutes(15);
/// Most chats remembered at once; past it, the oldest entry makes room.
pub const MAX_CHATS: usize = 10_000;

/// What a chat was last given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Last {
    pub slug: String,
    at: DateTime<Utc>,
    /// The last question answered as a follow-up, for "Not this one" to answer afresh.
    pub follow_up: Option<String>,
}

/// The last article given in each chat: bounded, expiring, in memory only. A cheap `Clone`
/// handle over shared state.
#[derive(Debug, Clone)]
pub struct Recent {
    chats: Arc<Mutex<HashMap<i64, Last>>>,
    capacity: usize,
}

impl Default for Recent {
    fn default() -> Self {
        Self::new(MAX_CHATS)
    }
}

impl Recent {
    /// An empty memory of at most `capacity` chats.
    pub fn new(capacity: usize) -> Self {
        Self {
            chats: Arc::default(),
            capacity: capacity.max(1),
        }
    }

    /// Records that `chat` was given the article `slug` at `now`.
    pub fn remember(&self, chat: i64, slug: &str, now: DateTime<Utc>) {
        let mut chats = self.lock();
        if !chats.contains_key(&chat) && chats.len() >= self.capacity {
            chats.retain(|_, last| now - last.at <= FOLLOW_UP_TTL);
            if chats.len() >= self.capacity
                && let Some(oldest) = chats.iter().min_by_key(|(_, l)| l.at).map(|(c, _)| *c)
            {
                chats.remove(&oldest);
            }
        }
        chats.insert(
            chat,
            Last {
                slug: slug.to_owned(),
                at: now,
                follow_up: None,
            },
        );
    }

    /// The article `chat` was last given, if that was within [`FOLLOW_UP_TTL`] of `now`.
    pub fn recall(&self, chat: i64, now: DateTime<Utc>) -> Option<Last> {
        let mut chats = self.lock();
        match chats.get(&chat) {
            Some(last) if now - last.at <= FOLLOW_UP_TTL => Some(last.clone()),
            Some(_) => {
                chats.remove(&chat);
                None
            }
            None => None,
        }
    }

    /// Notes the question just answered as a follow-up in `chat`, so "Not this one" can
    /// answer it afresh. The article and its time stay as they were.
    pub fn note_follow_up(&self, chat: i64, question: &str) {
        if let Some(last) = self.lock().get_mut(&chat) {
            last.follow_up = Some(question.to_owned());
        }
    }

    /// Takes the question last answered as a follow-up in `chat`, if any.
    pub fn take_follow_up(&self, chat: i64) -> Option<String> {
        self.lock().get_mut(&chat).and_then(|l| l.follow_up.take())
    }

    /// Forgets everything about `chat`.
    pub fn forget(&self, chat: i64) {
        self.lock().remove(&chat);
    }

    /// How many chats are remembered.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no chat is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Last>> {
        // A panic while holding the lock leaves a map that is still whole.
        self.chats
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minutes)
    }

    #[test]
    fn the_last_article_is_recalled_until_it_expires() {
        let recent = Recent::default();
        recent.remember(1, "sunburn", at(0));
        assert_eq!(recent.recall(1, at(15)).unwrap().slug, "sunburn");
        assert!(recent.recall(1, at(16)).is_none());
        assert!(recent.is_empty(), "an expired entry is dropped");
        assert!(recent.recall(2, at(0)).is_none());
    }

    #[test]
    fn a_newer_answer_replaces_the_older_one() {
        let recent = Recent::default();
        recent.remember(1, "sunburn", at(0));
        recent.remember(1, "hiccups", at(5));
        assert_eq!(recent.recall(1, at(19)).unwrap().slug, "hiccups");
    }

    #[test]
    fn memory_is_bounded_by_dropping_the_oldest_chat() {
        let recent = Recent::new(2);
        recent.remember(1, "a", at(0));
        recent.remember(2, "b", at(1));
        recent.remember(3, "c", at(2));
        assert_eq!(recent.len(), 2);
        assert!(recent.recall(1, at(2)).is_none());
        assert!(recent.recall(3, at(2)).is_some());
    }

    #[test]
    fn forget_clears_the_chat() {
        let recent = Recent::default();
        recent.remember(1, "sunburn", at(0));
        recent.note_follow_up(1, "how long does it last");
        assert_eq!(
            recent.take_follow_up(1).as_deref(),
            Some("how long does it last")
        );
        assert_eq!(recent.take_follow_up(1), None, "taken once");
        recent.forget(1);
        assert!(recent.recall(1, at(0)).is_none());
    }
}
