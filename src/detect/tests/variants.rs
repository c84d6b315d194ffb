//! Generalisation: derived variants of every fixture must classify like the original.
//!
//! Variants, for every agent's fixtures: trailing blank lines and CRLF endings, old conversation
//! scrollback (in that agent's style) above the screen, a wider pane (longer rules), narrower
//! panes (plain text re-wrapped the way Ink and ratatui wrap it: at word boundaries, continuing
//! under the text column; boxes keep their borders and wrap inside; a right-hand column moves
//! under its label), an 80x24 pane (re-wrapped to 80 columns, last 24 rows), busy screens
//! without the "esc to interrupt" hint (the spinner or status line alone must do), and the pane
//! title as extra evidence.

use super::fixtures::{Fixture, check, load_all};
use crate::detect::{State, classify};

/// Runs `make` over every fixture form it accepts and reports all mismatches at once.
fn run(name: &str, make: impl Fn(&Fixture, &str, bool) -> Option<String>) {
    let mut failures = Vec::new();
    let mut n = 0;
    for f in load_all() {
        for (form, text, styled) in [("txt", &f.txt, false), ("ansi", &f.ansi, true)] {
            let Some(text) = text else { continue };
            let Some(variant) = make(&f, text, styled) else {
                continue;
            };
            n += 1;
            let bad = check(&classify(&variant, None), &f.expected, styled);
            if !bad.is_empty() {
                failures.push(format!(
                    "{}.{form} [{name}]:\n    {}",
                    f.name,
                    bad.join("\n    ")
                ));
            }
        }
    }
    assert!(n > 0, "variant {name} produced no screens");
    assert!(
        failures.is_empty(),
        "{} variants failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn trailing_blank_lines_and_crlf() {
    run("trailing blanks", |_, t, _| {
        Some(format!("{t}\n\n\n   \n\n"))
    });
    run("crlf", |_, t, _| Some(t.replace('\n', "\r\n")));
    run("no final newline", |_, t, _| {
        Some(t.trim_end_matches('\n').to_string())
    });
}

/// Conversation rows as each agent leaves them in scrollback (prompts, replies, tool results).
fn scrollback(f: &Fixture, styled: bool) -> String {
    let agent = f.name.split('/').next().unwrap_or("");
    let (plain, styled_prompt) = match agent {
        "codex" => (
            "› earlier question SCN_OLD\n\n\n• Earlier answer that asked something else?\n\n\
             • Ran ls\n  └ Cargo.toml\n\n  Worked for 3s • 10:00\n\n\n",
            "\x1b[1;2m› \x1b[0m\x1b[48;5;238mearlier question SCN_OLD\x1b[49m\n",
        ),
        "gemini" => (
            " > earlier question SCN_OLD\n\n✦ Earlier answer that asked something else?\n\n\
             ╭──────────────╮\n│ ✓  Shell ls  │\n╰──────────────╯\n\n",
            "\x1b[48;5;240m\x1b[38;5;183m> \x1b[38;5;231mearlier question SCN_OLD\x1b[49m\n",
        ),
        _ => (
            "❯ earlier question SCN_OLD\n\n● Earlier answer that asked something else?\n\n\
             ● Bash(ls)\n  ⎿  Done\n\n✻ Worked for 3s · done 10:00 AM\n\n",
            "\x1b[38;5;246m\x1b[48;5;237m❯ \x1b[38;5;231mearlier question SCN_OLD\x1b[39m\x1b[49m\n",
        ),
    };
    let first = plain.lines().next().unwrap_or("").to_string() + "\n";
    let block = if styled {
        plain.replacen(&first, styled_prompt, 1)
    } else {
        plain.to_string()
    };
    block.repeat(60)
}

#[test]
fn old_scrollback_above_the_screen() {
    run("scrollback", |f, t, styled| {
        // A blank or exited screen under old conversation is a different screen, not a variant.
        (f.expected.state != State::Unknown).then(|| format!("{}{t}", scrollback(f, styled)))
    });
}

#[test]
fn wider_pane() {
    let sample = std::fs::read_to_string(format!(
        "{}/claude-code/45-bash-permission-prompt.ansi",
        super::fixtures::SCREENS
    ));
    assert!(
        widen(&sample.unwrap(), 200).contains(&"─".repeat(200)),
        "widen reaches styled rules"
    );
    run("width 200", |_, t, _| Some(widen(t, 200)));
}

/// Every run of 100+ `─` or `▔` (full-width rules, plain or inside SGR codes) becomes `w` long.
fn widen(text: &str, w: usize) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut run: Option<(char, usize)> = None;
    let flush = |out: &mut String, run: Option<(char, usize)>| {
        if let Some((c, n)) = run {
            out.extend(std::iter::repeat_n(c, if n >= 100 { w } else { n }));
        }
    };
    for c in text.chars() {
        match run {
            Some((r, n)) if r == c => run = Some((r, n + 1)),
            _ => {
                flush(&mut out, run.take());
                if c == '─' || c == '▔' {
                    run = Some((c, 1));
                } else {
                    out.push(c);
                }
            }
        }
    }
    flush(&mut out, run);
    out
}

