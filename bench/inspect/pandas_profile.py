#!/usr/bin/env python3
"""The pandas peer of bench/inspect/run.sh: reads one CSV file with
pandas.read_csv (default options: C engine), then describe(include='all')
and duplicated().sum(), and prints one RESULT line:

  RESULT tool=pandas seconds=... read_s=... describe_s=... duplicated_s=...
         rows=... cols=... duplicate_rows=... file_bytes=...
         baseline_rss_bytes=... peak_rss_bytes=...

(on one line). `seconds` is read_s + describe_s + duplicated_s: it leaves out
starting the interpreter and importing pandas. `peak_rss_bytes` is the
process's maximum resident set size (getrusage ru_maxrss); `baseline_rss_bytes`
the same maximum just before the read (interpreter with pandas imported).

This is a profile only: none of nnrecipe's data checks (conflicting labels,
imbalance, leakage, correlation, outliers, predictive power, ...) run here.

usage: pandas_profile.py FILE.csv
"""
import os
import resource
import sys
import time


def max_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print("usage: pandas_profile.py FILE.csv", file=sys.stderr)
        return 2
    path = argv[1]
    try:
        import pandas as pd
    except ImportError:
        print("pandas_profile.py: pandas is not installed for %s (Debian: python3-pandas; "
              "NNRECIPE_BENCH_DEPS=1 scripts/install-deps.sh)" % sys.executable,
              file=sys.stderr)
        return 1

    file_bytes = os.path.getsize(path)
    baseline = max_rss_bytes()
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    summary = df.describe(include="all")
    t2 = time.perf_counter()
    duplicate_rows = int(df.duplicated().sum())
    t3 = time.perf_counter()
    peak = max_rss_bytes()

    # Use the summary so that nothing about it can be skipped.
    if summary.shape[1] != df.shape[1]:
        print("pandas_profile.py: describe() covered %d of %d columns"
              % (summary.shape[1], df.shape[1]), file=sys.stderr)
        return 1
    print("RESULT tool=pandas seconds=%.6f read_s=%.6f describe_s=%.6f duplicated_s=%.6f "
          "rows=%d cols=%d duplicate_rows=%d file_bytes=%d baseline_rss_bytes=%d "
          "peak_rss_bytes=%d" % (t3 - t0, t1 - t0, t2 - t1, t3 - t2, df.shape[0], df.shape[1],
                                 duplicate_rows, file_bytes, baseline, peak),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
