#!/usr/bin/env python3
"""Measure bracketed-paste delivery into the real Claude Code TUI (no sb involved).

For each message kind (short, multi-line, 20 KB) and settle delay between paste and Enter (0 ms =
paste and Enter chained in one tmux invocation; otherwise two invocations), send REPS messages into
an idle session and check in the stand-in's log that each became exactly one new user turn whose
text equals what was sent. Prints a Markdown table (and per-failure details on stderr).

    SB_E2E_CACHE=/work/cache/claude python3 tests/e2e/measure_delivery.py [--reps 10] [--delays 0,50,200]
"""

import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the repo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def messages():
    multi = ("MARK-{n} multi-line: \"double quotes\" and 'single quotes' and `backticks`\n"
             "unicode: héllo wörld — ünïcødé ✓ 日本語 🎉 (ζ∑)\n"
             "\ttab-indented\tcolumns\there\n"
             "\n"
             "after a blank line: $HOME \\backslash {braces} [brackets] <angle> & | ; #\n"
             "last line")
    line = "0123456789 abcdefghij klmnopqrst uvwxyz ABCDEFGHIJ KLMNOPQRST UVWXYZ ,.;:!? ()[]{}<> 0123456789\n"
    big = "MARK-{n} 20KB message\n" + "".join("%04d %s" % (i, line) for i in range(200))
    big = big[:20000]
    long1 = "MARK-{n} one long line " + "lorem ipsum dolor sit amet " * 37
    return [("short", "MARK-{n} short message"), ("multi-line", multi),
            ("1 KB single line", long1[:1000]), ("20 KB", big)]


def one(env, cl, template, n, delay):
    text = template.replace("{n}", str(n))
    mark = env.standin.mark()
    cl.paste_submit(text, delay=delay)
    marker = "MARK-%d " % n
    try:
        env.standin.wait_main(lambda e: marker in e.get("user_text", "") + " ", 20, after=mark,
                              what="turn with %s" % marker)
        cl.wait_idle(30, stable=0.6)
    except h.Timeout:
        scr = cl.screen()
        box = h.input_box(scr)
        return "not submitted", "input box: %r" % (box[:3] if box else None)
    time.sleep(0.3)
    new = env.standin.main_entries(after=mark)
    sid = h.session_of(new[0])
    before = env.standin.main_entries(session=sid)[:-len(new)] if sid else []
    before = [e for e in before if e not in new]
    prev_turns = before[-1]["user_turns"] if before else 0
    turns = [e["user_turns"] for e in new]
    if any(t != prev_turns + 1 for t in turns):
        return "split/merged", "user_turns %s (before %d)" % (turns, prev_turns)
    got = h.unwrap_paste(new[0]["user_text"])
    if got != text and got == text.replace("\t", "    "):
        return "tabs", ""
    if got != text:
        i = next((k for k in range(min(len(got), len(text))) if got[k] != text[k]), min(len(got), len(text)))
        return "altered", "first diff at %d: sent %r got %r (len %d vs %d)" % (
            i, text[i:i + 20], got[i:i + 20], len(text), len(got))
    return "ok", ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--delays", default="0,50,200")
    a = ap.parse_args()
    delays = [int(x) for x in a.delays.split(",")]
    results = {}
    n = 1000
    with h.Env() as env:
        for kind, template in messages():
            cl = env.start_claude("m%d" % len(results))  # a fresh session per kind keeps bodies small
            cl.wait_ready(60)
            for d in delays:
                oks = tabs = 0
                fails = []
                for _ in range(a.reps):
                    n += 1
                    status, detail = one(env, cl, template, n, d / 1000.0)
                    if status == "ok":
                        oks += 1
                    elif status == "tabs":
                        oks += 1
                        tabs += 1
                    else:
                        fails.append("%s (%s)" % (status, detail))
                        sys.stderr.write("%s delay %dms #%d: %s %s\n" % (kind, d, n, status, detail))
                        cl.keys("C-u")  # clear a stuck draft before the next try
                        time.sleep(0.5)
                if tabs:
                    fails.append("each tab arrived as 4 spaces (%d/%d)" % (tabs, a.reps))
                results[(kind, d)] = (oks, a.reps, fails)
                sys.stderr.write("%s delay %dms: %d/%d\n" % (kind, d, oks, a.reps))
    print("| message | bytes | settle delay | one user turn, text intact | failures |")
    print("|---|---|---|---|---|")
    sizes = {k: len(t.replace("{n}", "1000").encode()) for k, t in messages()}
    for (kind, d), (oks, reps, fails) in results.items():
        how = "0 ms (chained, one tmux call)" if d == 0 else "%d ms (two tmux calls)" % d
        print("| %s | %d | %s | %d/%d | %s |" % (kind, sizes[kind], how, oks, reps,
                                                 "; ".join(sorted(set(fails))) or "-"))


if __name__ == "__main__":
    main()
