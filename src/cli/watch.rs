//! `sb watch`: follow the peers and notify the manager when one waits.

use crate::error::{Result, SbError};
use crate::ops::Ctx;
use crate::ops::time;
use crate::ops::watch::{self, EventKind, WatchParams};
use crate::output::{Out, Style, note};
use clap::Args;
use std::sync::atomic::{AtomicBool, Ordering};

/// Follow every peer's state; notify the manager when one opens a menu or asks a question
///
/// Runs until interrupted. Each interval it captures each peer's screen once (no model tokens).
/// On a transition into waiting_select or waiting_text it sends one notice to the notify role:
/// who waits, the question, and the exact `sb respond` command for each option. It also
/// delivers queued messages (`sb send --queue`) to any role that can take them, oldest first,
/// expires those past their TTL (telling the sender once), and records receipts: each typed
/// message is `seen` once the peer takes it (transcript, else screen), or `flagged` to its
/// sender after --flag-unseen. Every
/// transition is appended to events.jsonl in the state dir and printed; `--jsonl` prints each
/// as one JSON object per line (a stream: `--json`, one document, does not apply). Exits as soon
/// as its reader goes away (`sb watch | head -1`).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  tmux new-window -d 'sb watch --notify gestor'\n  sb watch --roles dev,reviewer --interval 2s --jsonl\n  sb watch --jsonl | head -1          # wait for the next event\n  sb watch --stall-after 30m\n  sb watch --notify gestor --flag-unseen 2m   # tell senders sooner about untaken messages"
)]
pub struct WatchArgs {
    /// Role that receives the notices [default: the role of this pane]; must be registered
    #[arg(long, value_name = "ROLE", add = super::role_completer())]
    pub notify: Option<String>,
    /// Only these roles (comma-separated) [default: all registered]; each must be registered
    #[arg(long, value_delimiter = ',', value_name = "ROLES")]
    pub roles: Option<Vec<String>>,
    /// One JSON object per event per line, flushed per line
    #[arg(long, conflicts_with = "json")]
    pub jsonl: bool,
    /// How often to look at each peer
    #[arg(long, default_value = time::WATCH_INTERVAL, value_parser = time::parse_duration)]
    pub interval: std::time::Duration,
    /// Report a peer busy for longer than this once as stalled (0 = never)
    #[arg(long, default_value = time::STALL_AFTER, value_parser = time::parse_duration)]
    pub stall_after: std::time::Duration,
    /// Flag a message typed but not seen taken as a user turn after this long, once, to its
    /// sender (0 = never)
    #[arg(long, value_name = "DURATION", default_value = time::FLAG_UNSEEN, value_parser = time::parse_duration)]
    pub flag_unseen: std::time::Duration,
    /// Stop after N rounds (for scripts and tests)
    #[arg(long, hide = true)]
    pub rounds: Option<u64>,
}

