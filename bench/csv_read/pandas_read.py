#!/usr/bin/env python3
"""Reads one CSV file with pandas.read_csv (default options: C engine) and
prints the same RESULT line as bench_csv_read, for bench/csv_read/run.sh:

  RESULT reader=pandas seconds=... rows=... cols=... numeric=... categorical=...
         boolean=... missing=... threads=1 file_bytes=... baseline_rss_bytes=...
         peak_rss_bytes=...

(on one line). `seconds` covers read_csv only, not importing pandas.
`peak_rss_bytes` is the process's maximum resident set size (getrusage
ru_maxrss); `baseline_rss_bytes` is the same maximum just before the read
(the interpreter with pandas and numpy imported).

usage: pandas_read.py FILE.csv
"""
import os
import resource
import sys
import time


def max_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: pandas_read.py FILE.csv", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        import pandas as pd
    except ImportError:
        print("pandas_read.py: pandas is not installed for %s (Debian: python3-pandas; "
              "NNRECIPE_BENCH_DEPS=1 scripts/install-deps.sh)" % sys.executable,
              file=sys.stderr)
        return 1

    file_bytes = os.path.getsize(path)
    baseline = max_rss_bytes()
    start = time.perf_counter()
    df = pd.read_csv(path)
    seconds = time.perf_counter() - start
    peak = max_rss_bytes()

    # Same classification as bench_csv_read: bool dtype counts as boolean,
    # other numeric dtypes as numeric, everything else (object) as categorical.
    boolean = sum(pd.api.types.is_bool_dtype(t) for t in df.dtypes)
    numeric = sum(pd.api.types.is_numeric_dtype(t) for t in df.dtypes) - boolean
    categorical = df.shape[1] - numeric - boolean
    missing = int(df.isna().sum().sum())
    print("RESULT reader=pandas seconds=%.6f rows=%d cols=%d numeric=%d categorical=%d "
          "boolean=%d missing=%d threads=1 file_bytes=%d baseline_rss_bytes=%d "
          "peak_rss_bytes=%d" % (seconds, df.shape[0], df.shape[1], numeric, categorical,
                                 boolean, missing, file_bytes, baseline, peak),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
