//! Native delivery to Claude Code: the message goes over the session's own cross-session socket
//! (the one its `SendMessage` tool uses) instead of being typed, so it can never answer a prompt.
//!
//! Measured on Claude Code 2.1.332 (undocumented; `tests/e2e/native.py` pins each point):
//! - The session file `sessions/<pid>.json` names the socket (`messagingSocketPath`, a 0600 socket
//!   in a 0700 folder); next to it `<pid>.<sha256 of the resolved socket path>.key` holds
//!   `peerToken` (read by `crate::agents::claude::peer_for_pane`).
//! - One connection per message: newline-terminated JSON lines, the client writes and closes its
//!   side, the server writes nothing back; at most 1 MiB per line. First
//!   `{"type":"auth","token":…}`, then `{"msgV":1,"msg_id":…,"type":"user","message":{"role":
//!   "user","content":"<cross-session-message …>\n…\n</cross-session-message>"},"priority":"next",
//!   "from":"uds:…"}`.
//! - The wrapper parses only when rebuilding it gives the same string: attributes `from`
//!   (`[A-Za-z0-9%:_/.\-]`), `from-name` (no `"<>` or line breaks), and a body in which every
//!   closing tag (also spelled with look-alike characters) has its `<` turned into `<\`.
//! - Receipts (`peer_message_status`: `held`, `expired` with `status_detail: refused`, …) go only
//!   to the JSON `from` address, only when it is in the recipient's socket folder (or a default
//!   one), and only to a listener owned by the sending process. sb listens there for about a
//!   second; nothing arrives for a message that was taken.
//!
//! sb never sends `from-mode`, `rename` or other control actions, or `priority: "now"`.

use crate::agents::claude::{self, Peer};
use crate::detect::Agent;
use crate::error::SbError;
use crate::pane::{Observation, Pane};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The Claude Code versions the end-to-end suite (`tests/e2e/native.py`) has verified native
/// delivery on, inclusive. `--via auto` uses native only for these; others get paste.
pub const VERIFIED_VERSIONS: (&str, &str) = ("2.1.332", "2.1.332");

/// How long sb listens for a receipt after sending (a held or refused message is answered
/// within milliseconds; a taken one never is).
pub const RECEIPT_WAIT: Duration = Duration::from_millis(1000);

/// Claude Code reads at most this many bytes per line (the newline included).
pub const MAX_LINE: usize = 1 << 20;

/// The longest reply address Claude Code accepts.
const MAX_ADDRESS: usize = 300;

/// The tag Claude Code wraps a message from another session in.
const TAG: &str = "cross-session-message";

/// How `send` delivers: `paste` types through the guard (as always), `native` uses only the
/// session's socket, `auto` uses the socket when a verified Claude Code session offers one and
/// pastes otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Auto,
    Native,
    Paste,
}

/// The default of `sb send --via` and MCP `send`'s `via`: `auto`, since the end-to-end suite
/// passed on the pinned Claude Code (was `paste` until then). sb's own notices (`sb watch`,
/// `sb down`) still paste ([`crate::ops::send::SendParams::new`]).
pub const DEFAULT_VIA: Via = Via::Auto;

impl std::str::FromStr for Via {
    type Err = String;
    fn from_str(s: &str) -> Result<Via, String> {
        match s {
            "auto" => Ok(Via::Auto),
            "native" => Ok(Via::Native),
            "paste" => Ok(Via::Paste),
            other => Err(format!(
                "unknown delivery path {other:?}: use auto, native or paste"
            )),
        }
    }
}

impl Via {
    pub const fn as_str(self) -> &'static str {
        match self {
            Via::Auto => "auto",
            Via::Native => "native",
            Via::Paste => "paste",
        }
    }
}

impl std::fmt::Display for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `version` (`2.1.332`) lies in [`VERIFIED_VERSIONS`].
pub fn version_verified(version: Option<&str>) -> bool {
    let parse =
        |v: &str| -> Option<Vec<u64>> { v.trim().split('.').map(|p| p.parse().ok()).collect() };
    let (Some(v), Some(lo), Some(hi)) = (
        version.and_then(parse),
        parse(VERIFIED_VERSIONS.0),
        parse(VERIFIED_VERSIONS.1),
    ) else {
        return false;
    };
    lo <= v && v <= hi
}

// ------------------------------------------------------------------------------------------------
// The frame

