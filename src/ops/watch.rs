//! `watch`: follow every peer's detected state, log transitions to `events.jsonl`, and push one
//! notice per newly opened question to the manager role (no polling loop in the manager, no
//! model tokens spent while nothing happens).

use super::Ctx;
use crate::clock::now_rfc3339;
use crate::detect::{Detection, State};
use crate::error::Result;
use crate::store::log::append_record;
use crate::store::registry::Registry;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// One logged transition (or a stall) of one role.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Event {
    pub ts: String,
    pub role: String,
    pub kind: EventKind,
    /// Previous state (null on the first observation).
    pub from: Option<State>,
    /// The state now (`unknown` for a role that is gone).
    pub to: State,
    pub question: Option<String>,
    /// What the dialog approves (the command, the file, the plan), when one is open.
    #[serde(default)]
    pub detail: Option<String>,
    /// Option labels, numbered as on screen.
    pub options: Vec<String>,
    /// Fingerprint of the open menu, for `sb respond --option N --expect FP`.
    pub fingerprint: Option<String>,
    /// For `notified` and `notice_failed`: who the notice was for.
    pub notify: Option<String>,
    /// For `notice_failed`: why the notice could not be delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For `queue_delivered`, `queue_expired`, `seen` and `flagged`: the message's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What an event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The role's state changed.
    Transition,
    /// The role has been busy for longer than `--stall-after`.
    Stalled,
    /// The role was unregistered or its pane is gone.
    Gone,
    /// A notice reached the notify role.
    Notified,
    /// A notice could not be delivered (the notify role's pane is gone, a log failed): it is
    /// dropped, and said once.
    NoticeFailed,
    /// A queued message was delivered to `role` (`message` names it).
    QueueDelivered,
    /// A queued message to `role` outlived its TTL; `notify` names the sender told so.
    QueueExpired,
    /// A message to `role` was seen taken as a user turn (`detail`: transcript or screen).
    Seen,
    /// A message to `role` was not seen taken in time; `notify` names the sender told so.
    Flagged,
}

impl EventKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::Transition => "transition",
            EventKind::Stalled => "stalled",
            EventKind::Gone => "gone",
            EventKind::Notified => "notified",
            EventKind::NoticeFailed => "notice_failed",
            EventKind::QueueDelivered => "queue_delivered",
            EventKind::QueueExpired => "queue_expired",
            EventKind::Seen => "seen",
            EventKind::Flagged => "flagged",
        }
    }
}

#[derive(Debug, Default)]
struct Seen {
    state: Option<State>,
    busy_since: Option<Instant>,
    stalled_reported: bool,
    notified: Option<String>,
}

/// The watcher's memory: pure, fed one detection at a time, so it is tested without tmux.
#[derive(Debug, Default)]
pub struct Watcher {
    roles: BTreeMap<String, Seen>,
    pub stall_after: Option<Duration>,
}

/// What one observation asks the loop to do.
#[derive(Debug, Default, PartialEq)]
pub struct Step {
    pub events: Vec<Event>,
    /// A notice to push to the manager.
    pub notice: Option<String>,
    /// The notice is about the open dialog (not a stall).
    pub about_dialog: bool,
}

impl Watcher {
    pub fn observe(&mut self, role: &str, d: &Detection, now: Instant) -> Step {
        let seen = self.roles.entry(role.to_string()).or_default();
        let mut step = Step::default();
        let fp = (d.state == State::WaitingSelect || d.state == State::WaitingText)
            .then(|| d.fingerprint());
        if seen.state != Some(d.state) {
            step.events.push(event(
                role,
                EventKind::Transition,
                seen.state,
                d,
                fp.clone(),
            ));
            if d.state == State::Busy {
                seen.busy_since = Some(now);
                seen.stalled_reported = false;
            }
            if !d.state.is_waiting() {
                seen.notified = None;
            }
            seen.state = Some(d.state);
        }
        if d.state.is_waiting() && seen.notified != fp {
            seen.notified = fp;
            step.notice = Some(notice(role, d));
            step.about_dialog = true;
        }
        if let (State::Busy, Some(since), Some(limit)) =
            (d.state, seen.busy_since, self.stall_after)
            && !seen.stalled_reported
            && now.duration_since(since) >= limit
        {
            seen.stalled_reported = true;
            step.events
                .push(event(role, EventKind::Stalled, Some(State::Busy), d, None));
            step.notice = Some(format!(
                "[sb watch] {role} has been busy for over {}s; look with `sb peek {role}`, interrupt with `sb respond {role} Escape`",
                limit.as_secs()
            ));
        }
        step
    }

