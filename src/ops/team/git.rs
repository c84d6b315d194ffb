//! The git commands behind `worktree = "branch"`: find the repository, add a worktree on a branch
//! for a role, and remove it again only when it has nothing uncommitted.

use crate::error::{Result, other};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn git(dir: &Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
}

/// `git -C DIR ARGS…` as a shell line, for reports and `--dry-run`.
pub fn line(dir: &Path, args: &[&str]) -> String {
    let mut words = vec!["git".to_string(), "-C".into(), dir.display().to_string()];
    words.extend(args.iter().map(|a| a.to_string()));
    words
        .iter()
        .map(|w| crate::ops::setup::shell_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Run git; its trimmed stdout, or an error with git's own message.
pub fn run(dir: &Path, args: &[&str]) -> Result<String> {
    let out = git(dir, args).map_err(|e| other(format!("cannot run git: {e}")))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(other(format!(
            "`{}` failed: {}",
            line(dir, args),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// The top directory of the git working tree holding `dir`, if any.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    let out = git(dir, &["rev-parse", "--show-toplevel"]).ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// `dir`'s path below its working tree's top (`""` at the top).
pub fn prefix(dir: &Path) -> String {
    git(dir, &["rev-parse", "--show-prefix"])
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Where the worktree of `role` goes: `<repo>.worktrees/<role>` beside the repository, so it
/// never shows up as untracked files inside it.
pub fn worktree_path(repo: &Path, role: &str) -> PathBuf {
    let name = repo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "repo".into());
    repo.with_file_name(format!("{name}.worktrees")).join(role)
}

pub fn branch_exists(repo: &Path, branch: &str) -> bool {
    git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{branch}"),
        ],
    )
    .is_ok_and(|o| o.status.success())
}

/// The branch checked out in the worktree at `path`, when `path` is a worktree.
pub fn checked_out(path: &Path) -> Option<String> {
    if !path.join(".git").exists() {
        return None;
    }
    let out = git(path, &["symbolic-ref", "--quiet", "--short", "HEAD"]).ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The command that adds the worktree: on the branch when it exists, else creating it.
pub fn add_args(repo: &Path, path: &Path, branch: &str) -> Vec<String> {
    let p = path.display().to_string();
    if branch_exists(repo, branch) {
        vec!["worktree".into(), "add".into(), p, branch.into()]
    } else {
        vec![
            "worktree".into(),
            "add".into(),
            "-b".into(),
            branch.into(),
            p,
        ]
    }
}

/// `git status --porcelain` of a worktree: empty when it has nothing uncommitted or untracked.
pub fn uncommitted(path: &Path) -> Result<String> {
    run(path, &["status", "--porcelain"])
}
