//! The pacer under tokio's paused clock: sends leave at once under the limits, and the
//! limits hold in every sliding window.

use super::*;

/// Sends `n` messages through `pacer`, each to `chat(i)`, concurrently, and returns when each
/// was let out, measured from the start.
async fn send_all(pacer: &Pacer, n: i64, lane: Lane, chat: fn(i64) -> i64) -> Vec<Duration> {
    let start = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let pacer = pacer.clone();
            tokio::spawn(async move {
                pacer.wait_turn(chat(i), lane).await;
                start.elapsed()
            })
        })
        .collect();
    let mut times = Vec::new();
    for t in tasks {
        times.push(t.await.unwrap());
    }
    times.sort();
    times
}

/// The most sends in any window of `window` (closed on both ends, the stricter count).
fn most_in_window(times: &[Duration], window: Duration) -> usize {
    times
        .iter()
        .enumerate()
        .map(|(i, &t)| times[i..].iter().take_while(|&&u| u <= t + window).count())
        .max()
        .unwrap_or(0)
}

#[tokio::test(start_paused = true)]
async fn a_send_under_every_limit_leaves_at_once() {
    let pacer = Pacer::default();
    let times = send_all(&pacer, 3, Lane::Reply, |i| i + 1).await;
    assert!(times.iter().all(|t| t.is_zero()), "{times:?}");
}

#[tokio::test(start_paused = true)]
async fn no_sliding_second_holds_more_than_telegrams_global_limit() {
    let pacer = Pacer::default();
    let times = send_all(&pacer, 200, Lane::Bulk, |i| i + 1).await;
    let most = most_in_window(&times, Duration::from_secs(1));
    assert!(most <= GLOBAL_PER_SECOND as usize, "{most} in one second");
    // Waiting only when it must: 200 sends at 24 a second take a little over 8 s.
    assert!(times[199] < Duration::from_secs(9), "{:?}", times[199]);
}

#[tokio::test(start_paused = true)]
async fn a_private_chat_gets_a_small_burst_then_one_message_a_second() {
    let pacer = Pacer::default();
    let times = send_all(&pacer, 8, Lane::Reply, |_| 7).await;
    assert!(times[..3].iter().all(|t| t.is_zero()), "{times:?}");
    assert_eq!(most_in_window(&times[3..], Duration::from_millis(999)), 1);
    assert!(times[7] <= Duration::from_secs(5), "{times:?}");
}

#[tokio::test(start_paused = true)]
async fn a_group_gets_at_most_twenty_three_messages_a_minute() {
    let pacer = Pacer::default();
    let times = send_all(&pacer, 30, Lane::Reply, |_| -100).await;
    assert!(most_in_window(&times, Duration::from_secs(60)) <= 20 + GROUP_BURST as usize);
}

#[tokio::test(start_paused = true)]
async fn a_reply_overtakes_a_broadcast_in_progress() {
    let pacer = Pacer::default();
    let bulk = {
        let pacer = pacer.clone();
        tokio::spawn(async move { send_all(&pacer, 300, Lane::Bulk, |i| i + 1).await })
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    let asked = Instant::now();
    pacer.wait_turn(999_999, Lane::Reply).await;
    assert!(asked.elapsed() <= GLOBAL_PERIOD, "{:?}", asked.elapsed());
    bulk.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_frozen_chat_waits_out_retry_after_and_others_do_not() {
    let pacer = Pacer::default();
    pacer.freeze(5, Duration::from_secs(3));
    let start = Instant::now();
    pacer.wait_turn(6, Lane::Reply).await;
    assert!(start.elapsed().is_zero());
    pacer.wait_turn(5, Lane::Reply).await;
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}
