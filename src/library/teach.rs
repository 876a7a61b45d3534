//! Teaching the engine from Telegram: attaching a question to an article as a phrasing,
//! recording one as a known off-topic example, taking a phrasing away again, and keeping
//! both indexes in step with what is taught.
//!
//! Like every admin change, a lesson is validated, written with its audit entry in one
//! flushed transaction, and only then put into the indexes, so the very next question uses
//! it and a crash can never leave a lesson half-written.

use std::collections::{HashMap, HashSet};

use super::{Actor, Library, LibraryError, lock};
use crate::content::{Article, phrasing_key, validate_phrasing};
use crate::stats::anonymise;
use crate::store::{StoreError, TeachChange};

/// Where a question is taught to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// It is a phrasing of the article with this slug.
    Article(&'a str),
    /// It is a known off-topic example: questions like it are not answered.
    OffTopic,
}

/// What a lesson did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lesson {
    /// Written: the phrasing as stored (masked) and, for an article, its phrasing count.
    Done {
        phrasing: String,
        slug: Option<String>,
        count: usize,
    },
    /// Not written: the phrasing already belongs to `owner` (a slug, or `None` for
    /// off-topic); teaching it again with `allow_move` moves it.
    Owned {
        phrasing: String,
        owner: Option<String>,
    },
}

/// The phrasing stored for a question: single spaces, contacts and long numbers masked.
///
/// # Errors
/// Explains why it cannot be a phrasing (empty, no words, over 200 characters).
pub fn clean_phrasing(question: &str) -> Result<String, String> {
    let text = masked(question);
    validate_phrasing(&text).map_err(|reason| reason.replace("a `questions` entry", "the text"))?;
    if phrasing_key(&text).is_empty() {
        return Err(format!("{text:?} has no words"));
    }
    Ok(text)
}

