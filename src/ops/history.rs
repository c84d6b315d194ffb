//! `history` and `inbox`: the newest messages of the conversation or of one role's mailbox,
//! read from the end of the file (cost grows with the limit, not with the file).

use super::Ctx;
use crate::error::Result;
use crate::store::log::{Message, fold_outcomes, read_tail};
use crate::store::validate_role;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: usize = 20;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HistoryReport {
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Unreadable (torn or corrupt) lines passed over while reading.
    pub skipped: usize,
}

/// The last `limit` messages (0 = all), optionally only those from or to `role`.
pub fn history(ctx: &Ctx, limit: Option<usize>, role: Option<&str>) -> Result<HistoryReport> {
    if let Some(r) = role {
        validate_role(r)?;
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
    })
}

/// The last `limit` messages sent to `role` (0 = all).
pub fn inbox(ctx: &Ctx, role: &str, limit: Option<usize>) -> Result<HistoryReport> {
    validate_role(role)?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let tail = read_tail(
        &ctx.state.mailbox(role),
        records_for(limit),
        |_: &Message| true,
    )?;
    Ok(HistoryReport {
        messages: newest(fold_outcomes(tail.records), limit),
        skipped: tail.skipped,
    })
}

/// Each message is logged as a write-ahead record plus its outcome: read enough lines for
/// `limit` messages (0 = all).
fn records_for(limit: usize) -> usize {
    if limit == 0 {
        0
    } else {
        limit.saturating_mul(2).saturating_add(1)
    }
}

fn newest(mut messages: Vec<Message>, limit: usize) -> Vec<Message> {
    if limit > 0 && messages.len() > limit {
        messages.drain(..messages.len() - limit);
    }
    messages
}
