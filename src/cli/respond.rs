//! `sb respond`: answer a peer's menu by option number or with raw keys.

use super::done;
use crate::error::Result;
use crate::ops::{Ctx, respond};
use crate::output::{Out, note};
use clap::Args;

/// Answer a peer's open menu, by option number or with keys
///
/// `--option N --expect FP` is the safe form: it answers only while the dialog that `sb detect`
/// reported (fingerprint FP: its question, options and what it approves) is still open, and
/// fails (exit 5) when the menu did not take the key. Raw keys are tmux key names (Enter,
/// Escape, Tab, BTab, Space, BSpace, Up, Down, Left, Right, Home, End, PageUp, PageDown,
/// F1..F12, C-x, M-x), single characters, or aliases (esc, return, up, down, tab, space,
/// backspace, ctrl-c); all are checked before any is sent, and they go only to an agent sb
/// recognises (not a shell) unless --force; with --expect, only into that dialog.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb detect dev --json | jq -r .fingerprint     # the dialog you saw\n  sb respond dev --option 1 --expect 3f2a9c0d1e5b7a64\n  sb respond dev Down Enter --expect 3f2a9c0d1e5b7a64\n  sb respond dev esc"
)]
pub struct RespondArgs {
    /// Role whose pane gets the keys
    #[arg(add = super::role_completer())]
    pub role: String,
    /// Keys to send, in order
    #[arg(required_unless_present = "option", conflicts_with = "option", num_args = 1..)]
    pub keys: Vec<String>,
    /// Answer the open menu by option number, only if a menu is open (guarded)
    #[arg(long, value_name = "N")]
    pub option: Option<u32>,
    /// Only if the open dialog still has this fingerprint (from `sb detect --json`)
    #[arg(long, value_name = "FINGERPRINT")]
    pub expect: Option<String>,
    /// Send raw keys even when sb cannot recognise an agent in the pane (e.g. a shell)
    #[arg(long, conflicts_with = "option")]
    pub force: bool,
}

pub fn run(ctx: &Ctx, out: Out, a: RespondArgs) -> Result<()> {
    let r = match a.option {
        Some(n) => respond::respond_option(ctx, &a.role, n, a.expect.as_deref())?,
        None => respond::respond(ctx, &a.role, &a.keys, a.expect.as_deref(), a.force)?,
    };
    if !out.json {
        note(&format!(
            "sent {} to {} (pane {})",
            r.keys.join(" "),
            r.role,
            r.pane
        ));
        return Ok(());
    }
    done(out.emit(&r, |_| String::new()))
}
