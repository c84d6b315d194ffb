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
use std::time::{Duration, Instant};

/// One logged transition (or a stall) of one role.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Event {
    pub ts: String,
    pub role: String,
    /// `transition`, `stalled`, `gone` or `notified`.
    pub kind: String,
    /// Previous state (null on the first observation).
    pub from: Option<String>,
    pub to: String,
    pub question: Option<String>,
    /// Option labels, numbered as on screen.
    pub options: Vec<String>,
    /// Fingerprint of the open menu, for `sb respond --option N --expect FP`.
    pub fingerprint: Option<String>,
    /// For `notified`: who got the notice.
    pub notify: Option<String>,
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
}

impl Watcher {
    pub fn observe(&mut self, role: &str, d: &Detection, now: Instant) -> Step {
        let seen = self.roles.entry(role.to_string()).or_default();
        let mut step = Step::default();
        let fp = (d.state == State::WaitingSelect || d.state == State::WaitingText)
            .then(|| d.fingerprint());
        if seen.state != Some(d.state) {
            step.events
                .push(event(role, "transition", seen.state, d, fp.clone()));
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
        }
        if let (State::Busy, Some(since), Some(limit)) =
            (d.state, seen.busy_since, self.stall_after)
        {
            if !seen.stalled_reported && now.duration_since(since) >= limit {
                seen.stalled_reported = true;
                step.events
                    .push(event(role, "stalled", Some(State::Busy), d, None));
                step.notice = Some(format!(
                    "[sb watch] {role} has been busy for over {}s; look with `sb peek {role}`, interrupt with `sb respond {role} Escape`",
                    limit.as_secs()
                ));
            }
        }
        step
    }

    /// A role that vanished (unregistered or pane gone) is forgotten once.
    pub fn forget(&mut self, role: &str) -> Option<Event> {
        let seen = self.roles.remove(role)?;
        Some(Event {
            ts: now_rfc3339(),
            role: role.into(),
            kind: "gone".into(),
            from: seen.state.map(|s| s.as_str().into()),
            to: "unknown".into(),
            question: None,
            options: vec![],
            fingerprint: None,
            notify: None,
        })
    }
}

fn event(
    role: &str,
    kind: &str,
    from: Option<State>,
    d: &Detection,
    fingerprint: Option<String>,
) -> Event {
    Event {
        ts: now_rfc3339(),
        role: role.into(),
        kind: kind.into(),
        from: from.map(|s| s.as_str().into()),
        to: d.state.as_str().into(),
        question: d.question.clone(),
        options: d.options.iter().map(option_text).collect(),
        fingerprint,
        notify: None,
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
    let fp = d.fingerprint();
    for (i, o) in d.options.iter().enumerate() {
        let n = o.number.unwrap_or(i as u32 + 1);
        s.push_str(&format!(
            "\n  {} → sb respond {role} --option {n} --expect {fp}",
            option_text(o)
        ));
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
}

/// Run the loop; `on_event` gets every event (return false to stop).
pub fn watch(ctx: &Ctx, p: &WatchParams, mut on_event: impl FnMut(&Event) -> bool) -> Result<()> {
    if let Some(n) = &p.notify {
        crate::store::validate_role(n)?;
    }
    ctx.state.ensure()?;
    let mut w = Watcher {
        stall_after: p.stall_after,
        ..Watcher::default()
    };
    let mut pending: BTreeMap<String, String> = BTreeMap::new();
    let mut round = 0u64;
    loop {
        let reg = Registry::load(&ctx.state)?;
        let roles: Vec<String> = reg
            .roles
            .keys()
            .filter(|r| {
                p.roles.as_ref().is_none_or(|only| only.contains(r))
                    && Some(*r) != p.notify.as_ref()
            })
            .cloned()
            .collect();
        let mut events = Vec::new();
        for role in &roles {
            match super::detect::detect(ctx, role, None) {
                Ok(r) => {
                    let step = w.observe(role, &r.detection, Instant::now());
                    events.extend(step.events);
                    if let Some(n) = step.notice {
                        pending.insert(role.clone(), n);
                    }
                }
                Err(_) => events.extend(w.forget(role)),
            }
        }
        // Log transitions first, so a notice is never seen before the transition it reports.
        for e in &events {
            if !emit(ctx, e, &mut on_event)? {
                return Ok(());
            }
        }
        // Deliver notices; one refused (the manager has a menu open) is retried next round.
        let notify = p.notify.as_ref();
        for (role, text) in std::mem::take(&mut pending) {
            let Some(to) = notify else { continue };
            let mut sp = super::send::SendParams::new(to.clone(), text.clone());
            sp.from = Some("watch".into());
            match super::send::send(ctx, &sp) {
                Ok(_) => {
                    let e = Event {
                        kind: "notified".into(),
                        notify: Some(to.clone()),
                        ..notified(&role)
                    };
                    if !emit(ctx, &e, &mut on_event)? {
                        return Ok(());
                    }
                }
                Err(crate::error::SbError::Refused { .. }) => drop(pending.insert(role, text)),
                Err(_) => {}
            }
        }
        round += 1;
        if p.rounds.is_some_and(|n| round >= n) {
            return Ok(());
        }
        std::thread::sleep(p.interval);
    }
}

/// Append one event to `events.jsonl` and hand it to the caller; false = stop.
fn emit(ctx: &Ctx, e: &Event, on_event: &mut impl FnMut(&Event) -> bool) -> Result<bool> {
    append_record(&ctx.state.events(), e)?;
    Ok(on_event(e))
}

fn notified(role: &str) -> Event {
    Event {
        ts: now_rfc3339(),
        role: role.into(),
        kind: String::new(),
        from: None,
        to: String::new(),
        question: None,
        options: vec![],
        fingerprint: None,
        notify: None,
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
                number: Some(i as u32 + 1),
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
        assert_eq!(s.events[0].kind, "stalled");
        assert!(
            w.observe("dev", &state(State::Busy), t + Duration::from_secs(120))
                .events
                .is_empty()
        );
    }
}
