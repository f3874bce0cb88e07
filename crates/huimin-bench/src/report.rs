use std::time::Duration;

/// Latencies of one operation.
pub struct OpReport {
    pub name: &'static str,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
    pub errors: usize,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

pub fn print(reports: &[OpReport]) {
    println!(
        "{:<28} {:>8} {:>7} {:>10} {:>9} {:>9} {:>9}",
        "operation", "count", "errors", "req/s", "p50 ms", "p99 ms", "max ms"
    );
    for r in reports {
        let mut sorted = r.latencies.clone();
        sorted.sort_unstable();
        let rate = sorted.len() as f64 / r.elapsed.as_secs_f64().max(1e-9);
        println!(
            "{:<28} {:>8} {:>7} {:>10.0} {:>9} {:>9} {:>9}",
            r.name,
            sorted.len(),
            r.errors,
            rate,
            ms(percentile(&sorted, 50.0)),
            ms(percentile(&sorted, 99.0)),
            ms(sorted.last().copied().unwrap_or_default()),
        );
    }
}

/// The flash's p99 target: the timeline counts the attempts slower than this.
const SLOW: Duration = Duration::from_millis(50);

/// Attempts by when they started (`(start, latency, booked)`), in `step` buckets: how many
/// started, how many booked, their median and slowest latency, and how many took longer than
/// the flash's p99 target ([`SLOW`]). Shows where a tail comes from (the first wave, the last
/// places, or the sold-out answers).
pub fn print_timeline(attempts: &[(Duration, Duration, bool)], step: Duration) {
    let mut buckets: std::collections::BTreeMap<u128, (Vec<Duration>, usize)> =
        std::collections::BTreeMap::new();
    for (start, latency, booked) in attempts {
        let bucket = buckets
            .entry(start.as_micros() / step.as_micros().max(1))
            .or_default();
        bucket.0.push(*latency);
        bucket.1 += usize::from(*booked);
    }
    println!(
        "{:>12} {:>8} {:>7} {:>9} {:>9} {:>8}",
        "started ms", "count", "booked", "p50 ms", "max ms", "> 50 ms"
    );
    for (n, (mut latencies, booked)) in buckets {
        latencies.sort_unstable();
        let from = n * step.as_millis();
        println!(
            "{:>12} {:>8} {:>7} {:>9} {:>9} {:>8}",
            format!("{from}–{}", from + step.as_millis()),
            latencies.len(),
            booked,
            ms(percentile(&latencies, 50.0)),
            ms(latencies.last().copied().unwrap_or_default()),
            latencies.iter().filter(|l| **l > SLOW).count(),
        );
    }
}

/// How the booking groups went since the server started (setup books nothing).
pub fn print_groups(groups: huimin_store::appointments::GroupStats) {
    println!(
        "booking groups: {} decided, {} fell back",
        groups.decided, groups.fell_back
    );
}

/// How busy the machine was while the places sold, and what the PostgreSQL processes took of
/// it per booking (zero on SQLite).
pub fn print_selling(selling: Option<(Duration, crate::threads::MachineTimes)>, booked: i64) {
    let Some((took, spent)) = selling else {
        return;
    };
    let cores = (spent.busy + spent.idle).max(1) as f64;
    let busy = 100.0 * spent.busy as f64 / cores;
    let mut line = format!("while selling ({} ms): cores {busy:.0} % busy", ms(took));
    if spent.postgres > 0 && booked > 0 {
        let per_booking = spent.postgres as f64 / 1e3 / booked as f64;
        let share = 100.0 * spent.postgres as f64 / cores;
        line.push_str(&format!(
            ", PostgreSQL processes {} ms ({share:.0} % of the cores, {per_booking:.0} µs per booking)",
            ms(Duration::from_nanos(spent.postgres))
        ));
    }
    println!("{line}");
}

/// CPU time by thread name from the release to the last answer, and the booking writer
/// chain's per booking.
pub fn print_cpu(cpu: &[(String, Duration)], booked: i64) {
    if cpu.is_empty() {
        return;
    }
    let listed: Vec<String> = cpu
        .iter()
        .take(6)
        .map(|(name, spent)| format!("{name} {} ms", ms(*spent)))
        .collect();
    println!("CPU by thread: {}", listed.join(", "));
    let chain: Duration = cpu
        .iter()
        .filter(|(name, _)| crate::threads::is_writer_chain(name))
        .map(|(_, spent)| *spent)
        .sum();
    if booked > 0 {
        let per_booking = chain.as_secs_f64() * 1e6 / booked as f64;
        println!(
            "booking writer chain: {} ms, {per_booking:.1} µs per booking",
            ms(chain)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_ranks() {
        let data: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&data, 50.0), Duration::from_millis(51));
        assert_eq!(percentile(&data, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&[], 99.0), Duration::ZERO);
    }
}
