//! `read.json`: per role, the id of the newest mailbox message it has marked read
//! (`sb inbox ROLE --mark-read`), so `--unread` shows only what came after.

use super::StateDir;
use super::fsutil::FileLock;
use super::registry::{check_version, load_json, save_json};
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReadMarkers {
    pub version: u32,
    /// Role → id of the newest message marked read.
    pub read: BTreeMap<String, String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ReadMarkers {
    pub fn load(dir: &StateDir) -> Result<ReadMarkers> {
        load_json(&dir.read_markers())
    }

    /// Read-modify-write under `locks/read.lock`.
    pub fn update<T>(dir: &StateDir, f: impl FnOnce(&mut ReadMarkers) -> T) -> Result<T> {
        dir.ensure()?;
        let _lock = FileLock::acquire(&dir.lock_path("read"))?;
        let mut m = ReadMarkers::load(dir)?;
        check_version(&dir.read_markers(), m.version)?;
        m.version = super::FORMAT_VERSION;
        let out = f(&mut m);
        save_json(&dir.read_markers(), &m)?;
        Ok(out)
    }
}
