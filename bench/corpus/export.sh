#!/usr/bin/env bash
# Exports the calibration corpus (tables.tsv) to CSV files, installing the
# Debian packages that hold the tables first (R and its data packages,
# scikit-learn). Reproducible: the packages pin the data.
#
#   bench/corpus/export.sh [OUT_DIR]     (default bench/out/corpus; ~1 min)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/bench/out/corpus}
packages=(r-base-core r-cran-aer r-cran-mlbench r-cran-modeldata r-cran-cardata r-cran-mass r-cran-dslabs
  r-cran-kernlab r-cran-lme4 r-cran-ggplot2 r-cran-survival r-cran-pscl python3-sklearn python3-pandas)
missing=()
for p in "${packages[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ "$(id -u)" == 0 ]] || sudo_cmd=(sudo)
  echo "corpus: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mkdir -p "$out"
Rscript "$here/export.R" "$here/tables.tsv" "$out"
/usr/bin/python3 "$here/export_sklearn.py" "$here/tables.tsv" "$out"
