//! Garbage in, a valid Detection out: no panic, bounded time, invariants hold, JSON round-trips.

use crate::detect::{Detection, State, classify};
use proptest::prelude::*;
use std::time::{Duration, Instant};

/// The invariants every Detection keeps, whatever the input.
fn assert_valid(d: &Detection) {
    let json = serde_json::to_string(d).expect("serializes");
    let back: Detection = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(&back, d);
    if d.state != State::WaitingSelect {
        assert!(
            d.options.is_empty(),
            "options outside waiting_select: {d:?}"
        );
    } else if !d.options.is_empty() {
        assert_eq!(
            d.options.iter().filter(|o| o.selected).count(),
            1,
            "one selected: {d:?}"
        );
    }
    if !matches!(d.state, State::Idle | State::Busy) {
        assert!(d.draft.is_none(), "draft outside idle and busy: {d:?}");
    }
    if d.state != State::WaitingSelect {
        assert!(d.detail.is_none(), "detail outside waiting_select: {d:?}");
    }
    if let Some(detail) = &d.detail {
        assert!(
            !detail.is_empty() && detail.chars().count() <= crate::detect::MAX_DETAIL,
            "detail empty or too long: {d:?}"
        );
    }
    if !d.state.is_waiting() {
        assert!(
            d.question.is_none(),
            "question outside waiting states: {d:?}"
        );
    }
    let fp = d.fingerprint();
    assert!(
        fp.len() == 16 && fp.chars().all(|c| c.is_ascii_hexdigit()),
        "{fp}"
    );
}

fn classify_timed(input: &str, limit: Duration) -> Detection {
    let t = Instant::now();
    let d = classify(input, None);
    assert!(
        t.elapsed() < limit,
        "classify took {:?} on {} bytes",
        t.elapsed(),
        input.len()
    );
    assert_valid(&d);
    d
}

#[test]
fn explicit_garbage() {
    let all_bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let wide = "❯ 1. ".to_string() + &"界".repeat(10_000);
    let cases: Vec<String> = vec![
        String::new(),
        "\n\n\n\n".into(),
        "\r\r\r".into(),
        String::from_utf8_lossy(&all_bytes).into_owned(),
        "x".repeat(10_000),
        format!("\x1b[7m{}\x1b[0m\n❯\u{a0}hi", "y".repeat(10_000)),
        wide.clone(),
        format!("\x1b[1m{wide}"),
        "\x1b".into(),
        "\x1b[".into(),
        "\x1b[38;5;".into(),
        "abc\x1b[999999999999999999m\x1b[0;2;7;48;5;300mdef".into(),
        "\x1b]0;unterminated title\n❯\u{a0}draft\n".into(),
        "\x1bP unterminated dcs".into(),
        "\x1b[?1049h\x1b[999;999H\x1b[2J\x1b[5A\x1b[K❯".into(),
        "❯".repeat(5000),
        "─".repeat(3000) + "\n❯\u{a0}\n" + &"─".repeat(3000),
        "─".repeat(50) + "\n❯ 1. a\n  2. b\n" + &"─".repeat(50) + "\n",
        "╭╮\n│\n╰╯\n".into(),
        "❯ \n  1.\n  [\n".into(),
        " ❯ 999999999999. x\n   1. y\n".into(),
        "e\u{301}\u{200d}\u{202e}🏳️‍🌈\u{fe0f}\t\u{0}\u{7f}\u{9b}31m".into(),
        "←  ☐  →\n❯ 1. [ ] \n".into(),
        "› \n".into(),
        "›".into(),
        "› 1.\n  2.\n".into(),
        "  › 1. (y)\n    2. ()\n    3. ( )\n".into(),
        "─".repeat(40) + "\n >\n",
        "─".repeat(40) + "\n > $\n  x\n",
        "╰╯".into(),
        "│\n╰──╯\n".into(),
        "╭\n│ ● 1. a\n│   2. b\n│  Done\n│  Done\n╰╯\n".into(),
        "│ │ │\n│\n╰─╯".into(),
        "• Working (".into(),
        "◦ x (9".into(),
        "  Worked for • 1:".into(),
        "› a\n\n  Worked for 1s • 1:00\n\n› \n".into(),
    ];
    for c in &cases {
        classify_timed(c, Duration::from_secs(2));
        classify_timed(&c.replace('\n', "\r\n"), Duration::from_secs(2));
    }
}

#[test]
fn megabyte_inputs_are_bounded() {
    let line = "● some reply text that goes on and on and on and on and on ✻ ❯ 1. x ─────\n";
    let plain = line.repeat(1_000_000 / line.len() + 1);
    classify_timed(&plain, Duration::from_secs(3));
    let styled = "\x1b[2mdim \x1b[7mrev\x1b[0m ".repeat(40) + "\n";
    classify_timed(
        &styled.repeat(1_000_000 / styled.len() + 1),
        Duration::from_secs(3),
    );
    let one_line = "\x1b[1mz".repeat(250_000);
    classify_timed(&one_line, Duration::from_secs(3));
}

/// Pieces that steer the classifier into its branches, mixed with arbitrary text.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "\n", "\n", " ", "  ", "❯", "❯ ", "❯\u{a0}", "\u{a0}", "─────────────────────", "▔▔▔▔▔▔▔▔▔▔▔▔",
            "╌╌╌╌╌╌╌╌╌", "1. ", "2. ", "12.", "[ ] ", "[✔] ", "✔ ", "✘ ", "● ", "  ⎿  ", "╭──╮", "│", "╰──╯",
            "esc to interrupt", "Press Enter to ", " · ", "?", "…", "✻ Working… (3s)", "* ", "←", "→", "☐ ",
            "\x1b[7m", "\x1b[2m", "\x1b[0m", "\x1b[48;5;237m", "\x1b[", "\x1b", "\t", "\r", "Interrupted · ",
            // Codex and Gemini structures.
            "› ", "\n› ", "  › 1. ", " > ", "\n > ", "│ ● 1. ", "│ ", " │", "● ", "[x] ", "✦ ", "■ ", "└ ",
            "◦ Working (5s • esc to interrupt)", "  Worked for 3s • 10:00", "⠦ Thinking... (esc to cancel, 4s)",
            "╭API key──────╮", "tab to queue message", "Done", "(y)", " (esc)", "$ ", "Killed",
        ]).prop_map(str::to_string),
        1 => any::<String>(),
        1 => prop::collection::vec(any::<u8>(), 0..40).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_token_soup(parts in prop::collection::vec(token(), 0..200)) {
        classify_timed(&parts.concat(), Duration::from_secs(2));
    }

    #[test]
    fn never_panics_on_any_string(s in any::<String>(), title in proptest::option::of(any::<String>())) {
        let d = classify(&s, title.as_deref());
        assert_valid(&d);
    }
}
