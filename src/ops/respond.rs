//! `respond`: drive a peer's menu with raw keys, every token validated before anything is sent.

use super::{Ctx, gone, live_pane};
use crate::detect::{Detection, State};
use crate::error::{Result, SbError};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RespondReport {
    pub role: String,
    pub pane: String,
    /// The tmux key names sent, in order.
    pub keys: Vec<String>,
    /// With `--option`: the option chosen (number or 1-based position) and its label.
    pub option: Option<u32>,
    pub label: Option<String>,
    /// With `--option`: the question of the menu that was answered.
    pub question: Option<String>,
    /// With `--option`: the screen changed after the keys (the menu took them); null for raw keys.
    pub taken: Option<bool>,
    /// With `--option`: the digit was sent a second time because the first was ignored.
    pub retried: Option<bool>,
}

/// Send `keys` (tmux names or friendly aliases) to the role's pane.
pub fn respond(ctx: &Ctx, role: &str, keys: &[String]) -> Result<RespondReport> {
    if keys.is_empty() {
        return Err(SbError::Usage("no keys given: name at least one, e.g. `sb respond dev 1` or `sb respond dev Down Enter`".into()));
    }
    let keys = keys
        .iter()
        .map(|k| parse_key(k))
        .collect::<Result<Vec<_>>>()?;
    let (entry, _) = live_pane(ctx, role)?;
    ctx.tmux
        .send_keys(&entry.pane, &keys)
        .map_err(|e| gone(role, &entry, e))?;
    Ok(RespondReport {
        role: role.to_string(),
        pane: entry.pane,
        keys,
        option: None,
        label: None,
        question: None,
        taken: None,
        retried: None,
    })
}

/// Answer the open menu by option number, only if a menu is open, has that option, and (with
/// `expect`) still has the fingerprint it had when it was detected. Holds the pane's send lock.
pub fn respond_option(
    ctx: &Ctx,
    role: &str,
    option: u32,
    expect: Option<&str>,
) -> Result<RespondReport> {
    crate::store::validate_role(role)?;
    let entry = crate::store::registry::Registry::load(&ctx.state)?
        .get(role)?
        .clone();
    ctx.state.ensure()?;
    let _lock =
        crate::store::FileLock::acquire(&ctx.state.lock_path(&super::send::lock_name(&entry)))?;
    let first = open_menu(ctx, role, expect)?;
    // Claude Code ignores keys that arrive in the first ~200 ms after a dialog appears (measured
    // on 2.1.332), so answer only a menu that has stayed the same for MENU_SETTLE.
    std::thread::sleep(MENU_SETTLE);
    let d = open_menu(ctx, role, Some(&first.fingerprint()))?;
    let labels: Vec<&str> = d.options.iter().map(|o| o.label.as_str()).collect();
    let screen = format!(
        "{} [{}]",
        d.question.as_deref().unwrap_or("no question"),
        labels.join(" | ")
    );
    let numbered = d.options.iter().any(|o| o.number.is_some());
    let target = if numbered {
        d.options.iter().position(|o| o.number == Some(option))
    } else {
        (option as usize)
            .checked_sub(1)
            .filter(|i| *i < d.options.len())
    };
    let Some(t) = target else {
        return Err(SbError::Usage(format!(
            "{role}'s menu has no option {option}: {screen}"
        )));
    };
    let digit = numbered && option < 10;
    let keys: Vec<String> = if digit {
        vec![option.to_string()]
    } else {
        let from = d.options.iter().position(|o| o.selected).unwrap_or(0);
        let step = if t >= from { "Down" } else { "Up" };
        std::iter::repeat_n(step.to_string(), t.abs_diff(from))
            .chain(["Enter".to_string()])
            .collect()
    };
    ctx.tmux
        .send_keys(&entry.pane, &keys)
        .map_err(|e| gone(role, &entry, e))?;
    let mut taken = screen_changed(ctx, role, &d, TAKE_WAIT);
    let mut retried = false;
    // A digit that was ignored can be sent again: the menu is still exactly as it was.
    if !taken && digit {
        ctx.tmux
            .send_keys(&entry.pane, &keys)
            .map_err(|e| gone(role, &entry, e))?;
        retried = true;
        taken = screen_changed(ctx, role, &d, TAKE_WAIT);
    }
    Ok(RespondReport {
        role: role.into(),
        pane: entry.pane,
        keys,
        option: Some(option),
        label: Some(d.options[t].label.clone()),
        question: d.question.clone(),
        taken: Some(taken),
        retried: Some(retried),
    })
}

/// How long a menu must stay unchanged on screen before `--option` answers it.
pub const MENU_SETTLE: Duration = Duration::from_millis(300);
/// How long to wait for the screen to show that the keys were taken.
const TAKE_WAIT: Duration = Duration::from_millis(1200);

