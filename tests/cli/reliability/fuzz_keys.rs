//! Fuzzed key tokens for `sb respond`: accepted keys reach the pane as keys (their exact bytes
//! where known, never as literal text); anything else exits 2 with nothing sent.

use super::{Rng, no_panic};
use crate::env::{TestEnv, stderr, wait_for};
use serde_json::Value;
use std::time::Duration;

const KEY_ATOMS: &[&str] = &[
    "Enter",
    "enter",
    "esc",
    "Escape",
    "Tab",
    "BTab",
    "Up",
    "down",
    "Left",
    "right",
    "Space",
    "BSpace",
    "Home",
    "End",
    "PageUp",
    "PgDn",
    "F1",
    "f12",
    "F13",
    "F0",
    "C-c",
    "c-a",
    "ctrl-x",
    "M-x",
    "alt-b",
    "C-;",
    "M-;",
    "C-",
    "C-ab",
    ";",
    "\\;",
    ";;",
    "1",
    "9",
    "y",
    "-",
    "--",
    "-t",
    "#",
    "{",
    "}",
    "'",
    "\"",
    "\\",
    "$",
    "~",
    "%",
    "ü",
    "✓",
    "🚀",
    " ",
    "",
    "\t",
    "\u{1b}",
    "\u{1b}[A",
    "\u{9b}",
    "\r",
    "\u{7f}",
    "Insert",
    "Delete",
    "PPage",
    "NPage",
    "IC",
    "DC",
    "Enter;",
    "Enter\\",
    "send-keys",
    "kill-server",
    "a;kill-server",
    "\u{a0}",
    "C-\u{1b}",
];

/// What a single validated key puts on the terminal, for the keys whose bytes are unambiguous.
fn key_bytes(key: &str) -> Option<Vec<u8>> {
    let mut cs = key.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        return Some(c.to_string().into_bytes());
    }
    Some(match key {
        "Enter" => b"\r".to_vec(),
        "Escape" => b"\x1b".to_vec(),
        "Tab" => b"\t".to_vec(),
        "Space" => b" ".to_vec(),
        "BSpace" => b"\x7f".to_vec(),
        "C-c" => b"\x03".to_vec(),
        "C-a" => b"\x01".to_vec(),
        "C-x" => b"\x18".to_vec(),
        "M-x" => b"\x1bx".to_vec(),
        "M-b" => b"\x1bb".to_vec(),
        _ => return None,
    })
}

#[test]
fn reliability_fuzz_key_tokens_send_validated_keys_or_exit_2_with_nothing_sent() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let mut rng = Rng::new(6);
    let mut ok = 0;
    for case in 0..90 {
        let n = 1 + rng.below(4);
        // The first cases are the tokens tmux could read as syntax, then random ones.
        let fixed: &[&[&str]] = &[&["C-;"], &["M-;"], &[";"], &["Enter", ";", "C-;"], &["\\;"]];
        let tokens: Vec<String> = match fixed.get(case) {
            Some(f) => f.iter().map(|t| t.to_string()).collect(),
            None => (0..n)
                .map(|_| {
                    if rng.chance(15) {
                        String::from_utf8_lossy(&rng.junk(6)).into_owned()
                    } else {
                        rng.pick(KEY_ATOMS).to_string()
                    }
                })
                .collect(),
        };
        let before = dev.bytes();
        let mut args = vec!["respond", "dev", "--json", "--"];
        args.extend(tokens.iter().map(String::as_str));
        let out = env.run(&args);
        no_panic(&out, &format!("case {case} {tokens:?}"));
        match out.status.code() {
            Some(0) => {
                ok += 1;
                let v: Value = serde_json::from_slice(&out.stdout).unwrap();
                let keys: Vec<String> = v["keys"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|k| k.as_str().unwrap().to_string())
                    .collect();
                assert_eq!(keys.len(), tokens.len(), "case {case}: one key per token");
                let want: Option<Vec<u8>> = keys
                    .iter()
                    .map(|k| key_bytes(k))
                    .collect::<Option<Vec<_>>>()
                    .map(|v| v.concat());
                wait_for(Duration::from_secs(5), || dev.bytes().len() > before.len());
                if let Some(want) = &want {
                    wait_for(Duration::from_secs(2), || {
                        dev.bytes().len() >= before.len() + want.len()
                    });
                }
                std::thread::sleep(Duration::from_millis(30));
                let got = dev.bytes()[before.len()..].to_vec();
                if let Some(want) = want {
                    assert_eq!(got, want, "case {case}: tokens {tokens:?} -> keys {keys:?}");
                }
                // A key name that tmux did not take as a key would arrive as its literal text
                // (checked when no single-character key could have produced the same text).
                let lit = String::from_utf8_lossy(&got).into_owned();
                if keys.iter().all(|k| k.chars().count() > 1) {
                    for k in &keys {
                        let prefix = k.get(..2).filter(|p| *p == "C-" || *p == "M-");
                        assert!(
                            !lit.contains(k.as_str()) && !prefix.is_some_and(|p| lit.contains(p)),
                            "case {case}: key {k:?} arrived as literal text: {lit:?}"
                        );
                    }
                }
            }
            Some(2) => {
                assert!(
                    stderr(&out).contains("key") || stderr(&out).contains("Usage"),
                    "case {case}: {}",
                    stderr(&out)
                );
                std::thread::sleep(Duration::from_millis(30));
                assert_eq!(
                    dev.bytes(),
                    before,
                    "case {case}: {tokens:?} refused, yet something was sent"
                );
            }
            other => panic!("case {case}: {tokens:?} exited {other:?}: {}", stderr(&out)),
        }
    }
    assert!(ok > 10, "enough valid cases ({ok})");
}
