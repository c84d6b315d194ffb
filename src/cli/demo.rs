//! `sb demo`: run the three-role loop on a private tmux server and show what sb saw.

use super::done;
use crate::error::Result;
use crate::ops::demo;
use crate::ops::setup::shell_quote;
use crate::output::{Out, Style, note};
use clap::Args;

/// Run a self-contained demo: three scripted agents pass a task around on a private tmux server
///
/// Starts a private tmux server and a temporary state dir, opens three panes (gestor, dev,
/// reviewer) running small scripted agents, registers them, saves their briefings, and runs the
/// loop gestor → dev → reviewer → gestor. Then shows the peers, what `detect` sees in each pane,
/// and the conversation, and tears everything down. Only tmux is needed.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb demo\n  sb demo --keep                  # leave it running; prints how to use sb against it\n  eval \"$(sb demo --keep --env)\"  # then `sb peers`, `sb send dev hi` talk to the demo"
)]
pub struct DemoArgs {
    /// Leave the tmux server running afterwards
    #[arg(long)]
    pub keep: bool,
    /// Print only `export SESSION_BRIDGE_DIR=… SB_TMUX_SOCKET=…` for `eval` (implies --keep)
    #[arg(long)]
    pub env: bool,
}

/// The shell line that points sb at the demo's state dir and tmux server.
fn exports(r: &demo::DemoReport) -> String {
    format!(
        "export SESSION_BRIDGE_DIR={} SB_TMUX_SOCKET={}",
        shell_quote(&r.state_dir),
        shell_quote(&r.socket)
    )
}

pub fn run(out: Out, a: DemoArgs) -> Result<()> {
    let mut progress = |s: &str| note(&format!("{} {s}", out.paint("==>", Style::Accent)));
    let r = demo::demo(a.keep || a.env, &mut progress)?;
    if a.env && !out.json {
        return done(out.line(&exports(&r)));
    }
    done(out.emit(&r, |r| {
        let mut s = String::new();
        s.push_str(&out.paint("Messages\n", Style::Bold));
        for m in &r.messages {
            s.push_str(&format!("  {} → {}: {}\n", m.from, m.to, m.text));
        }
        s.push_str(&out.paint("\nPeers\n", Style::Bold));
        let rows = r.peers.peers.iter().map(|p| vec![p.role.clone(), p.pane.clone(), match p.alive { Some(true) => "yes", Some(false) => "no", None => "unknown" }.into()]).collect();
        s.push_str(&out.table(&["role", "pane", "alive"], rows));
        s.push_str(&out.paint("\n\nDetections\n", Style::Bold));
        for d in &r.detections {
            s.push_str(&super::detect::render(out, d));
            s.push('\n');
        }
        if r.kept {
            let sock = shell_quote(&r.socket);
            let dir = shell_quote(r.state_dir.trim_end_matches("/state"));
            s.push_str(&format!(
                "\nThe demo is still running. Point sb at it (or `eval \"$(sb demo --keep --env)\"` next time):\n  {}\n  sb peers\n  sb send dev 'hello from the shell'\n  sb history\nLook at it with:\n  tmux -S {sock} attach\nStop it with:\n  tmux -S {sock} kill-server; rm -rf {dir}\n",
                exports(r)
            ));
        }
        s
    }))
}
