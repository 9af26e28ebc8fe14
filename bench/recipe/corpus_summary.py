"""Summary of bench/recipe/corpus.sh: one line per table, then
completed, beats_best_default and vs_tuned_xgboost; also what the
out-of-fold selection rule picks from the same candidates (the
cross-fitted model with the best out-of-fold score of all training +
validation rows) against the run's own winner.

Usage: corpus_summary.py RESULTS_FILE
"""
import json, os, statistics, sys

rows = [line.split()[1:] for line in open(sys.argv[1]) if line.startswith("CASE")]
print(f"{'table':18} {'metric':18} {'winner':28} {'test':>10} {'best default':>13} {'tuned xgb':>10} "
      f"{'oof rule':>10} {'min':>5}  beats default / tuned")
completed = beats_default = beats_tuned = 0
oof_deltas = []
for name, task, metric, code, seconds, d in rows:
    summary = f"{d}/run/summary.json"
    ok = int(code) in (0, 1) and os.path.exists(summary) and all(
        os.path.exists(f"{d}/run/{f}") for f in ("leaderboard.csv", "report.html"))
    s = json.load(open(summary)) if os.path.exists(summary) else {}
    ok = ok and bool(s.get("winner"))
    completed += ok
    lower = metric == "rmse"
    # At least as good; the peers print 6 decimals, so scores within 1e-6
    # are a tie.
    better = (lambda a, b: a <= b + 1e-6) if lower else (lambda a, b: a >= b - 1e-6)
    peers = {}
    if os.path.exists(f"{d}/peers"):
        for line in open(f"{d}/peers"):
            kv = dict(x.split("=", 1) for x in line.split()[1:])
            if metric in kv:
                peers[kv["model"]] = float(kv[metric])
    defaults = [v for k, v in peers.items() if k != "xgboost_optuna"]
    best_default = (min(defaults) if lower else max(defaults)) if defaults else float("nan")
    tuned = peers.get("xgboost_optuna", float("nan"))
    test = oof_test = float("nan")
    winner = "(none)"
    if ok:
        winner = s["winner"]
        by_name = {c["name"]: c for c in s["candidates"]}
        test = by_name[winner]["test"].get(metric, float("nan"))
        # The out-of-fold rule, counterfactually: the candidate with the best
        # out-of-fold score of all training + validation rows on the run's
        # selection metric (cross-fits only), else the run's own winner.
        sel = s["metric"]
        with_oof = [c for c in s["candidates"] if c.get("oof", {}).get(sel) is not None]
        if with_oof:
            pick = (min if not s["higher_is_better"] else max)(with_oof, key=lambda c: c["oof"][sel])
            oof_test = pick["test"].get(metric, float("nan"))
        else:
            oof_test = test
        oof_deltas.append((oof_test - test) * (-1 if lower else 1))
    bd = ok and defaults and better(test, best_default)
    bt = ok and tuned == tuned and better(test, tuned)
    beats_default += bool(bd)
    beats_tuned += bool(bt)
    print(f"{name:18} {metric:18} {winner[:28]:28} {test:10.4f} {best_default:13.4f} {tuned:10.4f} {oof_test:10.4f} "
          f"{float(seconds) / 60:5.1f}  {'yes' if bd else 'NO'} / {'yes' if bt else 'no'}")
n = len(rows)
if oof_deltas:
    wins = sum(x > 1e-12 for x in oof_deltas)
    losses = sum(x < -1e-12 for x in oof_deltas)
    print(f"\noof_rule_vs_run: better on {wins}, worse on {losses}, same on {len(oof_deltas) - wins - losses}; "
          f"median delta {statistics.median(oof_deltas):+.4f} (higher-is-better sign, in each table's metric)")
print(f"completed: {completed}/{n}")
print(f"beats_best_default: {beats_default}/{n}")
print(f"vs_tuned_xgboost: {beats_tuned}/{n}")
