//! CPU time per thread of this process, from Linux's `/proc/self/task/*/schedstat` (the
//! nanoseconds each thread ran). The p99 of a flash spreads by a third between identical runs
//! on a shared 2-core VM; the CPU the booking writer chain spends per booking varies far less,
//! so a change to the writer is compared on it.

use std::collections::BTreeMap;
use std::time::Duration;

/// Nanoseconds on a CPU so far, by thread id, with the thread's name.
#[derive(Clone, Debug, Default)]
pub struct ThreadTimes(BTreeMap<u32, (String, u64)>);

impl ThreadTimes {
    /// Every thread of this process now; empty where `/proc` is not Linux's.
    pub fn now() -> Self {
        let mut times = BTreeMap::new();
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
            return Self(times);
        };
        for task in tasks.flatten() {
            let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
                continue;
            };
            let path = task.path();
            let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
            let ran = std::fs::read_to_string(path.join("schedstat"))
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse().ok());
            if let Some(ran) = ran {
                times.insert(tid, (name.trim().to_owned(), ran));
            }
        }
        Self(times)
    }

    /// CPU time per thread name since `earlier` (threads of one name summed), busiest first.
    pub fn since(&self, earlier: &Self) -> Vec<(String, Duration)> {
        let mut by_name: BTreeMap<&str, u64> = BTreeMap::new();
        for (tid, (name, ran)) in &self.0 {
            let before = earlier.0.get(tid).map_or(0, |(_, r)| *r);
            *by_name.entry(name).or_default() += ran.saturating_sub(before);
        }
        let mut spent: Vec<(String, Duration)> = by_name
            .into_iter()
            .filter(|(_, ns)| *ns > 0)
            .map(|(name, ns)| (name.to_owned(), Duration::from_nanos(ns)))
            .collect();
        spent.sort_by_key(|(_, spent)| std::cmp::Reverse(*spent));
        spent
    }
}

/// The booking writer chain: the group writer's thread and SQLite's connection threads
/// (sqlx runs each connection on a thread of its own; in a booking rush the writer
/// connection's is by far the busiest).
pub fn is_writer_chain(name: &str) -> bool {
    name.starts_with("huimin-booking") || name.starts_with("sqlx-sqlite")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_spent_is_summed_per_name_and_sorted() {
        let earlier = ThreadTimes(BTreeMap::from([
            (1, ("a".into(), 100)),
            (2, ("b".into(), 0)),
        ]));
        let later = ThreadTimes(BTreeMap::from([
            (1, ("a".into(), 400)),
            (2, ("b".into(), 50)),
            (3, ("b".into(), 1_000)),
            (4, ("c".into(), 0)),
        ]));
        let spent = later.since(&earlier);
        assert_eq!(
            spent,
            vec![
                ("b".to_owned(), Duration::from_nanos(1_050)),
                ("a".to_owned(), Duration::from_nanos(300)),
            ]
        );
        assert!(is_writer_chain("sqlx-sqlite-worker-0"));
        assert!(!is_writer_chain("tokio-runtime-worker"));
    }

    #[test]
    fn this_thread_is_seen_on_linux() {
        if std::path::Path::new("/proc/self/task").exists() {
            assert!(!ThreadTimes::now().0.is_empty());
        }
    }
}
