//! Checks every fixture screen, plain and styled, against its `.expected.json` (README "Test rule").

use crate::detect::{Detection, State, classify};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Root of the screen fixtures (`tests/fixtures/screens`), one folder per agent.
pub const SCREENS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/screens");

#[derive(Debug, Deserialize)]
pub struct Expected {
    pub state: State,
    pub question: Option<String>,
    pub options: Option<Vec<ExpectedOption>>,
    pub draft: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ExpectedOption {
    #[allow(dead_code)]
    pub number: Option<u32>,
    pub label: String,
    pub selected: bool,
    pub checked: Option<bool>,
}

/// One fixture: its name, expected result, and the two captures.
pub struct Fixture {
    pub name: String,
    pub expected: Expected,
    pub txt: Option<String>,
    pub ansi: Option<String>,
}

fn read(path: &Path) -> Option<String> {
    std::fs::read(path)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Every `*.expected.json` under `SCREENS/<agent>/`, sorted by path.
pub fn load_all() -> Vec<Fixture> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in std::fs::read_dir(SCREENS).expect("fixtures dir").flatten() {
        if dir.path().is_dir() {
            for f in std::fs::read_dir(dir.path()).expect("agent dir").flatten() {
                if f.path().to_string_lossy().ends_with(".expected.json") {
                    paths.push(f.path());
                }
            }
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let stem = p
                .to_string_lossy()
                .trim_end_matches(".expected.json")
                .to_string();
            let json = read(&p).expect("expected.json readable");
            let expected =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let name = stem
                .rsplit('/')
                .take(2)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("/");
            Fixture {
                name,
                expected,
                txt: read(Path::new(&format!("{stem}.txt"))),
                ansi: read(Path::new(&format!("{stem}.ansi"))),
            }
        })
        .collect()
}

/// The README's test rule; returns one message per mismatch.
pub fn check(d: &Detection, e: &Expected, styled: bool) -> Vec<String> {
    let mut bad = Vec::new();
    if d.state != e.state {
        bad.push(format!(
            "state: expected {}, got {} (rule {}, line {:?})",
            e.state, d.state, d.evidence.rule, d.evidence.line
        ));
    }
    if let Some(q) = &e.question
        && !d
            .question
            .as_deref()
            .is_some_and(|got| got.contains(q.as_str()))
    {
        bad.push(format!(
            "question: expected to contain {q:?}, got {:?}",
            d.question
        ));
    }
    match &e.options {
        Some(want) => {
            let got: Vec<_> = d
                .options
                .iter()
                .map(|o| (o.label.as_str(), o.selected, o.checked))
                .collect();
            let exp: Vec<_> = want
                .iter()
                .map(|o| (o.label.as_str(), o.selected, o.checked))
                .collect();
            if got != exp {
                bad.push(format!(
                    "options:\n      expected {exp:?}\n      got      {got:?}"
                ));
            }
        }
        None if !d.options.is_empty() => {
            bad.push(format!("options: expected none, got {}", d.options.len()))
        }
        None => {}
    }
    if styled && d.draft != e.draft {
        bad.push(format!("draft: expected {:?}, got {:?}", e.draft, d.draft));
    }
    bad
}

#[test]
fn every_fixture_matches_its_expected_json() {
    let all = load_all();
    let per_agent = |a: &str| all.iter().filter(|f| f.name.starts_with(a)).count();
    for (agent, least) in [("claude-code/", 40), ("codex/", 17), ("gemini/", 17)] {
        assert!(
            per_agent(agent) >= least,
            "expected at least {least} {agent} fixtures under {SCREENS}, found {}",
            per_agent(agent)
        );
    }
    let mut failures = Vec::new();
    // Per agent folder: (txt ok, txt n, ansi ok, ansi n).
    let mut counts: std::collections::BTreeMap<String, [usize; 4]> = Default::default();
    for f in &all {
        let agent = f.name.split('/').next().unwrap_or("").to_string();
        for (form, text, styled) in [("txt", &f.txt, false), ("ansi", &f.ansi, true)] {
            let Some(text) = text else { continue };
            let d = classify(text, None);
            let bad = check(&d, &f.expected, styled);
            let c = counts.entry(agent.clone()).or_default();
            let k = if styled { 2 } else { 0 };
            c[k + 1] += 1;
            if bad.is_empty() {
                c[k] += 1;
            } else {
                failures.push(format!("{}.{form}:\n    {}", f.name, bad.join("\n    ")));
            }
        }
    }
    for (agent, [t, tn, a, an]) in &counts {
        eprintln!("fixtures {agent}: txt {t}/{tn} pass, ansi {a}/{an} pass");
    }
    assert!(
        failures.is_empty(),
        "{} fixture forms failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
