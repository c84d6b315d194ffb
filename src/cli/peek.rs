//! `sb peek`: print the last lines of a peer's pane.

use super::done;
use crate::error::Result;
use crate::ops::{Ctx, peek};
use crate::output::Out;
use clap::Args;

/// Show the last lines of a peer's screen and scrollback
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb peek dev\n  sb peek dev --lines 200 | less\n  sb peek dev -n 0 > dev-scrollback.txt   # everything tmux kept"
)]
pub struct PeekArgs {
    /// Role to look at
    #[arg(add = super::role_completer())]
    pub role: String,
    /// How many lines (0 = the whole scrollback)
    #[arg(long, short = 'n', default_value_t = peek::DEFAULT_LINES)]
    pub lines: usize,
}

pub fn run(ctx: &Ctx, out: Out, a: PeekArgs) -> Result<()> {
    let r = peek::peek(ctx, &a.role, Some(a.lines))?;
    done(out.emit(&r, |r| r.text.clone()))
}
