//! The on-disk cache of sentence vectors, so only the first start on a machine pays for
//! embedding the library.
//!
//! One file per model and namespace (`<CACHE_DIR>/vectors/<model id>/<namespace>.vec`), keyed
//! by a hash of each text: an edited article or a new phrasing misses and is embedded, and
//! everything unchanged is read back. The cache lives outside `DATA_DIR` because it can always
//! be rebuilt. Several processes may share it: a file is replaced atomically (write, then
//! rename), so a reader sees an old or a new file, never half of one.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{DIM, Encoder, EncoderError, Vector};

/// The hash of one text, which is its key in the cache.
pub type TextKey = [u8; 16];

/// First bytes of a cache file, with the format version.
const MAGIC: &[u8; 8] = b"HBVEC01\n";
/// Misses from which embedding shows a progress bar (a handful is too quick to be worth one).
const PROGRESS_FROM: usize = 64;

/// Vectors of one namespace, loaded from and saved to one file.
#[derive(Debug, Default)]
pub struct VectorCache {
    /// `None` for a cache that lives only in memory.
    path: Option<PathBuf>,
    vectors: HashMap<TextKey, Vector>,
    /// Keys looked up or added since loading: what a save keeps.
    used: HashSet<TextKey>,
    dirty: bool,
}

impl VectorCache {
    /// Opens the cache of `namespace` for the model `model_id` under `cache_dir`. A missing
    /// or unreadable file gives an empty cache (it is only a cache), with a warning for the
    /// unreadable case.
    pub fn open(cache_dir: &Path, model_id: &str, namespace: &str) -> Self {
        let path = cache_dir
            .join("vectors")
            .join(model_id)
            .join(format!("{namespace}.vec"));
        let vectors = match std::fs::read(&path) {
            Ok(bytes) => decode(&bytes).unwrap_or_else(|| {
                log::warn!("ignoring the damaged vector cache {}", path.display());
                HashMap::new()
            }),
            Err(_) => HashMap::new(),
        };
        Self {
            path: Some(path),
            vectors,
            ..Self::default()
        }
    }

    /// A cache that is never written to disk.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Adds the vectors of a shipped seed file (same format, e.g. the bundled library's
    /// vectors in `content/vectors/`) that the cache does not hold yet. A missing or damaged
    /// seed adds nothing: the texts are then embedded as usual. Returns how many were added.
    pub fn seed_from(&mut self, path: &Path) -> usize {
        let Some(seed) = std::fs::read(path).ok().and_then(|b| decode(&b)) else {
            return 0;
        };
        let before = self.vectors.len();
        for (k, v) in seed {
            self.vectors.entry(k).or_insert(v);
        }
        let added = self.vectors.len() - before;
        self.dirty |= added > 0;
        added
    }

    /// Writes exactly the vectors of `texts` to `path` (a seed file to ship), taking them
    /// from the cache, so they must have been embedded first.
    ///
    /// # Errors
    /// The I/O error, or `InvalidInput` when a text has no vector yet.
    pub fn write_seed(&self, path: &Path, texts: &[&str]) -> std::io::Result<()> {
        let mut keys: Vec<TextKey> = texts.iter().map(|t| key(t)).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut entries = Vec::with_capacity(keys.len());
        for k in &keys {
            let v = self.vectors.get(k).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "a text was never embedded",
                )
            })?;
            entries.push((k, v));
        }
        write_file(path, &entries)
    }

    /// Number of vectors held.
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    /// Whether the cache holds a vector for `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.vectors.contains_key(&key(text))
    }

    /// Whether the cache holds no vector.
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// The vector of each text, embedding the ones not cached yet (with a progress bar on a
    /// terminal when there are many).
    ///
    /// # Errors
    /// Only if the encoder fails.
    pub fn embed(
        &mut self,
        encoder: &Encoder,
        texts: &[&str],
    ) -> Result<Vec<Vector>, EncoderError> {
        let keys: Vec<TextKey> = texts.iter().map(|t| key(t)).collect();
        let mut missing: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for (text, k) in texts.iter().zip(&keys) {
            if !self.vectors.contains_key(k) && seen.insert(*k) {
                missing.push(text);
            }
        }
        if !missing.is_empty() {
            let bar = (missing.len() >= PROGRESS_FROM).then(|| progress_bar(missing.len()));
            let fresh = encoder.encode_many(&missing, |done| {
                if let Some(bar) = &bar {
                    bar.set_position(done as u64);
                }
            })?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            for (text, v) in missing.iter().zip(fresh) {
                self.vectors.insert(key(text), v);
            }
            self.dirty = true;
        }
        self.used.extend(keys.iter().copied());
        Ok(keys
            .iter()
            .map(|k| self.vectors.get(k).cloned().unwrap_or_default())
            .collect())
    }

    /// Writes the vectors used since loading, if anything changed; entries no longer used
    /// (an edited article's old text) are dropped.
    ///
    /// # Errors
    /// Returns the I/O error; the caller may log it and go on, since the cache is optional.
    pub fn save(&mut self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if !self.dirty && self.used.len() == self.vectors.len() {
            return Ok(());
        }
        let kept: Vec<(&TextKey, &Vector)> = self
            .vectors
            .iter()
            .filter(|(k, _)| self.used.contains(*k))
            .collect();
        write_file(path, &kept)?;
        self.dirty = false;
        Ok(())
    }
}

