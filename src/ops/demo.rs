//! `demo`: the canonical three-role loop on a private tmux server with scripted agents
//! (gestor → dev "take issue #14", dev → reviewer "PR ready", reviewer → gestor "approved").

use super::Ctx;
use super::setup::shell_quote;
use crate::error::{Result, SbError};
use crate::poll::{Step, Waited, poll_until};
use crate::store::StateDir;
use crate::tmux::Tmux;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DemoReport {
    /// The private tmux socket the demo ran on.
    pub socket: String,
    /// The temporary state directory.
    pub state_dir: String,
    /// True with --keep: the server still runs; attach with `tmux -S SOCKET attach`.
    pub kept: bool,
    pub peers: super::peers::PeersReport,
    pub detections: Vec<super::detect::DetectReport>,
    pub messages: Vec<crate::store::log::Message>,
}

struct Role {
    name: &'static str,
    briefing: &'static str,
    reply: &'static str,
    then: Option<(&'static str, &'static str)>,
}

const ROLES: [Role; 3] = [
    Role {
        name: "gestor",
        briefing: "You are gestor: split the work into issues, hand them to dev, merge what reviewer approves.",
        reply: "Merging issue #14. Thanks, team.",
        then: None,
    },
    Role {
        name: "dev",
        briefing: "You are dev: take issues from gestor, implement them, send the PR to reviewer.",
        reply: "Implemented issue #14 and opened a PR.",
        then: Some(("reviewer", "PR ready: fixes issue #14")),
    },
    Role {
        name: "reviewer",
        briefing: "You are reviewer: review PRs from dev and report your verdict to gestor.",
        reply: "Reviewed the PR for issue #14: looks good.",
        then: Some(("gestor", "approved: PR for issue #14")),
    },
];

/// Run the demo. `progress` receives one line per step as it happens.
pub fn demo(keep: bool, progress: &mut dyn FnMut(&str)) -> Result<DemoReport> {
    let exe = std::env::current_exe()
        .map_err(|e| SbError::Other(anyhow::anyhow!("cannot find the sb binary: {e}")))?;
    let dir = std::env::temp_dir().join(format!("sb-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| SbError::Other(anyhow::anyhow!("cannot create {}: {e}", dir.display())))?;
    let sock = dir.join("tmux.sock");
    let ctx = Ctx {
        state: StateDir::at(dir.join("state")),
        tmux: Tmux::new(Some(sock.clone())),
    };
    let result = run_loop(&ctx, &exe, &dir, progress);
    if !keep || result.is_err() {
        let _ = ctx.tmux.run(["kill-server"], None);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let mut report = result?;
    report.kept = keep;
    Ok(report)
}

fn run_loop(
    ctx: &Ctx,
    exe: &Path,
    dir: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<DemoReport> {
    let sock = ctx.tmux.socket.clone().unwrap_or_default();
    let state = ctx.state.root().to_path_buf();
    let q = |p: &Path| shell_quote(&p.to_string_lossy());
    progress(&format!(
        "starting a private tmux server ({}) with three scripted agents",
        sock.display()
    ));
    let mut panes = Vec::new();
    for (i, r) in ROLES.iter().enumerate() {
        let mut cmd = format!(
            "SESSION_BRIDGE_DIR={} SB_TMUX_SOCKET={} exec {} agent --think-ms 400 --reply {}",
            q(&state),
            q(&sock),
            q(exe),
            shell_quote(r.reply)
        );
        if let Some((to, text)) = r.then {
            let hop = format!(
                "{} send {to} --from {} {} >/dev/null 2>&1",
                q(exe),
                r.name,
                shell_quote(text)
            );
            let _ = write!(cmd, " --then {}", shell_quote(&hop));
        }
        let pane = if i == 0 {
            ctx.tmux.run(
                [
                    "-f",
                    "/dev/null",
                    "new-session",
                    "-d",
                    "-s",
                    "demo",
                    "-x",
                    "150",
                    "-y",
                    "45",
                    "-P",
                    "-F",
                    "#{pane_id}",
                    &cmd,
                ],
                None,
            )?
        } else {
            ctx.tmux.run(
                [
                    "split-window",
                    "-d",
                    "-t",
                    "demo",
                    "-v",
                    "-P",
                    "-F",
                    "#{pane_id}",
                    &cmd,
                ],
                None,
            )?
        };
        let pane = pane.trim().to_string();
        ctx.tmux
            .run(["select-layout", "-t", "demo", "even-vertical"], None)?;
        panes.push(pane);
    }
    for (r, pane) in ROLES.iter().zip(&panes) {
        wait_until(Duration::from_secs(5), || {
            ctx.tmux
                .capture_history(pane, 5)
                .is_ok_and(|s| s.contains('❯'))
        });
        super::register::register(ctx, r.name, Some(pane))?;
        super::prompt::set_prompt(ctx, r.name, r.briefing)?;
        progress(&format!(
            "registered {} on pane {pane} and saved its briefing",
            r.name
        ));
    }
    progress("gestor → dev: take issue #14");
    let mut p = super::send::SendParams::new("dev", "take issue #14");
    p.from = Some("gestor".into());
    super::send::send(ctx, &p)?;
    // Back at gestor once the last hop's outcome is logged (its write-ahead record comes before
    // the text reaches the pane).
    let done = wait_until(LOOP_WAIT, || {
        super::history::inbox(ctx, "gestor", Some(1)).is_ok_and(|h| {
            h.messages
                .iter()
                .any(|m| m.outcome() != crate::store::log::Outcome::Sending)
        })
    });
    if !done {
        return Err(SbError::Timeout {
            secs: LOOP_WAIT.as_secs_f64(),
            what: "the demo loop did not come back to gestor".into(),
        });
    }
    // Let gestor's agent finish its reply so every pane is idle for the detections (on an idle
    // machine this takes well under a second; a loaded one gets more time).
    wait_until(Duration::from_secs(15), || {
        ROLES.iter().all(|r| {
            super::detect::detect(ctx, r.name, None)
                .is_ok_and(|d| d.detection.state != crate::detect::State::Busy)
        })
    });
    let detections = ROLES
        .iter()
        .map(|r| super::detect::detect(ctx, r.name, None))
        .collect::<Result<Vec<_>>>()?;
    Ok(DemoReport {
        socket: sock.display().to_string(),
        state_dir: dir.join("state").display().to_string(),
        kept: false,
        peers: super::peers::peers(ctx)?,
        detections,
        messages: super::history::history(ctx, Some(0), None)?.messages,
    })
}

/// How long the three hops may take (about 1 s on an idle machine).
const LOOP_WAIT: Duration = Duration::from_secs(20);

fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let waited = poll_until(timeout, Duration::from_millis(50), || {
        Ok::<_, ()>(if f() { Step::Done(()) } else { Step::Again })
    });
    matches!(waited, Ok(Waited::Done(())))
}
