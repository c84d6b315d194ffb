//! Receipts without waiting (docs/ARCHITECTURE.md, "Receipts"): while `sb watch` runs it follows
//! the conversation log, and for each message typed and submitted (by any sender) checks in the
//! background whether the recipient took it as a user turn, as `send --confirm` does: in the
//! recipient's transcript after the length it had before the paste, else on its screen (seen
//! arriving, out of the input box). It records `seen`, or once the message has waited longer than
//! `--flag-unseen`, `flagged`, and tells the sender once ("dev has not taken your message …").
//! Like `--confirm`, it presses Enter once more when the text still sits in the input box.
//!
//! Each step is written under the recipient's queue lock after catching up on the log, so two
//! watchers never record (or flag) the same message twice.

use super::Ctx;
use super::confirm::{self, Before};
use crate::clock::{now_rfc3339, parse_rfc3339};
use crate::detect::State;
use crate::error::Result;
use crate::pane::{Observation, Pane};
use crate::store::log::{Message, Outcome, Step, append_receipt, file_len, read_from};
use crate::store::registry::Registry;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// How far back a starting watcher looks in the conversation log for messages still unseen.
const LOOK_BACK_BYTES: u64 = 1 << 20;
/// How long a message may sit in the input box before Enter is pressed once more.
const RETRY_AFTER: Duration = Duration::from_millis(700);
/// Without flagging, how long a message is looked for before it is given up (silently).
const GIVE_UP: Duration = Duration::from_secs(600);

/// What one round of receipts did (for `sb watch`'s events).
#[derive(Debug, Clone, PartialEq)]
pub enum ReceiptEvent {
    /// Seen taken as a user turn (`via`: transcript or screen).
    Seen { to: String, id: String, via: String },
    /// Not seen in time; `told` names the sender that got the notice.
    Flagged {
        to: String,
        id: String,
        told: Option<String>,
    },
}

#[derive(Debug)]
struct Tracked {
    msg: Message,
    retried: bool,
    /// Where the next transcript read starts (each user turn is read once).
    from: u64,
    /// Delivered while this watcher ran: only such a message is flagged (one typed before may
    /// have been taken and scrolled off the screen meanwhile; it can still be seen).
    flaggable: bool,
}

/// The background confirmer: messages typed and submitted but not yet seen or flagged.
#[derive(Debug)]
pub struct Receipts {
    offset: Option<u64>,
    tracked: BTreeMap<String, Tracked>,
    started: SystemTime,
    /// Flag a message not seen after this long (None: never flag).
    pub flag_after: Option<Duration>,
}

impl Receipts {
    pub fn new(flag_after: Option<Duration>) -> Receipts {
        Receipts {
            offset: None,
            tracked: BTreeMap::new(),
            started: SystemTime::now(),
            flag_after,
        }
    }

    /// How long a message is looked for: until it is flagged, else `GIVE_UP`.
    fn horizon(&self) -> Duration {
        self.flag_after
            .map_or(GIVE_UP, |f| f + Duration::from_secs(60))
    }

    /// Read what was appended to the conversation since the last call.
    fn catch_up(&mut self, ctx: &Ctx) -> Result<()> {
        let path = ctx.state.conversation();
        // A starting watcher looks back a bounded stretch (a partial first line is skipped).
        let from = self
            .offset
            .unwrap_or_else(|| file_len(&path).saturating_sub(LOOK_BACK_BYTES));
        let (records, next) = read_from::<Message>(&path, from)?;
        self.offset = Some(next);
        for m in records {
            self.apply(m);
        }
        Ok(())
    }

    fn apply(&mut self, m: Message) {
        let waiting = m.outcome() == Outcome::Delivered
            && m.submitted
            && m.basis.is_some()
            && !m.has_step(Step::Seen)
            && !m.has_step(Step::Flagged);
        if waiting {
            let fresh = age(&m) < self.horizon();
            if fresh && !self.tracked.contains_key(&m.id) {
                let from = m.basis.as_ref().map_or(0, |b| b.offset);
                let flaggable = parse_rfc3339(&m.ts).is_some_and(|t| t >= self.started);
                self.tracked.insert(
                    m.id.clone(),
                    Tracked {
                        msg: m,
                        retried: false,
                        from,
                        flaggable,
                    },
                );
            }
        } else {
            self.tracked.remove(&m.id);
        }
    }

