//! Roles on other hosts, over SSH. The only file that runs `ssh`.
//!
//! A remote role is a pointer in the local registry (`registry.json` `remotes`): its host and the
//! path of sb there. Every operation on it runs that host's sb with `--json` over one shared SSH
//! connection per host (OpenSSH connection sharing: `ControlMaster=auto`, the socket in
//! `<state dir>/ssh/`, `ControlPersist`), with `BatchMode=yes` so ssh never prompts. The guard,
//! the pane lock, the pane checks and the logging all happen on the host next to the pane.
//!
//! What travels where: the remote command line carries only sb's path (quoted), the operation and
//! values sb validated itself (role names, numbers, durations, key names, a fingerprint, a message
//! id). Message text and briefings travel on stdin. The remote's exit code and its JSON document
//! come back unchanged (`SbError::Remote` keeps its kind, message, hint, exit code and message
//! id); when ssh itself fails, the error is `HostUnreachable` (exit 4) with ssh's own message.

use crate::clock::{new_id, now_rfc3339};
use crate::error::{Result, SbError};
use crate::ops::Ctx;
use crate::ops::detect::{DetectReport, Until, WaitReport};
use crate::ops::history::{HistoryReport, InboxParams};
use crate::ops::peek::PeekReport;
use crate::ops::prompt::PromptReport;
use crate::ops::respond::RespondReport;
use crate::ops::send::{SendParams, SendReport};
use crate::process::{RunError, run};
use crate::store::log::{Message, Outcome, append_message_with};
use crate::store::registry::{Registry, RemoteEntry};
use serde::de::DeserializeOwned;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// An ssh_config file to use instead of `~/.ssh/config` (ssh `-F`).
pub const SSH_CONFIG_ENV: &str = "SB_SSH_CONFIG";

/// How long a shared connection stays open after its last use (seconds).
const CONTROL_PERSIST: &str = "600";
/// How long ssh may take to connect.
const CONNECT_TIMEOUT: &str = "10";
/// The bound on one remote call that does not wait for anything itself.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// How often `send --when-ready` tries a role on another host again.
const READY_POLL: Duration = Duration::from_millis(250);
/// Unix socket paths are limited to 107 bytes; ssh adds `/` and `%C` (40 characters) to the
/// directory, and a 17-character suffix while it creates the socket.
const MAX_SOCKET_DIR: usize = 49;

/// A host name as ssh takes it: `alias`, `host.example`, `user@host`, `[::1]`. Never empty,
/// never starting with `-` (it would read as an option), only characters a host name or a
/// `~/.ssh/config` alias uses.
pub fn check_host(host: &str) -> Result<&str> {
    let ok = !host.is_empty()
        && host.len() <= 255
        && !host.starts_with('-')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@:[]%".contains(&b));
    if ok {
        Ok(host)
    } else {
        Err(SbError::Usage(format!(
            "invalid host {:?}: give an SSH destination such as build1 (an alias in ~/.ssh/config), \
             build1.example.com or user@build1",
            host.chars().take(80).collect::<String>()
        )))
    }
}

/// sb's path on the remote: printable, one line, not an option. `~/…` is expanded by the
/// remote shell.
pub fn check_remote_sb(path: &str) -> Result<&str> {
    let ok = !path.is_empty()
        && path.len() <= 4096
        && !path.starts_with('-')
        && !path.chars().any(char::is_control);
    if ok {
        Ok(path)
    } else {
        Err(SbError::Usage(format!(
            "invalid --remote-sb {:?}: give sb's path on the remote host, e.g. ~/.cargo/bin/sb or /usr/local/bin/sb",
            path.chars().take(80).collect::<String>()
        )))
    }
}

/// A message id handed over by a sender on another host: 1-64 lowercase hex digits.
pub fn check_id(id: &str) -> Result<&str> {
    if !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        Ok(id)
    } else {
        Err(SbError::Usage(format!(
            "invalid message id {:?}: 1-64 lowercase hex digits",
            id.chars().take(80).collect::<String>()
        )))
    }
}

/// A fingerprint from `sb detect` (16 hex digits; anything of letters and digits is passed on and
/// judged by the remote).
fn check_fingerprint(fp: &str) -> Result<&str> {
    if !fp.is_empty() && fp.len() <= 64 && fp.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(fp)
    } else {
        Err(SbError::Usage(format!(
            "invalid fingerprint {:?}: use the `fingerprint` that `sb detect --json` printed",
            fp.chars().take(80).collect::<String>()
        )))
    }
}

