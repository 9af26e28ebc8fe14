#!/usr/bin/env bash
# Training throughput benchmark: the same MLP regression (100,000 x 32
# synthetic rows, MSE, Adam lr 3e-4), same data, same initial weights, same
# batches, same threads, trained by nnrecipe's Trainer and by the equivalent
# PyTorch loop in Python (Debian's python3-torch: the same LibTorch).
#
#   bench/train_throughput/run.sh [BENCH_BIN_DIR]
#
# Builds nothing: BENCH_BIN_DIR ($1, else the env var, else build-bench/bench)
# must hold bench_train_throughput. Environment:
#   BENCH_THREADS    threads for both, 0 = all cores available (default 0)
#   BENCH_ROWS       rows (default 100000)
#   BENCH_EPOCHS     timed epochs per run (default 1)
#   BENCH_ROUNDS     runs per implementation, alternating (default 2)
#   BENCH_MODELS     hidden widths, space-separated lists (default "256,256 64,64")
#   BENCH_BATCHES    batch sizes (default 64,256,1024)
#   BENCH_VARIANTS=1 also the ablations: the trainer's step written out with
#                    every combination of optimizer (stock Adam, FastAdam
#                    fused, FastAdam foreach), zero_grad and loss read-back,
#                    the trainer with malloc keeping memory, and PyTorch with
#                    foreach / set_to_none (takes about 4x as long)
#   BENCH_STEPS=1    also the parts of one step in microseconds, nnrecipe and
#                    PyTorch (batch, zero_grad, forward+backward, optimizer
#                    step, .item(), whole step; fastest of interleaved windows)
#   PYTHON           interpreter with torch (default: python3 or
#                    /usr/bin/python3, whichever imports torch)
#   BENCH_ENFORCE=1  exit 1 when the target below is missed
#
# Columns per model and batch size (samples/s over the fastest 20 consecutive
# steps inside the timed epochs, all rounds: a busy machine slows some
# windows, not the fastest; the whole-epoch ratios are printed beside):
#   trainer     nnrecipe::Trainer::fit (its own optimizer, today stock Adam)
#   +fastadam   the trainer's step written out (TabularNet, BatchIterator,
#               zero_grad, forward, MSE, backward, step, loss.item()) with
#               nnrecipe::FastAdam instead of torch::optim::Adam
#   +all        that, plus zero_grad(set_to_none), the loss summed in a tensor
#               and read once per epoch instead of .item() per step, and
#               glibc malloc told to keep freed memory (mallopt; no page
#               faults for the same buffers every step)
#   pytorch     the Python loop, on the same OpenBLAS build as nnrecipe
#   pytorch-sys the Python loop on the system's default OpenBLAS, when that
#               is another build (Debian's pthread one): what a PyTorch user
#               here gets; shown, not used for the target
# GFLOP/s counts the weight GEMMs only (forward, weight and input gradients,
# no input gradient for the first layer), against the faster of two 2048^3
# float32 GEMMs measured by the same binary in the same run: torch::mm (the
# BLAS, what PyTorch's nn.Linear uses on CPU) and oneDNN's sgemm (what
# nnrecipe's linear layers use: src/internal/nnrecipe/fast_linear.h).
#
# A separate table gives the doctor's cost: `--impl doctor` times one epoch
# of the trainer without checks and one with (monitors at the default check
# interval; preflight before the epoch, untimed), back to back, 7 pairs per
# batch size, heap kept as the CLI keeps it. Per batch size it prints the
# monitors' own time (Doctor::monitor_seconds(), every monitor call timed)
# over the epoch's, and the median wall-clock slowdown of the pairs. On this
# shared 2-core machine single pairs spread by tens of percent either way,
# so `monitor_overhead_max` (issue 4: under 5%) is the largest own-time share.
#
# Every implementation must end at the same training loss (same weights,
# batches and math), else the run fails: a fast loop that trains something
# else proves nothing. The last line is `speedup_vs_pytorch_min: X.XX`, the
# smallest trainer / pytorch ratio (20-step windows) over models and batch sizes.
# Target: >= 1.2 at every batch size.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin_dir=${1:-${BENCH_BIN_DIR:-$root/build-bench/bench}}
threads=${BENCH_THREADS:-0}
rows=${BENCH_ROWS:-100000}
epochs=${BENCH_EPOCHS:-1}
rounds=${BENCH_ROUNDS:-2}
models=${BENCH_MODELS:-"256,256 64,64"}
batches=${BENCH_BATCHES:-64,256,1024}
variants=${BENCH_VARIANTS:-0}
step_parts=${BENCH_STEPS:-0}
readonly target_speedup=1.2

