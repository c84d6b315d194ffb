#!/usr/bin/env python3
"""Scripted local stand-in for the Anthropic Messages API (Python 3 standard library only).

Claude Code talks to it when started with ANTHROPIC_BASE_URL=http://127.0.0.1:PORT. Every request is
logged as one JSON line (path, method, body and what the stand-in made of it) to --log.

Main-conversation requests (a streamed /v1/messages whose tools include Bash) are answered from a
script keyed on the text of the latest user turn (system reminders stripped). Triggers, anywhere in
that text (the argument, where one is taken, is the rest of that line):

  SB_SLOW[:SECONDS]           stream a text reply slowly over SECONDS (default 8); TUI shows busy
  SB_DELAY[:SECONDS]          wait SECONDS (default 6) before the first byte, then a short reply
  SB_BASH: <command>          tool_use Bash {command}; after its tool_result: "Bash done."
  SB_EDIT: <path>             tool_use Read <path>, then Edit <path> (first line -> "edited by stand-in")
  SB_WRITE: <path>            tool_use Write <path> with a fixed content
  SB_ASK                      tool_use AskUserQuestion (one single-select question, 3 options)
  SB_ASK2                     tool_use AskUserQuestion (two questions, the second multi-select)
  SB_QUESTION                 a prose reply that ends with a question mark
  SB_MCP_SEND: <to> [from=<role>] <text>
                              tool_use mcp__session-bridge__send {to, from (default standin), text};
                              first ToolSearch select:… when the tool is deferred (2.1.332 defers MCP tools)
  SB_TOOL: <name> <json>      tool_use of any tool with the given JSON input
  SB_REPLY: <text>            in a message from another Claude Code session (`<cross-session-message
                              from="uds:…">`): tool_use SendMessage {to: that from address, message:
                              <text>} (first ToolSearch select:SendMessage when the tool is deferred)
  SB_ON_NOTICE: <label>       a standing order, in any earlier user turn of the conversation: a later
                              turn that is an `sb watch` notice (`[sb watch] ROLE is waiting on a
                              menu` with lines `N. LABEL → sb respond ROLE --option N --expect FP`)
                              is answered with tool_use mcp__session-bridge__respond {role, option,
                              expect} for the first option whose label starts with <label> (after a
                              ToolSearch select:… when the tool is deferred)
  (anything else)             "stand-in reply #N: received C chars" + any MARK-… tokens echoed

A tool step's tool_result advances the script; once its steps are done the turn ends with a short text
that names the tool_result (is_error or not). Auxiliary requests (no tools / not streamed: titles,
quota checks, summaries…) get a fixed short reply; count_tokens gets a rough count; other paths get
an empty JSON object. Nothing the client sends can crash the server: errors are logged and answered
with a generic reply.

Usage: standin.py [--port N] [--port-file F] [--log F]    (port 0 = pick a free one; prints it)
"""

import argparse
import itertools
import json
import os
import re
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_ids = itertools.count(1)
_lock = threading.Lock()
_main_counter = itertools.count(1)
MODEL = "claude-standin"


def new_id(prefix):
    return "%s_%016d%04d" % (prefix, int(time.time() * 1e6), next(_ids) % 10000)


# ---------------------------------------------------------------------------------------------
# Reading the request


REMINDER_RE = re.compile(r"<system-reminder>.*?</system-reminder>", re.S)


def block_texts(content):
    """Text blocks of a message content (str or list), as a list of strings."""
    if isinstance(content, str):
        return [content]
    out = []
    if isinstance(content, list):
        for b in content:
            if isinstance(b, dict) and b.get("type") == "text":
                out.append(b.get("text", ""))
    return out


def has_tool_result(content):
    return isinstance(content, list) and any(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in content
    )


def strip_reminders(text):
    return REMINDER_RE.sub("", text).strip("\n")


INTERRUPT_RE = re.compile(r"^\[Request interrupted by user[^\]]*\]\s*$", re.M)


def user_turn_text(content):
    """The user's own words in a message: text blocks without system reminders or Claude Code's
    '[Request interrupted by user…]' markers, joined by \\n."""
    parts = [INTERRUPT_RE.sub("", strip_reminders(t)) for t in block_texts(content)]
    parts = [p for p in parts if p.strip()]
    return "\n".join(parts)


