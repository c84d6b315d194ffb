//! `sb agent` (hidden): run the scripted stand-in agent of `crate::agent`.

use crate::agent::{self, AgentSpec};
use crate::error::{Result, SbError};
use clap::Args;
use std::path::PathBuf;

/// Run a small scripted terminal agent (for tests and the demo)
#[derive(Debug, Args)]
pub struct AgentArgs {
    /// Append every byte received to FILE
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Draw FILE as the screen, redrawn when it changes
    #[arg(long, value_name = "FILE")]
    pub screen: Option<PathBuf>,
    /// Canned reply after each submitted message
    #[arg(long)]
    pub reply: Option<String>,
    /// Milliseconds to look busy before replying
    #[arg(long, default_value_t = 300)]
    pub think_ms: u64,
    /// Shell command to run once after the first reply
    #[arg(long)]
    pub then: Option<String>,
    /// Append submitted messages as user turns to this JSONL transcript
    #[arg(long, value_name = "FILE")]
    pub transcript: Option<PathBuf>,
    /// Ignore the first N Enter presses
    #[arg(long, default_value_t = 0)]
    pub swallow_enters: u32,
}

pub fn run(a: AgentArgs) -> Result<()> {
    let spec = AgentSpec {
        record: a.record,
        screen: a.screen,
        reply: a.reply,
        think: std::time::Duration::from_millis(a.think_ms),
        then: a.then,
        transcript: a.transcript,
        swallow_enters: a.swallow_enters,
    };
    agent::run(spec).map_err(|e| SbError::Other(anyhow::anyhow!("agent: {e}")))?;
    Ok(())
}
