#!/usr/bin/env bash
# Interaction benchmark: tables whose rows are (user, item) pairs, through
# `nnrecipe run` as a user would run it. The recipe's advice for such
# tables is to start with a factorization machine; `run` trains one as a
# baseline whenever a table has id columns, next to xgboost, the linear
# model and the MLP. Each candidate's test RMSE comes from the run's own
# leaderboard.csv (one split, scored once).
#
# Tables:
#   planted    make_table.py: 20,000 ratings with planted user x item
#              effects (rank-3 factors, long-tailed popularity, 300 users,
#              200 items)
#   movielens  the calibration corpus's MovieLens 100k (dslabs), with
#              userId and movieId read as categorical (--type), as a user
#              who knows they are ids would give them
#
# Last line per table: `NAME fm_vs_xgboost: R1 fm_vs_network: R2` (test
# RMSE ratios; below 1 means the factorization machine is better).
#
#   bench/interactions/run.sh [BENCH_BIN_DIR]
# Environment: BENCH_BUDGET (minutes, default 3), BENCH_OUT (default
#   bench/out/interactions), BENCH_CORPUS (default bench/out/corpus;
#   movielens is skipped when it has no movielens.csv).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
nnrecipe="$bin_dir/../src/nnrecipe"
budget=${BENCH_BUDGET:-3}
out=${BENCH_OUT:-$root/bench/out/interactions}
corpus=${BENCH_CORPUS:-$root/bench/out/corpus}
[[ -x "$nnrecipe" ]] || { echo "interactions: $nnrecipe not built" >&2; exit 1; }
mkdir -p "$out"

# run_table NAME CSV TARGET [options...]
run_table() {
  local name=$1 csv=$2 target=$3
  shift 3
  echo "interactions: nnrecipe run on $name (budget $budget min) ..." >&2
  rm -rf "$out/$name"
  "$nnrecipe" run "$csv" --target "$target" --budget "$budget" --quiet --out "$out/$name" "$@" \
    >"$out/$name.log" 2>&1 || { echo "interactions: run failed on $name, see $out/$name.log" >&2; return 1; }
  python3 - "$name" "$out/$name/leaderboard.csv" <<'PY'
import csv, sys
name, board = sys.argv[1], sys.argv[2]
rows = {r["name"]: r for r in csv.DictReader(open(board))}
def rmse(candidate):
    r = rows.get(candidate)
    return float(r["test_rmse"]) if r and r["test_rmse"] else float("nan")
for candidate in rows:
    print(f"  {name:<10} {candidate:<44} test rmse {rmse(candidate):.4f}")
fm, xgb, net = rmse("factorization machine"), rmse("xgboost"), rmse("network")
print(f"{name} fm_vs_xgboost: {fm / xgb:.3f} fm_vs_network: {fm / net:.3f}")
PY
}

python3 "$here/make_table.py" "$out/planted.csv" --seed 0
run_table planted "$out/planted.csv" rating
if [[ -f "$corpus/movielens.csv" ]]; then
  run_table movielens "$corpus/movielens.csv" rating --type userId=categorical --type movieId=categorical
else
  echo "interactions: no $corpus/movielens.csv (bench/corpus/export.sh writes it); movielens skipped" >&2
fi