/// One word for a POSIX shell: as it is when it is plain, else in single quotes.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/=:@%+,".contains(&b));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A duration as sb's parser reads it, in whole milliseconds.
fn ms(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

/// One host's sb, reached over the shared connection.
#[derive(Debug, Clone)]
pub struct Remote {
    pub host: String,
    /// sb's path there (`sb` = on the remote PATH).
    pub sb: String,
    /// Where the connection sockets live (`<state dir>/ssh`).
    control_dir: PathBuf,
}

/// The remote for `role` when the registry points it at another host. Validates the name first.
pub fn lookup(ctx: &Ctx, role: &str) -> Result<Option<Remote>> {
    crate::store::validate_role(role)?;
    let reg = Registry::load(&ctx.state)?;
    Ok(reg.remote(role).map(|e| Remote::of(ctx, e)))
}

impl Remote {
    pub fn of(ctx: &Ctx, e: &RemoteEntry) -> Remote {
        Remote::new(ctx, &e.host, e.remote_sb.as_deref())
    }

    pub fn new(ctx: &Ctx, host: &str, remote_sb: Option<&str>) -> Remote {
        Remote {
            host: host.to_string(),
            sb: remote_sb.unwrap_or("sb").to_string(),
            control_dir: control_dir(ctx),
        }
    }

    /// The command the remote shell runs: sb's path, `--json` and the arguments, each quoted.
    pub fn command_line(&self, args: &[String]) -> String {
        let sb = match self.sb.strip_prefix("~/") {
            Some(rest) => format!("~/{}", quote(rest)),
            None => quote(&self.sb),
        };
        let mut line = format!("{sb} --json");
        for a in args {
            line.push(' ');
            line.push_str(&quote(a));
        }
        line
    }

    /// The ssh invocation: the user's SSH config (or `$SB_SSH_CONFIG`), the shared connection,
    /// no prompts, no terminal.
    fn ssh(&self, remote_command: &str) -> Result<Command> {
        check_host(&self.host)?;
        let dir = &self.control_dir;
        if dir.as_os_str().len() > MAX_SOCKET_DIR {
            return Err(SbError::Usage(format!(
                "the path for SSH connection sockets is too long ({}, at most {MAX_SOCKET_DIR} bytes): \
                 use a shorter --state-dir or SESSION_BRIDGE_DIR, or set XDG_RUNTIME_DIR",
                dir.display()
            )));
        }
        if !dir.exists() {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| {
                    crate::error::other(format!("cannot create {}: {e}", dir.display()))
                })?;
        }
        // ssh reads `%` as a token, and the value is double-quoted so blanks do not split it.
        let control = format!("{}/%C", dir.to_string_lossy().replace('%', "%%"));
        if control.contains('"') {
            return Err(SbError::Usage(format!(
                "the path for SSH connection sockets ({}) contains a double quote, which ssh cannot take: use another --state-dir",
                dir.display()
            )));
        }
        let mut c = Command::new("ssh");
        if let Some(cfg) = std::env::var_os(SSH_CONFIG_ENV).filter(|v| !v.is_empty()) {
            c.arg("-F").arg(cfg);
        }
        c.args([
            "-T",
            "-o",
            "BatchMode=yes",
            "-o",
            "ControlMaster=auto",
            "-o",
            &format!("ControlPath=\"{control}\""),
            "-o",
            &format!("ControlPersist={CONTROL_PERSIST}"),
            "-o",
            &format!("ConnectTimeout={CONNECT_TIMEOUT}"),
            "--",
            &self.host,
            remote_command,
        ]);
        Ok(c)
    }

    /// Run the remote sb with `args` (after `--json`), `stdin` as its input, and return its JSON
    /// report; its `{"error": …}` document as `SbError::Remote`. `timeout` bounds the whole call.
    pub fn call<T: DeserializeOwned>(
        &self,
        args: &[String],
        stdin: Option<&[u8]>,
        timeout: Duration,
    ) -> Result<T> {
        let cmd = self.ssh(&self.command_line(args))?;
        let out = match run(cmd, stdin, timeout) {
            Ok(out) => out,
            Err(RunError::Spawn(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(self.unreachable(
                    "the `ssh` program was not found on PATH (install openssh-client)".into(),
                ));
            }
            Err(RunError::Spawn(e) | RunError::Wait(e)) => {
                return Err(self.unreachable(format!("cannot run ssh: {e}")));
            }
            Err(RunError::TimedOut) => {
                return Err(self.unreachable(format!(
                    "no answer within {}s (ssh was stopped)",
                    timeout.as_secs()
                )));
            }
        };
        let stderr = summary(&out.stderr);
        let code = match out.status.code() {
            Some(255) | None => {
                let detail = if stderr.is_empty() {
                    "ssh failed without saying why".to_string()
                } else {
                    stderr
                };
                return Err(self.unreachable(detail));
            }
            Some(code @ (126 | 127)) => {
                return Err(SbError::NoRemoteSb {
                    host: self.host.clone(),
                    detail: format!(
                        "`{}` could not be run there (exit {code}{})",
                        self.sb,
                        if stderr.is_empty() {
                            String::new()
                        } else {
                            format!(": {stderr}")
                        }
                    ),
                });
            }
            Some(code) => code,
        };
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|_| {
            crate::error::other(format!(
                "on {}: `{}` exited {code} without printing a JSON document (is it sb?){}",
                self.host,
                self.sb,
                if stderr.is_empty() {
                    String::new()
                } else {
                    format!(": {stderr}")
                }
            ))
        })?;
        if let Some(e) = doc.get("error").filter(|e| e.is_object()) {
            let field = |k: &str| e.get(k).and_then(|v| v.as_str()).map(str::to_string);
            return Err(SbError::Remote {
                host: self.host.clone(),
                kind: field("kind").unwrap_or_else(|| "runtime".into()),
                message: field("message").unwrap_or_default(),
                hint: field("hint"),
                exit_code: e
                    .get("exit_code")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|c| u8::try_from(c).ok())
                    .unwrap_or_else(|| u8::try_from(code).unwrap_or(1)),
                message_id: field("message_id"),
            });
        }
        serde_json::from_value(doc).map_err(|e| {
            crate::error::other(format!(
                "on {}: the remote sb's report was not understood ({e}); is it another version of sb?",
                self.host
            ))
        })
    }

    fn unreachable(&self, detail: String) -> SbError {
        SbError::HostUnreachable {
            host: self.host.clone(),
            detail,
        }
    }

    /// `sb peek` there.
    pub fn peek(&self, role: &str, lines: Option<usize>) -> Result<PeekReport> {
        let mut a = vec!["peek".to_string(), role.into()];
        if let Some(n) = lines {
            a.extend(["--lines".into(), n.to_string()]);
        }
        self.call(&a, None, CALL_TIMEOUT)
    }

    /// `sb detect` there.
    pub fn detect(&self, role: &str, lines: Option<usize>) -> Result<DetectReport> {
        let mut a = vec!["detect".to_string(), role.into()];
        if let Some(n) = lines {
            a.extend(["--lines".into(), n.to_string()]);
        }
        self.call(&a, None, CALL_TIMEOUT)
    }

    /// `sb wait` there; the call is bounded by the wait's own timeout and a minute for SSH.
    pub fn wait(
        &self,
        role: &str,
        until: Until,
        timeout: Duration,
        interval: Duration,
    ) -> Result<WaitReport> {
        let until = serde_json::to_value(until)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let a = vec![
            "wait".to_string(),
            role.into(),
            "--until".into(),
            until,
            "--timeout".into(),
            ms(timeout),
            "--interval".into(),
            ms(interval),
        ];
        self.call(&a, None, timeout.saturating_add(CALL_TIMEOUT))
    }

    /// `sb respond ROLE KEY…` there; `keys` are the validated tmux names.
    pub fn respond(
        &self,
        role: &str,
        keys: &[String],
        expect: Option<&str>,
        force: bool,
    ) -> Result<RespondReport> {
        let mut a = vec!["respond".to_string(), role.into()];
        if let Some(fp) = expect {
            a.extend(["--expect".into(), check_fingerprint(fp)?.into()]);
        }
        if force {
            a.push("--force".into());
        }
        a.push("--".into());
        a.extend(keys.iter().cloned());
        self.call(&a, None, CALL_TIMEOUT)
    }

    /// `sb respond ROLE --option N` there.
    pub fn respond_option(
        &self,
        role: &str,
        option: u32,
        expect: Option<&str>,
    ) -> Result<RespondReport> {
        let mut a = vec![
            "respond".to_string(),
            role.into(),
            "--option".into(),
            option.to_string(),
        ];
        if let Some(fp) = expect {
            a.extend(["--expect".into(), check_fingerprint(fp)?.into()]);
        }
        self.call(&a, None, CALL_TIMEOUT)
    }

    /// `sb inbox` there (the role's mailbox lives where its pane is).
    pub fn inbox(&self, p: &InboxParams) -> Result<HistoryReport> {
        let mut a = vec!["inbox".to_string(), p.role.clone()];
        if let Some(n) = p.limit {
            a.extend(["--limit".into(), n.to_string()]);
        }
        if p.unread {
            a.push("--unread".into());
        }
        if p.mark_read {
            a.push("--mark-read".into());
        }
        self.call(&a, None, CALL_TIMEOUT)
    }

    /// `sb history` there (its whole conversation, the newest `limit`).
    pub fn history(&self, limit: usize) -> Result<HistoryReport> {
        let a = vec!["history".to_string(), "--limit".into(), limit.to_string()];
        self.call(&a, None, CALL_TIMEOUT)
    }

    /// `sb prompt set ROLE -` there, the briefing on stdin.
    pub fn set_prompt(&self, role: &str, text: &str) -> Result<PromptReport> {
        let a = ["prompt", "set", role, "-"].map(String::from);
        self.call(&a, Some(text.as_bytes()), CALL_TIMEOUT)
    }

    /// `sb prompt get` / `sb prompt rm` there.
    pub fn prompt(&self, verb: &str, role: &str) -> Result<PromptReport> {
        let a = ["prompt", verb, role].map(String::from);
        self.call(&a, None, CALL_TIMEOUT)
    }

    /// `sb peers` there.
    pub fn peers(&self) -> Result<crate::ops::peers::PeersReport> {
        self.call(&["peers".to_string()], None, CALL_TIMEOUT)
    }
}

