#!/usr/bin/env bash
# Usage: fuzz/seed_corpus.sh NAME DIR
# Fills DIR with the seed inputs of fuzzer NAME (csv, idx, config,
# search_space, model_meta), taken from the test data and the examples, in
# the harness's input layout (a leading option byte where it has one).
set -euo pipefail
name=$1 out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
prefixed() {  # prefixed BYTE_OCTAL SOURCE DEST
  { printf "\\$1"; cat "$2"; } > "$3"
}
case $name in
  csv)
    n=0
    for f in "$root"/tests/data/good/*.csv "$root"/tests/data/good/*.tsv "$root"/tests/data/bad/*.csv; do
      n=$((n + 1))
      prefixed 000 "$f" "$out/$n-detect"
      prefixed 377 "$f" "$out/$n-tiny-chunks"
    done
    head -c 3000 "$root/examples/data/credit_data.csv" > "$out/credit.tmp"
    prefixed 005 "$out/credit.tmp" "$out/credit"
    rm "$out/credit.tmp"
    ;;
  idx)
    n=0
    for f in "$root"/tests/data/good/idx_tiny_plain/* "$root"/tests/data/bad/idx_*/*; do
      [ -f "$f" ] || continue
      n=$((n + 1))
      case $f in
        *.gz) prefixed 001 "$f" "$out/$n-gz"; gzip -dc "$f" > "$out/plain.tmp" 2>/dev/null || true
              prefixed 002 "$out/plain.tmp" "$out/$n-regzipped"; rm -f "$out/plain.tmp" ;;
        *) prefixed 000 "$f" "$out/$n-plain"; prefixed 002 "$f" "$out/$n-gzipped" ;;
      esac
    done
    ;;
  config)
    for f in "$root"/examples/configs/*.yaml; do cp "$f" "$out/$(basename "$f")"; done
    { cat "$root/examples/configs/credit_mlp.yaml"; printf '\0train.lr=0.01\0model.hidden=[32, 16]\0checks.ignore=[train.diverging]'; } \
      > "$out/with-sets"
    ;;
  search_space)
    printf 'train.lr: {log_uniform: [1.0e-4, 1.0e-2]}\nmodel.hidden: {choice: [[64], [128, 128]]}\nmodel.dropout: {uniform: [0.0, 0.4]}\n\x80\x20\xff\x03' > "$out/basic"
    printf 'train.optimizer: {choice: [adam, sgd]}\ntrain.momentum: {uniform: [0.5, 0.99], when: {train.optimizer: [sgd]}}\ntrain.batch_size: {log_int: [32, 512]}\ntrain.epochs: {int: [1, 4]}\n\x00\xff\x40\x10\x04' > "$out/conditional"
    ;;
  model_meta)
    cp "$root"/fuzz/seeds/model_meta/* "$out/"
    ;;
  *) echo "unknown fuzzer '$name' (csv, idx, config, search_space, model_meta)" >&2; exit 2 ;;
esac
