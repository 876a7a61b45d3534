//! Numbers that matter for triage, read from a message: ages ("6 week old", "2-month-old",
//! "baby is 7 weeks"), temperatures in °C or °F ("38.5", "101F", "39 degrees"), how long
//! something has lasted ("10 minutes", "half an hour") and counts ("30 of her pills").
//!
//! A [`Measure`] from the rules file ("an age under 3 months") picks the readings it accepts;
//! each accepted reading is a span of words that rules can use like a concept.

use std::ops::Range;

use super::tokens::Token;

/// One numeric condition, as written in the rules file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// An age below this many days.
    AgeUnder(f64),
    /// An age of at least this many days.
    AgeAtLeast(f64),
    /// A temperature of at least this many °C.
    TemperatureAtLeast(f64),
    /// A temperature below this many °C.
    TemperatureUnder(f64),
    /// Something lasting at least this many minutes.
    LastingAtLeast(f64),
    /// A bare count of at least this much.
    CountAtLeast(f64),
    /// A bare count below this.
    CountUnder(f64),
}

impl Measure {
    /// Parses an amount with its unit, such as "3 months", "38 C", "100.4 F" or "5 minutes",
    /// for the measure that `key` names in the rules file.
    ///
    /// # Errors
    /// Explains what is wrong with the amount.
    pub fn parse(key: &str, amount: &str) -> Result<Self, String> {
        let mut parts = amount.split_whitespace();
        let (Some(number), unit) = (parts.next(), parts.next()) else {
            return Err(format!("`{key}` needs an amount such as \"3 months\""));
        };
        let value: f64 = number
            .parse()
            .map_err(|_| format!("`{key}`: {number:?} is not a number"))?;
        let unit = unit.unwrap_or("").to_lowercase();
        let wrong_unit = |want: &str| format!("`{key}`: the unit must be {want}, not {unit:?}");
        match key {
            "age_under" | "age_at_least" => {
                let days =
                    age_unit(&unit).ok_or_else(|| wrong_unit("days, weeks, months or years"))?;
                Ok(if key == "age_under" {
                    Self::AgeUnder(value * days)
                } else {
                    Self::AgeAtLeast(value * days)
                })
            }
            "temperature_at_least" | "temperature_under" => {
                let celsius = match unit.as_str() {
                    "c" => value,
                    "f" => (value - 32.0) * 5.0 / 9.0,
                    _ => return Err(wrong_unit("C or F")),
                };
                Ok(if key == "temperature_under" {
                    Self::TemperatureUnder(celsius)
                } else {
                    Self::TemperatureAtLeast(celsius)
                })
            }
            "lasting_at_least" => time_unit(&unit)
                .map(|minutes| Self::LastingAtLeast(value * minutes))
                .ok_or_else(|| wrong_unit("seconds, minutes or hours")),
            "count_at_least" | "count_under" if !unit.is_empty() => {
                Err(wrong_unit("left out (a bare number)"))
            }
            "count_at_least" => Ok(Self::CountAtLeast(value)),
            "count_under" => Ok(Self::CountUnder(value)),
            _ => Err(format!("unknown measure `{key}`")),
        }
    }

    /// The spans of `readings` this measure accepts.
    pub fn spans(self, readings: &Readings) -> Vec<Range<usize>> {
        let pick = |list: &[(Range<usize>, f64)], keep: &dyn Fn(f64) -> bool| {
            list.iter()
                .filter(|(_, v)| keep(*v))
                .map(|(span, _)| span.clone())
                .collect()
        };
        match self {
            Self::AgeUnder(days) => pick(&readings.ages, &|v| v < days),
            Self::AgeAtLeast(days) => pick(&readings.ages, &|v| v >= days),
            Self::TemperatureAtLeast(c) => pick(&readings.temperatures, &|v| v >= c - 1e-9),
            Self::TemperatureUnder(c) => pick(&readings.temperatures, &|v| v < c),
            Self::LastingAtLeast(m) => pick(&readings.durations, &|v| v >= m - 1e-9),
            Self::CountAtLeast(n) => pick(&readings.counts, &|v| v >= n),
            Self::CountUnder(n) => pick(&readings.counts, &|v| v < n),
        }
    }
}

/// Every reading found in one message, each with its span of words.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Readings {
    /// Ages in days.
    pub ages: Vec<(Range<usize>, f64)>,
    /// Temperatures in °C.
    pub temperatures: Vec<(Range<usize>, f64)>,
    /// Durations in minutes.
    pub durations: Vec<(Range<usize>, f64)>,
    /// Bare counts.
    pub counts: Vec<(Range<usize>, f64)>,
}

/// Words that make a nearby number a temperature.
const TEMPERATURE_WORDS: &[&str] = &[
    "temp",
    "temps",
    "temperature",
    "temperatures",
    "fever",
    "thermometer",
    "reading",
    "read",
    "reads",
    "says",
    "said",
    "showing",
    "shows",
    "measured",
    "running",
    "hot",
];
/// Units after which a number is a dose, not a count of pills.
const DOSE_UNITS: &[&str] = &[
    "mg", "g", "ml", "mcg", "kg", "lb", "lbs", "percent", "am", "pm",
];
/// Words after a number that stop it being someone's age.
const NOT_AN_AGE: &[&str] = &[
    "pregnant",
    "ago",
    "gestation",
    "later",
    "before",
    "after",
    "late",
    "overdue",
    "early",
    "into",
];

