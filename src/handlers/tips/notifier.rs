//! [`TelegramNotifier`]: the tips delivery task's way out, as bulk sends behind replies.

use teloxide::RequestError;
use teloxide::prelude::*;

use super::view;
use crate::content::Tip;
use crate::handlers::TgBot;
use crate::handlers::{deliver_html, is_unreachable_chat};
use crate::pacer::Lane;
use crate::tips::{Notifier, NotifyError};

/// Sends daily tips as bulk sends: paced under Telegram's limits, behind replies to people,
/// with 429 `retry_after` waited out before retrying.
#[derive(Clone)]
pub struct TelegramNotifier {
    bot: TgBot,
}

impl TelegramNotifier {
    /// A notifier sending through `bot`.
    pub fn new(bot: TgBot) -> Self {
        Self { bot }
    }
}

impl Notifier for TelegramNotifier {
    async fn send_tip(&self, chat_id: i64, tip: &Tip) -> Result<(), NotifyError> {
        let html = view::tip_html(tip);
        let keyboard = Some(view::tip_keyboard(true));
        deliver_html(&self.bot, ChatId(chat_id), html, keyboard, Lane::Bulk)
            .await
            .map_err(|err| classify(&err))
    }
}

/// Sorts a failed send into "never try this chat again" and everything else. teloxide hides
/// the token in network errors, so these texts are safe to log.
fn classify(err: &RequestError) -> NotifyError {
    if is_unreachable_chat(err) {
        NotifyError::Gone(err.to_string())
    } else {
        NotifyError::Failed(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::ApiError;

    #[test]
    fn blocked_and_forbidden_chats_are_gone_other_errors_are_not() {
        let gone = |e: ApiError| matches!(classify(&RequestError::Api(e)), NotifyError::Gone(_));
        assert!(gone(ApiError::BotBlocked));
        assert!(gone(ApiError::UserDeactivated));
        assert!(gone(ApiError::Unknown(
            "Forbidden: bot was kicked from the group chat".into()
        )));
        assert!(!gone(ApiError::MessageTextIsEmpty));
        assert!(!gone(ApiError::Unknown(
            "Bad Request: something else".into()
        )));
    }
}
