//! The delivery queue (docs/ARCHITECTURE.md, "The delivery queue"): `send --queue` stores a
//! message the guard refused as `queued`; `sb watch` delivers each recipient's queued messages,
//! oldest first, as soon as the peer can take them, exactly once even with several watchers,
//! through the same guard; a message older than its TTL is `expired` instead and its sender gets
//! one notice (a bounce). `sb queue` lists what waits, `sb queue drop ID` removes one.
//!
//! The queue is no file of its own: it is the messages whose last record in the recipient's
//! mailbox is `queued`. Everything that changes a recipient's queue (queueing, delivering,
//! expiring, dropping) holds the lock `locks/queue-<role>.lock` and re-reads the mailbox under
//! it; typing also takes the pane lock, after the queue lock (never the other way round).

use super::Ctx;
use crate::clock::{format_rfc3339, now_rfc3339, parse_rfc3339};
use crate::error::{Result, SbError};
use crate::pane::Pane;
use crate::store::log::{Message, Outcome, Step, append_message_with, read_each};
use crate::store::registry::Registry;
use crate::store::{FileLock, validate_role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::OpenOptionsExt;
use std::time::{Duration, SystemTime};

/// What `send --queue` reports for a message it queued.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Queued {
    /// Why it was not typed now (the guard's refusal, or older queued messages ahead of it).
    pub reason: String,
    /// Not delivered after this time (RFC 3339 UTC).
    pub expires_at: String,
    /// Older messages queued for the same recipient.
    pub ahead: usize,
    /// An `sb watch` holds this state directory's watcher lock and will deliver it.
    pub watcher_running: bool,
    /// Set when no watcher runs: nothing delivers the message until `sb watch` runs.
    pub warning: Option<String>,
}

/// One queued message as `sb queue` lists it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueueEntry {
    pub id: String,
    pub from: String,
    pub to: String,
    /// When it was queued (RFC 3339 UTC).
    pub queued_at: String,
    /// Seconds since it was queued.
    pub age_s: u64,
    pub expires_at: Option<String>,
    /// Seconds until it expires (0 once due: the next watcher round expires it).
    pub expires_in_s: Option<u64>,
    /// Why it waits (the guard's refusal when it was queued).
    pub reason: Option<String>,
    /// The whole text (sanitized, without the tag).
    pub text: String,
}

/// `sb queue` / MCP `queue_list`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QueueReport {
    /// Per recipient, oldest first.
    pub queued: Vec<QueueEntry>,
    /// An `sb watch` is running to deliver them.
    pub watcher_running: bool,
}

/// `sb queue drop` / MCP `queue_drop`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DropReport {
    /// The message as now logged (outcome `dropped`).
    pub dropped: Message,
}

/// What one watcher round did to the queues (for `sb watch`'s events).
#[derive(Debug, Clone, PartialEq)]
pub enum QueueEvent {
    /// A queued message was typed into its recipient's pane.
    Delivered { to: String, id: String },
    /// A queued message outlived its TTL; `bounced` names the sender told so.
    Expired {
        to: String,
        id: String,
        bounced: Option<String>,
    },
    /// Delivering or expiring failed for a reason other than the guard (the pane is gone, a
    /// log could not be written); the messages stay queued.
    Failed { to: String, error: String },
}

/// The recipient's queue lock (blocking).
pub fn lock(ctx: &Ctx, role: &str) -> Result<FileLock> {
    ctx.state.ensure()?;
    FileLock::acquire(&ctx.state.lock_path(&format!("queue-{role}")))
}

/// The queued messages for `role`, oldest first: those whose last record in its mailbox is
/// `queued`. Reads the mailbox once, keeping only the queued ones in memory.
pub fn queued_for(ctx: &Ctx, role: &str) -> Result<Vec<Message>> {
    let mut queued: BTreeMap<String, Message> = BTreeMap::new();
    read_each(&ctx.state.mailbox(role), |m: Message| {
        // A copy with `host` is queued on that host, and delivered by that host's watcher.
        if m.outcome() == Outcome::Queued && m.host.is_none() {
            queued.insert(m.id.clone(), m);
        } else {
            queued.remove(&m.id);
        }
        true
    })?;
    // Ids sort by the time the message was sent.
    Ok(queued.into_values().collect())
}

