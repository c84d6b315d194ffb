//! `sb demo`: run the three-role loop on a private tmux server and show what sb saw.

use crate::error::Result;
use crate::ops::demo;
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
    after_help = "Examples:\n  sb demo\n  sb demo --keep      # leave the server running and print the attach command"
)]
pub struct DemoArgs {
    /// Leave the tmux server running afterwards
    #[arg(long)]
    pub keep: bool,
}

pub fn run(out: Out, a: DemoArgs) -> Result<std::io::Result<()>> {
    let mut progress = |s: &str| note(&format!("{} {s}", out.paint("==>", Style::Accent)));
    let r = demo::demo(a.keep, &mut progress)?;
    Ok(out.emit(&r, |r| {
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
            s.push_str(&format!("\nThe demo server is still running. Look at it with:\n  tmux -S {} attach\nStop it with:\n  tmux -S {} kill-server\n", r.socket, r.socket));
        }
        s
    }))
}
