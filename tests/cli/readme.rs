//! The README's commands are real: the quick-start commands run here exactly as written, in a
//! fresh project directory, with the starter team's Claude Code sessions replaced by scripted
//! agents.

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
    assert!(cmds.len() >= 4, "{cmds:?}");
    assert!(
        cmds[0].starts_with("sb init") && cmds[1].starts_with("sb up"),
        "{cmds:?}"
    );
    let project = env.dir.path().join("shop");
    std::fs::create_dir_all(&project).unwrap();
    let rec = |role: &str| env.dir.path().join(format!("{role}.rec"));
    for line in &cmds {
        let mut words = shell_words(line);
        words.remove(0);
        match words[0].as_str() {
            "up" => {
                // the starter team, each Claude Code replaced by a scripted agent
                let file = project.join("sb.toml");
                let mut toml = std::fs::read_to_string(&file).unwrap();
                for role in ["gestor", "dev", "reviewer"] {
                    let agent = format!(
                        "command = \"{} agent --record {}\"",
                        crate::env::SB,
                        rec(role).display()
                    );
                    toml = toml.replacen("agent = \"claude\"", &agent, 1);
                }
                assert!(!toml.contains("agent = \"claude\""));
                std::fs::write(&file, toml).unwrap();
            }
            "down" => words.extend(["--grace".to_string(), "1s".to_string()]),
            _ => {}
        }
        let out = env
            .sb()
            .current_dir(&project)
            .args(&words)
            .output()
            .unwrap();
        assert!(out.status.success(), "`{line}` failed: {}", stderr(&out));
        if words[0] == "send" {
            crate::env::wait_for(std::time::Duration::from_secs(10), || {
                !crate::env::parse_inputs(&std::fs::read(rec("dev")).unwrap_or_default()).is_empty()
            });
        }
    }
    let got = crate::env::parse_inputs(&std::fs::read(rec("dev")).unwrap());
    assert_eq!(
        got[0],
        crate::env::Input::Paste("[from:gestor] take issue #14".into())
    );
    // `sb down` left nothing behind
    let peers = env.run(&["peers", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&peers.stdout).unwrap();
    assert_eq!(v["peers"], serde_json::json!([]));
}
