#!/usr/bin/env bash
# Prune benchmark: how much of our trained networks the tasks need.
#
#   bench/prune/run.sh [BENCH_BIN_DIR]
#
# Builds nothing: the nnrecipe CLI is $BENCH_BIN_DIR/../src/nnrecipe (BENCH_BIN_DIR:
# $1, else the env var, else build-bench/bench) unless NNRECIPE_BIN names another.
# Environment:
#   BENCH_OUT_DIR        runs go to $BENCH_OUT_DIR/prune (default bench/out, git-ignored; wiped first)
#   BENCH_PRUNE_DATA     tabular datasets (default "credit_data letter wa_churn"), tests/datasets
#   BENCH_PRUNE_FASHION  1 = also the Fashion-MNIST CNN (examples/configs/fashion_mnist_cnn.yaml,
#                        BENCH_FASHION_EPOCHS epochs, default 4; ~15 min on 2 cores), 0 = skip (default 1)
#   BENCH_FINETUNE       fine-tuning epochs after each step, tables (default 10)
#   BENCH_FASHION_FINETUNE  the same for Fashion-MNIST (default 1: an epoch there takes ~1 min)
#   BENCH_ENFORCE=1      exit 1 when a target below is missed
#
# Per dataset: train the default MLP (hidden [128, 128]; the CNN for
# Fashion-MNIST), then `nnrecipe prune --sparsity 0.5,0.7,0.8,0.9,0.95
# --finetune-epochs E` (unstructured, global magnitude) and `--structured
# --sparsity 0.5,0.75` (a smaller dense network; its forward time against the
# dense one's is the speed-up). The peer is the published reference point:
# fully connected and convolutional nets on MNIST-like data keep accuracy
# within 1 point at ~90% unstructured sparsity with fine-tuning (Han et al.
# 2015; Frankle & Carbin 2019). The table gives each dataset's validation and
# test metric at every sparsity; the last line is
# `drop_at_90: X.XXXX` — the largest drop of the test metric at 90% sparsity
# over the datasets (metric points, higher-is-better sign; target <= 0.01).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
nnrecipe=${NNRECIPE_BIN:-$bin_dir/../src/nnrecipe}
out_dir=${BENCH_OUT_DIR:-$root/bench/out}/prune
datasets=${BENCH_PRUNE_DATA:-credit_data letter wa_churn}
fashion=${BENCH_PRUNE_FASHION:-1}
fashion_epochs=${BENCH_FASHION_EPOCHS:-4}
finetune=${BENCH_FINETUNE:-10}
fashion_finetune=${BENCH_FASHION_FINETUNE:-1}
data_dir=$root/tests/datasets
python=/usr/bin/python3
[[ -x $python ]] || python=python3

die() { echo "prune: $*" >&2; exit 1; }
[[ -x "$nnrecipe" ]] || die "$nnrecipe not found; build it first (make bench, or NNRECIPE_BIN=...)"

target_of() {
  case $1 in
    letter) echo lettr ;; credit_data) echo Status ;; wa_churn) echo churn ;; concrete) echo compressive_strength ;;
    ames) echo Sale_Price ;; breast_cancer) echo Class ;; *) die "no target known for $1" ;;
  esac
}

rm -rf "$out_dir"
mkdir -p "$out_dir"

# prune_both NAME EPOCHS: unstructured and structured pruning of run $out_dir/NAME.
prune_both() {
  "$nnrecipe" prune "$out_dir/$1" --sparsity 0.5,0.7,0.8,0.9,0.95 --finetune-epochs "$2" >"$out_dir/$1-prune.log" 2>&1 ||
    die "prune $1 failed: $(tail -3 "$out_dir/$1-prune.log")"
  "$nnrecipe" prune "$out_dir/$1" --structured --sparsity 0.5,0.75 --finetune-epochs "$2" \
    >"$out_dir/$1-structured.log" 2>&1 || die "structured prune $1 failed: $(tail -3 "$out_dir/$1-structured.log")"
}

names=()
for data in $datasets; do
  [[ -f "$data_dir/$data.csv" ]] || die "$data_dir/$data.csv not found"
  "$nnrecipe" train --set "data.train=$data_dir/$data.csv" --set "data.target=$(target_of "$data")" \
    --quiet --out "$out_dir/$data" >"$out_dir/$data-train.log" 2>&1 || die "training $data failed: $(tail -3 "$out_dir/$data-train.log")"
  prune_both "$data" "$finetune"
  names+=("$data")
done
if [[ $fashion == 1 ]]; then
  [[ -d /usr/share/datasets/fashion-mnist ]] || die "Fashion-MNIST not installed (dataset-fashion-mnist)"
  "$nnrecipe" train "$root/examples/configs/fashion_mnist_cnn.yaml" --set "train.epochs=$fashion_epochs" \
    --quiet --out "$out_dir/fashion_mnist" >"$out_dir/fashion_mnist-train.log" 2>&1 ||
    die "training fashion_mnist failed: $(tail -3 "$out_dir/fashion_mnist-train.log")"
  prune_both fashion_mnist "$fashion_finetune"
  names+=(fashion_mnist)
fi

rc=0
"$python" - "$out_dir" "${names[@]}" <<'PY' || rc=$?
import json, sys
out, names = sys.argv[1], sys.argv[2:]
worst = None
print("%-14s %-12s %9s %8s %10s %10s %10s %9s" % ("dataset", "pruning", "sparsity", "params", "val", "test", "test_drop", "speed_up"))
for name in names:
    for kind in ("prune", "prune-structured"):
        j = json.load(open("%s/%s/%s/prune.json" % (out, name, kind)))
        m, sign = j["metric"], (1 if j["higher_is_better"] else -1)
        dense = j["dense"]
        rows = [("dense", dense)] + [("%.2f" % s["sparsity"], s) for s in j["steps"]]
        for label, s in rows:
            drop = sign * (dense["test"][m] - s["test"][m])
            speed = dense["ms_per_1000_rows"] / s["ms_per_1000_rows"] if s["ms_per_1000_rows"] else float("nan")
            print("%-14s %-12s %9s %8d %10.4f %10.4f %10.4f %9s" % (
                name, "structured" if j["structured"] else "magnitude", label, s["params"], s["val"][m], s["test"][m],
                drop, "%.2fx" % speed if j["structured"] else ""))
            if not j["structured"] and label == "0.90":
                worst = drop if worst is None else max(worst, drop)
        print("%-14s %-12s metric: %s" % (name, "", m))
print("reference: within 0.01 (1 point) of dense at ~90%% unstructured sparsity (Han et al. 2015): %s"
      % ("met" if worst is not None and worst <= 0.01 else "MISSED"))
print("drop_at_90: %.4f" % worst)
if worst is not None and worst > 0.01:
    sys.exit(3)
PY
if [[ "${BENCH_ENFORCE:-0}" == 1 && $rc != 0 ]]; then exit 1; fi
exit 0
