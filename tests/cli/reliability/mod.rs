//! Reliability and security: load with concurrent readers, SIGKILL mid-write, a dying tmux server,
//! full or read-only disks, a missing tmux, fuzzed logs, registries, key tokens and message text,
//! and the state dir's defences (role names, symlinks, modes, reused pane ids).
//!
//! Tests are named `reliability_*` or `security_*`. Fuzz tests use a fixed-seed PRNG; set
//! `SB_TEST_SEED` to explore other seeds (a failure prints the seed). No timing assertions.
//!
//! This file holds the shared helpers (the PRNG, commands, strict log parsing, input checks); the
//! tests live in one file per theme.

mod crash;
mod faults;
mod fuzz_keys;
mod fuzz_logs;
mod fuzz_text;
mod load;
mod security_paths;
mod security_state;

use crate::env::{Input, SB, TestEnv, stderr};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

// ---------------------------------------------------------------------------------------------
// helpers

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn new(salt: u64) -> Rng {
        Rng(seed() ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        // The remainder is below n, so it fits a usize.
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next().to_le_bytes()[0]).collect()
    }
    /// 1..=max random bytes.
    fn junk(&mut self, max: usize) -> Vec<u8> {
        let n = 1 + self.below(max);
        self.bytes(n)
    }
}

fn seed() -> u64 {
    std::env::var("SB_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5B_2026)
}

/// A plain `Command` for sb with TestEnv's cleared environment (for spawn, kill and custom PATH).
fn sb(env: &TestEnv) -> Command {
    sb_at(&Where::of(env))
}

/// What a command needs to reach a TestEnv, cloneable into threads.
#[derive(Clone)]
struct Where {
    home: PathBuf,
    state: PathBuf,
    sock: PathBuf,
}

impl Where {
    fn of(env: &TestEnv) -> Where {
        Where {
            home: env.home.clone(),
            state: env.state.clone(),
            sock: env.sock.clone(),
        }
    }
}

fn sb_at(w: &Where) -> Command {
    let mut c = Command::new(SB);
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &w.home)
        .env("SESSION_BRIDGE_DIR", &w.state)
        .env("SB_TMUX_SOCKET", &w.sock)
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null());
    c
}

fn run_stdin(env: &TestEnv, args: &[&str], input: &[u8]) -> Output {
    let mut child = sb(env)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = input.to_vec();
    let w = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    w.join().unwrap();
    out
}

fn no_panic(o: &Output, what: &str) {
    let e = stderr(o);
    assert!(
        !e.contains("panicked") && !e.contains("RUST_BACKTRACE") && o.status.code().is_some(),
        "{what}: sb crashed (status {:?}): {e}",
        o.status
    );
}

/// Every line of a log file: (complete lines, trailing bytes without a newline).
fn lines_of(path: &Path) -> (Vec<Vec<u8>>, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap_or_default();
    let mut lines: Vec<Vec<u8>> = bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let tail = lines.pop().unwrap_or_default();
    (lines, tail)
}

/// Parse every line of a log strictly (all complete, all JSON objects, nothing torn), and fold
/// each message's write-ahead `sending` record and its outcome into one, as readers do: one
/// entry per message, its last record at the place of its first.
fn strict_log(path: &Path) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for v in strict_raw(path) {
        let same = v["outcome"]
            .is_string()
            .then(|| {
                out.iter()
                    .position(|m| m["outcome"].is_string() && m["id"] == v["id"])
            })
            .flatten();
        if let Some(i) = same {
            out.remove(i);
        }
        out.push(v);
    }
    out
}

/// Every line of a log, parsed strictly.
fn strict_raw(path: &Path) -> Vec<Value> {
    let (lines, tail) = lines_of(path);
    assert!(
        tail.is_empty(),
        "{}: a torn last line: {:?}",
        path.display(),
        String::from_utf8_lossy(&tail)
    );
    lines
        .iter()
        .map(|l| {
            serde_json::from_slice::<Value>(l).unwrap_or_else(|e| {
                panic!(
                    "{}: not a JSON line ({e}): {:?}",
                    path.display(),
                    String::from_utf8_lossy(l)
                )
            })
        })
        .collect()
}

fn pastes(inputs: &[Input]) -> Vec<String> {
    inputs
        .iter()
        .filter_map(|i| match i {
            Input::Paste(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// Assert the inputs are (paste, Enter) pairs and nothing else; return the pastes.
fn paste_enter_pairs(inputs: &[Input], who: &str) -> Vec<String> {
    assert!(
        inputs.len().is_multiple_of(2),
        "{who}: odd number of inputs"
    );
    inputs
        .chunks(2)
        .map(|pair| match pair {
            [Input::Paste(t), Input::Key(b'\r')] => t.clone(),
            other => panic!("{who}: not one paste followed by its own Enter: {other:?}"),
        })
        .collect()
}

/// Names of every file under `dir` (relative), for "nothing was created" checks.
fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            out.insert(p.strip_prefix(dir).unwrap().to_path_buf());
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            }
        }
    }
    out
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}