die() { echo "train_throughput: $*" >&2; exit 1; }

bench="$bin_dir/bench_train_throughput"
[[ -x "$bench" ]] || die "$bench not found; build it first:
  cmake -S $root -B $root/build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNRECIPE_BUILD_TESTS=OFF
  ninja -C $root/build-bench bench_train_throughput"

source "$here/../python_peer.sh"
python=$(find_python torch) || die "no python3 with torch found (Debian: python3-torch; NNRECIPE_BENCH_DEPS=1 scripts/install-deps.sh), or set PYTHON"

# Both sides get the same explicit count (LibTorch's own default is 1 here).
if [[ "$threads" == 0 ]]; then threads=$(nproc); fi
# OpenMP with as many threads as cores collapses when other processes want
# the cores too (a 2-thread run here went from ~2 to ~20 minutes, the stock
# optimizer's many small parallel ops stalling at every barrier): say so.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if ((threads > 1)) && awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > 0.5 * n) }'; then
  echo "train_throughput: load average $load on $(nproc) cores: $threads-thread numbers will be noisy \
and slow to get; BENCH_THREADS=1 gives stable ones" >&2
fi

# Our binaries load the OpenMP build of OpenBLAS (cmake/Dependencies.cmake).
# "pytorch" runs on that same BLAS (LD_LIBRARY_PATH), so that the ratio
# measures the training loop and nothing else; "pytorch-sys" runs as a
# PyTorch user here gets it, on the system's default OpenBLAS, when that
# differs (Debian's default pthread OpenBLAS fights LibTorch's OpenMP threads).
bench_blas_dir=$(ldd "$bench" | awk '$1 == "libopenblas.so.0" { print $3 }' | xargs -r dirname)
sys_blas_dir=$(/sbin/ldconfig -p 2>/dev/null | awk '$1 == "libopenblas.so.0" && !n++ { print $NF }' |
  xargs -r readlink -f | xargs -r dirname)
sys_peer=0
if [[ -n "$bench_blas_dir" && "$bench_blas_dir" != "$sys_blas_dir" ]]; then sys_peer=1; fi

common=(--rows "$rows" --epochs "$epochs" --batch "$batches" --threads "$threads")
cpp_impls=("--impl trainer"
           "--impl loop --optimizer fast --zero-grad inplace --loss-sync step"
           "--impl loop --optimizer fast --zero-grad none --loss-sync epoch --keep-heap")
py_impls=("")
if [[ "$variants" == 1 ]]; then
  cpp_impls+=("--impl trainer --keep-heap")
  for opt in adam fast fast-foreach; do
    for zero in inplace none; do
      for sync in step epoch; do
        key="--impl loop --optimizer $opt --zero-grad $zero --loss-sync $sync"
        [[ "$opt $zero $sync" == "fast inplace step" ]] || cpp_impls+=("$key")
      done
    done
  done
  py_impls+=("--foreach" "--set-to-none")
fi

results=$(mktemp)
trap 'rm -f "$results" "$results.out"' EXIT

