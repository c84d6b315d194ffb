//! `sb generate` (hidden): shell completion scripts (clap_complete's dynamic completion: each
//! script asks `COMPLETE=$SHELL sb` for candidates, so hidden commands stay hidden and role names
//! come from the registry) and man pages (clap_mangen), committed under completions/ and man/
//! and checked fresh by a test.

use super::Cli;
use crate::error::{Result, SbError};
use clap::{Args, CommandFactory, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum GenerateCmd {
    /// Write the completion script of every shell into DIR (each asks `sb` for candidates)
    Completions { dir: PathBuf },
    /// Write sb.1 and one page per subcommand into DIR
    Man { dir: PathBuf },
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    pub what: GenerateCmd,
}

/// The completion file names, one per shell (by the names `COMPLETE=` takes).
pub const SHELLS: [(&str, &str); 5] = [
    ("bash", "sb.bash"),
    ("zsh", "_sb"),
    ("fish", "sb.fish"),
    ("elvish", "sb.elv"),
    ("powershell", "_sb.ps1"),
];

pub fn run(a: GenerateArgs) -> Result<()> {
    let io = |e: std::io::Error| SbError::Other(anyhow::anyhow!("generate: {e}"));
    match a.what {
        GenerateCmd::Completions { dir } => {
            std::fs::create_dir_all(&dir).map_err(io)?;
            let shells = clap_complete::env::Shells::builtins();
            for (shell, file) in SHELLS {
                let completer = shells
                    .completer(shell)
                    .ok_or_else(|| SbError::Other(anyhow::anyhow!("no completer for {shell}")))?;
                let mut buf = Vec::new();
                completer
                    .write_registration("COMPLETE", "sb", "sb", "sb", &mut buf)
                    .map_err(io)?;
                std::fs::write(dir.join(file), buf).map_err(io)?;
            }
        }
        GenerateCmd::Man { dir } => {
            std::fs::create_dir_all(&dir).map_err(io)?;
            let mut cmd = Cli::command().disable_help_subcommand(true);
            cmd.build();
            man_pages(&cmd, "sb", &dir).map_err(io)?;
        }
    }
    Ok(())
}

fn man_pages(cmd: &clap::Command, name: &str, dir: &Path) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), dir)?;
    }
    let page = cmd.clone().display_name(name.to_string());
    let man = clap_mangen::Man::new(page)
        .manual("sb manual")
        .date(MAN_DATE)
        .source(format!("sb {}", env!("CARGO_PKG_VERSION")));
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    if cmd.get_after_help().is_some() || cmd.get_after_long_help().is_some() {
        man.render_extra_section(&mut out)?;
    }
    out.write_all(COMMON_SECTIONS.as_bytes())?;
    if name != "sb" {
        out.write_all(b".SH \"SEE ALSO\"\n\\fBsb\\fR(1)\n")?;
    }
    std::fs::write(dir.join(format!("{name}.1")), out)
}

/// The date printed in the man pages: the release date of this version.
const MAN_DATE: &str = "2026-11-26";

const COMMON_SECTIONS: &str = r#".SH OUTPUT
A command's result goes to stdout, warnings and errors to stderr (\fBsb: error: …\fR with a
\fBhint:\fR line). \fB\-\-json\fR prints one JSON document; on failure that document is
\fB{"error": {"kind", "message", "hint", "exit_code", "message_id"}}\fR, with the same exit status.
Streams (\fBhistory \-\-follow\fR, \fBwatch\fR) take \fB\-\-jsonl\fR: one JSON object per line,
flushed per line. Times are local (\fBTZ\fR is honoured) unless \fB\-\-utc\fR; JSON times are
RFC 3339 UTC.
.SH COMPLETION
\fBsource <(COMPLETE=bash sb)\fR (or \fBzsh\fR; \fBCOMPLETE=fish sb | source\fR; elvish and
powershell likewise) completes commands, options and registered role names; the scripts in
\fIcompletions/\fR do the same.
.SH "EXIT STATUS"
.TP
\fB0\fR
success
.TP
\fB1\fR
runtime failure (I/O, a tmux command failed, state that cannot be read)
.TP
\fB2\fR
usage error: bad arguments, an invalid role name or key
.TP
\fB3\fR
not found: unknown role, no saved prompt
.TP
\fB4\fR
tmux unavailable, or the peer's pane is gone (a message is still logged as undelivered)
.TP
\fB5\fR
timed out (\fBwait\fR, \fB\-\-when\-ready\fR, \fB\-\-confirm\fR)
.TP
\fB6\fR
refused by the send guard: the peer shows an open menu or unsent text (the message is logged, not typed)
.SH ENVIRONMENT
.TP
\fBSESSION_BRIDGE_DIR\fR
state directory (default \fI~/.claude/session\-bridge\fR); \fB\-\-state\-dir\fR overrides it
.TP
\fBSB_TMUX_SOCKET\fR
tmux server socket (tmux \fB\-S\fR); \fB\-\-socket\fR overrides it; without either, tmux's default, which honours \fBTMUX\fR
.TP
\fBTMUX_PANE\fR
the pane sb runs in: the default pane for \fBregister\fR and the default sender role
.TP
\fBNO_COLOR\fR
no colours when set (unless \fB\-\-color always\fR)
.TP
\fBTZ\fR
the time zone of the times \fBhistory\fR and \fBinbox\fR print
.TP
\fBCOMPLETE\fR
set to a shell name, sb prints completions instead of running (see COMPLETION)
.SH FILES
.TP
\fIregistry.json\fR
roles and their tmux panes
.TP
\fIprompts.json\fR
saved role briefings
.TP
\fIconversation.jsonl\fR
every message, oldest first, delivered or not
.TP
\fImailbox/ROLE.jsonl\fR
the messages sent to ROLE
.TP
\fIread.json\fR
the read marker of each role's inbox (\fBinbox \-\-mark\-read\fR)
.TP
\fIevents.jsonl\fR
state transitions logged by \fBsb watch\fR
.PP
All in the state directory, created 0700 with files 0600. A registry or prompts file written by a
newer sb (a higher \fB"version"\fR) is read as far as this sb understands it, and never rewritten
(exit 1).
"#;
