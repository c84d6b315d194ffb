//! `sb respond`: send raw keys to a peer (to answer a menu).

use crate::error::Result;
use crate::ops::{Ctx, respond};
use crate::output::{Out, note};
use clap::Args;

/// Send keys to a peer, e.g. to choose an option of its open menu
///
/// Keys are tmux key names (Enter, Escape, Tab, BTab, Space, BSpace, Up, Down, Left, Right, Home,
/// End, PageUp, PageDown, F1..F12, C-x, M-x), single characters, or aliases (esc, return, up,
/// down, tab, space, backspace, ctrl-c). All are checked before any is sent.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb respond dev 1             # pick option 1 (a digit selects and confirms)\n  sb respond dev Down Enter\n  sb respond dev esc"
)]
pub struct RespondArgs {
    /// Role whose pane gets the keys
    #[arg(add = super::role_completer())]
    pub role: String,
    /// Keys to send, in order
    #[arg(required_unless_present = "option", conflicts_with = "option", num_args = 1.., allow_hyphen_values = true)]
    pub keys: Vec<String>,
    /// Answer the open menu by option number, only if a menu is open (guarded)
    #[arg(long, value_name = "N")]
    pub option: Option<u32>,
    /// With --option: only if the menu still has this fingerprint (from `sb detect --json`)
    #[arg(long, value_name = "FINGERPRINT", requires = "option")]
    pub expect: Option<String>,
}

pub fn run(ctx: &Ctx, out: Out, a: RespondArgs) -> Result<std::io::Result<()>> {
    let r = match a.option {
        Some(n) => respond::respond_option(ctx, &a.role, n, a.expect.as_deref())?,
        None => respond::respond(ctx, &a.role, &a.keys)?,
    };
    if !out.json {
        note(&format!(
            "sent {} to {} (pane {})",
            r.keys.join(" "),
            r.role,
            r.pane
        ));
        return Ok(Ok(()));
    }
    Ok(out.emit(&r, |_| String::new()))
}
