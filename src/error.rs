//! `SbError`: every failure sb reports, its stable exit code (DESIGN.md §5) and `kind()` name.

use std::path::PathBuf;

/// A failure with a stable exit code. Display is the one-line message; `hint()` the fix.
#[derive(Debug, thiserror::Error)]
pub enum SbError {
    #[error("{0}")]
    Usage(String),
    #[error("invalid role name {name:?}: {why}")]
    BadRole { name: String, why: &'static str },
    #[error("unknown key {0:?}")]
    BadKey(String),
    #[error("unknown role {role:?}")]
    UnknownRole { role: String, known: Vec<String> },
    #[error("no saved prompt for role {0:?}")]
    NoPrompt(String),
    #[error("tmux is not available: {0}")]
    TmuxUnavailable(String),
    #[error("{0}")]
    PaneGone(String),
    #[error("timed out after {secs:.1}s: {what}")]
    Timeout { secs: f64, what: String },
    #[error("{reason}")]
    Refused { reason: String, hint: String },
    #[error("{path}: {why}")]
    Corrupt { path: PathBuf, why: String },
    #[error("unsafe state: {0}")]
    Unsafe(String),
    #[error("tmux failed: {0}")]
    Tmux(String),
    #[error("stdout was closed")]
    BrokenPipe,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
    /// Stopped by a signal (Ctrl-C) before the work was done.
    #[error("interrupted: {0}")]
    Interrupted(String),
    /// A message that was logged but not typed: why, and the id it was logged under.
    #[error("{cause}; the message was logged as undelivered (id {id})")]
    Undelivered { id: String, cause: Box<SbError> },
}

impl SbError {
    /// The process exit code; stable across releases.
    pub fn exit_code(&self) -> u8 {
        match self {
            SbError::Usage(_) | SbError::BadRole { .. } | SbError::BadKey(_) => 2,
            SbError::UnknownRole { .. } | SbError::NoPrompt(_) => 3,
            SbError::TmuxUnavailable(_) | SbError::PaneGone(_) => 4,
            SbError::Timeout { .. } => 5,
            SbError::Refused { .. } => 6,
            SbError::BrokenPipe => 0,
            SbError::Interrupted(_) => 130,
            SbError::Undelivered { cause, .. } => cause.exit_code(),
            SbError::Corrupt { .. } | SbError::Unsafe(_) | SbError::Tmux(_) | SbError::Other(_) => {
                1
            }
        }
    }

    /// A stable snake_case name for scripts and MCP clients.
    pub fn kind(&self) -> &'static str {
        match self {
            SbError::Usage(_) => "usage",
            SbError::BadRole { .. } => "bad_role",
            SbError::BadKey(_) => "bad_key",
            SbError::UnknownRole { .. } => "unknown_role",
            SbError::NoPrompt(_) => "no_prompt",
            SbError::TmuxUnavailable(_) => "tmux_unavailable",
            SbError::PaneGone(_) => "pane_gone",
            SbError::Timeout { .. } => "timeout",
            SbError::Refused { .. } => "refused",
            SbError::Corrupt { .. } => "corrupt_state",
            SbError::Unsafe(_) => "unsafe_state",
            SbError::Tmux(_) => "tmux_failed",
            SbError::BrokenPipe => "broken_pipe",
            SbError::Other(_) => "runtime",
            SbError::Interrupted(_) => "interrupted",
            SbError::Undelivered { cause, .. } => cause.kind(),
        }
    }

    /// The failure itself, past the note that a message was logged undelivered.
    pub fn cause(&self) -> &SbError {
        match self {
            SbError::Undelivered { cause, .. } => cause.cause(),
            other => other,
        }
    }

    /// The id of the message this failure left in the logs as undelivered, if any.
    pub fn undelivered_id(&self) -> Option<&str> {
        match self {
            SbError::Undelivered { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The message as sb prints it: `sb: error: …` and, where one helps, a `hint:` line.
    pub fn render(&self) -> String {
        let mut msg = match self {
            SbError::Other(e) => format!("sb: error: {e:#}"),
            other => format!("sb: error: {other}"),
        };
        if let Some(h) = self.hint() {
            msg.push_str(&format!("\n  hint: {h}"));
        }
        msg
    }

    /// An output error: a closed stdout is a quiet success, anything else a runtime failure.
    pub fn from_io(e: std::io::Error) -> SbError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            SbError::BrokenPipe
        } else {
            SbError::Other(anyhow::anyhow!("cannot write output: {e}"))
        }
    }

    /// What to do about it, when there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            SbError::BadRole { .. } => Some(
                "role names are 1-64 characters of A-Z a-z 0-9 . _ - and do not start with '.'".into(),
            ),
            SbError::BadKey(_) => Some(
                "keys are tmux key names (Enter, Escape, Tab, BTab, Space, BSpace, Up, Down, Left, Right, \
                 Home, End, PageUp, PageDown, F1..F12, C-x, M-x) or single characters; aliases: esc, \
                 return, enter, up, down, left, right, tab, space, backspace, ctrl-c"
                    .into(),
            ),
            SbError::UnknownRole { known, .. } if known.is_empty() => {
                Some("no roles are registered; run `sb register ROLE` inside the peer's tmux pane".into())
            }
            SbError::UnknownRole { known, .. } => Some(format!(
                "registered roles: {}; register a new one with `sb register ROLE`",
                known.join(", ")
            )),
            SbError::NoPrompt(role) => Some(format!("save one with `sb prompt set {role} TEXT`")),
            SbError::TmuxUnavailable(_) => Some(
                "install tmux (apt-get install tmux), run inside tmux, or pass --socket PATH / set SB_TMUX_SOCKET"
                    .into(),
            ),
            SbError::PaneGone(_) => Some(
                "re-register the role from its pane with `sb register ROLE`; `sb peers` shows which panes are alive"
                    .into(),
            ),
            SbError::Corrupt { .. } => {
                Some("the file was left as it is; fix or move it aside, then run the command again".into())
            }
            SbError::Refused { hint, .. } => Some(hint.clone()),
            SbError::Undelivered { cause, .. } => cause.hint(),
            _ => None,
        }
    }
}

pub type Result<T, E = SbError> = std::result::Result<T, E>;

/// Shorthand for a runtime failure with context.
pub fn other(msg: impl std::fmt::Display) -> SbError {
    SbError::Other(anyhow::anyhow!("{msg}"))
}
