#!/usr/bin/env bash
# Fault-injection benchmark: 39 planted faults (config faults via --set on
# five shared datasets and Fashion-MNIST, labels shuffled against their rows,
# and six user-loop faults through examples/custom_loop --plant) and 14
# healthy configurations on the same data. Prints each case's expected id,
# the ids that fired and the seconds to detect (from the start of the checks;
# "lint" = before any tensor exists), then
#   recall: R.RR false_alarms: F/H
# recall = faults whose expected id fired; a false alarm = a healthy run with
# any warn or error finding. Target (issue 4): recall >= 0.95, 0 false alarms.
# Peers for scale: rule-based tools report recall 0.55 (DeepFD, independent
# replication) to 100% on their own benchmark (AUTOTRAINER), and up to 31%
# false positives (TrainCheck with one reference run).
#
#   bench/faults/run.sh [BENCH_BIN_DIR]      (~1.5 min on 2 cores)
# Environment: BENCH_DATASETS (default ../shared/datasets).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
nnrecipe="$bin_dir/../src/nnrecipe"
custom_loop="$bin_dir/../examples/custom_loop"
datasets=${BENCH_DATASETS:-$root/../shared/datasets}
for exe in "$nnrecipe" "$custom_loop"; do
  [[ -x "$exe" ]] || { echo "faults: $exe not built" >&2; exit 1; }
done
python3 "$here/faults.py" "$nnrecipe" "$custom_loop" "$datasets"
