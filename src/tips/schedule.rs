//! When a daily tip is due: pure functions from a local wall-clock time and an IANA zone to
//! UTC instants, including the two DST edge cases, plus parsing of what users type.
//!
//! DST rules, so that every local calendar day gets exactly one due instant:
//! - a skipped local time (spring forward) is served at the first valid local instant after
//!   it, i.e. the moment the clocks jump;
//! - a repeated local time (fall back) is served once, at its first occurrence.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Longest piece of user input quoted back in a refusal.
const MAX_ECHO_CHARS: usize = 40;

/// Why a time or zone typed by a user was refused; the text is fit to show them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("\"{0}\" is not a time of day. Use 24-hour HH:MM, for example 07:30 or 21:00.")]
    Time(String),
    #[error(
        "\"{0}\" is not a timezone I know. Use an IANA name such as Europe/Berlin, America/New_York or UTC."
    )]
    Zone(String),
    #[error("Give a time and, if you like, a timezone: at most one of each.")]
    Usage,
}

/// The first instant strictly after `after` at which local time `at` falls in `tz`.
///
/// Each local date yields exactly one candidate (see the module docs), so calling this again
/// with the returned instant moves on to the next local day and never serves a date twice.
pub fn next_due(after: DateTime<Utc>, at: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let today = after.with_timezone(&tz).date_naive();
    // Yesterday's candidate can still lie ahead when a gap pushed it past midnight, and a
    // zone that skipped a whole day needs the day after tomorrow.
    let mut date = today.pred_opt().unwrap_or(today);
    loop {
        let due = due_on(date, at, tz);
        if due > after {
            return due;
        }
        match date.succ_opt() {
            Some(next) => date = next,
            // Only reachable at the end of chrono's calendar; nothing sensible is later.
            None => return DateTime::<Utc>::MAX_UTC,
        }
    }
}

/// The UTC instant at which local time `at` on `date` is served in `tz`.
pub fn due_on(date: NaiveDate, at: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let mut local: NaiveDateTime = date.and_time(at);
    // Gaps are at most a day long (Samoa skipped 30 December 2011), so two days of minutes
    // always reach a valid instant.
    for _ in 0..(2 * 24 * 60) {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
            LocalResult::None => {
                // Step to the next whole minute: transitions happen on minute boundaries.
                let to_minute = 60 - local.and_utc().timestamp().rem_euclid(60);
                local += Duration::seconds(to_minute);
            }
        }
    }
    date.and_time(at).and_utc()
}

/// The local calendar date of `instant` in `tz`: the day a tip sent then counts for.
pub fn local_date(instant: DateTime<Utc>, tz: Tz) -> NaiveDate {
    instant.with_timezone(&tz).date_naive()
}

/// Parses a 24-hour `H:MM` or `HH:MM` time, as typed by a user.
///
/// # Errors
/// [`ScheduleError::Time`] for anything else, including seconds and out-of-range values.
pub fn parse_time(text: &str) -> Result<NaiveTime, ScheduleError> {
    crate::clock::parse_hh_mm(text).ok_or_else(|| ScheduleError::Time(echo(text)))
}

/// Parses an IANA timezone name, ignoring case (`europe/berlin` works).
///
/// # Errors
/// [`ScheduleError::Zone`] when no zone has that name.
pub fn parse_zone(text: &str) -> Result<Tz, ScheduleError> {
    let text = text.trim();
    text.parse::<Tz>()
        .ok()
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .copied()
                .find(|tz| tz.name().eq_ignore_ascii_case(text))
        })
        .ok_or_else(|| ScheduleError::Zone(echo(text)))
}

/// Splits what follows `/subscribe` into an optional time and an optional zone, given in
/// either order: `07:30 Europe/Berlin`, `Europe/Berlin`, `7:30`.
///
/// # Errors
/// The first word that is not a valid time or zone, or [`ScheduleError::Usage`] for extras.
pub fn parse_request(args: &str) -> Result<(Option<NaiveTime>, Option<Tz>), ScheduleError> {
    let (mut at, mut tz) = (None, None);
    for word in args.split_whitespace() {
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            if at.replace(parse_time(word)?).is_some() {
                return Err(ScheduleError::Usage);
            }
        } else if tz.replace(parse_zone(word)?).is_some() {
            return Err(ScheduleError::Usage);
        }
    }
    Ok((at, tz))
}

/// User input quoted back in an error, kept short so the reply never outgrows a message.
fn echo(text: &str) -> String {
    crate::text::clip(text.trim(), MAX_ECHO_CHARS)
}

