#!/usr/bin/env bash
# Quality benchmark: `nnrecipe baseline` with the default configuration on
# every shared dataset. The peer in the same run is xgboost (defaults, early
# stopping on validation); beside it the scikit-learn MLP reference from
# ../shared/datasets/README.md (80/20 split there; 70/10/20 here). Last line:
# `network_meets_sklearn_mlp: N/M`.
#
#   bench/quality/run.sh [BENCH_BIN_DIR]     (BENCH_DATASETS overrides ../shared/datasets)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
nnrecipe="$bin_dir/../src/nnrecipe"
datasets=${BENCH_DATASETS:-$root/../shared/datasets}
[[ -x "$nnrecipe" ]] || { echo "quality: $nnrecipe not built" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# dataset target metric sklearn-MLP-reference (higher is better except rmse)
cases=(
  "credit_data Status auc 0.837"
  "wa_churn churn auc 0.846"
  "letter lettr accuracy 0.940"
  "concrete compressive_strength rmse 7.58"
  "ames Sale_Price rmse 115061"
  "breast_cancer Class auc 0.976"
)
met=0
printf '%-14s %-9s %10s %10s %12s %8s  %s\n' dataset metric network xgboost sklearn_mlp met seconds
for c in "${cases[@]}"; do
  read -r name target metric reference <<<"$c"
  start=$(date +%s)
  "$nnrecipe" baseline "$datasets/$name.csv" --target "$target" --out "$out/$name" >/dev/null
  seconds=$(( $(date +%s) - start ))
  line=$(python3 - "$out/$name/leaderboard.json" "$metric" "$reference" <<'PY'
import json, sys
board = json.load(open(sys.argv[1]))
metric, ref = sys.argv[2], float(sys.argv[3])
test = {m["name"]: m["test"][metric] for m in board["models"]}
net, xgb = test["network"], test["xgboost"]
ok = net <= ref if metric == "rmse" else net >= ref
print(f"{net:10.4f} {xgb:10.4f} {ref:12.4f} {'yes' if ok else 'no':>8}")
PY
)
  [[ "$line" == *" yes" ]] && met=$((met + 1))
  printf '%-14s %-9s %s  %s\n' "$name" "$metric" "$line" "$seconds"
done
echo "network_meets_sklearn_mlp: $met/${#cases[@]}"
