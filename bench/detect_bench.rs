//! Benchmark of the screen classifier: `sb::detect::classify` on a 40-line fixture screen (plain
//! and styled) and on 2,000-line captures (old conversation scrollback above the same screen).
//!
//! A plain `main` (harness = false); run with `cargo bench --bench detect_bench`. Prints the
//! median and the 90th percentile per call in µs over timed batches after a warm-up.

use std::hint::black_box;
use std::time::Instant;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/screens/claude-code"
);

fn read(name: &str) -> String {
    let path = format!("{FIXTURES}/{name}");
    String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .into_owned()
}

/// Median and p90 of the per-call time in µs, over `batches` batches of `per_batch` calls.
fn time(input: &str, batches: usize, per_batch: usize) -> (f64, f64) {
    for _ in 0..per_batch {
        black_box(sb::detect::classify(black_box(input), None));
    }
    let mut samples: Vec<f64> = (0..batches)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..per_batch {
                black_box(sb::detect::classify(black_box(input), None));
            }
            t.elapsed().as_secs_f64() * 1e6 / per_batch as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], samples[samples.len() * 9 / 10])
}

/// `screen` with old conversation above it, `lines` lines in all.
fn tall(screen: &str, filler: &str, lines: usize) -> String {
    let mut out = String::new();
    let need = lines.saturating_sub(screen.lines().count());
    for line in filler.lines().cycle().take(need) {
        out.push_str(line);
        out.push('\n');
    }
    out + screen
}

fn main() {
    let plain = read("45-bash-permission-prompt.txt");
    let styled = read("45-bash-permission-prompt.ansi");
    let idle_plain = read("64-assistant-asked-free-text-question-idle.txt");
    let idle_styled = read("64-assistant-asked-free-text-question-idle.ansi");
    let cases = [
        ("40 lines, plain (permission dialog)", plain.clone()),
        ("40 lines, styled (permission dialog)", styled.clone()),
        ("40 lines, plain (idle, question)", idle_plain.clone()),
        ("40 lines, styled (idle, question)", idle_styled.clone()),
        ("2000 lines, plain", tall(&plain, &idle_plain, 2000)),
        ("2000 lines, styled", tall(&styled, &idle_styled, 2000)),
    ];
    println!(
        "{:<40} {:>10} {:>10} {:>10}",
        "input", "bytes", "median µs", "p90 µs"
    );
    for (name, input) in &cases {
        let (median, p90) = time(input, 31, 50);
        println!("{name:<40} {:>10} {median:>10.1} {p90:>10.1}", input.len());
    }
}
