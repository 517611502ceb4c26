"""Seed ensembles the scikit-learn way: a 5-seed VotingClassifier / VotingRegressor of the
defaults against the single defaults, on shipped real datasets.

For each dataset (the standard train/test split of its archive, the preprocessing of
``bench_real_data.py``'s defaults: ``make_pipeline(SequenceScaler(), RNNClassifier(
random_state=s))``, or ``RNNRegressor``, every other parameter at its default):

* **ensemble**: ``VotingClassifier(voting="soft")`` (the mean of the members' class
  probabilities) or ``VotingRegressor`` (the mean prediction) of 5 such pipelines, seeds 0-4,
  fitted one after the other (``n_jobs=None``), scored on the test split;
* **single**: each fitted member scored alone (a member is exactly the single default
  pipeline of its seed): mean ± sd over the 5 seeds;
* **cost**: the ensemble's fit time against one single pipeline (seed 0) fitted and timed
  apart, right after it in the same process (a one-epoch fit first warms the process up);
  its predictions must equal the ensemble's first member's (checked and printed).

Classification reports accuracy, regression R² and RMSE. Times on a shared machine are
indicative only: the ratio is what to read (about ``n_estimators`` when nothing else runs).

Usage::

    PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/bench_ensembles.py
    python benchmarks/bench_ensembles.py --datasets GunPoint Covid3Month --seeds 0 1 2

The default sets (ItalyPowerDemand, GunPoint, Covid3Month, CardanoSentiment, Tecator,
ArrowHead) took 15 minutes on 2 cores shared with other runs; BasicMotions, JapaneseVowels,
OSULeaf and PLAID are accepted but slower.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from bench_real_data import DATASETS, load, pipeline, scores, status  # noqa: E402

DEFAULT_SETS = ["ItalyPowerDemand", "GunPoint", "Covid3Month", "CardanoSentiment", "Tecator",
                "ArrowHead"]


def ensemble(task, seeds):
    """The soft-voting ensemble of the default pipelines of ``seeds``."""
    from sklearn.ensemble import VotingClassifier, VotingRegressor

    members = [(f"seed{s}", pipeline("rnn", task, s)) for s in seeds]
    if task == "classification":
        return VotingClassifier(members, voting="soft")
    return VotingRegressor(members)


def run(name, seeds):
    from seqestimators.exceptions import BaselineWarning

    X, y, X_test, y_test, info = load(name)
    task = info["task"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipeline("rnn", task, seeds[0], max_epochs=1).fit(X, y)  # warm-up, not timed
        model = ensemble(task, seeds)
        start = time.perf_counter()
        model.fit(X, y)
        ensemble_seconds = time.perf_counter() - start
        single = pipeline("rnn", task, seeds[0])
        start = time.perf_counter()
        single.fit(X, y)
        single_seconds = time.perf_counter() - start
    status(f"{name}: ensemble fitted in {ensemble_seconds:.1f} s, single seed {seeds[0]} in "
           f"{single_seconds:.1f} s")
    baseline_warnings = sum(issubclass(w.category, BaselineWarning) for w in caught)
    # VotingClassifier fits its members on encoded labels (0..n_classes-1): decode theirs.
    decode = (lambda p: model.le_.inverse_transform(p)) if task == "classification" else \
        (lambda p: p)
    members = [scores(task, y_test, decode(member.predict(X_test)))
               for member in model.estimators_]
    same = bool(np.array_equal(np.asarray(single.predict(X_test)),
                               np.asarray(decode(model.estimators_[0].predict(X_test)))))
    result = {
        "dataset": name, "task": task, "n_train": info["n_train"], "n_test": info["n_test"],
        "seeds": list(seeds),
        "single": {"score": float(np.mean([m["score"] for m in members])),
                   "std": float(np.std([m["score"] for m in members])),
                   "scores": [m["score"] for m in members]},
        "ensemble": scores(task, y_test, model.predict(X_test)),
        "single_fit_seconds": round(single_seconds, 2),
        "ensemble_fit_seconds": round(ensemble_seconds, 2),
        "fit_time_ratio": round(ensemble_seconds / single_seconds, 2),
        "member_equals_single": same,
        "baseline_warnings": int(baseline_warnings),
    }
    if task == "regression":
        result["single"]["rmse"] = float(np.mean([m["rmse"] for m in members]))
        result["single"]["rmse_std"] = float(np.std([m["rmse"] for m in members]))
    status(f"  single {result['single']['score']:.4f} ± {result['single']['std']:.4f}, "
           f"ensemble {result['ensemble']['score']:.4f}, fit {ensemble_seconds:.1f} s "
           f"({result['fit_time_ratio']}x)")
    return result


def table(results):
    n = len(results[0]["seeds"])
    lines = [f"| dataset | metric | single defaults (mean ± sd) | {n}-seed soft vote | "
             "fit time single / ensemble (ratio) |", "|---|---|---|---|---|"]
    for r in results:
        s, e = r["single"], r["ensemble"]
        if r["task"] == "classification":
            metric = "accuracy"
            single = f"{s['score']:.3f} ± {s['std']:.3f}"
            ens = f"{e['score']:.3f}"
        else:
            metric = "R² (RMSE)"
            single = f"{s['score']:.3f} ± {s['std']:.3f} ({s['rmse']:.4g} ± {s['rmse_std']:.2g})"
            ens = f"{e['score']:.3f} ({e['rmse']:.4g})"
        lines.append(f"| {r['dataset']} | {metric} | {single} | {ens} | "
                     f"{r['single_fit_seconds']:.0f} s / {r['ensemble_fit_seconds']:.0f} s "
                     f"({r['fit_time_ratio']:.1f}x) |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="*", default=DEFAULT_SETS, choices=list(DATASETS))
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2, 3, 4])
    parser.add_argument("--results", default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    start = time.perf_counter()
    results = [run(name, args.seeds) for name in args.datasets]
    print(f"Seed ensembles, {len(args.seeds)} seeds {args.seeds}, "
          f"{time.perf_counter() - start:.0f} s in all")
    print(table(results))
    for r in results:
        if not r["member_equals_single"]:
            print(f"  note: {r['dataset']}: the first member's predictions differ from the "
                  "single pipeline's of the same seed (not reproducible in this process)")
        else:
            print(f"  {r['dataset']}: the first member predicts exactly as the single "
                  "pipeline of its seed")
        if r["baseline_warnings"]:
            print(f"  note: {r['dataset']}: {r['baseline_warnings']} BaselineWarning(s) "
                  "among the single and member fits")
    gains = [r for r in results if r["ensemble"]["score"] >= r["single"]["score"]]
    print(f"The ensemble scores at least the single mean on {len(gains)} of {len(results)} sets.")
    if args.results:
        Path(args.results).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