gemm() {
  "$bench" --impl gemm --threads "$threads" | grep '^RESULT ' >>"$results" || die "the GEMM run failed"
}
run_cpp() {  # hidden, then the --impl ... arguments
  local hidden=$1 impl_args
  read -r -a impl_args <<<"$2"
  local args=("${impl_args[@]}" --hidden "$hidden" "${common[@]}")
  "$bench" "${args[@]}" | grep '^RESULT ' >>"$results" || die "bench_train_throughput ${args[*]} failed"
}
run_py() {  # hidden, extra flags
  local hidden=$1 extra=$2
  # shellcheck disable=SC2086  # extra is zero or one flag
  LD_LIBRARY_PATH="$bench_blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$python" "$here/pytorch_loop.py" --hidden "$hidden" "${common[@]}" $extra | grep '^RESULT ' >>"$results" ||
    die "pytorch_loop.py failed"
  if [[ "$sys_peer" == 1 && -z "$extra" ]]; then
    "$python" "$here/pytorch_loop.py" --name pytorch-sys --hidden "$hidden" "${common[@]}" |
      grep '^RESULT ' >>"$results" || die "pytorch_loop.py failed"
  fi
}

gemm
for ((round = 1; round <= rounds; round++)); do
  for hidden in $models; do
    echo "round $round/$rounds, hidden $hidden ..." >&2
    # Alternate who goes first, so that drifting load falls on both.
    if ((round % 2 == 1)); then
      for impl in "${cpp_impls[@]}"; do run_cpp "$hidden" "$impl"; done
      for extra in "${py_impls[@]}"; do run_py "$hidden" "$extra"; done
    else
      for extra in "${py_impls[@]}"; do run_py "$hidden" "$extra"; done
      for impl in "${cpp_impls[@]}"; do run_cpp "$hidden" "$impl"; done
    fi
  done
done
gemm
for hidden in $models; do
  echo "the doctor's cost, hidden $hidden ..." >&2
  "$bench" --impl doctor --keep-heap --hidden "$hidden" --rows "$rows" --batch "$batches" --threads "$threads" |
    grep '^RESULT ' >>"$results" || die "bench_train_throughput --impl doctor failed"
done

if [[ "$step_parts" == 1 ]]; then
  for hidden in $models; do
    echo "step parts, hidden $hidden ..." >&2
    "$bench" --impl steps --hidden "$hidden" --rows "$rows" --batch "$batches" --threads "$threads" |
      grep '^RESULT ' >>"$results" || die "bench_train_throughput --impl steps failed"
    "$python" "$here/pytorch_loop.py" --steps --hidden "$hidden" --rows "$rows" --batch "$batches" \
      --threads "$threads" | grep '^RESULT ' >>"$results" || die "pytorch_loop.py --steps failed"
  done
fi