/// The message's status as the recipient reported it (or `sent`: no receipt came).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NativeStatus {
    /// Written to the socket; no receipt within the wait (Claude Code sends none for a taken
    /// message), or `delivered`.
    Sent,
    /// The recipient holds it for a person's yes/no (`crossSessionInbound: hold`).
    Held,
    /// The recipient refuses peer messages (`crossSessionInbound: refuse`, or a policy).
    Refused,
    /// Expired, denied by a person, or dropped (duplicate, rate limit, queue full).
    Expired,
}

/// What native delivery did (`sb send --json`'s `native`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NativeReport {
    /// The `msg_id` of the frame (the recipient's transcript records it in `origin.msg_id`).
    pub msg_id: String,
    /// The recipient's messaging socket.
    pub socket: String,
    pub status: NativeStatus,
    /// The recipient's words, from its receipt.
    pub reason: Option<String>,
    /// Where the recipient's `SendMessage` reply goes (the sending Claude Code session's socket);
    /// null when sb does not run inside one.
    pub reply_to: Option<String>,
    /// The frame carried the session's peer token (`verifiedLocal` on the recipient's side).
    pub authenticated: bool,
    /// sb listened for receipts (false when no listener could be bound next to the socket).
    pub receipts: bool,
}

/// Every character of a role name that may stand in `from-name="…"`: no quotes, angle brackets,
/// line breaks, controls or invisible characters. Role names (`[A-Za-z0-9._-]`) pass unchanged.
pub fn clean_name(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(|c| !matches!(c, '"' | '<' | '>') && !c.is_control() && !is_invisible(*c))
        .collect();
    s.trim().chars().take(64).collect()
}

/// `uds:<path>` as Claude Code writes a reply address: bytes outside `[A-Za-z0-9:_/.\-]` as `%XX`.
/// None when it would be longer than Claude Code accepts.
pub fn uds_address(path: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    let mut s = String::from("uds:");
    for b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'/' | b'.' | b'-') {
            s.push(*b as char);
        } else {
            let _ = write!(s, "%{b:02X}");
        }
    }
    (s.len() <= MAX_ADDRESS).then_some(s)
}

/// The body with every closing `</cross-session-message` (case-insensitive, also with look-alike
/// `<` `/` and dashes, fillers before the name and invisible characters inside it) turned into
/// `<\/…`, as Claude Code does: the text cannot end the wrapper early, and the wrapper still
/// parses.
pub fn escape_body(body: &str) -> String {
    let chars: Vec<char> = body.chars().collect();
    let mut out = String::with_capacity(body.len());
    for (i, c) in chars.iter().enumerate() {
        if is_open(*c) && closes_tag(&chars, i) {
            out.push_str("<\\");
        } else {
            out.push(*c);
        }
    }
    out
}

/// The content string: `<cross-session-message from="…" from-name="…">\n<body>\n</…>`.
pub fn wrapper(reply: Option<&str>, name: &str, body: &str) -> String {
    let mut attrs = String::new();
    if let Some(r) = reply {
        let _ = write!(attrs, " from=\"{r}\"");
    }
    let name = clean_name(name);
    if !name.is_empty() {
        let _ = write!(attrs, " from-name=\"{name}\"");
    }
    format!("<{TAG}{attrs}>\n{}\n</{TAG}>", escape_body(body))
}

/// A line of the frame is longer than Claude Code reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLong {
    pub bytes: usize,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the message is {} bytes as one line of Claude Code's socket, which takes at most {} (1 MiB)",
            self.bytes, MAX_LINE
        )
    }
}

/// The bytes written to the socket: the auth line (with a token) and the message line.
pub fn frame(
    token: Option<&str>,
    msg_id: &str,
    content: &str,
    from: Option<&str>,
) -> Result<Vec<u8>, TooLong> {
    let mut out = Vec::new();
    if let Some(t) = token {
        line(&mut out, &serde_json::json!({"type": "auth", "token": t}))?;
    }
    let mut msg = serde_json::json!({
        "msgV": 1,
        "msg_id": msg_id,
        "type": "user",
        "message": {"role": "user", "content": content},
        "priority": "next",
    });
    if let Some(f) = from {
        msg["from"] = f.into();
    }
    line(&mut out, &msg)?;
    Ok(out)
}

