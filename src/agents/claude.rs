//! Claude Code's own status, as a second source next to the screen: the session file it keeps at
//! `$CLAUDE_CONFIG_DIR/sessions/<pid>.json` (default `~/.claude/sessions/`), measured on 2.1.332:
//! `status` (`idle` | `busy` | `waiting`), `waitingFor` (`permission prompt` | `input needed`),
//! `tmux` (`<session>:@<window>.%<pane>`), `pid`, `procStart` (field 22 of `/proc/<pid>/stat`).
//!
//! A file is trusted for a pane only when its `tmux` field names that pane, its pid is the pane's
//! process or a descendant of it, and its procStart matches the live process (so a file left by
//! a dead session whose pid was reused is never read as current). A missing, unreadable or
//! mismatched file changes nothing: the screen alone decides.

use crate::guard::AgentStatus;
use crate::procs::{ProcStat, descends_from};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The fields sb reads; everything else in the file is ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionFile {
    pid: u32,
    #[serde(default)]
    proc_start: Option<serde_json::Value>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    waiting_for: Option<String>,
    #[serde(default)]
    tmux: Option<String>,
    #[serde(default)]
    updated_at: Option<serde_json::Value>,
    /// Claude Code's cross-session socket (absent when messaging is off in that session).
    #[serde(default)]
    messaging_socket_path: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    session_id: Option<String>,
}

/// Files larger than this are not session files.
const MAX_FILE: u64 = 64 * 1024;
/// Session files looked at per directory, at most.
const MAX_FILES: usize = 256;

/// The config directories where a pane's Claude Code may keep its sessions: `$CLAUDE_CONFIG_DIR`,
/// `~/.claude`, and the one its transcript (recorded by the hook) lives under.
pub fn config_dirs(transcript_path: Option<&str>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("CLAUDE_CONFIG_DIR").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(d));
    }
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        dirs.push(Path::new(&h).join(".claude"));
    }
    // <config>/projects/<project>/<session>.jsonl
    if let Some(cfg) = transcript_path
        .map(Path::new)
        .and_then(|t| t.ancestors().find(|a| a.ends_with("projects")))
        .and_then(Path::parent)
    {
        dirs.push(cfg.to_path_buf());
    }
    let mut seen = Vec::new();
    dirs.retain(|d| {
        let fresh = !seen.contains(d);
        seen.push(d.clone());
        fresh
    });
    dirs
}

/// The session files in `dirs` that sb trusts for `pane` (whose first process is `pane_pid`):
/// they name the pane and their pid runs in it with the same procStart. With each, its path and
/// `updatedAt`.
fn trusted_sessions(
    dirs: &[PathBuf],
    pane: &str,
    pane_pid: u32,
) -> Vec<(f64, PathBuf, SessionFile)> {
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir.join("sessions")) else {
            continue;
        };
        for e in entries.flatten().take(MAX_FILES) {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let Some(f) = read_session(&path) else {
                continue;
            };
            if names_pane(f.tmux.as_deref(), pane) && is_live(&f, pane_pid) {
                let when = f.updated_at.as_ref().and_then(as_f64).unwrap_or(0.0);
                found.push((when, path, f));
            }
        }
    }
    found
}

/// The most recently updated of `items` (the first of equals).
fn newest<T>(items: impl IntoIterator<Item = (f64, T)>) -> Option<T> {
    let mut best: Option<(f64, T)> = None;
    for (when, x) in items {
        if best.as_ref().is_none_or(|(t, _)| when > *t) {
            best = Some((when, x));
        }
    }
    best.map(|(_, x)| x)
}

/// The status Claude Code reports for `pane` (whose first process is `pane_pid`), if a trusted
/// session file for it exists in one of `dirs`.
pub fn status_for_pane(dirs: &[PathBuf], pane: &str, pane_pid: u32) -> Option<AgentStatus> {
    newest(
        trusted_sessions(dirs, pane, pane_pid)
            .into_iter()
            .filter_map(|(when, path, f)| {
                let status = f.status?;
                Some((
                    when,
                    AgentStatus {
                        status,
                        waiting_for: f.waiting_for,
                        source: path.display().to_string(),
                    },
                ))
            }),
    )
}

