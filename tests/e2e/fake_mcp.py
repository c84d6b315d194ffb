#!/usr/bin/env python3
"""A minimal MCP stdio server (standard library only) with one tool, `send(to, from, text)`, that
appends its arguments as a JSON line to $FAKE_MCP_LOG. Used to check the MCP recipe (how Claude
Code registers, lists and calls a server's tools) independently of `sb mcp`."""

import json
import os
import sys

TOOLS = [{
    "name": "send",
    "description": "Send a message to a peer",
    "inputSchema": {"type": "object", "properties": {
        "to": {"type": "string"}, "from": {"type": "string"}, "text": {"type": "string"}},
        "required": ["to", "text"]},
}]


def reply(id_, result=None, error=None):
    msg = {"jsonrpc": "2.0", "id": id_}
    if error:
        msg["error"] = error
    else:
        msg["result"] = result
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def main():
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            continue
        m, id_ = req.get("method"), req.get("id")
        if id_ is None:
            continue  # notification
        if m == "initialize":
            reply(id_, {"protocolVersion": req.get("params", {}).get("protocolVersion", "2025-06-18"),
                        "capabilities": {"tools": {}}, "serverInfo": {"name": "fake", "version": "1"}})
        elif m == "tools/list":
            reply(id_, {"tools": TOOLS})
        elif m == "tools/call":
            args = req.get("params", {}).get("arguments", {})
            with open(os.environ.get("FAKE_MCP_LOG", "/dev/null"), "a") as f:
                f.write(json.dumps(args) + "\n")
            reply(id_, {"content": [{"type": "text", "text": "sent"}]})
        elif m in ("resources/list", "prompts/list"):
            reply(id_, {m.split("/")[0]: []})
        else:
            reply(id_, error={"code": -32601, "message": "no method " + str(m)})


if __name__ == "__main__":
    main()
