//! `peek` / `read_peer`: the last lines of a peer's pane, as a person would see them.

use super::Ctx;
use crate::error::Result;
use crate::pane::Pane;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PeekReport {
    pub role: String,
    pub pane: String,
    /// How many lines were asked for (0 = the whole scrollback).
    pub lines: usize,
    /// The captured text (wrapped lines joined, trailing blank lines removed).
    pub text: String,
}

pub const DEFAULT_LINES: usize = 50;

/// The last `lines` lines (default 50, at most 100 000; 0 = the whole scrollback).
pub fn peek(ctx: &Ctx, role: &str, lines: Option<usize>) -> Result<PeekReport> {
    if let Some(remote) = crate::remote::lookup(ctx, role)? {
        return remote.peek(role, lines);
    }
    let lines = lines.unwrap_or(DEFAULT_LINES).min(100_000);
    let pane = Pane::resolve(ctx, role)?;
    let text = pane.capture_history(lines)?;
    Ok(PeekReport {
        role: role.to_string(),
        pane: pane.id().to_string(),
        lines,
        text,
    })
}
