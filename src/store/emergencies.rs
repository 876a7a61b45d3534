//! Anonymous emergency counters for `/stats`: how many questions raised each red flag on each
//! day. Only the day, the flag's id and a count are kept: no user id, no chat, no text.

use chrono::NaiveDate;

use super::usage::{bump, count};
use super::{Store, StoreError};

const EMERGENCIES: &str = "emergencies_daily.v1";

/// Red flags raised on one day: (flag id, count), most raised first.
pub type DayFlags = Vec<(String, u64)>;

impl Store {
    /// Counts one question that raised `flag` on `day`. Not flushed, like the other usage
    /// counters: losing the last moments of counts in a crash is fine.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_emergency(&self, day: NaiveDate, flag: &str) -> Result<(), StoreError> {
        let key = format!("{}/{flag}", day.format("%Y-%m-%d"));
        bump(&self.db.open_tree(EMERGENCIES)?, key.as_bytes())
    }

    /// Red flags raised on each day from `from` to `to`, inclusive; days without any are left
    /// out.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn emergencies_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, DayFlags)>, StoreError> {
        let tree = self.db.open_tree(EMERGENCIES)?;
        let mut out = Vec::new();
        for day in from.iter_days().take_while(|d| *d <= to) {
            let prefix = format!("{}/", day.format("%Y-%m-%d"));
            let mut flags = tree
                .scan_prefix(prefix.as_bytes())
                .map(|item| {
                    let (key, value) = item?;
                    let flag = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
                    Ok((flag, count(&value)))
                })
                .collect::<Result<DayFlags, StoreError>>()?;
            if !flags.is_empty() {
                flags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                out.push((day, flags));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emergencies_are_counted_per_day_and_flag() {
        let store = Store::temporary().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let prev = day.pred_opt().unwrap();
        for flag in ["stroke", "crisis", "stroke"] {
            store.record_emergency(day, flag).unwrap();
        }
        store.record_emergency(prev, "choking").unwrap();
        let week = store
            .emergencies_between(prev - chrono::Duration::days(5), day)
            .unwrap();
        assert_eq!(
            week,
            [
                (prev, vec![("choking".to_owned(), 1)]),
                (
                    day,
                    vec![("stroke".to_owned(), 2), ("crisis".to_owned(), 1)]
                ),
            ]
        );
    }
}
