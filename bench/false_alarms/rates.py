#!/usr/bin/env python3
"""Writes docs/check-rates.md: each training check's measured false-alarm
rate on the calibration corpus (bench/false_alarms) and its recall on the
planted faults (bench/faults), from the two benchmarks' outputs.

Standard library only:
  rates.py NNRECIPE FALSE_ALARMS_RESULTS_JSON FAULTS_OUTPUT_TXT OUT_MD
"""
import json
import re
import subprocess
import sys

NNRECIPE, RESULTS, FAULTS, OUT = sys.argv[1:5]
TRAINING_STAGES = {"lint", "preflight", "train"}


def catalogue():
    """(id, stage, severity) of every check, from `nnrecipe checks --markdown`."""
    text = subprocess.run([NNRECIPE, "checks", "--markdown"], check=True, stdout=subprocess.PIPE, text=True).stdout
    checks, section = [], ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        m = re.match(r"\| `([a-z_.]+)` \| ([a-z/]+) \|", line)
        if m and section in ("config lint", "preflight", "monitor"):
            checks.append((m.group(1), section, m.group(2)))
    return checks


def main():
    results = json.load(open(RESULTS))
    runs = len(results)
    tables = len({r["table"] for r in results})
    fired = {}
    for r in results:
        for f in r["findings"] or []:
            if f.get("stage") in TRAINING_STAGES and f["severity"] in ("warn", "error"):
                fired.setdefault(f["id"], {"warn": set(), "error": set()})[f["severity"]].add(
                    (r["table"], r["kind"], r["config"]))
    expected, caught = {}, {}
    for line in open(FAULTS):
        # A fault's row: its name (42 columns, longer names push the rest
        # right), the expected id(s), when it was detected, the wall time.
        m = re.match(r"^.{42,}? ([a-z_]+\.[a-z_.|]+) +(lint|[0-9.]+|-) +[0-9.]+ ", line)
        if not m:
            continue
        fired_ids = line[m.end():]
        for check in m.group(1).split("|"):  # a|b: either one catches the fault; each counts where it fired
            expected[check] = expected.get(check, 0) + 1
            caught[check] = caught.get(check, 0) + (f"{check}(" in fired_ids)
    out = ["# Measured false alarms and recall of the training checks", "",
           "Written by `bench/false_alarms/rates.py` from one run of `bench/false_alarms` (the calibration corpus: "
           f"{tables} real tables none of the checks were tuned on; `check`, `train` with the defaults and three other "
           f"healthy configs, and `run` with a short budget: {runs} runs) and of `bench/faults` (planted faults on the "
           "test datasets, the corpus and hand-written loops). A false alarm is a warn or error finding on a "
           "healthy run; recall is the share of a check's planted faults it fired on (a fault that either of "
           "two checks may catch, e.g. SGD at a huge rate: train.nan or train.diverging, counts for both and is "
           "caught by the one that fired). The catalogue itself is "
           "docs/checks.md.", "",
           "| id | stage | severity | false alarms (error) | false alarms (warn) | planted faults caught |",
           "|---|---|---|---|---|---|"]
    for check, stage, severity in catalogue():
        f = fired.get(check, {"warn": set(), "error": set()})
        recall = f"{caught[check]}/{expected[check]}" if check in expected else "-"
        out.append(f"| `{check}` | {stage} | {severity} | {len(f['error'])}/{runs} | {len(f['warn'])}/{runs} | {recall} |")
    open(OUT, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