/// Writes entries to `path` atomically: a temporary file in the same folder, synced, then
/// renamed over the old one.
fn write_file(path: &Path, entries: &[(&TextKey, &Vector)]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".tmp-{}-{}", std::process::id(), unique()));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    out.write_all(MAGIC)?;
    out.write_all(&(entries.len() as u64).to_le_bytes())?;
    for (k, v) in entries {
        out.write_all(*k)?;
        for x in v.iter() {
            out.write_all(&x.to_le_bytes())?;
        }
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// The cache key of a text.
pub fn key(text: &str) -> TextKey {
    let hash = blake3::hash(text.as_bytes());
    let mut k = [0; 16];
    k.copy_from_slice(&hash.as_bytes()[..16]);
    k
}

fn decode(bytes: &[u8]) -> Option<HashMap<TextKey, Vector>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (count, mut rest) = rest.split_first_chunk::<8>()?;
    let count = usize::try_from(u64::from_le_bytes(*count)).ok()?;
    let entry = 16 + DIM * 4;
    if rest.len() != count.checked_mul(entry)? {
        return None;
    }
    let mut out = HashMap::with_capacity(count);
    while let Some((k, tail)) = rest.split_first_chunk::<16>() {
        let (v, tail) = tail.split_at(DIM * 4);
        let v: Vector = v
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        out.insert(*k, v);
        rest = tail;
    }
    Some(out)
}

fn progress_bar(len: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len as u64);
    let style = indicatif::ProgressStyle::with_template(
        "embedding the library {bar:30} {pos}/{len} texts, {eta} left",
    );
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar
}

/// A per-process counter, so two saves in one process never share a temporary file.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_file_decodes_to_the_same_vectors() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = VectorCache::open(dir.path(), "m", "ns");
        let v: Vector = (0..DIM).map(|i| i as f32 / 7.0).collect();
        cache.vectors.insert(key("hello"), v.clone());
        cache.used.insert(key("hello"));
        cache.dirty = true;
        cache.save().unwrap();
        let again = VectorCache::open(dir.path(), "m", "ns");
        assert_eq!(again.vectors.get(&key("hello")), Some(&v));
    }

    #[test]
    fn a_truncated_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vectors/m/ns.vec");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = MAGIC.to_vec();
        bytes.extend(3u64.to_le_bytes());
        bytes.extend([0u8; 100]);
        std::fs::write(&path, bytes).unwrap();
        assert!(VectorCache::open(dir.path(), "m", "ns").is_empty());
    }

    #[test]
    fn unused_entries_are_dropped_on_save() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = VectorCache::open(dir.path(), "m", "ns");
        let v: Vector = vec![0.5; DIM].into();
        for t in ["old", "new"] {
            cache.vectors.insert(key(t), v.clone());
        }
        cache.used.insert(key("new"));
        cache.dirty = true;
        cache.save().unwrap();
        let again = VectorCache::open(dir.path(), "m", "ns");
        assert_eq!(again.len(), 1);
        assert!(again.vectors.contains_key(&key("new")));
    }
}
