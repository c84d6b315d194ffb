//! `send`: deliver a message into a peer's prompt behind the guard (`crate::guard`), and log it,
//! delivered or not, to the conversation and the recipient's mailbox.
//!
//! Write-ahead: the message's `sending` record is durably in both logs before any byte is typed,
//! and its outcome (`delivered` / `undelivered`) follows under the same id. A message is never
//! typed and then left unlogged, and a caller never sees a failure for a message that was typed.

use super::Ctx;
use crate::agents;
use crate::clock::{new_id, now_rfc3339};
use crate::detect::{Agent, State};
use crate::error::{Result, SbError};
use crate::native::{self, Plan, Via};
use crate::pane::{Observation, Pane};
use crate::poll::{Step, Waited, poll_until};
use crate::store::log::{Message, Outcome, append_message_with, file_len};
use crate::store::registry::Registry;
use crate::store::validate_role;
use crate::text::sanitize;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Duration;

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
    /// Typed (`paste`), over Claude Code's own socket (`native`), or native when possible
    /// (`auto`); see `crate::native`.
    pub via: Via,
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
            // sb's own notices (watch, down) keep typing through the guard.
            via: Via::Paste,
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
    /// With --confirm: how it was checked and what was seen (null without --confirm).
    pub confirmation: Option<super::confirm::Confirmation>,
    /// The peer's state as sb saw it before typing; null when --force typed without a reading.
    pub peer_state: Option<State>,
    /// The message was typed but its outcome record could not be written (e.g. a full disk):
    /// the logs show it as `sending`. Null normally.
    pub log_warning: Option<String>,
    /// Native delivery (`via: native`): the frame's id, the recipient's receipt; null for paste.
    pub native: Option<crate::native::NativeReport>,
    /// Why native delivery was not used when `--via auto` pasted to Claude Code instead (no
    /// socket, an unverified version, or it failed: see `native_failed`).
    pub native_skipped: Option<String>,
    /// Native delivery was tried and failed (refused, expired, the socket did not take it): the
    /// message was pasted through the guard instead.
    pub native_failed: bool,
}