#[test]
fn narrower_panes_plain() {
    for w in [100, 80, 64, 50, 40] {
        // A label word longer than the row is cut inside the word; it cannot be read back.
        let fits = |f: &Fixture| {
            f.expected
                .options
                .iter()
                .flatten()
                .all(|o| o.label.split(' ').all(|word| word.chars().count() + 8 < w))
        };
        run(&format!("reflow {w}"), |f, t, styled| {
            (!styled && fits(f)).then(|| reflow(t, w))
        });
    }
}

/// Re-wraps a plain capture to `w` columns: full-width rules are redrawn, box borders shrink,
/// long rows wrap at the last space that fits and continue under their text column.
pub fn reflow(text: &str, w: usize) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        let indent = chars.iter().take_while(|c| **c == ' ').count();
        let t = line.trim();
        let one = |c: char| !t.is_empty() && t.chars().all(|x| x == c);
        if (one('─') || one('▔')) && t.chars().count() >= 60 {
            out.push(t.chars().next().unwrap().to_string().repeat(w));
        } else if one('╌') && chars.len() > w {
            out.push(format!(
                "{}{}",
                " ".repeat(indent),
                "╌".repeat(w - indent - 1)
            ));
        } else if chars.len() <= w {
            out.push(line.to_string());
        } else if matches!(chars[indent], '╭' | '╰' | '│') {
            out.extend(shrink_box_row(&chars, w));
        } else {
            let hang = hanging_indent(&chars).min(w / 2);
            // A right-hand column (after a run of spaces) that does not fit moves under the
            // label, indented deeper, as a narrow picker draws its descriptions.
            let text: String = chars[hang..].iter().collect();
            if let Some(gap) = text
                .trim_end()
                .find("  ")
                .filter(|&g| g > 0 && hang + g <= w && !text[..g].trim().is_empty())
            {
                let left: String = chars[..hang].iter().collect::<String>() + &text[..gap];
                out.push(left.trim_end().to_string());
                let right = format!("{}{}", " ".repeat(hang + 2), text[gap..].trim());
                out.push(reflow(&right, w).trim_end_matches('\n').to_string());
                continue;
            }
            let mut rest = chars;
            while rest.len() > w {
                let cut = (hang.max(indent) + 1..=w).rev().find(|&i| rest[i] == ' ');
                let (head, tail) = match cut {
                    Some(i) => (rest[..i].to_vec(), rest[i + 1..].to_vec()),
                    None => (rest[..w].to_vec(), rest[w..].to_vec()),
                };
                out.push(head.iter().collect::<String>().trim_end().to_string());
                let tail: Vec<char> = tail.into_iter().skip_while(|c| *c == ' ').collect();
                rest = std::iter::repeat_n(' ', hang).chain(tail).collect();
            }
            out.push(rest.iter().collect());
        }
    }
    out.join("\n") + "\n"
}

/// A box row redrawn `w` columns wide: borders stay, the text inside wraps onto more box rows
/// (continuing under its text column), a box nested inside shrinks with it.
fn shrink_box_row(chars: &[char], w: usize) -> Vec<String> {
    let indent = chars.iter().take_while(|c| **c == ' ').count();
    let (first, last) = (chars[indent], *chars.last().unwrap());
    let inner: Vec<char> = chars[indent + 1..chars.len() - 1].to_vec();
    let room = w - indent - 2;
    let t: String = inner.iter().collect();
    let nested = matches!(t.trim_start().chars().next(), Some('╭' | '╰' | '│'))
        && matches!(t.trim_end().chars().last(), Some('╮' | '╯' | '│'))
        && t.trim().chars().count() > 2;
    let pad = " ".repeat(indent);
    if nested {
        let lead = t.chars().take_while(|c| *c == ' ').count();
        let trimmed: Vec<char> = t.trim().chars().collect();
        let subs = shrink_box_row(&trimmed, room.saturating_sub(2 * lead));
        return subs
            .into_iter()
            .map(|sub| {
                let body = format!("{}{sub}", " ".repeat(lead));
                let fill = room.saturating_sub(body.chars().count());
                format!("{pad}{first}{body}{}{last}", " ".repeat(fill))
            })
            .collect();
    }
    if first != '│' || t.trim_end().chars().count() <= room {
        let body: String = inner.iter().take(room).collect();
        return vec![format!("{pad}{first}{body}{last}")];
    }
    let text = t.trim_end();
    reflow(text, room)
        .lines()
        .map(|l| {
            let fill = room.saturating_sub(l.chars().count());
            format!("{pad}│{l}{}│", " ".repeat(fill))
        })
        .collect()
}

