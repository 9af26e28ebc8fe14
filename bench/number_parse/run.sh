#!/usr/bin/env bash
# Number parsing micro-benchmark: nnrecipe's parse_double against strtod
# and std::from_chars on the same 200,000 tokens (Google Benchmark,
# best of 5 repetitions). Last line: `speedup_vs_strtod: X.XX`.
#
#   bench/number_parse/run.sh [BENCH_BIN_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
[[ -x "$bin_dir/bench_number_parse" ]] || { echo "number_parse: $bin_dir/bench_number_parse not built" >&2; exit 1; }
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$bin_dir/bench_number_parse" --benchmark_repetitions=5 --benchmark_out="$json" \
  --benchmark_out_format=json --benchmark_display_aggregates_only=true
python3 - "$json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
best = {}
for r in runs:
    if r.get("run_type") != "iteration":
        continue
    name = r["run_name"].replace("BM_", "")
    best[name] = min(best.get(name, float("inf")), r["real_time"])
ours = best["nnrecipe_parse_double"]
print(f"ns per token: nnrecipe {ours * 1e6 / 200000:.1f}, strtod {best['strtod'] * 1e6 / 200000:.1f}, "
      f"from_chars {best['from_chars'] * 1e6 / 200000:.1f}")
print(f"speedup_vs_from_chars: {best['from_chars'] / ours:.2f}")
print(f"speedup_vs_strtod: {best['strtod'] / ours:.2f}")
PY
