#!/usr/bin/env python3
"""Turn bench/run's hyperfine JSON and RSS figures into one markdown table, print it, and rewrite
the numbers section of bench/README.md (between the `bench:numbers` markers).

usage: report.py ROWS.tsv RSS.tsv EXTRA.md README.md WRITE(0|1) ENV-LINE
"""
import datetime
import glob
import json
import re
import statistics
import sys

START, END = "<!-- bench:numbers:start -->", "<!-- bench:numbers:end -->"


def median_ms(prefix: str, name: str) -> float:
    """Median over every run of `name` in all rounds (PREFIX.1.json, PREFIX.2.json, ...);
    `a&b` is the sum of the two medians (a floor made of two tmux invocations)."""
    if "&" in name:
        return sum(median_ms(prefix, n) for n in name.split("&"))
    times = []
    for path in sorted(glob.glob(glob.escape(prefix) + ".*.json")):
        with open(path) as f:
            for r in json.load(f)["results"]:
                if r["command"] == name:
                    times += r["times"]
    if not times:
        raise KeyError(f"{name!r} not in {prefix}.*.json")
    return statistics.median(times) * 1000.0


def main() -> None:
    rows_path, rss_path, extra_path, readme, write, env = sys.argv[1:7]
    out = [
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC: {env}.",
        "",
        "| what | sb median | baseline | baseline median | ratio | target | |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    failed = 0
    for line in open(rows_path):
        section, label, js, name, base, target = line.rstrip("\n").split("\t")
        sb = median_ms(js, name)
        b = median_ms(js, base)
        ratio = sb / b if b > 0 else float("inf")
        if target == "-":
            verdict, tgt = "", ""
        else:
            ok = ratio <= float(target)
            failed += not ok
            verdict, tgt = ("ok" if ok else "**over**"), f"≤ {target}×"
        base = base.replace("&", " + ")
        out.append(
            f"| {label} | {sb:.2f} ms | {base} | {b:.2f} ms | {ratio:.2f}× | {tgt} | {verdict} |"
        )
    out += ["", "| peak RSS (max of 5 runs, `/usr/bin/time -v`) | KB | MB | under 10 MB |", "|---|---:|---:|---|"]
    for line in open(rss_path):
        label, kb = line.rstrip("\n").split("\t")
        kb = int(kb)
        ok = kb < 10 * 1024
        failed += not ok and not label.startswith(("floor", "tail"))
        out.append(f"| {label} | {kb} | {kb / 1024:.1f} | {'ok' if ok else '**over**'} |")
    extra = open(extra_path).read().strip()
    if extra:
        out += ["", extra]
    text = "\n".join(out) + "\n"
    print(text)
    if write == "1":
        body = open(readme).read()
        if START in body and END in body:
            body = re.sub(
                re.escape(START) + ".*?" + re.escape(END),
                lambda _: f"{START}\n{text}{END}",
                body,
                flags=re.S,
            )
        else:
            body += f"\n## Numbers\n\n{START}\n{text}{END}\n"
        open(readme, "w").write(body)
        print(f"(rewrote the numbers section of {readme})", file=sys.stderr)
    if failed:
        print(f"{failed} figure(s) over target", file=sys.stderr)


if __name__ == "__main__":
    main()