    /// A role that vanished (unregistered or pane gone) is forgotten once.
    pub fn forget(&mut self, role: &str) -> Option<Event> {
        let seen = self.roles.remove(role)?;
        Some(Event {
            ts: now_rfc3339(),
            role: role.into(),
            kind: EventKind::Gone,
            from: seen.state,
            to: State::Unknown,
            question: None,
            detail: None,
            options: vec![],
            fingerprint: None,
            notify: None,
            error: None,
            message: None,
        })
    }
}

fn event(
    role: &str,
    kind: EventKind,
    from: Option<State>,
    d: &Detection,
    fingerprint: Option<String>,
) -> Event {
    Event {
        ts: now_rfc3339(),
        role: role.into(),
        kind,
        from,
        to: d.state,
        question: d.question.clone(),
        detail: d.detail.clone(),
        options: d.options.iter().map(option_text).collect(),
        fingerprint,
        notify: None,
        error: None,
        message: None,
    }
}

fn option_text(o: &crate::detect::MenuOption) -> String {
    match o.number {
        Some(n) => format!("{n}. {}", o.label),
        None => o.label.clone(),
    }
}

/// The notice text: who waits, the question, each option with the exact command that picks it.
pub fn notice(role: &str, d: &Detection) -> String {
    let q = d.question.as_deref().unwrap_or("(no question text)");
    let mut s = match d.state {
        State::WaitingSelect => format!("[sb watch] {role} is waiting on a menu: {q}"),
        _ => format!("[sb watch] {role} asks: {q}\nAnswer with: sb send {role} 'your answer'"),
    };
    if let Some(detail) = &d.detail {
        let shown: String = detail.chars().take(600).collect();
        s.push_str("\nIt approves:\n");
        for line in shown.lines() {
            let _ = writeln!(s, "  | {line}");
        }
        s.pop();
    }
    let fp = d.fingerprint();
    for (i, o) in d.options.iter().enumerate() {
        let n = o.number.unwrap_or(u32::try_from(i + 1).unwrap_or(u32::MAX));
        let _ = write!(
            s,
            "\n  {} → sb respond {role} --option {n} --expect {fp}",
            option_text(o)
        );
    }
    s
}

/// Options of the watch loop.
#[derive(Debug, Clone)]
pub struct WatchParams {
    pub notify: Option<String>,
    pub roles: Option<Vec<String>>,
    pub interval: Duration,
    pub stall_after: Option<Duration>,
    /// Stop after this many rounds (tests); None = forever.
    pub rounds: Option<u64>,
    /// Flag a message typed but not seen taken after this long, once, to its sender (None:
    /// never).
    pub flag_unseen: Option<Duration>,
}

/// A notice waiting for the notify role to be able to take it.
#[derive(Debug, Clone)]
struct Pending {
    text: String,
    /// The dialog it is about (null for a stall notice): once that dialog is gone, so is the
    /// notice.
    fingerprint: Option<String>,
}

/// Check `--notify` and `--roles` against the registry before the loop starts.
pub fn validate(ctx: &Ctx, p: &WatchParams) -> Result<()> {
    let reg = Registry::load(&ctx.state)?;
    for r in p.notify.iter().chain(p.roles.iter().flatten()) {
        crate::store::validate_role(r)?;
        if reg.remote(r).is_none() {
            reg.get(r)?;
        }
    }
    Ok(())
}

