//! `history` and `inbox`: the newest messages of the conversation or of one role's mailbox,
//! read from the end of the file (cost grows with the limit, not with the file); `history_each`
//! streams the whole log in constant memory; `inbox` can show only what is unread.

use super::Ctx;
use crate::error::Result;
use crate::store::log::{Message, Outcome, Step, fold_outcomes, read_each, read_since, read_tail};
use crate::store::markers::ReadMarkers;
use crate::store::registry::Registry;
use crate::store::validate_role;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: usize = 20;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HistoryReport {
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Unreadable (torn or corrupt) lines passed over while reading.
    pub skipped: usize,
    /// inbox with mark_read: the id of the newest message now marked read (null when nothing
    /// new was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marked_read: Option<String>,
    /// `history --hosts`: hosts whose log could not be read (each with the reason).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Senders that are not registered roles but write to the log: the default sender of a person
/// at a shell, and `sb watch`'s notices.
const BUILTIN_SENDERS: [&str; 2] = ["user", "watch"];

/// Refuse a role the log cannot know: neither registered, nor the owner of a mailbox (messages
/// were sent to it), nor a built-in sender, nor in the conversation. UnknownRole lists the
/// registered roles. Only the last check reads the log, and only when the others fail.
pub fn require_known_role(ctx: &Ctx, role: &str) -> Result<()> {
    validate_role(role)?;
    if BUILTIN_SENDERS.contains(&role) || ctx.state.mailbox(role).exists() {
        return Ok(());
    }
    let reg = Registry::load(&ctx.state)?;
    if reg.roles.contains_key(role) || reg.remotes.contains_key(role) {
        return Ok(());
    }
    // A sender that was never registered (`--from gestor` in a script) is in the log only.
    let seen = read_tail(&ctx.state.conversation(), 1, |m: &Message| {
        m.from == role || m.to == role
    })?;
    if !seen.records.is_empty() {
        return Ok(());
    }
    reg.get(role).map(|_| ())
}

/// The last `limit` messages (0 = all), optionally only those from or to `role`.
pub fn history(ctx: &Ctx, limit: Option<usize>, role: Option<&str>) -> Result<HistoryReport> {
    if let Some(r) = role {
        require_known_role(ctx, r)?;
    }
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let tail = read_tail(
        &ctx.state.conversation(),
        records_for(limit),
        |m: &Message| role.is_none_or(|r| m.from == r || m.to == r),
    )?;
    Ok(HistoryReport {
        messages: newest(fold_outcomes(tail.records), limit),
        skipped: tail.skipped,
        marked_read: None,
        warnings: vec![],
    })
}

/// `history --hosts`: this host's messages merged with those of every host the registry points
/// to (`crate::remote::merge_history`), each marked with the host it was delivered on.
pub fn history_hosts(ctx: &Ctx, limit: Option<usize>, role: Option<&str>) -> Result<HistoryReport> {
    let here = history(ctx, Some(0), role)?;
    crate::remote::merge_history(ctx, here, limit.unwrap_or(DEFAULT_LIMIT), role)
}

/// Every message (optionally only those from or to `role`), oldest first, one at a time, in
/// constant memory, until `on_message` returns false. Returns how many lines were unreadable.
pub fn history_each(
    ctx: &Ctx,
    role: Option<&str>,
    mut on_message: impl FnMut(Message) -> bool,
) -> Result<usize> {
    if let Some(r) = role {
        require_known_role(ctx, r)?;
    }
    // A message is shown at its outcome record; its write-ahead record waits in `pending` (only
    // messages still being sent or queued, a handful) and is shown at the end if no outcome ever
    // came. Receipt-only records (`seen`, `flagged` after the delivery) are not shown again.
    let mut pending: Vec<Message> = Vec::new();
    let mut go_on = true;
    let skipped = read_each(&ctx.state.conversation(), |m: Message| {
        if role.is_some_and(|r| m.from != r && m.to != r) || m.is_receipt_only() {
            return true;
        }
        if matches!(m.outcome(), Outcome::Sending | Outcome::Queued) {
            pending.retain(|p| p.id != m.id);
            pending.push(m);
            return true;
        }
        pending.retain(|p| p.id != m.id);
        go_on = on_message(m);
        go_on
    })?;
    for m in pending {
        if !go_on || !on_message(m) {
            break;
        }
    }
    Ok(skipped)
}

/// What `inbox` reads.
#[derive(Debug, Clone, Default)]
pub struct InboxParams {
    pub role: String,
    /// How many of the newest (0 = all; default 20, or all with `unread`).
    pub limit: Option<usize>,
    /// Only messages after the role's read marker.
    pub unread: bool,
    /// Move the read marker to the newest message returned.
    pub mark_read: bool,
}

/// The last `limit` messages sent to `role` (0 = all).
pub fn inbox(ctx: &Ctx, role: &str, limit: Option<usize>) -> Result<HistoryReport> {
    inbox_with(
        ctx,
        &InboxParams {
            role: role.into(),
            limit,
            ..InboxParams::default()
        },
    )
}

/// `inbox` with the read marker: only unread messages, and/or mark what was returned as read.
pub fn inbox_with(ctx: &Ctx, p: &InboxParams) -> Result<HistoryReport> {
    if let Some(remote) = crate::remote::lookup(ctx, &p.role)? {
        return remote.inbox(p);
    }
    require_known_role(ctx, &p.role)?;
    let path = ctx.state.mailbox(&p.role);
    let (mut messages, skipped) = if p.unread {
        let marker = ReadMarkers::load(&ctx.state)?.read.remove(&p.role);
        let (tail, _found) = match marker {
            // A queued message has later records (its delivery, expiry or drop) after messages
            // that came meanwhile: the mark is its record at queueing time, so nothing that
            // came after it is taken as read (its delivery shows up as news instead).
            Some(id) => read_since(&path, |m: &Message| {
                m.id == id && (m.outcome() == Outcome::Queued || !m.has_step(Step::Queued))
            })?,
            None => read_since(&path, |_: &Message| false)?,
        };
        (fold_outcomes(tail.records), tail.skipped)
    } else {
        let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
        let tail = read_tail(&path, records_for(limit), |_: &Message| true)?;
        (newest(fold_outcomes(tail.records), limit), tail.skipped)
    };
    if p.unread {
        let limit = p.limit.unwrap_or(0);
        if limit != 0 && messages.len() > limit {
            messages.drain(..messages.len() - limit);
        }
    }
    let mut marked_read = None;
    if p.mark_read
        && let Some(newest) = messages.last()
    {
        let id = newest.id.clone();
        let role = p.role.clone();
        ReadMarkers::update(&ctx.state, |m| m.read.insert(role, id.clone()))?;
        marked_read = Some(id);
    }
    Ok(HistoryReport {
        messages,
        skipped,
        marked_read,
        warnings: vec![],
    })
}

/// Each message is logged as a write-ahead record plus its outcome, and (queued, receipts) a few
/// more: read enough lines for `limit` messages (0 = all).
fn records_for(limit: usize) -> usize {
    if limit == 0 {
        0
    } else {
        limit.saturating_mul(4).saturating_add(1)
    }
}

fn newest(mut messages: Vec<Message>, limit: usize) -> Vec<Message> {
    if limit > 0 && messages.len() > limit {
        messages.drain(..messages.len() - limit);
    }
    messages
}
