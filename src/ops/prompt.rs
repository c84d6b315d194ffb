//! Role briefings: `prompt set/get/ls/rm` (MCP `set_prompt`, `get_prompt`, `list_prompts`,
//! `delete_prompt`), stored in `prompts.json` and re-injected by the SessionStart hook.

use super::Ctx;
use crate::clock::now_rfc3339;
use crate::error::{Result, SbError};
use crate::store::prompts::{Prompt, Prompts};
use crate::store::validate_role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PromptReport {
    pub role: String,
    pub text: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PromptList {
    pub prompts: Vec<PromptReport>,
}

/// Save `role`'s briefing, sanitized as `send` sanitizes a message (it is typed into the session).
pub fn set_prompt(ctx: &Ctx, role: &str, text: &str) -> Result<PromptReport> {
    validate_role(role)?;
    if let Some(remote) = crate::remote::lookup(ctx, role)? {
        return remote.set_prompt(role, text);
    }
    let text = &crate::text::sanitize(text);
    if text.trim().is_empty() {
        return Err(SbError::Usage(format!(
            "the prompt for {role:?} is empty; to remove it use `sb prompt rm {role}`"
        )));
    }
    let prompt = Prompt {
        text: text.to_string(),
        updated_at: now_rfc3339(),
    };
    Prompts::update(&ctx.state, |p| {
        p.prompts.insert(role.to_string(), prompt.clone())
    })?;
    Ok(PromptReport {
        role: role.into(),
        text: prompt.text,
        updated_at: prompt.updated_at,
    })
}

pub fn get_prompt(ctx: &Ctx, role: &str) -> Result<PromptReport> {
    validate_role(role)?;
    if let Some(remote) = crate::remote::lookup(ctx, role)? {
        return remote.prompt("get", role);
    }
    let p = Prompts::load(&ctx.state)?;
    let prompt = p
        .prompts
        .get(role)
        .ok_or_else(|| SbError::NoPrompt(role.into()))?;
    Ok(PromptReport {
        role: role.into(),
        text: prompt.text.clone(),
        updated_at: prompt.updated_at.clone(),
    })
}

pub fn list_prompts(ctx: &Ctx) -> Result<PromptList> {
    let p = Prompts::load(&ctx.state)?;
    let prompts = p
        .prompts
        .into_iter()
        .map(|(role, pr)| PromptReport {
            role,
            text: pr.text,
            updated_at: pr.updated_at,
        })
        .collect();
    Ok(PromptList { prompts })
}

pub fn delete_prompt(ctx: &Ctx, role: &str) -> Result<PromptReport> {
    validate_role(role)?;
    if let Some(remote) = crate::remote::lookup(ctx, role)? {
        return remote.prompt("rm", role);
    }
    get_prompt(ctx, role)?;
    let removed = Prompts::update(&ctx.state, |p| p.prompts.remove(role))?
        .ok_or_else(|| SbError::NoPrompt(role.into()))?;
    Ok(PromptReport {
        role: role.into(),
        text: removed.text,
        updated_at: removed.updated_at,
    })
}