/// Run the loop; `on_event` gets every event (return false to stop).
pub fn watch(ctx: &Ctx, p: &WatchParams, mut on_event: impl FnMut(&Event) -> bool) -> Result<()> {
    validate(ctx, p)?;
    ctx.state.ensure()?;
    // Held for the loop's lifetime: `send --queue` sees that a watcher will deliver.
    let _presence = super::queue::announce_watcher(ctx)?;
    let mut receipts = super::receipts::Receipts::new(p.flag_unseen);
    let mut queues = super::queue::Deliverer::default();
    let mut w = Watcher {
        stall_after: p.stall_after,
        ..Watcher::default()
    };
    // One pending notice per role: the newest question replaces an older one not yet delivered.
    let mut pending: BTreeMap<String, Pending> = BTreeMap::new();
    let mut round = 0u64;
    loop {
        let reg = Registry::load(&ctx.state)?;
        let roles: Vec<String> = reg
            .roles
            .keys()
            .chain(reg.remotes.keys())
            .filter(|r| {
                p.roles.as_ref().is_none_or(|only| only.contains(r))
                    && Some(*r) != p.notify.as_ref()
            })
            .cloned()
            .collect();
        let mut events = Vec::new();
        for role in &roles {
            // The registry was read once for this round: no second read per role. A role on
            // another host is one `sb detect` there, over the host's shared SSH connection.
            let seen = match reg.remote(role) {
                Some(e) => crate::remote::Remote::of(ctx, e).detect(role, None),
                None => {
                    let pane = crate::pane::Pane::of(ctx, role, reg.roles[role].clone());
                    pane.observe()
                        .map(|obs| super::detect::from_observation(&pane, obs))
                }
            };
            match seen {
                Ok(r) => {
                    let step = w.observe(role, &r.detection, Instant::now());
                    events.extend(step.events);
                    let open = r.fingerprint.clone();
                    if let Some(text) = step.notice {
                        let fingerprint = step.about_dialog.then(|| open.clone()).flatten();
                        pending.insert(role.clone(), Pending { text, fingerprint });
                    } else if pending
                        .get(role)
                        .is_some_and(|n| n.fingerprint.is_some() && n.fingerprint != open)
                    {
                        // Answered before the notice could be delivered: it is stale.
                        pending.remove(role);
                    }
                }
                Err(_) => {
                    pending.remove(role);
                    events.extend(w.forget(role));
                }
            }
        }
        // Log transitions first, so a notice is never seen before the transition it reports.
        for e in &events {
            if !emit(ctx, e, &mut on_event)? {
                return Ok(());
            }
        }
        if let Some(to) = &p.notify {
            for e in deliver_notices(ctx, to, &mut pending) {
                if !emit(ctx, &e, &mut on_event)? {
                    return Ok(());
                }
            }
        }
        // Queued messages for every role that can take them now; receipts of typed messages.
        for e in queue_and_receipt_events(ctx, &reg, &mut queues, &mut receipts) {
            if !emit(ctx, &e, &mut on_event)? {
                return Ok(());
            }
        }
        round += 1;
        if p.rounds.is_some_and(|n| round >= n) {
            return Ok(());
        }
        // Ctrl-C, SIGTERM or a closed stdout (the CLI's) end the loop here, between rounds.
        let stop = crate::poll::poll_until(p.interval, Duration::from_millis(50), || {
            Ok::<_, ()>(if crate::interrupt::requested() {
                crate::poll::Step::Done(())
            } else {
                crate::poll::Step::Again
            })
        });
        if matches!(stop, Ok(crate::poll::Waited::Done(()))) {
            return Ok(());
        }
    }
}

/// Deliver what is pending to `to` while it can take a message. Nothing is typed (or logged)
/// while the notify role is not deliverable (a menu, a draft): the notice waits, once. A notice
/// that fails for any other reason is dropped and reported as a `notice_failed` event.
fn deliver_notices(ctx: &Ctx, to: &str, pending: &mut BTreeMap<String, Pending>) -> Vec<Event> {
    let mut events = Vec::new();
    if pending.is_empty() {
        return events;
    }
    let ready = match super::detect::detect(ctx, to, None) {
        Ok(r) => r.deliverable,
        Err(e) => {
            for (role, _) in std::mem::take(pending) {
                events.push(notice_event(&role, to, EventKind::NoticeFailed, Some(&e)));
            }
            return events;
        }
    };
    if !ready {
        return events;
    }
    for (role, n) in std::mem::take(pending) {
        let mut sp = super::send::SendParams::new(to.to_string(), n.text.clone());
        sp.from = Some("watch".into());
        match super::send::send(ctx, &sp) {
            Ok(_) => events.push(notice_event(&role, to, EventKind::Notified, None)),
            // It became busy with a draft or a menu in between: try again next round.
            Err(e) if e.kind() == "refused" => {
                pending.insert(role, n);
            }
            Err(e) => events.push(notice_event(&role, to, EventKind::NoticeFailed, Some(&e))),
        }
    }
    events
}

