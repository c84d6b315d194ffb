//! `respond`: answer a peer's menu — by option number (`--option N`), or with raw keys — every
//! key validated before anything is sent, under the pane lock, and only into the dialog the
//! caller saw (`--expect FINGERPRINT`).

use super::Ctx;
use crate::detect::{Detection, State};
use crate::error::{Result, SbError};
use crate::pane::Pane;
use crate::poll::{Step, Waited, poll_until};
use serde::{Deserialize, Serialize};
use std::time::Duration;

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
    /// With `--option`: the dialog closed or changed after the keys (the menu took them); null
    /// for raw keys.
    pub taken: Option<bool>,
    /// With `--option`: the digit was sent a second time because the very same dialog was still
    /// open and unchanged.
    pub retried: Option<bool>,
}

/// Send `keys` (tmux names or friendly aliases) to the role's pane, under its lock. The pane
/// must run a recognised agent (not a shell: keys there run as commands) unless `force`; with
/// `expect`, the open dialog must be the one with that fingerprint.
pub fn respond(
    ctx: &Ctx,
    role: &str,
    keys: &[String],
    expect: Option<&str>,
    force: bool,
) -> Result<RespondReport> {
    if keys.is_empty() {
        return Err(SbError::Usage("no keys given: name at least one, e.g. `sb respond dev --option 1 --expect FP` or `sb respond dev Down Enter`".into()));
    }
    let keys = keys
        .iter()
        .map(|k| parse_key(k))
        .collect::<Result<Vec<_>>>()?;
    if let Some(remote) = crate::remote::lookup(ctx, role)? {
        return remote.respond(role, &keys, expect, force);
    }
    let pane = Pane::resolve(ctx, role)?;
    let _lock = pane.lock()?;
    let obs = pane.observe()?;
    let d = &obs.detection;
    if let Some(fp) = expect {
        expect_dialog(&pane, d, fp)?;
    }
    if !force {
        let v = crate::guard::keys_verdict(role, d, Some(&obs.info.command), &keys);
        if let Some(reason) = v.refusal {
            return Err(SbError::Refused {
                reason: format!("{reason}; no keys were sent"),
                hint: v.hint.unwrap_or_default(),
            });
        }
    }
    pane.keys(&keys)?;
    Ok(RespondReport {
        role: role.to_string(),
        pane: pane.id().to_string(),
        keys,
        option: None,
        label: None,
        question: None,
        taken: None,
        retried: None,
    })
}

/// Answer the open menu by option number, only if a menu is open, has that option, and (with
/// `expect`) still has the fingerprint it had when it was detected. Holds the pane's lock.
/// A key the menu did not take is a failure (exit 5), never reported as sent.
pub fn respond_option(
    ctx: &Ctx,
    role: &str,
    option: u32,
    expect: Option<&str>,
) -> Result<RespondReport> {
    if let Some(remote) = crate::remote::lookup(ctx, role)? {
        return remote.respond_option(role, option, expect);
    }
    let pane = Pane::resolve(ctx, role)?;
    let _lock = pane.lock()?;
    let first = open_menu(&pane, expect)?;
    // Claude Code ignores keys that arrive in the first ~200 ms after a dialog appears (measured
    // on 2.1.332), so answer only a menu that has stayed the same for MENU_SETTLE.
    std::thread::sleep(MENU_SETTLE);
    let fp = first.fingerprint();
    let d = open_menu(&pane, Some(&fp))?;
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
            "{role}'s menu has no option {option}: {}",
            describe(&d)
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
    pane.keys(&keys)?;
    let mut taken = took_keys(&pane, &fp, TAKE_WAIT);
    let mut retried = false;
    // An ignored digit is sent again only into the very same dialog, checked just before.
    if taken == Took::No && digit {
        let now = pane.observe()?.detection;
        if now.state == State::WaitingSelect && now.fingerprint() == fp {
            pane.keys(&keys)?;
            retried = true;
            taken = took_keys(&pane, &fp, TAKE_WAIT);
        }
    }
    let report = RespondReport {
        role: role.into(),
        pane: pane.id().to_string(),
        keys,
        option: Some(option),
        label: Some(d.options[t].label.clone()),
        question: d.question.clone(),
        taken: Some(taken == Took::Yes),
        retried: Some(retried),
    };
    if taken == Took::Yes {
        Ok(report)
    } else {
        Err(SbError::Timeout {
            secs: TAKE_WAIT.as_secs_f64() * if retried { 2.0 } else { 1.0 },
            what: format!(
                "{role}'s menu did not take option {option} ({:?}): the same dialog is still open{}",
                report.label.as_deref().unwrap_or(""),
                if retried { " after a second try" } else { "" }
            ),
        })
    }
}

/// How long a menu must stay unchanged on screen before `--option` answers it.
pub const MENU_SETTLE: Duration = Duration::from_millis(300);
/// How long to wait for the screen to show that the keys were taken.
const TAKE_WAIT: Duration = Duration::from_millis(1200);

/// The open menu now, refused when there is none or (with `expect`) when it is another one.
fn open_menu(pane: &Pane, expect: Option<&str>) -> Result<Detection> {
    let d = open_dialog(pane, expect)?;
    if d.state != State::WaitingSelect {
        return Err(SbError::Refused {
            reason: format!(
                "{} has no menu open (it is {}); nothing was sent",
                pane.role, d.state
            ),
            hint: format!("see `sb detect {}`", pane.role),
        });
    }
    Ok(d)
}

/// The screen now; with `expect`, refused unless a dialog with that fingerprint is open.
fn open_dialog(pane: &Pane, expect: Option<&str>) -> Result<Detection> {
    let d = pane.observe()?.detection;
    if let Some(fp) = expect {
        expect_dialog(pane, &d, fp)?;
    }
    Ok(d)
}

/// Refused unless `d` is an open dialog with fingerprint `fp`.
fn expect_dialog(pane: &Pane, d: &Detection, fp: &str) -> Result<()> {
    if d.state.is_waiting() && d.fingerprint() == fp {
        return Ok(());
    }
    let role = &pane.role;
    Err(SbError::Refused {
        reason: format!(
            "the dialog on {role}'s screen is not the one detected (fingerprint {fp}); it now shows: {}; nothing was sent",
            describe(d)
        ),
        hint: format!("look again with `sb detect {role}` and answer what is open now"),
    })
}

fn describe(d: &Detection) -> String {
    if !d.state.is_waiting() {
        return format!("no dialog (it is {})", d.state);
    }
    let labels: Vec<&str> = d.options.iter().map(|o| o.label.as_str()).collect();
    format!(
        "{} [{}]",
        d.question.as_deref().unwrap_or("no question"),
        labels.join(" | ")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Took {
    Yes,
    No,
}

/// Whether, within `wait`, the dialog with fingerprint `fp` closed or changed (the menu took the
/// keys). A screen that cannot be read counts as changed: the dialog is at least not there.
fn took_keys(pane: &Pane, fp: &str, wait: Duration) -> Took {
    let same_dialog = |o: &crate::pane::Observation| {
        o.detection.state == State::WaitingSelect && o.detection.fingerprint() == fp
    };
    let waited = poll_until(wait, Duration::from_millis(60), || {
        Ok::<_, ()>(match pane.observe() {
            Ok(o) if same_dialog(&o) => Step::Again,
            _ => Step::Done(()),
        })
    });
    match waited {
        Ok(Waited::Done(())) => Took::Yes,
        _ => Took::No,
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
                if let (Some(c), None) = (cs.next(), cs.next())
                    && c.is_ascii_graphic()
                {
                    return Ok(format!("{tmux}{c}"));
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
