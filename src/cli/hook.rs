//! `sb hook session-start` (Claude Code's and Codex's SessionStart hook) and `sb hook before-agent`
//! (Gemini CLI's BeforeAgent hook). Each prints the briefing JSON or nothing, and always exits 0.

use super::Global;
use crate::ops::hook::{self, HookOutput};
use crate::store::StateDir;
use clap::Subcommand;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How long the hook waits for Claude Code's JSON on stdin.
const STDIN_BUDGET: Duration = Duration::from_millis(100);
/// The most stdin it reads (the hook JSON is a few hundred bytes).
const STDIN_CAP: usize = 1 << 20;

/// Hooks for Claude Code, Codex and Gemini CLI (installed by `sb setup`)
#[derive(Debug, Subcommand)]
pub enum HookCmd {
    /// Print this pane's role briefing for Claude Code's SessionStart hook
    ///
    /// Reads the hook JSON on stdin (session_id, transcript_path, cwd, source), finds the role
    /// registered for $TMUX_PANE (the most recent registration wins), prints
    /// {"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"…"}} with a line
    /// naming the role and its peers followed by the saved briefing, and records the session id and
    /// transcript path on the role. Outside tmux, on an unregistered pane, without a saved prompt,
    /// or on any error it prints nothing. It always exits 0 and never waits on tmux or the network.
    /// Codex reads the same output from ~/.codex/hooks.json.
    #[command(
        after_help = "Examples:\n  sb setup                             # installs this hook in ~/.claude/settings.json\n  sb setup --agent codex               # installs it in ~/.codex/hooks.json\n  echo '{\"session_id\":\"abc\",\"source\":\"clear\"}' | TMUX_PANE=%3 sb hook session-start"
    )]
    SessionStart,
    /// Print this pane's role briefing for Gemini CLI's BeforeAgent hook, once per session
    ///
    /// Gemini CLI ignores SessionStart context after /clear but appends a BeforeAgent hook's
    /// additionalContext to the prompt. This prints
    /// {"hookSpecificOutput":{"hookEventName":"BeforeAgent","additionalContext":"…"}} (the same
    /// briefing as session-start) on the first prompt of each session_id and nothing on later
    /// prompts; it remembers the newest 256 briefed session ids in the state dir. It records the
    /// session id and transcript path on the role, always exits 0 and never blocks.
    #[command(
        after_help = "Examples:\n  sb setup --agent gemini              # installs this hook in ~/.gemini/settings.json\n  echo '{\"session_id\":\"abc\",\"hook_event_name\":\"BeforeAgent\"}' | TMUX_PANE=%3 sb hook before-agent"
    )]
    BeforeAgent,
}

/// Run a hook; it always succeeds (a hook must never break the session), so nothing is returned.
pub fn run(g: &Global, c: HookCmd) {
    let _ = match c {
        HookCmd::SessionStart => brief(g, hook::SESSION_START, hook::session_start),
        HookCmd::BeforeAgent => brief(g, hook::BEFORE_AGENT, hook::before_agent),
    };
}

type HookFn = fn(
    &StateDir,
    &str,
    Option<u32>,
    &[u8],
) -> crate::error::Result<Option<hook::SessionStartReport>>;

fn brief(g: &Global, event: &str, f: HookFn) -> Option<()> {
    let pane = std::env::var("TMUX_PANE").ok().filter(|p| !p.is_empty())?;
    let input = read_stdin_bounded(STDIN_BUDGET, STDIN_CAP);
    let state = StateDir::resolve(g.state_dir.as_deref()).ok()?;
    let report = f(&state, &pane, crate::tmux::server_pid_from_env(), &input).ok()??;
    let mut line = serde_json::to_vec(&HookOutput::new(event, &report)).ok()?;
    line.push(b'\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&line).ok()?;
    stdout.flush().ok()
}

/// Whatever arrives on stdin until EOF, `cap` bytes or `budget`, whichever comes first. A terminal
/// gives nothing; a pipe that never closes costs `budget`, and what arrived by then is kept.
/// `poll(2)` before each read, so no read can block and no thread is needed.
fn read_stdin_bounded(budget: Duration, cap: usize) -> Vec<u8> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Vec::new();
    }
    let deadline = Instant::now() + budget;
    let mut input = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    while input.len() < cap {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut pfd = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, for the duration of the call.
        let n = unsafe {
            libc::poll(
                &raw mut pfd,
                1,
                left.as_millis().min(i32::MAX as u128) as i32,
            )
        };
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        if n <= 0 || pfd.revents & (libc::POLLIN | libc::POLLHUP) == 0 {
            break; // out of time, or stdin is closed or invalid
        }
        // SAFETY: reading into a local buffer of the given length; fd 0 is ready, so this returns.
        let r = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
        match r {
            0 => break, // EOF
            r if r > 0 => input.extend_from_slice(&buf[..r as usize]),
            _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
            _ => break,
        }
    }
    input.truncate(cap);
    input
}
