#!/usr/bin/env python3
"""A ratings table with planted user x item effects (a recommendation
table): rating = user bias + item bias + <p_user, q_item> + noise, with
latent factors of rank 3, users and items drawn with a long tail (Zipf-like
popularity, as in real ratings data). Columns: user, item (ids as text),
hour (a numeric column with no effect), rating.

    make_table.py OUT.csv [--rows 20000] [--users 300] [--items 200] [--seed 0]
"""
import argparse
import csv
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--rank", type=int, default=3)
    ap.add_argument("--noise", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    p = [[rng.gauss(0, 1) for _ in range(a.rank)] for _ in range(a.users)]
    q = [[rng.gauss(0, 1) for _ in range(a.rank)] for _ in range(a.items)]
    bu = [rng.gauss(0, 0.5) for _ in range(a.users)]
    bi = [rng.gauss(0, 0.5) for _ in range(a.items)]
    # Popularity: weight 1 / (rank + 10), so the most active ids are seen
    # often and the tail a handful of times.
    uw = [1.0 / (i + 10) for i in range(a.users)]
    iw = [1.0 / (i + 10) for i in range(a.items)]
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["user", "item", "hour", "rating"])
        for _ in range(a.rows):
            u = rng.choices(range(a.users), uw)[0]
            i = rng.choices(range(a.items), iw)[0]
            r = 3 + bu[u] + bi[i] + sum(x * y for x, y in zip(p[u], q[i])) + rng.gauss(0, a.noise)
            w.writerow([f"u{u}", f"i{i}", rng.randint(0, 23), f"{r:.3f}"])


if __name__ == "__main__":
    main()
