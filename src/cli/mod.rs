//! The command line: global options, the subcommand list, and dispatch to one small file per
//! command. Each command file parses its arguments, calls `crate::ops`, and renders the report.

mod agent;
mod demo;
mod detect;
mod doctor;
mod generate;
mod history;
mod hook;
mod peek;
mod peers;
mod prompt;
mod queue;
mod register;
mod respond;
mod send;
mod setup;
mod up;
mod watch;

use crate::error::Result;
use crate::ops::Ctx;
use crate::output::{ColorChoice, Out};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const ABOUT: &str = "Let AI coding sessions in tmux panes talk to each other";
const LONG_ABOUT: &str = "\
sb (session bridge) lets several AI coding sessions, each in its own tmux pane under a role name such \
as gestor, dev or reviewer, talk to each other directly: `send` pastes a message into a peer's prompt \
as a new user turn, `detect` reads whether the peer is busy, idle or waiting on a menu, `respond` \
answers a menu, and every message is logged. `sb mcp` serves the same operations as MCP tools.";
const EXAMPLES: &str = "\
Examples:
  sb register dev                      # inside the dev session's pane
  sb send dev 'take issue #14'         # paste into dev's prompt and press Enter
  sb detect dev                        # busy, idle, waiting_select (with the options), ...
  sb respond dev 1                     # choose option 1 of dev's open menu
  sb history --limit 5
  sb --json send nobody hi             # a failure prints {\"error\": {\"kind\": ...}} on stdout, exit 3
  source <(COMPLETE=bash sb)           # shell completion, role names included (zsh, fish, ...)

Results go to stdout and diagnostics to stderr. --json prints one JSON document (a failure too: \
{\"error\": {kind, message, hint, exit_code, message_id}}); streams (history --follow, watch) take \
--jsonl, one JSON object per line.

Exit status: 0 ok, 1 runtime failure, 2 usage error, 3 unknown role or prompt, 4 tmux or the \
peer's pane unavailable, 5 timed out, 6 refused by the send guard.";

#[derive(Debug, Parser)]
#[command(name = "sb", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
#[command(propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub cmd: Cmd,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Print one JSON document instead of text for people (a failure prints {"error": …} on stdout)
    #[arg(long, global = true)]
    pub json: bool,
    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// State directory [default: $SESSION_BRIDGE_DIR, else ~/.claude/session-bridge]
    #[arg(long, global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// tmux server socket (tmux -S) [env: SB_TMUX_SOCKET; default: tmux's own, honouring $TMUX]
    #[arg(long, global = true, value_name = "PATH")]
    pub socket: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    Register(register::RegisterArgs),
    Unregister(register::UnregisterArgs),
    Peers(peers::PeersArgs),
    Send(send::SendArgs),
    Peek(peek::PeekArgs),
    Detect(detect::DetectArgs),
    Wait(detect::WaitArgs),
    Respond(respond::RespondArgs),
    History(history::HistoryArgs),
    Inbox(history::InboxArgs),
    #[command(subcommand)]
    Prompt(prompt::PromptCmd),
    Watch(watch::WatchArgs),
    Queue(queue::QueueArgs),
    Mcp(McpArgs),
    Demo(demo::DemoArgs),
    Setup(setup::SetupArgs),
    Doctor(doctor::DoctorArgs),
    Init(up::InitArgs),
    Up(up::UpArgs),
    Down(up::DownArgs),
    #[command(subcommand)]
    Hook(hook::HookCmd),
    /// Generate shell completions and man pages
    #[command(hide = true)]
    Generate(generate::GenerateArgs),
    /// A small scripted terminal agent for tests and the demo
    #[command(hide = true)]
    Agent(agent::AgentArgs),
}

/// Serve sb's operations as MCP tools over stdio (for Claude Code and other MCP clients)
///
/// Tools: register, list_peers, send, read_peer, detect_question, respond, history, inbox,
/// set_prompt, get_prompt, list_prompts, delete_prompt, wait_for, queue_list, queue_drop. Each returns the same JSON as
/// the matching command's --json. Nothing but protocol is written to stdout.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  claude mcp add -s user session-bridge -- sb mcp\n  sb setup            # does the above and wires the SessionStart hook"
)]
pub struct McpArgs {}

impl Global {
    pub fn out(&self) -> Out {
        Out::new(self.json, self.color)
    }

    /// The operation context: state dir and tmux socket from flags, then environment.
    pub fn ctx(&self) -> Result<Ctx> {
        let socket = self.socket.clone().or_else(|| {
            std::env::var_os("SB_TMUX_SOCKET")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        });
        Ctx::new(self.state_dir.clone(), socket)
    }
}

