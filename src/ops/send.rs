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
use crate::store::log::{
    Message, Outcome, SeenBasis, Step as LogStep, append_message_with, file_len,
};
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
    /// The message id to log under (a sender on another host passes its own, so both hosts log
    /// the message under one id); None = a new one.
    pub id: Option<String>,
    /// When the guard refuses, store the message as `queued` for `sb watch` to deliver.
    pub queue: bool,
    /// How long a queued message may wait (default `time::QUEUE_TTL`).
    pub ttl: Option<Duration>,
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
            id: None,
            queue: false,
            ttl: None,
            // sb's own notices (watch, down, receipts) keep typing through the guard.
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
    /// With `queue`: the message was not typed but queued (outcome `queued`); why, until when,
    /// and whether a watcher runs to deliver it. Null when it was delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued: Option<super::queue::Queued>,
    /// Native delivery (`via: native`): the frame's id, the recipient's receipt; null for paste.
    #[serde(default)]
    pub native: Option<crate::native::NativeReport>,
    /// Why native delivery was not used when `--via auto` pasted to Claude Code instead (no
    /// socket, an unverified version, or it failed: see `native_failed`).
    #[serde(default)]
    pub native_skipped: Option<String>,
    /// Native delivery was tried and failed (refused, expired, the socket did not take it): the
    /// message was pasted through the guard instead.
    #[serde(default)]
    pub native_failed: bool,
}

/// How often `--when-ready` looks at the peer again.
const READY_POLL: Duration = Duration::from_millis(250);

/// Send a message. Undelivered messages are logged too, and then returned as the error.
pub fn send(ctx: &Ctx, p: &SendParams) -> Result<SendReport> {
    validate_role(&p.to)?;
    // One registry read serves the sender's role, the recipient's pane and the last_seen check.
    let reg = Registry::load(&ctx.state)?;
    if let Some(remote) = reg.remote(&p.to) {
        return crate::remote::send(ctx, &reg, remote, p);
    }
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
    let typed = if p.tag {
        tagged(&from, &text)
    } else {
        text.clone()
    };
    let pane = Pane::of(ctx, &p.to, reg.get(&p.to)?.clone());
    // The sender's pane names the reply address of a native message (see `native::reply_socket`).
    let sender = (p.via != Via::Paste)
        .then(|| reg.get(&from).ok().map(|e| Pane::of(ctx, &from, e.clone())))
        .flatten();
    if p.queue && (p.force || p.when_ready.is_some() || !p.submit || !p.tag || p.settle_ms > 0) {
        return Err(SbError::Usage(
            "--queue delivers later as a plain send would: it does not combine with --force, --when-ready, --no-submit, --no-tag or --settle-ms".into(),
        ));
    }
    // The transcript's length before the paste: the seen receipt (and --confirm) look after it.
    let transcript_start = pane
        .entry
        .transcript_path
        .as_deref()
        .map(|t| (t.to_string(), file_len(Path::new(t))));
    let mut msg = Message {
        id: match &p.id {
            Some(id) => crate::remote::check_id(id)?.to_string(),
            None => new_id(),
        },
        ts: now_rfc3339(),
        from: from.clone(),
        to: p.to.clone(),
        text,
        delivered: false,
        submitted: false,
        error: None,
        outcome: Some(Outcome::Sending),
        host: None,
        receipts: vec![],
        expires_at: None,
        basis: None,
        via: None,
    };
    // With --queue the recipient's queue lock is held throughout: a message never overtakes
    // one queued before it, and a watcher never delivers the queue meanwhile.
    let queue_lock = if p.queue {
        Some(super::queue::lock(ctx, &p.to)?)
    } else {
        None
    };
    let ahead = if p.queue {
        super::queue::queued_for(ctx, &p.to)?.len()
    } else {
        0
    };
    // Write-ahead: nothing is typed unless this record is on disk in both logs.
    append_message_with(&ctx.state, &msg, true)?;
    if ahead > 0 {
        let reason = format!("{ahead} older queued message(s) to {} wait before it", p.to);
        return queue_it(ctx, p, msg, &pane, reason, None, ahead);
    }
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
        Err(SbError::Refused { reason, .. }) if p.queue => {
            drop(lock);
            return queue_it(ctx, p, msg, &pane, reason, None, 0);
        }
        Err(e) => {
            let e = match (e, p.when_ready) {
                (SbError::Refused { reason, .. }, Some(d)) => SbError::Timeout {
                    secs: d.as_secs_f64(),
                    what: format!("{reason}; it did not become ready"),
                },
                (e, _) => e,
            };
            if let SbError::Refused { reason, .. } = &e {
                let ts = msg.ts.clone();
                msg.push_step(LogStep::Refused, &ts, None, Some(reason));
            }
            msg.error = Some(e.to_string());
            msg.outcome = Some(Outcome::Undelivered);
            append_message_with(&ctx.state, &msg, false)?;
            return Err(undelivered(e, &msg.id));
        }
    };
    drop(queue_lock);
    let typed_at = msg.ts.clone();
    match &native {
        Some((n, transcript)) => {
            native::mark_delivered(&mut msg, n, transcript.as_ref(), &typed_at)
        }
        None => {
            mark_delivered(
                &mut msg,
                p.submit,
                submitted,
                seen.as_ref(),
                transcript_start.clone(),
                &typed_at,
            );
            msg.via = Some("paste".into());
        }
    }
    let held = msg.outcome() == Outcome::Held;
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
        queued: None,
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

