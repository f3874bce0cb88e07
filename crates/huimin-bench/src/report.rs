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
