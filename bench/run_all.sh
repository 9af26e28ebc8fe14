#!/usr/bin/env bash
# Runs every benchmark: each bench/*/run.sh, with the benchmark binary dir
# ($1, else BENCH_BIN_DIR, else build-bench/bench). Builds nothing. Runs them
# all even when one fails, then exits 1 if any failed.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$(dirname "$here")/build-bench/bench}}

failed=()
for script in "$here"/*/run.sh; do
  name=$(basename "$(dirname "$script")")
  echo "== bench/$name"
  bash "$script" "$bin_dir" || failed+=("$name")
  echo
done
if ((${#failed[@]})); then
  echo "run_all: failed: ${failed[*]}" >&2
  exit 1
fi
