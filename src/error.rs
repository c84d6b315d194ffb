//! `SbError`: every failure sb reports, its stable exit code (docs/ARCHITECTURE.md, Exit codes and errors) and `kind()` name.

use std::fmt::Write as _;
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
    /// `sb queue drop ID`: no queued message has that id (any more).
    #[error("message {id} is not in the queue{now}")]
    NotQueued { id: String, now: String },
    #[error("tmux is not available: {0}")]
    TmuxUnavailable(String),
    /// The `tmux` program is not on PATH.
    #[error("tmux is not available: the `tmux` binary was not found on PATH")]
    TmuxNotFound,
    /// tmux runs, but no server listens on the socket sb talks to. `detail` is appended as it is
    /// (e.g. "; the message was logged as undelivered (id …)").
    #[error("no tmux server is running on socket {socket}{detail}")]
    NoTmuxServer { socket: String, detail: String },
    /// The state directory was written by a newer sb in a format this one does not know.
    #[error(
        "{path} has format version {found}; this sb understands version {known} and will not rewrite it"
    )]
    NewerFormat {
        path: PathBuf,
        found: u64,
        known: u32,
    },
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
    /// Not a failure: the command ran and its result is a non-zero exit status (doctor found a
    /// problem, setup left work undone). Nothing more is printed.
    #[error("exit status {0}")]
    SilentExit(u8),
    /// A message that was logged but not typed: why, and the id it was logged under.
    #[error("{cause}; the message was logged as undelivered (id {id})")]
    Undelivered { id: String, cause: Box<SbError> },
    /// SSH could not run sb on the role's host (connection refused, host key mismatch, no key).
    #[error("cannot reach host {host} over SSH: {detail}")]
    HostUnreachable { host: String, detail: String },
    /// SSH reached the host, but the remote sb could not be started there.
    #[error("host {host} has no usable sb: {detail}")]
    NoRemoteSb { host: String, detail: String },
    /// The remote sb failed: its `{"error": …}` document, as it printed it (`render` adds the
    /// host).
    #[error("{message}")]
    Remote {
        host: String,
        kind: String,
        message: String,
        hint: Option<String>,
        exit_code: u8,
        message_id: Option<String>,
    },
}

/// Every `kind()` name, so a remote error's kind maps back to the same name.
const KINDS: &[&str] = &[
    "usage",
    "bad_role",
    "bad_key",
    "unknown_role",
    "no_prompt",
    "tmux_unavailable",
    "tmux_not_found",
    "no_tmux_server",
    "newer_format",
    "pane_gone",
    "timeout",
    "refused",
    "corrupt_state",
    "unsafe_state",
    "tmux_failed",
    "broken_pipe",
    "runtime",
    "interrupted",
    "exit_status",
    "host_unreachable",
    "no_remote_sb",
];

