//! One info line and one metric per handled update: its kind, how long it took and how it
//! ended. The line never holds message text (questions appear at debug level only, see
//! `/privacy`); handlers name their outcome with [`set_outcome`].
//!
//! Also where failed Bot API calls are sorted into the classes of
//! `healthbot_telegram_errors_total`.

use std::cell::Cell;
use std::ops::ControlFlow;
use std::time::Instant;

use teloxide::dispatching::{DpHandlerDescription, UpdateHandler};
use teloxide::dptree::di::DependencyMap;
use teloxide::dptree::{self, HandlerDescription, HandlerSignature};
use teloxide::types::{Update, UpdateKind};
use teloxide::{ApiError, RequestError};

use crate::telemetry::{self, TelegramError};

tokio::task_local! {
    /// How the update being handled ended, as its handler named it.
    static OUTCOME: Cell<Option<&'static str>>;
}

/// Names how the update being handled ended (e.g. `answered`), for its log line. Outside an
/// update (the tips task) it does nothing.
pub fn set_outcome(outcome: &'static str) {
    let _ = OUTCOME.try_with(|cell| cell.set(Some(outcome)));
}

/// Wraps the whole handler tree so every update gets its log line and metrics.
pub fn timed(tree: UpdateHandler<anyhow::Error>) -> UpdateHandler<anyhow::Error> {
    // An entry-shaped handler: it takes whatever the tree takes and runs it in a scope that
    // lets the handlers report their outcome.
    let wrapper = dptree::from_fn_with_description(
        DpHandlerDescription::entry(),
        |deps: DependencyMap, cont| async move {
            let kind = deps
                .try_get::<Update>()
                .map_or("other", |update| update_kind(&update));
            // Counted on arrival, so the count is current by the time the reply is out.
            telemetry::update(kind);
            let started = Instant::now();
            let (flow, named) = OUTCOME
                .scope(Cell::new(None), async move {
                    let flow = cont(deps).await;
                    (flow, OUTCOME.with(Cell::get))
                })
                .await;
            let outcome = match (&flow, named) {
                (ControlFlow::Break(Err(err)), _) => {
                    count_handler_error(err);
                    "failed"
                }
                (_, Some(named)) => named,
                (ControlFlow::Break(Ok(())), None) => "handled",
                (ControlFlow::Continue(_), None) => "ignored",
            };
            log::info!(
                "update {kind}: {outcome} in {:.1} ms",
                started.elapsed().as_secs_f64() * 1000.0
            );
            flow
        },
        HandlerSignature::Entry,
    );
    wrapper.chain(tree)
}

/// The update's kind, as a metric label.
fn update_kind(update: &Update) -> &'static str {
    match &update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::InlineQuery(_) => "inline_query",
        UpdateKind::ChosenInlineResult(_) => "chosen_inline_result",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        _ => "other",
    }
}

/// Names the update being handled `failed` and counts its Bot API error, if any: for the
/// error paths that answer the user with an apology, so the update ends "handled" for dptree
/// while its log line and metrics still show the failure.
pub fn failed(err: &anyhow::Error) {
    count_handler_error(err);
    set_outcome("failed");
}

fn count_handler_error(err: &anyhow::Error) {
    if let Some(request) = err.chain().find_map(|e| e.downcast_ref::<RequestError>()) {
        count_request_error(request);
    }
}

/// Counts one failed Bot API call by its class.
pub fn count_request_error(err: &RequestError) {
    telemetry::telegram_error(error_class(err));
}

/// Sorts a failed Bot API call into network, 429, 403, 5xx or other.
pub fn error_class(err: &RequestError) -> TelegramError {
    match err {
        RequestError::Network(_) | RequestError::Io(_) => TelegramError::Network,
        RequestError::RetryAfter(_) => TelegramError::TooManyRequests,
        // A front end that fails answers with an HTML or plain-text page instead of JSON.
        RequestError::InvalidJson { .. } => TelegramError::ServerError,
        _ if super::is_unreachable_chat(err) => TelegramError::Forbidden,
        RequestError::Api(ApiError::Unknown(text))
            if text.starts_with("Internal Server Error")
                || text.starts_with("Bad Gateway")
                || text.starts_with("Gateway") =>
        {
            TelegramError::ServerError
        }
        _ => TelegramError::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_calls_fall_into_the_documented_classes() {
        let api = |e: ApiError| error_class(&RequestError::Api(e));
        assert_eq!(api(ApiError::BotBlocked), TelegramError::Forbidden);
        assert_eq!(
            api(ApiError::Unknown("Forbidden: bot was kicked".into())),
            TelegramError::Forbidden
        );
        assert_eq!(
            api(ApiError::Unknown("Internal Server Error".into())),
            TelegramError::ServerError
        );
        assert_eq!(api(ApiError::MessageTextIsEmpty), TelegramError::Other);
        let wait = RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(3));
        assert_eq!(error_class(&wait), TelegramError::TooManyRequests);
        let io = RequestError::Io(std::sync::Arc::new(std::io::Error::other("reset")));
        assert_eq!(error_class(&io), TelegramError::Network);
    }
}
