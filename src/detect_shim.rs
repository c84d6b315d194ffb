//! TEMPORARY: stands in for src/detect/mod.rs until the classifier lands (not to be committed as done).
#[path = "detect/types.rs"]
mod types;
pub use types::*;
pub fn classify(_screen: &str, _title: Option<&str>) -> Detection {
    Detection {
        state: State::Unknown,
        agent: Agent::Unknown,
        question: None,
        options: vec![],
        tabs: vec![],
        draft: None,
        footer: None,
        evidence: Evidence {
            rule: "pending".into(),
            line: None,
        },
    }
}
