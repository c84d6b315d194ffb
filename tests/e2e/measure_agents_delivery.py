#!/usr/bin/env python3
"""Measure paste + Enter delivery into the real Codex / Gemini CLIs (sb is not involved).

For each agent, message and settle delay: a bracketed paste (`load-buffer; paste-buffer -p -d`),
then `send-keys Enter` `delay` ms later as a second tmux call (0 = one tmux call), into an idle
session. "ok" = the stand-in's turn log shows exactly one new turn whose text is the message. A
message left in the input box is cleared (C-u repeatedly... then Escape) before the next try.

    python3 tests/e2e/measure_agents_delivery.py --agents gemini --delays 150,300 --reps 5
"""

import argparse
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agents_harness as ah  # noqa: E402
import harness as h  # noqa: E402

LINE = "%04d the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ <>&\"'\n"
MESSAGES = {
    "20B": "hi %s 20 bytes",
    "3-line": "%s first line\nsecond line héllo ✓\nthird line",
    "20KB": "%s 20 KB\n" + "".join(LINE % i for i in range(260)),
}


def clear_box(a):
    for _ in range(3):
        a.keys("Escape")
        time.sleep(0.2)
    a.keys("C-u")
    time.sleep(0.3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agents", default="codex,gemini")
    ap.add_argument("--delays", default="0,150,300")
    ap.add_argument("--messages", default="20B,3-line,20KB")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--quiet", action="store_true", help="wait until the agent uses no CPU before each paste")
    a = ap.parse_args()
    rows = []
    print("load average %s" % open("/proc/loadavg").read().split()[0], flush=True)
    with ah.AgentEnv() as env:
        for agent in a.agents.split(","):
            s = env.start(agent, agent)
            s.wait_ready(60)
            time.sleep(2)
            st = env.api(agent)
            n = 0
            for msg in a.messages.split(","):
                for delay in [int(x) for x in a.delays.split(",")]:
                    ok = 0
                    for _ in range(a.reps):
                        n += 1
                        mark = "MARK-m%d" % n
                        text = (MESSAGES[msg] % mark)[:20000].rstrip("\n")
                        s.wait_idle(30, stable=0.5)
                        if a.quiet:
                            s.wait_quiet()
                        n0 = len(st.turns())
                        env.paste(s.pane, text, delay=delay / 1000.0)
                        try:
                            st.wait_turn(lambda t: mark in t["user_text"], 8, n0)
                            s.wait_idle(30, stable=0.5)
                            got = [t for t in st.turns()[n0:] if mark in t["user_text"]]
                            ok += len(got) == 1 and got[0]["user_text"] == text
                        except h.Timeout:
                            clear_box(s)
                    rows.append((agent, msg, delay, ok, a.reps))
                    print("%-7s %-7s %4d ms  %d/%d" % rows[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