/// Formats a time the way users type it: `07:30`.
pub fn format_time(at: NaiveTime) -> String {
    at.format("%H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tips::testutil::{hm, t};

    #[test]
    fn next_due_is_later_today_when_the_minute_has_not_passed() {
        let due = next_due(
            t("2026-03-10T05:00:00Z"),
            hm(7, 30),
            chrono_tz::Europe::Berlin,
        );
        assert_eq!(due, t("2026-03-10T06:30:00Z"));
    }

    #[test]
    fn next_due_is_tomorrow_once_the_minute_is_reached() {
        let tz = chrono_tz::Europe::Berlin;
        assert_eq!(
            next_due(t("2026-03-10T06:30:00Z"), hm(7, 30), tz),
            t("2026-03-11T06:30:00Z")
        );
    }

    #[test]
    fn next_due_follows_the_local_date_not_the_utc_date() {
        // 23:30 UTC is already the next morning in Tokyo and Kolkata, still the evening before
        // in Los Angeles.
        let after = t("2026-06-01T23:30:00Z");
        assert_eq!(
            next_due(after, hm(9, 0), chrono_tz::Asia::Tokyo),
            t("2026-06-02T00:00:00Z")
        );
        assert_eq!(
            next_due(after, hm(18, 0), chrono_tz::America::Los_Angeles),
            t("2026-06-02T01:00:00Z")
        );
        assert_eq!(
            next_due(after, hm(5, 15), chrono_tz::Asia::Kolkata),
            t("2026-06-01T23:45:00Z")
        );
    }

    #[test]
    fn skipped_local_time_is_served_when_the_clocks_jump() {
        // Berlin springs forward on 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC).
        let tz = chrono_tz::Europe::Berlin;
        let due = next_due(t("2026-03-28T12:00:00Z"), hm(2, 30), tz);
        assert_eq!(due, t("2026-03-29T01:00:00Z"));
        assert_eq!(local_date(due, tz).to_string(), "2026-03-29");
        // And the day after is back to normal, 02:30 CEST.
        assert_eq!(next_due(due, hm(2, 30), tz), t("2026-03-30T00:30:00Z"));
    }

    #[test]
    fn repeated_local_time_is_served_once_at_its_first_occurrence() {
        // New York falls back on 2026-11-01: 01:30 happens at 05:30 UTC and again at 06:30 UTC.
        let tz = chrono_tz::America::New_York;
        let first = next_due(t("2026-11-01T00:00:00Z"), hm(1, 30), tz);
        assert_eq!(first, t("2026-11-01T05:30:00Z"));
        let second = next_due(first, hm(1, 30), tz);
        assert_eq!(second, t("2026-11-02T06:30:00Z"), "no second tip on Nov 1");
    }

    #[test]
    fn every_local_day_gets_exactly_one_due_instant_through_a_year_of_dst() {
        for tz in [
            chrono_tz::Europe::Berlin,
            chrono_tz::America::New_York,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::America::Santiago,
        ] {
            for at in [hm(0, 0), hm(0, 30), hm(1, 30), hm(2, 15), hm(23, 59)] {
                let mut t = t("2026-01-01T00:00:00Z");
                let mut dates = Vec::new();
                for _ in 0..366 {
                    t = next_due(t, at, tz);
                    dates.push(local_date(t, tz));
                }
                for pair in dates.windows(2) {
                    assert_eq!(pair[1], pair[0].succ_opt().unwrap(), "{tz} {at}");
                }
            }
        }
    }

    #[test]
    fn a_skipped_calendar_day_does_not_break_the_schedule() {
        // Samoa skipped 2011-12-30 entirely; the schedule must keep moving forward.
        let tz = chrono_tz::Pacific::Apia;
        let mut t = t("2011-12-28T00:00:00Z");
        for _ in 0..5 {
            let next = next_due(t, hm(8, 0), tz);
            assert!(next > t && next - t <= Duration::hours(48), "{t} -> {next}");
            t = next;
        }
    }

    #[test]
    fn times_are_parsed_in_24_hour_form_only() {
        assert_eq!(parse_time("07:30"), Ok(hm(7, 30)));
        assert_eq!(parse_time("7:05"), Ok(hm(7, 5)));
        assert_eq!(parse_time(" 23:59 "), Ok(hm(23, 59)));
        for bad in [
            "24:00", "7", "07:60", "7:5", "07:30:00", "seven", "-1:00", "", "1:2:3",
        ] {
            assert!(
                matches!(parse_time(bad), Err(ScheduleError::Time(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn subscribe_arguments_come_in_either_order_and_are_all_checked() {
        let berlin = Some(chrono_tz::Europe::Berlin);
        assert_eq!(
            parse_request("07:30 Europe/Berlin"),
            Ok((Some(hm(7, 30)), berlin))
        );
        assert_eq!(
            parse_request("Europe/Berlin 7:30"),
            Ok((Some(hm(7, 30)), berlin))
        );
        assert_eq!(parse_request(" "), Ok((None, None)));
        assert_eq!(parse_request("UTC"), Ok((None, Some(chrono_tz::UTC))));
        assert!(matches!(
            parse_request("25:00 UTC"),
            Err(ScheduleError::Time(_))
        ));
        assert!(matches!(
            parse_request("07:30 Berlin"),
            Err(ScheduleError::Zone(_))
        ));
        assert_eq!(parse_request("07:30 08:30"), Err(ScheduleError::Usage));
    }

    #[test]
    fn zones_are_iana_names_in_any_case() {
        assert_eq!(parse_zone("Europe/Berlin"), Ok(chrono_tz::Europe::Berlin));
        assert_eq!(parse_zone("europe/berlin"), Ok(chrono_tz::Europe::Berlin));
        assert_eq!(parse_zone("UTC"), Ok(chrono_tz::UTC));
        let err = parse_zone("Mars/Olympus").unwrap_err();
        assert!(err.to_string().contains("Europe/Berlin"), "{err}");
    }
}
