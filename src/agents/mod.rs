//! What sb knows about each agent beyond its screen rules (those are in `crate::detect`): how a
//! message is submitted, whether it may be typed while the agent works, which raw keys quit or
//! interrupt it, when it has finished starting, and its own status files (`claude`). One
//! [`Profile`] per agent; the guard, `send`, `respond` and `sb up` read it, so an agent's quirks
//! live here and nowhere else.

pub mod claude;

use crate::detect::Agent;
use crate::guard::AgentStatus;
use std::time::Duration;

/// When a newly started agent can take a message, beyond drawing its input box. Each check
/// applies only while the agent's process is younger than `within`; after that, the input box is
/// enough (a check that never passed must not block a long-running agent forever).
#[derive(Debug, Clone, Copy)]
pub enum Startup {
    /// The input box works as soon as it is drawn (Claude Code).
    Drawn,
    /// The box is drawn before the session is ready; the screen shows a marker once it is
    /// (Codex 0.171: the composer shows ~6 s before the `model · cwd` footer on a cold start, and
    /// a startup dialog can still open and swallow the message in between).
    Marker {
        within: Duration,
        ready: fn(&str) -> bool,
        /// What is missing while `ready` is false, for the refusal.
        missing: &'static str,
    },
    /// The prompt is drawn while the agent is still loading; ready once its process stops using
    /// the CPU (Gemini CLI 0.61: an Enter read while node is busy starting lands in the same
    /// input chunk as the paste and becomes a newline).
    Quiet { within: Duration },
}

/// What typing a message into a busy agent does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhileBusy {
    /// It is queued and becomes its own turn (or joins the next tool result) once the current
    /// step ends: nothing is lost.
    Queue,
    /// It changes the running turn: Codex 0.171 abandons the request in flight and sends it again
    /// with the message added, so a half-streamed reply is lost. The guard refuses it.
    Disrupts,
}

/// One agent's delivery and key behaviour, as measured on the pinned versions.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Pause between the bracketed paste and Enter, sent as two tmux calls; 0 = one call.
    /// Gemini CLI 0.61 turns an Enter within 40 ms of a paste into a newline; 150 ms missed
    /// 4 of 15 sends on a loaded machine, 300 ms none.
    pub submit_pause_ms: u64,
    /// After Enter, look again and press Enter once more if the text still sits in the box.
    pub check_submit: bool,
    pub while_busy: WhileBusy,
    /// Raw keys that quit or interrupt the agent (Codex quits on one C-c at an empty prompt):
    /// `respond` sends them only with --force.
    pub quitting_keys: &'static [&'static str],
    pub startup: Startup,
}

const CLAUDE: Profile = Profile {
    submit_pause_ms: 0,
    check_submit: false,
    while_busy: WhileBusy::Queue,
    quitting_keys: &["C-d"],
    startup: Startup::Drawn,
};

const CODEX: Profile = Profile {
    submit_pause_ms: 0,
    check_submit: false,
    while_busy: WhileBusy::Disrupts,
    quitting_keys: &["C-c", "C-d"],
    // A cold start drew the composer after ~7 s and the footer a few seconds later.
    startup: Startup::Marker {
        within: Duration::from_secs(30),
        ready: crate::detect::codex_session_ready,
        missing: "its footer does not name the model and folder yet (its session is still starting)",
    },
};

const GEMINI: Profile = Profile {
    submit_pause_ms: 300,
    check_submit: true,
    while_busy: WhileBusy::Queue,
    quitting_keys: &["C-c", "C-d"],
    // The prompt appeared 2.5–3.7 s after the start, with node busy for a while after it.
    startup: Startup::Quiet {
        within: Duration::from_secs(15),
    },
};

/// An agent sb has no profile for: the guard refuses it before these values matter.
const UNKNOWN: Profile = Profile {
    submit_pause_ms: 0,
    check_submit: false,
    while_busy: WhileBusy::Disrupts,
    quitting_keys: &["C-c", "C-d"],
    startup: Startup::Drawn,
};

/// The profile of `agent`.
pub fn profile(agent: Agent) -> &'static Profile {
    match agent {
        Agent::Claude => &CLAUDE,
        Agent::Codex => &CODEX,
        Agent::Gemini => &GEMINI,
        Agent::Unknown => &UNKNOWN,
    }
}

/// How long the CPU of a starting agent is watched, and how much it may use meanwhile (3 ticks
/// of 10 ms in 400 ms: under 8%).
const QUIET_WINDOW: Duration = Duration::from_millis(400);
const QUIET_TICKS: u64 = 3;

/// A `starting` status when `agent`, whose program reads the terminal of the pane whose first
/// process is `pane_pid`, has drawn its input box but has not finished starting (its profile's
/// [`Startup`]); None when it has, or when it is older than the check's window. A Quiet check
/// takes [`QUIET_WINDOW`], and only while the agent is young.
pub fn starting(agent: Agent, pane_pid: u32, screen: &str) -> Option<AgentStatus> {
    let check = profile(agent).startup;
    let within = match check {
        Startup::Drawn => return None,
        // A screen that shows the marker needs nothing from /proc.
        Startup::Marker { ready, .. } if ready(screen) => return None,
        Startup::Marker { within, .. } | Startup::Quiet { within } => within,
    };
    // The age of the terminal's foreground process group: its leader is the agent, or the shell
    // that started it a moment before (`sh -c 'gemini; exec bash'`).
    let group = u32::try_from(crate::procs::ProcStat::read(pane_pid)?.tpgid).ok()?;
    let age = crate::procs::age(group)?;
    if age >= within {
        return None;
    }
    let missing = match check {
        Startup::Marker { missing, .. } => missing.to_string(),
        Startup::Quiet { .. } => {
            let pid = crate::procs::foreground_leaf_pid(pane_pid)?;
            let before = crate::procs::ProcStat::read(pid)?.cpu_ticks;
            std::thread::sleep(QUIET_WINDOW);
            let used = crate::procs::ProcStat::read(pid)?
                .cpu_ticks
                .saturating_sub(before);
            if used <= QUIET_TICKS {
                return None;
            }
            format!(
                "it is still loading ({} ms of CPU in the last {} ms)",
                used * 10,
                QUIET_WINDOW.as_millis()
            )
        }
        Startup::Drawn => return None,
    };
    Some(AgentStatus {
        status: "starting".into(),
        waiting_for: None,
        source: format!("{agent} started {:.1} s ago; {missing}", age.as_secs_f64()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_agent_has_its_own_profile() {
        assert!(profile(Agent::Gemini).submit_pause_ms >= 300);
        assert_eq!(profile(Agent::Codex).while_busy, WhileBusy::Disrupts);
        assert!(profile(Agent::Codex).quitting_keys.contains(&"C-c"));
        assert!(matches!(profile(Agent::Claude).startup, Startup::Drawn));
        assert!(matches!(
            profile(Agent::Codex).startup,
            Startup::Marker { .. }
        ));
        assert!(matches!(
            profile(Agent::Gemini).startup,
            Startup::Quiet { .. }
        ));
    }

    #[test]
    fn an_agent_that_started_long_ago_or_draws_its_box_at_once_is_never_starting() {
        // This test process is the "pane": its foreground leaf is unknown (no terminal) or old.
        let me = std::process::id();
        assert!(starting(Agent::Claude, me, "").is_none());
        assert!(starting(Agent::Unknown, me, "").is_none());
    }
}
