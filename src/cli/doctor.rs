//! `sb doctor`: the checklist, one line per check, with the fix below what is not right.

use crate::error::{Result, SbError};
use crate::ops::Ctx;
use crate::ops::doctor::{self, Status};
use crate::output::{Out, Style};
use clap::Args;

/// Check that sb can work here: tmux, the state dir, the registered panes, the hook, the MCP server
///
/// Exits 1 when a check fails; warnings (!) and skipped checks (-) do not count as failures.
/// The Claude Code wiring (SessionStart hook, MCP server) is optional: when it is not set up it is
/// reported as "not set up (optional)", unless --claude asks for it.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb doctor\n  sb doctor --claude      # also require the hook and the MCP server (after `sb setup`)\n  sb doctor --json | jq '.checks[] | select(.status == \"fail\")'"
)]
pub struct DoctorArgs {
    /// Also require the Claude Code wiring (hook and MCP server) that `sb setup` installs
    #[arg(long)]
    pub claude: bool,
}

pub fn run(ctx: &Ctx, out: Out, a: DoctorArgs) -> Result<()> {
    let r = doctor::doctor(ctx, a.claude);
    out.emit(&r, |r| {
        let mut s = String::new();
        for c in &r.checks {
            let mark = match c.status {
                Status::Ok => out.paint("✓", Style::Good),
                Status::Warn => out.paint("!", Style::Warn),
                Status::Fail => out.paint("✗", Style::Bad),
                Status::Skip => out.paint("-", Style::Dim),
            };
            s.push_str(&format!(
                "{mark} {}: {}\n",
                out.paint(&c.name, Style::Bold),
                c.detail
            ));
            if let Some(fix) = &c.fix {
                s.push_str(&format!("    fix: {fix}\n"));
            }
        }
        s
    })
    .map_err(SbError::from_io)?;
    super::exit_status(u8::from(!r.ok))
}
