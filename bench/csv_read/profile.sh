#!/usr/bin/env bash
# Where bench_csv_read's time goes: records a perf profile of one read and
# splits it into the reader's phases (scan, setup, parse, finish; see
# perf_phases.py).
#
#   bench/csv_read/profile.sh [BENCH_BIN_DIR] [CSV] [--threads N]
#
# Defaults: build-bench/bench and the file run.sh generates. Needs perf
# (Debian: linux-perf); kernel.perf_event_paranoid <= 2 is enough, since it
# samples cpu-clock of this process only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${BENCH_BIN_DIR:-$root/build-bench/bench}
csv=${BENCH_OUT_DIR:-$root/bench/out}/csv_read_1000000x50.csv
if [[ $# -gt 0 && $1 != -* ]]; then bin_dir=$1; shift; fi
if [[ $# -gt 0 && $1 != -* ]]; then csv=$1; shift; fi

command -v perf >/dev/null || { echo "profile: perf not found (Debian: linux-perf)" >&2; exit 1; }
[[ -f "$csv" ]] || { echo "profile: $csv not found; run bench/csv_read/run.sh first" >&2; exit 1; }

data=$(mktemp "${TMPDIR:-/tmp}/csv_read_perf.XXXXXX")
trap 'rm -f "$data"' EXIT
cat "$csv" >/dev/null  # warm the page cache, as run.sh does
perf record -q -e cpu-clock -F 4000 -o "$data" "$bin_dir/bench_csv_read" "$csv" "$@"
perf script -i "$data" -F tid,time,ip,sym --hide-call-graph 2>/dev/null |
  python3 "$here/perf_phases.py"
