//! `healthbot check-links`: requests every url in CONTENT_DIR (article urls and sources, tip
//! urls) with a pause between requests and lists the ones that fail. It needs web access, so
//! CI does not run it.

use std::process::ExitCode;
use std::time::Duration;

use crate::config::Config;
use crate::content;
use crate::links::{self, Options};

#[derive(Debug, clap::Args)]
pub struct LinksArgs {
    /// Pause between two requests, in milliseconds.
    #[arg(long, default_value_t = millis(links::DEFAULT_DELAY))]
    delay_ms: u64,
    /// Longest wait for one url, in seconds.
    #[arg(long, default_value_t = links::DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=300))]
    timeout_secs: u64,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Runs `healthbot check-links`: exits non-zero if any url fails.
///
/// # Errors
/// Fails with a broken content folder or if the HTTP client cannot start.
pub fn run(args: &LinksArgs) -> anyhow::Result<ExitCode> {
    let config = Config::from_env()?;
    let bundle = content::load_dir(&config.content_dir).map_err(|e| {
        anyhow::anyhow!("CONTENT_DIR has {} problem(s); run check-content", e.len())
    })?;
    let targets = links::targets(&bundle.articles, &bundle.tips);
    let options = Options {
        delay: Duration::from_millis(args.delay_ms),
        timeout: Duration::from_secs(args.timeout_secs),
    };
    eprintln!(
        "checking {} urls, one every {} ms at most...",
        targets.len(),
        args.delay_ms
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let failures = runtime.block_on(links::check(&targets, options))?;
    for f in &failures {
        println!(
            "{}\t{}\t{}",
            f.target.url,
            f.problem,
            f.target.used_by.join(", ")
        );
    }
    eprintln!("{} of {} urls failed", failures.len(), targets.len());
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
