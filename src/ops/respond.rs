//! `respond`: drive a peer's menu with raw keys, every token validated before anything is sent.

use super::{Ctx, gone, live_pane};
use crate::error::{Result, SbError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RespondReport {
    pub role: String,
    pub pane: String,
    /// The tmux key names sent, in order.
    pub keys: Vec<String>,
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
    })
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
