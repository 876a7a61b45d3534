//! `/stats`: the work queue that tells the admin what to write next.

use teloxide::prelude::*;
use teloxide::utils::html::{bold, code_inline, escape};

use crate::handlers::TgBot;
use crate::handlers::{Deps, HandlerResult, send_html};
use crate::stats::Report;
use crate::text::clip;

/// Sends the report for the last 7 days (UTC).
pub async fn show(bot: &TgBot, chat: ChatId, deps: &Deps) -> HandlerResult {
    let report = Report::gather(&deps.store, deps.clock.now().date_naive())?;
    send_html(bot, chat, report_html(&report), None).await
}

/// The report as Telegram HTML; every list is short, so it stays far below 4096 characters.
fn report_html(r: &Report) -> String {
    let rate = r
        .answered_rate
        .map_or_else(|| "n/a".to_owned(), |x| format!("{:.0}%", x * 100.0));
    let mut out = format!(
        "{}\nUsers: {}\nSubscribers: {}\nQuestions today: {}\nQuestions in the last 7 days: {}\nAnswered (7 days): {rate}",
        bold("📊 Stats"),
        r.users,
        r.subscribers,
        r.questions_today,
        r.questions_week,
    );
    let section = |title: &str, lines: Vec<String>, empty: &str| {
        let body = if lines.is_empty() {
            escape(empty)
        } else {
            lines.join("\n")
        };
        format!("\n\n{}\n{body}", bold(title))
    };
    out += &section(
        "Top unanswered questions (write these next)",
        r.top_unanswered
            .iter()
            .map(|(q, n)| format!("{n}× {}", escape(&clip(q, 120))))
            .collect(),
        "None yet.",
    );
    out += &section(
        "Most-read articles",
        r.most_read
            .iter()
            .map(|(s, n)| format!("{n}× {}", code_inline(s)))
            .collect(),
        "None yet.",
    );
    out += &section(
        "Worst-rated articles",
        r.worst_rated
            .iter()
            .map(|(s, f)| format!("{} 👍 {} 👎 {}", code_inline(s), f.up, f.down))
            .collect(),
        "No 👎 yet.",
    );
    out += &section(
        "Emergency flags (7 days, anonymous)",
        r.emergencies
            .iter()
            .map(|(day, flags)| {
                let counts: Vec<String> = flags.iter().map(|(f, n)| format!("{f} {n}")).collect();
                format!("{}: {}", day.format("%Y-%m-%d"), escape(&counts.join(", ")))
            })
            .collect(),
        "None.",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Feedback;

    #[test]
    fn report_is_escaped_and_names_every_section() {
        let r = Report {
            users: 3,
            subscribers: 1,
            questions_today: 2,
            questions_week: 4,
            answered_rate: Some(0.75),
            top_unanswered: vec![("is <b> safe?".into(), 2)],
            most_read: vec![("gout".into(), 5)],
            worst_rated: vec![("acne".into(), Feedback { up: 1, down: 4 })],
            emergencies: vec![(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
                vec![("stroke".into(), 2), ("crisis".into(), 1)],
            )],
        };
        let html = report_html(&r);
        assert!(html.contains("Answered (7 days): 75%"), "{html}");
        assert!(html.contains("2× is &lt;b&gt; safe?"), "{html}");
        assert!(html.contains("<code>acne</code> 👍 1 👎 4"), "{html}");
        assert!(html.contains("2026-11-26: stroke 2, crisis 1"), "{html}");
    }
}
