//! The one integration-test binary (see `Cargo.toml`): every module here drives the real
//! library or the compiled `healthbot` binary.

mod admin;
mod bot;
mod browse;
mod cli;
mod emergencies;
mod encoder;
mod eval;
mod fake_api_checks;
mod followup;
mod frontend;
mod intents;
mod library;
mod links;
mod ops;
mod quality;
mod teach;
mod tips;
mod triage;
mod util;
