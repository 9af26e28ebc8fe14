#!/usr/bin/env bash
# install-check BUILD_DIR: nnrecipe as a user installs and uses it (`make
# install-check`; CI runs it after the tests).
#  1. `cmake --install` into a scratch prefix; examples/ configured as a
#     separate project against that prefix (find_package(nnrecipe)), built,
#     and run: healthy it exits 0, with a planted fault the Doctor exits 1.
#  2. The .deb packages (`make package`) installed with apt, which resolves
#     their dependencies from the archive; the installed `nnrecipe` runs the
#     recipe on the bundled data; then the packages are removed again.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { printf '\ninstall-check: %s\n' "$*"; }

say "cmake --install into $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -x "$work/prefix/bin/nnrecipe"
test -f "$work/prefix/lib/cmake/nnrecipe/nnrecipeConfig.cmake"
if ls "$work/prefix/include/nnrecipe/" | grep -qx 'torch_pch.h'; then
  echo "install-check: an internal header was installed" >&2
  exit 1
fi

say "examples/ as an external project against the installed package"
cmake -S "$root/examples" -B "$work/example" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/example"
"$work/example/custom_loop" --steps 60
rc=0
"$work/example/custom_loop" --steps 60 --plant zero_grad >"$work/planted.txt" || rc=$?
if [[ $rc != 1 ]]; then
  cat "$work/planted.txt"
  echo "install-check: the planted fault should end with exit 1, got $rc" >&2
  exit 1
fi
say "the planted fault was found (exit 1)"

sudo_cmd=()
[[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
debs=("$build"/nnrecipe_*.deb "$build"/nnrecipe-dev_*.deb)
say "apt install ${debs[*]##*/}"
for d in "${debs[@]}"; do dpkg-deb --field "$d" Package Depends; done
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${debs[@]}" >/dev/null
/usr/bin/nnrecipe --version
/usr/bin/nnrecipe run "$root/examples/data/credit_data.csv" --target Status --budget 0.5 --quiet --out "$work/run"
test -f "$work/run/report.html"
test -f /usr/lib/*/cmake/nnrecipe/nnrecipeConfig.cmake -o -f /usr/lib/cmake/nnrecipe/nnrecipeConfig.cmake
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get remove -y -qq nnrecipe nnrecipe-dev >/dev/null
say "ok: install, external build, packages"
