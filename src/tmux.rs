//! The only place that runs `tmux`: socket choice, chained commands, load-buffer fed on stdin,
//! captures, keys and pane facts, with typed errors ([`Error`]: no tmux, no server, no such pane,
//! a dead pane, a reused pane id, a timeout). tmux is always run with `-u`, so its output (the tab
//! separators of sb's formats, non-ASCII names) does not depend on the caller's locale.

use crate::process::RunError;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

/// Why a tmux call failed. Callers match on the variant, never on the message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the `tmux` binary was not found on PATH")]
    NoBinary,
    #[error("cannot run tmux: {0}")]
    Spawn(std::io::Error),
    #[error("no tmux server is running on socket {socket}")]
    NoServer { socket: String },
    #[error("the tmux server did not answer; it has probably exited")]
    ServerLost,
    #[error("tmux pane {0} does not exist")]
    NoPane(String),
    #[error("the program in tmux pane {0} has exited")]
    DeadPane(String),
    #[error(
        "tmux pane {pane} now belongs to server pid {now}, not {registered}: a reused id, not the same pane"
    )]
    ReusedId {
        pane: String,
        now: u32,
        registered: u32,
    },
    #[error("tmux did not answer within {0}s")]
    Timeout(u64),
    #[error("tmux failed: {0}")]
    Failed(String),
}

impl Error {
    /// The server or the binary is missing: nothing about any pane is known.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Error::NoBinary | Error::Spawn(_) | Error::NoServer { .. } | Error::ServerLost
        )
    }
}

