//! Errors that reach people: [`UserError`] carries the text a user sees.
//!
//! Module-specific errors (`ContentError`, `StoreError`, `ConfigError`) live next to their
//! modules so callers can branch on them. Anything that is *not* a `UserError` is internal:
//! it is logged in full and the user gets a generic apology instead.

/// An error whose `Display` text is meant for the person who caused it.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("{0}")]
pub struct UserError(pub String);

impl UserError {
    /// Creates a user-facing error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// The reply used for internal errors, which are never shown to users.
pub const GENERIC_APOLOGY: &str =
    "Sorry, something went wrong on my side. Please try again in a moment.";

/// Picks what a user should read for `err`: its own text for a [`UserError`] anywhere in the
/// chain, otherwise [`GENERIC_APOLOGY`].
pub fn user_message(err: &anyhow::Error) -> String {
    err.chain()
        .find_map(|e| e.downcast_ref::<UserError>())
        .map_or_else(|| GENERIC_APOLOGY.to_owned(), ToString::to_string)
}