/// A question with single spaces and contacts and long numbers masked.
pub fn masked(question: &str) -> String {
    anonymise(&question.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// What the indexes hold: each live article with its taught phrasings, and the taught
/// off-topic examples by key.
pub(super) struct Indexed {
    articles: HashMap<String, Article>,
    off_topic: HashMap<String, String>,
}

impl Library {
    /// Teaches `question` as a phrasing of an article or as off-topic, and marks its review
    /// item done. A phrasing that already belongs elsewhere is only moved with `allow_move`.
    ///
    /// # Errors
    /// [`LibraryError::Invalid`] for a bad phrasing, [`LibraryError::NotFound`] for an
    /// unknown slug, or a storage or index error.
    pub fn teach(
        &self,
        question: &str,
        target: Target<'_>,
        allow_move: bool,
        by: &Actor,
    ) -> Result<Lesson, LibraryError> {
        let phrasing = clean_phrasing(question).map_err(LibraryError::Invalid)?;
        let key = phrasing_key(&phrasing);
        let _guard = lock();
        let now = self.indexed()?;
        if let Target::Article(slug) = target
            && !now.articles.contains_key(slug)
        {
            return Err(LibraryError::NotFound(slug.to_owned()));
        }
        let owner = now.owner(&key);
        let wanted = match target {
            Target::Article(slug) => Some(slug.to_owned()),
            Target::OffTopic => None,
        };
        let known_off_topic = now.off_topic.contains_key(&key);
        let already = match &wanted {
            Some(_) => owner == wanted,
            None => known_off_topic && owner.is_none(),
        };
        let elsewhere = !already && (owner.is_some() || known_off_topic);
        if elsewhere && !allow_move {
            return Ok(Lesson::Owned { phrasing, owner });
        }
        let mut changes = vec![TeachChange::Reviewed(phrasing.clone())];
        if !already {
            if known_off_topic {
                changes.push(TeachChange::ClearOffTopic(phrasing.clone()));
            }
            changes.push(match &wanted {
                Some(slug) => TeachChange::Phrasing {
                    text: phrasing.clone(),
                    slug: Some(slug.clone()),
                },
                // Off-topic: a phrasing of an article leaves it first.
                None if owner.is_some() => TeachChange::Phrasing {
                    text: phrasing.clone(),
                    slug: None,
                },
                None => TeachChange::OffTopic(phrasing.clone()),
            });
            if wanted.is_none() && owner.is_some() {
                changes.push(TeachChange::OffTopic(phrasing.clone()));
            }
        }
        let action = match &wanted {
            Some(slug) => format!("teach {slug}: {phrasing}"),
            None => format!("teach off-topic: {phrasing}"),
        };
        self.write(vec![], vec![], changes, by, action)?;
        let count = match &wanted {
            Some(slug) => self.phrasings(slug)?.len(),
            None => 0,
        };
        Ok(Lesson::Done {
            phrasing,
            slug: wanted,
            count,
        })
    }

    /// Takes the phrasing with key `key` away from article `slug` (a taught one, or one the
    /// article ships with). Returns the phrasing removed, or `None` if the article has none
    /// with that key.
    ///
    /// # Errors
    /// [`LibraryError::NotFound`] for an unknown slug, or a storage or index error.
    pub fn untaught(
        &self,
        slug: &str,
        key: &str,
        by: &Actor,
    ) -> Result<Option<String>, LibraryError> {
        let _guard = lock();
        let article = self
            .store
            .article(slug)?
            .filter(|s| !s.deleted)
            .ok_or_else(|| LibraryError::NotFound(slug.to_owned()))?
            .article;
        let Some(phrasing) = self
            .indexed()?
            .articles
            .get(slug)
            .and_then(|a| a.questions.iter().find(|q| phrasing_key(q) == key).cloned())
        else {
            return Ok(None);
        };
        // A phrasing the article ships with needs an override to stay away after a sync.
        let own = article.questions.iter().any(|q| phrasing_key(q) == key);
        let change = if own {
            TeachChange::Phrasing {
                text: phrasing.clone(),
                slug: None,
            }
        } else {
            TeachChange::ClearPhrasing(phrasing.clone())
        };
        let action = format!("remove phrasing from {slug}: {phrasing}");
        self.write(vec![], vec![], vec![change], by, action)?;
        Ok(Some(phrasing))
    }

    /// An article's phrasings as the engine sees them: its own, then the taught ones.
    ///
    /// # Errors
    /// [`LibraryError::NotFound`] for an unknown slug, or a storage error.
    pub fn phrasings(&self, slug: &str) -> Result<Vec<String>, LibraryError> {
        let mut article = self
            .store
            .article(slug)?
            .filter(|s| !s.deleted)
            .ok_or_else(|| LibraryError::NotFound(slug.to_owned()))?
            .article;
        self.store.taught()?.apply_one(&mut article);
        Ok(article.questions)
    }

    /// A snapshot of what the indexes should hold, read from the store.
    pub(super) fn indexed(&self) -> Result<Indexed, StoreError> {
        let taught = self.store.taught()?;
        let mut articles = self.store.articles()?;
        taught.apply(&mut articles);
        Ok(Indexed {
            articles: articles.into_iter().map(|a| (a.slug.clone(), a)).collect(),
            off_topic: taught
                .off_topic
                .into_iter()
                .map(|o| (phrasing_key(&o.text), o.text))
                .collect(),
        })
    }

    /// Brings both indexes from `before` to what the store holds now: changed articles are
    /// indexed again, deleted ones removed, off-topic examples added or dropped.
    pub(super) fn reindex(&self, before: &Indexed) -> Result<(), LibraryError> {
        let after = self.indexed()?;
        for (slug, article) in &after.articles {
            if before.articles.get(slug) != Some(article) {
                self.engine.upsert(article)?;
            }
        }
        for slug in before.articles.keys() {
            if !after.articles.contains_key(slug) {
                self.engine.remove(slug)?;
            }
        }
        let gone: HashSet<&String> = before
            .off_topic
            .iter()
            .filter(|(key, _)| !after.off_topic.contains_key(*key))
            .map(|(_, text)| text)
            .collect();
        if !gone.is_empty() {
            self.engine
                .remove_off_topic(|text| gone.contains(&text.to_owned()));
        }
        for (key, text) in &after.off_topic {
            if !before.off_topic.contains_key(key) {
                self.engine.add_off_topic(text)?;
            }
        }
        Ok(())
    }
}

impl Indexed {
    /// The article a phrasing (by key) belongs to now, if any.
    fn owner(&self, key: &str) -> Option<String> {
        let mut owners: Vec<&String> = self
            .articles
            .values()
            .filter(|a| a.questions.iter().any(|q| phrasing_key(q) == key))
            .map(|a| &a.slug)
            .collect();
        // Bundled content may give two articles the same phrasing; name one, always the same.
        owners.sort();
        owners.first().map(|s| (*s).clone())
    }
}

#[cfg(test)]
mod tests;