/// The outcome record of a typed message: `delivered`, its `typed` (and `submitted`) steps, and
/// what its `seen` receipt will be checked against.
pub(crate) fn mark_delivered(
    msg: &mut Message,
    submit: bool,
    submitted: bool,
    seen: Option<&Observation>,
    transcript_start: Option<(String, u64)>,
    ts: &str,
) {
    msg.delivered = true;
    msg.submitted = submitted;
    if submit && !submitted {
        msg.error =
            Some("Enter was taken as a newline: the text sits in the peer's input box".into());
    }
    msg.outcome = Some(Outcome::Delivered);
    msg.push_step(LogStep::Typed, ts, None, None);
    if submitted {
        msg.push_step(LogStep::Submitted, ts, None, None);
    }
    let probe = super::confirm::probe(&msg.text);
    msg.basis = Some(SeenBasis {
        agent: seen.map_or(Agent::Unknown, |o| o.detection.agent),
        offset: transcript_start.as_ref().map_or(0, |(_, n)| *n),
        transcript: transcript_start.map(|(t, _)| t),
        visible: seen.map_or(0, |o| super::confirm::count_visible(&o.screen, &probe)),
        busy: seen.is_some_and(|o| o.detection.state == State::Busy),
    });
}

/// Store a refused message as `queued` (the recipient's queue lock is held): the outcome record
/// with its `queued` step, the reason and the expiry; the report says whether a watcher runs.
fn queue_it(
    ctx: &Ctx,
    p: &SendParams,
    mut msg: Message,
    pane: &Pane,
    reason: String,
    peer_state: Option<State>,
    ahead: usize,
) -> Result<SendReport> {
    let ttl = p
        .ttl
        .unwrap_or_else(|| super::time::default(super::time::QUEUE_TTL));
    let now = std::time::SystemTime::now();
    let ts = crate::clock::format_rfc3339(now);
    let expires_at = crate::clock::format_rfc3339(now + ttl);
    msg.ts = ts.clone();
    msg.outcome = Some(Outcome::Queued);
    msg.expires_at = Some(expires_at.clone());
    msg.push_step(LogStep::Queued, &ts, None, Some(&reason));
    append_message_with(&ctx.state, &msg, true)?;
    let watcher_running = super::queue::watcher_running(ctx);
    let warning = (!watcher_running).then(|| {
        format!(
            "no sb watch is running for this state directory: nothing will deliver this message until `sb watch` runs (it expires at {expires_at})"
        )
    });
    Ok(SendReport {
        pane: pane.id().to_string(),
        bytes: 0,
        peer_state,
        message: msg,
        confirmation: None,
        log_warning: None,
        queued: Some(super::queue::Queued {
            reason,
            expires_at,
            ahead,
            watcher_running,
            warning,
        }),
        native: None,
        native_skipped: None,
        native_failed: false,
    })
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
    if p.via == Via::Paste {
        let seen = look(pane, p.force)?;
        let submitted = type_in(pane, seen.as_ref(), typed, p.submit, p.settle_ms)?;
        return Ok(Attempt {
            seen,
            submitted,
            native: None,
            native_skipped: None,
            native_failed: false,
        });
    }
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
                    // A second later: the guard decides on a fresh reading.
                    seen = Some(pane.observe()?);
                }
                native_skipped = why;
                native_failed = tried;
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
    let submitted = type_in(pane, seen.as_ref(), typed, p.submit, p.settle_ms)?;
    Ok(Attempt {
        seen,
        submitted,
        native: None,
        native_skipped,
        native_failed,
    })
}

/// Read the pane and ask the guard (under the pane lock): a refusal is `Refused`. With `force`
/// the verdict is ignored, and an unreadable pane gives no reading.
pub(crate) fn look(pane: &Pane, force: bool) -> Result<Option<Observation>> {
    match pane.observe() {
        Ok(obs) => {
            if let (false, Some(reason)) = (force, &obs.verdict.refusal) {
                return Err(SbError::Refused {
                    reason: reason.clone(),
                    hint: obs.verdict.hint.clone().unwrap_or_default(),
                });
            }
            Ok(Some(obs))
        }
        // --force types without a reading; the paste itself re-checks the pane.
        Err(_) if force => Ok(None),
        Err(e) => Err(e),
    }
}

/// Paste `typed` and submit it as the agent's profile says (under the pane lock, after
/// [`look`]); whether it was submitted.
pub(crate) fn type_in(
    pane: &Pane,
    seen: Option<&Observation>,
    typed: &str,
    submit: bool,
    settle_ms: u64,
) -> Result<bool> {
    let profile = agents::profile(seen.map_or(Agent::Unknown, |o| o.detection.agent));
    let pause = settle_ms.max(profile.submit_pause_ms);
    pane.paste(typed, submit, pause)?;
    Ok(submit && (!profile.check_submit || check_submitted(pane, typed)?))
}

/// The text typed for `text` from `from`: tagged `[from:ROLE] ` unless it is a slash command.
pub(crate) fn tagged(from: &str, text: &str) -> String {
    if is_slash_command(text) {
        text.to_string()
    } else {
        format!("[from:{from}] {text}")
    }
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
