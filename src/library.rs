//! Curating the article library: add, edit, delete, import and export, keeping the store and
//! the answer engine's indexes (words and meaning) in step.
//!
//! Every change is validated first ([`Article::validate`], unique titles), then written with
//! its audit entry in one flushed store transaction, then put into the index so the very next
//! question finds it. The store is the source of truth: the index is rebuilt from it at start.

mod draft;
mod taught;
mod teach;
mod transfer;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::Utc;

use crate::answer::Engine;
use crate::content::{self, Article, MAX_SLUG_LEN};
use crate::search::SearchError;
use crate::store::{ArticleChange, AuditEntry, Store, StoreError, StoredArticle, TeachChange};

pub use draft::{Draft, FORMAT as DRAFT_FORMAT};
pub use teach::{Lesson, Target, clean_phrasing, masked};
pub use transfer::{Incoming, LineProblem, MAX_IMPORT_BYTES, export_jsonl, parse_import};

/// Admin writes are few and short; serialising them makes "is this title or slug free?" and
/// the write that claims it one step, so two admins cannot claim the same slug at once.
static WRITE_LOCK: Mutex<()> = Mutex::new(());

/// Why a library change was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The input breaks a rule; the text names it and is meant for the admin.
    #[error("{0}")]
    Invalid(String),
    #[error("there is no article with the slug `{0}`")]
    NotFound(String),
    /// An import with problems: nothing was written.
    #[error("{} line(s) have problems; nothing was imported", .0.len())]
    Rejected(Vec<LineProblem>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the search index could not be updated: {0}")]
    Search(#[from] SearchError),
    #[error("the search index could not be updated: {0}")]
    Rank(#[from] crate::ranker::RankError),
}

/// The admin making a change, as the audit log records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: u64,
    pub name: String,
}

impl Actor {
    /// An audit entry for `action` by this admin, stamped now.
    pub fn audit(&self, action: String) -> AuditEntry {
        AuditEntry {
            at: Utc::now(),
            admin_id: self.id,
            admin_name: self.name.clone(),
            action,
        }
    }
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Taught phrasings added or moved.
    pub phrasings: usize,
    /// Off-topic examples added.
    pub off_topic: usize,
}

/// The library as admins see it: a cheap handle over the store and the engine's indexes.
#[derive(Clone)]
pub struct Library {
    store: Store,
    engine: Engine,
}

impl Library {
    /// Wraps the shared store and engine.
    pub fn new(store: Store, engine: Engine) -> Self {
        Self { store, engine }
    }

    /// Adds a new article; its slug comes from the title, with a numeric suffix on a clash.
    ///
    /// # Errors
    /// [`LibraryError::Invalid`] for bad input (nothing is stored), or a storage error.
    pub fn add(&self, draft: Draft, by: &Actor) -> Result<Article, LibraryError> {
        let _guard = lock();
        let live = self.live()?;
        check_title_free(&live, &draft.title, None)?;
        let slug = unique_slug(&draft.title, |s| live.contains_key(s));
        let mut article = draft.into_article(slug);
        article.category = self.category(article.category.as_deref())?;
        article.validate().map_err(LibraryError::Invalid)?;
        self.write(
            vec![article.clone()],
            vec![],
            vec![],
            by,
            format!("add {}", article.slug),
        )?;
        Ok(article)
    }

    /// Replaces an article's title, url, tags and body (and its category, when the draft
    /// names one), keeping its slug and sources.
    ///
    /// # Errors
    /// [`LibraryError::NotFound`], [`LibraryError::Invalid`], or a storage error.
    pub fn edit(&self, slug: &str, draft: Draft, by: &Actor) -> Result<Article, LibraryError> {
        let _guard = lock();
        let live = self.live()?;
        let old = live
            .get(slug)
            .ok_or_else(|| LibraryError::NotFound(slug.to_owned()))?;
        check_title_free(&live, &draft.title, Some(slug))?;
        let mut article = draft.into_article(slug.to_owned());
        // An edit replaces what the form carries; its sources, what kind it is and the
        // questions it answers stay, and so does its category unless the form names one.
        article.sources.clone_from(&old.sources);
        article.category = match self.category(article.category.as_deref())? {
            Some(id) => Some(id),
            None => old.category.clone(),
        };
        article.kind = old.kind;
        article.questions.clone_from(&old.questions);
        article.role.clone_from(&old.role);
        // A hand-written summary describes the old body; keep it only if the body is the same.
        if article.body == old.body {
            article.summary.clone_from(&old.summary);
        }
        article.reviewed = Some(Utc::now().date_naive());
        article.validate().map_err(LibraryError::Invalid)?;
        self.write(
            vec![article.clone()],
            vec![],
            vec![],
            by,
            format!("edit {slug}"),
        )?;
        Ok(article)
    }

    /// Deletes an article (a tombstone, so a bundled copy does not return on restart).
    ///
    /// # Errors
    /// [`LibraryError::NotFound`] or a storage error.
    pub fn delete(&self, slug: &str, by: &Actor) -> Result<Article, LibraryError> {
        let _guard = lock();
        let article = self
            .live()?
            .remove(slug)
            .ok_or_else(|| LibraryError::NotFound(slug.to_owned()))?;
        self.write(
            vec![],
            vec![slug.to_owned()],
            vec![],
            by,
            format!("delete {slug}"),
        )?;
        Ok(article)
    }

    /// One stored article, with its provenance; `None` for unknown or deleted slugs.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn get(&self, slug: &str) -> Result<Option<StoredArticle>, LibraryError> {
        Ok(self.store.article(slug)?.filter(|s| !s.deleted))
    }

    /// Live articles sorted by title, optionally only those carrying `tag`.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn list(&self, tag: Option<&str>) -> Result<Vec<Article>, LibraryError> {
        let tag = tag.map(str::to_lowercase);
        let mut articles: Vec<Article> = self
            .store
            .articles()?
            .into_iter()
            .filter(|a| tag.as_ref().is_none_or(|t| a.tags.contains(t)))
            .collect();
        articles.sort_by_cached_key(|a| a.title.to_lowercase());
        Ok(articles)
    }

    /// Imports a `.jsonl` or `.md` file all or nothing: every record is checked first and any
    /// problem rejects the whole file, with every problem listed by line.
    ///
    /// # Errors
    /// [`LibraryError::Rejected`] with each bad line, or a storage error.
    pub fn import(
        &self,
        file_name: &str,
        bytes: &[u8],
        by: &Actor,
    ) -> Result<ImportReport, LibraryError> {
        let (parsed, mut problems) = transfer::parse_lenient(file_name, bytes);
        let _guard = lock();
        let live = self.live()?;
        let plan = transfer::plan(&live, parsed.articles, self.engine.categories()).unwrap_or_else(
            |more| {
                problems.extend(more);
                Vec::new()
            },
        );
        // Taught lines may name articles the same file adds.
        let slugs: HashSet<String> = live
            .keys()
            .cloned()
            .chain(plan.iter().map(|a| a.slug.clone()))
            .collect();
        let taught =
            taught::plan(parsed.taught, &slugs, &self.store.taught()?).unwrap_or_else(|more| {
                problems.extend(more);
                taught::TaughtPlan::default()
            });
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            return Err(LibraryError::Rejected(problems));
        }
        let mut report = ImportReport {
            phrasings: taught.phrasings,
            off_topic: taught.off_topic,
            ..ImportReport::default()
        };
        let mut changed = Vec::new();
        for article in plan {
            match live.get(&article.slug) {
                Some(old) if *old == article => report.unchanged += 1,
                Some(_) => report.updated += 1,
                None => report.added += 1,
            }
            if live.get(&article.slug) != Some(&article) {
                changed.push(article);
            }
        }
        if !changed.is_empty() || !taught.changes.is_empty() {
            let action = format!(
                "import {file_name}: {} added, {} updated, {} phrasings, {} off-topic",
                report.added, report.updated, report.phrasings, report.off_topic
            );
            self.write(changed, vec![], taught.changes, by, action)?;
        }
        Ok(report)
    }

    /// The whole live library as `.jsonl`, one article a line, sorted by slug, then what
    /// admins taught (phrasings and off-topic examples); `/import` loads it back unchanged.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn export(&self) -> Result<Vec<u8>, LibraryError> {
        let mut articles = self.store.articles()?;
        articles.sort_by(|a, b| a.slug.cmp(&b.slug));
        let mut out = export_jsonl(&articles);
        out.extend(taught::export(&self.store.taught()?));
        Ok(out)
    }

    /// The id of the category an admin typed (an id or a name, in any case).
    ///
    /// # Errors
    /// [`LibraryError::Invalid`] naming the known ids, for a category not in the list.
    fn category(&self, typed: Option<&str>) -> Result<Option<String>, LibraryError> {
        let Some(typed) = typed else {
            return Ok(None);
        };
        let categories = self.engine.categories();
        match categories.find(typed) {
            Some(c) => Ok(Some(c.id.clone())),
            None => Err(LibraryError::Invalid(
                categories.check(Some(typed)).err().unwrap_or_default(),
            )),
        }
    }

    fn live(&self) -> Result<HashMap<String, Article>, StoreError> {
        Ok(self
            .store
            .articles()?
            .into_iter()
            .map(|a| (a.slug.clone(), a))
            .collect())
    }

    /// Stores the changes with their audit entry (flushed), then updates both indexes.
    fn write(
        &self,
        upserts: Vec<Article>,
        deletes: Vec<String>,
        taught: Vec<TeachChange>,
        by: &Actor,
        action: String,
    ) -> Result<(), LibraryError> {
        let changes: Vec<ArticleChange> = upserts
            .into_iter()
            .map(ArticleChange::Upsert)
            .chain(deletes.into_iter().map(ArticleChange::Delete))
            .collect();
        let before = self.indexed()?;
        self.store
            .apply_admin_batch(&changes, &taught, &by.audit(action))?;
        self.reindex(&before)
    }
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    // The guarded data is `()`, so a panic elsewhere cannot have left it inconsistent.
    WRITE_LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Refuses a title another live article (other than `except`) already uses.
fn check_title_free(
    live: &HashMap<String, Article>,
    title: &str,
    except: Option<&str>,
) -> Result<(), LibraryError> {
    let wanted = title.trim().to_lowercase();
    match live
        .values()
        .find(|a| Some(a.slug.as_str()) != except && a.title.trim().to_lowercase() == wanted)
    {
        Some(other) => Err(LibraryError::Invalid(format!(
            "an article titled \"{}\" already exists (slug `{}`); use /edit {} to change it",
            other.title, other.slug, other.slug
        ))),
        None => Ok(()),
    }
}

/// The slug for `title`, with `-2`, `-3`, … appended while `taken` says it is in use.
pub fn unique_slug(title: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = match content::slugify(title) {
        s if s.is_empty() => "article".to_owned(),
        s => s,
    };
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let mut stem = base.clone();
            stem.truncate(MAX_SLUG_LEN - suffix.len());
            format!("{}{suffix}", stem.trim_end_matches('-'))
        })
        .find(|s| !taken(s))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests;
