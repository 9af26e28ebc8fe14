#!/usr/bin/env bash
# Inspect benchmark: `nnrecipe inspect FILE --target target --json OUT` (full
# profile of every column + every data check + the JSON report) on the
# generated 1,000,000 x 50 file of bench/csv_read (~435 MB; the same file, made
# once and reused), against pandas in the same run: read_csv +
# describe(include='all') + duplicated().sum() (pandas_profile.py).
#
#   bench/inspect/run.sh [BENCH_BIN_DIR]
#
# Builds nothing: BENCH_BIN_DIR ($1, else the env var, else build-bench/bench)
# must hold bench_make_csv; nnrecipe is $BENCH_BIN_DIR/../src/nnrecipe unless
# NNRECIPE_BIN names another. Needs GNU time (/usr/bin/time, Debian: time) for
# the peak RSS. Environment:
#   BENCH_OUT_DIR    where the CSV goes (default bench/out, git-ignored);
#                    an existing file made with the same parameters is reused.
#                    The last run's JSON and output stay there too
#                    (inspect_<rows>x50.json / .log)
#   BENCH_CSV_ROWS   rows to generate (default 1000000)
#   BENCH_REPEATS    runs per tool, the best time counts (default 2: the pandas
#                    peer takes 10-20 s a run)
#   NNRECIPE_BIN     the nnrecipe CLI to time (default $BENCH_BIN_DIR/../src/nnrecipe)
#   PYTHON           interpreter with pandas (default: python3 or
#                    /usr/bin/python3, whichever imports pandas)
#   BENCH_ENFORCE=1  exit 1 when a target below is missed
#
# What is timed: nnrecipe's wall time is its whole process (start, reading the
# CSV, profile, checks, writing the JSON); pandas' time is read_csv + describe
# + duplicated inside the interpreter, leaving out starting Python and
# importing pandas (~1 s). Peak RSS is each process's whole maximum resident
# set (GNU time %M); every run is its own process, and runs alternate between
# the tools so that noise from other work on the machine falls on both.
#
# Reading the ratio: the peer does LESS work. describe() gives count / mean /
# std / min / quartiles / max (numbers) and count / unique / top / freq
# (strings); duplicated() counts repeated rows. It runs none of nnrecipe's
# checks: no histograms or extremes, no missing / constant / id-like /
# mixed-type / scale / skew / outlier checks, no conflicting labels, class
# imbalance, leakage, correlation or per-feature predictive power. The
# speedup is nnrecipe doing all of that against pandas doing only this.
#
# Sanity checks (the bench fails otherwise): nnrecipe exits 0 or 1 (1: a check
# found an error), its JSON has 50 entries in `columns` and the file's row
# count, and its duplicate-row count equals pandas'.
#
# Targets: nnrecipe best wall time <= 20 s, nnrecipe peak RSS <= 2x the file
# size. The last line is `speedup_vs_pandas: X.XX` (pandas best time /
# nnrecipe best time).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
nnrecipe=${NNRECIPE_BIN:-$bin_dir/../src/nnrecipe}
out_dir=${BENCH_OUT_DIR:-$root/bench/out}
rows=${BENCH_CSV_ROWS:-1000000}
repeats=${BENCH_REPEATS:-2}
readonly target_seconds=20 target_rss_ratio=2.0 expected_cols=50

die() { echo "inspect: $*" >&2; exit 1; }

[[ -x "$bin_dir/bench_make_csv" ]] || die "$bin_dir/bench_make_csv not found; build it first:
  cmake -S $root -B $root/build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNRECIPE_BUILD_TESTS=OFF
  ninja -C $root/build-bench bench_make_csv nnrecipe"
[[ -x "$nnrecipe" ]] || die "$nnrecipe not found; build it (ninja -C $root/build-bench nnrecipe) or set NNRECIPE_BIN"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) not found; it measures the peak RSS (Debian: time)"

source "$here/../python_peer.sh"
python=$(find_python pandas) || die "no python3 with pandas found (Debian: python3-pandas; NNRECIPE_BENCH_DEPS=1 scripts/install-deps.sh), or set PYTHON"

