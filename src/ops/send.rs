//! `send`: deliver a message into a peer's prompt (DESIGN.md §3) behind the screen guard, and log
//! it, delivered or not, to the conversation and the recipient's mailbox.

use super::{Ctx, check_same_pane, gone};
use crate::clock::{new_id, now_rfc3339};
use crate::detect::{self, Detection, State};
use crate::error::{Result, SbError};
use crate::store::log::file_len;
use crate::store::log::{Message, append_message};
use crate::store::registry::{Registry, RoleEntry};
use crate::store::{FileLock, validate_role};
use crate::text::sanitize;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, Instant};

/// What to send and how.
#[derive(Debug, Clone)]
pub struct SendParams {
    pub to: String,
    pub text: String,
    /// Sender role; None = the role of `$TMUX_PANE`, else `user`.
    pub from: Option<String>,
    /// Press Enter after the paste.
    pub submit: bool,
    /// Prefix `[from:<role>] ` (never for slash commands).
    pub tag: bool,
    /// Delay between paste and Enter.
    pub settle_ms: u64,
    /// Skip the screen guard.
    pub force: bool,
    /// Wait up to this long for the peer to be ready instead of refusing.
    pub when_ready: Option<Duration>,
    /// After submitting, wait up to this long to see the message taken as a user turn.
    pub confirm: Option<Duration>,
}

