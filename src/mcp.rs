//! `sb mcp`: the MCP server over stdio (rmcp). The only file that imports rmcp. Each tool is a
//! one-line call of the same `ops` function the CLI uses, run off the async executor, and returns
//! the same JSON as the CLI's `--json` (structured content plus text). Domain errors are tool
//! results with `isError: true` carrying the CLI's message.

use crate::error::{Result, SbError};
use crate::ops::{self, Ctx, detect::Until, send::SendParams, time};
use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{Json, ServerHandler, ServiceExt, schemars, tool, tool_handler, tool_router};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RegisterArgs {
    /// Role name to bind: 1-64 characters of A-Z a-z 0-9 . _ - (e.g. "dev").
    pub role: String,
    /// tmux pane id such as "%3"; defaults to the pane this MCP server runs in ($TMUX_PANE).
    pub pane: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SendArgs {
    /// Recipient role (see list_peers).
    pub to: String,
    /// Sender role; defaults to the role registered for this session's pane, else "user".
    pub from: Option<String>,
    /// The message. Multi-line text is fine; it arrives as one user turn. Text starting with "/"
    /// (e.g. "/clear") is sent as a slash command.
    pub text: String,
    /// Press Enter after pasting (default true). false leaves the text in the peer's input box.
    pub submit: Option<bool>,
    /// Prefix "[from:ROLE] " so the peer knows who wrote (default true).
    pub tag: Option<bool>,
    /// Type even when the peer shows an open menu or unsent text (default false; dangerous:
    /// a paste + Enter into a permission prompt approves it).
    pub force: Option<bool>,
    /// Instead of refusing when the peer is not ready, wait up to this many seconds.
    pub when_ready_s: Option<f64>,
    /// After submitting, wait up to this many seconds until the peer is seen taking the message
    /// as a user turn; the result's `confirmation.confirmed` says whether it was.
    pub confirm_s: Option<f64>,
    /// "paste" (typed, through the guard), "native" (over Claude Code's own socket: never typed,
    /// so it cannot answer a prompt) or "auto" (native for a verified Claude Code, else paste).
    /// Default: "auto".
    pub via: Option<crate::native::Via>,
    /// When the peer cannot take the message now (a menu, a draft), queue it instead of
    /// failing: the result has outcome "queued", and a running `sb watch` delivers it as soon
    /// as the peer can take it (default false). Do not retry a queued message.
    pub queue: Option<bool>,
    /// With queue: seconds the message may wait before it expires (default 3600); the sender
    /// is then told once.
    pub ttl_s: Option<f64>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct QueueListArgs {
    /// Only messages queued for this role.
    pub role: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct QueueDropArgs {
    /// The id of the queued message (see queue_list).
    pub id: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RoleLinesArgs {
    /// Role to look at.
    pub role: String,
    /// Number of lines (read_peer: scrollback lines, default 50, 0 = the whole scrollback;
    /// detect_question: bottom rows of the screen to classify, default the whole visible screen).
    pub lines: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RespondArgs {
    /// Role whose pane gets the keys.
    pub role: String,
    /// Keys in order: tmux key names ("Enter", "Escape", "Tab", "Up", "Down", "C-c", ...),
    /// single characters ("1", "y"), or aliases ("esc", "return"). To pick option 2 of a
    /// numbered menu send ["2"]: a digit selects and confirms. Omit when using `option`.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Safer than keys: answer the open menu by its option number; refused when no menu is open.
    pub option: Option<u32>,
    /// The `fingerprint` from detect_question; refused if the dialog changed since (with
    /// `option` or `keys`).
    pub expect: Option<String>,
    /// With `keys`: send them even when no agent is recognised in the pane (e.g. a shell).
    #[serde(default)]
    pub force: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct HistoryArgs {
    /// How many of the newest messages (default 20; 0 = all).
    pub limit: Option<usize>,
    /// Only messages from or to this role.
    pub role: Option<String>,
    /// Merge the logs of every host a role points to (roles registered with a host), each
    /// message marked with the host it was delivered on (default false).
    pub hosts: Option<bool>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct InboxArgs {
    /// Role whose mailbox to read.
    pub role: String,
    /// How many of the newest messages (default 20, or all with unread; 0 = all).
    pub limit: Option<usize>,
    /// Only the messages after the role's read marker: "what is new for me" (default false).
    pub unread: Option<bool>,
    /// Move the read marker to the newest message returned (default false).
    pub mark_read: Option<bool>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct SetPromptArgs {
    /// Role the briefing belongs to.
    pub role: String,
    /// The briefing text, re-injected into that role's session at start and after /clear.
    pub prompt: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RoleArgs {
    /// Role name.
    pub role: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct WaitForArgs {
    /// Role to watch.
    pub role: String,
    /// busy, idle, waiting (a menu or a question is open) or settled (anything but busy).
    pub until: Until,
    /// Give up after this many seconds (default 600).
    pub timeout_s: Option<f64>,
}

/// The `send` tool's result: `sb send --json` without the whole text (it is in the log, and a
/// large message would otherwise come back twice), with a short preview instead.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SendSummary {
    /// The message id (see history / inbox for the whole text).
    pub id: String,
    pub ts: String,
    pub from: String,
    pub to: String,
    /// The first 200 characters of the text, with `…` when it is longer.
    pub preview: String,
    /// Characters in the whole text.
    pub text_chars: usize,
    /// tmux accepted the paste.
    pub delivered: bool,
    /// tmux accepted the Enter that submits it.
    pub submitted: bool,
    pub error: Option<String>,
    /// The pane the text went to.
    pub pane: String,
    /// Bytes typed (with the tag).
    pub bytes: usize,
    /// Where the message stands in the logs (`delivered`, or `queued` with queue).
    pub outcome: Option<crate::store::log::Outcome>,
    /// The steps so far, with their times (`typed`, `submitted`; `queued`); `sb watch` adds
    /// `seen` later (see history).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub receipts: Vec<crate::store::log::Receipt>,
    /// With queue: not delivered after this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Set when the message was delivered but its outcome could not be logged.
    pub log_warning: Option<String>,
    /// With confirm_s: how it was checked and what was seen.
    pub confirmation: Option<ops::confirm::Confirmation>,
    /// "paste" or "native": how the message went.
    pub via: Option<String>,
    /// Native delivery's report (msg_id, the recipient's receipt: "sent" or "held"); null for paste.
    pub native: Option<crate::native::NativeReport>,
    /// Why native delivery was not used when via "auto" pasted to Claude Code instead.
    pub native_skipped: Option<String>,
    /// Native delivery was tried and failed; the message was pasted through the guard instead.
    pub native_failed: bool,
    /// The peer's state as the guard saw it; null with force.
    pub peer_state: Option<crate::detect::State>,
    /// With queue: the message was queued, not typed (why, until when, whether a watcher runs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queued: Option<ops::queue::Queued>,
}

/// Characters of the text the `send` tool echoes back.
pub const PREVIEW_CHARS: usize = 200;

/// The first `n` characters of `text`, with `…` when something was cut.
pub fn preview(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

impl From<ops::send::SendReport> for SendSummary {
    fn from(r: ops::send::SendReport) -> SendSummary {
        let m = r.message;
        SendSummary {
            preview: preview(&m.text, PREVIEW_CHARS),
            text_chars: m.text.chars().count(),
            id: m.id,
            ts: m.ts,
            from: m.from,
            to: m.to,
            delivered: m.delivered,
            submitted: m.submitted,
            error: m.error,
            pane: r.pane,
            bytes: r.bytes,
            outcome: m.outcome,
            receipts: m.receipts,
            expires_at: m.expires_at,
            log_warning: r.log_warning,
            confirmation: r.confirmation,
            peer_state: r.peer_state,
            queued: r.queued,
            via: m.via,
            native: r.native,
            native_skipped: r.native_skipped,
            native_failed: r.native_failed,
        }
    }
}

/// A failure as a tool result with `isError: true`: the CLI's message as text, and the same
/// `{"error": {kind, message, hint, exit_code, message_id}}` object `--json` prints as structured
/// content.
fn tool_error(e: &SbError) -> CallToolResult {
    let mut r = CallToolResult::structured_error(e.to_json());
    r.content = vec![ContentBlock::text(e.render())];
    r
}

/// The MCP server: a context and the tool router.
#[derive(Clone)]
pub struct SbServer {
    ctx: Ctx,
    tool_router: ToolRouter<SbServer>,
}

impl SbServer {
    /// Run `f` on the blocking pool so tmux calls never stall other requests.
    async fn call<T, F>(&self, f: F) -> std::result::Result<Json<T>, CallToolResult>
    where
        T: Send + 'static,
        F: FnOnce(&Ctx) -> Result<T> + Send + 'static,
    {
        let ctx = self.ctx.clone();
        match tokio::task::spawn_blocking(move || f(&ctx)).await {
            Ok(Ok(v)) => Ok(Json(v)),
            Ok(Err(e)) => Err(tool_error(&e)),
            Err(e) => Err(tool_error(&SbError::Other(anyhow::anyhow!(
                "internal task failed: {e}"
            )))),
        }
    }
}

#[tool_router]
impl SbServer {
    pub fn new(ctx: Ctx) -> SbServer {
        SbServer {
            ctx,
            tool_router: Self::tool_router(),
        }
    }

    /// Bind a role name to a tmux pane (default: this session's own pane), so peers can reach it.
    #[tool]
    async fn register(
        &self,
        Parameters(a): Parameters<RegisterArgs>,
    ) -> std::result::Result<Json<ops::register::RegisterReport>, CallToolResult> {
        self.call(move |c| ops::register::register(c, &a.role, a.pane.as_deref()))
            .await
    }

    /// List the registered roles (peers): pane, whether it is alive, working directory, program.
    #[tool]
    async fn list_peers(
        &self,
    ) -> std::result::Result<Json<ops::peers::PeersReport>, CallToolResult> {
        self.call(ops::peers::peers).await
    }

    /// Send a message to a peer session: it is pasted into the peer's prompt and submitted as a
    /// new user turn, and logged. Refused (logged as undelivered) when the peer shows an open
    /// menu or unsent text; then use detect_question and respond, or retry with when_ready_s, or
    /// pass queue: true to have `sb watch` deliver it when the peer can take it.
    /// To a Claude Code peer it goes by default over Claude Code's own socket instead (via
    /// "auto"): never typed, so never refused for a menu; `outcome: "held"` means the peer's user
    /// must approve it first.
    #[tool]
    async fn send(
        &self,
        Parameters(a): Parameters<SendArgs>,
    ) -> std::result::Result<Json<SendSummary>, CallToolResult> {
        self.call(move |c| {
            let p = SendParams {
                from: a.from,
                submit: a.submit.unwrap_or(true),
                tag: a.tag.unwrap_or(true),
                force: a.force.unwrap_or(false),
                when_ready: a
                    .when_ready_s
                    .map(|s| time::seconds("when_ready_s", s))
                    .transpose()?,
                confirm: a
                    .confirm_s
                    .map(|s| time::seconds("confirm_s", s))
                    .transpose()?,
                via: a.via.unwrap_or(crate::native::DEFAULT_VIA),
                queue: a.queue.unwrap_or(false),
                ttl: a.ttl_s.map(|s| time::seconds("ttl_s", s)).transpose()?,
                ..SendParams::new(a.to, a.text)
            };
            ops::send::send(c, &p).map(SendSummary::from)
        })
        .await
    }

    /// The queued messages (sent with queue: true, not yet delivered), per recipient, oldest
    /// first: age, expiry, why each waits, and whether an `sb watch` runs to deliver them.
    #[tool]
    async fn queue_list(
        &self,
        Parameters(a): Parameters<QueueListArgs>,
    ) -> std::result::Result<Json<ops::queue::QueueReport>, CallToolResult> {
        self.call(move |c| ops::queue::list(c, a.role.as_deref()))
            .await
    }

    /// Remove a queued message by id: it is logged as dropped and never typed.
    #[tool]
    async fn queue_drop(
        &self,
        Parameters(a): Parameters<QueueDropArgs>,
    ) -> std::result::Result<Json<ops::queue::DropReport>, CallToolResult> {
        self.call(move |c| ops::queue::drop_message(c, &a.id)).await
    }

    /// Read the last lines of a peer's terminal (what a person would see in its pane).
    #[tool]
    async fn read_peer(
        &self,
        Parameters(a): Parameters<RoleLinesArgs>,
    ) -> std::result::Result<Json<ops::peek::PeekReport>, CallToolResult> {
        self.call(move |c| ops::peek::peek(c, &a.role, a.lines))
            .await
    }

    /// Classify a peer's screen: busy, idle (with any unsent draft), waiting_select (a menu or
    /// permission prompt is open: question, numbered options, footer) or waiting_text (it asked
    /// a question in prose), or unknown.
    #[tool]
    async fn detect_question(
        &self,
        Parameters(a): Parameters<RoleLinesArgs>,
    ) -> std::result::Result<Json<ops::detect::DetectReport>, CallToolResult> {
        self.call(move |c| ops::detect::detect(c, &a.role, a.lines))
            .await
    }

    /// Answer a peer's menu: `option` N picks option N of the menu detect_question reported (only
    /// while a menu is open; with `expect` only while it is the same menu), or `keys` sends raw
    /// keys such as ["Escape"]. Every key is validated before any is sent.
    #[tool]
    async fn respond(
        &self,
        Parameters(a): Parameters<RespondArgs>,
    ) -> std::result::Result<Json<ops::respond::RespondReport>, CallToolResult> {
        self.call(move |c| match a.option {
            Some(n) => ops::respond::respond_option(c, &a.role, n, a.expect.as_deref()),
            None => ops::respond::respond(c, &a.role, &a.keys, a.expect.as_deref(), a.force),
        })
        .await
    }

    /// The newest messages between all roles, oldest first (optionally only those of one role).
    #[tool]
    async fn history(
        &self,
        Parameters(a): Parameters<HistoryArgs>,
    ) -> std::result::Result<Json<ops::history::HistoryReport>, CallToolResult> {
        self.call(move |c| {
            if a.hosts.unwrap_or(false) {
                ops::history::history_hosts(c, a.limit, a.role.as_deref())
            } else {
                ops::history::history(c, a.limit, a.role.as_deref())
            }
        })
        .await
    }

    /// The newest messages sent to one role, oldest first. With unread, only those after the
    /// role's read marker; with mark_read, the newest returned becomes the marker.
    #[tool]
    async fn inbox(
        &self,
        Parameters(a): Parameters<InboxArgs>,
    ) -> std::result::Result<Json<ops::history::HistoryReport>, CallToolResult> {
        let p = ops::history::InboxParams {
            role: a.role,
            limit: a.limit,
            unread: a.unread.unwrap_or(false),
            mark_read: a.mark_read.unwrap_or(false),
        };
        self.call(move |c| ops::history::inbox_with(c, &p)).await
    }

    /// Save a role's briefing; it is re-injected into that role's session at start and after /clear.
    #[tool]
    async fn set_prompt(
        &self,
        Parameters(a): Parameters<SetPromptArgs>,
    ) -> std::result::Result<Json<ops::prompt::PromptReport>, CallToolResult> {
        self.call(move |c| ops::prompt::set_prompt(c, &a.role, &a.prompt))
            .await
    }

    /// Read a role's saved briefing.
    #[tool]
    async fn get_prompt(
        &self,
        Parameters(a): Parameters<RoleArgs>,
    ) -> std::result::Result<Json<ops::prompt::PromptReport>, CallToolResult> {
        self.call(move |c| ops::prompt::get_prompt(c, &a.role))
            .await
    }

    /// List every saved briefing.
    #[tool]
    async fn list_prompts(
        &self,
    ) -> std::result::Result<Json<ops::prompt::PromptList>, CallToolResult> {
        self.call(ops::prompt::list_prompts).await
    }

    /// Remove a role's saved briefing.
    #[tool]
    async fn delete_prompt(
        &self,
        Parameters(a): Parameters<RoleArgs>,
    ) -> std::result::Result<Json<ops::prompt::PromptReport>, CallToolResult> {
        self.call(move |c| ops::prompt::delete_prompt(c, &a.role))
            .await
    }

    /// Block until a peer is busy, idle, waiting (menu or question open) or settled (not busy),
    /// then return its detected state; an error after timeout_s. Use instead of polling.
    #[tool]
    async fn wait_for(
        &self,
        Parameters(a): Parameters<WaitForArgs>,
    ) -> std::result::Result<Json<ops::detect::WaitReport>, CallToolResult> {
        self.call(move |c| {
            let timeout = time::seconds_or("timeout_s", a.timeout_s, time::WAIT_TIMEOUT)?;
            let interval = time::default(time::WAIT_INTERVAL);
            ops::detect::wait(c, &a.role, a.until, timeout, interval)
        })
        .await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for SbServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("sb", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "sb connects AI coding sessions running in tmux panes under role names (gestor, dev, reviewer...). \
                 list_peers shows who is there; send delivers a message into a peer's prompt as a user turn; \
                 detect_question tells whether a peer is busy, idle or waiting on a menu; respond answers a menu; \
                 wait_for blocks until a peer changes state; history and inbox show past messages (with receipts: queued, typed, submitted, seen); \
                 send with queue: true leaves a message for sb watch to deliver when the peer is free (queue_list, queue_drop).",
            )
    }
}

/// Serve MCP on stdin/stdout until the client closes the stream. Empty stdin is a clean exit.
pub fn serve(ctx: Ctx) -> Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SbError::Other(anyhow::anyhow!("cannot start the async runtime: {e}")))?;
    let r = rt.block_on(async move {
        let service = match SbServer::new(ctx).serve(rmcp::transport::stdio()).await {
            Ok(s) => s,
            // The client went away before or during initialization: nothing to serve.
            Err(_) => return Ok(()),
        };
        let _ = service.waiting().await;
        Ok(())
    });
    rt.shutdown_timeout(Duration::from_secs(2));
    r
}