fn line(out: &mut Vec<u8>, v: &serde_json::Value) -> Result<(), TooLong> {
    let mut l = serde_json::to_vec(v).unwrap_or_default();
    l.push(b'\n');
    if l.len() > MAX_LINE {
        return Err(TooLong { bytes: l.len() });
    }
    out.extend_from_slice(&l);
    Ok(())
}

/// A random (version 4) UUID, from the kernel's random source.
pub fn new_uuid() -> String {
    let mut b = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b));
    if read.is_err() {
        // Unique enough without the random source: time and pid.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        b[..12].copy_from_slice(&t.to_le_bytes()[..12]);
        b[12..].copy_from_slice(&std::process::id().to_le_bytes());
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

// The closing-tag matcher (what Claude Code's own escaping catches).

fn is_open(c: char) -> bool {
    matches!(
        c,
        '<' | '\u{FF1C}'
            | '\u{FE64}'
            | '\u{226A}'
            | '\u{22D8}'
            | '\u{2AA1}'
            | '\u{2AF7}'
            | '\u{27EA}'
            | '\u{FE3D}'
            | '\u{300A}'
            | '\u{2039}'
            | '\u{3008}'
            | '\u{2329}'
            | '\u{27E8}'
            | '\u{276E}'
    )
}

fn is_close(c: char) -> bool {
    matches!(
        c,
        '>' | '\u{FF1E}'
            | '\u{FE65}'
            | '\u{226B}'
            | '\u{22D9}'
            | '\u{2AA2}'
            | '\u{2AF8}'
            | '\u{27EB}'
            | '\u{FE3E}'
            | '\u{300B}'
            | '\u{203A}'
            | '\u{3009}'
            | '\u{232A}'
            | '\u{27E9}'
            | '\u{276F}'
    )
}

fn is_slash(c: char) -> bool {
    matches!(c, '/' | '\u{FF0F}' | '\u{2215}' | '\u{2044}' | '\u{29F8}')
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Dashes and connector punctuation Claude Code accepts for `-` in the tag name.
fn is_dash(c: char) -> bool {
    matches!(c,
        '-' | '_' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{207B}' | '\u{208B}' | '\u{02D7}'
        | '\u{2796}' | '\u{2043}' | '\u{30FC}' | '\u{FF70}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
        | '\u{058A}' | '\u{05BE}' | '\u{1400}' | '\u{1806}' | '\u{2E17}' | '\u{2E1A}'
        | '\u{2E3A}' | '\u{2E3B}' | '\u{2E40}' | '\u{301C}' | '\u{3030}' | '\u{30A0}'
        | '\u{FE31}' | '\u{FE32}' | '\u{2017}' | '\u{02CD}' | '\u{07FA}' | '\u{0640}'
        | '\u{203F}' | '\u{2040}' | '\u{2054}' | '\u{FE33}' | '\u{FE34}' | '\u{FE4D}'..='\u{FE4F}'
        | '\u{FF3F}')
}

/// Controls, format characters and combining marks that may hide inside the tag name.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{2028}' | '\u{2029}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{0600}'..='\u{0605}'
            | '\u{06DD}' | '\u{070F}' | '\u{0890}' | '\u{0891}' | '\u{08E2}' | '\u{110BD}'
            | '\u{110CD}' | '\u{0300}'..='\u{036F}' | '\u{0483}'..='\u{0489}'
            | '\u{0591}'..='\u{05BD}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}'
            | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}' | '\u{E0000}'..='\u{E0FFF}')
}

fn same_letter(c: char, want: char) -> bool {
    c.eq_ignore_ascii_case(&want) || (want == 's' && c == '\u{017F}')
}

/// Whether the open bracket at `i` starts a closing tag of the wrapper.
fn closes_tag(chars: &[char], i: usize) -> bool {
    let at = |j: usize| chars.get(j).copied();
    let mut j = i + 1;
    if at(j) == Some('\\') {
        return false;
    }
    let filler = |c: char| !is_word(c) && !is_open(c) && !is_close(c);
    while at(j).is_some_and(|c| filler(c) && !is_slash(c)) {
        j += 1;
    }
    if !at(j).is_some_and(is_slash) {
        return false;
    }
    j += 1;
    while at(j).is_some_and(filler) {
        j += 1;
    }
    for (k, want) in TAG.chars().enumerate() {
        if k > 0 {
            while at(j).is_some_and(is_invisible) {
                j += 1;
            }
        }
        let Some(c) = at(j) else {
            return false;
        };
        let ok = if want == '-' {
            is_dash(c)
        } else {
            same_letter(c, want)
        };
        if !ok {
            return false;
        }
        j += 1;
    }
    !at(j).is_some_and(is_word)
}