/// How often `--when-ready` looks at the peer again.
const READY_POLL: Duration = Duration::from_millis(250);

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
    let typed = if p.tag && !is_slash_command(&text) {
        format!("[from:{from}] {text}")
    } else {
        text.clone()
    };
    let pane = Pane::of(ctx, &p.to, reg.get(&p.to)?.clone());
    // The sender's pane names the reply address of a native message (see `native::reply_socket`).
    let sender = (p.via != Via::Paste)
        .then(|| reg.get(&from).ok().map(|e| Pane::of(ctx, &from, e.clone())))
        .flatten();
    let transcript_start = p
        .confirm
        .and(pane.entry.transcript_path.as_deref())
        .map(|t| (t.to_string(), file_len(Path::new(t))));
    let mut msg = Message {
        id: new_id(),
        ts: now_rfc3339(),
        from: from.clone(),
        to: p.to.clone(),
        text,
        delivered: false,
        submitted: false,
        error: None,
        outcome: Some(Outcome::Sending),
        via: None,
    };
    // Write-ahead: nothing is typed unless this record is on disk in both logs.
    append_message_with(&ctx.state, &msg, true)?;
    // Without --when-ready one try; with it, a refusal is tried again until the time is up. The
    // outcome is logged under the pane lock, so the logs list messages in delivery order.
    let mut last_refusal = None;
    // Native delivery that failed once (refused by the recipient) is not tried again by a
    // --when-ready retry: the retries paste. `--via native` does not wait (nothing is typed, so
    // there is nothing to be ready for).
    let native_gave_up = std::cell::RefCell::new(None);
    let waited = poll_until(p.when_ready.unwrap_or_default(), READY_POLL, || {
        let lock = pane.lock()?;
        let tried = attempt(
            &pane,
            p,
            &typed,
            &msg.text,
            &from,
            sender.as_ref(),
            &native_gave_up,
        );
        match tried {
            Err(e @ SbError::Refused { .. }) if p.when_ready.is_some() && p.via != Via::Native => {
                drop(lock);
                last_refusal = Some(e);
                if crate::interrupt::requested() {
                    return Err(SbError::Interrupted(
                        "stopped while waiting for the peer to be ready".into(),
                    ));
                }
                Ok(Step::Again)
            }
            outcome => Ok(Step::Done((outcome, lock))),
        }
    });
    let (seen, lock) = match waited {
        Ok(Waited::Done((outcome, lock))) => (outcome, Some(lock)),
        Ok(Waited::TimedOut) => (
            Err(last_refusal.unwrap_or_else(|| SbError::Usage("no attempt was made".into()))),
            None,
        ),
        Err(e) => (Err(e), None),
    };
    msg.ts = now_rfc3339();
    let Attempt {
        seen,
        submitted,
        native,
        native_skipped,
        native_failed,
    } = match seen {
        Ok(a) => a,
        Err(e) => {
            let e = match (e, p.when_ready) {
                (SbError::Refused { reason, .. }, Some(d)) => SbError::Timeout {
                    secs: d.as_secs_f64(),
                    what: format!("{reason}; it did not become ready"),
                },
                (e, _) => e,
            };
            msg.error = Some(e.to_string());
            msg.outcome = Some(Outcome::Undelivered);
            append_message_with(&ctx.state, &msg, false)?;
            return Err(undelivered(e, &msg.id));
        }
    };
    msg.delivered = true;
    msg.submitted = submitted;
    msg.via = Some(if native.is_some() { "native" } else { "paste" }.into());
    if p.submit && !submitted {
        msg.error =
            Some("Enter was taken as a newline: the text sits in the peer's input box".into());
    }
    msg.outcome = Some(Outcome::Delivered);
    let held = native
        .as_ref()
        .is_some_and(|(n, _)| n.status == native::NativeStatus::Held);
    if held {
        msg.delivered = false;
        msg.submitted = false;
        msg.outcome = Some(Outcome::Held);
        msg.error = Some(format!(
            "held for a person's approval in {}'s session{}",
            p.to,
            native
                .as_ref()
                .and_then(|(n, _)| n.reason.as_deref())
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ));
    }
    // The text is in the peer's pane now: a failure to log the outcome must not look like a
    // failed send (a caller would send it again). The write-ahead record already names it.
    let log_warning = append_message_with(&ctx.state, &msg, false)
        .err()
        .map(|e| format!("the message was delivered, but its outcome could not be logged: {e}"));
    drop(lock);
    // Only a delivered message says both roles were alive.
    if !held {
        super::register::touch(ctx, &reg, &[&from, &p.to]);
    }
    let before = super::confirm::Before {
        state: seen.as_ref().map(|o| o.detection.state),
        visible: seen.as_ref().map_or(0, |o| {
            super::confirm::count_visible(&o.screen, &super::confirm::probe(&typed))
        }),
    };
    let mut report = SendReport {
        pane: pane.id().to_string(),
        bytes: typed.len(),
        peer_state: before.state,
        message: msg,
        confirmation: None,
        log_warning,
        native: native.as_ref().map(|(n, _)| n.clone()),
        native_skipped,
        native_failed,
    };
    if let Some((n, transcript)) = &native {
        // Nothing was typed: the frame carries the text without the tag.
        report.bytes = report.message.text.len();
        if let (Some(timeout), false) = (p.confirm, held) {
            report.confirmation = Some(native::confirm(transcript.as_ref(), &n.msg_id, timeout));
        }
        return Ok(report);
    }
    if let (Some(timeout), true) = (p.confirm, p.submit) {
        let agent = seen.as_ref().map_or(Agent::Unknown, |o| o.detection.agent);
        report.confirmation = Some(super::confirm::confirm(
            &pane,
            agent,
            &typed,
            transcript_start,
            before,
            timeout,
        )?);
    }
    Ok(report)
}

/// What one try did: what was seen (nothing when --force could not read the pane), whether the
/// message was submitted, native delivery's report, and why native was not used.
struct Attempt {
    seen: Option<Observation>,
    submitted: bool,
    native: Option<(native::NativeReport, Option<(std::path::PathBuf, u64)>)>,
    native_skipped: Option<String>,
    native_failed: bool,
}