/// Where the connection sockets live: `<state dir>/ssh`, or `$XDG_RUNTIME_DIR/sb-ssh` (private to
/// the user) when the state dir's path is too long for a socket path.
fn control_dir(ctx: &Ctx) -> PathBuf {
    let own = ctx.state.root().join("ssh");
    if own.as_os_str().len() <= MAX_SOCKET_DIR {
        return own;
    }
    std::env::var_os("XDG_RUNTIME_DIR")
        .filter(|d| !d.is_empty())
        .map(|d| PathBuf::from(d).join("sb-ssh"))
        .filter(|d| d.as_os_str().len() <= MAX_SOCKET_DIR)
        .unwrap_or(own)
}

/// ssh's stderr as one line: its last three non-blank lines.
fn summary(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines[lines.len().saturating_sub(3)..].join("; ")
}

/// `send` to a role on another host. The message is logged here first (write-ahead, with its
/// `host`), then the remote sb delivers it under the same id with every check it makes for a
/// local pane, and the outcome is logged here as the remote reports it. The text travels on
/// stdin.
pub fn send(ctx: &Ctx, reg: &Registry, entry: &RemoteEntry, p: &SendParams) -> Result<SendReport> {
    let remote = Remote::of(ctx, entry);
    let from = match &p.from {
        Some(f) => f.clone(),
        None => crate::ops::own_role_in(reg).unwrap_or_else(|| "user".into()),
    };
    crate::store::validate_role(&from)?;
    let text = crate::text::sanitize(&p.text);
    if text.trim().is_empty() {
        return Err(SbError::Usage(
            "the message is empty (after removing control characters); nothing was sent".into(),
        ));
    }
    if p.queue && (p.force || p.when_ready.is_some() || !p.submit || !p.tag || p.settle_ms > 0) {
        return Err(SbError::Usage(
            "--queue delivers later as a plain send would: it does not combine with --force, --when-ready, --no-submit, --no-tag or --settle-ms".into(),
        ));
    }
    let id = match &p.id {
        Some(id) => check_id(id)?.to_string(),
        None => new_id(),
    };
    let mut msg = Message {
        id: id.clone(),
        ts: now_rfc3339(),
        from: from.clone(),
        to: p.to.clone(),
        text: text.clone(),
        delivered: false,
        submitted: false,
        error: None,
        outcome: Some(Outcome::Sending),
        host: Some(remote.host.clone()),
        receipts: vec![],
        expires_at: None,
        basis: None,
        // The host's sb chooses the path (`--via` is not passed on: an older sb there would not
        // know it); its report says which it took.
        via: None,
    };
    // The write-ahead that guards typing is the remote's own (flushed there before any byte is
    // typed); this copy is the sender's record, so it is appended without a flush.
    append_message_with(&ctx.state, &msg, false)?;
    let mut a = vec![
        "send".to_string(),
        p.to.clone(),
        "--id".into(),
        id.clone(),
        "--from".into(),
        from,
    ];
    if !p.submit {
        a.push("--no-submit".into());
    }
    if !p.tag {
        a.push("--no-tag".into());
    }
    if p.settle_ms > 0 {
        a.extend(["--settle-ms".into(), p.settle_ms.to_string()]);
    }
    if p.force {
        a.push("--force".into());
    }
    if let Some(d) = p.confirm {
        a.push(format!("--confirm={}", ms(d)));
    }
    if p.queue {
        // Queued there: that host's `sb watch` delivers it.
        a.push("--queue".into());
        if let Some(d) = p.ttl {
            a.extend(["--ttl".into(), ms(d)]);
        }
    }
    a.push("-".into());
    // `sb send -` drops one final newline of what it reads: add one, so the text arrives as it is.
    let mut input = text.into_bytes();
    input.push(b'\n');
    let timeout = CALL_TIMEOUT.saturating_add(p.confirm.unwrap_or_default());
    // `--when-ready` waits here, one remote try every READY_POLL: stopped here (Ctrl-C), nothing
    // keeps waiting there to type later. Each try logs there under the same id; readers show
    // the last.
    let deadline = p.when_ready.map(|d| std::time::Instant::now() + d);
    let result: Result<SendReport> = loop {
        let tried = remote.call(&a, Some(&input), timeout);
        // A report means it got there: that holds whatever happened here meanwhile.
        if crate::interrupt::requested() && tried.is_err() {
            // Stopped while a try was on its way: whether it was typed there is unknown, and
            // the record here stays `sending`, which says exactly that.
            let cause = SbError::Interrupted(format!(
                "stopped while waiting for the peer to be ready; see `sb history --hosts` for what {} did",
                remote.host
            ));
            if tried.as_ref().is_err_and(|e| e.kind() == "refused") {
                break Err(cause);
            }
            return Err(SbError::Undelivered {
                id,
                cause: Box::new(cause),
            });
        }
        match (tried, deadline) {
            (Err(e), Some(end)) if e.kind() == "refused" => {
                if std::time::Instant::now() >= end {
                    break Err(SbError::Timeout {
                        secs: p.when_ready.unwrap_or_default().as_secs_f64(),
                        what: format!("{e}; it did not become ready"),
                    });
                }
                let pause = std::time::Instant::now() + READY_POLL;
                while std::time::Instant::now() < pause && !crate::interrupt::requested() {
                    std::thread::sleep(Duration::from_millis(25));
                }
                if crate::interrupt::requested() {
                    break Err(SbError::Interrupted(
                        "stopped while waiting for the peer to be ready".into(),
                    ));
                }
            }
            (tried, _) => break tried,
        }
    };
    msg.ts = now_rfc3339();
    match result {
        Ok(mut report) => {
            msg.delivered = report.message.delivered;
            msg.submitted = report.message.submitted;
            msg.error.clone_from(&report.message.error);
            msg.outcome = report.message.outcome.or(Some(Outcome::Delivered));
            // The steps as that host logged them. No `basis`: the seen receipt is checked there,
            // next to the pane; and a copy queued here is that host's queue, not this one's.
            msg.receipts.clone_from(&report.message.receipts);
            msg.expires_at.clone_from(&report.message.expires_at);
            msg.via.clone_from(&report.message.via);
            // Delivered there: a failure to log it here must not look like a failed send.
            if let Err(e) = append_message_with(&ctx.state, &msg, false) {
                report.log_warning.get_or_insert(format!(
                    "the message was delivered on {}, but its outcome could not be logged here: {e}",
                    remote.host
                ));
            }
            if msg.delivered {
                touch(ctx, &p.to);
            }
            report.message.host = Some(remote.host);
            Ok(report)
        }
        Err(e) => {
            msg.error = Some(e.to_string());
            msg.outcome = Some(Outcome::Undelivered);
            append_message_with(&ctx.state, &msg, false)?;
            // The remote names the message itself when it logged it; an SSH failure did not
            // reach it, so the id is this host's.
            Err(match e {
                e @ SbError::Remote {
                    message_id: Some(_),
                    ..
                } => e,
                e => SbError::Undelivered {
                    id,
                    cause: Box::new(e),
                },
            })
        }
    }
}

