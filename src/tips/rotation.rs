//! Which tip a user gets next: every tip once, in a per-user shuffled order, before any
//! repeats.
//!
//! The state, which the store keeps per user, is a [`SeenTips`] set of tip ids, bounded by
//! the size of the library: when the user has seen every current tip the set starts over
//! with a new `round`, which also reshuffles the order. Ids of tips that were deleted are
//! dropped as soon as they are noticed.

use crate::store::SeenTips;

/// Picks the next tip for `user_id` from `tips` (id, item) and returns its index with the
/// updated [`SeenTips`] state to store. `None` only when there are no tips at all.
pub fn pick<T>(user_id: u64, tips: &[(String, T)], seen: &SeenTips) -> Option<(usize, SeenTips)> {
    if tips.is_empty() {
        return None;
    }
    let mut next = SeenTips {
        round: seen.round,
        // Forget ids that are no longer in the library, keeping the set bounded by it.
        ids: seen
            .ids
            .iter()
            .filter(|id| tips.iter().any(|(t, _)| t == *id))
            .cloned()
            .collect(),
    };
    if next.ids.len() >= tips.len() {
        next = SeenTips {
            round: seen.round.wrapping_add(1),
            ids: Vec::new(),
        };
    }
    let index = tips
        .iter()
        .enumerate()
        .filter(|(_, (id, _))| !next.ids.contains(id))
        .min_by_key(|(_, (id, _))| shuffle_key(user_id, next.round, id))
        .map(|(i, _)| i)?;
    next.ids.push(tips[index].0.clone());
    Some((index, next))
}

/// A stable pseudo-random rank of a tip for one user and round (FNV-1a, stable across Rust
/// versions, unlike `DefaultHasher`), so restarts keep each user's order.
fn shuffle_key(user_id: u64, round: u32, tip_id: &str) -> u64 {
    let bytes = user_id
        .to_le_bytes()
        .into_iter()
        .chain(round.to_le_bytes())
        .chain(tip_id.bytes());
    let hash = bytes.fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    // A final avalanche step: FNV alone ranks ids that differ only at the end too similarly.
    (hash ^ (hash >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library(n: usize) -> Vec<(String, ())> {
        (0..n).map(|i| (format!("t{i}"), ())).collect()
    }

    fn draw(user: u64, tips: &[(String, ())], seen: &mut SeenTips, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| {
                let (i, next) = pick(user, tips, seen).unwrap();
                *seen = next;
                tips[i].0.clone()
            })
            .collect()
    }

    #[test]
    fn no_tip_repeats_until_all_have_been_seen() {
        let tips = library(25);
        let mut seen = SeenTips::default();
        let mut first = draw(7, &tips, &mut seen, 25);
        first.sort();
        first.dedup();
        assert_eq!(first.len(), 25);
        let second = draw(7, &tips, &mut seen, 25);
        assert_eq!(seen.round, 1);
        assert!(second.iter().all(|id| tips.iter().any(|(t, _)| t == id)));
        assert_eq!(second.len(), 25);
    }

    #[test]
    fn users_get_different_orders_and_rounds_reshuffle() {
        let tips = library(30);
        let (mut a, mut b) = (SeenTips::default(), SeenTips::default());
        let first_a = draw(1, &tips, &mut a, 30);
        assert_ne!(first_a, draw(2, &tips, &mut b, 30));
        assert_ne!(first_a, draw(1, &tips, &mut a, 30));
    }

    #[test]
    fn deleted_tips_leave_the_seen_set_and_new_tips_come_next() {
        let mut tips = library(3);
        let mut seen = SeenTips::default();
        draw(5, &tips, &mut seen, 3);
        tips.remove(0);
        tips.push(("new".into(), ()));
        let (i, next) = pick(5, &tips, &seen).unwrap();
        assert_eq!(tips[i].0, "new");
        assert!(next.ids.len() <= tips.len());
    }

    #[test]
    fn empty_library_has_nothing_to_pick() {
        assert!(pick::<()>(1, &[], &SeenTips::default()).is_none());
    }
}