/// Roles with a mailbox (messages were sent to them), sorted.
fn mailbox_roles(ctx: &Ctx) -> Result<Vec<String>> {
    let dir = ctx.state.root().join("mailbox");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => {
            return Err(SbError::Other(anyhow::anyhow!(
                "cannot read {}: {e}",
                dir.display()
            )));
        }
    };
    let mut roles: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let role = name.strip_suffix(".jsonl")?.to_string();
            validate_role(&role).is_ok().then_some(role)
        })
        .collect();
    roles.sort();
    Ok(roles)
}

/// Everything queued (for one role, or all), per recipient, oldest first.
pub fn list(ctx: &Ctx, role: Option<&str>) -> Result<QueueReport> {
    let roles = match role {
        Some(r) => {
            super::history::require_known_role(ctx, r)?;
            vec![r.to_string()]
        }
        None => mailbox_roles(ctx)?,
    };
    let now = SystemTime::now();
    let mut queued = Vec::new();
    for r in roles {
        for m in queued_for(ctx, &r)? {
            queued.push(entry(m, now));
        }
    }
    Ok(QueueReport {
        queued,
        watcher_running: watcher_running(ctx),
    })
}

fn entry(m: Message, now: SystemTime) -> QueueEntry {
    let queued = m.receipts.iter().rev().find(|r| r.step == Step::Queued);
    let queued_at = queued.map_or_else(|| m.ts.clone(), |r| r.ts.clone());
    let secs = |a: SystemTime, b: SystemTime| a.duration_since(b).map_or(0, |d| d.as_secs());
    QueueEntry {
        age_s: parse_rfc3339(&queued_at).map_or(0, |t| secs(now, t)),
        expires_in_s: m
            .expires_at
            .as_deref()
            .and_then(parse_rfc3339)
            .map(|t| secs(t, now)),
        reason: queued.and_then(|r| r.note.clone()),
        queued_at,
        id: m.id,
        from: m.from,
        to: m.to,
        expires_at: m.expires_at,
        text: m.text,
    }
}

/// Remove one queued message: it is logged as `dropped` and never typed.
pub fn drop_message(ctx: &Ctx, id: &str) -> Result<DropReport> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(SbError::Usage(format!(
            "invalid message id {id:?}: ids are the hex strings `sb queue` and `sb history --json` show"
        )));
    }
    for role in mailbox_roles(ctx)? {
        if !queued_for(ctx, &role)?.iter().any(|m| m.id == id) {
            continue;
        }
        // Under the queue lock, read again: a watcher may have delivered it meanwhile.
        let _lock = lock(ctx, &role)?;
        let Some(mut m) = queued_for(ctx, &role)?.into_iter().find(|m| m.id == id) else {
            break;
        };
        let ts = now_rfc3339();
        m.ts.clone_from(&ts);
        m.outcome = Some(Outcome::Dropped);
        m.error = Some("dropped from the queue (sb queue drop)".into());
        m.push_step(Step::Dropped, &ts, None, None);
        append_message_with(&ctx.state, &m, true)?;
        return Ok(DropReport { dropped: m });
    }
    let now = find_outcome(ctx, id)
        .map(|o| format!(" (its outcome is {o})"))
        .unwrap_or_else(|| " (no message has that id)".into());
    Err(SbError::NotQueued { id: id.into(), now })
}

/// The outcome of message `id` in the conversation, if it is there.
fn find_outcome(ctx: &Ctx, id: &str) -> Option<String> {
    let mut found = None;
    read_each(&ctx.state.conversation(), |m: Message| {
        if m.id == id && !m.is_receipt_only() {
            found = Some(m.outcome());
        }
        true
    })
    .ok()?;
    found.map(|o| {
        serde_json::to_value(o)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    })
}

/// The watcher's side of the queue: remembers, per mailbox, its length when it was last read
/// and whether anything was queued, so an idle round reads no mailbox at all.
#[derive(Debug, Default)]
pub struct Deliverer {
    known: BTreeMap<String, (u64, bool)>,
}

