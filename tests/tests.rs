//! The one integration-test binary (see `Cargo.toml`): every module here drives the real
//! library or the compiled `healthbot` binary.

mod admin;
mod bot;
mod cli;
mod encoder;
mod eval;
mod fake_api_checks;
mod frontend;
mod library;
mod ops;
mod quality;
mod tips;
mod util;