impl SbError {
    /// The process exit code; stable across releases.
    pub fn exit_code(&self) -> u8 {
        match self {
            SbError::Usage(_) | SbError::BadRole { .. } | SbError::BadKey(_) => 2,
            SbError::UnknownRole { .. } | SbError::NoPrompt(_) | SbError::NotQueued { .. } => 3,
            SbError::TmuxUnavailable(_)
            | SbError::TmuxNotFound
            | SbError::NoTmuxServer { .. }
            | SbError::PaneGone(_)
            | SbError::HostUnreachable { .. }
            | SbError::NoRemoteSb { .. } => 4,
            SbError::Remote { exit_code, .. } => *exit_code,
            SbError::Timeout { .. } => 5,
            SbError::Refused { .. } => 6,
            SbError::BrokenPipe => 0,
            SbError::Interrupted(_) => 130,
            SbError::SilentExit(code) => *code,
            SbError::Undelivered { cause, .. } => cause.exit_code(),
            SbError::Corrupt { .. }
            | SbError::NewerFormat { .. }
            | SbError::Unsafe(_)
            | SbError::Tmux(_)
            | SbError::Other(_) => 1,
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
            SbError::NotQueued { .. } => "not_queued",
            SbError::TmuxUnavailable(_) => "tmux_unavailable",
            SbError::TmuxNotFound => "tmux_not_found",
            SbError::NoTmuxServer { .. } => "no_tmux_server",
            SbError::NewerFormat { .. } => "newer_format",
            SbError::PaneGone(_) => "pane_gone",
            SbError::Timeout { .. } => "timeout",
            SbError::Refused { .. } => "refused",
            SbError::Corrupt { .. } => "corrupt_state",
            SbError::Unsafe(_) => "unsafe_state",
            SbError::Tmux(_) => "tmux_failed",
            SbError::BrokenPipe => "broken_pipe",
            SbError::Other(_) => "runtime",
            SbError::Interrupted(_) => "interrupted",
            SbError::SilentExit(_) => "exit_status",
            SbError::Undelivered { cause, .. } => cause.kind(),
            SbError::HostUnreachable { .. } => "host_unreachable",
            SbError::NoRemoteSb { .. } => "no_remote_sb",
            SbError::Remote { kind, .. } => KINDS
                .iter()
                .find(|k| **k == kind.as_str())
                .copied()
                .unwrap_or("runtime"),
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
            SbError::Remote { message_id, .. } => message_id.as_deref(),
            _ => None,
        }
    }

    /// The message as sb prints it: `sb: error: …` and, where one helps, a `hint:` line.
    pub fn render(&self) -> String {
        let mut msg = match self {
            SbError::Other(e) => format!("sb: error: {e:#}"),
            SbError::Remote { host, .. } => format!("sb: error: {self} (on host {host})"),
            other => format!("sb: error: {other}"),
        };
        if let Some(h) = self.hint() {
            let _ = write!(msg, "\n  hint: {h}");
        }
        msg
    }

    /// The id of the message this failure left in the logs as undelivered, when there is one.
    pub fn message_id(&self) -> Option<&str> {
        self.undelivered_id()
    }

    /// The error for machines: `{"error": {kind, message, hint, exit_code, message_id}}`, printed
    /// on stdout with `--json` and returned as MCP structured content.
    pub fn to_json(&self) -> serde_json::Value {
        if let SbError::Remote {
            host,
            kind,
            message,
            hint,
            exit_code,
            message_id,
        } = self
        {
            // The remote's document as it printed it, plus the host it came from.
            return serde_json::json!({
                "error": {
                    "kind": kind,
                    "message": message,
                    "hint": hint,
                    "exit_code": exit_code,
                    "message_id": message_id,
                    "host": host,
                }
            });
        }
        let message = match self {
            SbError::Other(e) => format!("{e:#}"),
            other => other.to_string(),
        };
        serde_json::json!({
            "error": {
                "kind": self.kind(),
                "message": message,
                "hint": self.hint(),
                "exit_code": self.exit_code(),
                "message_id": self.message_id(),
            }
        })
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
                "role names are 1-64 characters of A-Z a-z 0-9 . _ - and do not start with '.' or '-'".into(),
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
            SbError::UnknownRole { role, known } => {
                let guess = closest(role, known)
                    .map(|g| format!("did you mean {g}? "))
                    .unwrap_or_default();
                Some(format!(
                    "{guess}registered roles: {}; register a new one with `sb register ROLE`",
                    known.join(", ")
                ))
            }
            SbError::NoPrompt(role) => Some(format!("save one with `sb prompt set {role} TEXT`")),
            SbError::NotQueued { .. } => {
                Some("`sb queue` lists the queued messages; `sb history` shows what became of the others".into())
            }
            SbError::TmuxNotFound => Some(
                "install tmux (e.g. `apt-get install tmux`, `brew install tmux`) and make sure it is on PATH"
                    .into(),
            ),
            SbError::NoTmuxServer { .. } => Some(SOCKET_CHOICE.into()),
            SbError::TmuxUnavailable(_) => Some(
                "check that tmux runs (`tmux -V`) and that sb talks to the right server (--socket PATH or SB_TMUX_SOCKET)"
                    .into(),
            ),
            SbError::NewerFormat { .. } => Some(
                "a newer sb wrote this state; use that sb (or a state dir of its own with --state-dir)"
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
            SbError::HostUnreachable { host, .. } => Some(format!(
                "check that `ssh {host} true` works without a prompt: sb runs ssh with BatchMode=yes, so it needs a key \
                 (or an agent) and {host}'s host key in known_hosts; sb reads ~/.ssh/config (or the file in $SB_SSH_CONFIG)"
            )),
            SbError::NoRemoteSb { host, .. } => Some(format!(
                "install sb on {host}, or give its path when registering: `sb register ROLE --host {host} --remote-sb ~/.cargo/bin/sb`"
            )),
            SbError::Remote { hint, .. } => hint.clone(),
            _ => None,
        }
    }
}

