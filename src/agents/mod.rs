//! What sb knows about each agent beyond its screen rules (those are in `crate::detect`): how a
//! message is submitted, whether it may be typed while the agent works, which raw keys quit or
//! interrupt it, and its own status files (`claude`). One [`Profile`] per agent; the guard,
//! `send` and `respond` read it, so an agent's quirks live here and nowhere else.

pub mod claude;

use crate::detect::Agent;

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
}

const CLAUDE: Profile = Profile {
    submit_pause_ms: 0,
    check_submit: false,
    while_busy: WhileBusy::Queue,
    quitting_keys: &["C-d"],
};

const CODEX: Profile = Profile {
    submit_pause_ms: 0,
    check_submit: false,
    while_busy: WhileBusy::Disrupts,
    quitting_keys: &["C-c", "C-d"],
};

const GEMINI: Profile = Profile {
    submit_pause_ms: 300,
    check_submit: true,
    while_busy: WhileBusy::Queue,
    quitting_keys: &["C-c", "C-d"],
};

/// An agent sb has no profile for: the guard refuses it before these values matter.
const UNKNOWN: Profile = Profile {
    submit_pause_ms: 0,
    check_submit: false,
    while_busy: WhileBusy::Disrupts,
    quitting_keys: &["C-c", "C-d"],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_agent_has_its_own_profile() {
        assert!(profile(Agent::Gemini).submit_pause_ms >= 300);
        assert_eq!(profile(Agent::Codex).while_busy, WhileBusy::Disrupts);
        assert!(profile(Agent::Codex).quitting_keys.contains(&"C-c"));
    }
}
