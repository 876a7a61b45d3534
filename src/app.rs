//! The app's assembly: opening the store, syncing the bundled content into it, building the
//! search index and the answer engine. The bot and the command line both start from here,
//! and neither imports the other.

use std::path::Path;

use crate::answer::Engine;
use crate::config::Config;
use crate::content::{self, Article};
use crate::safety::Safety;
use crate::search::{Index, Tuning};
use crate::store::Store;

/// The durable store and the engine that answers from it.
pub struct App {
    pub store: Store,
    pub engine: Engine,
}

impl App {
    /// Opens the store, syncs the bundled content into it and builds the engine over it.
    ///
    /// # Errors
    /// Fails if the store is locked or unreadable, or the content folder has problems.
    pub fn open(config: &Config) -> anyhow::Result<Self> {
        let bundle = content::load_dir(&config.content_dir)
            .map_err(|errors| content_errors(&config.content_dir, &errors))?;
        let store = Store::open(&config.data_dir)?;
        let report = store.sync_bundle(&bundle.articles, &bundle.tips)?;
        log::debug!("content sync: {report:?}");
        let articles = store.articles()?;
        let index = Index::build(&articles, bundle.synonyms)?;
        Ok(Self {
            store,
            engine: Engine::new(index, safety(config)),
        })
    }
}

/// An engine over `articles` with explicit ranking knobs and CONTENT_DIR's synonyms (or the
/// bundled ones), for evaluation and experiments. It touches nothing in DATA_DIR.
///
/// # Errors
/// Fails if the synonyms cannot be read or indexing fails.
pub fn engine_over(
    articles: &[Article],
    config: &Config,
    tuning: Tuning,
) -> anyhow::Result<Engine> {
    let synonyms = content::load_synonyms(&config.content_dir)?;
    let index = Index::build_with(articles, synonyms, tuning)?;
    Ok(Engine::new(index, safety(config)))
}

/// The safety checks, worded with the configured emergency number and crisis line.
pub fn safety(config: &Config) -> Safety {
    Safety::new(&config.emergency_number, &config.crisis_line)
}

fn content_errors(dir: &Path, errors: &[content::ContentError]) -> anyhow::Error {
    let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
    anyhow::anyhow!(
        "CONTENT_DIR {} has {} problem(s):\n{}",
        dir.display(),
        errors.len(),
        list.join("\n")
    )
}
