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

/// The status Claude Code reports for `pane` (whose first process is `pane_pid`), if a trusted
/// session file for it exists in one of `dirs`.
pub fn status_for_pane(dirs: &[PathBuf], pane: &str, pane_pid: u32) -> Option<AgentStatus> {
    let mut best: Option<(f64, AgentStatus)> = None;
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
            if !names_pane(f.tmux.as_deref(), pane) || !is_live(&f, pane_pid) {
                continue;
            }
            let Some(status) = f.status.clone() else {
                continue;
            };
            let when = f.updated_at.as_ref().and_then(as_f64).unwrap_or(0.0);
            if best.as_ref().is_none_or(|(t, _)| when > *t) {
                best = Some((
                    when,
                    AgentStatus {
                        status,
                        waiting_for: f.waiting_for.clone(),
                        source: path.display().to_string(),
                    },
                ));
            }
        }
    }
    best.map(|(_, s)| s)
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
    fn config_dirs_include_the_transcripts_config() {
        let d = config_dirs(Some("/h/cfg/projects/-srv-x/abc.jsonl"));
        assert!(d.contains(&PathBuf::from("/h/cfg")), "{d:?}");
    }
}
