#!/usr/bin/env bash
# Recipe benchmark: `nnrecipe run` with the default budget on the test
# datasets (tests/datasets), the winner's test metric against the reference figures of
# tests/datasets/README.md (the best of xgboost, logistic / ridge and
# scikit-learn's MLP, library defaults) and against the same peers rerun
# here on the same split (bench/quality/peers.py).
#
# Split: the reference one, 80/20, stratified for classification,
# scikit-learn's train_test_split with seed 0, given to nnrecipe as explicit
# train and test files (it holds out 10% of the train file for validation;
# the test file is scored once, at the end). Fashion-MNIST (Debian's
# dataset-fashion-mnist) runs with a 20-minute budget on its own test split.
#
# Last line: `beats_reference: K/N` (the winner's test metric at least the
# reference: higher AUC/accuracy, lower RMSE).
#
#   bench/recipe/run.sh [BENCH_BIN_DIR]
# Environment: BENCH_BUDGET (minutes, default 10), BENCH_FASHION_BUDGET
#   (default 20), BENCH_RECIPE_DATASETS (names, default all five tables),
#   BENCH_FASHION (default /usr/share/datasets/fashion-mnist; "" skips it),
#   BENCH_DATASETS (default tests/datasets), PYTHON.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
nnrecipe="$bin_dir/../src/nnrecipe"
datasets=${BENCH_DATASETS:-$root/tests/datasets}
budget=${BENCH_BUDGET:-10}
fashion_budget=${BENCH_FASHION_BUDGET:-20}
fashion=${BENCH_FASHION-/usr/share/datasets/fashion-mnist}
wanted=${BENCH_RECIPE_DATASETS:-credit_data wa_churn letter concrete ames}
die() { echo "recipe: $*" >&2; exit 1; }
[[ -x "$nnrecipe" ]] || die "$nnrecipe not built"
source "$here/../python_peer.sh"
python=$(find_python sklearn pandas) || die "no python3 with scikit-learn and pandas (NNRECIPE_BENCH_DEPS=1 scripts/install-deps.sh), or set PYTHON"
out=${BENCH_OUT:-$root/bench/out/recipe}
mkdir -p "$out"
results="$out/results"
: >"$results"

# dataset target task metric reference (tests/datasets/README.md, the best of the three)
cases=(
  "credit_data Status binary auc 0.837"
  "wa_churn churn binary auc 0.852"
  "letter lettr multiclass accuracy 0.959"
  "concrete compressive_strength regression rmse 4.29"
  "ames Sale_Price regression rmse 27929"
)
for c in "${cases[@]}"; do
  read -r name target task metric reference <<<"$c"
  [[ " $wanted " == *" $name "* ]] || continue
  dir="$out/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  "$python" "$here/../quality/peers.py" split "$datasets/$name.csv" "$target" "$task" 0 "$dir"
  echo "recipe: peers on $name ..." >&2
  "$python" "$here/../quality/peers.py" score "$dir" "$target" "$task" | sed "s/^RESULT /RESULT dataset=$name /" >>"$dir/peers"
  echo "recipe: nnrecipe run on $name (budget $budget min) ..." >&2
  start=$(date +%s.%N)
  "$nnrecipe" run "$dir/train.csv" --target "$target" --test "$dir/test.csv" --budget "$budget" --quiet \
    --out "$dir/run" >"$dir/log.txt" 2>&1 || [[ $? == 1 ]] || die "nnrecipe run failed on $name (see $dir/log.txt)"
  minutes=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", (e - s) / 60 }')
  echo "CASE $name $metric $reference $minutes $dir" >>"$results"
done
if [[ -n "$fashion" && -d "$fashion" ]]; then
  echo "recipe: nnrecipe run on Fashion-MNIST (budget $fashion_budget min) ..." >&2
  dir="$out/fashion_mnist"
  rm -rf "$dir"
  mkdir -p "$dir"
  start=$(date +%s.%N)
  "$nnrecipe" run "$fashion" --budget "$fashion_budget" --quiet --out "$dir/run" >"$dir/log.txt" 2>&1 ||
    [[ $? == 1 ]] || die "nnrecipe run failed on Fashion-MNIST (see $dir/log.txt)"
  minutes=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", (e - s) / 60 }')
  echo "CASE fashion_mnist accuracy 0.92 $minutes $dir" >>"$results"
fi

"$python" - "$results" <<'PY'
import json, sys
rows = [line.split()[1:] for line in open(sys.argv[1]) if line.startswith("CASE")]
print(f"{'dataset':<14} {'metric':<9} {'reference':>10} {'peers here':>11} {'winner':<16} {'val':>9} {'test':>9} {'minutes':>8}  beats")
beats = 0
for name, metric, reference, minutes, d in rows:
    reference = float(reference)
    s = json.load(open(f"{d}/run/summary.json"))
    winner = next(c for c in s["candidates"] if c["name"] == s["winner"])
    test, val = winner["test"][metric], winner["val"][metric]
    lower = metric == "rmse"
    peers = []
    try:
        for line in open(f"{d}/peers"):
            kv = dict(x.split("=", 1) for x in line.split()[1:])
            if metric in kv:
                peers.append(float(kv[metric]))
    except FileNotFoundError:
        pass
    best_peer = (min(peers) if lower else max(peers)) if peers else float("nan")
    ok = test <= reference if lower else test >= reference
    beats += ok
    print(f"{name:<14} {metric:<9} {reference:>10.4g} {best_peer:>11.4g} {s['winner']:<16} {val:>9.4f} {test:>9.4f} {float(minutes):>8.1f}  {'yes' if ok else 'NO'}")
print(f"beats_reference: {beats}/{len(rows)}")
PY
