//! `registry.json`: which role lives in which tmux pane, read and rewritten whole under a lock.

use super::StateDir;
use super::fsutil::{FileLock, read_optional, write_atomic};
use crate::error::{Result, SbError};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::collections::BTreeMap;
use std::path::Path;

/// One role's binding to a pane. Unknown fields written by newer versions are kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct RoleEntry {
    /// tmux pane id, e.g. `%3`.
    pub pane: String,
    /// pid of the tmux server the pane belongs to (pane ids are reused after a restart).
    pub server_pid: u32,
    pub session: String,
    pub window: u32,
    pub cwd: String,
    pub registered_at: String,
    pub last_seen: String,
    /// Claude Code session id, recorded by the SessionStart hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Claude Code transcript path, recorded by the SessionStart hook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_path: Option<String>,
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A role whose pane lives on another host: a pointer that every operation follows over SSH
/// (`crate::remote`). The role itself is registered on that host.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct RemoteEntry {
    /// The SSH destination, as `ssh` takes it (a `~/.ssh/config` alias, `host`, `user@host`).
    pub host: String,
    /// sb's path on that host; null = `sb` on the remote's PATH.
    #[serde(default)]
    pub remote_sb: Option<String>,
    pub registered_at: String,
    /// The last time a message sent through this pointer was delivered.
    pub last_seen: String,
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Registry {
    pub version: u32,
    pub roles: BTreeMap<String, RoleEntry>,
    /// Roles on other hosts (`sb register ROLE --host HOST`). A name is either here or in
    /// `roles`, never both. Older sb versions keep this key as it is and ignore it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub remotes: BTreeMap<String, RemoteEntry>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Registry {
    /// Refuses a world-writable state dir or registry (anyone could point a role at any pane).
    pub fn load(dir: &StateDir) -> Result<Registry> {
        dir.check_safe()?;
        load_json(&dir.registry())
    }

    /// Read-modify-write under `locks/registry.lock`; returns what `f` returns.
    pub fn update<T>(dir: &StateDir, f: impl FnOnce(&mut Registry) -> Result<T>) -> Result<T> {
        dir.ensure()?;
        let _lock = FileLock::acquire(&dir.lock_path("registry"))?;
        let mut reg = Registry::load(dir)?;
        check_version(&dir.registry(), reg.version)?;
        reg.version = super::FORMAT_VERSION;
        let out = f(&mut reg)?;
        save_json(&dir.registry(), &reg)?;
        Ok(out)
    }

    /// Like `update`, but gives up with Ok(None) when the lock stays busy longer than `budget`
    /// (for the SessionStart hook, which must never block a session). Creates nothing but the lock.
    pub fn try_update<T>(
        dir: &StateDir,
        budget: std::time::Duration,
        f: impl FnOnce(&mut Registry) -> Result<T>,
    ) -> Result<Option<T>> {
        let Some(_lock) = FileLock::acquire_within(&dir.lock_path("registry"), budget)? else {
            return Ok(None);
        };
        let mut reg = Registry::load(dir)?;
        check_version(&dir.registry(), reg.version)?;
        reg.version = super::FORMAT_VERSION;
        let out = f(&mut reg)?;
        save_json(&dir.registry(), &reg)?;
        Ok(Some(out))
    }

    /// The entry for `role`, or an error listing the roles that exist.
    pub fn get(&self, role: &str) -> Result<&RoleEntry> {
        self.roles.get(role).ok_or_else(|| SbError::UnknownRole {
            role: role.to_string(),
            known: self
                .roles
                .keys()
                .chain(self.remotes.keys())
                .cloned()
                .collect(),
        })
    }

    /// The pointer for `role` when it lives on another host.
    pub fn remote(&self, role: &str) -> Option<&RemoteEntry> {
        self.remotes.get(role)
    }

    /// The role most recently registered on `pane` (a pane may carry several roles).
    /// With `server_pid` (from `$TMUX`), only roles registered on that tmux server count: after
    /// a server restart the same pane id belongs to another session.
    pub fn role_for_pane(&self, pane: &str, server_pid: Option<u32>) -> Option<&str> {
        self.roles
            .iter()
            .filter(|(_, e)| e.pane == pane && server_pid.is_none_or(|pid| pid == e.server_pid))
            .max_by(|a, b| a.1.registered_at.cmp(&b.1.registered_at))
            .map(|(r, _)| r.as_str())
    }
}

/// Refuse to rewrite a state file whose format is newer than this sb writes: rewriting it as
/// the old version would drop or misread what the newer sb put there. Reading it is allowed
/// (unknown fields are kept and ignored), so `peers`, `send` and `history` keep working.
pub fn check_version(path: &Path, found: u32) -> Result<()> {
    if found > super::FORMAT_VERSION {
        return Err(SbError::NewerFormat {
            path: path.to_path_buf(),
            found: u64::from(found),
            known: super::FORMAT_VERSION,
        });
    }
    Ok(())
}

/// Parse a JSON state file; a missing file is the default, an unreadable one a `Corrupt` error.
pub fn load_json<T: DeserializeOwned + Default>(path: &Path) -> Result<T> {
    match read_optional(path)? {
        None => Ok(T::default()),
        Some(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(T::default()),
        Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| SbError::Corrupt {
            path: path.to_path_buf(),
            why: format!("not a valid sb state file ({e})"),
        }),
    }
}

pub fn save_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| SbError::Other(e.into()))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}
