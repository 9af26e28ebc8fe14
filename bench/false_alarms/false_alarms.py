#!/usr/bin/env python3
"""False-alarm benchmark for the training checks (bench/false_alarms/run.sh).

Every table of the calibration corpus (bench/corpus/tables.tsv: real tables
nobody tuned the checks on) is healthy data, and every configuration below
is one a careful practitioner might pick: any warn- or error-level finding
of a training check (config lint, preflight, training monitors) on them is
a false alarm. Per table it runs

  check   the default config (lint + preflight, no training)
  train   the default config and six other healthy ones (CONFIGS)
  run     the whole recipe with a short budget (BENCH_RUN_BUDGET minutes)

and lists every warn/error finding of a training check with its evidence.
Data checks (data.*, found by inspect) and the evaluation of a finished run
(eval.*, analyze.*) are not training checks and are not counted. A run that
crashes, exits 2, or (for `run`) ends without a winner counts as a failure.

Last lines:
  error_false_alarms: E
  warn_false_alarm_runs: W/N (P%)
  false_alarm_runs: A/B

Standard library only: false_alarms.py NNRECIPE CORPUS_DIR TABLES_TSV OUT_DIR
Environment: BENCH_TABLES (names; default all), BENCH_CONFIGS (names of
CONFIGS; default all), BENCH_RUN_BUDGET (minutes, default 1; 0 skips run),
BENCH_JOBS (parallel commands, default 2, each with --threads 1).
"""
import concurrent.futures
import json
import os
import subprocess
import sys
import time

NNRECIPE, CORPUS, TABLES, OUT = sys.argv[1:5]
TRAINING_STAGES = {"lint", "preflight", "train"}


def configs(rows):
    """The healthy configurations: defaults, then three changes in the sane
    range (width, learning rate, dropout, batch size, optimizer), then the
    other tabular networks (TabM with piecewise-linear embeddings, an MLP
    with periodic embeddings, a factorization machine; 20 epochs, so that
    TabM's members stay affordable on the 254k-row tables). Batch sizes
    stay below a quarter of the training rows (config.batch_size warns,
    rightly, at one step per epoch)."""
    big_batch = 256 if rows >= 4000 else 32
    return {
        "default": [],
        "wide_dropout": ["model.hidden=[256,256]", "model.dropout=0.3"],
        "lr3e-3_batch": ["train.lr=3e-3", f"train.batch_size={big_batch}"],
        "narrow_adamw": ["model.hidden=[64]", "train.optimizer=adamw", "train.weight_decay=1e-2",
                         "train.lr=1e-4", "train.batch_size=32"],
        "tabm_ple": ["model.type=tabm", "model.ensemble_size=8", "model.numeric_embedding=piecewise_linear",
                     "train.epochs=20"],
        "periodic": ["model.numeric_embedding=periodic", "train.epochs=20"],
        "fm": ["model.type=fm", "train.lr=1e-3", "train.epochs=20"],
    }


def read_tables():
    tables = []
    for line in open(TABLES):
        if line.startswith("#") or not line.strip():
            continue
        name, source, target, task, *_ = line.rstrip("\n").split("\t")
        tables.append((name, target, task))
    wanted = os.environ.get("BENCH_TABLES", "").split()
    return [t for t in tables if not wanted or t[0] in wanted]


def count_rows(path):
    with open(path, "rb") as f:
        return max(sum(1 for _ in f) - 1, 0)


def run_one(job):
    """Runs one command; returns the job with exit code, wall seconds and findings."""
    name, kind, label, cmd, findings_file, run_dir = job
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    findings, winner = None, None
    if os.path.exists(findings_file):
        with open(findings_file) as f:
            findings = json.load(f)["findings"]
    if kind == "run" and os.path.exists(os.path.join(run_dir, "summary.json")):
        with open(os.path.join(run_dir, "summary.json")) as f:
            winner = json.load(f).get("winner")
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] if proc.returncode not in (0, 1) else []
    return dict(table=name, kind=kind, config=label, code=proc.returncode, wall=wall, findings=findings,
                winner=winner, tail=tail[0] if tail else "")