mkdir -p "$out_dir"
csv="$out_dir/csv_read_${rows}x50.csv"
json="$out_dir/inspect_${rows}x50.json"
log="$out_dir/inspect_${rows}x50.log"
"$bin_dir/bench_make_csv" --rows "$rows" --seed 42 "$csv"
file_bytes=$(stat -c %s "$csv")
# Read the file once so that every timed run finds it in the page cache.
cat "$csv" >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# value KEY LINE: the value of KEY=... in a RESULT line.
value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
# mb BYTES: the same in MB, one decimal.
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
# now: seconds since the epoch, with nanoseconds.
now() { date +%s.%N; }
# peak_rss_bytes: the %M (KiB) that GNU time wrote last in $tmp/time, in bytes.
peak_rss_bytes() { echo $(($(tail -n 1 "$tmp/time") * 1024)); }

# json_summary FILE: the facts of nnrecipe's JSON report, as RESULT fields.
json_summary() {
  "$python" - "$1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
f = j.get("findings", [])
count = lambda sev: sum(1 for x in f if x.get("severity") == sev)
dup = next((x.get("evidence", {}).get("duplicate_rows", 0) for x in f if x.get("id") == "data.duplicates"), 0)
print("rows=%d cols=%d columns=%d findings=%d errors=%d warnings=%d infos=%d duplicate_rows=%d "
      "inspect_s=%s verdict=%s" % (j.get("rows", -1), j.get("cols", -1), len(j.get("columns", [])), len(f),
                                    count("error"), count("warn"), count("info"), dup, j.get("seconds", "?"),
                                    str(j.get("verdict", "?")).replace(" ", "_")))
PY
}

# run_nnrecipe: one timed `nnrecipe inspect`; prints its RESULT line.
run_nnrecipe() {
  local start end rc=0
  rm -f "$json"
  start=$(now)
  /usr/bin/time -f '%M' -o "$tmp/time" \
    "$nnrecipe" inspect "$csv" --target target --json "$json" >"$log" 2>&1 || rc=$?
  end=$(now)
  ((rc <= 1)) || die "nnrecipe inspect exited $rc; its output ($log) ends:
$(tail -n 20 "$log")"
  [[ -s "$json" ]] || die "nnrecipe inspect wrote no JSON ($json); see $log"
  echo "RESULT tool=nnrecipe seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", e - s }')" \
    "exit=$rc peak_rss_bytes=$(peak_rss_bytes) $(json_summary "$json")"
}

# run_pandas: one pandas_profile.py; prints its RESULT line with the process's
# wall time and GNU time's peak RSS added.
run_pandas() {
  local start end line
  start=$(now)
  line=$(/usr/bin/time -f '%M' -o "$tmp/time" "$python" "$here/pandas_profile.py" "$csv" |
    grep '^RESULT ') || die "pandas_profile.py failed"
  end=$(now)
  # GNU time's peak replaces the script's own (they agree; this one is measured
  # the same way as nnrecipe's).
  line=${line/ peak_rss_bytes=/ script_peak_rss_bytes=}
  echo "$line peak_rss_bytes=$(peak_rss_bytes)" \
    "process_s=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", e - s }')"
}

declare -a nn_lines=() pd_lines=()
for ((i = 1; i <= repeats; i++)); do
  line=$(run_nnrecipe)
  nn_lines+=("$line")
  echo "run $i/$repeats nnrecipe: $(value seconds "$line") s wall," \
    "$(mb "$(value peak_rss_bytes "$line")") MB peak RSS (inspection $(value inspect_s "$line") s)" >&2
  line=$(run_pandas)
  pd_lines+=("$line")
  echo "run $i/$repeats pandas:   $(value seconds "$line") s" \
    "(read_csv $(value read_s "$line"), describe $(value describe_s "$line")," \
    "duplicated $(value duplicated_s "$line")), $(mb "$(value peak_rss_bytes "$line")") MB peak RSS" >&2
done

# A fast tool that profiled something else proves nothing.
for line in "${nn_lines[@]}"; do
  [[ "$(value columns "$line")" == "$expected_cols" && "$(value cols "$line")" == "$expected_cols" ]] ||
    die "nnrecipe's JSON has $(value columns "$line") entries in columns, not $expected_cols: $line"
  [[ "$(value rows "$line")" == "$rows" ]] || die "nnrecipe's JSON has $(value rows "$line") rows, not $rows: $line"
done
for line in "${pd_lines[@]}"; do
  [[ "$(value rows "$line")" == "$rows" && "$(value cols "$line")" == "$expected_cols" ]] ||
    die "pandas read $(value rows "$line") x $(value cols "$line"), not $rows x $expected_cols: $line"
