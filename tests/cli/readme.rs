//! The README's commands are real: the quick-start commands that need no Claude Code run here
//! against scripted agents, exactly as written (panes given explicitly where the README runs
//! `sb register` inside a pane).

use crate::env::{TestEnv, stderr};

/// The `sb …` lines of the README's quick-start block.
fn quick_start() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("## Quick start")
        .expect("a quick start section");
    let block = &readme[start..];
    let code = &block[block.find("```sh").unwrap() + 5..];
    let code = &code[..code.find("```").unwrap()];
    code.lines()
        .filter_map(|l| {
            // `claude   # pane 1:  ! sb register gestor  (or …)` → `sb register gestor`
            let l = l.rsplit("! ").next().unwrap();
            let l = l
                .split("  #")
                .next()
                .unwrap()
                .split("  (")
                .next()
                .unwrap()
                .trim();
            l.starts_with("sb ").then(|| l.to_string())
        })
        .collect()
}

fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ' ') if !cur.is_empty() => words.push(std::mem::take(&mut cur)),
            (None, ' ') => {}
            (_, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

#[test]
fn readme_quick_start_commands_run() {
    let env = TestEnv::new();
    let cmds = quick_start();
    assert!(cmds.len() >= 6, "{cmds:?}");
    let mut agents = Vec::new();
    for line in &cmds {
        let mut words = shell_words(line);
        words.remove(0);
        match words[0].as_str() {
            "setup" => words.push("--dry-run".into()),
            "register" => {
                let a = env.agent(&words[1], &[]);
                words.extend(["--pane".to_string(), a.pane.clone()]);
                agents.push(a);
            }
            "watch" => words.extend([
                "--rounds".to_string(),
                "2".to_string(),
                "--interval".to_string(),
                "100ms".to_string(),
            ]),
            _ => {}
        }
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let out = env.run(&args);
        assert!(out.status.success(), "`{line}` failed: {}", stderr(&out));
    }
    let dev = agents
        .iter()
        .find(|a| a.record.to_string_lossy().contains("dev"))
        .unwrap();
    let got = dev.wait_inputs(2);
    assert_eq!(
        got[0],
        crate::env::Input::Paste("[from:gestor] take issue #14".into())
    );
}
