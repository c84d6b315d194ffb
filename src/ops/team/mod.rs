//! Teams: `sb init` writes a team file, `sb up` starts the team it describes (a tmux session, a
//! pane per role, registered, briefed, checked ready), `sb down` stops it. CLI only: starting
//! agents is a person's decision, so there is no MCP tool for it.
//!
//! - `file`: the `sb.toml` format and its validation;
//! - `up`, `down`, `init`: the operations;
//! - `git`: the few git commands for per-role worktrees (git is run here, tmux only in tmux.rs).
//!
//! What `sb up` made that `sb down` must undo (the watch window, the worktrees it added) is kept
//! in `team-<session>.json` in the state directory.

pub mod down;
pub mod file;
pub mod git;
pub mod init;
pub mod remote;
pub mod up;

use super::Ctx;
use crate::error::Result;
use crate::store::registry::{load_json, save_json};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A worktree `sb up` set up for a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorktreeInfo {
    /// The worktree's directory.
    pub path: String,
    pub branch: String,
    /// The repository it belongs to (its main working tree).
    pub repo: String,
    /// True when sb added it (only those are removed by `sb down`); false when it was there.
    pub created: bool,
}

/// What `sb up` made for one session.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TeamRecord {
    pub version: u32,
    pub session: String,
    /// The team file it was started from.
    pub file: String,
    /// The pane running `sb watch`, when the file asks for one.
    pub watch_pane: Option<String>,
    /// The tmux server the panes were made on.
    pub server_pid: Option<u32>,
    pub worktrees: BTreeMap<String, WorktreeInfo>,
}

fn record_path(ctx: &Ctx, session: &str) -> PathBuf {
    ctx.state.root().join(format!("team-{session}.json"))
}

impl TeamRecord {
    pub fn load(ctx: &Ctx, session: &str) -> Result<TeamRecord> {
        ctx.state.check_safe()?;
        load_json(&record_path(ctx, session))
    }

    pub fn save(&self, ctx: &Ctx) -> Result<()> {
        ctx.state.ensure()?;
        save_json(&record_path(ctx, &self.session), self)
    }

    pub fn remove(ctx: &Ctx, session: &str) -> Result<()> {
        match std::fs::remove_file(record_path(ctx, session)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(crate::error::other(format!(
                "cannot remove {}: {e}",
                record_path(ctx, session).display()
            ))),
        }
    }
}
