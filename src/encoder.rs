//! The sentence encoder: all-MiniLM-L6-v2, a 6-layer BERT, run on the CPU with candle.
//!
//! It turns a question, a phrasing or an article into a 384-dimensional unit vector, so that
//! texts that mean the same thing ("it burns when I pee", "urinary tract infection") land
//! close together even when they share no word. The output matches sentence-transformers:
//! word pieces truncated at [`MAX_TOKENS`] (the model's `max_seq_length`, not the 128 in the
//! packaged `tokenizer.json`), mean pooling over the attention mask, then L2 normalisation.
//!
//! Encoding is CPU work of several milliseconds: callers on an async runtime run it in
//! `spawn_blocking`. The model files live in `MODEL_DIR`; see `models/*/README.md`.

mod cache;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config as BertConfig};
use tokenizers::Tokenizer;

pub use cache::{TextKey, VectorCache};

/// Length of every sentence vector.
pub const DIM: usize = 384;
/// Longest input in word pieces, special tokens included; longer inputs are truncated, as
/// sentence-transformers does with this model's `max_seq_length`.
pub const MAX_TOKENS: usize = 256;
/// Texts encoded together in one forward pass when embedding many at once. Texts are sorted by
/// length first, so padding stays small.
pub const BATCH: usize = 32;

/// The files a model folder must hold.
const WEIGHTS: &str = "model.safetensors";
const CONFIG: &str = "config.json";
const TOKENIZER: &str = "tokenizer.json";

/// A unit-length sentence vector.
pub type Vector = Box<[f32]>;

/// Why the encoder could not be loaded or could not encode.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    /// The folder lacks a model file; the bot then runs on lexical matching alone.
    #[error("no sentence-encoder model in MODEL_DIR {}: {} is missing", .dir.display(), .file)]
    Missing { dir: PathBuf, file: &'static str },
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the tokenizer in {} is unusable: {message}", .path.display())]
    Tokenizer { path: PathBuf, message: String },
    #[error("the model in {} is unusable: {source}", .dir.display())]
    Model {
        dir: PathBuf,
        source: candle_core::Error,
    },
    #[error("sentence encoding failed: {0}")]
    Encode(String),
}

impl From<candle_core::Error> for EncoderError {
    fn from(err: candle_core::Error) -> Self {
        Self::Encode(err.to_string())
    }
}

/// A loaded sentence encoder: a cheap `Clone` handle, safe to share between threads.
#[derive(Clone)]
pub struct Encoder {
    inner: Arc<Inner>,
    /// Vectors of texts encoded ahead of time (see [`Encoder::knowing`]), looked up before
    /// running the model.
    known: Arc<std::collections::HashMap<TextKey, Vector>>,
}

struct Inner {
    model: BertModel,
    tokenizer: Tokenizer,
    id: String,
}

