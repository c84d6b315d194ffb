#!/usr/bin/env bash
# Real MCP clients against `sb mcp`: (a) tests/mcp/client.py with the official Python SDK and
# (b) the stdio conformance check of mcp-conform. Both run against a private tmux server and a
# temporary state dir. The venv is cached (re-created when the pinned versions change).
# Exit status: 0 when both pass. Last line: `mcp-clients: N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."

MCP_VERSION=2.3.0          # the official MCP Python SDK (PyPI `mcp`)
MCP_CONFORM_VERSION=0.1.0  # PyPI `mcp-conform` (command `mcp-conform server ...`)
PINS="mcp==$MCP_VERSION mcp-conform==$MCP_CONFORM_VERSION"

PY=${PYTHON:-python3}
VENV=${SB_MCP_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/sb-mcp-venv}
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$PINS" ]; then
  echo "mcp clients: creating $VENV ($PINS)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $PINS
  echo "$PINS" > "$VENV/.pins"
fi

cargo build --quiet --bin sb
SB=$PWD/target/debug/sb
command -v tmux >/dev/null || { echo "mcp clients: tmux is required" >&2; exit 1; }

passed=0 failed=0
tally() { # add "N passed, N failed" from a log's last such line
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 || true)
  if [ -n "$line" ]; then
    passed=$((passed + ${line%% passed*}))
    line=${line#*passed, }
    failed=$((failed + ${line%% failed*}))
  else
    failed=$((failed + 1))
  fi
}
work=$(mktemp -d /tmp/sb-mcp-clients.XXXXXX)
trap 'tmux -S "$work/tmux.sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

echo "== (a) official MCP Python SDK $MCP_VERSION: tests/mcp/client.py"
status_a=0
"$VENV/bin/python" tests/mcp/client.py --sb "$SB" | tee "$work/client.log" || status_a=$?
tally "$work/client.log"

echo "== (b) mcp-conform $MCP_CONFORM_VERSION: stdio conformance of sb mcp"
mkdir -p "$work/home"
status_b=0
env -i PATH="$PATH" HOME="$work/home" LANG=C.UTF-8 \
  SESSION_BRIDGE_DIR="$work/state" SB_TMUX_SOCKET="$work/tmux.sock" \
  "$VENV/bin/mcp-conform" server --transport stdio --command "$SB mcp" --timeout 20 \
  --format json > "$work/conform.json" || status_b=$?
"$VENV/bin/python" - "$work/conform.json" > "$work/conform.log" <<'EOF' || status_b=1
import json, sys
r = json.load(open(sys.argv[1]))
for ch in r["checks"]:
    print(("ok   " if ch["passed"] else "FAIL ") + ch["name"] + ": " + ch["message"])
if r["fatal_error"]:
    print("FAIL fatal: " + r["fatal_error"])
print(f"{r['passed']} passed, {r['failed'] + (1 if r['fatal_error'] else 0)} failed")
sys.exit(0 if r["ok"] else 1)
EOF
cat "$work/conform.log"
tally "$work/conform.log"

if [ "$status_a" -ne 0 ] || [ "$status_b" -ne 0 ]; then
  [ "$failed" -gt 0 ] || failed=1
fi
echo "mcp-clients: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