/// `history --hosts`: merge this host's messages (`here`, every one) with the newest `limit` of
/// each host the registry points to, by id: a message logged on two hosts (the sender's copy and
/// the delivery) is shown once, as the host that delivered it logged it, with `host` naming that
/// host (null = here). Oldest first by id (ids sort by time), the newest `limit` (0 = all). A
/// host that cannot be read is a warning, not a failure.
pub fn merge_history(
    ctx: &Ctx,
    mut here: HistoryReport,
    limit: usize,
    role: Option<&str>,
) -> Result<HistoryReport> {
    let reg = Registry::load(&ctx.state)?;
    let mut hosts: Vec<(&str, Option<&str>)> = reg
        .remotes
        .values()
        .map(|e| (e.host.as_str(), e.remote_sb.as_deref()))
        .collect();
    hosts.sort_unstable();
    hosts.dedup_by_key(|h| h.0);
    let mut by_id: std::collections::BTreeMap<String, Message> = std::collections::BTreeMap::new();
    for m in here.messages.drain(..) {
        by_id.insert(m.id.clone(), m);
    }
    for (host, sb) in hosts {
        let there = match Remote::new(ctx, host, sb).history(limit) {
            Ok(r) => r,
            Err(e) => {
                here.warnings.push(format!("{host}: {e}"));
                continue;
            }
        };
        here.skipped += there.skipped;
        for mut m in there.messages {
            if role.is_some_and(|r| m.from != r && m.to != r) {
                continue;
            }
            match m.host {
                // Delivered on that host: its record is the one that knows the outcome.
                None => {
                    m.host = Some(host.to_string());
                    by_id.insert(m.id.clone(), m);
                }
                // That host's copy of a message it sent elsewhere: only when no host that
                // delivered it is known here.
                Some(_) => {
                    by_id.entry(m.id.clone()).or_insert(m);
                }
            }
        }
    }
    let mut messages: Vec<Message> = by_id.into_values().collect();
    if limit > 0 && messages.len() > limit {
        messages.drain(..messages.len() - limit);
    }
    here.messages = messages;
    Ok(here)
}