/// How sb picks its tmux server, for the "no server" hint.
pub const SOCKET_CHOICE: &str = "start the sessions in tmux first (`tmux new-session`), or point sb at the server they run on. \
sb picks its socket from --socket PATH, else $SB_TMUX_SOCKET, else the server of $TMUX (when run inside tmux), \
else tmux's default socket ($TMUX_TMPDIR or /tmp, then tmux-UID/default)";

/// The known name closest to `name` when it is a likely typo: edit distance at most 1 for short
/// names, 2 from 5 characters on, and less than the name's length. Ties go to the first in order.
pub fn closest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    let max = if name.chars().count() >= 5 { 2 } else { 1 };
    known
        .iter()
        .map(|k| (edit_distance(name, k), k))
        .filter(|(d, k)| *d <= max && *d < k.chars().count().max(name.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

/// Levenshtein distance (insertions, deletions, substitutions), by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

pub type Result<T, E = SbError> = std::result::Result<T, E>;

/// Shorthand for a runtime failure with context.
pub fn other(msg: impl std::fmt::Display) -> SbError {
    SbError::Other(anyhow::anyhow!("{msg}"))
}

impl From<std::io::Error> for SbError {
    /// Output errors: a closed stdout is a quiet success, anything else a runtime failure.
    fn from(e: std::io::Error) -> Self {
        SbError::from_io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("dev", "dev"), 0);
        assert_eq!(edit_distance("deb", "dev"), 1);
        assert_eq!(edit_distance("de", "dev"), 1);
        assert_eq!(edit_distance("devv", "dev"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("ñu", "nu"), 1);
    }

    #[test]
    fn closest_suggests_only_likely_typos() {
        let known = ["dev".to_string(), "gestor".into(), "reviewer".into()];
        assert_eq!(closest("deb", &known), Some("dev"));
        assert_eq!(closest("gestro", &known), Some("gestor"));
        assert_eq!(closest("reveiwer", &known), Some("reviewer"));
        assert_eq!(closest("nobody", &known), None);
        assert_eq!(
            closest("x", &["y".to_string()]),
            None,
            "one letter is no typo"
        );
        let e = SbError::UnknownRole {
            role: "deb".into(),
            known: known.to_vec(),
        };
        assert!(e.hint().unwrap().starts_with("did you mean dev? "));
    }

    #[test]
    fn structured_error_has_every_field() {
        let e = SbError::UnknownRole {
            role: "nobody".into(),
            known: vec!["dev".into()],
        };
        let j = e.to_json();
        assert_eq!(j["error"]["kind"], "unknown_role");
        assert_eq!(j["error"]["exit_code"], 3);
        assert_eq!(j["error"]["message"], "unknown role \"nobody\"");
        assert!(j["error"]["hint"].as_str().unwrap().contains("dev"));
        assert!(j["error"]["message_id"].is_null());
        assert!(SbError::BadKey("x".into()).to_json()["error"]["hint"].is_string());
        assert!(SbError::Tmux("x".into()).to_json()["error"]["hint"].is_null());
    }
}