// ------------------------------------------------------------------------------------------------
// The socket

/// A socket sb listens on for receipts, next to the recipient's (so Claude Code accepts it as a
/// reply address); removed when dropped.
pub struct Listener {
    sock: UnixListener,
    path: PathBuf,
}

impl Listener {
    /// Bind `<dir>/<pid>-<8 hex>.sock`, the shape of the socket names Claude Code accepts.
    pub fn bind(dir: &Path) -> std::io::Result<Listener> {
        let tag = &new_uuid()[..8];
        let path = dir.join(format!("{}-{tag}.sock", std::process::id()));
        // Claude Code's own limit for a socket path (sun_path minus margin).
        if path.as_os_str().len() > 103 {
            return Err(std::io::Error::other("the socket path would be too long"));
        }
        let sock = UnixListener::bind(&path)?;
        sock.set_nonblocking(true)?;
        Ok(Listener { sock, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The first receipt for `msg_id` from `from` (the recipient's address) before `deadline`;
    /// None at the deadline, or as soon as `taken()` says the recipient took the message (then
    /// no receipt will come).
    pub fn wait(
        &self,
        msg_id: &str,
        from: Option<&str>,
        deadline: Instant,
        taken: &dyn Fn() -> bool,
    ) -> Option<Receipt> {
        let mut next_look = Instant::now();
        while Instant::now() < deadline {
            if Instant::now() >= next_look {
                if taken() {
                    return None;
                }
                next_look = Instant::now() + Duration::from_millis(50);
            }
            match self.sock.accept() {
                Ok((conn, _)) => {
                    if let Some(r) = read_receipt(conn, msg_id, from) {
                        return Some(r);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(15));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(15)),
            }
        }
        None
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A `peer_message_status` line about one of sb's messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub status: NativeStatus,
    pub reason: Option<String>,
}

fn read_receipt(mut conn: UnixStream, msg_id: &str, from: Option<&str>) -> Option<Receipt> {
    conn.set_nonblocking(false).ok()?;
    conn.set_read_timeout(Some(Duration::from_millis(300)))
        .ok()?;
    let mut buf = Vec::new();
    let _ = (&mut conn).take(64 * 1024).read_to_end(&mut buf);
    buf.split(|b| *b == b'\n')
        .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok())
        .find_map(|v| parse_receipt(&v, msg_id, from))
}

/// One receipt line, if it is a status for `msg_id` (from the recipient, when its address is
/// known).
pub fn parse_receipt(v: &serde_json::Value, msg_id: &str, from: Option<&str>) -> Option<Receipt> {
    if v["type"] != "control" || v["action"] != "peer_message_status" {
        return None;
    }
    if v["orig_msg_id"].as_str() != Some(msg_id) {
        return None;
    }
    if let (Some(want), Some(got)) = (from, v["from"].as_str())
        && want != got
    {
        return None;
    }
    let status = match (v["status"].as_str()?, v["status_detail"].as_str()) {
        ("held", _) => NativeStatus::Held,
        ("delivered", _) => NativeStatus::Sent,
        ("refused", _) | ("expired", Some("refused")) => NativeStatus::Refused,
        ("expired" | "denied" | "dropped", _) => NativeStatus::Expired,
        _ => return None,
    };
    Some(Receipt {
        status,
        reason: v["reason"].as_str().map(str::to_string),
    })
}

/// What the message says and who sends it.
pub struct Outgoing<'a> {
    /// The sender's role (`from-name`).
    pub name: &'a str,
    /// The sending Claude Code session's own socket, where a `SendMessage` reply goes.
    pub reply: Option<&'a Path>,
    /// The sanitized text (no `[from:…]` tag: the wrapper names the sender).
    pub text: &'a str,
}

/// Native delivery could not be attempted or failed before the recipient took it.
#[derive(Debug)]
pub enum NativeError {
    TooLong(TooLong),
    /// The socket did not take the message (the session went away, or hangs).
    Socket(String),
}

impl std::fmt::Display for NativeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NativeError::TooLong(t) => t.fmt(f),
            NativeError::Socket(s) => f.write_str(s),
        }
    }
}

