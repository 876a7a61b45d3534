//! `healthbot backup --out FILE` and `healthbot restore --from FILE`: the store's snapshot
//! to and from a file, for a bot that is stopped (a running bot holds DATA_DIR; admins then
//! use `/backup` in Telegram).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Config;
use crate::store::{Store, StoreError, backup};

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The file to write (replaced only once the whole backup is written).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A file written by `healthbot backup` or `/backup`; `-` reads standard input.
    #[arg(long)]
    from: PathBuf,
}

/// Writes a backup of DATA_DIR to `--out`.
///
/// # Errors
/// A missing or busy DATA_DIR, or a storage or file error.
pub fn backup(args: &BackupArgs) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    if !config.data_dir.exists() {
        anyhow::bail!(
            "DATA_DIR {} does not exist: there is nothing to back up",
            config.data_dir.display()
        );
    }
    let store = Store::open(&config.data_dir).map_err(|err| match err {
        StoreError::Locked(_) => {
            anyhow::anyhow!("{err}\nWhile the bot runs, an admin can send /backup to it instead.")
        }
        other => other.into(),
    })?;
    let partial = partial_path(&args.out);
    let summary = (|| -> anyhow::Result<backup::BackupSummary> {
        let file = std::fs::File::create(&partial)?;
        let mut out = std::io::BufWriter::new(file);
        let summary = store.backup(&mut out, chrono::Utc::now())?;
        out.into_inner()
            .map_err(std::io::IntoInnerError::into_error)?
            .sync_all()?;
        std::fs::rename(&partial, &args.out)?;
        Ok(summary)
    })()
    .inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })
    .with_context(|| format!("cannot write the backup to {}", args.out.display()))?;
    println!(
        "backed up {} records from {} trees in {} to {}",
        summary.records,
        summary.trees,
        config.data_dir.display(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Restores `--from` into an empty DATA_DIR.
///
/// # Errors
/// An unreadable or refused file, a DATA_DIR that is not empty, or a storage error; in every
/// case DATA_DIR is left as it was.
pub fn restore(args: &RestoreArgs) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let input: Box<dyn BufRead> = if args.from.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.from)
            .with_context(|| format!("cannot open {}", args.from.display()))?;
        Box::new(BufReader::new(file))
    };
    let summary = backup::restore(input, &config.data_dir)
        .with_context(|| format!("cannot restore {}", args.from.display()))?;
    println!(
        "restored {} records in {} trees into {}",
        summary.records,
        summary.trees,
        config.data_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Where a backup is written before it is renamed to its final name.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_owned();
    name.push(".partial");
    out.with_file_name(name)
}
