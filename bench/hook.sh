#!/usr/bin/env bash
# bench/hook.sh: whole-process time of `sb hook session-start` (the SessionStart hook Claude Code
# runs on every start, resume, /clear and compaction) against /bin/true, in the same run.
#
#   bench/hook.sh               # hyperfine when installed, else a `date +%s%N` loop
#   bench/hook.sh --loop        # force the loop
#   BENCH_RUNS=500 bench/hook.sh
#
# Cases, each on a temp state dir with 20 registered roles and their briefings (no tmux needed:
# the hook never runs tmux):
#   briefing    registered pane, saved prompt, same session id as last time (no registry write)
#   new-session registered pane, a session id the registry does not have yet, so the hook takes
#               the registry lock and rewrites registry.json (temp file + fsync + rename)
#   silent      unregistered pane: reads stdin, loads the registry, prints nothing
# Both sides get the hook JSON on stdin from a file. With hyperfine < 1.17 (no --input) stdin is
# redirected by a shell, and hyperfine subtracts its measured shell start-up from every command.
# Target: median under 5 ms for the briefing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${BENCH_RUNS:-300}
MODE=auto
for a in "$@"; do
    case $a in
    --loop) MODE=loop ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench/hook.sh: unknown option $a" >&2; exit 2 ;;
    esac
done
[ "$MODE" = auto ] && { command -v hyperfine >/dev/null && MODE=hyperfine || MODE=loop; }

(cd "$ROOT" && cargo build --release --quiet)
SB=$ROOT/target/release/sb
TMP=$(mktemp -d /tmp/sb-hookbench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
STATE=$TMP/state
mkdir -m 700 -p "$STATE/locks" "$STATE/mailbox"
echo 1 >"$STATE/VERSION"

# 20 roles on panes %1..%20, each with a ~2 KB briefing.
python3 - "$STATE" <<'EOF'
import json, sys, os
d = sys.argv[1]
ts = "2026-11-26T10:00:00.000Z"
roles = {f"role{i}": {"pane": f"%{i}", "server_pid": 4242, "session": "work", "window": i,
                      "cwd": "/repo", "registered_at": ts, "last_seen": ts} for i in range(1, 21)}
prompts = {r: {"text": f"You are {r}. " + "Follow the process; report to gestor. " * 50,
               "updated_at": ts} for r in roles}
for name, doc in [("registry.json", {"version": 1, "roles": roles}),
                  ("prompts.json", {"version": 1, "prompts": prompts})]:
    p = os.path.join(d, name)
    with open(p, "w") as f:
        json.dump(doc, f, indent=2)
    os.chmod(p, 0o600)
EOF
cp "$STATE/registry.json" "$TMP/registry.fresh"

input() { printf '{"session_id":"%s","transcript_path":"/home/u/.claude/projects/-repo/%s.jsonl","cwd":"/repo","hook_event_name":"SessionStart","source":"startup"}' "$1" "$1"; }
input bench >"$TMP/same.json"
input new-session >"$TMP/new.json"
export SESSION_BRIDGE_DIR=$STATE

# Sanity: the briefing comes out, the id is recorded, the silent case is silent.
out=$(TMUX_PANE=%7 "$SB" hook session-start <"$TMP/same.json")
case $out in *'"additionalContext":"You are \"role7\" in sb'*) ;; *) echo "unexpected hook output: $out" >&2; exit 1 ;; esac
grep -q '"session_id": "bench"' "$STATE/registry.json" || { echo "session id not recorded" >&2; exit 1; }
[ -z "$(TMUX_PANE=%99 "$SB" hook session-start <"$TMP/same.json")" ] || { echo "silent case printed" >&2; exit 1; }

echo "sb hook session-start, $RUNS runs per command, $MODE; $(uname -sr); $(nproc) cores"

median_ms() { # stdin: one duration in ns per line
    sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m / 1e6}'
}

ns() { date +%s%N; }
loop() { # loop NAME FILE PANE PREPARE CMD...: /bin/true and CMD alternately, $RUNS times each
    local name=$1 file=$2 pane=$3 prep=$4 t0 t1 t2
    shift 4
    : >"$TMP/base.ns"
    : >"$TMP/case.ns"
    for _ in $(seq "$RUNS"); do
        [ "$prep" = - ] || cp "$TMP/registry.fresh" "$STATE/registry.json"
        t0=$(ns)
        TMUX_PANE=$pane /bin/true <"$file" >/dev/null
        t1=$(ns)
        TMUX_PANE=$pane "$@" <"$file" >/dev/null
        t2=$(ns)
        echo $((t1 - t0)) >>"$TMP/base.ns"
        echo $((t2 - t1)) >>"$TMP/case.ns"
    done
    local b c
    b=$(median_ms <"$TMP/base.ns")
    c=$(median_ms <"$TMP/case.ns")
    printf '%-14s %12s %16s %12s\n' "$name" "$c" "$b" "$(awk "BEGIN {printf \"%.2f\", $c - $b}")"
}

if [ "$MODE" = loop ]; then
    printf '%-14s %12s %16s %12s\n' "case" "median ms" "/bin/true ms" "difference"
    loop briefing "$TMP/same.json" %7 - "$SB" hook session-start
    loop new-session "$TMP/new.json" %7 reset "$SB" hook session-start
    loop silent "$TMP/same.json" %99 - "$SB" hook session-start
    exit 0
fi

# hyperfine: stdin through --input when available, else a shell redirect (start-up subtracted).
HF=(hyperfine --style basic -w 20 -r "$RUNS" --export-json "$TMP/hf.json")
if hyperfine --help | grep -q -- '--input'; then
    run() { local f=$1; shift; "${HF[@]}" -N --input "$f" "$@"; }
    cmd() { echo "$*"; }
else
    run() { shift; "${HF[@]}" "$@"; }
    cmd() { local f=$1; shift; echo "$* <$f"; }
fi
reset="cp $TMP/registry.fresh $STATE/registry.json"
RESULTS=$TMP/results.tsv
: >"$RESULTS"
collect() { # name of the case: its median and the median of /bin/true in the same hyperfine run
    python3 -c '
import json, sys
r = {x["command"]: x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
print("%s\t%.2f\t%.2f\t%.2f" % (sys.argv[2], r[sys.argv[2]], r["/bin/true"], r[sys.argv[2]] - r["/bin/true"]))
' "$TMP/hf.json" "$1" >>"$RESULTS"
}
group() { # group FILE PANE NAME [hyperfine options]: /bin/true then the hook, same stdin
    local f=$1 pane=$2 name=$3
    shift 3
    TMUX_PANE=$pane run "$f" "$@" -n /bin/true "$(cmd "$f" /bin/true)" \
        -n "$name" "$(cmd "$f" "$SB" hook session-start)" >&2
    collect "$name"
}
group "$TMP/same.json" %7 briefing
group "$TMP/new.json" %7 new-session --prepare "$reset"
group "$TMP/same.json" %99 silent

echo
printf '%-14s %12s %16s %12s\n' "case" "median ms" "/bin/true ms" "difference"
while IFS=$'\t' read -r name ms base d; do printf '%-14s %12s %16s %12s\n' "$name" "$ms" "$base" "$d"; done <"$RESULTS"
