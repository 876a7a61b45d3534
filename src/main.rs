//! The `healthbot` binary: logging, then the command line. `run` (the default) goes to the
//! bot in [`healthbot::bot`], every other command to [`healthbot::cli`].

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use healthbot::cli::{Cli, Command};

/// Our own progress at info level; dependencies (tantivy is chatty) only when they warn.
const DEFAULT_LOG_FILTER: &str = "warn,healthbot=info";

fn main() -> ExitCode {
    // `.env` is read before logging starts so that its RUST_LOG takes effect.
    let _ = dotenvy::dotenv();
    pretty_env_logger::formatted_timed_builder()
        .parse_filters(&std::env::var("RUST_LOG").unwrap_or_else(|_| DEFAULT_LOG_FILTER.to_owned()))
        .init();
    let result = match Cli::parse().command.unwrap_or(Command::Run) {
        Command::Run => healthbot::bot::main(),
        command => healthbot::cli::run(command),
    };
    result.unwrap_or_else(|err| {
        eprintln!("error: {err:#}");
        ExitCode::FAILURE
    })
}
