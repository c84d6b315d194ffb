//! MCP `send`'s `via`: the same paths and refusals as `sb send --via`.

use super::Mcp;
use crate::env::TestEnv;
use serde_json::json;

#[test]
fn mcp_send_takes_via() {
    let env = TestEnv::new();
    let dev = env.role("dev");
    let (mut m, _) = Mcp::start(&env);
    let e = m.err("send", json!({"to": "dev", "text": "hi", "via": "native"}));
    assert!(e.contains("native delivery to dev is not possible"), "{e}");
    let ok = m.ok("send", json!({"to": "dev", "text": "hi", "via": "paste"}));
    assert_eq!(ok["via"], "paste", "{ok}");
    assert_eq!(ok["native_failed"], false);
    dev.wait_inputs(2);
}