impl From<Error> for crate::error::SbError {
    fn from(e: Error) -> Self {
        use crate::error::SbError;
        match e {
            Error::NoBinary => SbError::TmuxNotFound,
            Error::NoServer { socket } => SbError::NoTmuxServer {
                socket,
                detail: String::new(),
            },
            Error::Spawn(_) | Error::ServerLost => SbError::TmuxUnavailable(e.to_string()),
            Error::NoPane(_) | Error::DeadPane(_) | Error::ReusedId { .. } => {
                SbError::PaneGone(e.to_string())
            }
            Error::Timeout(_) => SbError::Tmux(e.to_string()),
            Error::Failed(m) => SbError::Tmux(m),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How to reach the tmux server: `-S socket`, or tmux's own default (which honours `$TMUX`).
#[derive(Debug, Clone, Default)]
pub struct Tmux {
    pub socket: Option<PathBuf>,
    /// Open control-mode connections to this server (`sb watch`, `sb wait`): captures go down
    /// them instead of a new `tmux` process each (see `crate::control`). None for one-shot
    /// commands.
    pub control: Option<std::sync::Arc<crate::control::Hub>>,
}

/// Facts about one pane, read in one `display-message` call.
#[derive(Debug, Clone, PartialEq)]
pub struct PaneInfo {
    pub pane: String,
    pub server_pid: u32,
    pub session: String,
    pub window: u32,
    pub cwd: String,
    pub command: String,
    pub dead: bool,
    /// The pid of the pane's first process (the shell or agent tmux started in it).
    pub pane_pid: u32,
    pub title: String,
}

const PANE_FORMAT: &str = "#{pane_id}\t#{pid}\t#{session_name}\t#{window_index}\t#{pane_current_path}\t#{pane_current_command}\t#{pane_dead}\t#{pane_pid}\t#{pane_title}";

impl PaneInfo {
    fn parse(line: &str) -> Option<PaneInfo> {
        let f: Vec<&str> = line.splitn(9, '\t').collect();
        if f.len() < 9 || !f[0].starts_with('%') {
            return None;
        }
        Some(PaneInfo {
            pane: f[0].into(),
            server_pid: f[1].parse().ok()?,
            session: f[2].into(),
            window: f[3].parse().unwrap_or(0),
            cwd: f[4].into(),
            command: f[5].into(),
            dead: f[6] == "1",
            pane_pid: f[7].parse().unwrap_or(0),
            title: f[8].into(),
        })
    }
}

/// The longest one tmux call may take before sb gives up on it.
const CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// A pane's facts plus its visible screen, from one tmux invocation.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub info: PaneInfo,
    pub screen: String,
}

/// The pid of the tmux server this process runs under, from `$TMUX` (`socket,pid,session`).
pub fn server_pid_from_env() -> Option<u32> {
    std::env::var("TMUX").ok()?.split(',').nth(1)?.parse().ok()
}

impl Tmux {
    pub fn new(socket: Option<PathBuf>) -> Tmux {
        Tmux {
            socket,
            control: None,
        }
    }

    /// `tmux -u [-S socket]`, for the callers that run it themselves (the control client).
    pub(crate) fn command(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-u");
        if let Some(s) = &self.socket {
            c.arg("-S").arg(s);
        }
        c
    }

    /// Run tmux with `args` (use `";"` between chained commands), optionally feeding `stdin`.
    /// A client that does not answer within CALL_TIMEOUT (a wedged server) is killed.
    pub fn run<S: Into<OsString>>(
        &self,
        args: impl IntoIterator<Item = S>,
        stdin: Option<&[u8]>,
    ) -> Result<String> {
        let mut cmd = self.command();
        cmd.args(args.into_iter().map(Into::into));
        let out = crate::process::run(cmd, stdin, CALL_TIMEOUT).map_err(|e| match e {
            RunError::Spawn(e) if e.kind() == std::io::ErrorKind::NotFound => Error::NoBinary,
            RunError::Spawn(e) | RunError::Wait(e) => Error::Spawn(e),
            RunError::TimedOut => Error::Timeout(CALL_TIMEOUT.as_secs()),
        })?;
        check(out).map_err(|e| match e {
            Error::NoServer { .. } => Error::NoServer {
                socket: self.socket_name(),
            },
            other => other,
        })
    }

    /// The socket this client talks to, for messages: `--socket`/`SB_TMUX_SOCKET`, else the one
    /// in `$TMUX`, else tmux's default (`$TMUX_TMPDIR` or /tmp, then `tmux-UID/default`).
    pub fn socket_name(&self) -> String {
        if let Some(s) = &self.socket {
            return s.display().to_string();
        }
        if let Some(s) = std::env::var("TMUX")
            .ok()
            .and_then(|t| t.split(',').next().map(str::to_string))
            .filter(|s| !s.is_empty())
        {
            return format!("{s} (from $TMUX)");
        }
        let tmp = std::env::var("TMUX_TMPDIR")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/tmp".into());
        // SAFETY: getuid(2) has no preconditions and cannot fail.
        let uid = unsafe { libc::getuid() };
        format!(
            "{}/tmux-{uid}/default (tmux's default)",
            tmp.trim_end_matches('/')
        )
    }

    /// One pane's facts; `NoPane` when it does not exist.
    pub fn pane_info(&self, pane: &str) -> Result<PaneInfo> {
        let out = self
            .run(["display-message", "-p", "-t", pane, PANE_FORMAT], None)
            .map_err(|e| no_pane(e, pane))?;
        PaneInfo::parse(out.trim_end_matches('\n'))
            .filter(|i| i.pane == pane)
            .ok_or_else(|| Error::NoPane(pane.to_string()))
    }

    /// Every pane on the server; empty when no server runs.
    pub fn list_panes(&self) -> Result<Vec<PaneInfo>> {
        match self.run(["list-panes", "-a", "-F", PANE_FORMAT], None) {
            Ok(out) => Ok(out.lines().filter_map(PaneInfo::parse).collect()),
            Err(Error::NoServer { .. }) => Ok(vec![]),
            Err(e) => Err(e),
        }
    }

    /// Pane facts and the visible screen (with SGR codes when `escapes`) in one invocation.
    pub fn snapshot(&self, pane: &str, escapes: bool) -> Result<Snapshot> {
        if let Some(snap) = self.control_snapshot(pane, escapes) {
            return Ok(snap);
        }
        let mut args = vec![
            "display-message",
            "-p",
            "-t",
            pane,
            PANE_FORMAT,
            ";",
            "capture-pane",
            "-p",
            "-t",
            pane,
        ];
        if escapes {
            args.push("-e");
        }
        let out = self.run(args, None).map_err(|e| no_pane(e, pane))?;
        let (first, screen) = out.split_once('\n').unwrap_or((&out, ""));
        let info = PaneInfo::parse(first)
            .filter(|i| i.pane == pane)
            .ok_or_else(|| Error::NoPane(pane.to_string()))?;
        Ok(Snapshot {
            info,
            screen: screen.to_string(),
        })
    }

    /// The same two commands as [`Tmux::snapshot`], down an open control connection. None when
    /// there is none or anything at all went wrong: the caller then runs tmux as a process, whose
    /// answer (and error) is the authoritative one.
    pub(crate) fn control_snapshot(&self, pane: &str, escapes: bool) -> Option<Snapshot> {
        let hub = self.control.as_ref()?;
        if !crate::control::is_pane_id(pane) {
            return None;
        }
        let e = if escapes { " -e" } else { "" };
        let lines = [
            format!("display-message -p -t {pane} '{PANE_FORMAT}'"),
            format!("capture-pane -p{e} -t {pane}"),
        ];
        let mut replies = hub.request(&lines)?.ok()?.into_iter();
        let info = replies.next()?.ok()?;
        let screen = replies.next()?.ok()?;
        let info = PaneInfo::parse(info.lines().next()?).filter(|i| i.pane == pane)?;
        Some(Snapshot { info, screen })
    }

    /// The last `lines` lines of the pane's scrollback and screen; 0 = all of it.
    pub fn capture_history(&self, pane: &str, lines: usize) -> Result<String> {
        let start = if lines == 0 {
            "-".to_string()
        } else {
            format!("-{lines}")
        };
        let out = self
            .run(["capture-pane", "-p", "-J", "-t", pane, "-S", &start], None)
            .map_err(|e| no_pane(e, pane))?;
        let mut rows: Vec<&str> = out.lines().collect();
        while rows.last().is_some_and(|l| l.trim().is_empty()) {
            rows.pop();
        }
        let from = if lines == 0 {
            0
        } else {
            rows.len().saturating_sub(lines)
        };
        Ok(rows[from..].join("\n"))
    }

    /// Paste `text` as one bracketed paste through a uniquely named buffer, then Enter when
    /// `submit`; all in one tmux invocation when `settle_ms` is 0. tmux itself checks, in that
    /// same invocation, that the pane still belongs to server `server_pid` and that its program
    /// still runs: a paste into a dead pane crashes tmux 3.3a's server, so it is never sent.
    pub fn paste(
        &self,
        pane: &str,
        text: &str,
        submit: bool,
        settle_ms: u64,
        server_pid: u32,
    ) -> Result<()> {
        let buffer = format!("sb-{}", crate::clock::new_id());
        let mut typing =
            format!("load-buffer -b {buffer} - ; paste-buffer -p -d -b {buffer} -t {pane}");
        let chain_enter = submit && settle_ms == 0;
        if chain_enter {
            let _ = write!(typing, " ; send-keys -t {pane} Enter");
        }
        typing.push_str(" ; display-message -p ok");
        // Two nested checks: tmux 3.3a's server crashes on a comparison format (`#{==:…}`)
        // evaluated against a dead pane, so the plain `#{pane_dead}` test comes first.
        let live = format!(
            "if-shell -F -t {pane} \"#{{==:#{{pid}},{server_pid}}}\" \"{typing}\" \"display-message -p 'refused #{{pid}} 0'\""
        );
        let dead = "display-message -p 'refused #{pid} 1'";
        let out = self
            .run(
                ["if-shell", "-F", "-t", pane, "#{pane_dead}", dead, &live],
                Some(text.as_bytes()),
            )
            .map_err(|e| no_pane(e, pane))?;
        match out.trim_end().split(' ').collect::<Vec<_>>().as_slice() {
            ["ok"] => {}
            ["refused", pid, _] if *pid != server_pid.to_string() => {
                return Err(Error::ReusedId {
                    pane: pane.to_string(),
                    now: pid.parse().unwrap_or(0),
                    registered: server_pid,
                });
            }
            ["refused", _, "1"] => return Err(Error::DeadPane(pane.to_string())),
            // The server went away during the call (killed, crashed): nothing more is known.
            [""] => return Err(Error::ServerLost),
            _ => {
                return Err(Error::Failed(format!(
                    "unexpected answer from tmux: {out:?}"
                )));
            }
        }
        if submit && !chain_enter {
            std::thread::sleep(std::time::Duration::from_millis(settle_ms));
            self.send_keys(pane, &["Enter".to_string()])?;
        }
        Ok(())
    }

    /// Send tmux key names (already validated) to a pane, in one invocation. Single non-alphanumeric
    /// characters go literally (`-l`) so tmux never reads them as syntax (`;`).
    pub fn send_keys(&self, pane: &str, keys: &[String]) -> Result<()> {
        let mut args: Vec<String> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            if i > 0 {
                args.push(";".into());
            }
            args.extend(["send-keys".into(), "-t".into(), pane.into()]);
            if k.chars().count() == 1 && !k.chars().all(|c| c.is_ascii_alphanumeric()) {
                args.push("-l".into());
            }
            // tmux reads an argument ending in `;` (`;` itself, `C-;`, `M-;`) as a command
            // separator unless the `;` is escaped.
            args.push(match k.strip_suffix(';') {
                Some(head) => format!("{head}\\;"),
                None => k.clone(),
            });
        }
        self.run(args, None)
            .map(|_| ())
            .map_err(|e| no_pane(e, pane))
    }
}

/// What a failed tmux call's stderr means. tmux's own words are the only account of why a call
/// failed; this table reads them here, once, into an [`Error`], and nothing else in sb looks at
/// error text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stderr {
    ServerLost,
    NoServer,
    NoPane,
}

