//! Where `watch` and `wait` learn that a pane changed: tmux control mode ([`crate::control`]),
//! or polling when that is unavailable (tmux older than 3.2, a lost connection, a session that
//! must not be attached) or asked for (`sb watch --poll`).
//!
//! In control mode a round looks only at the panes that wrote output since the last round, and
//! at every pane when windows or panes were added, closed or moved, when a connection was lost,
//! and every [`SWEEP`] as a safety net. Polling looks at every pane every interval, as before.

use super::Ctx;
use crate::control::Hub;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// In control mode, every pane is looked at this often even when tmux reported nothing.
pub const SWEEP: Duration = Duration::from_secs(10);
/// After the first change is reported, wait this long for the rest of the redraw.
pub const SETTLE: Duration = Duration::from_millis(30);
/// In control mode, rounds that follow changes are at least this far apart: a pane that redraws
/// all the time (a spinner, a streaming log) is looked at no more than 10 times a second.
pub const ROUND_GAP: Duration = Duration::from_millis(100);
/// While polling because control mode failed, try it again this often.
const RETRY: Duration = Duration::from_secs(10);

/// How changes are learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// tmux control mode: tmux reports every change on one connection per session.
    Control,
    /// Every pane is captured every interval.
    Polling,
}

/// Which panes a round should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wake {
    pub all: bool,
    pub panes: BTreeSet<String>,
}

impl Wake {
    pub fn all() -> Wake {
        Wake {
            all: true,
            panes: BTreeSet::new(),
        }
    }

    pub fn includes(&self, pane: &str) -> bool {
        self.all || self.panes.contains(pane)
    }
}

/// The change source of one watching command.
#[derive(Debug)]
pub struct ChangeSource {
    hub: Option<Arc<Hub>>,
    mode: Mode,
    /// Why it polls (null in control mode).
    reason: Option<String>,
    /// Control mode was never possible here (`--poll`, old tmux): never tried again.
    settled: bool,
    tracked: Vec<String>,
    last_sweep: Instant,
    /// When `wait` last returned.
    last_wake: Instant,
    last_try: Option<Instant>,
    /// The mode last reported by `track`.
    reported: Option<(Mode, Option<String>)>,
}

impl ChangeSource {
    /// `poll`: never use control mode. Otherwise control mode when tmux is 3.2 or later.
    pub fn new(ctx: &Ctx, poll: bool) -> ChangeSource {
        let mut s = ChangeSource {
            hub: None,
            mode: Mode::Polling,
            reason: None,
            settled: true,
            tracked: Vec::new(),
            last_sweep: Instant::now(),
            last_wake: Instant::now(),
            last_try: None,
            reported: None,
        };
        if poll {
            s.reason = Some("polling was asked for (--poll)".into());
            return s;
        }
        match ctx.tmux.run(["-V"], None) {
            Ok(v) if crate::control::version_supported(&v) => {
                s.hub = Some(Arc::new(Hub::new(&ctx.tmux)));
                s.settled = false;
            }
            Ok(v) => {
                s.reason = Some(format!(
                    "{} has no control-mode subscriptions (tmux 3.2 or later needed)",
                    v.trim()
                ));
            }
            Err(e) => s.reason = Some(format!("cannot run tmux: {e}")),
        }
        s
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Why it polls (null in control mode).
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// `ctx` with captures going down the control connections (when there are any).
    pub fn ctx(&self, ctx: &Ctx) -> Ctx {
        let mut c = ctx.clone();
        c.tmux.control.clone_from(&self.hub);
        c
    }

    /// Cover `panes` (the panes the caller looks at). Returns the mode and the reason for
    /// polling when they differ from what was last returned, for the caller to report.
    pub fn track(&mut self, panes: &[String]) -> Option<(Mode, Option<String>)> {
        if let Some(hub) = self.hub.clone().filter(|_| !self.settled) {
            let lost = self.mode == Mode::Control && !hub.alive();
            let retry =
                self.mode == Mode::Polling && self.last_try.is_none_or(|t| t.elapsed() >= RETRY);
            let moved = self.mode == Mode::Control && self.tracked != panes;
            if lost
                && self
                    .last_try
                    .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
            {
                // Lost again within a second of connecting: poll, and try again after RETRY.
                hub.close();
                self.mode = Mode::Polling;
                self.reason = Some("the control connection keeps closing".into());
            } else if lost || retry || moved {
                self.last_try = Some(Instant::now());
                self.tracked = panes.to_vec();
                match hub.connect(panes) {
                    Ok(()) => {
                        self.mode = Mode::Control;
                        self.reason = None;
                    }
                    Err(e) => {
                        hub.close();
                        self.mode = Mode::Polling;
                        self.reason = Some(e);
                    }
                }
            }
        }
        let now = (self.mode, self.reason.clone());
        if self.reported.as_ref() == Some(&now) {
            return None;
        }
        self.reported = Some(now.clone());
        Some(now)
    }

    /// Wait up to `timeout` for a change (polling: the whole `timeout`), checking `stop` every
    /// 50 ms; return which panes to look at.
    pub fn wait(&mut self, timeout: Duration, stop: &dyn Fn() -> bool) -> Wake {
        let start = Instant::now();
        let slice = Duration::from_millis(50);
        let hub = self.hub.clone().filter(|_| self.mode == Mode::Control);
        let Some(hub) = hub else {
            while !stop() {
                let left = timeout.saturating_sub(start.elapsed());
                if left.is_zero() {
                    break;
                }
                std::thread::sleep(left.min(slice));
            }
            self.last_sweep = Instant::now();
            return Wake::all();
        };
        let mut changes = crate::control::Changes::default();
        while !stop() {
            let left = timeout.saturating_sub(start.elapsed());
            if left.is_zero() {
                break;
            }
            changes = hub.wait_changes(left.min(slice));
            if !changes.is_empty() {
                // The first byte of a redraw wakes the round: let the rest of it arrive (and
                // keep rounds ROUND_GAP apart).
                let gap = ROUND_GAP.saturating_sub(self.last_wake.elapsed());
                std::thread::sleep(SETTLE.max(gap));
                let more = hub.take_changes();
                changes.panes.extend(more.panes);
                changes.all |= more.all;
                break;
            }
        }
        self.last_wake = Instant::now();
        let sweep = self.last_sweep.elapsed() >= SWEEP;
        let all = changes.all || sweep || !hub.alive();
        if all {
            self.last_sweep = Instant::now();
        }
        Wake {
            all,
            panes: changes.panes,
        }
    }
}
