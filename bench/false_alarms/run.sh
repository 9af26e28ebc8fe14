#!/usr/bin/env bash
# False-alarm benchmark: the training checks on the calibration corpus
# (bench/corpus: 40+ real tables from Debian packages, none of the shared
# six), `check` and `train` with the defaults and three other healthy
# configs per table, and `run` with a short budget. Every warn/error finding
# of a training check is listed with its evidence. Targets (issue 22): 0
# error-level false alarms, warn-level on under 2% of runs; every `run`
# ends with a winner.
#
#   bench/false_alarms/run.sh [BENCH_BIN_DIR]     (~1.5 h on 2 cores)
# Environment: BENCH_CORPUS (default bench/out/corpus; exported when
#   missing), BENCH_TABLES, BENCH_RUN_BUDGET (default 1), BENCH_JOBS (default 2).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
nnrecipe="$bin_dir/../src/nnrecipe"
corpus=${BENCH_CORPUS:-$root/bench/out/corpus}
[[ -x "$nnrecipe" ]] || { echo "false_alarms: $nnrecipe not built" >&2; exit 1; }
[[ -f "$corpus/cps1988.csv" ]] || "$root/bench/corpus/export.sh" "$corpus"
out=${BENCH_OUT:-$root/bench/out/false_alarms}
mkdir -p "$out"
python3 "$here/false_alarms.py" "$nnrecipe" "$corpus" "$root/bench/corpus/tables.tsv" "$out"
