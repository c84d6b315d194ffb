//! The guard: the one decision, from positive evidence only, on whether sb may type into a pane.
//!
//! A paste followed by Enter answers whatever is open in the peer's terminal: it approves a
//! permission prompt, picks a menu's first option, runs as a shell command where the agent has
//! exited, or merges with a person's half-typed draft. So sb types only when it positively knows
//! the pane can take a message: a recognised agent, in `idle` or `busy` with an empty input box,
//! or in `waiting_text`. Everything else is refused: an open menu, any draft, a screen it cannot
//! read (`unknown`), a pane whose foreground program is a shell or another known non-agent, and a
//! Claude Code session whose own session file says it waits on a prompt. `send`, `respond`, the
//! watch notices and the MCP tools all call [`verdict`]; `detect` reports it as `deliverable`.
//!
//! The function is pure (no tmux, no files), so every rule is tested on real screens.

use crate::detect::{Agent, Detection, State};
use serde::{Deserialize, Serialize};

/// Programs that are never an agent: a message typed into them runs as a command or edits a file.
/// Matched against tmux's `#{pane_current_command}` (the foreground process's name).
pub const NON_AGENTS: &[&str] = &[
    "bash", "zsh", "fish", "sh", "dash", "ksh", "mksh", "tcsh", "csh", "nu", "elvish", "xonsh",
    "login", "su", "sudo", "less", "more", "most", "man", "vim", "vi", "nvim", "view", "nano",
    "emacs", "pico", "ed", "joe", "micro", "hx", "kak", "top", "htop", "btop", "watch", "tail",
    "ssh", "mosh", "tmux", "screen", "sqlite3", "psql", "mysql", "python", "python3", "ipython",
    "irb", "ghci", "gdb", "lldb",
];

/// What the agent itself tells sb beyond its screen: Claude Code's own status file
/// (`sessions/<pid>.json`: `idle`, `busy`, `waiting`), or `starting` for a Codex or Gemini that
/// has drawn its input box but not finished starting (`crate::agents::starting`). Only `waiting`
/// and `starting` are used, and only to refuse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgentStatus {
    /// `idle`, `busy` or `waiting`, as the agent wrote it; or `starting`.
    pub status: String,
    /// What it waits for (`permission prompt`, `input needed`), when waiting.
    pub waiting_for: Option<String>,
    /// Where it was read.
    pub source: String,
}

/// The guard's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verdict {
    /// sb would type into this pane now.
    pub deliverable: bool,
    /// Why not (null when deliverable).
    pub refusal: Option<String>,
    /// What to do about it (null when deliverable).
    pub hint: Option<String>,
}

impl Verdict {
    fn ok() -> Verdict {
        Verdict {
            deliverable: true,
            refusal: None,
            hint: None,
        }
    }

    fn refuse(reason: String, hint: String) -> Verdict {
        Verdict {
            deliverable: false,
            refusal: Some(reason),
            hint: Some(hint),
        }
    }
}

/// Whether `role`'s pane can take typed text now. `foreground` is the pane's foreground program
/// (unknown for a saved screen), `status` the agent's own status file when one was found.
pub fn verdict(
    role: &str,
    det: &Detection,
    foreground: Option<&str>,
    status: Option<&AgentStatus>,
) -> Verdict {
    let force = FORCE;
    if let Some(v) = not_running(role, foreground) {
        return v;
    }
    if det.state == State::WaitingSelect {
        return Verdict::refuse(menu_reason(role, det), menu_hint(role, det));
    }
    if let Some(s) = status.filter(|s| s.status == "waiting") {
        let what = s.waiting_for.as_deref().unwrap_or("the user");
        return Verdict::refuse(
            format!(
                "{role}'s agent reports it is waiting for {what} ({}), though its screen reads as {}; typing now could answer it",
                s.source, det.state
            ),
            format!("look with `sb peek {role}` and `sb detect {role}`, answer it first, {force}"),
        );
    }
    if let Some(s) = status.filter(|s| s.status == "starting") {
        return Verdict::refuse(
            format!(
                "{role}'s agent is still starting ({}); text typed now can be lost or land in a startup dialog",
                s.source
            ),
            format!("--when-ready waits until it has started, {force}"),
        );
    }
    if let Some(draft) = &det.draft {
        let shown: String = draft.chars().take(60).collect();
        return Verdict::refuse(
            format!(
                "{role} has unsent text in its input box ({shown:?}); typing now would merge with it"
            ),
            format!("wait until the draft is sent or cleared (--when-ready), {force}"),
        );
    }
    if det.state == State::Busy
        && crate::agents::profile(det.agent).while_busy == crate::agents::WhileBusy::Disrupts
    {
        return Verdict::refuse(
            format!(
                "{role}'s {} is working on a turn, and a message typed now would change it (Codex abandons the request in flight and sends it again with the message added)",
                det.agent
            ),
            format!("--when-ready waits until the turn ends, {force}"),
        );
    }
    if let Some(v) = unreadable(role, det) {
        return v;
    }
    Verdict::ok()
}