impl Deliverer {
    /// One watcher round (see [`deliver_where`]), reading only mailboxes that grew or hold
    /// queued messages.
    pub fn round(&mut self, ctx: &Ctx, reg: &Registry) -> Vec<QueueEvent> {
        let known = &mut self.known;
        let mut changed = |role: &str| {
            let len = crate::store::log::file_len(&ctx.state.mailbox(role));
            match known.get(role) {
                Some(&(l, false)) if l == len => false,
                _ => {
                    let queued = queued_for(ctx, role).map_or(true, |q| !q.is_empty());
                    known.insert(role.to_string(), (len, queued));
                    queued
                }
            }
        };
        deliver_where(ctx, reg, &mut changed)
    }
}

/// One watcher round over the recipients `look` picks: expire what outlived its TTL (and bounce
/// it to its sender), then deliver what the peer can take now, oldest first; the first message
/// the guard refuses stops that recipient's queue until a later round.
fn deliver_where(ctx: &Ctx, reg: &Registry, look: &mut dyn FnMut(&str) -> bool) -> Vec<QueueEvent> {
    let roles = match mailbox_roles(ctx) {
        Ok(r) => r,
        Err(e) => {
            return vec![QueueEvent::Failed {
                to: String::new(),
                error: e.to_string(),
            }];
        }
    };
    let mut events = Vec::new();
    let mut bounces = Vec::new();
    for role in roles {
        if !look(&role) {
            continue;
        }
        match deliver_role(ctx, reg, &role, &mut events, &mut bounces) {
            Ok(()) => {}
            Err(e) => events.push(QueueEvent::Failed {
                to: role,
                error: e.to_string(),
            }),
        }
    }
    // Bounces go out after every queue lock is released (a bounce is itself queued if its
    // sender cannot take it now).
    for (sender, text, event) in bounces {
        let mut sp = super::send::SendParams::new(sender.clone(), text);
        sp.from = Some("watch".into());
        sp.queue = true;
        let bounced = super::send::send(ctx, &sp).is_ok().then_some(sender);
        if let QueueEvent::Expired { to, id, .. } = event {
            events.push(QueueEvent::Expired { to, id, bounced });
        }
    }
    events
}

type Bounce = (String, String, QueueEvent);

fn deliver_role(
    ctx: &Ctx,
    reg: &Registry,
    role: &str,
    events: &mut Vec<QueueEvent>,
    bounces: &mut Vec<Bounce>,
) -> Result<()> {
    // Cheap look first: most mailboxes have nothing queued.
    if queued_for(ctx, role)?.is_empty() {
        return Ok(());
    }
    // Another watcher (or a sender queueing) holds it: it is that one's turn.
    let Some(_lock) = try_lock(ctx, role)? else {
        return Ok(());
    };
    let queued = queued_for(ctx, role)?;
    let now = SystemTime::now();
    let mut waiting = Vec::new();
    for mut m in queued {
        let due = m
            .expires_at
            .as_deref()
            .and_then(parse_rfc3339)
            .is_some_and(|t| t <= now);
        if !due {
            waiting.push(m);
            continue;
        }
        let ts = format_rfc3339(now);
        let ttl = ttl_text(&m);
        m.ts.clone_from(&ts);
        m.outcome = Some(Outcome::Expired);
        m.error = Some(format!("expired: not delivered within {ttl}"));
        m.push_step(
            Step::Expired,
            &ts,
            None,
            Some(&format!("not delivered within {ttl}")),
        );
        append_message_with(&ctx.state, &m, true)?;
        let event = QueueEvent::Expired {
            to: role.into(),
            id: m.id.clone(),
            bounced: None,
        };
        if m.from != "watch" && m.from != role && reg.roles.contains_key(&m.from) {
            bounces.push((m.from.clone(), bounce_text(&m, &ttl), event));
        } else {
            events.push(event);
        }
    }
    if waiting.is_empty() {
        return Ok(());
    }
    let Ok(entry) = reg.get(role) else {
        return Ok(()); // not registered (any more): it waits until its TTL
    };
    let pane = Pane::of(ctx, role, entry.clone());
    for m in waiting {
        let pane_lock = pane.lock()?;
        let seen = match super::send::look(&pane, false) {
            Ok(seen) => seen,
            // The head is refused (or the pane cannot be read, or is gone): it and everything
            // after it wait for a later round, or expire.
            Err(_) => return Ok(()),
        };
        deliver_one(ctx, &pane, m, seen.as_ref(), events)?;
        drop(pane_lock);
    }
    Ok(())
}

