//! `detect` / `detect_question` and `wait` / `wait_for`: classify a peer's visible screen, or
//! block until it reaches a state.

use super::Ctx;
use crate::detect::{self, Detection, State};
use crate::error::{Result, SbError};
use crate::guard::{self, AgentStatus};
use crate::pane::{Observation, Pane, bottom_rows};
use crate::poll::{Step, Waited, poll_until};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DetectReport {
    /// The role looked at (null for `--screen`).
    pub role: Option<String>,
    /// Its pane (null for `--screen`).
    pub pane: Option<String>,
    /// Identifies the open dialog (question, options and what it approves; null otherwise):
    /// pass it to `sb respond --option N --expect FP` to answer only that dialog.
    pub fingerprint: Option<String>,
    /// Whether sb would type a message into this pane now (the send guard's own decision).
    pub deliverable: bool,
    /// Why it would not (null when deliverable).
    pub refusal: Option<String>,
    /// The pane's foreground program (null for `--screen`).
    pub foreground: Option<String>,
    /// The agent's own status file for this pane, when one was found (Claude Code's
    /// `sessions/<pid>.json`): a second source next to the screen.
    pub agent_status: Option<AgentStatus>,
    /// The screen and the status file disagree (e.g. the file says waiting, the screen idle).
    pub sources_disagree: bool,
    #[serde(flatten)]
    pub detection: Detection,
}

/// Capture the role's visible screen (with attributes and the pane title) and classify it.
/// `lines` keeps only the bottom N rows of the screen.
pub fn detect(ctx: &Ctx, role: &str, lines: Option<usize>) -> Result<DetectReport> {
    if let Some(remote) = crate::remote::lookup(ctx, role)? {
        return remote.detect(role, lines);
    }
    let pane = Pane::resolve(ctx, role)?;
    let obs = pane.observe_rows(lines)?;
    Ok(from_observation(&pane, obs))
}

/// The report for one observation of a pane.
pub fn from_observation(pane: &Pane, obs: Observation) -> DetectReport {
    let disagree = obs.agent_status.as_ref().is_some_and(|s| {
        let screen = obs.detection.state;
        match s.status.as_str() {
            "waiting" => !screen.is_waiting(),
            "busy" => screen != State::Busy,
            "idle" => screen == State::Busy || screen == State::WaitingSelect,
            _ => false,
        }
    });
    DetectReport {
        role: Some(pane.role.clone()),
        pane: Some(pane.id().to_string()),
        fingerprint: fingerprint(&obs.detection),
        deliverable: obs.verdict.deliverable,
        refusal: obs.verdict.refusal,
        foreground: Some(obs.info.command),
        agent_status: obs.agent_status,
        sources_disagree: disagree,
        detection: obs.detection,
    }
}

/// Classify saved screen text (plain or with SGR codes). Without a pane there is no foreground
/// program or status file: the guard decides from the screen alone.
pub fn detect_text(text: &str, lines: Option<usize>) -> DetectReport {
    let detection = detect::classify(bottom_rows(text, lines), None);
    let v = guard::verdict("the pane", &detection, None, None);
    DetectReport {
        role: None,
        pane: None,
        fingerprint: fingerprint(&detection),
        deliverable: v.deliverable,
        refusal: v.refusal,
        foreground: None,
        agent_status: None,
        sources_disagree: false,
        detection,
    }
}

fn fingerprint(d: &Detection) -> Option<String> {
    d.state.is_waiting().then(|| d.fingerprint())
}

/// What `wait` waits for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Until {
    /// Working.
    Busy,
    /// Turn finished, prompt shown.
    Idle,
    /// A menu or a question waits for an answer (waiting_select or waiting_text).
    Waiting,
    /// Anything but busy.
    Settled,
}

impl Until {
    pub fn matches(self, s: State) -> bool {
        match self {
            Until::Busy => s == State::Busy,
            Until::Idle => s == State::Idle,
            Until::Waiting => s.is_waiting(),
            Until::Settled => s != State::Busy,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WaitReport {
    /// Milliseconds waited.
    pub waited_ms: u64,
    #[serde(flatten)]
    pub report: DetectReport,
}

/// Poll the role's screen every `interval` until `until` holds; `Timeout` (exit 5) otherwise.
pub fn wait(
    ctx: &Ctx,
    role: &str,
    until: Until,
    timeout: Duration,
    interval: Duration,
) -> Result<WaitReport> {
    if let Some(remote) = crate::remote::lookup(ctx, role)? {
        return remote.wait(role, until, timeout, interval);
    }
    let start = Instant::now();
    let pane = Pane::resolve(ctx, role)?;
    let mut last = None;
    let waited = poll_until(timeout, interval.max(Duration::from_millis(10)), || {
        let report = from_observation(&pane, pane.observe()?);
        if until.matches(report.detection.state) {
            return Ok::<_, SbError>(Step::Done(report));
        }
        last = Some(report.detection.state);
        Ok(Step::Again)
    })?;
    match waited {
        Waited::Done(report) => Ok(WaitReport {
            waited_ms: u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
            report,
        }),
        Waited::TimedOut => Err(SbError::Timeout {
            secs: timeout.as_secs_f64(),
            what: format!(
                "{role} is still {} (waiting for {})",
                last.map_or("unknown", |s| s.as_str()),
                serde_json::to_value(until)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ),
        }),
    }
}
