//! Domain errors over MCP: `isError: true` tool results carrying the CLI's message, not JSON-RPC
//! errors.

use super::{Mcp, cli_err, norm_id};
use crate::env::TestEnv;
use serde_json::json;

#[test]
fn mcp_domain_errors_are_tool_results_with_the_cli_message() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let (mut m, _) = Mcp::start(&env);

    let unknown = m.err("send", json!({"to": "nobody", "text": "hi"}));
    assert!(unknown.starts_with("sb: error: unknown role"), "{unknown}");
    assert_eq!(unknown, cli_err(&env, &["send", "nobody", "hi"]));
    // The structured error is the object `sb --json` prints on stdout, exit code included.
    let structured = m.err_json("send", json!({"to": "nobody", "text": "hi"}));
    let out = env.run(&["--json", "send", "nobody", "hi"]);
    assert_eq!(out.status.code(), Some(3));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(structured, printed);
    assert_eq!(structured["error"]["kind"], "unknown_role");
    assert_eq!(structured["error"]["exit_code"], 3);

    for (tool, args, cmd) in [
        (
            "read_peer",
            json!({"role": "nobody"}),
            &["peek", "nobody"][..],
        ),
        (
            "detect_question",
            json!({"role": "nobody"}),
            &["detect", "nobody"],
        ),
        (
            "respond",
            json!({"role": "nobody", "keys": ["1"]}),
            &["respond", "nobody", "1"],
        ),
        (
            "respond",
            json!({"role": "dev", "keys": ["Entr"]}),
            &["respond", "dev", "Entr"],
        ),
        (
            "respond",
            json!({"role": "dev", "keys": []}),
            &["respond", "dev", ""],
        ),
        (
            "get_prompt",
            json!({"role": "dev"}),
            &["prompt", "get", "dev"],
        ),
        (
            "delete_prompt",
            json!({"role": "dev"}),
            &["prompt", "rm", "dev"],
        ),
        (
            "set_prompt",
            json!({"role": "dev", "prompt": "  "}),
            &["prompt", "set", "dev", "  "],
        ),
        ("inbox", json!({"role": "../x"}), &["inbox", "../x"]),
        (
            "history",
            json!({"role": "a b"}),
            &["history", "--role", "a b"],
        ),
        (
            "register",
            json!({"role": "x", "pane": "bogus"}),
            &["register", "x", "--pane", "bogus"],
        ),
        (
            "register",
            json!({"role": "x", "pane": "%999"}),
            &["register", "x", "--pane", "%999"],
        ),
        ("register", json!({"role": "x"}), &["register", "x"]),
        (
            "send",
            json!({"to": "dev", "text": "\u{1b}\u{7}"}),
            &["send", "dev", "\u{1b}\u{7}"],
        ),
        (
            "wait_for",
            json!({"role": "dev", "until": "busy", "timeout_s": 0.3}),
            &["wait", "dev", "--until", "busy", "--timeout", "300ms"],
        ),
    ] {
        if cmd.last() == Some(&"") {
            // `sb respond dev` with no keys is a clap usage error; the MCP tool refuses the empty list.
            let e = m.err(tool, args);
            assert!(e.starts_with("sb: error: no keys given"), "{e}");
            continue;
        }
        assert_eq!(
            m.err(tool, args.clone()),
            cli_err(&env, cmd),
            "{tool} {args}"
        );
    }

    // A dead pane: logged as undelivered by both, with the same message (ids aside). Another
    // pane keeps the tmux server up, so both see the same "pane gone" and not "no server".
    let _other = env.agent("other", &[]);
    env.tmux(&["kill-pane", "-t", &dev.pane]);
    let e = m.err(
        "send",
        json!({"to": "dev", "from": "gestor", "text": "are you there?"}),
    );
    assert!(e.contains("logged as undelivered"), "{e}");
    assert_eq!(
        norm_id(&e),
        norm_id(&cli_err(
            &env,
            &["send", "dev", "--from", "gestor", "are you there?"]
        ))
    );
    let log = env.log("conversation.jsonl");
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|r| r["delivered"] == false && r["error"].is_string())
    );

    let (status, rest) = m.finish();
    assert!(status.success());
    assert!(rest.is_empty(), "{rest:?}");
}
