//! Reading ages, temperatures, durations and counts, and parsing measures from the rules file.

use super::super::tokens::tokenize;
use super::*;

/// The values of one kind of reading in `text`, rounded to one decimal.
fn values(text: &str, kind: fn(Readings) -> Vec<(Range<usize>, f64)>) -> Vec<f64> {
    let readings = kind(read(&tokenize(text)));
    readings
        .into_iter()
        .map(|(_, v)| (v * 10.0).round() / 10.0)
        .collect()
}

fn ages(text: &str) -> Vec<f64> {
    values(text, |r| r.ages)
        .into_iter()
        .map(f64::round)
        .collect()
}

fn temps(text: &str) -> Vec<f64> {
    values(text, |r| r.temperatures)
}

fn minutes(text: &str) -> Vec<f64> {
    values(text, |r| r.durations)
}

fn counts(text: &str) -> Vec<f64> {
    values(text, |r| r.counts)
}

#[test]
fn ages_are_read_in_any_spelling() {
    assert_eq!(ages("my 6 week old"), [42.0]);
    assert_eq!(ages("a 2-month-old baby"), [61.0]);
    assert_eq!(ages("baby is 8 weeks and hot"), [56.0]);
    assert_eq!(ages("she's six weeks old"), [42.0]);
    assert_eq!(ages("my 3yo"), [1096.0]);
}

#[test]
fn durations_and_pregnancies_are_not_ages() {
    assert!(ages("I'm 8 weeks pregnant").is_empty());
    assert!(ages("a cough for 8 weeks").is_empty());
    assert!(ages("it started 2 days ago").is_empty());
}

#[test]
fn temperatures_are_read_in_celsius_and_fahrenheit() {
    assert_eq!(temps("temp is 38.5"), [38.5]);
    assert_eq!(temps("thermometer says 101F"), [38.3]);
    assert_eq!(temps("39 degrees"), [39.0]);
    assert_eq!(temps("a fever of 101"), [38.3]);
    assert_eq!(temps("it read 38,2 then 100.8"), [38.2, 38.2]);
}

#[test]
fn other_numbers_are_not_temperatures() {
    assert!(temps("my 38 year old husband").is_empty());
    assert!(temps("39 weeks pregnant").is_empty());
    assert!(temps("took 40 pills").is_empty());
    assert!(temps("oxygen reading is 82").is_empty());
}

#[test]
fn durations_count_minutes() {
    assert_eq!(minutes("fitting for 10 minutes"), [10.0]);
    assert_eq!(minutes("over five mins now"), [5.0]);
    assert_eq!(minutes("for half an hour"), [30.0]);
    assert!(minutes("it happened 20 mins ago").is_empty());
}

#[test]
fn counts_skip_doses_and_other_readings() {
    assert_eq!(counts("took like 30 of her pills"), [30.0]);
    assert_eq!(counts("fifteen tablets"), [15.0]);
    assert!(counts("two 500mg tablets").iter().all(|n| *n == 2.0));
}

#[test]
fn measures_parse_amounts_with_units() {
    assert_eq!(
        Measure::parse("age_under", "3 months"),
        Ok(Measure::AgeUnder(3.0 * 30.44))
    );
    let Ok(Measure::TemperatureAtLeast(c)) = Measure::parse("temperature_at_least", "100.4 F")
    else {
        panic!("not a temperature");
    };
    assert!((c - 38.0).abs() < 0.01);
    assert!(Measure::parse("lasting_at_least", "5 parsecs").is_err());
    assert!(Measure::parse("count_at_least", "6").is_ok());
    assert_eq!(
        Measure::parse("age_at_least", "14 years"),
        Ok(Measure::AgeAtLeast(14.0 * 365.25))
    );
    assert!(Measure::parse("count_under", "93 C").is_err());
}
