//! The formulary search every server keeps in memory (`huimin_domain::prescriptions::Formulary`,
//! names through the shared `PinyinIndex`), over a generated formulary the size of a regional
//! platform's dictionary. `cargo bench -p huimin-domain --bench formulary [-- DRUGS ROUNDS]`
//! prints p50/p99 per query. The shipped seed (阿莫西林, 华法林, …) is kept and padded with
//! generated products: each seed drug again under a maker's brand and strength, so names share
//! characters and readings as a real dictionary's do.

use std::time::Instant;

use huimin_domain::prescriptions::{Drug, Formulary, Micro, parse_formulary};

const MAKERS: [&str; 12] = [
    "华北",
    "石药",
    "恒瑞",
    "齐鲁",
    "扬子江",
    "科伦",
    "复星",
    "华润",
    "白云山",
    "正大",
    "哈药",
    "悦康",
];

/// The seed, then generated products until there are `size`.
fn drugs(size: usize) -> Vec<Drug> {
    let seed = parse_formulary(huimin_domain::prescriptions::formulary::SEED)
        .expect("the seed formulary is valid");
    let mut drugs = seed.clone();
    let mut n = 0usize;
    while drugs.len() < size {
        let base = &seed[n % seed.len()];
        let maker = MAKERS[(n / seed.len()) % MAKERS.len()];
        let mut drug = base.clone();
        drug.code = format!("G{n:06}");
        drug.brands = vec![format!("{maker}{}", base.generic.zh)];
        drug.strength = Micro(base.strength.0 * (1 + (n as u64 / seed.len() as u64) % 4));
        drugs.push(drug);
        n += 1;
    }
    drugs
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

fn run(size: usize, rounds: usize) {
    let started = Instant::now();
    let formulary = Formulary::new(drugs(size));
    println!(
        "formulary: {} drugs, indexed in {:.0} ms",
        formulary.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "{:<10} {:>6} {:>9} {:>9} {:>9}",
        "query", "hits", "p50 ms", "p99 ms", "max ms"
    );
    for query in [
        "amxl",
        "阿莫西林",
        "hfl",
        "EM0007",
        "warfarin",
        "ktl",
        "片",
        "洛赛克",
    ] {
        let mut times = Vec::with_capacity(rounds);
        let mut hits = 0;
        for _ in 0..rounds {
            let start = Instant::now();
            hits = std::hint::black_box(formulary.search(query, 20)).len();
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

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let size = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let rounds = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    run(size, rounds);
}