pub fn run(ctx: &Ctx, out: Out, a: WatchArgs) -> Result<()> {
    if out.json {
        return Err(SbError::Usage(
            "sb watch prints a stream of events, and --json is one document: use --jsonl".into(),
        ));
    }
    let p = WatchParams {
        notify: a.notify.clone().or_else(|| ctx.own_role()),
        roles: a.roles,
        interval: a.interval,
        stall_after: (!a.stall_after.is_zero()).then_some(a.stall_after),
        rounds: a.rounds,
        flag_unseen: (!a.flag_unseen.is_zero()).then_some(a.flag_unseen),
    };
    // Every role named must exist now: a typo would otherwise watch nothing, or notify no one.
    // (`watch::watch` checks again, for any caller.)
    watch::validate(ctx, &p)?;
    crate::interrupt::install();
    exit_when_stdout_closes();
    if p.notify.is_none() {
        note(
            "sb: note: no --notify role and this pane has none: transitions are logged, no notices are sent",
        );
    }
    let mut failed = None;
    watch::watch(ctx, &p, |e| {
        let line = if a.jsonl {
            serde_json::to_string(e).unwrap_or_default()
        } else {
            let time = e.ts.get(11..19).unwrap_or(&e.ts);
            let what = match e.kind {
                EventKind::Transition => format!(
                    "{} → {}",
                    e.from.map_or("?", |s| s.as_str()),
                    out.paint(e.to.as_str(), Style::Bold)
                ),
                EventKind::Notified => {
                    format!("notified {}", e.notify.as_deref().unwrap_or("?"))
                }
                EventKind::QueueDelivered | EventKind::Seen => format!(
                    "{} {}{}",
                    e.kind.as_str(),
                    e.message.as_deref().unwrap_or("?"),
                    e.detail
                        .as_deref()
                        .map(|d| format!(" (by {d})"))
                        .unwrap_or_default()
                ),
                EventKind::QueueExpired | EventKind::Flagged => format!(
                    "{} {}{}",
                    e.kind.as_str(),
                    e.message.as_deref().unwrap_or("?"),
                    e.notify
                        .as_deref()
                        .map(|n| format!(", told {n}"))
                        .unwrap_or_default()
                ),
                // No notify role: the delivery queue of `role` could not be worked on.
                EventKind::NoticeFailed if e.notify.is_none() => format!(
                    "could not deliver its queued messages: {}",
                    e.error.as_deref().unwrap_or("?")
                ),
                EventKind::NoticeFailed => format!(
                    "could not notify {}: {}",
                    e.notify.as_deref().unwrap_or("?"),
                    e.error.as_deref().unwrap_or("?")
                ),
                other => other.as_str().to_string(),
            };
            if e.kind == EventKind::NoticeFailed && e.notify.is_none() {
                note(&format!(
                    "sb: warning: the queued messages to {} could not be delivered now: {}",
                    e.role,
                    e.error.as_deref().unwrap_or("?")
                ));
            } else if e.kind == EventKind::NoticeFailed {
                note(&format!(
                    "sb: warning: the notice about {} could not be delivered to {}: {}",
                    e.role,
                    e.notify.as_deref().unwrap_or("?"),
                    e.error.as_deref().unwrap_or("?")
                ));
            }
            let q = e
                .question
                .as_deref()
                .map(|q| format!("  {q:?}"))
                .unwrap_or_default();
            format!(
                "{} {} {what}{q}",
                out.paint(time, Style::Dim),
                out.paint(&e.role, Style::Accent)
            )
        };
        failed = out.line(&line).err();
        failed.is_none()
    })?;
    match failed {
        Some(e) => Err(SbError::from_io(e)),
        // Ctrl-C or SIGTERM (not a closed stdout, which is a quiet end): exit 130.
        None if crate::interrupt::requested() && !STDOUT_CLOSED.load(Ordering::SeqCst) => Err(
            SbError::Interrupted("sb watch stopped; events.jsonl has every event so far".into()),
        ),
        None => Ok(()),
    }
}

/// Set when stdout's reader went away (then stopping is not an interruption).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// `sb watch | head -1`: stop as soon as the reader of stdout goes away, not at the next event
/// (whose write would fail with EPIPE). A thread polls stdout for POLLERR/POLLHUP, which a pipe
/// or terminal reports once its other end is closed, and asks the loop to stop, as Ctrl-C does:
/// the loop ends between rounds, never in the middle of typing or logging a notice.
fn exit_when_stdout_closes() {
    std::thread::spawn(|| {
        loop {
            let mut fd = libc::pollfd {
                fd: libc::STDOUT_FILENO,
                events: 0,
                revents: 0,
            };
            // SAFETY: one valid pollfd, count 1; poll only writes its `revents`.
            let n = unsafe { libc::poll(&raw mut fd, 1, 200) };
            if n > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
                STDOUT_CLOSED.store(true, Ordering::SeqCst);
                crate::interrupt::request();
                return;
            }
            if n < 0 || fd.revents & libc::POLLNVAL != 0 {
                return;
            }
            if n == 0 {
                continue;
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    });
}
