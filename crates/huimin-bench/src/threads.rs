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

/// The whole machine's CPU, sampled from a thread of its own while a flash runs: how busy
/// the cores were, and how much of it the PostgreSQL processes took (their backends,
/// WAL writer and checkpointer, read from `/proc/PID/schedstat`). On PostgreSQL the booking
/// work is mostly theirs, and this process's threads do not show it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MachineTimes {
    /// Nanoseconds all cores ran anything (from `/proc/stat`, in USER_HZ ticks).
    pub busy: u64,
    /// Nanoseconds all cores were idle or waiting for I/O.
    pub idle: u64,
    /// Nanoseconds the PostgreSQL processes ran.
    pub postgres: u64,
}

impl MachineTimes {
    /// Now, counting the PostgreSQL processes among `pids` ([`postgres_pids`]).
    pub fn now(postgres: &[u32]) -> Self {
        let (busy, idle) = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|stat| cpu_line(&stat))
            .unwrap_or_default();
        let postgres = postgres
            .iter()
            .filter_map(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
                    .ok()?
                    .split_whitespace()
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .sum();
        Self {
            busy,
            idle,
            postgres,
        }
    }

    /// What was spent between `earlier` and `self`.
    pub fn since(&self, earlier: &Self) -> Self {
        Self {
            busy: self.busy.saturating_sub(earlier.busy),
            idle: self.idle.saturating_sub(earlier.idle),
            postgres: self.postgres.saturating_sub(earlier.postgres),
        }
    }
}

/// The processes named `postgres` now.
pub fn postgres_pids() -> Vec<u32> {
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    processes
        .flatten()
        .filter_map(|p| p.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|name| name.trim() == "postgres")
        })
        .collect()
}

/// The busy and idle nanoseconds of `/proc/stat`'s first line (`cpu user nice system idle
/// iowait irq softirq steal …`, in ticks of 1/100 s).
fn cpu_line(stat: &str) -> Option<(u64, u64)> {
    const NANOS_PER_TICK: u64 = 10_000_000;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .strip_prefix("cpu ")?
        .split_whitespace()
        .take(8)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let idle = fields.get(3)? + fields.get(4)?;
    let busy = fields.iter().sum::<u64>() - idle;
    Some((busy * NANOS_PER_TICK, idle * NANOS_PER_TICK))
}

/// Samples [`MachineTimes`] every few milliseconds on a thread of its own until stopped.
pub struct MachineSampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<Vec<(std::time::Instant, MachineTimes)>>>,
}

impl MachineSampler {
    pub fn start(every: Duration) -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("bench-sampler".into())
            .spawn(move || {
                let mut samples = Vec::new();
                let mut postgres = postgres_pids();
                while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
                    // Connections opened since (the booking writer's open with its first
                    // group) are found every 25th sample (a scan of every process's name,
                    // which the cores the server runs on pay for); a backend born in the
                    // window counts whole, which it ran in the window.
                    if samples.len() % 25 == 24 {
                        postgres = postgres_pids();
                    }
                    samples.push((std::time::Instant::now(), MachineTimes::now(&postgres)));
                    std::thread::sleep(every);
                }
                samples.push((std::time::Instant::now(), MachineTimes::now(&postgres)));
                samples
            })
            .ok();
        Self { stop, thread }
    }

    /// The samples taken, oldest first.
    pub fn stop(mut self) -> Vec<(std::time::Instant, MachineTimes)> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

/// What the machine spent from the last sample at or before `from` to the first at or after
/// `to`, with the time between those two samples; `None` without such samples.
pub fn spent_between(
    samples: &[(std::time::Instant, MachineTimes)],
    from: std::time::Instant,
    to: std::time::Instant,
) -> Option<(Duration, MachineTimes)> {
    let start = samples.iter().rev().find(|(at, _)| *at <= from)?;
    let end = samples.iter().find(|(at, _)| *at >= to)?;
    Some((end.0.duration_since(start.0), end.1.since(&start.1)))
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
    #[test]
    fn the_cpu_line_splits_busy_from_idle() {
        let stat = "cpu  100 5 50 1000 20 3 2 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n";
        let (busy, idle) = cpu_line(stat).expect("parsed");
        assert_eq!(busy, (100 + 5 + 50 + 3 + 2) * 10_000_000);
        assert_eq!(idle, (1000 + 20) * 10_000_000);
        assert_eq!(cpu_line("intr 1 2 3"), None);
    }

    #[test]
    fn the_window_takes_the_samples_around_it() {
        let t0 = std::time::Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let times = |busy| MachineTimes {
            busy,
            idle: 0,
            postgres: busy / 2,
        };
        let samples = vec![(at(0), times(0)), (at(10), times(10)), (at(20), times(30))];
        let (took, spent) = spent_between(&samples, at(5), at(15)).expect("window");
        assert_eq!(took, Duration::from_millis(20));
        assert_eq!(spent.busy, 30);
        assert_eq!(spent.postgres, 15);
        assert!(spent_between(&samples, at(5), at(25)).is_none());
    }
}
