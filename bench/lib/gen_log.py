#!/usr/bin/env python3
"""Write a state dir holding an N-message conversation in sb's documented format (docs/ARCHITECTURE.md, State dir).

usage: gen_log.py STATE_DIR N

conversation.jsonl gets N messages from gestor/reviewer to dev, oldest first, with ids that sort by
time; mailbox/dev.jsonl gets the same N lines (every message is to dev), so `sb inbox dev` reads a
mailbox as big as the conversation. Some texts are multi-line or non-ASCII, as real ones are.
"""
import json
import os
import sys


def main() -> None:
    state, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(os.path.join(state, "mailbox"), mode=0o700, exist_ok=True)
    os.chmod(state, 0o700)
    texts = [
        "take issue #{i}: the parser drops the last field",
        "done with #{i}\ntests pass, diff is small\nplease review",
        "looks good, one nit in src/store/log.rs line {i} (naïve → naive) ✓",
        "/compact",
    ]
    base = 1_764_151_200  # 2025-11-26T10:00:00Z
    lines = []
    for i in range(n):
        secs, ms = divmod(i * 7, 1000)
        t = base + secs
        hh, mm, ss = (t // 3600) % 24, (t // 60) % 60, t % 60
        rec = {
            "id": f"{t * 1000 + ms:013x}{i:012x}",
            "ts": f"2025-11-26T{hh:02}:{mm:02}:{ss:02}.{ms:03}Z",
            "from": "gestor" if i % 3 else "reviewer",
            "to": "dev",
            "text": texts[i % len(texts)].format(i=i),
            "delivered": True,
            "submitted": True,
            "error": None,
        }
        lines.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
    data = ("\n".join(lines) + "\n").encode()
    for rel in ("conversation.jsonl", "mailbox/dev.jsonl"):
        path = os.path.join(state, rel)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o600)
    with open(os.path.join(state, "VERSION"), "w") as f:
        f.write("1\n")
    os.chmod(os.path.join(state, "VERSION"), 0o600)


if __name__ == "__main__":
    main()