/// tmux 3.x messages, matched as substrings, first match wins.
const TMUX_STDERR: &[(&str, Stderr)] = &[
    // the server died while this command ran (killed, crashed, or the last session ended)
    ("server exited unexpectedly", Stderr::ServerLost),
    ("lost server", Stderr::ServerLost),
    ("no server running", Stderr::NoServer),
    ("error connecting to", Stderr::NoServer),
    ("No such file or directory", Stderr::NoServer),
    ("can't find pane", Stderr::NoPane),
    ("can't find window", Stderr::NoPane),
    ("can't find session", Stderr::NoPane),
];

fn classify_stderr(err: &str) -> Option<Stderr> {
    TMUX_STDERR
        .iter()
        .find(|(words, _)| err.contains(words))
        .map(|(_, kind)| *kind)
}

fn check(out: crate::process::Output) -> Result<String> {
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    match classify_stderr(&err) {
        Some(Stderr::ServerLost) => Err(Error::ServerLost),
        // The socket is filled in by `Tmux::run`, which knows it.
        Some(Stderr::NoServer) => Err(Error::NoServer {
            socket: String::new(),
        }),
        Some(Stderr::NoPane) => Err(Error::NoPane(err)),
        None if err.is_empty() => Err(Error::Failed(format!("exit status {}", out.status))),
        None => Err(Error::Failed(err)),
    }
}

