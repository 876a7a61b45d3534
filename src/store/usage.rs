//! Anonymous usage counters for `/stats`: questions per day (and how many were answered) and
//! article reads. None of these is linked to a user.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, decode, encode};

const QUESTIONS: &str = "questions_daily.v1";
const READS: &str = "reads.v1";

/// Questions asked on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub asked: u64,
    pub answered: u64,
}

impl Store {
    /// Counts a question asked on `day`; `best` is the article that answered it, which also
    /// counts as a read. Not flushed: losing the last moments of counts in a crash is fine.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_question(&self, day: NaiveDate, best: Option<&str>) -> Result<(), StoreError> {
        let key = day.format("%Y-%m-%d").to_string();
        self.db
            .open_tree(QUESTIONS)?
            .update_and_fetch(key.as_bytes(), |old| {
                let mut count: DayCount = old
                    .and_then(|v| serde_json::from_slice(v).ok())
                    .unwrap_or_default();
                count.asked += 1;
                count.answered += u64::from(best.is_some());
                Some(encode(&count))
            })?;
        match best {
            Some(slug) => self.record_read(slug),
            None => Ok(()),
        }
    }

    /// Counts one read of an article. Not flushed, like [`Store::record_question`].
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn record_read(&self, slug: &str) -> Result<(), StoreError> {
        bump(&self.db.open_tree(READS)?, slug.as_bytes())
    }

    /// Question counts for each day from `from` to `to`, inclusive; missing days are zero.
    ///
    /// # Errors
    /// Returns a storage or decoding error.
    pub fn questions_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, DayCount)>, StoreError> {
        let tree = self.db.open_tree(QUESTIONS)?;
        from.iter_days()
            .take_while(|d| *d <= to)
            .map(|day| {
                let key = day.format("%Y-%m-%d").to_string();
                let count = match tree.get(key.as_bytes())? {
                    Some(v) => decode(QUESTIONS, key.as_bytes(), &v)?,
                    None => DayCount::default(),
                };
                Ok((day, count))
            })
            .collect()
    }

    /// Read counts of every article ever read, most read first.
    ///
    /// # Errors
    /// Returns a storage error.
    pub fn reads(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut all = self
            .db
            .open_tree(READS)?
            .iter()
            .map(|item| {
                let (key, value) = item?;
                Ok((String::from_utf8_lossy(&key).into_owned(), count(&value)))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(all)
    }
}

/// Adds one to the counter at `key`, a big-endian `u64`.
pub(super) fn bump(tree: &sled::Tree, key: &[u8]) -> Result<(), StoreError> {
    tree.update_and_fetch(key, |old| {
        let n = old.map_or(0, count);
        Some((n + 1).to_be_bytes().to_vec())
    })?;
    Ok(())
}

/// The value of a counter written by [`bump`]; anything else reads as 0.
pub(super) fn count(value: &[u8]) -> u64 {
    value.try_into().map_or(0, u64::from_be_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_counted_per_day_with_answered_ones() {
        let store = Store::temporary().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        store.record_question(day, Some("gout")).unwrap();
        store.record_question(day, None).unwrap();
        let prev = day.pred_opt().unwrap();
        let counts = store.questions_between(prev, day).unwrap();
        assert_eq!(counts[0].1, DayCount::default());
        assert_eq!(
            counts[1].1,
            DayCount {
                asked: 2,
                answered: 1
            }
        );
        assert_eq!(store.reads().unwrap(), [("gout".to_owned(), 1)]);
    }

    #[test]
    fn reads_are_sorted_most_read_first() {
        let store = Store::temporary().unwrap();
        for slug in ["a", "b", "b"] {
            store.record_read(slug).unwrap();
        }
        assert_eq!(store.reads().unwrap()[0], ("b".to_owned(), 2));
    }
}
