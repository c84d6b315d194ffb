//! `sb send`: paste a message into a peer's prompt.

use super::done;
use crate::error::{Result, SbError};
use crate::ops::{Ctx, send, time};
use crate::output::{Out, note};
use clap::Args;

/// Send a message into a peer's prompt as a new user turn
///
/// The text is pasted as one bracketed paste (multi-line text and quotes intact), prefixed with
/// `[from:ROLE] `, and submitted with Enter. Before typing, sb reads the peer's screen: it never
/// types into an open menu or over unsent text (exit 6; the message is logged as undelivered).
/// Text starting with `/` (`/clear`, `/compact`) is sent as a slash command, without the prefix.
///
/// With `--queue` a refused message is not an error: it is stored as queued (exit 0) and a
/// running `sb watch` types it, oldest first per recipient, as soon as the peer can take it; a
/// message still queued after `--ttl` expires and its sender is told once.
///
/// With `--via native` (or `auto`, the default) a message to Claude Code goes over the session's
/// own cross-session socket instead: nothing is typed, so it can never answer an open prompt; the
/// recipient shows it as `Message from @ROLE` and may hold it for its user's approval.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sb send dev 'take issue #14'\n  git diff | sb send reviewer -\n  sb send dev /clear\n  sb send dev --when-ready=5m 'next: issue #15'\n  sb send dev --queue 'when you are free: issue #16'   # sb watch delivers it\n  sb send dev --queue --ttl 10m 'only useful for 10 minutes'\n  sb send dev --via native 'even while a prompt is open'\n  sb send dev --via paste 'typed, as before'"
)]
pub struct SendArgs {
    /// Recipient role
    #[arg(add = super::role_completer())]
    pub to: String,
    /// The message; `-` reads it from stdin. Several words are joined with spaces. Options may
    /// come before or after it; a message that starts with `-` goes after `--`
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Sender role [default: the role of this pane ($TMUX_PANE), else `user`]
    #[arg(long, value_name = "ROLE")]
    pub from: Option<String>,
    /// Paste without pressing Enter
    #[arg(long)]
    pub no_submit: bool,
    /// Do not prefix `[from:ROLE] `
    #[arg(long)]
    pub no_tag: bool,
    /// Milliseconds to wait between the paste and Enter
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub settle_ms: u64,
    /// Type even if the peer shows a menu or unsent text
    #[arg(long)]
    pub force: bool,
    /// Wait until the peer can take the message instead of refusing; a timeout is given only as
    /// `--when-ready=5m` [default timeout: 10m]
    #[arg(long, value_name = "TIMEOUT", num_args = 0..=1, require_equals = true, default_missing_value = time::WHEN_READY, value_parser = time::parse_duration)]
    pub when_ready: Option<std::time::Duration>,
    /// Wait until the message is seen taken as a user turn (transcript, else screen); one Enter
    /// is retried if the text still sits in the box. Exit 5 when unconfirmed; a timeout is given
    /// only as `--confirm=30s` [default timeout: 30s]
    #[arg(long, value_name = "TIMEOUT", num_args = 0..=1, require_equals = true, default_missing_value = time::CONFIRM, value_parser = time::parse_duration)]
    pub confirm: Option<std::time::Duration>,
    /// Log the message under this id (set by a sender on another host, so both hosts log it under one id)
    #[arg(long, hide = true, value_name = "ID")]
    pub id: Option<String>,
    /// When the peer cannot take it now, queue it for `sb watch` to deliver (exit 0, status
    /// queued) instead of refusing; warns when no `sb watch` is running
    #[arg(long, conflicts_with_all = ["when_ready", "force", "no_submit", "no_tag"])]
    pub queue: bool,
    /// With --queue: how long the message may wait before it expires [default: 1h]
    #[arg(long, value_name = "DURATION", requires = "queue", value_parser = time::parse_duration)]
    pub ttl: Option<std::time::Duration>,
    /// How to deliver: `paste` types it through the guard; `native` sends it over Claude Code's
    /// own socket (never typed; refused when the session offers none); `auto` uses native for a
    /// Claude Code version sb has verified and pastes otherwise
    #[arg(long, value_name = "PATH", value_parser = ["auto", "native", "paste"], default_value = crate::native::DEFAULT_VIA.as_str())]
    pub via: String,
}

pub fn run(ctx: &Ctx, out: Out, a: SendArgs) -> Result<()> {
    // Ctrl-C while waiting (--when-ready, --confirm) logs the message before sb exits.
    crate::interrupt::install();
    let text = if a.text.len() == 1 && a.text[0] == "-" {
        let (s, lossy) = crate::text::read_lossy(std::io::stdin())
            .map_err(|e| SbError::Usage(format!("cannot read the message from stdin: {e}")))?;
        if lossy {
            note(&crate::text::lossy_warning("the message on stdin"));
        }
        s.strip_suffix('\n').map(str::to_string).unwrap_or(s)
    } else {
        a.text.join(" ")
    };
    super::warn_unregistered_from(ctx, a.from.as_deref());
    let p = send::SendParams {
        to: a.to,
        text,
        from: a.from,
        submit: !a.no_submit,
        tag: !a.no_tag,
        settle_ms: a.settle_ms,
        force: a.force,
        when_ready: a.when_ready,
        confirm: a.confirm,
        id: a.id,
        queue: a.queue,
        ttl: a.ttl,
        via: a.via.parse().map_err(SbError::Usage)?,
    };
    let r = send::send(ctx, &p)?;
    if let Some(w) = r.queued.as_ref().and_then(|q| q.warning.as_ref()) {
        note(&format!("sb: warning: {w}"));
    }
    let printed = if out.json {
        out.emit(&r, |_| String::new())
    } else if let Some(q) = &r.queued {
        out.line(&format!(
            "queued for {} (id {}): {}; sb watch delivers it when {} can take it (expires {})",
            r.message.to, r.message.id, q.reason, r.message.to, q.expires_at
        ))
    } else {
        let how = match (&r.native, r.message.submitted) {
            (Some(n), _) if n.status == crate::native::NativeStatus::Held => {
                "held for a person's approval in the recipient's session: sent natively"
            }
            (Some(_), _) => "sent natively",
            (None, true) => "sent",
            (None, false) => "pasted (not submitted)",
        };
        let confirmed = match &r.confirmation {
            Some(c) if c.confirmed => {
                format!(", confirmed by {} after {} ms", c.method, c.waited_ms)
            }
            Some(c) => format!(", NOT confirmed by {} after {} ms", c.method, c.waited_ms),
            None => String::new(),
        };
        out.line(&format!(
            "{how} to {} ({} bytes, pane {}, id {}{confirmed})",
            r.message.to, r.bytes, r.pane, r.message.id
        ))
    };
    if let (Some(why), true) = (&r.native_skipped, r.native_failed) {
        note(&format!("sb: pasted, not sent natively: {why}"));
    }
    if let Some(w) = &r.log_warning {
        note(&format!("sb: warning: {w}"));
    }
    if let Some(c) = r.confirmation.as_ref().filter(|c| !c.confirmed) {
        let state = c.state.map_or("unknown".to_string(), |s| s.to_string());
        return Err(SbError::Timeout {
            secs: c.waited_ms as f64 / 1000.0,
            what: format!(
                "the message was delivered but not seen taken as a user turn (peer is {state}; checked by {})",
                c.method
            ),
        });
    }
    done(printed)
}
