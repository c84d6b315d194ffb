#!/usr/bin/env python3
"""Scripted local stand-in for the OpenAI Responses API, for Codex CLI (Python 3 standard library only).

Codex talks to it through a custom model provider (`base_url = "http://127.0.0.1:PORT/v1"`,
`wire_api = "responses"`): it POSTs {base_url}/responses with `stream: true` and reads Server-Sent
Events (response.created, response.output_item.added/done, response.output_text.delta,
response.completed). A request whose tools include a shell tool (exec_command, shell_command or
shell) is the main conversation, answered from the script in standin_common.py; Codex's thread
title request (structured output, no tools) gets a JSON answer built from its schema and is no
turn. The script's shell call is `exec_command {cmd, sandbox_permissions: "require_escalated",
justification}`, which opens Codex's approval prompt in a trusted project.

Usage: standin_openai.py [--port N] [--port-file F] [--log F]    (GET /_turns lists the turns)
"""

import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import standin_common as c  # noqa: E402

SHELL_TOOLS = ("exec_command", "shell_command", "shell")
# Codex injects context as user messages too; these are not the user's words
INJECTED = ("<environment_context>", "# AGENTS.md instructions", "<user_instructions>", "<INSTRUCTIONS>",
            "<turn_aborted>", "<user_shell_command>", "<skill>", "<subagent_notification>")


def item_text(item):
    parts = item.get("content")
    if isinstance(parts, str):
        return parts
    return "\n".join(p.get("text", "") for p in parts or [] if isinstance(p, dict)
                     and p.get("type") in ("input_text", "text", "output_text"))


def own_words(item):
    """The user's words in an input item, or "" (not a user message, or injected context)."""
    if not isinstance(item, dict) or item.get("type", "message") != "message" or item.get("role") != "user":
        return ""
    t = item_text(item)
    return "" if t.lstrip().startswith(INJECTED) else t


def tool_names(body):
    return [t.get("name") or t.get("type") for t in body.get("tools") or [] if isinstance(t, dict)]


class OpenAI:
    def parse(self, path, body, headers):
        p = path.split("?", 1)[0]
        session = (headers.get("session_id") or headers.get("conversation_id")
                   or body.get("prompt_cache_key"))
        names = tool_names(body)
        kind = "other"
        if p.endswith("/responses"):
            fmt = ((body.get("text") or {}).get("format") or {})
            if any(n in SHELL_TOOLS for n in names):
                kind = "main"
            elif fmt.get("type") == "json_schema":
                kind = "title"
            else:
                kind = "aux"
        items = body.get("input") or []
        if isinstance(items, str):
            items = [{"type": "message", "role": "user", "content": items}]
        user_text, steps, last_out = "", 0, None
        for it in reversed(items):
            w = own_words(it)
            if w:
                user_text = w
                break
            if isinstance(it, dict) and it.get("type") in ("function_call_output", "custom_tool_call_output"):
                steps += 1
                if last_out is None:
                    o = it.get("output")
                    last_out = o if isinstance(o, str) else json.dumps(o)
        user_msgs = sum(1 for it in items if own_words(it))
        schema = ((body.get("text") or {}).get("format") or {}).get("schema")
        return c.Request(kind, user_text, user_msgs, steps, last_out, session, body.get("model"), schema, names)

    def respond(self, h, req, plan):
        if req.kind == "other":
            h.send_json(404, {"error": {"message": "not served by the stand-in", "type": "invalid_request_error"}})
            return
        if plan is None:
            text = json.dumps(c.from_schema(req.schema)) if req.kind == "title" else "Stand-in reply."
            plan = c.Plan("aux", text=text)
        if plan.first_delay:
            time.sleep(plan.first_delay)
        rid = c.new_id("resp")
        seq = [0]

        def ev(typ, obj):
            obj = dict(obj, type=typ, sequence_number=seq[0])
            seq[0] += 1
            h.chunk("event: %s\ndata: %s\n\n" % (typ, json.dumps(obj)))

        resp = {"id": rid, "object": "response", "created_at": int(time.time()), "status": "in_progress",
                "model": req.model or "gpt-5.5", "output": []}
        h.start_sse()
        ev("response.created", {"response": resp})
        ev("response.in_progress", {"response": resp})
        output = []
        if plan.text:
            mid = c.new_id("msg")
            idx = len(output)
            ev("response.output_item.added", {"output_index": idx, "item": {
                "id": mid, "type": "message", "status": "in_progress", "role": "assistant", "content": []}})
            ev("response.content_part.added", {"item_id": mid, "output_index": idx, "content_index": 0,
                                               "part": {"type": "output_text", "text": "", "annotations": []}})
            if plan.words_delay:
                pieces = [w if i == 0 else " " + w for i, w in enumerate(plan.text.split(" "))]
            else:
                pieces = c.split_chunks(plan.text, 40)
            for piece in pieces:
                ev("response.output_text.delta", {"item_id": mid, "output_index": idx, "content_index": 0,
                                                  "delta": piece})
                if plan.words_delay:
                    time.sleep(plan.words_delay)
            ev("response.output_text.done", {"item_id": mid, "output_index": idx, "content_index": 0,
                                             "text": plan.text})
            part = {"type": "output_text", "text": plan.text, "annotations": []}
            ev("response.content_part.done", {"item_id": mid, "output_index": idx, "content_index": 0,
                                              "part": part})
            item = {"id": mid, "type": "message", "status": "completed", "role": "assistant", "content": [part]}
            ev("response.output_item.done", {"output_index": idx, "item": item})
            output.append(item)
        if plan.tool:
            name = next((n for n in SHELL_TOOLS if n in req.tools), "exec_command")
            cmd = plan.tool[1]
            if name == "exec_command":
                args = {"cmd": cmd, "sandbox_permissions": "require_escalated",
                        "justification": "Run the scripted command?"}
            elif name == "shell_command":
                args = {"command": cmd, "sandbox_permissions": "require_escalated",
                        "justification": "Run the scripted command?"}
            else:
                args = {"command": ["bash", "-lc", cmd], "sandbox_permissions": "require_escalated",
                        "justification": "Run the scripted command?"}
            idx = len(output)
            item = {"id": c.new_id("fc"), "type": "function_call", "status": "completed", "name": name,
                    "call_id": c.new_id("call"), "arguments": json.dumps(args)}
            ev("response.output_item.added", {"output_index": idx, "item": dict(item, arguments="",
                                                                                  status="in_progress")})
            ev("response.function_call_arguments.delta", {"item_id": item["id"], "output_index": idx,
                                                          "delta": item["arguments"]})
            ev("response.function_call_arguments.done", {"item_id": item["id"], "output_index": idx,
                                                         "arguments": item["arguments"]})
            ev("response.output_item.done", {"output_index": idx, "item": item})
            output.append(item)
        done = dict(resp, status="completed", output=output, usage={
            "input_tokens": 100, "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 20, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 120})
        ev("response.completed", {"response": done})
        h.end_sse()


if __name__ == "__main__":
    c.serve(OpenAI(), __doc__)