/// A live Claude Code session's cross-session messaging socket, found through its session file
/// (`crate::native` delivers to it).
#[derive(Debug, Clone, PartialEq)]
pub struct Peer {
    pub pid: u32,
    /// `messagingSocketPath`, resolved (symlinks followed).
    pub socket: PathBuf,
    /// `peerToken` from `<pid>.<sha256 of the resolved socket path>.key` next to the session
    /// file, when that file exists and its procStart matches.
    pub token: Option<String>,
    /// The Claude Code version that wrote the file.
    pub version: Option<String>,
    pub session_id: Option<String>,
    /// The session file it was read from.
    pub session_file: PathBuf,
}

/// The messaging socket of the Claude Code session running in `pane` (whose first process is
/// `pane_pid`): a session file in one of `dirs` that names the pane, whose pid runs in it with
/// the same procStart, and whose `messagingSocketPath` is a socket owned by this user. Err says
/// why there is none, in words for a person.
pub fn peer_for_pane(dirs: &[PathBuf], pane: &str, pane_pid: u32) -> Result<Peer, String> {
    let best = newest(
        trusted_sessions(dirs, pane, pane_pid)
            .into_iter()
            .map(|(when, path, f)| (when, (path, f))),
    );
    let Some((file, f)) = best else {
        let looked: Vec<String> = dirs
            .iter()
            .map(|d| d.join("sessions").display().to_string())
            .collect();
        return Err(format!(
            "no live Claude Code session file names pane {pane} (looked in {})",
            looked.join(", ")
        ));
    };
    let Some(sock) = f.messaging_socket_path.as_deref().filter(|s| !s.is_empty()) else {
        return Err(format!(
            "its session file {} has no messagingSocketPath: cross-session messaging is off in that session",
            file.display()
        ));
    };
    let socket = std::fs::canonicalize(sock)
        .map_err(|e| format!("its messaging socket {sock} cannot be reached: {e}"))?;
    let meta = std::fs::metadata(&socket)
        .map_err(|e| format!("its messaging socket {sock} cannot be reached: {e}"))?;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    if !meta.file_type().is_socket() {
        return Err(format!("{sock} (its messagingSocketPath) is not a socket"));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != me {
        return Err(format!(
            "its messaging socket {sock} belongs to uid {}, not to this user (uid {me})",
            meta.uid()
        ));
    }
    let token = read_token(&file, f.pid, &socket, f.proc_start.as_ref());
    Ok(Peer {
        pid: f.pid,
        socket,
        token,
        version: f.version.clone(),
        session_id: f.session_id.clone(),
        session_file: file,
    })
}

/// The key file next to the session file: `<pid>.<sha256 of the resolved socket path>.key`,
/// `{"peerToken": "…", "procStart": "…"}`; used only when its procStart is the session's.
fn read_token(
    session_file: &Path,
    pid: u32,
    socket: &Path,
    proc_start: Option<&serde_json::Value>,
) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    let name = format!(
        "{pid}.{}.key",
        crate::sha256::hex(socket.as_os_str().as_bytes())
    );
    let path = session_file.parent()?.join(name);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    if proc_start.is_some() && v.get("procStart") != proc_start {
        return None;
    }
    v["peerToken"]
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn read_session(path: &Path) -> Option<SessionFile> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// `a:@0.%3` names pane `%3`.
fn names_pane(tmux: Option<&str>, pane: &str) -> bool {
    tmux.and_then(|t| t.rsplit('.').next()) == Some(pane)
}

fn as_f64(v: &serde_json::Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str()?.parse().ok())
}

