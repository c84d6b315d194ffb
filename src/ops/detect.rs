//! `detect` / `detect_question` and `wait` / `wait_for`: classify a peer's visible screen, or
//! block until it reaches a state.

use super::{Ctx, check_same_pane, gone};
use crate::detect::{self, Detection, State};
use crate::error::{Result, SbError};
use crate::store::registry::Registry;
use crate::store::validate_role;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DetectReport {
    /// The role looked at (null for `--screen`).
    pub role: Option<String>,
    /// Its pane (null for `--screen`).
    pub pane: Option<String>,
    /// Identifies the open menu or question (null otherwise): pass it to
    /// `sb respond --option N --expect FP` to answer only that menu.
    pub fingerprint: Option<String>,
    #[serde(flatten)]
    pub detection: Detection,
}

/// Capture the role's visible screen (with attributes and the pane title) and classify it.
/// `lines` keeps only the bottom N rows of the screen.
pub fn detect(ctx: &Ctx, role: &str, lines: Option<usize>) -> Result<DetectReport> {
    validate_role(role)?;
    let entry = Registry::load(&ctx.state)?.get(role)?.clone();
    let snap = ctx
        .tmux
        .snapshot(&entry.pane, true)
        .map_err(|e| gone(role, &entry, e))?;
    check_same_pane(role, &entry, &snap.info)?;
    let screen = bottom_rows(&snap.screen, lines);
    let detection = detect::classify(screen, Some(&snap.info.title));
    Ok(report(Some(role.into()), Some(entry.pane), detection))
}

/// Classify saved screen text (plain or with SGR codes).
pub fn detect_text(text: &str, lines: Option<usize>) -> DetectReport {
    report(None, None, detect::classify(bottom_rows(text, lines), None))
}

fn report(role: Option<String>, pane: Option<String>, detection: Detection) -> DetectReport {
    let fingerprint = detection
        .state
        .is_waiting()
        .then(|| detection.fingerprint());
    DetectReport {
        role,
        pane,
        fingerprint,
        detection,
    }
}

fn bottom_rows(text: &str, lines: Option<usize>) -> &str {
    let Some(n) = lines.filter(|n| *n > 0) else {
        return text;
    };
    let body = text.trim_end_matches('\n');
    match body.rmatch_indices('\n').nth(n - 1) {
        Some((i, _)) => &text[i + 1..],
        None => text,
    }
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
    let start = Instant::now();
    let interval = interval.max(Duration::from_millis(10));
    loop {
        let report = detect(ctx, role, None)?;
        if until.matches(report.detection.state) {
            return Ok(WaitReport {
                waited_ms: start.elapsed().as_millis() as u64,
                report,
            });
        }
        if start.elapsed() >= timeout {
            return Err(SbError::Timeout {
                secs: timeout.as_secs_f64(),
                what: format!(
                    "{role} is still {} (waiting for {})",
                    report.detection.state,
                    serde_json::to_value(until)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default()
                ),
            });
        }
        std::thread::sleep(
            interval
                .min(timeout.saturating_sub(start.elapsed()))
                .max(Duration::from_millis(1)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::bottom_rows;

    #[test]
    fn bottom_rows_keeps_the_tail() {
        assert_eq!(bottom_rows("a\nb\nc\n", Some(2)), "b\nc\n");
        assert_eq!(bottom_rows("a\nb\nc", Some(5)), "a\nb\nc");
        assert_eq!(bottom_rows("a\nb\nc", None), "a\nb\nc");
    }
}