/// Refresh a pointer's `last_seen` after a delivery (at most every 10 s; best effort).
fn touch(ctx: &Ctx, role: &str) {
    let fresh = |reg: &Registry| {
        reg.remote(role).is_none_or(|e| {
            crate::clock::parse_rfc3339(&e.last_seen)
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age < crate::ops::register::LAST_SEEN_GRANULARITY)
        })
    };
    if Registry::load(&ctx.state).is_ok_and(|r| fresh(&r)) {
        return;
    }
    let now = now_rfc3339();
    let _ = Registry::update(&ctx.state, |reg| {
        if let Some(e) = reg.remotes.get_mut(role) {
            e.last_seen = now;
        }
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_for_the_remote_shell_only_when_needed() {
        assert_eq!(quote("dev"), "dev");
        assert_eq!(quote("--when-ready=500ms"), "--when-ready=500ms");
        assert_eq!(quote("/usr/local/bin/sb"), "/usr/local/bin/sb");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(quote("`x`;y"), "'`x`;y'");
    }

    #[test]
    fn the_command_line_quotes_sb_and_keeps_a_home_path() {
        let ctx = Ctx {
            state: crate::store::StateDir::at("/tmp/s"),
            tmux: crate::tmux::Tmux::new(None),
        };
        let r = Remote::new(&ctx, "build1", Some("~/my bin/sb"));
        assert_eq!(
            r.command_line(&["peek".into(), "dev".into()]),
            "~/'my bin/sb' --json peek dev"
        );
        let r = Remote::new(&ctx, "build1", None);
        assert_eq!(
            r.command_line(&["respond".into(), "dev".into(), "--".into(), ";".into()]),
            "sb --json respond dev -- ';'"
        );
    }

    #[test]
    fn hosts_ids_and_paths_are_checked() {
        for ok in ["build1", "user@build1.example.com", "[::1]", "h-2_x"] {
            assert!(check_host(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-oProxyCommand=x", "a b", "a;b", "a\nb", "$(x)"] {
            assert!(check_host(bad).is_err(), "{bad:?}");
        }
        assert!(check_id("0189abcdef").is_ok());
        for bad in ["", "ABC", "12 3", "x", &"a".repeat(65)] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
        assert!(check_remote_sb("~/.cargo/bin/sb").is_ok());
        for bad in ["", "-x", "a\nb"] {
            assert!(check_remote_sb(bad).is_err(), "{bad:?}");
        }
    }
}