/// Type one queued message (queue and pane locks held, the guard said yes): a durable `sending`
/// record first (a watcher killed while typing leaves `sending`, outcome unknown, and the message
/// is never typed twice), then the paste, then `delivered`.
fn deliver_one(
    ctx: &Ctx,
    pane: &Pane,
    mut m: Message,
    seen: Option<&crate::pane::Observation>,
    events: &mut Vec<QueueEvent>,
) -> Result<()> {
    let typed = super::send::tagged(&m.from, &m.text);
    let transcript_start = pane.entry.transcript_path.as_deref().map(|t| {
        (
            t.to_string(),
            crate::store::log::file_len(std::path::Path::new(t)),
        )
    });
    m.ts = now_rfc3339();
    m.outcome = Some(Outcome::Sending);
    append_message_with(&ctx.state, &m, true)?;
    let result = super::send::type_in(pane, seen, &typed, true, 0);
    let ts = now_rfc3339();
    m.ts.clone_from(&ts);
    match result {
        Ok(submitted) => {
            super::send::mark_delivered(&mut m, true, submitted, seen, transcript_start, &ts);
            append_message_with(&ctx.state, &m, false)?;
            events.push(QueueEvent::Delivered {
                to: m.to.clone(),
                id: m.id.clone(),
            });
            Ok(())
        }
        Err(e) => {
            m.outcome = Some(Outcome::Undelivered);
            m.error = Some(e.to_string());
            append_message_with(&ctx.state, &m, false)?;
            Err(e)
        }
    }
}

fn try_lock(ctx: &Ctx, role: &str) -> Result<Option<FileLock>> {
    ctx.state.ensure()?;
    FileLock::acquire_within(
        &ctx.state.lock_path(&format!("queue-{role}")),
        Duration::ZERO,
    )
}

/// The TTL a queued message was given, in words (`1h`, `90s`).
fn ttl_text(m: &Message) -> String {
    let queued = m
        .receipts
        .iter()
        .find(|r| r.step == Step::Queued)
        .and_then(|r| parse_rfc3339(&r.ts));
    let expires = m.expires_at.as_deref().and_then(parse_rfc3339);
    match (queued, expires) {
        (Some(q), Some(e)) => {
            let s = e.duration_since(q).map_or(0, |d| d.as_secs());
            if s >= 3600 && s.is_multiple_of(3600) {
                format!("{}h", s / 3600)
            } else if s >= 60 && s.is_multiple_of(60) {
                format!("{}m", s / 60)
            } else {
                format!("{s}s")
            }
        }
        _ => "its time to live".into(),
    }
}

/// The bounce a sender gets for its expired message.
fn bounce_text(m: &Message, ttl: &str) -> String {
    format!(
        "[sb watch] your message to {} (id {}) was not delivered within {ttl} and expired; it was never typed: \"{}\"",
        m.to,
        m.id,
        preview(&m.text, 120)
    )
}

/// The first `n` characters of `text` on one line, with `…` when something was cut.
pub fn preview(text: &str, n: usize) -> String {
    let flat = text.replace('\n', " ");
    match flat.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}

/// The file `sb watch` holds a shared lock on for its lifetime: while any watcher runs, an
/// exclusive lock on it cannot be taken, which is how `send --queue` knows one runs.
fn presence_path(ctx: &Ctx) -> std::path::PathBuf {
    ctx.state.lock_path("watch")
}

/// A running watcher's presence; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct Presence {
    _file: File,
}

/// Hold the watcher presence lock (shared: several watchers may run).
pub fn announce_watcher(ctx: &Ctx) -> Result<Presence> {
    ctx.state.ensure()?;
    let path = presence_path(ctx);
    let file = crate::store::open_lock_file(&path)?;
    file.lock_shared()
        .map_err(|e| SbError::Other(anyhow::anyhow!("cannot lock {}: {e}", path.display())))?;
    Ok(Presence { _file: file })
}

/// Whether an `sb watch` holds the presence lock of this state directory.
pub fn watcher_running(ctx: &Ctx) -> bool {
    // Opened without creating it: a read-only command on a fresh machine creates nothing.
    let Ok(file) = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(presence_path(ctx))
    else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => false,
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => false,
    }
}
