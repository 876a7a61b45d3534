//! The app's assembly: opening the store, syncing the bundled content into it, building the
//! lexical and dense indexes and the answer engine. The bot and the command line both start
//! from here, and neither imports the other.

use std::path::Path;
use std::time::Instant;

use crate::answer::Engine;
use crate::config::Config;
use crate::content::{self, Article, Bundle};
use crate::dense::{DenseIndex, Entry, article_texts};
use crate::encoder::{Encoder, EncoderError, VectorCache};
use crate::ranker::Semantic;
use crate::safety::Safety;
use crate::search::{Index, Tuning};
use crate::store::Store;

/// The vector-cache namespace of the bot's own library.
pub const LIBRARY_NAMESPACE: &str = "library";
/// Where, inside CONTENT_DIR, the bundled library's vectors ship (one file per model), so a
/// fresh machine starts without embedding them. `healthbot embed` rewrites them.
pub const SEED_DIR: &str = "vectors";

/// The durable store and the engine that answers from it.
pub struct App {
    pub store: Store,
    pub engine: Engine,
}

impl App {
    /// Opens the store, syncs the bundled content into it and builds the engine over it.
    ///
    /// # Errors
    /// Fails if the store is locked or unreadable, the content folder has problems, or the
    /// model in `MODEL_DIR` is present but unusable.
    pub fn open(config: &Config) -> anyhow::Result<Self> {
        let bundle = content::load_dir(&config.content_dir)
            .map_err(|errors| content_errors(&config.content_dir, &errors))?;
        let store = Store::open(&config.data_dir)?;
        let report = store.sync_bundle(&bundle.articles, &bundle.tips)?;
        log::debug!("content sync: {report:?}");
        // What admins taught from Telegram joins the bundled phrasings and examples.
        let taught = store.taught()?;
        let mut articles = store.articles()?;
        taught.apply(&mut articles);
        let mut bundle = bundle;
        bundle.off_topic.extend(taught.off_topic_texts());
        let engine = build_engine(
            &articles,
            &bundle,
            config,
            Tuning::default(),
            LIBRARY_NAMESPACE,
        )?;
        Ok(Self { store, engine })
    }
}

/// An engine over `articles` (an external corpus, or the library with other ranking knobs),
/// with CONTENT_DIR's data files. Its vectors are cached under `namespace`. It touches
/// nothing in DATA_DIR.
///
/// # Errors
/// Fails if the content folder's data files are broken, indexing fails, or the model is
/// present but unusable.
pub fn engine_over(
    articles: &[Article],
    config: &Config,
    tuning: Tuning,
    namespace: &str,
) -> anyhow::Result<Engine> {
    let bundle = content::load_dir(&config.content_dir)
        .map_err(|errors| content_errors(&config.content_dir, &errors))?;
    build_engine(articles, &bundle, config, tuning, namespace)
}

fn build_engine(
    articles: &[Article],
    bundle: &Bundle,
    config: &Config,
    tuning: Tuning,
    namespace: &str,
) -> anyhow::Result<Engine> {
    let index = Index::build_with(articles, bundle.synonyms.clone(), tuning)?;
    let engine = Engine::new(index, safety(config, bundle))
        .with_gate(bundle.gate.clone())
        .with_small_talk(bundle.small_talk.clone())
        .with_focus(bundle.intents.clone(), bundle.section_roles.clone())
        .with_categories(bundle.categories.clone())
        .with_numbers(&config.emergency_number, &config.crisis_line);
    Ok(
        match semantic(config, articles, &bundle.off_topic, namespace)? {
            Some(s) => engine.with_semantic(s),
            None => engine,
        },
    )
}

/// Loads the encoder and embeds every article's texts, reading what it can from the cache.
/// `None`, after one warning, when `MODEL_DIR` holds no model.
///
/// # Errors
/// Fails if the model is present but unusable, or encoding fails.
pub fn semantic(
    config: &Config,
    articles: &[Article],
    off_topic: &[String],
    namespace: &str,
) -> anyhow::Result<Option<Semantic>> {
    let started = Instant::now();
    let encoder = match Encoder::load(&config.model_dir) {
        Ok(encoder) => encoder,
        Err(err @ EncoderError::Missing { .. }) => {
            log::warn!(
                "{err}; answering with word matching only (set MODEL_DIR to enable meaning-based matching)"
            );
            return Ok(None);
        }
        Err(err) => return Err(err.into()),
    };
    let mut cache = VectorCache::open(&config.cache_dir, encoder.id(), namespace);
    if namespace == LIBRARY_NAMESPACE {
        cache.seed_from(&seed_path(config, encoder.id()));
    }
    let cached = cache.len();
    let texts: Vec<(usize, crate::dense::TextKind, String)> = articles
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            article_texts(&a.title, &a.tags, a.summary.as_deref(), &a.questions)
                .into_iter()
                .map(move |(kind, text)| (i, kind, text))
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(|(_, _, t)| t.as_str()).collect();
    let vectors = cache.embed(&encoder, &refs)?;
    let count = refs.len();
    let off: Vec<&str> = off_topic.iter().map(String::as_str).collect();
    let off_vectors = cache.embed(&encoder, &off)?;
    if let Err(err) = cache.save() {
        log::warn!(
            "cannot write the vector cache in CACHE_DIR {}: {err}",
            config.cache_dir.display()
        );
    }
    let mut per_article: Vec<Vec<Entry>> = vec![Vec::new(); articles.len()];
    for ((i, kind, text), vector) in texts.into_iter().zip(vectors) {
        per_article[i].push(Entry { kind, text, vector });
    }
    let dense = DenseIndex::new();
    for (article, entries) in articles.iter().zip(per_article) {
        dense.insert(&article.slug, entries);
    }
    dense.set_off_topic(off_topic.iter().cloned().zip(off_vectors).collect());
    log::info!(
        "meaning-based matching ready: {} texts of {} articles ({} embedded now) in {:?}",
        count,
        articles.len(),
        cache.len().saturating_sub(cached),
        started.elapsed()
    );
    Ok(Some(Semantic { encoder, dense }))
}

/// The shipped vectors of the bundled library for the model `model_id`.
pub fn seed_path(config: &Config, model_id: &str) -> std::path::PathBuf {
    config
        .content_dir
        .join(SEED_DIR)
        .join(format!("{model_id}.vec"))
}

/// Every text the dense index holds for `articles` and the off-topic examples: what a seed
/// file must cover.
pub fn texts_to_embed(articles: &[Article], off_topic: &[String]) -> Vec<String> {
    articles
        .iter()
        .flat_map(|a| article_texts(&a.title, &a.tags, a.summary.as_deref(), &a.questions))
        .map(|(_, text)| text)
        .chain(off_topic.iter().cloned())
        .collect()
}

/// The content folder's red-flag rules, worded with the configured emergency number and
/// crisis line.
pub fn safety(config: &Config, bundle: &Bundle) -> Safety {
    Safety::with_rules(
        bundle.red_flags.clone(),
        &config.emergency_number,
        &config.crisis_line,
    )
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