done
a=$(value duplicate_rows "${nn_lines[0]}")
b=$(value duplicate_rows "${pd_lines[0]}")
[[ "$a" == "$b" ]] || die "duplicate rows disagree: nnrecipe $a, pandas $b"

# Summary of one tool's runs: "best_s runs peak_rss_bytes" (peak: the largest).
summarize() {
  local best="" runs="" peak=0 line s p
  for line in "$@"; do
    s=$(value seconds "$line")
    p=$(value peak_rss_bytes "$line")
    runs+="${runs:+/}$(printf '%.2f' "$s")"
    if [[ -z "$best" ]] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }'; then best=$s; fi
    ((p > peak)) && peak=$p
  done
  echo "$best $runs $peak"
}
# The line of a tool's fastest run.
best_line() {
  local best="" best_line="" line s
  for line in "$@"; do
    s=$(value seconds "$line")
    if [[ -z "$best" ]] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }'; then
      best=$s
      best_line=$line
    fi
  done
  echo "$best_line"
}

read -r nn_best nn_runs nn_peak < <(summarize "${nn_lines[@]}")
read -r pd_best pd_runs pd_peak < <(summarize "${pd_lines[@]}")
nn=$(best_line "${nn_lines[@]}")
pd=$(best_line "${pd_lines[@]}")
pd_process_best=$(for line in "${pd_lines[@]}"; do value process_s "$line"; done | sort -g | head -n 1)

awk -v file="$csv" -v fb="$file_bytes" -v rows="$rows" -v cols="$expected_cols" \
    -v nb="$nn_best" -v nr="$nn_runs" -v np="$nn_peak" \
    -v pb="$pd_best" -v pr="$pd_runs" -v pp="$pd_peak" -v pw="$pd_process_best" \
    -v ni="$(value inspect_s "$nn")" -v nf="$(value findings "$nn")" -v ne="$(value errors "$nn")" \
    -v nw="$(value warnings "$nn")" -v nn_info="$(value infos "$nn")" -v nv="$(value verdict "$nn")" \
    -v nx="$(value exit "$nn")" -v nc="$(value columns "$nn")" -v dup="$(value duplicate_rows "$nn")" \
    -v prd="$(value read_s "$pd")" -v pds="$(value describe_s "$pd")" -v pdu="$(value duplicated_s "$pd")" \
    -v ts="$target_seconds" -v tr="$target_rss_ratio" '
  function mb(x) { return x / 1e6 }
  BEGIN {
    printf "file: %s (%.1f MB, %d rows x %d cols)\n", file, mb(fb), rows, cols
    printf "%-38s %8s %12s %9s  %s\n", "tool", "best_s", "peak_rss_MB", "rss/file", "runs_s"
    printf "%-38s %8.3f %12.1f %9.2f  %s\n", "nnrecipe inspect (profile + checks)", nb, mb(np),
           np / fb, nr
    printf "%-38s %8.3f %12.1f %9.2f  %s\n", "pandas read_csv+describe+duplicated", pb, mb(pp),
           pp / fb, pr
    printf "nnrecipe (fastest run): exit %d, verdict %s, inspection %s s of %.2f s wall; JSON: %d columns, %d findings (%d error, %d warn, %d info), %d duplicate rows\n",
           nx, nv, ni, nb, nc, nf, ne, nw, nn_info, dup
    printf "pandas (fastest run): read_csv %.2f s, describe %.2f s, duplicated %.2f s (%d duplicate rows); whole process incl. interpreter + import: %.2f s; none of the checks\n",
           prd, pds, pdu, dup, pw
    printf "rss_vs_file: %.2f\n", np / fb
    printf "target nnrecipe wall <= %d s: %s (%.2f s)\n", ts, (nb <= ts ? "met" : "MISSED"), nb
    printf "target nnrecipe peak_rss/file <= %.1f: %s (%.2f)\n", tr, (np / fb <= tr ? "met" : "MISSED"),
           np / fb
  }'

speedup=$(awk -v p="$pd_best" -v n="$nn_best" 'BEGIN { printf "%.2f", p / n }')
missed=$(awk -v nb="$nn_best" -v np="$nn_peak" -v fb="$file_bytes" -v ts="$target_seconds" \
  -v tr="$target_rss_ratio" 'BEGIN { print (nb > ts || np / fb > tr) ? 1 : 0 }')
echo "speedup_vs_pandas: $speedup"
[[ "${BENCH_ENFORCE:-0}" == 1 && "$missed" == 1 ]] && exit 1
exit 0