/// Shell completion at run time: with `COMPLETE=$SHELL` set, print the registration script or the
/// candidates for the words given, and exit (clap_complete's `CompleteEnv`). Hidden commands are
/// never offered; role names come from the registry.
pub fn complete_env() {
    use clap::CommandFactory;
    clap_complete::CompleteEnv::with_factory(Cli::command).complete();
}

/// Completes a role name from the registry (`SESSION_BRIDGE_DIR`, else the default state dir),
/// with each role's pane as its description. Used through `COMPLETE=$SHELL sb` (see
/// `completions/`).
pub(crate) fn role_completer() -> clap_complete::engine::ArgValueCandidates {
    use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
    ArgValueCandidates::new(|| {
        let Ok(state) = crate::store::StateDir::resolve(None) else {
            return vec![];
        };
        let Ok(reg) = crate::store::registry::Registry::load(&state) else {
            return vec![];
        };
        reg.roles
            .iter()
            .map(|(role, e)| {
                CompletionCandidate::new(role).help(Some(format!("pane {}", e.pane).into()))
            })
            .chain(reg.remotes.iter().map(|(role, e)| {
                CompletionCandidate::new(role).help(Some(format!("on host {}", e.host).into()))
            }))
            .collect()
    })
}

/// One warning line when `--from ROLE` names a role that is not registered (the message still
/// goes; a reply to that name could not be delivered). `user`, the default sender, is fine.
pub(crate) fn warn_unregistered_from(ctx: &Ctx, from: Option<&str>) {
    // An invalid name is refused by the command itself, with its own message.
    let Some(from) = from.filter(|f| *f != "user" && crate::store::validate_role(f).is_ok()) else {
        return;
    };
    let Ok(reg) = crate::store::registry::Registry::load(&ctx.state) else {
        return;
    };
    if !reg.roles.contains_key(from) && !reg.remotes.contains_key(from) {
        let hint = crate::error::closest(from, &reg.roles.keys().cloned().collect::<Vec<_>>())
            .map(|g| format!(" (did you mean {g}?)"))
            .unwrap_or_default();
        crate::output::note(&format!(
            "sb: warning: --from {from:?} is not a registered role{hint}; the peer cannot reply to it"
        ));
    }
}

/// Run a parsed command line. Ok(exit code) for outcomes that are not errors.
/// An adapter's printing, as its result: a closed stdout is a quiet success (`BrokenPipe`).
pub(crate) fn done(printed: std::io::Result<()>) -> Result<()> {
    printed.map_err(crate::error::SbError::from)
}

pub fn dispatch(cli: Cli) -> Result<()> {
    let g = &cli.global;
    let out = g.out();
    match cli.cmd {
        Cmd::Register(a) => register::run(&g.ctx()?, out, a),
        Cmd::Unregister(a) => register::run_unregister(&g.ctx()?, out, a),
        Cmd::Peers(a) => peers::run(&g.ctx()?, out, a),
        Cmd::Send(a) => send::run(&g.ctx()?, out, a),
        Cmd::Peek(a) => peek::run(&g.ctx()?, out, a),
        Cmd::Detect(a) => {
            let ctx = if a.screen.is_some() {
                None
            } else {
                Some(g.ctx()?)
            };
            detect::run(ctx.as_ref(), out, a)
        }
        Cmd::Wait(a) => detect::run_wait(&g.ctx()?, out, a),
        Cmd::Respond(a) => respond::run(&g.ctx()?, out, a),
        Cmd::History(a) => history::run(&g.ctx()?, out, a),
        Cmd::Inbox(a) => history::run_inbox(&g.ctx()?, out, a),
        Cmd::Prompt(c) => prompt::run(&g.ctx()?, out, c),
        Cmd::Demo(a) => demo::run(out, a),
        Cmd::Watch(a) => watch::run(&g.ctx()?, out, a),
        Cmd::Queue(a) => queue::run(&g.ctx()?, out, a),
        Cmd::Mcp(_) => crate::mcp::serve(g.ctx()?),
        Cmd::Setup(a) => setup::run(out, a),
        Cmd::Doctor(a) => doctor::run(&g.ctx()?, out, a),
        Cmd::Init(a) => up::run_init(out, a),
        Cmd::Up(a) => up::run_up(&g.ctx()?, out, a),
        Cmd::Down(a) => up::run_down(&g.ctx()?, out, a),
        Cmd::Hook(c) => {
            hook::run(g, c);
            Ok(())
        }
        Cmd::Generate(a) => generate::run(a),
        Cmd::Agent(a) => agent::run(a),
    }
}

/// A command whose result is a non-zero exit status without an error message (doctor found a
/// problem, setup left work undone, up left a role stuck).
pub(crate) fn exit_status(code: u8) -> Result<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(crate::error::SbError::SilentExit(code))
    }
}
