//! `prompts.json`: the saved briefing of each role, re-injected by the SessionStart hook.

use super::StateDir;
use super::fsutil::FileLock;
use super::registry::{load_json, save_json};
use crate::error::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Prompt {
    pub text: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Prompts {
    pub version: u32,
    pub prompts: BTreeMap<String, Prompt>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Prompts {
    /// Refuses a world-writable state dir or prompts file (anyone could inject instructions).
    pub fn load(dir: &StateDir) -> Result<Prompts> {
        dir.check_safe()?;
        load_json(&dir.prompts())
    }

    /// Read-modify-write under `locks/prompts.lock`.
    pub fn update<T>(dir: &StateDir, f: impl FnOnce(&mut Prompts) -> T) -> Result<T> {
        dir.ensure()?;
        let _lock = FileLock::acquire(&dir.lock_path("prompts"))?;
        let mut p = Prompts::load(dir)?;
        super::registry::check_version(&dir.prompts(), p.version)?;
        p.version = super::FORMAT_VERSION;
        let out = f(&mut p);
        save_json(&dir.prompts(), &p)?;
        Ok(out)
    }
}