/// One round of the delivery queue and the receipts, as watch events.
fn queue_and_receipt_events(
    ctx: &Ctx,
    reg: &Registry,
    queues: &mut super::queue::Deliverer,
    receipts: &mut super::receipts::Receipts,
) -> Vec<Event> {
    use super::queue::QueueEvent;
    use super::receipts::ReceiptEvent;
    let event = |role: &str, kind, message: Option<String>, notify, detail, error| {
        let mut e = notice_event(role, "", kind, None);
        e.notify = notify;
        e.detail = detail;
        e.error = error;
        e.message = message;
        e
    };
    let mut events = Vec::new();
    for q in queues.round(ctx, reg) {
        events.push(match q {
            QueueEvent::Delivered { to, id } => {
                event(&to, EventKind::QueueDelivered, Some(id), None, None, None)
            }
            QueueEvent::Expired { to, id, bounced } => {
                event(&to, EventKind::QueueExpired, Some(id), bounced, None, None)
            }
            QueueEvent::Failed { to, error } => {
                event(&to, EventKind::NoticeFailed, None, None, None, Some(error))
            }
        });
    }
    for r in receipts.advance(ctx, reg) {
        events.push(match r {
            ReceiptEvent::Seen { to, id, via } => {
                event(&to, EventKind::Seen, Some(id), None, Some(via), None)
            }
            ReceiptEvent::Flagged { to, id, told } => {
                event(&to, EventKind::Flagged, Some(id), told, None, None)
            }
        });
    }
    events
}

/// Append one event to `events.jsonl` and hand it to the caller; false = stop.
fn emit(ctx: &Ctx, e: &Event, on_event: &mut impl FnMut(&Event) -> bool) -> Result<bool> {
    append_record(&ctx.state.events(), e)?;
    Ok(on_event(e))
}

fn notice_event(
    role: &str,
    notify: &str,
    kind: EventKind,
    error: Option<&crate::error::SbError>,
) -> Event {
    Event {
        ts: now_rfc3339(),
        role: role.into(),
        kind,
        from: None,
        to: State::Unknown,
        question: None,
        detail: None,
        options: vec![],
        fingerprint: None,
        notify: Some(notify.into()),
        error: error.map(ToString::to_string),
        message: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::classify;

    fn menu(q: &str, opts: &[&str]) -> Detection {
        let mut d = classify("", None);
        d.state = State::WaitingSelect;
        d.question = Some(q.into());
        d.options = opts
            .iter()
            .enumerate()
            .map(|(i, l)| crate::detect::MenuOption {
                number: Some(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                label: (*l).into(),
                description: None,
                selected: i == 0,
                checked: None,
            })
            .collect();
        d
    }

    fn state(s: State) -> Detection {
        let mut d = classify("", None);
        d.state = s;
        d
    }

    #[test]
    fn one_notice_per_open_question_and_a_new_one_for_a_new_menu() {
        let mut w = Watcher::default();
        let t = Instant::now();
        assert!(w.observe("dev", &state(State::Busy), t).notice.is_none());
        let a = menu("Do you want to proceed?", &["Yes", "No"]);
        let s = w.observe("dev", &a, t);
        assert_eq!(s.events.len(), 1);
        let n = s.notice.unwrap();
        assert!(
            n.contains("Do you want to proceed?")
                && n.contains("sb respond dev --option 2 --expect"),
            "{n}"
        );
        assert_eq!(
            w.observe("dev", &a, t),
            Step::default(),
            "same menu: nothing new"
        );
        let b = menu("Do you want to make this edit?", &["Yes", "No"]);
        assert!(
            w.observe("dev", &b, t).notice.is_some(),
            "a different menu in place: a new notice"
        );
        w.observe("dev", &state(State::Idle), t);
        assert!(
            w.observe("dev", &a, t).notice.is_some(),
            "closed and opened again: a new notice"
        );
    }

    #[test]
    fn a_long_busy_spell_is_reported_once() {
        let mut w = Watcher {
            stall_after: Some(Duration::from_secs(60)),
            ..Watcher::default()
        };
        let t = Instant::now();
        w.observe("dev", &state(State::Busy), t);
        assert!(
            w.observe("dev", &state(State::Busy), t + Duration::from_secs(30))
                .events
                .is_empty()
        );
        let s = w.observe("dev", &state(State::Busy), t + Duration::from_secs(61));
        assert_eq!(s.events[0].kind, EventKind::Stalled);
        assert!(
            w.observe("dev", &state(State::Busy), t + Duration::from_secs(120))
                .events
                .is_empty()
        );
    }
}