def jobs_for(name, target, task):
    data = os.path.join(CORPUS, name + ".csv")
    # The task as the table's documentation gives it (an integer class code,
    # 0-9, would otherwise be read as a number to regress).
    base = ["--set", f"data.train={data}", "--set", f"data.target={target}", "--set", f"data.task={task}",
            "--set", "train.seed=1", "--threads", "1"]
    out = os.path.join(OUT, name)
    os.makedirs(out, exist_ok=True)
    jobs = []
    check_json = os.path.join(out, "check.json")
    jobs.append((name, "check", "default", [NNRECIPE, "check", "--json", check_json] + base, check_json, ""))
    wanted = os.environ.get("BENCH_CONFIGS", "").split()
    for label, sets in configs(count_rows(data)).items():
        if wanted and label not in wanted:
            continue
        run_dir = os.path.join(out, "train-" + label)
        subprocess.run(["rm", "-rf", run_dir], check=True)
        cmd = [NNRECIPE, "train", "--quiet", "--out", run_dir] + base
        for s in sets:
            cmd += ["--set", s]
        jobs.append((name, "train", label, cmd, os.path.join(run_dir, "findings.json"), run_dir))
    budget = os.environ.get("BENCH_RUN_BUDGET", "1")
    if float(budget) > 0:
        run_dir = os.path.join(out, "run")
        subprocess.run(["rm", "-rf", run_dir], check=True)
        cmd = [NNRECIPE, "run", data, "--target", target, "--task", task, "--budget", budget, "--quiet",
               "--threads", "1", "--out", run_dir]
        jobs.append((name, "run", "default", cmd, os.path.join(run_dir, "findings.json"), run_dir))
    return jobs


def loud(findings):
    return [f for f in findings or [] if f["severity"] in ("warn", "error") and f.get("stage") in TRAINING_STAGES]


def main():
    jobs = [j for t in read_tables() for j in jobs_for(*t)]
    results = []
    with concurrent.futures.ThreadPoolExecutor(int(os.environ.get("BENCH_JOBS", "2"))) as pool:
        for r in pool.map(run_one, jobs):
            results.append(r)
            sys.stderr.write(f"false_alarms: {r['table']} {r['kind']} {r['config']}: exit {r['code']}, "
                             f"{r['wall']:.0f} s\n")
    errors = warn_runs = failures = 0
    print(f"{'table':18} {'command':6} {'config':14} {'exit':>4} {'wall s':>7}  training-check findings (warn/error)")
    for r in results:
        found = loud(r["findings"])
        failed = r["findings"] is None or r["code"] not in (0, 1) or (r["kind"] == "run" and not r["winner"])
        errors += sum(f["severity"] == "error" for f in found)
        warn_runs += bool(found) and not any(f["severity"] == "error" for f in found)
        failures += failed
        text = "; ".join(f"{f['id']}({f['severity'][0]})" for f in found) or "-"
        if failed:
            text += f"  <-- FAILED ({r['tail'] or 'no findings.json / no winner'})"
        print(f"{r['table']:18} {r['kind']:6} {r['config']:14} {r['code']:>4} {r['wall']:7.1f}  {text}")
    print()
    print("Evidence of every false alarm:")
    for r in results:
        for f in loud(r["findings"]):
            print(f"  {r['table']} {r['kind']} {r['config']}: {f['id']} ({f['severity']}): {f['message']}")
    alarm_runs = sum(bool(loud(r["findings"])) for r in results)
    n = len(results)
    print()
    print(f"runs: {n} (tables: {len({r['table'] for r in results})}) failures: {failures}")
    print(f"error_false_alarms: {errors}")
    print(f"warn_false_alarm_runs: {warn_runs}/{n} ({100.0 * warn_runs / max(n, 1):.1f}%)")
    print(f"false_alarm_runs: {alarm_runs}/{n}")
    json.dump(results, open(os.path.join(OUT, "results.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
