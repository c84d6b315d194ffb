//! `sb demo`, the README's main job: the three-role loop on a private tmux server.

use crate::env::{TestEnv, stderr, stdout};

#[test]
fn demo_runs_the_loop_and_shows_the_detections() {
    let env = TestEnv::new();
    let out = env.run(&["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for hop in [
        "gestor → dev: take issue #14",
        "dev → reviewer: PR ready",
        "reviewer → gestor: approved",
    ] {
        assert!(text.contains(hop), "missing {hop:?} in:\n{text}");
    }
    for role in ["gestor: idle", "dev: idle", "reviewer: idle"] {
        assert!(text.contains(role), "missing {role:?} in:\n{text}");
    }
    let json = env.run(&["--json", "demo"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["messages"].as_array().unwrap().len(), 3);
    assert!(
        v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["delivered"] == true)
    );
    assert_eq!(v["detections"].as_array().unwrap().len(), 3);
    assert!(
        !std::path::Path::new(v["socket"].as_str().unwrap()).exists(),
        "torn down"
    );
}
