//! The state directory (docs/ARCHITECTURE.md, State dir): where it is, its safety checks, role names, and the files in it.

mod fsutil;
pub mod log;
pub mod markers;
pub mod prompts;
pub mod registry;

pub use fsutil::{FileLock, open_lock_file, write_atomic};

use crate::error::{Result, SbError};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Format version written to `VERSION`.
pub const FORMAT_VERSION: u32 = 1;

/// The resolved state directory. Creating it is separate from naming it, so read-only commands
/// on a fresh machine do not create anything.
#[derive(Debug, Clone)]
pub struct StateDir {
    root: PathBuf,
}

impl StateDir {
    /// `--state-dir`, else `$SESSION_BRIDGE_DIR`, else `~/.claude/session-bridge/`.
    pub fn resolve(flag: Option<&Path>) -> Result<StateDir> {
        if let Some(p) = flag {
            return Ok(StateDir {
                root: p.to_path_buf(),
            });
        }
        if let Some(p) = std::env::var_os("SESSION_BRIDGE_DIR").filter(|p| !p.is_empty()) {
            return Ok(StateDir {
                root: PathBuf::from(p),
            });
        }
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty()).ok_or_else(|| {
            SbError::Usage("cannot find the state directory: HOME is not set; pass --state-dir or set SESSION_BRIDGE_DIR".into())
        })?;
        Ok(StateDir {
            root: PathBuf::from(home).join(".claude").join("session-bridge"),
        })
    }

    pub fn at(root: impl Into<PathBuf>) -> StateDir {
        StateDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn registry(&self) -> PathBuf {
        self.root.join("registry.json")
    }
    pub fn prompts(&self) -> PathBuf {
        self.root.join("prompts.json")
    }
    /// `read.json`: the read marker of each role's mailbox.
    pub fn read_markers(&self) -> PathBuf {
        self.root.join("read.json")
    }
    pub fn conversation(&self) -> PathBuf {
        self.root.join("conversation.jsonl")
    }
    pub fn events(&self) -> PathBuf {
        self.root.join("events.jsonl")
    }
    /// `mailbox/<role>.jsonl`; the role must already be validated.
    pub fn mailbox(&self, role: &str) -> PathBuf {
        self.root.join("mailbox").join(format!("{role}.jsonl"))
    }
    /// A lock file under `locks/`.
    pub fn lock_path(&self, name: &str) -> PathBuf {
        self.root.join("locks").join(format!("{name}.lock"))
    }

    /// Create the directory tree (0700) if needed, write `VERSION`, and refuse an unsafe directory.
    pub fn ensure(&self) -> Result<()> {
        for dir in [
            self.root.clone(),
            self.root.join("mailbox"),
            self.root.join("locks"),
        ] {
            if !dir.exists() {
                fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(&dir)
                    .map_err(|e| {
                        SbError::Other(anyhow::anyhow!(
                            "cannot create state directory {}: {e}",
                            dir.display()
                        ))
                    })?;
            }
        }
        self.check_safe()?;
        let version = self.root.join("VERSION");
        if !version.exists() {
            write_atomic(&version, format!("{FORMAT_VERSION}\n").as_bytes())?;
        }
        Ok(())
    }

    /// Refuse a state directory or registry that other users can write: whoever can write the
    /// registry can point a role at any pane, and whoever can write prompts can inject instructions.
    pub fn check_safe(&self) -> Result<()> {
        for path in [self.root.clone(), self.registry(), self.prompts()] {
            // The root may be reached through a symlink (judge the directory it points to); the
            // files must not be links (a link's own mode is always 0777, and sb never follows them).
            let meta = if path == self.root {
                fs::metadata(&path)
            } else {
                fs::symlink_metadata(&path)
            };
            let Ok(meta) = meta else {
                continue;
            };
            if meta.file_type().is_symlink() {
                return Err(SbError::Unsafe(format!(
                    "{} is a symbolic link; sb does not follow links in its state directory",
                    path.display()
                )));
            }
            if meta.mode() & 0o002 != 0 {
                return Err(SbError::Unsafe(format!(
                    "{} is world-writable (mode {:o}): anyone on this machine could redirect messages or inject prompts; fix it with `chmod go-w {}`",
                    path.display(),
                    meta.permissions().mode() & 0o7777,
                    path.display()
                )));
            }
        }
        Ok(())
    }
}

/// Validate a role name: 1-64 chars of `[A-Za-z0-9._-]`, not starting with `.` (a hidden or
/// relative path) or `-` (it would read as an option on the command line).
pub fn validate_role(name: &str) -> Result<()> {
    let why = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > 64 {
        Some("it is longer than 64 characters")
    } else if name.starts_with('.') {
        Some("it starts with '.'")
    } else if name.starts_with('-') {
        Some("it starts with '-', which reads as an option on the command line")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Some("it contains a character other than A-Z a-z 0-9 . _ -")
    } else {
        None
    };
    match why {
        Some(why) => Err(SbError::BadRole {
            name: name.chars().take(80).collect(),
            why,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names() {
        for ok in ["dev", "a", "gestor-2", "r.v_1", &"x".repeat(64)] {
            assert!(validate_role(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            ".hidden",
            "../x",
            "a/b",
            "a\0b",
            "sp ace",
            "ñ",
            &"x".repeat(65),
            ".",
            "..",
            "-dev",
            "--json",
        ] {
            assert!(validate_role(bad).is_err(), "{bad:?}");
        }
    }
}
