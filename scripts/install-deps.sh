#!/usr/bin/env bash
# Installs the Debian packages nnrecipe builds, tests and benchmarks with
# (with --cli: only those the command-line tool needs, for `make demo`).
# Idempotent: prints nothing and touches nothing when everything is present.
# Uses sudo when not run as root. Makes sure the BLAS that LibTorch links
# against at run time is OpenBLAS (Debian's reference BLAS made a small MLP
# train 4.2x slower here; see docs/architecture.md).
set -euo pipefail

# What the CLI needs to build and run (`make demo`, `scripts/install-deps.sh --cli`).
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libtorch-dev libopenblas0-openmp libopenblas-dev libdnnl-dev
  libxgboost-dev libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libboost-dev  # Sobol' points with Joe & Kuo's direction numbers (header-only)
  zlib1g-dev
)
# Everything else the team's targets use: the tests, fuzzing, docs, packages.
if [[ "${1:-}" != --cli ]]; then
  packages+=(
    libgtest-dev libgmock-dev libbenchmark-dev
    dataset-fashion-mnist
    chromium  # the tests render the HTML reports headless (tests/report/chromium_render_test.cpp)
    clang libclang-rt-14-dev  # libFuzzer harnesses (fuzz/), smoke-run by `make check`
    clang-format  # `make check`: the sources follow .clang-format
    doxygen  # `make docs`: the API reference of include/nnrecipe/
    dpkg-dev file  # `make package`: dpkg-shlibdeps computes the .deb's dependencies (CPack needs file)
  )
fi
# Peers for the benchmarks only (make bench); not needed to build or test.
if [[ "${NNRECIPE_BENCH_DEPS:-0}" == 1 ]]; then
  packages+=(python3-pandas python3-numpy python3-torch python3-sklearn time)
fi

sudo_cmd=()
if [[ "$(id -u)" != 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "install-deps: not root and no sudo; install these packages by hand: ${packages[*]}" >&2
    exit 1
  fi
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has empty package lists; update once, then install.
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Make OpenBLAS (OpenMP variant) the system BLAS/LAPACK when another one (the
# reference BLAS) is selected; update-alternatives is touched only then.
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)
for lib in libblas.so.3 liblapack.so.3; do
  want="/usr/lib/${arch}/openblas-openmp/${lib}"
  name="${lib}-${arch}"
  [[ -e "$want" ]] || continue
  current=$(update-alternatives --query "$name" 2>/dev/null | awk '/^Value:/ {print $2}')
  # Any OpenBLAS variant (openmp, pthread) is fine; replace anything else.
  if [[ "$current" != */openblas*/* ]]; then
    echo "install-deps: selecting OpenBLAS for ${lib}"
    "${sudo_cmd[@]}" update-alternatives --set "$name" "$want" >/dev/null
  fi
done