    /// One round: catch up on the log, then look at each tracked message once.
    pub fn advance(&mut self, ctx: &Ctx, reg: &Registry) -> Vec<ReceiptEvent> {
        let mut events = Vec::new();
        if self.catch_up(ctx).is_err() {
            return events;
        }
        let ids: Vec<String> = self.tracked.keys().cloned().collect();
        let mut notices = Vec::new();
        // One screen reading per recipient per round, however many of its messages are tracked
        // (each reading is a tmux call; with polling, a new process).
        let mut screens: BTreeMap<String, Option<Observation>> = BTreeMap::new();
        for id in ids {
            let Some(t) = self.tracked.get_mut(&id) else {
                continue;
            };
            let waited = age(&t.msg);
            let flaggable = t.flaggable;
            let check = look(ctx, reg, t, waited, &mut screens);
            if let Some(via) = check {
                if let Ok(Some(m)) = self.record(ctx, &id, Step::Seen, Some(via), None) {
                    events.push(ReceiptEvent::Seen {
                        to: m.to,
                        id,
                        via: via.into(),
                    });
                }
                continue;
            }
            if let Some(limit) = self.flag_after.filter(|l| flaggable && waited >= *l) {
                let note = format!("not seen taken within {}", words(limit));
                if let Ok(Some(m)) = self.record(ctx, &id, Step::Flagged, None, Some(&note)) {
                    let told = (m.from != "watch"
                        && m.from != "user"
                        && m.from != m.to
                        && reg.roles.contains_key(&m.from))
                    .then(|| m.from.clone());
                    if let Some(sender) = &told {
                        notices.push((sender.clone(), flag_text(&m, limit)));
                    }
                    events.push(ReceiptEvent::Flagged { to: m.to, id, told });
                }
                continue;
            }
            if waited >= self.horizon() {
                self.tracked.remove(&id);
            }
        }
        // Notices go out with no lock held; a sender that cannot take one now gets it queued.
        for (sender, text) in notices {
            let mut sp = super::send::SendParams::new(sender, text);
            sp.from = Some("watch".into());
            sp.queue = true;
            let _ = super::send::send(ctx, &sp);
        }
        events
    }

    /// Record `step` for message `id`, once: under the recipient's queue lock, after catching up
    /// on the log (another watcher may have recorded it). The message as logged, or None when
    /// it no longer waits.
    fn record(
        &mut self,
        ctx: &Ctx,
        id: &str,
        step: Step,
        via: Option<&str>,
        note: Option<&str>,
    ) -> Result<Option<Message>> {
        let Some(to) = self.tracked.get(id).map(|t| t.msg.to.clone()) else {
            return Ok(None);
        };
        let _lock = super::queue::lock(ctx, &to)?;
        self.catch_up(ctx)?;
        let Some(t) = self.tracked.remove(id) else {
            return Ok(None);
        };
        // The record keeps the message's `ts` (its delivery); the step has its own time.
        let mut m = t.msg;
        let ts = now_rfc3339();
        m.push_step(step, &ts, via, note);
        append_receipt(&ctx.state, &m)?;
        Ok(Some(m))
    }
}

/// Whether the tracked message was taken: `Some("transcript")` / `Some("screen")`. Presses Enter
/// once more (as `--confirm` does) when the text still sits in the box after `RETRY_AFTER`.
fn look(
    ctx: &Ctx,
    reg: &Registry,
    t: &mut Tracked,
    waited: Duration,
    screens: &mut BTreeMap<String, Option<Observation>>,
) -> Option<&'static str> {
    let basis = t.msg.basis.clone()?;
    let probe = confirm::probe(&t.msg.text);
    if let Some(path) = &basis.transcript {
        let (found, next) = confirm::transcript_since(basis.agent, path, t.from, &probe);
        if found {
            return Some("transcript");
        }
        t.from = next;
    }
    let by_screen = basis.transcript.is_none();
    if !by_screen && (t.retried || waited < RETRY_AFTER) {
        return None; // the transcript decides; the screen is read only for the Enter retry
    }
    let entry = reg.get(&t.msg.to).ok()?;
    let pane = Pane::of(ctx, &t.msg.to, entry.clone());
    let obs = screens
        .entry(t.msg.to.clone())
        .or_insert_with(|| pane.observe().ok())
        .as_ref()?;
    let in_box = confirm::in_draft(&obs.detection, &probe);
    if by_screen {
        let before = Before {
            state: basis.busy.then_some(State::Busy),
            visible: basis.visible,
        };
        let visible = confirm::count_visible(&obs.screen, &probe);
        if confirm::taken_on_screen(before, &obs.detection, visible, in_box) {
            return Some("screen");
        }
    }
    if in_box && !t.retried && waited >= RETRY_AFTER {
        t.retried = true;
        let _ = confirm::retry_enter(&pane, &probe);
        screens.remove(&t.msg.to); // the Enter may have changed the screen
    }
    None
}

/// Time since the message's outcome record (its delivery).
fn age(m: &Message) -> Duration {
    parse_rfc3339(&m.ts)
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or(Duration::ZERO)
}

fn words(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else if d.subsec_millis() == 0 || s >= 10 {
        format!("{s}s")
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// The notice a sender gets for a message typed but not taken.
fn flag_text(m: &Message, limit: Duration) -> String {
    let to = &m.to;
    format!(
        "[sb watch] {to} has not taken your message (id {}) within {}: \"{}\". It may sit unsent in {to}'s input box, or {to} is stuck; look with `sb peek {to}`.",
        m.id,
        words(limit),
        super::queue::preview(&m.text, 80)
    )
}
