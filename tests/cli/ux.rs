//! The first ten minutes (issue #14): what a new user meets, one test per item.

use crate::env::{SB, TestEnv, stderr, stdout, wait_for};
use serde_json::{Value, json};
use std::io::{BufRead, Write};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// `s` without SGR escapes (`ESC [ … m`).
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\x1b' && it.peek() == Some(&'[') {
            for c in it.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Write `lines` as the conversation log (and create a private state dir).
fn write_log(env: &TestEnv, msgs: &[Value]) {
    std::fs::create_dir_all(env.state.join("mailbox")).unwrap();
    let mut f = std::fs::File::create(env.state.join("conversation.jsonl")).unwrap();
    for m in msgs {
        writeln!(f, "{m}").unwrap();
    }
}

fn msg(id: &str, ts: &str, from: &str, to: &str, text: &str, delivered: bool) -> Value {
    json!({"id": id, "ts": ts, "from": from, "to": to, "text": text, "delivered": delivered,
           "submitted": delivered, "error": if delivered { Value::Null } else { json!("pane %3 is gone") }})
}

fn rfc3339(t: SystemTime) -> String {
    // What sb writes, via the `date` tool, so the test does not borrow sb's own formatter.
    let secs = t.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%S.000Z"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

// 1. The coloured peers table is aligned.
#[test]
fn ux_peers_table_rows_have_one_width_with_colour_on() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let _rev = env.role("reviewer-with-a-long-name");
    let out = env.run(&["peers", "--color", "always"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(table.contains("\x1b["), "colour is on: {table:?}");
    let widths: Vec<usize> = table
        .lines()
        .map(|l| strip_sgr(l).chars().count())
        .collect();
    assert!(widths.len() >= 5, "{table}");
    assert!(
        widths.iter().all(|w| *w == widths[0]),
        "every row as wide as the first: {widths:?}\n{}",
        strip_sgr(&table)
    );
    // The same table without colour is the same text.
    let plain = stdout(&env.run(&["peers", "--color", "never"]));
    assert_eq!(strip_sgr(&table), plain);
}

// 2. History shows local time, the date when not today; --utc; JSON stays UTC.
#[test]
fn ux_history_shows_local_time_and_the_date_when_not_today() {
    let env = TestEnv::new();
    let now = SystemTime::now();
    let now_ts = rfc3339(now);
    write_log(
        &env,
        &[
            msg(
                "01",
                "2024-12-31T23:30:00.000Z",
                "gestor",
                "dev",
                "old year",
                true,
            ),
            msg(
                "02",
                "2025-01-01T03:00:00.000Z",
                "dev",
                "reviewer",
                "after midnight UTC",
                false,
            ),
            msg(
                "03",
                "2025-06-01T12:00:00.000Z",
                "reviewer",
                "gestor",
                "summer\nsecond line",
                true,
            ),
            msg("04", &now_ts, "gestor", "dev", "today", true),
        ],
    );
    let history = |extra: &[&str]| {
        let mut args = vec!["history", "--color", "never"];
        args.extend_from_slice(extra);
        let out = env
            .sb()
            .env("TZ", "America/New_York")
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let local = history(&[]);
    let utc = history(&["--utc"]);
    let (local_old, local_today) = local.trim_end().rsplit_once('\n').unwrap();
    let (utc_old, _) = utc.trim_end().rsplit_once('\n').unwrap();
    insta::assert_snapshot!("history_new_york", local_old);
    insta::assert_snapshot!("history_utc", utc_old);
    // Today: the time of day only, in New York time.
    let secs = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let want = std::process::Command::new("date")
        .env("TZ", "America/New_York")
        .args(["-d", &format!("@{secs}"), "+%H:%M:%S"])
        .output()
        .unwrap();
    let want = String::from_utf8(want.stdout).unwrap();
    assert_eq!(
        local_today.trim_end(),
        format!("{} gestor → dev  today", want.trim())
    );
    // JSON keeps the RFC 3339 UTC stamp.
    let out = env
        .sb()
        .env("TZ", "America/New_York")
        .args(["--json", "history"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"][0]["ts"], "2024-12-31T23:30:00.000Z");
}

// Expected: each role keeps its colour; undelivered messages stand out.
#[test]
fn ux_history_colours_each_role_the_same_way_and_marks_undelivered() {
    let env = TestEnv::new();
    write_log(
        &env,
        &[
            msg(
                "01",
                "2025-06-01T12:00:00.000Z",
                "gestor",
                "dev",
                "one",
                true,
            ),
            msg(
                "02",
                "2025-06-01T12:01:00.000Z",
                "dev",
                "gestor",
                "two",
                false,
            ),
            msg(
                "03",
                "2025-06-01T12:02:00.000Z",
                "gestor",
                "reviewer",
                "three",
                true,
            ),
        ],
    );
    let run = || stdout(&env.run(&["history", "--color", "always"]));
    let out = run();
    assert_eq!(out, run(), "stable across runs");
    // The escape sequence right before each occurrence of a role name.
    let colour_of = |line: &str, role: &str| {
        let i = line.find(&format!("{role}\x1b[")).unwrap();
        let start = line[..i].rfind('\x1b').unwrap();
        line[start..i].to_string()
    };
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(colour_of(lines[0], "gestor"), colour_of(lines[2], "gestor"));
    assert_eq!(colour_of(lines[0], "dev"), colour_of(lines[1], "dev"));
    assert!(strip_sgr(lines[1]).starts_with("✗ "), "{}", lines[1]);
    assert!(strip_sgr(lines[1]).contains("[undelivered: pane %3 is gone]"));
    assert!(!strip_sgr(lines[0]).starts_with("✗"));
}

// 3. Results go to stdout, diagnostics to stderr.
#[test]
fn ux_results_are_on_stdout_so_scripts_can_capture_them() {
    let env = TestEnv::new();
    let a = env.agent("dev", &[]);
    for (args, want) in [
        (
            vec!["register", "dev", "--pane", a.pane.as_str()],
            "registered dev on pane",
        ),
        (vec!["send", "dev", "hi"], "sent to dev ("),
        (
            vec!["prompt", "set", "dev", "brief"],
            "saved the briefing of dev",
        ),
        (vec!["prompt", "rm", "dev"], "removed the briefing of dev"),
        (vec!["unregister", "dev"], "unregistered dev"),
    ] {
        let out = env.run(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).starts_with(want), "{args:?}: {}", stdout(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

// 4. --json is one document; streams use --jsonl.
#[test]
fn ux_json_is_one_document_and_streams_use_jsonl() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    for args in [
        vec!["--json", "history", "--follow"],
        vec!["--json", "watch", "--rounds", "1"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("--jsonl"), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["kind"], "usage");
    }
    let out = env.run(&["watch", "--jsonl", "--rounds", "2", "--interval", "100ms"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|e| e["role"] == "dev"));
}

// 5. Usage errors look like every other error; structured errors for machines (#13).
#[test]
fn ux_usage_errors_print_sb_error_and_exit_2() {
    let env = TestEnv::new();
    let out = env.run(&["send", "dev", "--when-ready=hi", "there"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("usage_when_ready", stderr(&out));
    let out = env.run(&["send"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("sb: error: "), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let out = env.run(&["--json", "bogus"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "usage");
    assert_eq!(v["error"]["exit_code"], 2);
    // --help and --version are not errors.
    let out = env.run(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("sb "));
}

#[test]
fn ux_json_failures_print_a_structured_error_on_stdout() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let out = env.run(&["--json", "send", "nobody", "hi"]);
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON document on stdout");
    assert_eq!(
        v,
        json!({"error": {
            "kind": "unknown_role",
            "message": "unknown role \"nobody\"",
            "hint": "registered roles: dev; register a new one with `sb register ROLE`",
            "exit_code": 3,
            "message_id": null
        }})
    );
    assert!(
        stderr(&out)
            .starts_with("sb: error: unknown role \"nobody\"\n  hint: registered roles: dev"),
        "stderr keeps the human line: {}",
        stderr(&out)
    );
    // Without --json, stdout stays empty.
    assert!(env.run(&["send", "nobody", "hi"]).stdout.is_empty());
}

// 6. Completions: hidden commands never offered; role names from the registry.
#[test]
fn ux_completions_hide_hidden_commands_in_every_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = env
            .sb()
            .env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", "1")
            .args(["--", "sb", ""])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let words: Vec<String> = stdout(&out)
            .split(['\n', '\x0b'])
            .map(|w| w.split([':', '\t']).next().unwrap().to_string())
            .collect();
        assert!(words.contains(&"send".to_string()), "{shell}: {words:?}");
        for hidden in ["generate", "agent"] {
            assert!(
                !words.contains(&hidden.to_string()),
                "{shell} offers {hidden}"
            );
        }
        // The committed script asks sb itself, so it cannot go stale.
        let script = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("completions")
                .join(match shell {
                    "bash" => "sb.bash",
                    "zsh" => "_sb",
                    "fish" => "sb.fish",
                    "elvish" => "sb.elv",
                    _ => "_sb.ps1",
                }),
        )
        .unwrap();
        assert!(script.contains("COMPLETE"), "{shell}");
        assert!(!script.contains("generate"), "{shell}");
    }
}

#[test]
fn ux_completions_offer_registered_role_names() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let _rev = env.role("reviewer");
    let complete = |words: &[&str]| {
        let mut args = vec!["--", "sb"];
        args.extend_from_slice(words);
        let out = env
            .sb()
            .env("COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", words.len().to_string())
            .args(&args)
            .output()
            .unwrap();
        stdout(&out)
            .split(['\x0b', '\n'])
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for cmd in [
        &["send"][..],
        &["peek"],
        &["detect"],
        &["respond"],
        &["wait"],
        &["inbox"],
        &["prompt", "get"],
        &["prompt", "set"],
        &["prompt", "rm"],
        &["unregister"],
    ] {
        let mut words = cmd.to_vec();
        words.push("");
        let got = complete(&words);
        assert!(
            got.contains(&"dev".to_string()) && got.contains(&"reviewer".to_string()),
            "{cmd:?}: {got:?}"
        );
        words.pop();
        words.push("re");
        assert_eq!(complete(&words), ["reviewer"], "{cmd:?}");
    }
    // Through the committed bash script, in a real bash, as a user's TAB runs it.
    let dir = std::path::Path::new(SB).parent().unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/sb.bash");
    let bash = std::process::Command::new("bash")
        .env_clear()
        .env(
            "PATH",
            format!("{}:{}", dir.display(), std::env::var("PATH").unwrap()),
        )
        .env("SESSION_BRIDGE_DIR", &env.state)
        .env("HOME", &env.home)
        .args([
            "--norc",
            "-c",
            &format!(
                "source {}; COMP_WORDS=(sb send d); COMP_CWORD=2; _clap_complete_sb sb d sb; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                script.display()
            ),
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&bash).trim(), "dev", "{}", stderr(&bash));
}

// 7. tmux installed but no server: say so, and how sb picks its socket.
#[test]
fn ux_no_tmux_server_names_the_socket_and_how_it_was_chosen() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    env.kill_server();
    // Until the server has finished exiting, a client may see it die instead.
    assert!(wait_for(Duration::from_secs(5), || {
        stderr(&env.run(&["peek", "dev"])).contains("no tmux server is running")
    }));
    let out = env.run(&["peek", "dev"]);
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out).replace(env.sock.to_str().unwrap(), "<socket>");
    insta::assert_snapshot!("no_tmux_server", err);
    let v: Value = serde_json::from_slice(&env.run(&["--json", "peek", "dev"]).stdout).unwrap();
    assert_eq!(v["error"]["kind"], "no_tmux_server");
    // No --socket and no SB_TMUX_SOCKET: the socket of $TMUX, else tmux's default.
    let tmp = env.dir.path().join("tmuxtmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let out = env
        .sb()
        .env_remove("SB_TMUX_SOCKET")
        .env("TMUX", format!("{}/elsewhere,1,0", tmp.display()))
        .args(["peek", "dev"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "on socket {}/elsewhere (from $TMUX)",
            tmp.display()
        )),
        "{}",
        stderr(&out)
    );
    let out = env
        .sb()
        .env_remove("SB_TMUX_SOCKET")
        .env("TMUX_TMPDIR", &tmp)
        .args(["peek", "dev"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("on socket {}/tmux-", tmp.display()))
            && stderr(&out).contains("/default (tmux's default)"),
        "{}",
        stderr(&out)
    );
}

// 9. Unknown roles are named, with the known ones and a guess.
#[test]
fn ux_unknown_roles_exit_3_with_the_known_roles() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    for args in [
        vec!["inbox", "nosuch"],
        vec!["history", "--role", "nosuch"],
        vec!["watch", "--notify", "nosuch"],
        vec!["watch", "--roles", "dev,nosuch"],
    ] {
        let start = Instant::now();
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{args:?} checked at start"
        );
        assert!(
            stderr(&out).starts_with("sb: error: unknown role \"nosuch\"")
                && stderr(&out).contains("registered roles: dev"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // A typo gets a guess.
    let out = env.run(&["send", "deb", "hi"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("hint: did you mean dev? registered roles: dev"),
        "{}",
        stderr(&out)
    );
    // A sender that is not registered: one warning, the message still goes.
    let out = env.run(&["send", "dev", "--from", "ghost", "hi"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).starts_with("sb: warning: --from \"ghost\" is not a registered role"));
    // …and is known to history from then on.
    assert!(env.run(&["history", "--role", "ghost"]).status.success());
    // A second role on one pane: a warning.
    let out = env.run(&["register", "second", "--pane", &dev.pane]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("also carries dev"),
        "{}",
        stderr(&out)
    );
    // A leading '-' is refused: such a role could not be used on the command line.
    let out = env.run(&["register", "--pane", &dev.pane, "--", "-dev"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("starts with '-'"), "{}", stderr(&out));
    // A dead pane cannot be registered.
    env.tmux(&["set-option", "-wg", "remain-on-exit", "on"]);
    let dead = env.tmux(&["new-window", "-d", "-P", "-F", "#{pane_id}", "true"]);
    let dead = dead.trim();
    wait_for(Duration::from_secs(5), || {
        env.tmux(&["display-message", "-p", "-t", dead, "#{pane_dead}"])
            .trim()
            == "1"
    });
    let out = env.run(&["register", "zombie", "--pane", dead]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("has exited"), "{}", stderr(&out));
    assert!(!env.read("registry.json").contains("zombie"));
}

// 11. The kept demo can be used from the shell.
#[test]
fn ux_demo_env_prints_exports_that_point_sb_at_the_demo() {
    let env = TestEnv::new();
    let out = env.run(&["demo", "--keep", "--env"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert_eq!(line.lines().count(), 1, "{line}");
    let vars: Vec<(String, String)> = line
        .trim()
        .strip_prefix("export ")
        .unwrap()
        .split(' ')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), v.trim_matches('\'').to_string())
        })
        .collect();
    assert_eq!(vars[0].0, "SESSION_BRIDGE_DIR");
    assert_eq!(vars[1].0, "SB_TMUX_SOCKET");
    let peers = env
        .sb()
        .env("SESSION_BRIDGE_DIR", &vars[0].1)
        .env("SB_TMUX_SOCKET", &vars[1].1)
        .args(["--json", "peers"])
        .output()
        .unwrap();
    let _ = std::process::Command::new("tmux")
        .args(["-S", &vars[1].1, "kill-server"])
        .output();
    let v: Value = serde_json::from_slice(&peers.stdout).unwrap();
    let _ = std::fs::remove_dir_all(std::path::Path::new(&vars[0].1).parent().unwrap());
    let alive: Vec<(&str, bool)> = v["peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["role"].as_str().unwrap(), p["alive"] == true))
        .collect();
    assert_eq!(alive, [("dev", true), ("gestor", true), ("reviewer", true)]);
}

// 13. peek -n 0, watch | head -1, prompt set sanitized, invalid UTF-8, bidi controls.
#[test]
fn ux_peek_zero_prints_the_whole_scrollback() {
    let env = TestEnv::new();
    let _first = env.agent("first", &[]);
    let pane = env.tmux(&[
        "new-window",
        "-d",
        "-P",
        "-F",
        "#{pane_id}",
        "seq 1 300; exec sleep 600",
    ]);
    let pane = pane.trim();
    wait_for(Duration::from_secs(5), || {
        env.tmux(&["capture-pane", "-p", "-t", pane])
            .contains("300")
    });
    assert!(
        env.run(&["register", "lines", "--pane", pane])
            .status
            .success()
    );
    let all = stdout(&env.run(&["peek", "lines", "-n", "0"]));
    let nums: Vec<&str> = all.lines().collect();
    assert_eq!(nums.first(), Some(&"1"), "{all}");
    assert_eq!(nums.last(), Some(&"300"));
    assert_eq!(nums.len(), 300);
    assert_eq!(
        stdout(&env.run(&["peek", "lines", "-n", "2"])),
        "299\n300\n"
    );
    let v: Value =
        serde_json::from_slice(&env.run(&["--json", "peek", "lines", "-n", "0"]).stdout).unwrap();
    assert_eq!(v["lines"], 0);
}

#[test]
fn ux_watch_exits_at_once_when_its_reader_goes_away() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let mut child = std::process::Command::new(SB)
        .env("SESSION_BRIDGE_DIR", &env.state)
        .env("SB_TMUX_SOCKET", &env.sock)
        .args(["watch", "--jsonl", "--interval", "100ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.contains("\"dev\""), "{line}");
    // `head -1` exits: the pipe closes. No further event is coming (dev stays idle).
    drop(reader);
    let start = Instant::now();
    let exited = wait_for(Duration::from_secs(3), || {
        child.try_wait().unwrap().is_some()
    });
    let _ = child.kill();
    let status = child.wait().unwrap();
    assert!(
        exited,
        "still running {:?} after the reader left",
        start.elapsed()
    );
    assert!(status.success(), "{status:?}");
}

#[test]
fn ux_text_is_sanitized_and_invalid_utf8_is_accepted_with_a_warning() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    // prompt set sanitizes like send; prompt get prints no escape.
    let out = env.run(&["prompt", "set", "dev", "be \x1b[31mred\x07\r\nnow"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&env.run(&["prompt", "get", "dev"])),
        "be [31mred\nnow\n"
    );
    // Invalid UTF-8 on stdin (a Latin-1 file): U+FFFD and a warning, for send and prompt set.
    let run_stdin = |args: &[&str], input: &[u8]| {
        let mut c = env.sb();
        c.args(args).write_stdin(input.to_vec());
        c.output().unwrap()
    };
    let out = run_stdin(&["send", "dev", "-"], b"caf\xe9 cr\xe8me\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("not valid UTF-8"), "{}", stderr(&out));
    assert_eq!(
        env.log("conversation.jsonl")[0]["text"],
        "caf\u{fffd} cr\u{fffd}me"
    );
    let out = run_stdin(&["prompt", "set", "dev", "-"], b"r\xe9sum\xe9");
    assert!(out.status.success());
    assert!(stderr(&out).contains("not valid UTF-8"));
    assert_eq!(
        stdout(&env.run(&["prompt", "get", "dev"])),
        "r\u{fffd}sum\u{fffd}\n"
    );
    // Bidi overrides and Unicode line separators never reach the pane or the log.
    std::thread::sleep(Duration::from_millis(300));
    let out = env.run(&[
        "send",
        "dev",
        "--force",
        "ok\u{202e}nimda\u{202c} \u{2066}x\u{2069}\u{2028}y",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.log("conversation.jsonl")[1]["text"], "oknimda x\ny");
}

// 15. A newer registry format is read, never rewritten.
#[test]
fn ux_a_newer_registry_format_is_not_rewritten() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let path = env.state.join("registry.json");
    let mut reg: Value = serde_json::from_str(&env.read("registry.json")).unwrap();
    reg["version"] = json!(2);
    reg["roles"]["dev"]["new_field"] = json!({"from": "the future"});
    let bytes = serde_json::to_vec_pretty(&reg).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    for args in [
        vec!["register", "other", "--pane", dev.pane.as_str()],
        vec!["unregister", "dev"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("has format version 2; this sb understands version 1"),
            "{}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("hint: a newer sb wrote this state"));
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
    // Reading still works.
    let v: Value = serde_json::from_slice(&env.run(&["--json", "peers"]).stdout).unwrap();
    assert_eq!(v["peers"][0]["role"], "dev");
    assert_eq!(v["peers"][0]["alive"], true);
}

// Expected: "what is new for me".
#[test]
fn ux_inbox_unread_and_mark_read() {
    let env = TestEnv::new();
    let _dev = env.role("dev");
    let texts = |args: &[&str]| -> Vec<String> {
        let out = env.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).unwrap()["text"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    for t in ["one", "two"] {
        assert!(
            env.run(&["send", "dev", "--force", "--no-submit", t])
                .status
                .success()
        );
    }
    assert_eq!(
        texts(&["inbox", "dev", "--unread", "--jsonl"]),
        ["one", "two"]
    );
    assert_eq!(
        texts(&["inbox", "dev", "--unread", "--mark-read", "--jsonl"]),
        ["one", "two"]
    );
    assert!(texts(&["inbox", "dev", "--unread", "--jsonl"]).is_empty());
    let out = env.run(&["inbox", "dev", "--unread"]);
    assert_eq!(stderr(&out).trim(), "no unread messages for dev");
    assert!(
        env.run(&["send", "dev", "--force", "--no-submit", "three"])
            .status
            .success()
    );
    assert_eq!(texts(&["inbox", "dev", "--unread", "--jsonl"]), ["three"]);
    // Without --unread, the inbox is unchanged.
    assert_eq!(texts(&["inbox", "dev", "--jsonl"]), ["one", "two", "three"]);
    let v: Value = serde_json::from_str(&env.read("read.json")).unwrap();
    assert!(v["read"]["dev"].is_string());
}
