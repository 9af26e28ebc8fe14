#!/usr/bin/env bash
# Recipe benchmark on the calibration corpus (bench/corpus: 40+ real tables
# from Debian packages that nobody tuned on): `nnrecipe run` with a short
# budget on an 80/20 split of each (stratified, seed 0; explicit train and
# test files), against
#   - the best library default of xgboost, logistic / ridge regression and
#     scikit-learn's MLP on the same split (beats_best_default),
#   - xgboost tuned by Optuna's TPE within the wall clock nnrecipe's run
#     took, refit on all training rows (vs_tuned_xgboost: the peer a
#     practitioner would pick instead).
# Metrics: AUC (binary), the run's selection metric (multiclass: accuracy,
# or balanced accuracy on imbalanced classes), RMSE (regression).
#
# Last lines:
#   completed: N/N           (a winner, summary.json, leaderboard and report every time)
#   beats_best_default: K/N
#   vs_tuned_xgboost: K/N
#
#   bench/recipe/corpus.sh [BENCH_BIN_DIR]     (~3-4 h on 2 cores at 3 minutes)
# Environment: BENCH_BUDGET (minutes, default 3), BENCH_TABLES (names),
#   BENCH_CORPUS (default bench/out/corpus; exported when missing),
#   BENCH_OUT (default bench/out/recipe_corpus), BENCH_REUSE_PEERS=1 keeps
#   the peers' results of an earlier run of the same split.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
nnrecipe="$bin_dir/../src/nnrecipe"
budget=${BENCH_BUDGET:-3}
corpus=${BENCH_CORPUS:-$root/bench/out/corpus}
out=${BENCH_OUT:-$root/bench/out/recipe_corpus}
die() { echo "recipe corpus: $*" >&2; exit 1; }
[[ -x "$nnrecipe" ]] || die "$nnrecipe not built"
source "$here/../python_peer.sh"
python=$(find_python sklearn pandas xgboost optuna) ||
  die "no python3 with scikit-learn, pandas, xgboost and optuna (apt-get install python3-sklearn python3-pandas python3-xgboost python3-optuna), or set PYTHON"
[[ -f "$corpus/cps1988.csv" ]] || "$root/bench/corpus/export.sh" "$corpus"
mkdir -p "$out"
results="$out/results"
: >"$results"
wanted=${BENCH_TABLES:-}
grep -v '^#' "$root/bench/corpus/tables.tsv" | while IFS=$'\t' read -r name source target task drop why; do
  [[ -z "$name" ]] && continue
  [[ -z "$wanted" || " $wanted " == *" $name "* ]] || continue
  dir="$out/$name"
  mkdir -p "$dir"
  if [[ "${BENCH_REUSE_PEERS:-0}" != 1 || ! -f "$dir/train.csv" ]]; then
    rm -f "$dir/peers"
    "$python" "$here/corpus_peers.py" split "$corpus/$name.csv" "$target" "$task" "$dir"
  fi
  echo "recipe corpus: nnrecipe run on $name (budget $budget min) ..." >&2
  rm -rf "$dir/run"
  start=$(date +%s.%N)
  code=0
  "$nnrecipe" run "$dir/train.csv" --target "$target" --task "$task" --test "$dir/test.csv" --budget "$budget" --quiet \
    --out "$dir/run" >"$dir/log.txt" 2>&1 || code=$?
  seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  metric=$("$python" - "$dir/run/summary.json" "$task" <<'PY' 2>/dev/null || true
import json, sys
task = sys.argv[2]
if task == "binary":
    print("auc")
elif task == "regression":
    print("rmse")
else:
    m = json.load(open(sys.argv[1]))["metric"]
    print(m if m in ("accuracy", "balanced_accuracy") else "accuracy")
PY
)
  [[ -n "$metric" ]] || metric=$([[ $task == binary ]] && echo auc || ([[ $task == regression ]] && echo rmse || echo accuracy))
  if [[ ! -s "$dir/peers" ]]; then
    echo "recipe corpus: peers on $name ..." >&2
    "$python" "$here/corpus_peers.py" defaults "$dir" "$target" "$task" "$metric" >"$dir/peers" 2>"$dir/peers.err" || true
    "$python" "$here/corpus_peers.py" tuned "$dir" "$target" "$task" "$metric" "$seconds" >>"$dir/peers" 2>>"$dir/peers.err" || true
  fi
  echo "CASE $name $task $metric $code $seconds $dir" >>"$results"
done

"$python" "$here/corpus_summary.py" "$results"
