//! Load: 16 concurrent senders over 4 fake-agent panes with readers running alongside; every
//! message arrives once, in order, as its own paste, and the log and mailboxes agree.

use super::{Where, paste_enter_pairs, sb_at, strict_log};
use crate::env::{FakeAgent, TestEnv, stderr, stdout, wait_for};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Senders × sends each. The full size, 16 × 500 = 8,000 sends, passes but takes ~72 s on 2 cores
/// with the debug build (9 ms per send: an sb process and two tmux clients each), over this
/// file's budget; so the default is 16 × 100 = 1,600 sends over 4 panes (~19 s), with the guard on
/// (no --force). `SB_LOAD_SENDS=500 cargo test --test cli reliability_load` runs the full size.
const LOAD_PROCS: usize = 16;
const LOAD_PANES: usize = 4;

fn load_sends() -> usize {
    std::env::var("SB_LOAD_SENDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100)
}

fn load_text(p: usize, i: usize, k: usize) -> String {
    if i % 7 == 3 {
        format!("load s{p:02} n{i:04} to r{k}\nsecond line of s{p:02} n{i:04} end")
    } else {
        format!("load s{p:02} n{i:04} to r{k} end")
    }
}

#[test]
fn reliability_load_16_senders_4_panes_with_concurrent_readers() {
    let env = TestEnv::new();
    let sends = load_sends();
    let agents: Vec<FakeAgent> = (0..LOAD_PANES)
        .map(|k| env.role(&format!("r{k}")))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let reader_errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let readers: Vec<_> = (0..2)
        .map(|r| {
            let (stop, errors, at) = (stop.clone(), reader_errors.clone(), Where::of(&env));
            std::thread::spawn(move || {
                let mut runs = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let mut c = sb_at(&at);
                    if runs.is_multiple_of(2) {
                        c.args(["history", "--limit", "30", "--jsonl"]);
                    } else {
                        c.args([
                            "inbox",
                            &format!("r{}", (runs + r) % LOAD_PANES),
                            "--limit",
                            "10",
                            "--jsonl",
                        ]);
                    }
                    let out = c.output().unwrap();
                    runs += 1;
                    if !out.status.success() {
                        errors.lock().unwrap().push(format!(
                            "reader exit {:?}: {}",
                            out.status,
                            stderr(&out)
                        ));
                    }
                    for l in stdout(&out).lines() {
                        if serde_json::from_str::<Value>(l).is_err() {
                            errors
                                .lock()
                                .unwrap()
                                .push(format!("reader got a non-JSON line: {l:?}"));
                        }
                    }
                }
                runs
            })
        })
        .collect();
    let started = Instant::now();
    let senders: Vec<_> = (0..LOAD_PROCS)
        .map(|p| {
            let at = Where::of(&env);
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for i in 0..sends {
                    let k = (p + i) % LOAD_PANES;
                    let out = sb_at(&at)
                        .args([
                            "send",
                            &format!("r{k}"),
                            "--from",
                            &format!("s{p:02}"),
                            &load_text(p, i, k),
                        ])
                        .output()
                        .unwrap();
                    if !out.status.success() {
                        failures.push(format!("s{p} n{i}: {:?} {}", out.status, stderr(&out)));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = senders
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();
    let send_secs = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let reads: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(
        failures.is_empty(),
        "{} sends failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    let errs = reader_errors.lock().unwrap();
    assert!(
        errs.is_empty(),
        "readers saw: {:?}",
        &errs[..errs.len().min(5)]
    );
    eprintln!(
        "load: {} sends in {send_secs:.1}s ({:.1} ms each, {} concurrent), {reads} reader runs",
        LOAD_PROCS * sends,
        send_secs * 1000.0 / (LOAD_PROCS * sends) as f64,
        LOAD_PROCS
    );

    // The log: every message once, every line JSON, all delivered.
    let total = LOAD_PROCS * sends;
    let log = strict_log(&env.state.join("conversation.jsonl"));
    assert_eq!(log.len(), total, "every send logged exactly once");
    let ids: BTreeSet<&str> = log.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), total, "ids are unique");
    assert!(
        log.iter()
            .all(|m| m["delivered"] == true && m["submitted"] == true)
    );
    let logged: BTreeSet<(String, String)> = log
        .iter()
        .map(|m| {
            (
                m["from"].as_str().unwrap().into(),
                m["text"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = (0..LOAD_PROCS)
        .flat_map(|p| {
            (0..sends).map(move |i| (format!("s{p:02}"), load_text(p, i, (p + i) % LOAD_PANES)))
        })
        .collect();
    assert_eq!(logged, expected);

    for (k, agent) in agents.iter().enumerate() {
        let role = format!("r{k}");
        let want: Vec<(usize, usize)> = (0..LOAD_PROCS)
            .flat_map(|p| {
                (0..sends)
                    .filter(move |i| (p + i) % LOAD_PANES == k)
                    .map(move |i| (p, i))
            })
            .collect();
        wait_for(Duration::from_secs(30), || {
            agent.inputs().len() >= 2 * want.len()
        });
        std::thread::sleep(Duration::from_millis(100));
        let got = paste_enter_pairs(&agent.inputs(), &role);
        assert_eq!(
            got.len(),
            want.len(),
            "{role}: one paste + Enter per message, none merged or lost"
        );
        // Exactly its own messages, each once, and each sender's in the order sent.
        let mut seen = BTreeSet::new();
        let mut last_from: HashMap<usize, usize> = HashMap::new();
        for text in &got {
            let (tag, body) = text.split_once("] ").expect("tagged");
            let p: usize = tag.trim_start_matches("[from:s").parse().unwrap();
            let i: usize = body
                .split_whitespace()
                .nth(2)
                .and_then(|w| w[1..].parse().ok())
                .unwrap_or_else(|| panic!("{body:?}"));
            assert_eq!(
                body.replace('\r', "\n"),
                load_text(p, i, k),
                "{role} got a foreign or altered message"
            );
            assert!(seen.insert((p, i)), "{role} got s{p} n{i} twice");
            if let Some(prev) = last_from.insert(p, i) {
                assert!(prev < i, "{role}: s{p}'s n{i} arrived after n{prev}");
            }
        }
        // The log lists this pane's messages in the order the pane received them, and the
        // mailbox holds exactly those lines in that order.
        let log_order: Vec<String> = log
            .iter()
            .filter(|m| m["to"] == role.as_str())
            .map(|m| {
                format!(
                    "[from:{}] {}",
                    m["from"].as_str().unwrap(),
                    m["text"].as_str().unwrap()
                )
            })
            .collect();
        let pasted: Vec<String> = got.iter().map(|t| t.replace('\r', "\n")).collect();
        assert_eq!(log_order, pasted, "{role}: log order is delivery order");
        let mbox = strict_log(&env.state.join(format!("mailbox/{role}.jsonl")));
        let conv_for_role: Vec<&Value> = log.iter().filter(|m| m["to"] == role.as_str()).collect();
        assert_eq!(
            mbox.iter().collect::<Vec<_>>(),
            conv_for_role,
            "{role}'s mailbox"
        );
    }
}
