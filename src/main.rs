//! The `healthbot` binary: logging, then the command line in [`healthbot::cli`].

use std::process::ExitCode;

/// Our own progress at info level; dependencies (tantivy is chatty) only when they warn.
const DEFAULT_LOG_FILTER: &str = "warn,healthbot=info";

fn main() -> ExitCode {
    // `.env` is read before logging starts so that its RUST_LOG takes effect.
    let _ = dotenvy::dotenv();
    pretty_env_logger::formatted_timed_builder()
        .parse_filters(&std::env::var("RUST_LOG").unwrap_or_else(|_| DEFAULT_LOG_FILTER.to_owned()))
        .init();
    healthbot::cli::main()
}