/// Reads every age, temperature, duration and count in `tokens`.
pub fn read(tokens: &[Token]) -> Readings {
    let mut out = Readings::default();
    let word = |i: usize| tokens.get(i).map_or("", |t| t.raw.as_str());
    let mut i = 0;
    while i < tokens.len() {
        let Some((value, after)) = number_at(tokens, i) else {
            i += 1;
            continue;
        };
        let unit = word(after);
        if let Some(days) = age_unit(unit) {
            let old = matches!(word(after + 1), "old" | "olds" | "o");
            let introduced = i > 0 && matches!(word(i - 1), "is" | "s" | "aged" | "age" | "of");
            let end = after + 1 + usize::from(old);
            if (old || unit == "yo" || introduced) && !NOT_AN_AGE.contains(&word(after + 1)) {
                out.ages.push((i..end, value * days));
            }
            i = end;
        } else if let Some(minutes) = time_unit(unit) {
            if word(after + 1) != "ago" {
                out.durations.push((i..after + 1, value * minutes));
            }
            i = after + 1;
        } else if let Some((celsius, end)) = temperature(tokens, i, value) {
            out.temperatures.push((i..end, celsius));
            i = end;
        } else {
            let digits = tokens[i].number.is_some();
            if !DOSE_UNITS.contains(&unit) && (digits || value >= 2.0) && value.fract() == 0.0 {
                out.counts.push((i..after, value));
            }
            i = after;
        }
    }
    read_spelled_durations(tokens, &mut out);
    out
}

/// "for hours": hours without a number in front count as two.
fn read_spelled_durations(tokens: &[Token], out: &mut Readings) {
    for (i, t) in tokens.iter().enumerate() {
        let bare = i == 0 || number_at(tokens, i - 1).is_none();
        if matches!(t.raw.as_str(), "hours" | "hrs") && bare {
            out.durations.push((i..i + 1, 120.0));
        }
    }
}

/// A temperature starting at `i`: a number with a unit (C, F, degrees), a temperature word
/// just before it, or a decimal in the range of body temperatures. Returns °C and the end.
fn temperature(tokens: &[Token], i: usize, value: f64) -> Option<(f64, usize)> {
    let word = |j: usize| tokens.get(j).map_or("", |t| t.raw.as_str());
    let mut end = i + 1;
    let mut unit = None;
    if matches!(word(end), "degrees" | "degree" | "deg") {
        end += 1;
        unit = Some('?');
    }
    match word(end) {
        "c" | "celsius" | "centigrade" => (unit, end) = (Some('c'), end + 1),
        "f" | "fahrenheit" => (unit, end) = (Some('f'), end + 1),
        _ => {}
    }
    let context = tokens[i.saturating_sub(4)..i]
        .iter()
        .any(|t| TEMPERATURE_WORDS.contains(&t.raw.as_str()));
    let decimal = value.fract() != 0.0;
    let celsius_range = (34.0..=43.5).contains(&value);
    let fahrenheit_range = (93.0..=110.0).contains(&value);
    let known = unit.is_some() || context || decimal;
    match unit {
        Some('c') => Some((value, end)),
        Some('f') => Some(((value - 32.0) * 5.0 / 9.0, end)),
        _ if known && celsius_range => Some((value, end)),
        _ if known && fahrenheit_range => Some(((value - 32.0) * 5.0 / 9.0, end)),
        _ => None,
    }
}

/// The number starting at `i` (digits, or words such as "six", "twenty five", "a") and the
/// index just after it.
fn number_at(tokens: &[Token], i: usize) -> Option<(f64, usize)> {
    let t = tokens.get(i)?;
    if let Some(n) = t.number {
        return Some((n, i + 1));
    }
    let next = tokens.get(i + 1).map_or("", |n| n.raw.as_str());
    if t.raw == "half" && matches!(next, "a" | "an") {
        return Some((0.5, i + 2));
    }
    let value = spelled(&t.raw)?;
    match tokens.get(i + 1).and_then(|n| spelled(&n.raw)) {
        Some(unit) if value >= 20.0 && unit < 10.0 && value % 10.0 == 0.0 => {
            Some((value + unit, i + 2))
        }
        _ => Some((value, i + 1)),
    }
}

fn spelled(word: &str) -> Option<f64> {
    const WORDS: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if let Some(n) = WORDS.iter().position(|w| *w == word) {
        return Some(n as f64);
    }
    Some(match word {
        "a" | "an" => 1.0,
        "couple" => 2.0,
        "few" => 3.0,
        "several" => 4.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "hundred" => 100.0,
        _ => return None,
    })
}

/// Days in one age unit.
fn age_unit(unit: &str) -> Option<f64> {
    Some(match unit {
        "day" | "days" => 1.0,
        "week" | "weeks" | "wk" | "wks" => 7.0,
        "month" | "months" | "mo" | "mos" | "mth" | "mths" | "mnth" | "mnths" => 30.44,
        "year" | "years" | "yr" | "yrs" | "yo" | "y" => 365.25,
        _ => return None,
    })
}

/// Minutes in one unit of time.
fn time_unit(unit: &str) -> Option<f64> {
    Some(match unit {
        "second" | "seconds" | "sec" | "secs" => 1.0 / 60.0,
        "minute" | "minutes" | "min" | "mins" | "minuites" | "minits" => 1.0,
        "hour" | "hours" | "hr" | "hrs" => 60.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
