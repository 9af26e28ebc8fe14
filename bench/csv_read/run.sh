#!/usr/bin/env bash
# CSV read benchmark: nnrecipe::read_csv against pandas.read_csv on a
# generated 1,000,000 x 50 file (~435 MB; see make_csv.cpp).
#
#   bench/csv_read/run.sh [BENCH_BIN_DIR]
#
# Builds nothing: BENCH_BIN_DIR ($1, else the env var, else build-bench/bench)
# must hold bench_csv_read and bench_make_csv. Environment:
#   BENCH_OUT_DIR    where the CSV goes (default bench/out, git-ignored);
#                    an existing file made with the same parameters is reused
#   BENCH_CSV_ROWS   rows to generate (default 1000000)
#   BENCH_REPEATS    runs per reader, the best time counts (default 3)
#   BENCH_THREADS    nnrecipe threads, 0 = all cores (default 0)
#   PYTHON           interpreter with pandas (default: python3 or
#                    /usr/bin/python3, whichever imports pandas)
#   BENCH_ENFORCE=1  exit 1 when a target below is missed
#
# Every run is its own process, so each peak RSS is one reader's alone; runs
# alternate between the readers so that noise from other work on the machine
# falls on both. The last line is `speedup_vs_pandas: X.XX` (pandas best time
# / nnrecipe best time). Targets: speedup >= 3, nnrecipe peak RSS <= 1.5x
# the file size.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
out_dir=${BENCH_OUT_DIR:-$root/bench/out}
rows=${BENCH_CSV_ROWS:-1000000}
repeats=${BENCH_REPEATS:-3}
threads=${BENCH_THREADS:-0}
readonly target_speedup=3.0 target_rss_ratio=1.5

die() { echo "csv_read: $*" >&2; exit 1; }

for prog in bench_csv_read bench_make_csv; do
  [[ -x "$bin_dir/$prog" ]] || die "$bin_dir/$prog not found; build it first:
  cmake -S $root -B $root/build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNRECIPE_BUILD_TESTS=OFF
  ninja -C $root/build-bench bench_csv_read bench_make_csv"
done

source "$here/../python_peer.sh"
python=$(find_python pandas) || die "no python3 with pandas found (Debian: python3-pandas; NNRECIPE_BENCH_DEPS=1 scripts/install-deps.sh), or set PYTHON"

mkdir -p "$out_dir"
csv="$out_dir/csv_read_${rows}x50.csv"
"$bin_dir/bench_make_csv" --rows "$rows" --seed 42 "$csv"
# Read the file once so that every timed run finds it in the page cache.
cat "$csv" >/dev/null

# value KEY LINE: the value of KEY=... in a RESULT line.
value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

declare -a nn_lines=() pd_lines=()
for ((i = 1; i <= repeats; i++)); do
  line=$("$bin_dir/bench_csv_read" "$csv" --threads "$threads" | grep '^RESULT ') ||
    die "bench_csv_read failed"
  nn_lines+=("$line")
  echo "run $i/$repeats nnrecipe: $(value seconds "$line") s" >&2
  line=$("$python" "$here/pandas_read.py" "$csv" | grep '^RESULT ') || die "pandas_read.py failed"
  pd_lines+=("$line")
  echo "run $i/$repeats pandas:   $(value seconds "$line") s" >&2
done

# A fast reader that read something else proves nothing: both must agree.
for key in rows cols numeric categorical boolean missing; do
  a=$(value "$key" "${nn_lines[0]}")
  b=$(value "$key" "${pd_lines[0]}")
  [[ "$a" == "$b" ]] || die "readers disagree on $key: nnrecipe $a, pandas $b
  nnrecipe: ${nn_lines[0]}
  pandas:   ${pd_lines[0]}"
done

# Summary of one reader's runs: "best_s runs peak_rss_bytes baseline_rss_bytes".
summarize() {
  local best="" runs="" peak=0 baseline=0 line s p b
  for line in "$@"; do
    s=$(value seconds "$line")
    p=$(value peak_rss_bytes "$line")
    b=$(value baseline_rss_bytes "$line")
    runs+="${runs:+/}$(printf '%.2f' "$s")"
    if [[ -z "$best" ]] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }'; then best=$s; fi
    ((p > peak)) && peak=$p
    ((b > baseline)) && baseline=$b
  done
  echo "$best $runs $peak $baseline"
}

file_bytes=$(value file_bytes "${nn_lines[0]}")
read -r nn_best nn_runs nn_peak nn_base < <(summarize "${nn_lines[@]}")
read -r pd_best pd_runs pd_peak pd_base < <(summarize "${pd_lines[@]}")

awk -v file="$csv" -v fb="$file_bytes" -v rows="$(value rows "${nn_lines[0]}")" \
    -v cols="$(value cols "${nn_lines[0]}")" -v threads="$(value threads "${nn_lines[0]}")" \
    -v nb="$nn_best" -v nr="$nn_runs" -v np="$nn_peak" -v n0="$nn_base" \
    -v pb="$pd_best" -v pr="$pd_runs" -v pp="$pd_peak" -v p0="$pd_base" \
    -v ts="$target_speedup" -v tr="$target_rss_ratio" '
  function mb(x) { return x / 1e6 }
  BEGIN {
    printf "file: %s (%.1f MB, %d rows x %d cols)\n", file, mb(fb), rows, cols
    printf "%-22s %8s %12s %9s %14s  %s\n", "reader", "best_s", "peak_rss_MB", "rss/file",
           "read_added_MB", "runs_s"
    printf "%-22s %8.3f %12.1f %9.2f %14.1f  %s\n", "nnrecipe (" threads " threads)", nb,
           mb(np), np / fb, mb(np - n0), nr
    printf "%-22s %8.3f %12.1f %9.2f %14.1f  %s\n", "pandas.read_csv", pb, mb(pp), pp / fb,
           mb(pp - p0), pr
    printf "target speedup >= %.1f: %s\n", ts, (pb / nb >= ts ? "met" : "MISSED")
    printf "target nnrecipe peak_rss/file <= %.2f: %s\n", tr, (np / fb <= tr ? "met" : "MISSED")
  }'

speedup=$(awk -v p="$pd_best" -v n="$nn_best" 'BEGIN { printf "%.2f", p / n }')
missed=$(awk -v s="$speedup" -v np="$nn_peak" -v fb="$file_bytes" -v ts="$target_speedup" \
  -v tr="$target_rss_ratio" 'BEGIN { print (s < ts || np / fb > tr) ? 1 : 0 }')
echo "speedup_vs_pandas: $speedup"
[[ "${BENCH_ENFORCE:-0}" == 1 && "$missed" == 1 ]] && exit 1
exit 0