/// One try under the pane lock: read the screen; with `--via auto|native` deliver over Claude
/// Code's socket when the session offers one (`native::try_deliver`); else ask the guard, paste
/// and submit as the agent's profile says.
fn attempt(
    pane: &Pane,
    p: &SendParams,
    typed: &str,
    text: &str,
    from: &str,
    sender: Option<&Pane>,
    native_gave_up: &std::cell::RefCell<Option<String>>,
) -> Result<Attempt> {
    let mut seen = match pane.observe() {
        Ok(obs) => Some(obs),
        // --force types without a reading; the paste itself re-checks the pane.
        Err(_) if p.force => None,
        Err(e) => return Err(e),
    };
    let mut native_skipped = None;
    let mut native_failed = false;
    // A slash command must be typed to run, and --no-submit leaves text in the box: paste only.
    let typed_only = if !p.submit {
        Some("--no-submit leaves the text in the input box, which only typing does")
    } else if is_slash_command(text) {
        Some("a slash command runs only when typed")
    } else {
        None
    };
    if let (Some(why), Via::Native) = (typed_only, p.via) {
        return Err(SbError::Usage(format!(
            "--via native cannot send this: {why}; use --via paste or auto"
        )));
    }
    if let Some(why) = native_gave_up.borrow().clone() {
        native_skipped = Some(why);
        native_failed = true;
    } else if let Some(obs) = &seen
        && p.via != Via::Paste
        && typed_only.is_none()
    {
        match native::try_deliver(pane, obs, p.via, from, sender, text) {
            Plan::Done(r, transcript) => {
                let submitted = r.status == native::NativeStatus::Sent;
                return Ok(Attempt {
                    seen,
                    submitted,
                    native: Some((r, transcript)),
                    native_skipped: None,
                    native_failed: false,
                });
            }
            Plan::Fail(e) => return Err(e),
            Plan::Paste { why, tried } => {
                if tried {
                    *native_gave_up.borrow_mut() = why.clone();
                }
                native_skipped = why;
                native_failed = tried;
                if tried {
                    // A second later: the guard decides on a fresh reading.
                    seen = Some(pane.observe()?);
                }
            }
        }
    }
    if let Some(obs) = &seen
        && let (false, Some(reason)) = (p.force, &obs.verdict.refusal)
    {
        let reason = match &native_skipped {
            Some(why) => format!("{reason} (native delivery was not used: {why})"),
            None => reason.clone(),
        };
        return Err(SbError::Refused {
            reason,
            hint: obs.verdict.hint.clone().unwrap_or_default(),
        });
    }
    let profile = agents::profile(seen.as_ref().map_or(Agent::Unknown, |o| o.detection.agent));
    let pause = p.settle_ms.max(profile.submit_pause_ms);
    pane.paste(typed, p.submit, pause)?;
    let submitted = p.submit && (!profile.check_submit || check_submitted(pane, typed)?);
    Ok(Attempt {
        seen,
        submitted,
        native: None,
        native_skipped,
        native_failed,
    })
}

/// For an agent that may take Enter as a newline (Gemini under load): look again, and if the
/// text still sits in the box (and nothing else is open) press Enter once more. False when it is
/// still there after that: the message is typed but not submitted.
fn check_submitted(pane: &Pane, typed: &str) -> Result<bool> {
    let probe = super::confirm::probe(typed);
    let stuck = || -> Result<bool> {
        std::thread::sleep(SUBMIT_CHECK);
        let d = pane.observe()?.detection;
        Ok(matches!(d.state, State::Idle | State::Busy) && super::confirm::in_draft(&d, &probe))
    };
    if !stuck()? {
        return Ok(true);
    }
    pane.keys(&["Enter".to_string()])?;
    Ok(!stuck()?)
}

/// How long after Enter the box is looked at again.
const SUBMIT_CHECK: Duration = Duration::from_millis(300);

/// A slash command the agent runs (`/clear`, `/compact keep tests`): `/name` at the very start,
/// followed by a space or the end of the first line, where the name has no further `/` (so
/// `/etc/hosts has a bad entry` is a message, and is tagged like any other).
pub fn is_slash_command(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('/') else {
        return false;
    };
    let first = rest.split('\n').next().unwrap_or("");
    let name = first.split(' ').next().unwrap_or("");
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

fn undelivered(e: SbError, id: &str) -> SbError {
    SbError::Undelivered {
        id: id.to_string(),
        cause: Box::new(e),
    }
}

#[cfg(test)]
mod tests {
    use super::is_slash_command;

    #[test]
    fn only_a_real_slash_command_goes_untagged() {
        for cmd in [
            "/clear",
            "/compact keep the tests",
            "/model opus",
            "/mcp",
            "/x\nsecond",
        ] {
            assert!(is_slash_command(cmd), "{cmd}");
        }
        for msg in [
            "/etc/hosts has a bad entry",
            "/ hello",
            "/",
            "//comment",
            "/usr/bin is full",
            "/1password",
            "clear",
            " /clear",
        ] {
            assert!(!is_slash_command(msg), "{msg}");
        }
    }
}