awk -v target="$target_speedup" -v variants="$variants" -v blas_dir="$bench_blas_dir" \
    -v sys_blas_dir="$sys_blas_dir" '
  function val(key,   i, kv) {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) return kv[2] }
    return ""
  }
  $2 == "impl=steps" || $2 == "impl=steps-pytorch" {
    side = ($2 == "impl=steps") ? "nnrecipe" : "pytorch"
    part = side " " val("part"); model = val("model"); batch = val("batch") + 0
    us[part, model, batch] = val("us_per_step")
    if (!(part in seen_part)) { seen_part[part] = 1; parts[++nparts] = part }
    next
  }
  $2 == "impl=doctor" {
    k = val("model") SUBSEP (val("batch") + 0)
    doc_med[k] = val("overhead_median"); doc_min[k] = val("overhead_min"); doc_max[k] = val("overhead_max")
    doc_self[k] = val("self_median")
    next
  }
  $2 == "impl=gemm" {
    g = val("gflops") + 0
    if (g > blas_gemm) blas_gemm = g
    g1 = val("onednn_gflops") + 0
    if (g1 > onednn_gemm) onednn_gemm = g1
    # %GEMM is against the fastest large GEMM this process has.
    gemm = blas_gemm > onednn_gemm ? blas_gemm : onednn_gemm
    blas = val("blas"); gthreads = val("threads")
    next
  }
  {
    impl = val("impl"); model = val("model"); batch = val("batch") + 0
    key = impl SUBSEP model SUBSEP batch
    sps = val("samples_per_s") + 0
    if (sps > best[key]) best[key] = sps
    wps = val("window_samples_per_s") + 0
    if (wps > best_w[key]) best_w[key] = wps
    cpu = val("rows") / val("best_epoch_cpu_s")
    if (cpu > best_cpu[key]) best_cpu[key] = cpu
    fps[model] = val("flops_per_sample")
    if (!(model in seen_model)) { seen_model[model] = 1; models[++nmodels] = model }
    if (!((model, batch) in seen_batch)) { seen_batch[model, batch] = 1; nb[model]++; batches[model, nb[model]] = batch }
    # Same data everywhere, and the same training: the final losses agree.
    ds = val("data_sum")
    if (data_sum == "") data_sum = ds
    else if (ds != data_sum) { printf "train_throughput: data differs: %s vs %s (%s)\n", ds, data_sum, impl > "/dev/stderr"; bad = 1 }
    loss = val("final_loss") + 0
    if (!((model, batch) in ref_loss)) { ref_loss[model, batch] = loss; ref_impl[model, batch] = impl }
    else if (loss - ref_loss[model, batch] > 1e-3 * ref_loss[model, batch] ||
             ref_loss[model, batch] - loss > 1e-3 * ref_loss[model, batch]) {
      printf "train_throughput: %s batch %d: %s ends at loss %.6f, %s at %.6f: not the same training\n",
             model, batch, impl, loss, ref_impl[model, batch], ref_loss[model, batch] > "/dev/stderr"
      bad = 1
    }
    threads = val("threads"); rows = val("rows"); epochs = val("epochs")
    impls[impl] = 1
    if (impl == "pytorch-sys") has_sys = 1
  }
  END {
    if (bad) exit 2
    printf "MLP regression, %d rows x 32 features, MSE, Adam lr 3e-4, %d threads\n", rows, threads
    printf "large GEMM (2048^3 float32, %d threads): BLAS (OpenBLAS core %s) %.1f GFLOP/s, oneDNN %.1f GFLOP/s\n",
           gthreads, blas, blas_gemm, onednn_gemm
    print "(the nnrecipe linear layers use the oneDNN GEMM; nn.Linear in PyTorch on CPU uses the BLAS)"
    printf "BLAS: %s for nnrecipe and \"pytorch\"", blas_dir
    if (has_sys) printf "; %s for \"pytorch-sys\" (the system default)", sys_blas_dir
    printf "\n"
    printf "%-14s %5s %9s %9s %9s %9s %6s %6s %6s | %-11s | %-11s %-7s", "model", "batch", "trainer",
           "+fastadam", "+all", "pytorch", "ratio", "r_fast", "r_all", "epoch ratio", "GFLOP/s", "%GEMM"
    if (has_sys) printf " | %11s %6s", "pytorch-sys", "ratio"
    printf "\n"
    min_ratio = -1
    for (m = 1; m <= nmodels; m++) {
      model = models[m]
      for (b = 1; b <= nb[model]; b++) {
        batch = batches[model, b]
        k = model SUBSEP batch
        tr = best_w["trainer" SUBSEP k]; fa = best_w["loop:fast,inplace,step" SUBSEP k]
        al = best_w["loop:fast,none,epoch+keep_heap" SUBSEP k]; py = best_w["pytorch" SUBSEP k]
        ratio = tr / py
        if (min_ratio < 0 || ratio < min_ratio) min_ratio = ratio
        printf "%-14s %5d %9.0f %9.0f %9.0f %9.0f %6.2f %6.2f %6.2f | %5.2f %5.2f | %5.1f %5.1f %3.0f %3.0f",
               model, batch, tr, fa, al, py, ratio, fa / py, al / py,
               best["trainer" SUBSEP k] / best["pytorch" SUBSEP k],
               best["loop:fast,none,epoch+keep_heap" SUBSEP k] / best["pytorch" SUBSEP k],
               tr * fps[model] / 1e9, py * fps[model] / 1e9,
               100 * tr * fps[model] / 1e9 / gemm, 100 * py * fps[model] / 1e9 / gemm
        if (has_sys) {
          ps = best_w["pytorch-sys" SUBSEP k]
          printf " | %11.0f %6.2f", ps, tr / ps
        }
        printf "\n"
      }
    }
    print "samples/s: the fastest 20 consecutive steps inside the timed epochs (the trainer reports every 20th"
    print "step); epoch ratio: trainer/pytorch and +all/pytorch over whole best epochs; GFLOP/s and %GEMM of the"
    print "large GEMM: trainer, pytorch. All implementations ended at the same training loss."
    if (variants == 1) {
      print ""
      print "ablations, samples/s: fastest 20-step window [best whole epoch]"
      n = 0
      for (impl in impls) names[++n] = impl
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (names[j] < names[i]) { t = names[i]; names[i] = names[j]; names[j] = t }
      for (m = 1; m <= nmodels; m++) {
        model = models[m]
        printf "%-32s", model
        for (b = 1; b <= nb[model]; b++) printf " %20s", "batch " batches[model, b]
        printf "\n"
        for (i = 1; i <= n; i++) {
          printf "%-32s", names[i]
          for (b = 1; b <= nb[model]; b++) {
            k = names[i] SUBSEP model SUBSEP batches[model, b]
            printf " %9.0f [%9.0f]", best_w[k], best[k]
          }
          printf "\n"
        }
      }
    }
    if (nparts > 0) {
      print ""
      print "parts of one step, microseconds (fastest of interleaved windows)"
      for (m = 1; m <= nmodels; m++) {
        model = models[m]
        printf "%-32s", model
        for (b = 1; b <= nb[model]; b++) printf " %10s", "batch " batches[model, b]
        printf "\n"
        for (i = 1; i <= nparts; i++) {
          printf "%-32s", parts[i]
          for (b = 1; b <= nb[model]; b++) printf " %10s", us[parts[i], model, batches[model, b]]
          printf "\n"
        }
      }
    }
    print ""
    print "the doctor monitors (every 50th step checked): the time they measure themselves, share of the epoch,"
    print "and the wall-clock slowdown of an epoch with checks against one without (7 back-to-back pairs)"
    printf "%-14s %5s %9s | %9s %9s %9s\n", "model", "batch", "own time", "wall med", "min", "max"
    max_overhead = 0
    for (m = 1; m <= nmodels; m++) {
      model = models[m]
      for (b = 1; b <= nb[model]; b++) {
        batch = batches[model, b]
        k = model SUBSEP batch
        if (100 * doc_self[k] > max_overhead) max_overhead = 100 * doc_self[k]
        printf "%-14s %5d %8.1f%% | %8.1f%% %8.1f%% %8.1f%%\n", model, batch, 100 * doc_self[k],
               100 * doc_med[k], 100 * doc_min[k], 100 * doc_max[k]
      }
    }
    print "(the wall-clock pairs spread by tens of percent on this shared machine, so the target is judged on"
    print "time the monitors measure themselves: Doctor::monitor_seconds(), every monitor call timed)"
    printf "monitor_overhead_max: %.1f%% (target < 5%%)\n", max_overhead
    printf "target speedup >= %.1f at every batch size: %s\n", target, (min_ratio >= target ? "met" : "MISSED")
    printf "speedup_vs_pytorch_min: %.2f\n", min_ratio
  }' "$results" >"$results.out" || { rm -f "$results.out"; die "the implementations disagree (above)"; }
cat "$results.out"
speedup=$(sed -n 's/^speedup_vs_pytorch_min: //p' "$results.out")
rm -f "$results.out"
if [[ "${BENCH_ENFORCE:-0}" == 1 ]] && awk -v s="$speedup" -v t="$target_speedup" 'BEGIN { exit !(s < t) }'; then
  exit 1
fi
exit 0
