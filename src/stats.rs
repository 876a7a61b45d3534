//! The admin's work queue: usage figures and what to write next (`/stats`), gathered from the
//! store's anonymous counters. Pure data; the Telegram layer formats it.

use chrono::{Duration, NaiveDate};

use crate::store::{DayFlags, Feedback, Store, StoreError};

/// How many entries each top list shows.
pub const TOP: usize = 5;

/// Everything `/stats` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub users: usize,
    pub subscribers: usize,
    pub questions_today: u64,
    pub questions_week: u64,
    /// Share (0..=1) of the last 7 days' questions that got an answer; `None` with no questions.
    pub answered_rate: Option<f64>,
    /// Most-asked unanswered questions, anonymised, with how often they were asked.
    pub top_unanswered: Vec<(String, u64)>,
    /// Most-read articles: (slug, reads).
    pub most_read: Vec<(String, u64)>,
    /// Articles with the most 👎 relative to 👍: (slug, counts).
    pub worst_rated: Vec<(String, Feedback)>,
    /// Red flags raised on each of the last 7 days that had any, oldest first.
    pub emergencies: Vec<(NaiveDate, DayFlags)>,
}

impl Report {
    /// Gathers the report for the 7 days ending `today`.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn gather(store: &Store, today: NaiveDate) -> Result<Self, StoreError> {
        let week_start = today - Duration::days(6);
        let days = store.questions_between(week_start, today)?;
        let questions_today = days.last().map_or(0, |(_, c)| c.asked);
        let questions_week: u64 = days.iter().map(|(_, c)| c.asked).sum();
        let answered_week: u64 = days.iter().map(|(_, c)| c.answered).sum();
        let answered_rate =
            (questions_week > 0).then(|| answered_week as f64 / questions_week as f64);
        let top_unanswered = store
            .unanswered()?
            .into_iter()
            .take(TOP)
            .map(|u| (anonymise(&u.question), u.count))
            .collect();
        Ok(Self {
            users: store.user_count()?,
            subscribers: store.subscription_count()?,
            questions_today,
            questions_week,
            answered_rate,
            top_unanswered,
            most_read: store.reads()?.into_iter().take(TOP).collect(),
            worst_rated: worst_rated(store.all_feedback()?),
            emergencies: store.emergencies_between(week_start, today)?,
        })
    }
}

/// Articles with any 👎, worst first: most 👎 net of 👍, then most 👎.
fn worst_rated(mut all: Vec<(String, Feedback)>) -> Vec<(String, Feedback)> {
    all.retain(|(_, f)| f.down > 0);
    all.sort_by_key(|(slug, f)| {
        let net = i128::from(f.down) - i128::from(f.up);
        (
            std::cmp::Reverse(net),
            std::cmp::Reverse(f.down),
            slug.clone(),
        )
    });
    all.truncate(TOP);
    all
}

/// Masks what could identify someone in a question: e-mail addresses, @handles, links and
/// runs of digits (phone numbers, dates of birth, ids).
pub fn anonymise(question: &str) -> String {
    question
        .split(' ')
        .map(|word| {
            if word.contains('@') && word.len() > 1 {
                if word.starts_with('@') {
                    "[user]"
                } else {
                    "[email]"
                }
                .to_owned()
            } else if word.contains("://") || word.starts_with("www.") {
                "[link]".to_owned()
            } else {
                mask_digits(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Replaces each run of three or more digits (ignoring separators inside it) with `[number]`.
/// Shorter numbers ("2 days", "38 degrees") carry meaning and identify nobody.
fn mask_digits(word: &str) -> String {
    let digits = word.chars().filter(char::is_ascii_digit).count();
    if digits < 3 {
        return word.to_owned();
    }
    let mut out = String::new();
    let mut in_number = false;
    for c in word.chars() {
        let part_of_number = c.is_ascii_digit() || (in_number && "+-./()".contains(c));
        if part_of_number {
            if !in_number {
                out.push_str("[number]");
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymise_masks_contacts_and_long_numbers() {
        assert_eq!(
            anonymise("mail me at jo@x.org or @jo or 0171-555-1234 https://x.org"),
            "mail me at [email] or [user] or [number] [link]"
        );
        assert_eq!(
            anonymise("fever of 39 for 2 days"),
            "fever of 39 for 2 days"
        );
    }

    #[test]
    fn worst_rated_puts_most_net_thumbs_down_first() {
        let f = |up, down| Feedback { up, down };
        let all = vec![
            ("a".to_owned(), f(10, 2)),
            ("b".to_owned(), f(0, 3)),
            ("c".to_owned(), f(5, 0)),
        ];
        let slugs: Vec<String> = worst_rated(all).into_iter().map(|(s, _)| s).collect();
        assert_eq!(slugs, ["b", "a"]);
    }

    #[test]
    fn report_counts_the_last_seven_days() {
        let store = Store::temporary().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        store.record_question(today, Some("gout")).unwrap();
        store
            .record_question(today - Duration::days(3), None)
            .unwrap();
        store
            .record_question(today - Duration::days(8), None)
            .unwrap();
        store.record_unanswered("call 07700 900123").unwrap();
        store.record_emergency(today, "stroke").unwrap();
        let r = Report::gather(&store, today).unwrap();
        assert_eq!((r.questions_today, r.questions_week), (1, 2));
        assert_eq!(r.answered_rate, Some(0.5));
        assert_eq!(r.top_unanswered, [("call [number] [number]".to_owned(), 1)]);
        assert_eq!(r.most_read, [("gout".to_owned(), 1)]);
        assert_eq!(r.emergencies, [(today, vec![("stroke".to_owned(), 1)])]);
    }
}
