//! `healthbot embed`: embeds the bundled library (phrasings, titles, descriptions and the
//! off-topic examples) and writes the vectors into `CONTENT_DIR/vectors/<model id>.vec`, so
//! a fresh machine answers at once instead of embedding thousands of texts first.
//!
//! Run it after editing `content/`; a test fails while the shipped vectors miss a text.

use std::process::ExitCode;

use anyhow::Context;

use crate::app;
use crate::config::Config;
use crate::content;
use crate::encoder::{Encoder, VectorCache};

/// Runs `healthbot embed`.
///
/// # Errors
/// Fails without a model, with a broken content folder, or if the file cannot be written.
pub fn run() -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let bundle = content::load_dir(&config.content_dir).map_err(|e| {
        anyhow::anyhow!("CONTENT_DIR has {} problem(s); run check-content", e.len())
    })?;
    let encoder = Encoder::load(&config.model_dir)?;
    let texts = app::texts_to_embed(&bundle.articles, &bundle.off_topic);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut cache = VectorCache::open(&config.cache_dir, encoder.id(), app::LIBRARY_NAMESPACE);
    let seed = app::seed_path(&config, encoder.id());
    cache.seed_from(&seed);
    cache.embed(&encoder, &refs)?;
    cache
        .write_seed(&seed, &refs)
        .with_context(|| format!("cannot write {}", seed.display()))?;
    if let Err(err) = cache.save() {
        log::warn!("cannot update the vector cache: {err}");
    }
    println!("wrote {} vectors to {}", refs.len(), seed.display());
    Ok(ExitCode::SUCCESS)
}
