"""What the Codex and Gemini API stand-ins share (Python 3 standard library only): the script keyed
on a marker word in the newest user message, the request log, the turn log served at `GET /_turns`,
JSON-schema answers for structured-output side requests, and the HTTP server around an API module.

An API module (standin_openai.py, standin_gemini.py) parses a request into a `Request` (what kind
it is, the user's own words, how many tool results came since the turn began) and encodes a `Plan`
as that API's SSE stream. Triggers, anywhere in the newest user message (an argument is the rest of
that line):

  SB_SHELL: <command>     a shell tool call that needs approval (Codex: exec_command with
                          sandbox_permissions "require_escalated"; Gemini: run_shell_command);
                          after the tool result: "Shell done. (tool output: …)"
  SB_SLOW[:SECONDS]       a text reply streamed one word at a time over SECONDS (default 8)
  SB_DELAY[:SECONDS]      SECONDS (default 6) before the first byte, then a short reply
  SB_QUESTION             a prose reply ending in "Should I deploy the build to staging now?"
  (anything else)         "stand-in reply #N: received C chars" + every MARK-… token echoed

The turn log (`GET /_turns`, and lines with "turn": true in --log) has one entry per request that
starts a turn: its `user_text` (the user's own words of the newest user message), `user_msgs` (how
many user messages with words of their own the conversation holds), `session`, `model` and `script`.
Side requests (Codex's thread title, Gemini's router classifier) and tool steps are logged but are
not turns.
"""

import argparse
import itertools
import json
import os
import re
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_reply_no = itertools.count(1)
_ids = itertools.count(1)


def new_id(prefix):
    return "%s_%013d%05d" % (prefix, int(time.time() * 1000), next(_ids) % 100000)


# ---------------------------------------------------------------------------------------------
# The script


class Request:
    """What an API module made of one request."""

    def __init__(self, kind, user_text="", user_msgs=0, steps=0, last_tool_output=None, session=None,
                 model=None, schema=None, tools=()):
        self.kind = kind                  # "main", "title", "router", "aux", "other"
        self.user_text = user_text        # the user's own words of the newest user message
        self.user_msgs = user_msgs        # user messages with words of their own, whole conversation
        self.steps = steps                # tool results since that message
        self.last_tool_output = last_tool_output
        self.session = session
        self.model = model
        self.schema = schema              # JSON schema of a structured-output side request
        self.tools = list(tools)          # tool names offered


class Plan:
    """The reply: text, or one tool call, streamed with the given pacing."""

    def __init__(self, script, text=None, tool=None, words_delay=0.0, first_delay=0.0):
        self.script = script
        self.text = text
        self.tool = tool                  # ("shell", command) for a shell call
        self.words_delay = words_delay    # > 0: stream word by word
        self.first_delay = first_delay


def arg_after(text, trigger):
    rest = text[text.find(trigger) + len(trigger):]
    if rest.startswith(":"):
        rest = rest[1:]
    return rest.split("\n", 1)[0].strip()


def _num(s, default):
    m = re.match(r"\s*([0-9]+(?:\.[0-9]+)?)", s or "")
    return float(m.group(1)) if m else default


QUESTION = "I looked at the request. Should I deploy the build to staging now?"


