"""Writes the scikit-learn-bundled tables of tables.tsv as CSV.

Usage: python3 export_sklearn.py tables.tsv OUT_DIR
"""
import sys

import sklearn.datasets


def main(manifest, out):
    for line in open(manifest):
        if line.startswith("#") or not line.strip():
            continue
        name, source, target, *_ = line.rstrip("\n").split("\t")
        package, loader = source.split("::")
        if package != "sklearn":
            continue
        frame = getattr(sklearn.datasets, loader)(as_frame=True).frame
        frame.to_csv(f"{out}/{name}.csv", index=False)
        print(f"{name:<18} {len(frame):7d} rows {frame.shape[1]:4d} columns  {source}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