impl SendParams {
    pub fn new(to: impl Into<String>, text: impl Into<String>) -> SendParams {
        SendParams {
            to: to.into(),
            text: text.into(),
            from: None,
            submit: true,
            tag: true,
            settle_ms: 0,
            force: false,
            when_ready: None,
            confirm: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SendReport {
    #[serde(flatten)]
    pub message: Message,
    /// The pane the text went to.
    pub pane: String,
    /// Bytes typed (with the tag).
    pub bytes: usize,
    /// With --confirm: whether the message was seen taken as a user turn (null without --confirm).
    pub submitted_confirmed: Option<bool>,
    /// With --confirm: how it was checked and what was seen.
    pub confirmation: Option<super::confirm::Confirmation>,
    /// The peer's state as the guard saw it; null with --force.
    pub peer_state: Option<State>,
}

/// Send a message. Undelivered messages are logged too, and then returned as the error.
pub fn send(ctx: &Ctx, p: &SendParams) -> Result<SendReport> {
    validate_role(&p.to)?;
    // One registry read serves the sender's role, the recipient's pane and the last_seen check.
    let reg = Registry::load(&ctx.state)?;
    let from = match &p.from {
        Some(f) => f.clone(),
        None => super::own_role_in(&reg).unwrap_or_else(|| "user".into()),
    };
    validate_role(&from)?;
    let text = sanitize(&p.text);
    if text.trim().is_empty() {
        return Err(SbError::Usage(
            "the message is empty (after removing control characters); nothing was sent".into(),
        ));
    }
    let typed = if p.tag && !text.starts_with('/') {
        format!("[from:{from}] {text}")
    } else {
        text.clone()
    };
    let entry = reg.get(&p.to)?.clone();
    ctx.state.ensure()?;
    crate::store::log::check_loggable(&ctx.state, &p.to)?;
    let lock_name = lock_name(&entry);
    let transcript_start = p
        .confirm
        .and(entry.transcript_path.as_deref())
        .map(|t| (t.to_string(), file_len(Path::new(t))));
    let deadline = p.when_ready.map(|d| Instant::now() + d);
    let mut msg = Message {
        id: new_id(),
        ts: now_rfc3339(),
        from: from.clone(),
        to: p.to.clone(),
        text,
        delivered: false,
        submitted: false,
        error: None,
    };
    loop {
        let lock = FileLock::acquire(&ctx.state.lock_path(&lock_name))?;
        let outcome = attempt(ctx, p, &entry, &typed);
        let retry = matches!(outcome, Err(SbError::Refused { .. }))
            && deadline.is_some_and(|d| Instant::now() < d);
        if retry {
            drop(lock);
            std::thread::sleep(Duration::from_millis(250));
            continue;
        }
        msg.ts = now_rfc3339();
        let result = match outcome {
            Ok(state) => {
                msg.delivered = true;
                msg.submitted = p.submit;
                append_message(&ctx.state, &msg)?;
                Ok(SendReport {
                    pane: entry.pane.clone(),
                    bytes: typed.len(),
                    peer_state: state,
                    message: msg,
                    submitted_confirmed: None,
                    confirmation: None,
                })
            }
            Err(e) => {
                let e = match (e, p.when_ready) {
                    (SbError::Refused { reason, .. }, Some(d)) => SbError::Timeout {
                        secs: d.as_secs_f64(),
                        what: format!("{reason}; it did not become ready"),
                    },
                    (e, _) => e,
                };
                msg.error = Some(e.to_string());
                append_message(&ctx.state, &msg)?;
                Err(undelivered(e, &msg.id))
            }
        };
        drop(lock);
        super::register::touch(ctx, &reg, &[&from, &p.to]);
        let mut report = result?;
        if let (Some(timeout), true) = (p.confirm, p.submit) {
            let c = super::confirm::confirm(
                ctx,
                &p.to,
                &entry,
                &lock_name,
                &typed,
                transcript_start,
                timeout,
            )?;
            report.submitted_confirmed = Some(c.confirmed);
            report.confirmation = Some(c);
        }
        return Ok(report);
    }
}

/// The per-pane lock that serializes everything typed into one pane.
pub fn lock_name(entry: &RoleEntry) -> String {
    format!(
        "pane-{}-{}",
        entry.server_pid,
        entry.pane.trim_start_matches('%')
    )
}

/// One try under the pane lock: check the pane, read the screen, guard, paste.
fn attempt(ctx: &Ctx, p: &SendParams, entry: &RoleEntry, typed: &str) -> Result<Option<State>> {
    let state = if p.force {
        // No screen to read: the paste checks the server and the pane in its own tmux call.
        None
    } else {
        let snap = ctx
            .tmux
            .snapshot(&entry.pane, true)
            .map_err(|e| gone(&p.to, entry, e))?;
        check_same_pane(&p.to, entry, &snap.info)?;
        let det = detect::classify(&snap.screen, Some(&snap.info.title));
        guard(&p.to, &det)?;
        Some(det.state)
    };
    ctx.tmux
        .paste(&entry.pane, typed, p.submit, p.settle_ms, entry.server_pid)
        .map_err(|e| gone(&p.to, entry, e))?;
    Ok(state)
}

/// Refuse to type into an open menu (a paste + Enter would answer it) or over an unsent draft.
pub fn guard(role: &str, det: &Detection) -> Result<()> {
    if det.state == State::WaitingSelect {
        let q = det.question.as_deref().unwrap_or("a menu");
        let opts: Vec<String> = det
            .options
            .iter()
            .map(|o| match o.number {
                Some(n) => format!("{n}. {}", o.label),
                None => o.label.clone(),
            })
            .collect();
        let first = det
            .options
            .iter()
            .find_map(|o| o.number)
            .map_or("Enter".to_string(), |n| n.to_string());
        return Err(SbError::Refused {
            reason: format!(
                "{role} has a menu open: {q:?} [{}]; typing now would answer it",
                opts.join(" | ")
            ),
            hint: format!(
                "answer it with `sb respond {role} {first}` (see `sb detect {role}`), wait with --when-ready, or override with --force"
            ),
        });
    }
    if let (State::Idle, Some(draft)) = (det.state, &det.draft) {
        let shown: String = draft.chars().take(60).collect();
        return Err(SbError::Refused {
            reason: format!(
                "{role} has unsent text in its prompt box ({shown:?}); typing now would merge with it"
            ),
            hint:
                "wait until the draft is sent or cleared (--when-ready), or override with --force"
                    .into(),
        });
    }
    Ok(())
}

fn undelivered(e: SbError, id: &str) -> SbError {
    let note = format!("; the message was logged as undelivered (id {id})");
    match e {
        SbError::PaneGone(m) => SbError::PaneGone(m + &note),
        SbError::TmuxUnavailable(m) => SbError::TmuxUnavailable(m + &note),
        SbError::NoTmuxServer { socket, detail } => SbError::NoTmuxServer {
            socket,
            detail: detail + &note,
        },
        SbError::Refused { reason, hint } => SbError::Refused {
            reason: reason + &note,
            hint,
        },
        SbError::Timeout { secs, what } => SbError::Timeout {
            secs,
            what: what + &note,
        },
        SbError::Tmux(m) => SbError::Tmux(m + &note),
        other => other,
    }
}