def plan(req):
    """The scripted reply to a main-conversation request."""
    t = req.user_text
    if "SB_SHELL" in t:
        if req.steps == 0:
            return Plan("shell", text="I will run a command.", tool=("shell", arg_after(t, "SB_SHELL") or "true"))
        out = (req.last_tool_output or "").strip().replace("\n", " ")[:120]
        return Plan("shell", text="Shell done. (tool output: %s)" % out)
    if "SB_QUESTION" in t:
        return Plan("question", text=QUESTION)
    if "SB_SLOW" in t:
        secs = _num(arg_after(t, "SB_SLOW"), 8.0)
        words = ("This is a slow scripted reply that streams one word at a time so the terminal "
                 "shows the agent busy for a while before the turn ends.").split()
        n = max(4, int(secs / 0.5))
        words = (words * (n // len(words) + 1))[:n]
        return Plan("slow", text=" ".join(words) + " " + echo_text(t), words_delay=secs / n)
    if "SB_DELAY" in t:
        return Plan("delay", text="Delayed reply done.", first_delay=_num(arg_after(t, "SB_DELAY"), 6.0))
    return Plan("echo", text=echo_text(t))


def echo_text(t):
    marks = re.findall(r"MARK-[A-Za-z0-9_-]+", t)
    return "stand-in reply #%d: received %d chars%s" % (
        next(_reply_no), len(t), (" " + " ".join(marks)) if marks else "")


def from_schema(schema, name=""):
    """A value that fits a JSON schema (OpenAPI-style upper-case types too): the first enum value,
    'Stand-in <name>' for strings, 0, false, [] or an object of its properties."""
    if not isinstance(schema, dict):
        return "Stand-in"
    if schema.get("enum"):
        return schema["enum"][0]
    for alt in ("anyOf", "oneOf"):
        if schema.get(alt):
            return from_schema(schema[alt][0], name)
    typ = schema.get("type")
    if isinstance(typ, list):
        typ = next((x for x in typ if x != "null"), "string")
    typ = (typ or ("object" if "properties" in schema else "string")).lower()
    if typ == "object":
        return {k: from_schema(v, k) for k, v in (schema.get("properties") or {}).items()}
    if typ == "array":
        return []
    if typ in ("integer", "number"):
        return 0
    if typ == "boolean":
        return False
    return "Stand-in %s" % name if name else "Stand-in"


def split_chunks(s, n):
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


# ---------------------------------------------------------------------------------------------
# HTTP


class Handler(BaseHTTPRequestHandler):
    """The API module supplies `api` (an object with parse(path, body, headers) -> Request and
    respond(handler, req, plan_or_None))."""
    protocol_version = "HTTP/1.1"
    server_version = "sb-standin/2"

    def log_message(self, fmt, *args):
        pass

    def log_entry(self, entry):
        entry.setdefault("ts", time.time())
        line = json.dumps(entry, ensure_ascii=False)
        with _lock:
            with open(self.server.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")
            if entry.get("turn"):
                self.server.turns.append({k: entry.get(k) for k in
                                          ("ts", "user_text", "user_msgs", "session", "model", "script", "path")})

    def send_json(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def start_sse(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, s):
        data = s.encode("utf-8")
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_sse(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raw = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0] or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                raw += self.rfile.read(size)
                self.rfile.readline()
        else:
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n > 0 else b""
        try:
            return raw, json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            return raw, None

    def do_GET(self):
        if self.path.split("?", 1)[0] == "/_turns":
            with _lock:
                turns = list(self.server.turns)
            self.send_json(200, turns)
            return
        self.log_entry({"method": "GET", "path": self.path, "kind": "other"})
        self.send_json(404, {"error": {"code": 404, "message": "not served by the stand-in"}})

    def do_POST(self):
        entry = {"method": "POST", "path": self.path}
        try:
            raw, body = self.read_body()
            api = self.server.api
            if not isinstance(body, dict):
                entry.update(kind="other", raw=raw[:2000].decode("utf-8", "replace"),
                             encoding=self.headers.get("Content-Encoding"))
                self.log_entry(entry)
                self.send_json(400, {"error": {"code": 400, "message": "stand-in: body is not JSON"}})
                return
            req = api.parse(self.path, body, self.headers)
            p = plan(req) if req.kind == "main" else None
            entry.update(kind=req.kind, user_text=req.user_text, user_msgs=req.user_msgs, step=req.steps,
                         session=req.session, model=req.model, tools=req.tools,
                         script=p.script if p else None,
                         turn=req.kind == "main" and req.steps == 0 and bool(req.user_text),
                         reply={"text": p.text, "tool": p.tool} if p else None, body=body)
            self.log_entry(entry)
            api.respond(self, req, p)
        except (BrokenPipeError, ConnectionResetError) as e:
            self.log_entry({"method": "POST", "path": self.path, "kind": "error", "error": repr(e)})
        except Exception as e:  # never crash: log it, answer a 400 the client shows at once
            self.log_entry({"method": "POST", "path": self.path, "kind": "error", "error": repr(e),
                            "trace": traceback.format_exc()})
            try:
                self.send_json(400, {"error": {"code": 400, "message": "stand-in error: %r" % e}})
            except Exception:
                pass


def serve(api, doc):
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log", default="standin-log.jsonl")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.log_path = a.log
    srv.api = api
    srv.turns = []
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
