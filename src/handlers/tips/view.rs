//! How daily tips and tip settings look in Telegram: HTML text and inline keyboards.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use teloxide::utils::html::{bold, escape};

use crate::content::Tip;
use crate::store::Subscription;
use crate::tips::schedule::{self, format_time};

/// Times offered as buttons by a bare `/subscribe` and by `/settings`.
pub const COMMON_TIMES: [&str; 6] = ["07:00", "08:00", "09:00", "12:00", "18:00", "21:00"];

/// Example shown with every refused `/subscribe`.
pub const SUBSCRIBE_EXAMPLE: &str = "For example: /subscribe 07:30 Europe/Berlin";

/// A tip as sent: heading, text and its source link, if any.
pub fn tip_html(tip: &Tip) -> String {
    let mut html = format!("💡 {}\n\n{}", bold("Health tip"), escape(&tip.text));
    if let Some(url) = &tip.url {
        html.push_str(&format!("\n\n<a href=\"{}\">Source</a>", escape(url)));
    }
    html
}

/// The button under a tip: unsubscribe for subscribers, a daily-tip offer otherwise.
pub fn tip_keyboard(subscribed: bool) -> InlineKeyboardMarkup {
    let button = if subscribed {
        InlineKeyboardButton::callback("Unsubscribe", "t:unsub")
    } else {
        InlineKeyboardButton::callback("Get a tip every day", "t:menu")
    };
    InlineKeyboardMarkup::new([[button]])
}

/// Rows of common-time buttons (`t:time:HH:MM`).
pub fn time_rows() -> Vec<Vec<InlineKeyboardButton>> {
    COMMON_TIMES
        .chunks(3)
        .map(|row| {
            row.iter()
                .map(|t| InlineKeyboardButton::callback(*t, format!("t:time:{t}")))
                .collect()
        })
        .collect()
}

/// The question a bare `/subscribe` asks.
pub fn pick_time_html(tz: Tz) -> String {
    escape(&format!(
        "At what time would you like your daily health tip? Times are in {}; change that \
         with /timezone. You can also type a time yourself. {SUBSCRIBE_EXAMPLE}",
        tz.name()
    ))
}

/// The confirmation after subscribing or changing the time.
pub fn subscribed_html(sub: &Subscription, tz: Tz, now: DateTime<Utc>) -> String {
    format!(
        "✅ {}\n{}",
        escape(&format!(
            "Subscribed: a health tip every day at {} ({}).",
            format_time(sub.at),
            tz.name()
        )),
        escape(&next_line(sub, tz, now)),
    )
}

/// `/settings`: the subscription and what can be changed.
pub fn settings_html(sub: Option<&Subscription>, zone: Tz, now: DateTime<Utc>) -> String {
    let Some(sub) = sub else {
        return escape(&format!(
            "You have no daily tip yet. Pick a time below, or type one: {SUBSCRIBE_EXAMPLE}. \
             Your timezone: {}.",
            zone.name()
        ));
    };
    let tz = schedule::parse_zone(&sub.timezone).unwrap_or(zone);
    let state = if sub.paused {
        "paused. Press Resume to get tips again.".to_owned()
    } else {
        next_line(sub, tz, now)
    };
    format!(
        "{}\n{}\n{}",
        bold("Your daily tip"),
        escape(&format!(
            "Every day at {} ({}).",
            format_time(sub.at),
            tz.name()
        )),
        escape(&state)
    )
}

/// Buttons under `/settings`: other times, pause or resume, unsubscribe.
pub fn settings_keyboard(sub: Option<&Subscription>) -> InlineKeyboardMarkup {
    let mut rows = time_rows();
    if let Some(sub) = sub {
        let toggle = if sub.paused {
            InlineKeyboardButton::callback("Resume", "t:resume")
        } else {
            InlineKeyboardButton::callback("Pause", "t:pause")
        };
        rows.push(vec![
            toggle,
            InlineKeyboardButton::callback("Unsubscribe", "t:unsub"),
        ]);
    }
    InlineKeyboardMarkup::new(rows)
}

/// "Next tip: today at 07:30." in the subscription's zone.
fn next_line(sub: &Subscription, tz: Tz, now: DateTime<Utc>) -> String {
    let Some(next) = sub.next_due else {
        return "The next tip is not scheduled yet.".to_owned();
    };
    let local = next.with_timezone(&tz);
    let today = schedule::local_date(now, tz);
    let day = if local.date_naive() == today {
        "today".to_owned()
    } else if today.succ_opt() == Some(local.date_naive()) {
        "tomorrow".to_owned()
    } else {
        local.format("%A %-d %B").to_string()
    };
    format!("Next tip: {day} at {}.", local.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;

    use super::*;

    fn sub(next: &str) -> Subscription {
        Subscription {
            chat_id: 1,
            at: NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
            timezone: "Europe/Berlin".into(),
            paused: false,
            next_due: Some(next.parse().unwrap()),
            last_served: None,
        }
    }

    #[test]
    fn confirmation_names_time_zone_and_next_tip() {
        let now = "2026-05-01T04:00:00Z".parse().unwrap();
        let html = subscribed_html(&sub("2026-05-01T05:30:00Z"), chrono_tz::Europe::Berlin, now);
        assert!(
            html.contains("every day at 07:30 (Europe/Berlin)"),
            "{html}"
        );
        assert!(html.contains("Next tip: today at 07:30."), "{html}");
        let later = "2026-05-01T06:00:00Z".parse().unwrap();
        let html = subscribed_html(
            &sub("2026-05-02T05:30:00Z"),
            chrono_tz::Europe::Berlin,
            later,
        );
        assert!(html.contains("tomorrow at 07:30"), "{html}");
    }

    #[test]
    fn tip_text_is_escaped_and_the_source_linked() {
        let tip = Tip {
            text: "Salt < 5 g & more water".into(),
            url: Some("https://example.org/a?b=1&c=2".into()),
            tags: vec![],
        };
        let html = tip_html(&tip);
        assert!(html.contains("Salt &lt; 5 g &amp; more water"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\">Source</a>"),
            "{html}"
        );
    }

    #[test]
    fn every_button_fits_telegrams_callback_limit() {
        let keyboard = settings_keyboard(Some(&sub("2026-05-01T05:30:00Z")));
        for button in keyboard.inline_keyboard.iter().flatten() {
            if let teloxide::types::InlineKeyboardButtonKind::CallbackData(data) = &button.kind {
                assert!(data.starts_with("t:") && data.len() <= 64, "{data}");
            }
        }
    }
}
