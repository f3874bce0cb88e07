//! `codes`: the ICD-10 search every server keeps in memory (`huimin_domain::records`), over a
//! generated table the size of the national clinical edition with a hospital's extensions.
//! The repository's seed (with its real names: 高血压, 2型糖尿病, …) is kept and padded with
//! generated codes whose names join seed names with common qualifiers, so names share
//! characters and readings as a real table's do.

use std::time::Instant;

use huimin_domain::records::{Chapter, Icd10Code, Icd10Entry, Icd10Index, parse_icd10_table};

const SEED: &str = include_str!("../../../data/icd10/seed.csv");

const QUALIFIERS: [&str; 16] = [
    "急性",
    "慢性",
    "复发性",
    "继发性",
    "左侧",
    "右侧",
    "双侧",
    "轻度",
    "中度",
    "重度",
    "伴有并发症",
    "不伴有并发症",
    "先天性",
    "老年性",
    "儿童",
    "妊娠期",
];

/// The seed, then generated codes until there are `size`.
pub fn table(size: usize) -> Vec<Icd10Entry> {
    let seed = parse_icd10_table(SEED).expect("the seed table is valid");
    let mut entries = seed.clone();
    let mut taken: std::collections::HashSet<Icd10Code> =
        entries.iter().map(|e| e.code.clone()).collect();
    let mut n = 0usize;
    while entries.len() < size {
        let base = &seed[n % seed.len()];
        let qualifier = QUALIFIERS[(n / seed.len()) % QUALIFIERS.len()];
        let raw = format!(
            "{}.{}{:02}x{:03}",
            base.category(),
            n % 10,
            (n / 10) % 100,
            n % 1000
        );
        n += 1;
        let Ok(code) = Icd10Code::parse(&raw) else {
            continue;
        };
        if !taken.insert(code.clone()) {
            continue;
        }
        let (name_zh, name_en) = if n.is_multiple_of(2) {
            (format!("{qualifier}{}", base.name_zh), None)
        } else {
            (format!("{}{qualifier}", base.name_zh), base.name_en.clone())
        };
        entries.push(Icd10Entry {
            chapter: Chapter::of_category(code.category()),
            code,
            name_zh,
            name_en,
        });
    }
    entries
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

/// Builds the index over `size` codes and runs each query `rounds` times, printing the
/// latencies of each.
pub fn run(size: usize, rounds: usize) {
    let started = Instant::now();
    let entries = table(size);
    let index = Icd10Index::new(entries);
    println!(
        "ICD-10 index: {} codes, built in {:.0} ms",
        index.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "{:<10} {:>6} {:>9} {:>9} {:>9}",
        "query", "hits", "p50 ms", "p99 ms", "max ms"
    );
    for query in ["gxy", "I10", "高血压", "tnb", "j069", "fy", "慢性"] {
        let mut times = Vec::with_capacity(rounds);
        let mut hits = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            hits = std::hint::black_box(index.search(query, 20)).len();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{query:<10} {hits:>6} {:>9.3} {:>9.3} {:>9.3}",
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            times[times.len() - 1]
        );
    }
}