impl Encoder {
    /// Loads the model in `dir` (`model.safetensors`, `config.json`, `tokenizer.json`).
    ///
    /// # Errors
    /// [`EncoderError::Missing`] when a file is absent, otherwise why a file is unusable.
    pub fn load(dir: &Path) -> Result<Self, EncoderError> {
        let read = |file: &'static str| {
            let path = dir.join(file);
            std::fs::read(&path).map_err(|source| match source.kind() {
                std::io::ErrorKind::NotFound => EncoderError::Missing {
                    dir: dir.to_owned(),
                    file,
                },
                _ => EncoderError::Read { path, source },
            })
        };
        let (weights, config, tokenizer) = (read(WEIGHTS)?, read(CONFIG)?, read(TOKENIZER)?);
        let id = model_id(&[&weights, &config, &tokenizer]);
        let config: BertConfig =
            serde_json::from_slice(&config).map_err(|e| EncoderError::Model {
                dir: dir.to_owned(),
                source: candle_core::Error::Msg(format!("config.json: {e}")),
            })?;
        let tokenizer = tokenizer_from(&tokenizer).map_err(|message| EncoderError::Tokenizer {
            path: dir.join(TOKENIZER),
            message,
        })?;
        // The buffered loader copies the weights once; it needs no `unsafe` memory map.
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &Device::Cpu).map_err(
            |source| EncoderError::Model {
                dir: dir.to_owned(),
                source,
            },
        )?;
        let model = BertModel::load(vb, &config).map_err(|source| EncoderError::Model {
            dir: dir.to_owned(),
            source,
        })?;
        Ok(Self {
            inner: Arc::new(Inner {
                model,
                tokenizer,
                id,
            }),
            known: Arc::default(),
        })
    }

    /// This encoder, answering [`Encoder::encode`] for the texts of `known` from it instead
    /// of the model: for callers that embedded a large fixed set of texts ahead of time in
    /// parallel batches (an evaluation's questions), which is many times faster than
    /// encoding them one at a time.
    pub fn knowing<'a>(mut self, known: impl IntoIterator<Item = (&'a str, Vector)>) -> Self {
        let mut all = (*self.known).clone();
        all.extend(known.into_iter().map(|(text, v)| (cache::key(text), v)));
        self.known = Arc::new(all);
        self
    }

    /// A short fingerprint of the model files, so cached vectors are never reused across models.
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// Encodes one text, without padding.
    ///
    /// # Errors
    /// Only if the tokenizer or the model fails, which a loaded model does not do in practice.
    pub fn encode(&self, text: &str) -> Result<Vector, EncoderError> {
        if !self.known.is_empty()
            && let Some(v) = self.known.get(&cache::key(text))
        {
            return Ok(v.clone());
        }
        Ok(self
            .encode_batch(&[text])?
            .pop()
            .unwrap_or_else(|| vec![0.0; DIM].into()))
    }

    /// Encodes texts in one forward pass, padded to the longest; the result is in input order.
    ///
    /// # Errors
    /// Only if the tokenizer or the model fails.
    pub fn encode_batch(&self, texts: &[&str]) -> Result<Vec<Vector>, EncoderError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .inner
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| EncoderError::Encode(e.to_string()))?;
        let longest = encodings
            .iter()
            .map(|e| e.get_ids().len())
            .max()
            .unwrap_or(0);
        let (mut ids, mut mask) = (Vec::new(), Vec::new());
        for e in &encodings {
            let pad = longest - e.get_ids().len();
            ids.extend(
                e.get_ids()
                    .iter()
                    .copied()
                    .chain(std::iter::repeat_n(0, pad)),
            );
            mask.extend(
                e.get_attention_mask()
                    .iter()
                    .copied()
                    .chain(std::iter::repeat_n(0, pad)),
            );
        }
        let shape = (texts.len(), longest);
        let ids = Tensor::from_vec(ids, shape, &Device::Cpu)?;
        let mask = Tensor::from_vec(mask, shape, &Device::Cpu)?;
        let types = ids.zeros_like()?;
        let hidden = self.inner.model.forward(&ids, &types, Some(&mask))?;
        // Mean over real tokens only: padding must not count, or a vector would depend on
        // what else was in its batch.
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?.clamp(1e-9, f64::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        let unit = mean.broadcast_div(&norm)?;
        Ok(unit
            .to_vec2::<f32>()?
            .into_iter()
            .map(Vec::into_boxed_slice)
            .collect())
    }

    /// Encodes many texts in length-sorted batches of [`BATCH`], on every core, calling
    /// `progress` with the number done as batches finish. The result is in input order.
    ///
    /// # Errors
    /// Only if the tokenizer or the model fails.
    pub fn encode_many(
        &self,
        texts: &[&str],
        progress: impl FnMut(usize) + Send,
    ) -> Result<Vec<Vector>, EncoderError> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let batches: Vec<&[usize]> = order.chunks(BATCH).collect();
        let workers = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(batches.len())
            .max(1);
        let next = std::sync::atomic::AtomicUsize::new(0);
        let progress = std::sync::Mutex::new((0usize, progress));
        let results = std::sync::Mutex::new(Vec::with_capacity(batches.len()));
        // One batch per worker at a time, each worker's matrix work on its own single thread:
        // small matrices gain little from splitting, so whole batches in parallel use the
        // cores far better.
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| -> Result<(), EncoderError> {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(1)
                        .build()
                        .map_err(|e| EncoderError::Encode(e.to_string()))?;
                    loop {
                        let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(batch) = batches.get(b) else {
                            return Ok(());
                        };
                        let texts: Vec<&str> = batch.iter().map(|&i| texts[i]).collect();
                        let vectors = pool.install(|| self.encode_batch(&texts));
                        let outcome = vectors.map(|v| (b, v));
                        let failed = outcome.is_err();
                        lock(&results).push(outcome);
                        if failed {
                            return Ok(());
                        }
                        let mut p = lock(&progress);
                        p.0 += batch.len();
                        let done = p.0;
                        (p.1)(done);
                    }
                });
            }
        });
        let mut out: Vec<Option<Vector>> = vec![None; texts.len()];
        for outcome in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
            let (b, vectors) = outcome?;
            for (&i, v) in batches[b].iter().zip(vectors) {
                out[i] = Some(v);
            }
        }
        Ok(out.into_iter().flatten().collect())
    }
}

/// Locks a mutex whose data stays valid even if a holder panicked (counters and results).
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Cosine similarity of two unit vectors: their dot product.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The packaged tokenizer, set up as sentence-transformers uses it: no padding (batches are
/// padded by hand) and truncation at [`MAX_TOKENS`] instead of the file's 128.
fn tokenizer_from(bytes: &[u8]) -> Result<Tokenizer, String> {
    let mut tokenizer = Tokenizer::from_bytes(bytes).map_err(|e| e.to_string())?;
    tokenizer.with_padding(None);
    tokenizer
        .with_truncation(Some(tokenizers::TruncationParams {
            max_length: MAX_TOKENS,
            ..Default::default()
        }))
        .map_err(|e| e.to_string())?;
    Ok(tokenizer)
}

fn model_id(files: &[&[u8]]) -> String {
    let mut hasher = blake3::Hasher::new();
    for f in files {
        hasher.update(&(f.len() as u64).to_le_bytes());
        hasher.update(f);
    }
    hasher.finalize().to_hex()[..16].to_owned()
}
