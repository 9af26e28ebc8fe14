#!/usr/bin/env bash
# Usage: fuzz/run.sh SECONDS [NAME...]
# Builds the harnesses (clang, ASan + UBSan, in build-fuzz/) and runs each
# named fuzzer (default: all five, one after another) for SECONDS, starting
# from its seed corpus (fuzz/seed_corpus.sh) plus what earlier runs kept in
# FUZZ_WORK (default build-fuzz/work). Exits non-zero on the first crash,
# leak, sanitizer report, timeout or out-of-memory input; the input is left
# as FUZZ_WORK/NAME/crash-* (or leak-*, timeout-*, oom-*) to reproduce with
#   build-fuzz/NAME_fuzzer FILE
# FUZZ_PARALLEL=1 runs the fuzzers at the same time instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:?usage: fuzz/run.sh SECONDS [NAME...]}
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(csv idx config search_space model_meta)
build=${FUZZ_BUILD:-$root/build-fuzz}
work=${FUZZ_WORK:-$build/work}
cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" >/dev/null

run_one() {
  local name=$1 dir=$work/$1
  mkdir -p "$dir/corpus" "$dir/seeds"
  "$root/fuzz/seed_corpus.sh" "$name" "$dir/seeds"
  # -timeout: an input that takes over 30 s is a hang; -rss_limit_mb: one
  # that needs over 2 GiB is a memory bug (the readers stream or bound sizes).
  local rc=0
  (cd "$dir" && "$build/${name}_fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
     -print_final_stats=1 corpus seeds >"$dir/log.txt" 2>&1) || rc=$?
  grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb' "$dir/log.txt" | sed "s/^/$name: /"
  if [ $rc -ne 0 ]; then
    echo "$name: FAILED (exit $rc); see $dir/log.txt and $dir/crash-* / leak-* / timeout-* / oom-*" >&2
    tail -30 "$dir/log.txt" >&2
  fi
  return $rc
}

if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then
  pids=()
  for n in "${names[@]}"; do run_one "$n" & pids+=($!); done
  status=0
  for p in "${pids[@]}"; do wait "$p" || status=1; done
  exit $status
fi
for n in "${names[@]}"; do run_one "$n"; done
