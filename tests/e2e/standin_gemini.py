#!/usr/bin/env python3
"""Scripted local stand-in for the Gemini v1beta API, for Gemini CLI (Python 3 standard library only).

Gemini CLI talks to it with `GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:PORT` and an API key: turns are
`POST /v1beta/models/<model>:streamGenerateContent?alt=sse` (Server-Sent Events, one
GenerateContentResponse per `data:` line); before each turn a router classifier calls
`POST /v1beta/models/<model>:generateContent` with a JSON response schema, answered from that schema
and not a turn. A streamed request whose tools include run_shell_command is the main conversation,
answered from the script in standin_common.py (the script's shell call is run_shell_command, which
opens Gemini's approval box). Any model name is served.

Usage: standin_gemini.py [--port N] [--port-file F] [--log F]    (GET /_turns lists the turns)
"""

import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import standin_common as c  # noqa: E402

SHELL_TOOL = "run_shell_command"
# context Gemini CLI (and its hooks) add as text parts of a user message: not the user's words
INJECTED_RE = re.compile(r"\A\s*<(hook_context|session_context|system-reminder|context)>.*</\1>\s*\Z", re.S)


def tool_names(body):
    out = []
    for t in body.get("tools") or []:
        for f in (t or {}).get("functionDeclarations") or []:
            out.append(f.get("name"))
    return out


def own_words(content):
    """The user's words in a content (text parts, without injected context blocks), or ""."""
    if not isinstance(content, dict) or content.get("role", "user") != "user":
        return ""
    parts = [p.get("text", "") for p in content.get("parts") or [] if isinstance(p, dict) and "text" in p]
    return "".join(p for p in parts if not INJECTED_RE.match(p))


def function_response(content):
    for p in (content or {}).get("parts") or []:
        if isinstance(p, dict) and "functionResponse" in p:
            return p["functionResponse"]
    return None


class Gemini:
    def parse(self, path, body, headers):
        m = re.search(r"/models/([^/:]+):(\w+)", path)
        model, method = (m.group(1), m.group(2)) if m else (None, None)
        names = tool_names(body)
        gc = body.get("generationConfig") or {}
        schema = gc.get("responseJsonSchema") or gc.get("responseSchema")
        if method == "streamGenerateContent":
            kind = "main" if SHELL_TOOL in names else "aux"
        elif method == "generateContent":
            kind = "router" if schema else "aux"
        else:
            kind = "other"
        contents = body.get("contents") or []
        user_text, steps, last_out = "", 0, None
        for ct in reversed(contents):
            if not isinstance(ct, dict) or ct.get("role") != "user":
                continue
            fr = function_response(ct)
            if fr is not None:
                steps += 1
                if last_out is None:
                    r = fr.get("response")
                    last_out = r.get("output") if isinstance(r, dict) and isinstance(r.get("output"), str) \
                        else json.dumps(r)
                continue
            w = own_words(ct)
            if w:
                user_text = w
                break
        user_msgs = sum(1 for ct in contents if function_response(ct) is None and own_words(ct))
        session = headers.get("x-gemini-session-id") or headers.get("x-goog-request-params")
        return c.Request(kind, user_text, user_msgs, steps, last_out, session, model, schema, names)

    def respond(self, h, req, plan):
        if req.kind == "other":
            h.send_json(404, {"error": {"code": 404, "message": "not served by the stand-in", "status": "NOT_FOUND"}})
            return
        usage = {"promptTokenCount": 100, "candidatesTokenCount": 20, "totalTokenCount": 120}
        if req.kind == "router" or (plan is None and req.schema):
            text = json.dumps(c.from_schema(req.schema))
            h.send_json(200, {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                                              "finishReason": "STOP", "index": 0}],
                              "usageMetadata": usage, "modelVersion": req.model})
            return
        if plan is None:
            plan = c.Plan("aux", text="Stand-in reply.")
        if "streamGenerateContent" not in h.path:
            h.send_json(200, {"candidates": [{"content": {"role": "model", "parts": [{"text": plan.text}]},
                                              "finishReason": "STOP", "index": 0}],
                              "usageMetadata": usage, "modelVersion": req.model})
            return
        if plan.first_delay:
            time.sleep(plan.first_delay)

        def data(parts, finish=None):
            cand = {"content": {"role": "model", "parts": parts}, "index": 0}
            if finish:
                cand["finishReason"] = finish
            obj = {"candidates": [cand], "modelVersion": req.model, "responseId": rid}
            if finish:
                obj["usageMetadata"] = usage
            h.chunk("data: %s\r\n\r\n" % json.dumps(obj))

        rid = c.new_id("resp")
        h.start_sse()
        if plan.text:
            if plan.words_delay:
                pieces = [w if i == 0 else " " + w for i, w in enumerate(plan.text.split(" "))]
            else:
                pieces = c.split_chunks(plan.text, 40)
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1 and not plan.tool
                data([{"text": piece}], "STOP" if last else None)
                if plan.words_delay:
                    time.sleep(plan.words_delay)
        if plan.tool:
            args = {"command": plan.tool[1], "description": "Run the scripted command"}
            data([{"functionCall": {"name": SHELL_TOOL, "args": args}}], "STOP")
        h.end_sse()


if __name__ == "__main__":
    c.serve(Gemini(), __doc__)
