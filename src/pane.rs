//! `Pane`: the one way an operation reaches a role's tmux pane. It owns the registry entry, the
//! check that the pane is still the one registered (same tmux server, program running), the
//! per-pane lock, every tmux call for the pane, and the guard's reading of it ([`Observation`]).
//! tmux failures become role-specific errors here, once.

use crate::agents;
use crate::detect::{self, Agent, Detection};
use crate::error::{Result, SbError};
use crate::guard::{self, AgentStatus, Verdict};
use crate::ops::Ctx;
use crate::store::registry::{Registry, RoleEntry};
use crate::store::{FileLock, validate_role};
use crate::tmux::{self, PaneInfo};

/// A registered role's pane.
#[derive(Debug, Clone)]
pub struct Pane<'a> {
    ctx: &'a Ctx,
    pub role: String,
    pub entry: RoleEntry,
}

/// What sb sees in a pane at one moment, and what the guard makes of it.
#[derive(Debug, Clone)]
pub struct Observation {
    pub info: PaneInfo,
    /// The captured screen (with SGR codes).
    pub screen: String,
    pub detection: Detection,
    /// The agent's own status file, when one was found for this pane (Claude Code).
    pub agent_status: Option<AgentStatus>,
    pub verdict: Verdict,
}

impl<'a> Pane<'a> {
    /// Look `role` up in the registry.
    pub fn resolve(ctx: &'a Ctx, role: &str) -> Result<Pane<'a>> {
        validate_role(role)?;
        let entry = Registry::load(&ctx.state)?.get(role)?.clone();
        Ok(Pane::of(ctx, role, entry))
    }

    /// A role whose entry was already read (from a registry the caller loaded).
    pub fn of(ctx: &'a Ctx, role: &str, entry: RoleEntry) -> Pane<'a> {
        Pane {
            ctx,
            role: role.to_string(),
            entry,
        }
    }

    pub fn id(&self) -> &str {
        &self.entry.pane
    }

    /// The lock that serializes everything typed into this pane (send, respond, notices).
    pub fn lock(&self) -> Result<FileLock> {
        self.ctx.state.ensure()?;
        FileLock::acquire(&self.ctx.state.lock_path(&self.lock_name()))
    }

    /// The lock's name: the pane id on its server (pane ids are reused by a new server).
    pub fn lock_name(&self) -> String {
        format!(
            "pane-{}-{}",
            self.entry.server_pid,
            self.entry.pane.trim_start_matches('%')
        )
    }

    /// The pane's facts, checked to be the registered pane with its program running.
    pub fn info(&self) -> Result<PaneInfo> {
        let info = self
            .ctx
            .tmux
            .pane_info(&self.entry.pane)
            .map_err(|e| self.error(e))?;
        self.check(&info)?;
        Ok(info)
    }

    /// Read the screen (with attributes), classify it, look for the agent's own status and ask
    /// the guard: the one reading that `send`, `detect`, `respond` and `watch` all act on.
    pub fn observe(&self) -> Result<Observation> {
        self.observe_rows(None)
    }

    /// As [`Pane::observe`], classifying only the bottom `rows` rows of the screen.
    pub fn observe_rows(&self, rows: Option<usize>) -> Result<Observation> {
        let mut snap = self
            .ctx
            .tmux
            .snapshot(&self.entry.pane, true)
            .map_err(|e| self.error(e))?;
        self.check(&snap.info)?;
        let detection = detect::classify(bottom_rows(&snap.screen, rows), Some(&snap.info.title));
        // tmux names the foreground group's leader: a shell that started the agent without job
        // control (`sh -c 'claude; exec bash'`) is named while the agent reads the terminal.
        if guard::is_non_agent(&snap.info.command)
            && let Some(leaf) = crate::procs::foreground_leaf(snap.info.pane_pid)
        {
            snap.info.command = leaf;
        }
        // A shell or another non-agent is refused anyway; no need to ask the agent.
        let agent_status = (!guard::is_non_agent(&snap.info.command))
            .then(|| self.agent_status(&detection, &snap))
            .flatten();
        let verdict = guard::verdict(
            &self.role,
            &detection,
            Some(&snap.info.command),
            agent_status.as_ref(),
        );
        Ok(Observation {
            info: snap.info,
            screen: snap.screen,
            detection,
            agent_status,
            verdict,
        })
    }

    /// What the agent itself says beyond its screen: Claude Code's session file, or whether a
    /// Codex or Gemini that was just started has finished starting (`agents::starting`).
    pub fn agent_status(&self, det: &Detection, snap: &tmux::Snapshot) -> Option<AgentStatus> {
        match det.agent {
            Agent::Claude => {
                let dirs = agents::claude::config_dirs(self.entry.transcript_path.as_deref());
                agents::claude::status_for_pane(&dirs, &self.entry.pane, snap.info.pane_pid)
            }
            // A menu or an unreadable screen is refused anyway; no need to look.
            Agent::Codex | Agent::Gemini
                if !matches!(
                    det.state,
                    detect::State::WaitingSelect | detect::State::Unknown
                ) =>
            {
                agents::starting(det.agent, snap.info.pane_pid, &snap.screen)
            }
            Agent::Codex | Agent::Gemini => None,
            Agent::Unknown => None,
        }
    }

    /// Paste `text` as one bracketed paste and (with `submit`) press Enter, `settle_ms` later.
    /// tmux checks in the same call that the pane is still the registered one and alive.
    pub fn paste(&self, text: &str, submit: bool, settle_ms: u64) -> Result<()> {
        self.ctx
            .tmux
            .paste(
                &self.entry.pane,
                text,
                submit,
                settle_ms,
                self.entry.server_pid,
            )
            .map_err(|e| self.error(e))
    }

    /// Send tmux key names (already validated).
    pub fn keys(&self, keys: &[String]) -> Result<()> {
        self.ctx
            .tmux
            .send_keys(&self.entry.pane, keys)
            .map_err(|e| self.error(e))
    }

    /// The pane's facts and screen as tmux reports them, without the registered-pane checks: for
    /// a caller that reports a dead or vanished pane itself (`sb up` waiting for the programs it
    /// just started). Nothing is typed.
    pub fn raw_snapshot(&self) -> std::result::Result<tmux::Snapshot, tmux::Error> {
        self.ctx.tmux.snapshot(&self.entry.pane, true)
    }

    /// The pane's facts without the registered-pane checks (see [`Pane::raw_snapshot`]).
    pub fn raw_info(&self) -> std::result::Result<PaneInfo, tmux::Error> {
        self.ctx.tmux.pane_info(&self.entry.pane)
    }

    /// History and screen of a pane whose program has exited (kept by `remain-on-exit`).
    pub fn raw_history(&self, lines: usize) -> std::result::Result<String, tmux::Error> {
        self.ctx.tmux.capture_history(&self.entry.pane, lines)
    }

    /// The facts of a pane that is not (yet) a role's, by its id: what `register` binds.
    pub fn probe(ctx: &Ctx, pane: &str) -> Result<PaneInfo> {
        Ok(ctx.tmux.pane_info(pane)?)
    }

    /// The last `lines` lines of history and screen.
    pub fn capture_history(&self, lines: usize) -> Result<String> {
        self.info()?;
        self.ctx
            .tmux
            .capture_history(&self.entry.pane, lines)
            .map_err(|e| self.error(e))
    }

    /// The pane must be on the server the role was registered on, with its program running.
    fn check(&self, info: &PaneInfo) -> Result<()> {
        if info.server_pid != self.entry.server_pid {
            return Err(self.error(tmux::Error::ReusedId {
                pane: self.entry.pane.clone(),
                now: info.server_pid,
                registered: self.entry.server_pid,
            }));
        }
        if info.dead {
            return Err(self.error(tmux::Error::DeadPane(self.entry.pane.clone())));
        }
        Ok(())
    }

    /// A tmux failure, said of this role.
    fn error(&self, e: tmux::Error) -> SbError {
        let (role, pane) = (&self.role, &self.entry.pane);
        match e {
            tmux::Error::NoPane(_) => {
                SbError::PaneGone(format!("pane {pane} of role {role:?} no longer exists"))
            }
            tmux::Error::DeadPane(_) => SbError::PaneGone(format!(
                "the program in pane {pane} of role {role:?} has exited"
            )),
            tmux::Error::ReusedId {
                now, registered, ..
            } => SbError::PaneGone(format!(
                "role {role:?} was registered on pane {pane} of tmux server pid {registered}, but that server is gone (pane {pane} now belongs to server pid {now}: a reused id, not the same pane)"
            )),
            other => other.into(),
        }
    }
}

/// The bottom `n` rows of a captured screen (all of it for None or 0).
pub fn bottom_rows(text: &str, n: Option<usize>) -> &str {
    let Some(n) = n.filter(|n| *n > 0) else {
        return text;
    };
    let body = text.trim_end_matches('\n');
    match body.rmatch_indices('\n').nth(n - 1) {
        Some((i, _)) => &text[i + 1..],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::bottom_rows;

    #[test]
    fn bottom_rows_keeps_the_tail() {
        assert_eq!(bottom_rows("a\nb\nc\n", Some(2)), "b\nc\n");
        assert_eq!(bottom_rows("a\nb\nc", Some(5)), "a\nb\nc");
        assert_eq!(bottom_rows("a\nb\nc", None), "a\nb\nc");
    }
}