/// Write the message to `peer`'s socket and listen `wait` for a receipt, or until `transcript`
/// (the recipient's, and its length before sending) records the message as taken.
pub fn deliver(
    peer: &Peer,
    out: &Outgoing,
    wait: Duration,
    transcript: Option<&(PathBuf, u64)>,
) -> Result<NativeReport, NativeError> {
    let msg_id = new_uuid();
    let reply = out.reply.and_then(uds_address);
    let content = wrapper(reply.as_deref(), out.name, out.text);
    let listener = peer.socket.parent().and_then(|d| Listener::bind(d).ok());
    let own = listener.as_ref().and_then(|l| uds_address(l.path()));
    // Receipts come to the JSON `from`; a reply from the recipient's model to the wrapper's.
    let from = own.clone().or_else(|| reply.clone());
    let bytes = frame(peer.token.as_deref(), &msg_id, &content, from.as_deref())
        .map_err(NativeError::TooLong)?;
    write_frame(&peer.socket, &bytes).map_err(|e| {
        NativeError::Socket(format!(
            "Claude Code's socket {} did not take the message: {e}",
            peer.socket.display()
        ))
    })?;
    let receipt = match (&listener, own.is_some()) {
        // The random msg_id names the message; the sender's address is not compared (Claude Code
        // may name its socket through a symlinked folder), the listener's folder is the user's.
        (Some(l), true) => l.wait(&msg_id, None, Instant::now() + wait, &|| match transcript {
            Some((p, len)) => taken_since(p, *len, &msg_id),
            // A session's transcript appears with its first turn.
            None => transcript_of(peer).is_some_and(|p| taken_since(&p, 0, &msg_id)),
        }),
        _ => None,
    };
    Ok(NativeReport {
        msg_id,
        socket: peer.socket.display().to_string(),
        status: receipt.as_ref().map_or(NativeStatus::Sent, |r| r.status),
        reason: receipt.and_then(|r| r.reason),
        reply_to: reply,
        authenticated: peer.token.is_some(),
        receipts: own.is_some(),
    })
}

/// One connection: write the lines and close (the server writes nothing back; what was written
/// stays queued for it after the close).
fn write_frame(socket: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut s = UnixStream::connect(socket)?;
    s.set_write_timeout(Some(Duration::from_secs(5)))?;
    s.write_all(bytes)?;
    s.flush()?;
    s.shutdown(std::net::Shutdown::Write)
}

// ------------------------------------------------------------------------------------------------
// The choice `send` makes

/// What `send` does after looking at native delivery.
pub enum Plan {
    /// Sent (or held) over the socket; the transcript and its length before sending, for
    /// `--confirm`.
    Done(NativeReport, Option<(PathBuf, u64)>),
    /// Paste through the guard; `why` native was not used (None under `--via paste` and for an
    /// agent other than Claude Code), `tried` when a frame was written first and native delivery
    /// failed (the screen must be read again, and the caller says so).
    Paste { why: Option<String>, tried: bool },
    /// `--via native` and native delivery is not possible: nothing was sent.
    Fail(SbError),
}

