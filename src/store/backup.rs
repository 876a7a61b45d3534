//! Backups: a portable, versioned JSONL snapshot of every tree in the store, read at one
//! consistent point in time, and its restore into an empty DATA_DIR.
//!
//! Both sides walk `Db::tree_names()`, never a list of known trees, so a tree added later is
//! backed up and restored without a change here (a test in this module holds that line).
//! The file layout is in [`format`].

mod format;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sled::transaction::ConflictableTransactionError;

use super::{Store, StoreError};
use format::TreeDump;

pub use format::LineError;

/// How many times a snapshot is read again when writes kept landing while it was read.
const SNAPSHOT_ATTEMPTS: u32 = 20;
/// Pause between snapshot attempts, times the attempt number.
const SNAPSHOT_BACKOFF: Duration = Duration::from_millis(20);

/// What a backup or restore covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupSummary {
    pub trees: usize,
    pub records: usize,
}

/// Why a backup could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the store kept changing while it was read; try the backup again in a quieter moment")]
    Busy,
    #[error("cannot write the backup: {0}")]
    Write(#[source] std::io::Error),
}

/// Why a restore was refused or failed. In every case DATA_DIR was left as it was.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error(
        "DATA_DIR {} is not empty; restore only into an empty or missing folder (move the old data away first)",
        .0.display()
    )]
    NotEmpty(PathBuf),
    #[error("the backup is refused, nothing was written: {0}")]
    Invalid(#[from] LineError),
    #[error("cannot write the restored store next to DATA_DIR {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Writes a snapshot of every tree to `out`, as one consistent point in time: the trees
    /// are read between two write barriers, and read again if any write landed meanwhile.
    ///
    /// # Errors
    /// [`BackupError::Busy`] if writes never paused long enough, or a storage or write error.
    pub fn backup(
        &self,
        out: &mut impl Write,
        created: DateTime<Utc>,
    ) -> Result<BackupSummary, BackupError> {
        let trees = self.snapshot()?;
        let next_id = self.db.generate_id().map_err(StoreError::from)?;
        let records = format::write(out, created, next_id, &trees).map_err(BackupError::Write)?;
        Ok(BackupSummary {
            trees: trees.len(),
            records,
        })
    }

    fn snapshot(&self) -> Result<Vec<TreeDump>, BackupError> {
        for attempt in 1..=SNAPSHOT_ATTEMPTS {
            // sled lists trees in hash order, which differs between two stores holding the
            // same records; sorted, the same records always give the same file.
            let mut names = self.db.tree_names();
            names.sort();
            let trees = names
                .iter()
                .map(|name| self.db.open_tree(name))
                .collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::from)?;
            // Subscribed before the barrier: any write that completes after it is seen.
            let mut watchers: Vec<_> = trees.iter().map(|t| t.watch_prefix(vec![])).collect();
            self.write_barrier()?;
            let mut dump = Vec::with_capacity(trees.len());
            for (name, tree) in names.iter().zip(&trees) {
                let entries = tree
                    .iter()
                    .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(StoreError::from)?;
                dump.push((String::from_utf8_lossy(name).into_owned(), entries));
            }
            self.write_barrier()?;
            let quiet = watchers
                .iter_mut()
                .all(|w| w.next_timeout(Duration::ZERO).is_err());
            if quiet && self.db.tree_names().len() == names.len() {
                return Ok(dump);
            }
            log::debug!("backup snapshot attempt {attempt} saw writes; reading again");
            std::thread::sleep(SNAPSHOT_BACKOFF * attempt);
        }
        Err(BackupError::Busy)
    }

    /// Waits until every write in progress has finished: an empty transaction holds sled's
    /// write lock, which in-flight writes hold shared.
    fn write_barrier(&self) -> Result<(), StoreError> {
        self.db
            .transaction(|_| Ok::<_, ConflictableTransactionError<()>>(()))
            .map_err(|_| StoreError::Conflict)
    }
}

/// Loads a backup into `data_dir`, which must be missing or empty. The file is read and
/// checked in full first; the store is then built in a new folder beside `data_dir` and
/// renamed into place, so a refusal or a failure writes nothing to `data_dir`.
///
/// # Errors
/// [`RestoreError::NotEmpty`], [`RestoreError::Invalid`] naming the bad line, or the
/// storage or file-system error that stopped it.
pub fn restore(input: impl BufRead, data_dir: &Path) -> Result<BackupSummary, RestoreError> {
    ensure_empty(data_dir)?;
    let parsed = format::read(input)?;
    let staging = staging_dir(data_dir);
    let write_err = |source| RestoreError::Write {
        path: data_dir.to_owned(),
        source,
    };
    let result = load(&parsed, &staging).and_then(|()| {
        // Checked again: someone may have started using DATA_DIR while the file was read.
        ensure_empty(data_dir)?;
        std::fs::rename(&staging, data_dir).map_err(write_err)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map(|()| BackupSummary {
        trees: parsed.trees.len(),
        records: parsed.records,
    })
}

fn load(parsed: &format::Parsed, dir: &Path) -> Result<(), RestoreError> {
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent).map_err(|source| RestoreError::Write {
            path: parent.to_owned(),
            source,
        })?;
    }
    let store = Store::open(dir)?;
    for (name, entries) in &parsed.trees {
        let tree = store.db.open_tree(name).map_err(StoreError::from)?;
        let mut batch = sled::Batch::default();
        for (key, value) in entries {
            batch.insert(key.as_slice(), value.as_slice());
        }
        tree.apply_batch(batch).map_err(StoreError::from)?;
    }
    // Ids handed out after the restore must not collide with restored keys.
    while store.db.generate_id().map_err(StoreError::from)? < parsed.header.next_id {}
    store.flush()?;
    Ok(())
}

/// A fresh folder beside `data_dir`, on the same file system so the final rename is atomic.
fn staging_dir(data_dir: &Path) -> PathBuf {
    let name = data_dir
        .file_name()
        .map_or_else(|| "data".into(), |n| n.to_string_lossy().into_owned());
    data_dir.with_file_name(format!(".{name}.restoring-{}", std::process::id()))
}

fn ensure_empty(data_dir: &Path) -> Result<(), RestoreError> {
    match std::fs::read_dir(data_dir) {
        Ok(mut entries) => match entries.next() {
            Some(_) => Err(RestoreError::NotEmpty(data_dir.to_owned())),
            None => Ok(()),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(RestoreError::Write {
            path: data_dir.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests;