/// The open menu now, refused when there is none or (with `expect`) when it is another one.
fn open_menu(ctx: &Ctx, role: &str, expect: Option<&str>) -> Result<Detection> {
    let d = super::detect::detect(ctx, role, None)?.detection;
    if d.state != State::WaitingSelect {
        return Err(SbError::Refused {
            reason: format!(
                "{role} has no menu open (it is {}); nothing was sent",
                d.state
            ),
            hint: format!("see `sb detect {role}`"),
        });
    }
    if let Some(fp) = expect.filter(|fp| *fp != d.fingerprint()) {
        let labels: Vec<&str> = d.options.iter().map(|o| o.label.as_str()).collect();
        let screen = format!(
            "{} [{}]",
            d.question.as_deref().unwrap_or("no question"),
            labels.join(" | ")
        );
        return Err(SbError::Refused {
            reason: format!(
                "the menu on {role}'s screen is not the one detected (fingerprint {fp}); it now shows: {screen}; nothing was sent"
            ),
            hint: format!("look again with `sb detect {role}` and answer what is open now"),
        });
    }
    Ok(d)
}

/// Whether the role's screen shows anything other than `before` (state, question, options,
/// cursor or boxes) within `wait`.
fn screen_changed(ctx: &Ctx, role: &str, before: &Detection, wait: Duration) -> bool {
    let start = Instant::now();
    loop {
        match super::detect::detect(ctx, role, None) {
            Ok(now) => {
                let d = now.detection;
                if d.state != before.state
                    || d.question != before.question
                    || d.options != before.options
                    || d.tabs != before.tabs
                {
                    return true;
                }
            }
            Err(_) => return true,
        }
        if start.elapsed() >= wait {
            return false;
        }
        std::thread::sleep(Duration::from_millis(60));
    }
}

const NAMED: &[&str] = &[
    "Enter", "Escape", "Tab", "BTab", "Space", "BSpace", "Up", "Down", "Left", "Right", "Home",
    "End", "PageUp", "PageDown", "PgUp", "PgDn", "PPage", "NPage", "IC", "DC", "Insert", "Delete",
];

/// Turn one token into a tmux key name: a tmux name (case-insensitive), an alias, `C-x`/`M-x`,
/// `F1`..`F12`, or a single printable character.
pub fn parse_key(token: &str) -> Result<String> {
    let bad = || SbError::BadKey(token.chars().take(40).collect());
    let mut chars = token.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return if c.is_control() {
            Err(bad())
        } else {
            Ok(c.to_string())
        };
    }
    let lower = token.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "esc" => Some("Escape"),
        "return" | "cr" => Some("Enter"),
        "backspace" | "bs" => Some("BSpace"),
        "shift-tab" | "s-tab" | "backtab" => Some("BTab"),
        "del" => Some("DC"),
        "ins" => Some("IC"),
        _ => None,
    };
    if let Some(a) = alias {
        return Ok(a.into());
    }
    if let Some(n) = NAMED.iter().find(|n| n.eq_ignore_ascii_case(token)) {
        return Ok((*n).into());
    }
    if let Some(n) = lower
        .strip_prefix('f')
        .and_then(|d| d.parse::<u8>().ok())
        .filter(|n| (1..=12).contains(n))
    {
        return Ok(format!("F{n}"));
    }
    for (prefixes, tmux) in [
        (["c-", "ctrl-", "ctrl+"], "C-"),
        (["m-", "alt-", "alt+"], "M-"),
    ] {
        for pre in prefixes {
            if let Some(rest) = lower.strip_prefix(pre) {
                let mut cs = rest.chars();
                if let (Some(c), None) = (cs.next(), cs.next()) {
                    if c.is_ascii_graphic() {
                        return Ok(format!("{tmux}{c}"));
                    }
                }
            }
        }
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::parse_key;

    #[test]
    fn keys_and_aliases() {
        for (tok, want) in [
            ("1", "1"),
            ("y", "y"),
            (";", ";"),
            ("enter", "Enter"),
            ("Enter", "Enter"),
            ("esc", "Escape"),
            ("return", "Enter"),
            ("up", "Up"),
            ("DOWN", "Down"),
            ("tab", "Tab"),
            ("shift-tab", "BTab"),
            ("space", "Space"),
            ("backspace", "BSpace"),
            ("C-c", "C-c"),
            ("ctrl-c", "C-c"),
            ("M-x", "M-x"),
            ("f5", "F5"),
            ("PageDown", "PageDown"),
        ] {
            assert_eq!(parse_key(tok).unwrap(), want, "{tok}");
        }
        for bad in [
            "",
            "Entr",
            "C-",
            "ctrl-cc",
            "F13",
            "\x1b",
            "\n",
            "1 2",
            "send-keys",
        ] {
            assert!(parse_key(bad).is_err(), "{bad:?}");
        }
    }
}