/// Deliver over `pane`'s Claude Code socket if `via` allows and the session offers one, as seen
/// in `obs` (read under the pane lock). `sender` is the sending role's pane, for the reply
/// address when sb does not run inside a Claude Code session itself.
pub fn try_deliver(
    pane: &Pane,
    obs: &Observation,
    via: Via,
    from: &str,
    sender: Option<&Pane>,
    text: &str,
) -> Plan {
    let role = &pane.role;
    let explicit = via == Via::Native;
    let skip = |why: String| {
        if explicit {
            Plan::Fail(SbError::Refused {
                reason: format!("native delivery to {role} is not possible: {why}"),
                hint: "send it with --via paste (typed, through the guard) or --via auto; `sb doctor` checks native delivery".into(),
            })
        } else {
            Plan::Paste {
                why: Some(why),
                tried: false,
            }
        }
    };
    if via == Via::Paste {
        return Plan::Paste {
            why: None,
            tried: false,
        };
    }
    if obs.detection.agent != Agent::Claude {
        if !explicit {
            return Plan::Paste {
                why: None,
                tried: false,
            };
        }
        return skip(format!(
            "{role}'s pane does not read as Claude Code (agent {})",
            obs.detection.agent
        ));
    }
    // Nothing is typed, so an open menu or a draft does not matter; a shell or a screen sb
    // cannot read still does.
    let v = crate::guard::native_verdict(role, &obs.detection, Some(&obs.info.command));
    if let Some(reason) = v.refusal {
        return if explicit {
            Plan::Fail(SbError::Refused {
                reason,
                hint: v.hint.unwrap_or_default(),
            })
        } else {
            Plan::Paste {
                why: None,
                tried: false,
            }
        };
    }
    let dirs = claude::config_dirs(pane.entry.transcript_path.as_deref());
    let peer = match claude::peer_for_pane(&dirs, pane.id(), obs.info.pane_pid) {
        Ok(p) => p,
        Err(why) => return skip(why),
    };
    if !explicit && !version_verified(peer.version.as_deref()) {
        return skip(unverified(peer.version.as_deref()));
    }
    let reply = reply_socket(sender);
    let transcript = pane
        .entry
        .transcript_path
        .as_deref()
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| transcript_of(&peer))
        .map(|p| {
            let len = crate::store::log::file_len(&p);
            (p, len)
        });
    let out = Outgoing {
        name: from,
        reply: reply.as_deref(),
        text,
    };
    match deliver(&peer, &out, RECEIPT_WAIT, transcript.as_ref()) {
        Ok(r) if matches!(r.status, NativeStatus::Sent | NativeStatus::Held) => {
            let transcript = transcript.or_else(|| transcript_of(&peer).map(|p| (p, 0)));
            Plan::Done(r, transcript)
        }
        Ok(r) => {
            let why = format!(
                "{role}'s Claude Code answered {}: {}",
                match r.status {
                    NativeStatus::Refused => "refused",
                    _ => "expired",
                },
                r.reason.as_deref().unwrap_or("no reason given")
            );
            if explicit {
                Plan::Fail(SbError::Refused {
                    reason: format!("native delivery to {role} failed: {why}"),
                    hint: "its user can change Claude Code's crossSessionInbound setting (~/.claude/settings.json); or send it with --via paste".into(),
                })
            } else {
                Plan::Paste {
                    why: Some(why),
                    tried: true,
                }
            }
        }
        Err(NativeError::TooLong(t)) if explicit => Plan::Fail(SbError::Usage(format!(
            "{t}; send it with --via paste, or split it"
        ))),
        Err(NativeError::Socket(e)) if explicit => Plan::Fail(SbError::Other(anyhow::anyhow!(
            "native delivery to {role} failed: {e}"
        ))),
        Err(e) => Plan::Paste {
            why: Some(e.to_string()),
            tried: matches!(e, NativeError::Socket(_)),
        },
    }
}

/// Why an unverified Claude Code version gets paste under `auto`.
pub fn unverified(version: Option<&str>) -> String {
    format!(
        "Claude Code {} is not a version sb has verified native delivery on ({}–{})",
        version.unwrap_or("of unknown version"),
        VERIFIED_VERSIONS.0,
        VERIFIED_VERSIONS.1
    )
}

/// The sending Claude Code session's own socket, where the recipient's `SendMessage` reply goes:
/// `$CLAUDE_CODE_MESSAGING_SOCKET` (set by Claude Code for the commands it runs, so also for sb
/// started by its Bash tool), else the session file of the sender's pane.
pub fn reply_socket(sender: Option<&Pane>) -> Option<PathBuf> {
    use std::os::unix::fs::FileTypeExt;
    if let Some(s) = std::env::var_os("CLAUDE_CODE_MESSAGING_SOCKET").filter(|s| !s.is_empty()) {
        let p = PathBuf::from(s);
        if std::fs::metadata(&p).is_ok_and(|m| m.file_type().is_socket()) {
            return Some(p);
        }
    }
    let pane = sender?;
    let info = pane.raw_info().ok()?;
    let dirs = claude::config_dirs(pane.entry.transcript_path.as_deref());
    claude::peer_for_pane(&dirs, pane.id(), info.pane_pid)
        .ok()
        .map(|p| p.socket)
}

