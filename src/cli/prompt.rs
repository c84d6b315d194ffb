//! `sb prompt set/get/ls/rm`: role briefings restored by the SessionStart hook.

use super::done;
use crate::error::{Result, SbError};
use crate::ops::{Ctx, prompt};
use crate::output::{Out, note};
use crate::text::{lossy_warning, read_lossy};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Save, show, list and remove role briefings (re-injected after /clear by `sb hook session-start`)
#[derive(Debug, Subcommand)]
pub enum PromptCmd {
    /// Save a role's briefing
    #[command(
        after_help = "Examples:\n  sb prompt set dev 'You are dev. Take issues from gestor; report to reviewer.'\n  sb prompt set dev --file briefings/dev.md\n  cat dev.md | sb prompt set dev -"
    )]
    Set(SetArgs),
    /// Print a role's briefing
    #[command(after_help = "Example:\n  sb prompt get dev")]
    Get(RoleArg),
    /// List saved briefings
    #[command(after_help = "Example:\n  sb prompt ls --json")]
    Ls,
    /// Remove a role's briefing
    #[command(after_help = "Example:\n  sb prompt rm dev")]
    Rm(RoleArg),
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// Role name
    #[arg(add = super::role_completer())]
    pub role: String,
    /// The briefing; `-` reads stdin
    #[arg(
        required_unless_present = "file",
        conflicts_with = "file",
        allow_hyphen_values = true
    )]
    pub text: Option<String>,
    /// Read the briefing from a file
    #[arg(long, short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RoleArg {
    /// Role name
    #[arg(add = super::role_completer())]
    pub role: String,
}

pub fn run(ctx: &Ctx, out: Out, c: PromptCmd) -> Result<()> {
    match c {
        PromptCmd::Set(a) => {
            let (text, lossy) = match (a.text.as_deref(), &a.file) {
                (_, Some(f)) => std::fs::File::open(f)
                    .and_then(read_lossy)
                    .map_err(|e| SbError::Usage(format!("cannot read {}: {e}", f.display())))?,
                (Some("-"), None) => read_lossy(std::io::stdin()).map_err(|e| {
                    SbError::Usage(format!("cannot read the prompt from stdin: {e}"))
                })?,
                (Some(t), None) => (t.to_string(), false),
                (None, None) => unreachable!("clap requires text or --file"),
            };
            if lossy {
                note(&lossy_warning("the briefing"));
            }
            let r = prompt::set_prompt(ctx, &a.role, &text)?;
            done(out.emit(&r, |r| {
                format!("saved the briefing of {} ({} bytes)", r.role, r.text.len())
            }))
        }
        PromptCmd::Get(a) => {
            let r = prompt::get_prompt(ctx, &a.role)?;
            done(out.emit(&r, |r| r.text.clone()))
        }
        PromptCmd::Ls => {
            let r = prompt::list_prompts(ctx)?;
            done(out.emit(&r, |r| {
                if r.prompts.is_empty() {
                    return "no briefings saved; add one with `sb prompt set ROLE TEXT`".into();
                }
                let rows = r
                    .prompts
                    .iter()
                    .map(|p| {
                        let first: String = p
                            .text
                            .lines()
                            .next()
                            .unwrap_or("")
                            .chars()
                            .take(70)
                            .collect();
                        vec![p.role.clone(), crate::clock::age(&p.updated_at), first]
                    })
                    .collect();
                out.table(&["role", "updated", "briefing"], rows)
            }))
        }
        PromptCmd::Rm(a) => {
            let r = prompt::delete_prompt(ctx, &a.role)?;
            done(out.emit(&r, |r| format!("removed the briefing of {}", r.role)))
        }
    }
}