fn no_pane(e: Error, pane: &str) -> Error {
    match e {
        Error::NoPane(_) => Error::NoPane(pane.to_string()),
        other => other,
    }
}

// Team sessions (sb up / sb down)

/// Extra environment a team pane gets (`-e NAME=VALUE`), and where it runs.
#[derive(Debug, Clone, Default)]
pub struct Spawn {
    pub cwd: PathBuf,
    pub env: Vec<(String, String)>,
    /// A shell command line (tmux runs it with `sh -c`).
    pub command: String,
}

impl Tmux {
    /// The command line `tmux [-S SOCKET] ARGS…` as a shell would need it, for `--dry-run`.
    pub fn shell_line(&self, args: &[String]) -> String {
        let mut words = vec!["tmux".to_string()];
        if let Some(s) = &self.socket {
            words.push("-S".into());
            words.push(s.display().to_string());
        }
        words.extend(args.iter().cloned());
        words
            .iter()
            .map(|w| crate::ops::setup::shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a session of exactly this name exists (false when no server runs).
    pub fn has_session(&self, session: &str) -> Result<bool> {
        match self.run(["has-session", "-t", &format!("={session}")], None) {
            Ok(_) => Ok(true),
            Err(Error::NoPane(_) | Error::Failed(_) | Error::NoServer { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Every pane of one session (empty when the session or the server does not exist).
    pub fn session_panes(&self, session: &str) -> Result<Vec<PaneInfo>> {
        Ok(self
            .list_panes()?
            .into_iter()
            .filter(|p| p.session == session)
            .collect())
    }

    /// `new-session`: a detached session whose first window `window` runs `spawn`.
    pub fn new_session_args(session: &str, window: &str, spawn: &Spawn) -> Vec<String> {
        let mut a: Vec<String> = ["new-session", "-d", "-P", "-F", "#{pane_id}", "-s", session]
            .map(String::from)
            .to_vec();
        a.extend(["-n".into(), window.into(), "-x".into(), "220".into()]);
        a.extend(["-y".into(), "60".into()]);
        a.extend(spawn_args(spawn));
        a
    }

    /// `split-window` next to pane `target`, then re-apply `layout` so the next split has room.
    pub fn split_args(target: &str, layout: &str, spawn: &Spawn) -> Vec<String> {
        let mut a: Vec<String> = ["split-window", "-d", "-P", "-F", "#{pane_id}", "-t", target]
            .map(String::from)
            .to_vec();
        a.extend(spawn_args(spawn));
        a.extend([";", "select-layout", "-t", target, layout].map(String::from));
        a
    }

    /// `new-window` in `session`, named `name`, not selected.
    pub fn new_window_args(session: &str, name: &str, spawn: &Spawn) -> Vec<String> {
        let mut a: Vec<String> = ["new-window", "-d", "-P", "-F", "#{pane_id}", "-n", name]
            .map(String::from)
            .to_vec();
        a.extend(["-t".into(), format!("={session}:")]);
        a.extend(spawn_args(spawn));
        a
    }

    /// Keep the pane (and its last screen) when its program exits, then replace the program.
    /// The pane id stays the same, so a role registered to it stays bound.
    pub fn respawn_args(pane: &str, spawn: &Spawn) -> Vec<String> {
        let mut a: Vec<String> = ["set-option", "-p", "-t", pane, "remain-on-exit", "on", ";"]
            .map(String::from)
            .to_vec();
        a.extend(["respawn-pane", "-k", "-t", pane].map(String::from));
        a.extend(spawn_args(spawn));
        a
    }

    pub fn select_layout_args(target: &str, layout: &str) -> Vec<String> {
        ["select-layout", "-t", target, layout]
            .map(String::from)
            .to_vec()
    }

    pub fn kill_pane_args(pane: &str) -> Vec<String> {
        ["kill-pane", "-t", pane].map(String::from).to_vec()
    }

    /// Run one of the `*_args` command lines; return the first line of output (a new pane id).
    pub fn run_team(&self, args: &[String]) -> Result<String> {
        let out = self.run(args, None)?;
        Ok(out.lines().next().unwrap_or("").trim().to_string())
    }

    /// Kill one pane; a pane that is already gone is not an error.
    pub fn kill_pane(&self, pane: &str) -> Result<()> {
        match self.run(Self::kill_pane_args(pane), None) {
            Ok(_) | Err(Error::NoPane(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Attach this terminal to `session` (or switch to it when already inside tmux), with the
    /// terminal handed to tmux until it detaches.
    pub fn attach(&self, session: &str) -> Result<()> {
        let mut c = Command::new("tmux");
        if let Some(s) = &self.socket {
            c.arg("-S").arg(s);
        }
        let inside = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
        let verb = if inside {
            "switch-client"
        } else {
            "attach-session"
        };
        let status = c
            .args([verb, "-t", &format!("={session}")])
            .status()
            .map_err(Error::Spawn)?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::Failed(format!(
                "tmux {verb} -t {session} failed ({status})"
            )))
        }
    }
}

fn spawn_args(spawn: &Spawn) -> Vec<String> {
    let mut a = vec!["-c".to_string(), spawn.cwd.display().to_string()];
    for (k, v) in &spawn.env {
        a.push("-e".into());
        a.push(format!("{k}={v}"));
    }
    a.push(spawn.command.clone());
    a
}

#[cfg(test)]
mod tests {
    use super::{PaneInfo, Stderr, classify_stderr};

    #[test]
    fn tmux_messages_map_to_kinds() {
        assert_eq!(
            classify_stderr("no server running on /tmp/x"),
            Some(Stderr::NoServer)
        );
        assert_eq!(
            classify_stderr("error connecting to /tmp/s (No such file or directory)"),
            Some(Stderr::NoServer)
        );
        assert_eq!(classify_stderr("can't find pane: %9"), Some(Stderr::NoPane));
        assert_eq!(
            classify_stderr("server exited unexpectedly"),
            Some(Stderr::ServerLost)
        );
        assert_eq!(classify_stderr("unknown command: foo"), None);
    }

    #[test]
    fn pane_facts_parse_with_tabs_in_the_title_and_non_ascii_names() {
        let i = PaneInfo::parse("%3\t42\tséssion ✓\t1\t/srv/prøj\tclaude\t0\t77\ttitle\twith tab")
            .unwrap();
        assert_eq!((i.pane.as_str(), i.server_pid, i.pane_pid), ("%3", 42, 77));
        assert_eq!(i.session, "séssion ✓");
        assert_eq!(i.cwd, "/srv/prøj");
        assert_eq!(i.title, "title\twith tab");
        // tmux in a POSIX locale without -u prints `_` for each tab: not parsed as pane facts.
        assert!(PaneInfo::parse("%3_42_s_1_/x_claude_0_77_t").is_none());
    }
}