/// Whether native delivery would be used for `pane` under `--via auto`, and why not: for
/// `sb doctor`. None when the pane is not Claude Code's.
pub fn status(pane: &Pane) -> Option<Result<String, String>> {
    let info = pane.raw_info().ok()?;
    let dirs = claude::config_dirs(pane.entry.transcript_path.as_deref());
    let peer = claude::peer_for_pane(&dirs, pane.id(), info.pane_pid);
    let is_claude = crate::detect::recognise_command(&info.command) == Some(Agent::Claude);
    match peer {
        Err(why) if is_claude => Some(Err(why)),
        Err(_) => None,
        Ok(p) if !version_verified(p.version.as_deref()) => {
            Some(Err(unverified(p.version.as_deref())))
        }
        Ok(p) => Some(Ok(format!(
            "Claude Code {} listens on {}{}",
            p.version.as_deref().unwrap_or("?"),
            p.socket.display(),
            if p.token.is_some() {
                " (peer token found)"
            } else {
                ""
            }
        ))),
    }
}

/// The outcome record of a message sent over the socket: `delivered` and `submitted` (with its
/// `submitted` step, and the transcript its `seen` receipt is checked against), or `held`.
pub fn mark_delivered(
    msg: &mut crate::store::log::Message,
    n: &NativeReport,
    transcript: Option<&(PathBuf, u64)>,
    ts: &str,
) {
    use crate::store::log::{Outcome, SeenBasis, Step};
    msg.via = Some("native".into());
    if n.status == NativeStatus::Held {
        msg.delivered = false;
        msg.submitted = false;
        msg.outcome = Some(Outcome::Held);
        msg.error = Some(format!(
            "held for a person's approval in {}'s session{}",
            msg.to,
            n.reason
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ));
        return;
    }
    msg.delivered = true;
    msg.submitted = true;
    msg.outcome = Some(Outcome::Delivered);
    msg.push_step(Step::Submitted, ts, None, None);
    // Only the transcript can tell (nothing was typed that a screen could show).
    msg.basis = transcript.map(|(p, offset)| SeenBasis {
        agent: Agent::Claude,
        transcript: Some(p.display().to_string()),
        offset: *offset,
        visible: 0,
        busy: false,
    });
}

// ------------------------------------------------------------------------------------------------
// The transcript

/// Whether a Claude Code transcript line records the message `msg_id` as taken: a user record
/// (an idle session's new turn) or a `queued_command` attachment (handed over mid-turn) whose
/// `origin` is a peer with that id. The queue's own `enqueue` line does not count.
pub fn taken_in_line(line: &serde_json::Value, msg_id: &str) -> bool {
    if line["type"] == "queue-operation" {
        return false;
    }
    [&line["origin"], &line["attachment"]["origin"]]
        .iter()
        .any(|o| o["kind"] == "peer" && o["msg_id"].as_str() == Some(msg_id))
}

/// The transcript of the session `peer` (its session id under its config dir's `projects/`).
pub fn transcript_of(peer: &Peer) -> Option<PathBuf> {
    let id = peer.session_id.as_deref()?;
    let projects = peer.session_file.parent()?.parent()?.join("projects");
    std::fs::read_dir(projects)
        .ok()?
        .flatten()
        .take(4096)
        .map(|d| d.path().join(format!("{id}.jsonl")))
        .find(|p| p.is_file())
}

/// `send --confirm` for a native message: wait up to `timeout` until the recipient's transcript
/// records `msg_id` as taken (a new turn, or handed to the model mid-turn).
pub fn confirm(
    transcript: Option<&(PathBuf, u64)>,
    msg_id: &str,
    timeout: Duration,
) -> crate::ops::confirm::Confirmation {
    use crate::poll::{Step, Waited, poll_until};
    let start = Instant::now();
    let confirmed = transcript.is_some_and(|(path, from)| {
        let waited = poll_until(timeout, Duration::from_millis(200), || {
            Ok::<_, ()>(if taken_since(path, *from, msg_id) {
                Step::Done(())
            } else {
                Step::Again
            })
        });
        matches!(waited, Ok(Waited::Done(())))
    });
    crate::ops::confirm::Confirmation {
        confirmed,
        method: "transcript".into(),
        waited_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        retried_enter: false,
        state: None,
    }
}

/// Whether the transcript at `path`, after byte `from`, records `msg_id` as taken.
pub fn taken_since(path: &Path, from: u64, msg_id: &str) -> bool {
    use std::os::unix::fs::FileExt;
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len <= from {
        return false;
    }
    let mut buf = vec![0u8; (len - from).min(crate::transcript::READ_CAP) as usize];
    if f.read_exact_at(&mut buf, from).is_err() {
        return false;
    }
    buf.split(|b| *b == b'\n')
        .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok())
        .any(|v| taken_in_line(&v, msg_id))
}

#[cfg(test)]
mod tests;