def turn_words(content):
    """The user's own words if this user message starts a turn, else "". A message carrying a
    tool_result is a tool step (Claude Code may add text such as "Tool loaded." to it) unless it
    also says the user interrupted, in which case the text after that marker is a new turn."""
    if has_tool_result(content):
        if not any(INTERRUPT_RE.search(t) for t in block_texts(content)):
            return ""
    return user_turn_text(content)


def analyse(body):
    """Find the latest user turn (the last user message with words of the user's own; a message
    with only tool_result blocks is a tool step) and how many tool steps have happened since."""
    msgs = body.get("messages") or []
    step = 0
    turn_text = ""
    last_tool_result = None
    for m in reversed(msgs):
        if not isinstance(m, dict) or m.get("role") != "user":
            continue
        c = m.get("content")
        words = turn_words(c)
        if words:
            turn_text = words
            break
        if has_tool_result(c):
            step += 1
            if last_tool_result is None:
                last_tool_result = next(b for b in c if isinstance(b, dict) and b.get("type") == "tool_result")
    user_turns = [t for t in (turn_words(m.get("content")) for m in msgs
                              if isinstance(m, dict) and m.get("role") == "user") if t]
    return turn_text, step, last_tool_result, user_turns


MIDTURN_RE = re.compile(r"The user sent a new message while you were working:\n(.*?)\n\nThis is how Claude Code "
                        r"surfaces messages", re.S)


def midturn_texts(body):
    """Messages the user sent while a tool ran: 2.1.332 attaches them to the next tool_result
    message ("The user sent a new message while you were working:\\n<text>\\n\\nThis is how …")
    instead of making a new turn. Returns those in the last user message."""
    for m in reversed(body.get("messages") or []):
        if isinstance(m, dict) and m.get("role") == "user":
            return [x for t in block_texts(m.get("content")) for x in MIDTURN_RE.findall(t)]
    return []


def tool_names(body):
    return [t.get("name") for t in (body.get("tools") or []) if isinstance(t, dict)]


def is_main(body):
    return "Bash" in tool_names(body)


# ---------------------------------------------------------------------------------------------
# The script


def arg_after(text, trigger):
    i = text.find(trigger)
    rest = text[i + len(trigger):]
    if rest.startswith(":"):
        rest = rest[1:]
    return rest.split("\n", 1)[0].strip()


def tool(name, inp):
    return {"type": "tool_use", "id": new_id("toolu"), "name": name, "input": inp}


def text(t):
    return {"type": "text", "text": t}


NOTICE_OPTION_RE = re.compile(r"^\s*(\d+)\. (.*?) → sb respond (\S+) --option (\d+) --expect ([0-9A-Za-z]+)\s*$",
                              re.M)


def standing_order(earlier_turns):
    """The label of the newest `SB_ON_NOTICE: <label>` in earlier user turns, or None."""
    for t in reversed(earlier_turns):
        if "SB_ON_NOTICE" in t:
            return arg_after(t, "SB_ON_NOTICE")
    return None


def notice_answer(turn_text, label):
    """For an `sb watch` menu notice: the respond tool input {role, option, expect} of the first
    option whose label starts with `label`, taken from the notice's own lines; else None."""
    if "[sb watch]" not in turn_text:
        return None
    for m in NOTICE_OPTION_RE.finditer(turn_text):
        if m.group(2).lower().startswith(label.lower()):
            return {"role": m.group(3), "option": int(m.group(4)), "expect": m.group(5)}
    return None