/// The session's process is alive, started when the file says, and runs in the pane.
fn is_live(f: &SessionFile, pane_pid: u32) -> bool {
    let Some(stat) = ProcStat::read(f.pid) else {
        return false;
    };
    let want = f.proc_start.as_ref().map(|v| match v {
        serde_json::Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    });
    if want.as_deref() != Some(stat.start.as_str()) {
        return false;
    }
    descends_from(f.pid, pane_pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tmux_field_names_the_pane() {
        assert!(names_pane(Some("a:@0.%0"), "%0"));
        assert!(names_pane(Some("my.sess:@3.%12"), "%12"));
        assert!(!names_pane(Some("a:@0.%10"), "%1"));
        assert!(!names_pane(None, "%1"));
    }

    fn write(dir: &Path, name: &str, body: &serde_json::Value) {
        std::fs::create_dir_all(dir.join("sessions")).unwrap();
        std::fs::write(dir.join("sessions").join(name), body.to_string()).unwrap();
    }

    #[test]
    fn a_file_is_trusted_only_when_pane_pid_and_start_match() {
        let tmp = tempfile::tempdir().unwrap();
        let me = std::process::id();
        let start = ProcStat::read(me).unwrap().start;
        let dirs = vec![tmp.path().to_path_buf()];
        write(
            tmp.path(),
            "a.json",
            &serde_json::json!({"pid": me, "procStart": start, "status": "waiting",
                "waitingFor": "permission prompt", "tmux": "s:@0.%5", "updatedAt": 1}),
        );
        let s = status_for_pane(&dirs, "%5", me).unwrap();
        assert_eq!(s.status, "waiting");
        assert_eq!(s.waiting_for.as_deref(), Some("permission prompt"));
        // Another pane, a pane whose process is not an ancestor, a wrong start: not trusted.
        assert!(status_for_pane(&dirs, "%6", me).is_none());
        assert!(status_for_pane(&dirs, "%5", 1).is_none() || me == 1);
        write(
            tmp.path(),
            "a.json",
            &serde_json::json!({"pid": me, "procStart": "1", "status": "waiting", "tmux": "s:@0.%5"}),
        );
        assert!(status_for_pane(&dirs, "%5", me).is_none());
        // Garbage is ignored.
        std::fs::write(tmp.path().join("sessions/b.json"), b"{not json").unwrap();
        assert!(status_for_pane(&dirs, "%5", me).is_none());
    }

    #[test]
    fn the_socket_and_token_of_a_live_session_are_found() {
        use std::os::unix::net::UnixListener;
        let tmp = tempfile::tempdir().unwrap();
        let me = std::process::id();
        let start = ProcStat::read(me).unwrap().start;
        let dirs = vec![tmp.path().to_path_buf()];
        let sock = tmp.path().join("cc-socks").join(format!("{me}.sock"));
        std::fs::create_dir_all(sock.parent().unwrap()).unwrap();
        let _l = UnixListener::bind(&sock).unwrap();
        let file = |with_socket: bool| {
            let mut v = serde_json::json!({"pid": me, "procStart": start, "status": "idle",
                "tmux": "s:@0.%5", "updatedAt": 1, "version": "2.1.332", "peerProtocol": 1});
            if with_socket {
                v["messagingSocketPath"] = sock.display().to_string().into();
            }
            write(tmp.path(), &format!("{me}.json"), &v);
        };
        // Messaging off (CLAUDE_CODE_HARBOR_KITE=0): peerProtocol still 1, no socket path.
        file(false);
        let why = peer_for_pane(&dirs, "%5", me).unwrap_err();
        assert!(why.contains("no messagingSocketPath"), "{why}");
        file(true);
        let p = peer_for_pane(&dirs, "%5", me).unwrap();
        assert_eq!(p.socket, std::fs::canonicalize(&sock).unwrap());
        assert_eq!(p.version.as_deref(), Some("2.1.332"));
        assert_eq!(p.token, None, "no key file yet");
        let real = std::fs::canonicalize(&sock).unwrap();
        use std::os::unix::ffi::OsStrExt;
        let key = tmp.path().join("sessions").join(format!(
            "{me}.{}.key",
            crate::sha256::hex(real.as_os_str().as_bytes())
        ));
        std::fs::write(
            &key,
            serde_json::json!({"peerToken": "t0k", "procStart": start}).to_string(),
        )
        .unwrap();
        assert_eq!(
            peer_for_pane(&dirs, "%5", me).unwrap().token.as_deref(),
            Some("t0k")
        );
        // A key file of another process start is not this session's.
        std::fs::write(&key, r#"{"peerToken": "old", "procStart": "1"}"#).unwrap();
        assert_eq!(peer_for_pane(&dirs, "%5", me).unwrap().token, None);
        // Another pane; a socket path that is a plain file.
        assert!(
            peer_for_pane(&dirs, "%6", me)
                .unwrap_err()
                .contains("no live Claude Code session file")
        );
        drop(_l);
        std::fs::remove_file(&sock).unwrap();
        std::fs::write(&sock, b"").unwrap();
        assert!(
            peer_for_pane(&dirs, "%5", me)
                .unwrap_err()
                .contains("not a socket")
        );
    }

    #[test]
    fn config_dirs_include_the_transcripts_config() {
        let d = config_dirs(Some("/h/cfg/projects/-srv-x/abc.jsonl"));
        assert!(d.contains(&PathBuf::from("/h/cfg")), "{d:?}");
    }
}
