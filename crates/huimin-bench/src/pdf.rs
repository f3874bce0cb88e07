//! Printing a visit record: render time and size of the sample record at 1 and 5 pages, in
//! this process (no server, no database: the renderer alone).

use std::time::{Duration, Instant};

use huimin_server::records::pdf::render_visit_pdf;
use huimin_server::records::sample::sample_document;
use huimin_server::state::pdf_font::{FontSource, PdfFont};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Renders each sample `runs` times and prints the median, the slowest and the size.
pub fn run(runs: usize, font: &FontSource) -> anyhow::Result<()> {
    let started = Instant::now();
    let font = PdfFont::load(font).map_err(anyhow::Error::msg)?;
    println!(
        "huimin-bench pdf: font loaded in {:.1} ms, {runs} runs each",
        ms(started.elapsed())
    );
    for pages in [1, 5] {
        let doc = sample_document(pages);
        let mut times = Vec::with_capacity(runs);
        let mut size = 0;
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            let bytes = render_visit_pdf(&doc, &font)?;
            times.push(start.elapsed());
            size = bytes.len();
        }
        times.sort();
        println!(
            "sample of about {pages} page(s): {size} bytes, median {:.1} ms, max {:.1} ms",
            ms(times[times.len() / 2]),
            ms(*times.last().expect("one run at least")),
        );
    }
    Ok(())
}
