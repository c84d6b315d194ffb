//! The committed completions/ and man/ match what `sb generate` writes now; `SB_BLESS=1 cargo test`
//! rewrites them. The bash script parses.

use crate::env::SB;
use std::path::Path;

fn check_dir(kind: &str, committed: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(SB)
        .args(["generate", kind])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dest = root.join(committed);
    let mut stale = Vec::new();
    let mut fresh: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    fresh.sort();
    for name in &fresh {
        let new = std::fs::read(tmp.path().join(name)).unwrap();
        if std::fs::read(dest.join(name)).ok().as_ref() != Some(&new) {
            stale.push(name.clone());
        }
    }
    let extra: Vec<String> = std::fs::read_dir(&dest)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !fresh.contains(n))
                .collect()
        })
        .unwrap_or_default();
    if std::env::var_os("SB_BLESS").is_some() {
        std::fs::create_dir_all(&dest).unwrap();
        for name in &fresh {
            std::fs::copy(tmp.path().join(name), dest.join(name)).unwrap();
        }
        for name in &extra {
            std::fs::remove_file(dest.join(name)).unwrap();
        }
        return;
    }
    assert!(
        stale.is_empty() && extra.is_empty(),
        "{committed}/ is stale (changed: {stale:?}, no longer generated: {extra:?}); run `SB_BLESS=1 cargo test --test cli generated` and commit"
    );
}

#[test]
fn completions_are_fresh() {
    check_dir("completions", "completions");
}

#[test]
fn man_pages_are_fresh() {
    check_dir("man", "man");
}

#[test]
fn bash_completion_parses() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/sb.bash");
    let out = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
