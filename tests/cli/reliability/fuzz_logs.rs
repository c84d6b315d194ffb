//! Fuzzed state files: mutated JSONL logs are read without a panic and skipped lines counted;
//! mutated registries exit 1 naming the file and are never rewritten.

use super::{Rng, no_panic, seed};
use crate::env::{TestEnv, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;

fn message_line(i: usize) -> String {
    serde_json::json!({
        "id": format!("{i:026}"), "ts": "2026-11-26T10:00:00.000Z", "from": "gestor", "to": "dev",
        "text": format!("message {i}\nwith a second line ✓"), "delivered": true, "submitted": true,
        "error": null
    })
    .to_string()
}

#[test]
fn reliability_fuzz_jsonl_reader_never_panics_and_counts_what_it_skips() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.state.join("mailbox")).unwrap();
    let originals: Vec<String> = (0..400).map(message_line).collect();
    let clean = originals.join("\n") + "\n";
    let mut rng = Rng::new(4);
    let conv = env.state.join("conversation.jsonl");
    for case in 0..120 {
        let mut bytes = clean.clone().into_bytes();
        for _ in 0..1 + rng.below(6) {
            let junk = match rng.below(6) {
                0 => rng.junk(40),
                1 => b"\n".to_vec(),
                2 => b"{\"id\":".to_vec(),
                3 => vec![0xff, 0xfe, b'"', b'\\'],
                4 => rng.junk(70_000), // spans read blocks
                _ => b"}\n{".to_vec(),
            };
            let at = if rng.chance(30) {
                bytes.len()
            } else {
                rng.below(bytes.len() + 1)
            };
            bytes.splice(at..at, junk);
        }
        if rng.chance(20) {
            bytes.truncate(rng.below(bytes.len() + 1));
        }
        std::fs::write(&conv, &bytes).unwrap();
        std::fs::write(env.state.join("mailbox/dev.jsonl"), &bytes).unwrap();
        let segments: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
        let nonblank = segments
            .iter()
            .filter(|s| !s.iter().all(u8::is_ascii_whitespace))
            .count();
        let intact: BTreeSet<String> = segments
            .iter()
            .filter_map(|s| std::str::from_utf8(s).ok())
            .filter(|s| originals.iter().any(|o| o == s))
            .map(|s| {
                serde_json::from_str::<Value>(s).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        for args in [
            vec!["history", "--limit", "0", "--json"],
            vec!["inbox", "dev", "--limit", "0", "--json"],
        ] {
            let out = env.run(&args);
            no_panic(&out, &format!("case {case} (seed {})", seed()));
            assert_eq!(
                out.status.code(),
                Some(0),
                "case {case} {args:?}: {}",
                stderr(&out)
            );
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            let got: BTreeSet<String> = v["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_string())
                .collect();
            let skipped = usize::try_from(v["skipped"].as_u64().unwrap()).unwrap();
            assert!(
                intact.is_subset(&got),
                "case {case} (seed {}): an intact line was lost",
                seed()
            );
            assert_eq!(
                got.len() + skipped,
                nonblank,
                "case {case}: every non-blank line is a record or counted as skipped"
            );
            if skipped > 0 {
                assert!(
                    stderr(&out).contains(&format!("skipped {skipped}")),
                    "case {case}: {}",
                    stderr(&out)
                );
            }
        }
        let out = env.run(&["history", "--limit", "20", "--jsonl"]);
        assert_eq!(out.status.code(), Some(0), "case {case}: {}", stderr(&out));
        assert!(
            stdout(&out)
                .lines()
                .all(|l| serde_json::from_str::<Value>(l).is_ok())
        );
    }
}

#[test]
fn reliability_fuzz_registry_parser_exits_1_naming_the_file_and_never_rewrites_it() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let reg = env.state.join("registry.json");
    let good = std::fs::read(&reg).unwrap();
    let mut rng = Rng::new(5);
    let mut fixed: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{}".to_vec(),
        b"\"registry\"".to_vec(),
        b"{\"version\":1,\"roles\":[]}".to_vec(),
        b"{\"version\":-1,\"roles\":{}}".to_vec(),
        b"{\"version\":1,\"roles\":{\"dev\":{\"pane\":3}}}".to_vec(),
        b"{\"version\":1,\"roles\":{\"dev\":{\"pane\":\"%0\",\"server_pid\":99999999999999999999}}}".to_vec(),
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        format!("{{\"version\":1,\"roles\":{}}}", "{\"a\":".repeat(50_000)).into_bytes(),
        vec![0xff; 100],
    ];
    for _ in 0..50 {
        let mut m = good.clone();
        match rng.below(4) {
            0 => m.truncate(rng.below(m.len())),
            1 => {
                for _ in 0..1 + rng.below(4) {
                    let i = rng.below(m.len());
                    m[i] = rng.next().to_le_bytes()[0];
                }
            }
            2 => {
                let at = rng.below(m.len());
                let junk = rng.junk(20);
                m.splice(at..at, junk);
            }
            _ => m = rng.junk(500),
        }
        fixed.push(m);
    }
    for (case, bytes) in fixed.iter().enumerate() {
        std::fs::write(&reg, bytes).unwrap();
        let parses = serde_json::from_slice::<Value>(bytes).is_ok();
        for args in [
            vec!["peers"],
            vec!["send", "dev", "fuzz"],
            vec!["register", "x", "--pane", &dev.pane],
        ] {
            let typed = dev.bytes().len();
            let out = env.run(&args);
            no_panic(&out, &format!("case {case} {args:?}"));
            let code = out.status.code();
            if matches!(code, Some(0 | 3 | 4)) {
                // Some mutations are still a valid registry (a changed digit or name, a blank
                // file): then the command just runs (ok, unknown role, pane gone).
                assert!(
                    bytes.iter().all(u8::is_ascii_whitespace) || parses,
                    "case {case}: accepted a non-JSON registry"
                );
                std::fs::write(&reg, bytes).unwrap();
                continue;
            }
            assert_eq!(code, Some(1), "case {case} {args:?}: {}", stderr(&out));
            assert!(
                stderr(&out).contains("registry.json"),
                "case {case}: the error names the file: {}",
                stderr(&out)
            );
            assert_eq!(
                &std::fs::read(&reg).unwrap(),
                bytes,
                "case {case} {args:?}: the file was left as it is"
            );
            assert_eq!(dev.bytes().len(), typed, "case {case}: nothing typed");
        }
    }
}