/// The column a wrapped row continues at: after the indent, cursor, number, box or bullet.
fn hanging_indent(chars: &[char]) -> usize {
    let mut i = chars.iter().take_while(|c| **c == ' ').count();
    let skip = |mut i: usize| {
        while chars.get(i) == Some(&' ') {
            i += 1;
        }
        i
    };
    if matches!(
        chars.get(i),
        Some('❯' | '›' | '●' | '•' | '✦' | '⎿' | '└' | '✔' | '✘')
    ) && chars.get(i + 1) == Some(&' ')
    {
        i = skip(i + 1);
    }
    let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && chars.get(i + digits) == Some(&'.') {
        i = skip(i + digits + 1);
    }
    if chars.get(i) == Some(&'[') && chars.get(i + 2) == Some(&']') {
        i = skip(i + 3);
    }
    i
}

#[test]
fn pane_80x24_plain() {
    // An 80x24 pane: the screen re-wrapped to 80 columns, of which the last 24 rows show.
    let tail = |t: &str, n: usize| {
        let lines: Vec<&str> = t.trim_end_matches('\n').lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n") + "\n"
    };
    let fits = |f: &Fixture| {
        // Only screens whose dialog still fits in 24 rows: the question must stay visible.
        let t = reflow(f.txt.as_deref().unwrap_or(""), 80);
        let shown = tail(&t, 24);
        f.expected.question.as_deref().is_none_or(|q| {
            let words: Vec<&str> = q.split_whitespace().collect();
            words.first().is_some_and(|w| shown.contains(w))
                && words.last().is_some_and(|w| shown.contains(w))
        }) && f.expected.options.iter().flatten().all(|o| {
            o.label
                .split_whitespace()
                .next()
                .is_none_or(|w| shown.contains(w))
        })
    };
    run("80x24", |f, t, styled| {
        (!styled && fits(f)).then(|| {
            let mut t = reflow(t, 80);
            if f.name.starts_with("codex/") {
                // Codex's history is top-anchored: a shorter pane loses the empty rows between
                // the history and the composer first.
                while t.contains("\n\n\n\n") {
                    t = t.replace("\n\n\n\n", "\n\n\n");
                }
            }
            let shown = tail(&t, 24);
            // Codex pins the running turn's message at the top row when its reply scrolls
            // (fixtures 13, 14, 16, 25 show it): the last message above the composer stays.
            let lines: Vec<&str> = t.lines().collect();
            let cut = lines.len().saturating_sub(24);
            let composer = lines.iter().rposition(|l| l.starts_with("› "));
            let echo = composer.and_then(|c| lines[..c].iter().rposition(|l| l.starts_with("› ")));
            match echo {
                Some(e) if f.name.starts_with("codex/") && e < cut => {
                    format!("{}\n{}", lines[e], tail(&t, 23))
                }
                _ => shown,
            }
        })
    });
}

#[test]
fn busy_without_the_footer_hint() {
    run("spinner only", |f, t, _| {
        (f.expected.state == State::Busy).then(|| t.replace("esc to interrupt", "? for shortcuts"))
    });
}

#[test]
fn pane_title_is_only_evidence() {
    for f in load_all() {
        let Some(t) = &f.txt else { continue };
        let d = classify(t, Some("✳ Claude Code"));
        assert_eq!(d.state, f.expected.state, "{} with idle title", f.name);
        if f.expected.state == State::Busy {
            assert_eq!(
                classify(t, Some("◐ Claude Code")).state,
                State::Busy,
                "{}",
                f.name
            );
        }
    }
    let idle = "─".repeat(80) + "\n❯\u{a0}\n" + &"─".repeat(80) + "\n  ? for shortcuts\n";
    assert_eq!(classify(&idle, Some("✳ Claude Code")).state, State::Idle);
    assert_eq!(classify(&idle, Some("◑ Claude Code")).state, State::Busy);
}
