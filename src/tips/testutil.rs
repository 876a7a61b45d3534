//! Fakes and shorthands for tips tests: a notifier that records sends, and `t`/`hm` for
//! instants and times of day.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveTime, Utc};

use super::{Notifier, NotifyError};
use crate::content::Tip;

/// Records every tip "sent"; chats in `gone` answer like a user who blocked the bot.
#[derive(Clone, Default)]
pub struct RecordingNotifier {
    pub sent: Arc<Mutex<Vec<(i64, String)>>>,
    pub gone: Arc<Mutex<HashSet<i64>>>,
}

impl RecordingNotifier {
    /// The chats sent to so far, in order.
    pub fn chats(&self) -> Vec<i64> {
        self.sent.lock().unwrap().iter().map(|(c, _)| *c).collect()
    }
}

impl Notifier for RecordingNotifier {
    async fn send_tip(&self, chat_id: i64, tip: &Tip) -> Result<(), NotifyError> {
        if self.gone.lock().unwrap().contains(&chat_id) {
            return Err(NotifyError::Gone(
                "Forbidden: bot was blocked by the user".into(),
            ));
        }
        self.sent.lock().unwrap().push((chat_id, tip.text.clone()));
        Ok(())
    }
}

/// A UTC instant from RFC 3339 text, e.g. `t("2026-03-29T00:30:00Z")`.
pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A local wall-clock time from hours and minutes.
pub fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}
