//! Fuzzed message text: whatever the bytes, a send arrives as exactly one sanitized paste, with no
//! other escape reaching the pane.

use super::{Rng, no_panic, pastes, run_stdin, strict_log};
use crate::env::{Input, TestEnv, parse_inputs, stderr, wait_for};
use std::time::Duration;

/// The sanitizing contract (docs/ARCHITECTURE.md, Delivery: step 2) as the test reads it: no C0/C1 control but \n and \t,
/// \r\n, lone \r, U+2028 and U+2029 become \n, no bidi embedding, override or isolate
/// (U+202A-U+202E, U+2066-U+2069); a newline arrives as CR inside the paste.
fn expected_paste(text: &str) -> String {
    let t = text
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    t.chars()
        .filter(|&c| {
            c == '\n'
                || c == '\t'
                || !(c.is_control()
                    || ('\u{80}'..='\u{9f}').contains(&c)
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c))
        })
        .collect::<String>()
        .replace('\n', "\r")
}

#[test]
fn reliability_fuzz_send_text_arrives_as_exactly_one_paste_with_no_other_escape() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let mut rng = Rng::new(7);
    let atoms: &[&str] = &[
        "\x1b[201~",
        "\x1b[200~",
        "\x1b",
        "\x1b]0;pwned\x07",
        "\x1b]52;c;cm0gLXJmIC8=\x07",
        "\x1bP+q\x1b\\",
        "\x1b[2J",
        "\x1b[?2004l",
        "\u{9b}201~",
        "\u{9d}0;t\u{9c}",
        "\u{85}",
        "\u{90}",
        "\x03",
        "\x04",
        "\x1a",
        "\x00",
        "\x7f",
        "\x08",
        "\r",
        "\n",
        "\r\n",
        "\t",
        "\u{2028}",
        "\u{202e}",
        "\u{2066}",
        "\u{2029}",
        "\u{feff}",
        "ü",
        "🚀",
        "[201~",
        "/clear",
        " ",
        "text",
        "C-c",
        "; kill-server",
        "$(reboot)",
    ];
    let mut sent = 0;
    for case in 0..70 {
        let mut text = String::new();
        for _ in 0..1 + rng.below(12) {
            if rng.chance(20) {
                text.extend(
                    (0..1 + rng.below(8))
                        .map(|_| char::from_u32(u32::try_from(rng.below(0xA0)).unwrap()).unwrap()),
                );
            } else {
                text.push_str(rng.pick(atoms).as_ref());
            }
        }
        let before = dev.bytes().len();
        let mut input = text.clone().into_bytes();
        let invalid_utf8 = rng.chance(8);
        if invalid_utf8 {
            input.push(0x9b); // a lone C1 byte: not UTF-8
        }
        let out = run_stdin(
            &env,
            &["send", "dev", "--from", "fz", "--force", "-"],
            &input,
        );
        no_panic(&out, &format!("case {case}"));
        // Invalid UTF-8 is accepted: each bad byte becomes U+FFFD, with a warning.
        let body = if invalid_utf8 {
            format!("{text}\u{fffd}")
        } else {
            text.strip_suffix('\n').unwrap_or(&text).to_string()
        };
        let paste_body = expected_paste(&body);
        if invalid_utf8 {
            assert!(
                stderr(&out).contains("not valid UTF-8"),
                "case {case}: {}",
                stderr(&out)
            );
        }
        if paste_body.trim().is_empty() {
            assert_eq!(
                out.status.code(),
                Some(2),
                "case {case} {text:?}: {}",
                stderr(&out)
            );
            std::thread::sleep(Duration::from_millis(30));
            assert_eq!(
                dev.bytes().len(),
                before,
                "case {case}: refused, nothing typed"
            );
            continue;
        }
        assert_eq!(
            out.status.code(),
            Some(0),
            "case {case} {text:?}: {}",
            stderr(&out)
        );
        sent += 1;
        // Untagged only for a real slash command: `/name` then a space or the end of the line.
        let slash = paste_body.strip_prefix('/').is_some_and(|rest| {
            let name = rest.split(['\n', '\r', ' ']).next().unwrap_or("");
            name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        });
        let want = if slash {
            paste_body.clone()
        } else {
            format!("[from:fz] {paste_body}")
        };
        let want_bytes = format!("\x1b[200~{want}\x1b[201~\r");
        wait_for(Duration::from_secs(10), || {
            dev.bytes().len() >= before + want_bytes.len()
        });
        std::thread::sleep(Duration::from_millis(20));
        let got = dev.bytes()[before..].to_vec();
        let esc = got.iter().filter(|b| **b == 0x1b).count();
        assert_eq!(
            esc, 2,
            "case {case} {text:?}: only the two paste markers carry ESC: {got:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&got),
            want_bytes,
            "case {case} {text:?}"
        );
        assert_eq!(
            parse_inputs(&got),
            vec![Input::Paste(want), Input::Key(b'\r')]
        );
    }
    assert!(sent > 30, "enough messages were sent ({sent})");
    let log = strict_log(&env.state.join("conversation.jsonl"));
    assert_eq!(
        log.len(),
        sent,
        "refused texts are not logged, sent ones are"
    );
    assert!(pastes(&dev.inputs()).len() == sent);
}
