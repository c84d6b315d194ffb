//! `sb init`: write a commented starter team file (gestor, dev, reviewer on Claude Code); never
//! overwrite one.

use crate::error::{Result, SbError, other};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InitReport {
    /// The file written.
    pub file: String,
    /// The roles in it.
    pub roles: Vec<String>,
    /// The tmux session `sb up` will create (the directory's name).
    pub session: String,
}

/// The starter file.
pub const STARTER: &str = r#"# sb.toml: the team `sb up` starts and `sb down` stops. Format: `man sb-up`.
#
# session = "shop"       # tmux session name (default: this directory's name)
layout = "tiled"         # any tmux layout: tiled, even-horizontal, even-vertical, main-vertical, ...
watch = "gestor"         # `sb watch --notify gestor` in its own window: gestor hears when a peer waits on a menu

[[role]]
name = "gestor"
agent = "claude"         # claude | codex | gemini, or command = "..." for any other program
# args = ["--model", "opus"]   # extra arguments for the agent
# cwd = "."              # where it runs, relative to this file
briefing = """
You are gestor, the manager of this team. Split the work into small issues and hand each one to
dev with `sb send dev "..."`. When dev reports a change ready, ask reviewer to review it. Merge
what reviewer approves. `sb peers` shows the team; `sb history` the conversation."""

[[role]]
name = "dev"
agent = "claude"
# worktree = "sb/dev"    # its own `git worktree add` on branch sb/dev (`sb down` removes it when clean)
briefing = """
You are dev. Take issues from gestor, implement them with tests, commit, and tell reviewer what
to review with `sb send reviewer "..."`. Ask gestor when something is unclear."""

[[role]]
name = "reviewer"
agent = "claude"
# briefing_file = "briefs/reviewer.md"   # or keep a briefing in its own file
briefing = """
You are reviewer. Review what dev sends you: read the diff, run the tests, and send your verdict
(approved, or the changes needed) to gestor with `sb send gestor "..."` and to dev."""
"#;

/// Write the starter file at `path`; a usage error (exit 2) when something is already there.
pub fn init(path: &Path) -> Result<InitReport> {
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(SbError::Usage(format!(
                "{} already exists; sb init never overwrites it: edit it, start it with `sb up`, or write another with `sb init -f FILE`",
                path.display()
            )));
        }
        Err(e) => return Err(other(format!("cannot create {}: {e}", path.display()))),
    };
    f.write_all(STARTER.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| {
            let _ = std::fs::remove_file(path);
            other(format!("cannot write {}: {e}", path.display()))
        })?;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = abs.parent().unwrap_or(Path::new("/"));
    Ok(InitReport {
        file: path.display().to_string(),
        roles: vec!["gestor".into(), "dev".into(), "reviewer".into()],
        session: super::file::default_session(dir),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_file_is_a_valid_team() {
        let t = super::super::file::parse(
            STARTER,
            Path::new("/tmp/shop/sb.toml"),
            "sb.toml",
            super::super::file::Programs::Unchecked,
        )
        .unwrap();
        let names: Vec<&str> = t.roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["gestor", "dev", "reviewer"]);
        assert_eq!(t.session, "shop");
        assert_eq!(t.watch.as_deref(), Some("gestor"));
        assert!(t.roles.iter().all(|r| r.briefing.is_some()));
    }
}