def script_steps(turn_text, earlier_turns=()):
    """The tool steps (a list of content-block lists) the latest user turn asks for, plus reply
    options. Returns (name, steps, final_text, opts)."""
    t = turn_text
    label = standing_order(earlier_turns)
    if label:
        inp = notice_answer(t, label)
        if inp is not None:
            return "mcp_respond", [[text("Answering %s's menu via the bridge." % inp["role"]),
                                    tool(MCP_RESPOND, inp)]], "Answered via the bridge.", {}
    if "SB_MCP_SEND" in t:
        rest = arg_after(t, "SB_MCP_SEND")
        to, _, msg = rest.partition(" ")
        frm = "standin"
        if msg.startswith("from="):
            frm, _, msg = msg[5:].partition(" ")
        inp = {"to": to, "from": frm, "text": msg}
        return "mcp_send", [[text("Sending via the bridge."), tool(MCP_SEND, inp)]], "Sent via the bridge.", {}
    if "SB_TOOL" in t:
        rest = arg_after(t, "SB_TOOL")
        name, _, js = rest.partition(" ")
        try:
            inp = json.loads(js) if js.strip() else {}
        except ValueError:
            inp = {"raw": js}
        return "tool", [[tool(name, inp)]], None, {}
    if "SB_BASH" in t:
        cmd = arg_after(t, "SB_BASH") or "true"
        return "bash", [[text("I will run a command."),
                         tool("Bash", {"command": cmd, "description": "Run the scripted command"})]], \
            "Bash done.", {}
    if "SB_REPLY" in t:
        m = re.search(r'<cross-session-message from="([^"]+)"', t)
        inp = {"to": m.group(1) if m else "nobody", "message": arg_after(t, "SB_REPLY")}
        return "peer_reply", [[text("Replying to the session that wrote."), tool(SEND_MESSAGE, inp)]], \
            "Replied.", {}
    if "SB_EDIT" in t:
        path = arg_after(t, "SB_EDIT") or "README.md"
        first = ""
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                first = f.readline().rstrip("\n")
        except OSError:
            pass
        return "edit", [
            [tool("Read", {"file_path": path})],
            [text("Now the edit."), tool("Edit", {"file_path": path, "old_string": first or "x",
                                                  "new_string": "edited by stand-in"})],
        ], "Edit done.", {}
    if "SB_WRITE" in t:
        path = arg_after(t, "SB_WRITE") or "standin-written.txt"
        return "write", [[tool("Write", {"file_path": path, "content": "written by stand-in\n"})]], \
            "Write done.", {}
    if "SB_ASK2" in t:
        qs = [
            {"question": "Which database should we use?", "header": "Database", "multiSelect": False,
             "options": [{"label": "Postgres", "description": "Relational, battle tested"},
                         {"label": "SQLite", "description": "Embedded, zero setup"}]},
            {"question": "Which features do you want?", "header": "Features", "multiSelect": True,
             "options": [{"label": "Auth", "description": "Sign-in and sessions"},
                         {"label": "Search", "description": "Full-text search"},
                         {"label": "Export", "description": "CSV export"}]},
        ]
        return "ask2", [[tool("AskUserQuestion", {"questions": qs})]], None, {}
    if "SB_ASK" in t:
        qs = [{"question": "Which colour should the banner be?", "header": "Colour", "multiSelect": False,
               "options": [{"label": "Red", "description": "Warm and loud"},
                           {"label": "Green", "description": "Calm"},
                           {"label": "Blue", "description": "The default"}]}]
        return "ask", [[tool("AskUserQuestion", {"questions": qs})]], None, {}
    if "SB_QUESTION" in t:
        return "question", [], "I looked at the request. Should I deploy the build to staging now?", {}
    if "SB_SLOW" in t:
        secs = _num(arg_after(t, "SB_SLOW"), 8.0)
        words = ("This is a slow scripted reply that streams one word at a time so the terminal "
                 "shows a busy spinner for a while before the turn ends. ").split()
        n = max(4, int(secs / 0.5))
        words = (words * (n // len(words) + 1))[:n]
        return "slow", [], None, {"slow_words": words, "word_delay": secs / n}
    if "SB_DELAY" in t:
        secs = _num(arg_after(t, "SB_DELAY"), 6.0)
        return "delay", [], "Delayed reply done.", {"first_delay": secs}
    return "echo", [], None, {}


def _num(s, default):
    m = re.match(r"\s*([0-9]+(?:\.[0-9]+)?)", s or "")
    return float(m.group(1)) if m else default


MCP_SEND = "mcp__session-bridge__send"
MCP_RESPOND = "mcp__session-bridge__respond"
SEND_MESSAGE = "SendMessage"
# tools 2.1.332 may defer behind ToolSearch (MCP tools, SendMessage)
MCP_SCRIPTS = {"mcp_send": MCP_SEND, "mcp_respond": MCP_RESPOND, "peer_reply": SEND_MESSAGE}


def turn_tool_uses(body):
    """Names of the tools the assistant called since the latest user turn began."""
    names = []
    for m in reversed(body.get("messages") or []):
        if not isinstance(m, dict):
            continue
        c = m.get("content")
        if m.get("role") == "user" and turn_words(c):
            break
        if m.get("role") == "assistant" and isinstance(c, list):
            names += [b.get("name") for b in c if isinstance(b, dict) and b.get("type") == "tool_use"]
    return names


def plan_reply(body):
    """Decide the reply: (info dict, content blocks, stop_reason, opts)."""
    turn_text, step, last_tr, user_turns = analyse(body)
    name, steps, final, opts = script_steps(turn_text, user_turns[:-1])
    idx = step
    if name in MCP_SCRIPTS:
        # 2.1.332 may defer MCP tools behind ToolSearch: load the schema first when the tool is
        # not in the request's tool list, then call it; once called, finish the turn.
        mcp = MCP_SCRIPTS[name]
        used = turn_tool_uses(body)
        if mcp in used:
            steps = []
        elif mcp not in tool_names(body) and "ToolSearch" not in used:
            steps = [[tool("ToolSearch", {"query": "select:" + mcp, "max_results": 5})]]
        idx = 0
    info = {"script": name, "step": step, "user_text": turn_text, "user_turns": len(user_turns),
            "midturn": midturn_texts(body)}
    if idx < len(steps):
        return info, steps[idx], "tool_use", opts
    if final is None:
        if name == "echo" or name == "slow":
            marks = re.findall(r"MARK-[A-Za-z0-9_-]+", turn_text)
            n = next(_main_counter)
            final = "stand-in reply #%d: received %d chars%s" % (
                n, len(turn_text), (" " + " ".join(marks)) if marks else "")
        else:
            final = "Done."
    if last_tr is not None and step > 0:
        err = bool(last_tr.get("is_error"))
        final = "%s (tool_result %s)" % (final, "error" if err else "ok")
    if name == "slow" and step == 0:
        return info, [text(" ".join(opts["slow_words"]) + " " + final)], "end_turn", opts
    return info, [text(final)], "end_turn", opts


AUX_TEXT = "Stand-in session"


# ---------------------------------------------------------------------------------------------
# HTTP


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sb-standin/1"

    def log_message(self, fmt, *args):  # silence stderr access log
        pass

    # -- helpers
    def _log(self, entry):
        entry.setdefault("ts", time.time())
        line = json.dumps(entry, ensure_ascii=False)
        with _lock:
            with open(self.server.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def _send_json(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", new_id("req"))
        self.end_headers()
        self.wfile.write(data)

    def _chunk(self, s):
        data = s.encode("utf-8")
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _event(self, typ, obj):
        self._chunk("event: %s\ndata: %s\n\n" % (typ, json.dumps(obj)))

    def _read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n > 0 else b""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raw = b""
            while True:
                line = self.rfile.readline().strip()
                size = int(line.split(b";")[0] or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                raw += self.rfile.read(size)
                self.rfile.readline()
        try:
            return raw, json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            return raw, None

    # -- verbs
    def do_GET(self):
        self._log({"method": "GET", "path": self.path, "kind": "other"})
        self._send_json(200, {})

    def do_HEAD(self):
        self._log({"method": "HEAD", "path": self.path, "kind": "other"})
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        try:
            raw, body = self._read_body()
            self._post(raw, body)
        except (BrokenPipeError, ConnectionResetError) as e:
            self._log({"method": "POST", "path": self.path, "kind": "error", "error": repr(e)})
        except Exception as e:  # never crash; answer something generic
            self._log({"method": "POST", "path": self.path, "kind": "error", "error": repr(e),
                       "trace": traceback.format_exc()})
            try:
                self._send_json(200, message_obj([text(AUX_TEXT)], "end_turn"))
            except Exception:
                pass

    def _post(self, raw, body):
        path = self.path.split("?", 1)[0]
        entry = {"method": "POST", "path": self.path, "headers": {
            k.lower(): v for k, v in self.headers.items()
            if k.lower() in ("anthropic-beta", "anthropic-version", "user-agent", "x-app")}}
        if not isinstance(body, dict):
            entry.update(kind="other", raw=raw[:2000].decode("utf-8", "replace"))
            self._log(entry)
            self._send_json(200, {})
            return
        entry["body"] = body
        if path.endswith("/count_tokens"):
            entry["kind"] = "count_tokens"
            self._log(entry)
            self._send_json(200, {"input_tokens": max(1, len(json.dumps(body)) // 4)})
            return
        if not path.endswith("/messages"):
            entry["kind"] = "other"
            self._log(entry)
            self._send_json(200, {})
            return
        stream = bool(body.get("stream"))
        if is_main(body):
            info, blocks, stop, opts = plan_reply(body)
            entry.update(kind="main", **info)
        else:
            _, _, _, user_turns = analyse(body)
            blocks, stop, opts = [text(AUX_TEXT)], "end_turn", {}
            entry.update(kind="aux")
        entry["reply"] = {"blocks": blocks, "stop_reason": stop}
        entry["stream"] = stream
        self._log(entry)
        if not stream:
            self._send_json(200, message_obj(blocks, stop))
            return
        self._stream(blocks, stop, opts)

    def _stream(self, blocks, stop, opts):
        if opts.get("first_delay"):
            time.sleep(opts["first_delay"])
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", new_id("req"))
        self.end_headers()
        msg = message_obj([], None)
        msg["usage"] = usage(0)
        self._event("message_start", {"type": "message_start", "message": msg})
        self._event("ping", {"type": "ping"})
        out_tokens = 0
        for i, b in enumerate(blocks):
            if b["type"] == "text":
                self._event("content_block_start", {"type": "content_block_start", "index": i,
                                                    "content_block": {"type": "text", "text": ""}})
                if opts.get("slow_words"):
                    words = b["text"].split(" ")
                    for j, w in enumerate(words):
                        piece = w if j == 0 else " " + w
                        self._event("content_block_delta", {"type": "content_block_delta", "index": i,
                                                            "delta": {"type": "text_delta", "text": piece}})
                        if j < len(opts["slow_words"]):
                            time.sleep(opts.get("word_delay", 0.5))
                else:
                    for piece in split_chunks(b["text"], 40):
                        self._event("content_block_delta", {"type": "content_block_delta", "index": i,
                                                            "delta": {"type": "text_delta", "text": piece}})
                out_tokens += len(b["text"]) // 4 + 1
            elif b["type"] == "tool_use":
                self._event("content_block_start", {"type": "content_block_start", "index": i,
                                                    "content_block": {"type": "tool_use", "id": b["id"],
                                                                      "name": b["name"], "input": {}}})
                js = json.dumps(b["input"])
                for piece in split_chunks(js, 60):
                    self._event("content_block_delta", {"type": "content_block_delta", "index": i,
                                                        "delta": {"type": "input_json_delta",
                                                                  "partial_json": piece}})
                out_tokens += len(js) // 4 + 1
            self._event("content_block_stop", {"type": "content_block_stop", "index": i})
        self._event("message_delta", {"type": "message_delta",
                                      "delta": {"stop_reason": stop, "stop_sequence": None},
                                      "usage": {"output_tokens": out_tokens}})
        self._event("message_stop", {"type": "message_stop"})
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def split_chunks(s, n):
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


def usage(out):
    return {"input_tokens": 12, "output_tokens": out, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0}


def message_obj(blocks, stop):
    return {"id": new_id("msg"), "type": "message", "role": "assistant", "model": MODEL,
            "content": blocks, "stop_reason": stop, "stop_sequence": None, "usage": usage(5)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log", default="standin-log.jsonl")
    a = ap.parse_args(argv)
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.log_path = a.log
    open(a.log, "a").close()
    port = srv.server_address[1]
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, a.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