/// Whether raw keys (`sb respond ROLE KEY…`) may go to this pane: only to an agent sb recognises
/// (not a shell, not an unreadable screen), and never a key that quits or interrupts that agent
/// (its profile's `quitting_keys`). A menu or a draft is fine here: answering is the point.
pub fn keys_verdict(
    role: &str,
    det: &Detection,
    foreground: Option<&str>,
    keys: &[String],
) -> Verdict {
    if let Some(v) = not_running(role, foreground).or_else(|| unreadable(role, det)) {
        return v;
    }
    let quitting = crate::agents::profile(det.agent).quitting_keys;
    if let Some(k) = keys.iter().find(|k| quitting.contains(&k.as_str())) {
        return Verdict::refuse(
            format!(
                "{k} quits or interrupts {role}'s {} (it is not an answer to a menu)",
                det.agent
            ),
            "answer a menu with --option N --expect FP; send it anyway with --force".into(),
        );
    }
    Verdict::ok()
}

/// Whether a message may go to this pane over the agent's own socket (`crate::native`): nothing is
/// typed, so an open menu or a draft does not matter; a shell in the foreground (the agent has
/// exited) or a screen sb cannot read still refuses.
pub fn native_verdict(role: &str, det: &Detection, foreground: Option<&str>) -> Verdict {
    not_running(role, foreground)
        .or_else(|| unreadable(role, det))
        .unwrap_or_else(Verdict::ok)
}

const FORCE: &str = "or override with --force";

/// The pane's foreground program is a shell or another non-agent: typing would run as a command.
fn not_running(role: &str, foreground: Option<&str>) -> Option<Verdict> {
    let cmd = foreground.filter(|c| is_non_agent(c))?;
    Some(Verdict::refuse(
        format!(
            "{role}'s agent is not running (the pane runs {cmd}); typing now would run the message as a command"
        ),
        format!("re-start the agent in {role}'s pane (and `sb register {role}` there), {FORCE}"),
    ))
}

/// sb cannot tell what the pane shows, or which agent drew it.
fn unreadable(role: &str, det: &Detection) -> Option<Verdict> {
    if det.state != State::Unknown && det.agent != Agent::Unknown {
        return None;
    }
    let seen: String = det
        .evidence
        .line
        .as_deref()
        .unwrap_or("")
        .chars()
        .take(60)
        .collect();
    Some(Verdict::refuse(
        format!(
            "sb cannot tell what {role}'s pane is doing (state {}, rule {}{}); it types only into an agent it recognises",
            det.state,
            det.evidence.rule,
            if seen.is_empty() {
                String::new()
            } else {
                format!(", line {seen:?}")
            }
        ),
        format!("look with `sb peek {role}`; if the agent exited, re-start it; {FORCE}"),
    ))
}

/// Whether a foreground program name is a shell, pager, editor or other known non-agent.
pub fn is_non_agent(cmd: &str) -> bool {
    // A login shell shows as `-bash`.
    let name = cmd.trim().trim_start_matches('-');
    NON_AGENTS.contains(&name)
}

fn menu_reason(role: &str, det: &Detection) -> String {
    let q = det.question.as_deref().unwrap_or("a menu");
    let opts: Vec<String> = det
        .options
        .iter()
        .map(|o| match o.number {
            Some(n) => format!("{n}. {}", o.label),
            None => o.label.clone(),
        })
        .collect();
    let detail = det
        .detail
        .as_deref()
        .map(|d| {
            let d = d.split('\n').collect::<Vec<_>>().join(" ⏎ ");
            let d: String = d.chars().take(120).collect();
            format!(" for {d:?}")
        })
        .unwrap_or_default();
    format!(
        "{role} has a menu open: {q:?}{detail} [{}]; typing now would answer it",
        opts.join(" | ")
    )
}

/// The exact command that answers this menu, never a bare digit.
fn menu_hint(role: &str, det: &Detection) -> String {
    let fp = det.fingerprint();
    let first = det
        .options
        .iter()
        .position(|o| o.selected)
        .or(if det.options.is_empty() {
            None
        } else {
            Some(0)
        });
    let answer = match first {
        Some(i) => {
            let n = det.options[i]
                .number
                .unwrap_or(u32::try_from(i + 1).unwrap_or(u32::MAX));
            format!("`sb respond {role} --option {n} --expect {fp}`")
        }
        None => format!("`sb respond {role} Enter --expect {fp}`"),
    };
    format!(
        "a person should answer it (see `sb detect {role}`), e.g. {answer}; or wait with --when-ready, or override with --force"
    )
}

#[cfg(test)]
mod tests;
