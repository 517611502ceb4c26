"""Forecaster ensembles: the defaults alone, a 5-seed ensemble, and a 5-window-length ensemble.

Tasks (all offline; the last ``h`` values of every series are held out and forecast from the
rest):

* ``m1``: the 181 yearly series of the M1 competition (``load_m1_yearly``), h=6, one global
  model over the list of series (as ``examples/many_series.py``); metric: mean sMAPE (and MASE)
  over the series;
* ``airline12`` / ``airline24``: the shipped airline series, h=12 and h=24; metric: RMSE;
* ``sunspots``: statsmodels' yearly sunspots, the last 114 years, h=14; metric: RMSE.

For each task, with ``RNNForecaster()``'s defaults:

* **seeds**: ``EnsembleForecaster(n_estimators=5, random_state=0)``, the median of 5 members
  with their own seeds; each member is exactly the single default forecaster of its seed, so
  the **single** row is the members scored alone (mean ± sd over the 5 seeds);
* **windows**: ``EnsembleForecaster(n_estimators=5, context_lengths=[L/2, 2L/3, L, 3L/2, 2L],
  random_state=0)``, ``L`` the default's own window (``context_length_`` of the first seed
  member): N-BEATS' ensemble over input lengths, one member per length, at the same cost;
  each member is also scored alone (one seed per length: indicative only);
* the naive forecast (last value), the random walk with drift, the training mean, and for
  airline the seasonal naive, as references;
* the cost: each ensemble's fit and forecast time against one member's (the members are
  fitted one after the other, so the ratio is about 5; a member's time is the mean of the
  members' training times, the sum of their epochs' durations in ``history_``).

The metric functions come from ``bench_forecasting_panel.py``. Run::

    PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/bench_forecast_ensemble.py \
        [--tasks m1 airline12 airline24 sunspots] [--results out.json]

On 2 cores shared with other runs (2026-12-03) the four tasks took about 45 minutes: m1 6,
airline12 11, airline24 10, sunspots 17 (its fits run to the 500-step floor and beyond).
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
from bench_forecasting_panel import mase, rmse, shipped, smape, status, sunspots  # noqa: E402

N_MEMBERS = 5


def m1():
    from seqestimators.datasets import load_m1_yearly

    return list(load_m1_yearly().series)


# name -> (series loader, h, seasonal period for MASE and the seasonal naive, metric)
TASKS = {
    "m1": (m1, 6, 1, "sMAPE"),
    "airline12": (lambda: shipped("airline"), 12, 12, "RMSE"),
    "airline24": (lambda: shipped("airline"), 24, 12, "RMSE"),
    "sunspots": (sunspots, 14, 1, "RMSE"),
}


def evaluate(forecasts, trains, tests, m):
    """Mean sMAPE, MASE and RMSE over the series."""
    rows = [(smape(f, a), mase(f, a, tr, m), rmse(f, a))
            for f, tr, a in zip(forecasts, trains, tests)]
    return dict(zip(("sMAPE", "MASE", "RMSE"), map(float, np.mean(rows, axis=0))))


def as_list(forecast):
    """One array per series, from a forecast of a list (or of one series)."""
    items = forecast if isinstance(forecast, list) else [forecast]
    return [np.asarray(item, dtype=float) for item in items]


def window_lengths(length):
    """Five window lengths around ``length``: half, two thirds, itself, 1.5 and 2 times."""
    return sorted({max(2, round(length * f)) for f in (0.5, 2 / 3, 1.0, 1.5, 2.0)})


def fit_ensemble(params, data, trains, tests, m):
    from seqestimators.forecasting import EnsembleForecaster

    ens = EnsembleForecaster(n_estimators=N_MEMBERS, random_state=0, **params)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ens.fit(data)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        ensemble_scores = evaluate(as_list(ens.forecast(data, len(tests[0]))), trains, tests, m)
        forecast_seconds = time.perf_counter() - start
        members = []
        for member in ens.estimators_:
            start = time.perf_counter()
            fc = as_list(member.forecast(data, len(tests[0])))
            members.append({**evaluate(fc, trains, tests, m),
                            "context_length": member.context_length_,
                            "train_seconds": float(sum(member.history_[:, "dur"])),
                            "forecast_seconds": time.perf_counter() - start,
                            "n_iter": int(member.n_iter_)})
    return {"ensemble": ensemble_scores, "members": members,
            "fit_seconds": fit_seconds, "forecast_seconds": forecast_seconds}


def run(task):
    loader, h, m, metric = TASKS[task]
    series = loader()
    trains_pd = [s.iloc[:-h] for s in series]
    trains = [s.to_numpy(float) for s in trains_pd]
    tests = [s.iloc[-h:].to_numpy(float) for s in series]
    data = trains_pd if len(trains_pd) > 1 else trains_pd[0]
    status(f"{task}: {len(series)} series, h={h}")
    naive = [np.full(h, t[-1]) for t in trains]
    drift = [t[-1] + (t[-1] - t[0]) / (len(t) - 1) * np.arange(1, h + 1) for t in trains]
    refs = {"naive": evaluate(naive, trains, tests, m),
            "random walk with drift": evaluate(drift, trains, tests, m),
            "training mean": evaluate([np.full(h, t.mean()) for t in trains], trains, tests, m)}
    if m > 1:
        refs["seasonal naive"] = evaluate([np.resize(t[-m:], h) for t in trains], trains,
                                          tests, m)
    seeds = fit_ensemble({}, data, trains, tests, m)
    length = seeds["members"][0]["context_length"]
    status(f"  seeds: {seeds['ensemble'][metric]:.4g} ({seeds['fit_seconds']:.0f} s); "
           f"members {[round(x[metric], 4) for x in seeds['members']]}; default window {length}")
    lengths = window_lengths(length) if length is not None else None
    windows = None
    if lengths is not None and len(lengths) == N_MEMBERS:
        windows = fit_ensemble({"context_lengths": lengths}, data, trains, tests, m)
        status(f"  windows {lengths}: {windows['ensemble'][metric]:.4g} "
               f"({windows['fit_seconds']:.0f} s); members "
               f"{[round(x[metric], 4) for x in windows['members']]}")
    return {"task": task, "h": h, "metric": metric, "n_series": len(series),
            "references": refs, "seeds": seeds, "windows": windows, "lengths": lengths}


def summary(result):
    metric = result["metric"]
    singles = [x[metric] for x in result["seeds"]["members"]]
    rows = [("single defaults (5 seeds)", f"{np.mean(singles):.4g} ± {np.std(singles):.2g}",
             f"{np.mean([x['train_seconds'] for x in result['seeds']['members']]):.0f} s", "1")]
    for key, label in (("seeds", "ensemble of 5 seeds (median)"),
                       ("windows", f"ensemble over windows {result['lengths']} (median)")):
        part = result[key]
        if part is None:
            continue
        one = np.mean([x["train_seconds"] for x in part["members"]])
        rows.append((label, f"{part['ensemble'][metric]:.4g}", f"{part['fit_seconds']:.0f} s",
                     f"{part['fit_seconds'] / one:.1f}"))
    for name, values in result["references"].items():
        rows.append((name, f"{values[metric]:.4g}", "–", "–"))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="*", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--results", default=None, help="write the results as JSON here")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    start = time.perf_counter()
    results = []
    for task in args.tasks:
        results.append(run(task))
        if args.results:  # what is measured so far survives a run killed half-way
            Path(args.results).write_text(json.dumps(results, indent=1, default=float),
                                          encoding="utf-8")
    print(f"Forecaster ensembles, {time.perf_counter() - start:.0f} s in all")
    for result in results:
        print(f"\n{result['task']} (h={result['h']}, {result['n_series']} series): "
              f"{result['metric']}, lower is better")
        print(f"| method | {result['metric']} | fit time | vs one member |")
        print("|---|---|---|---|")
        for row in summary(result):
            print("| " + " | ".join(row) + " |")
        singles = [x[result["metric"]] for x in result["seeds"]["members"]]
        for key in ("seeds", "windows"):
            if result[key] is not None:
                got = result[key]["ensemble"][result["metric"]]
                verdict = "better" if got < np.mean(singles) else "NOT better"
                print(f"  {key} ensemble {got:.4g} vs the single mean {np.mean(singles):.4g}: "
                      f"{verdict}; vs the best single seed {min(singles):.4g}")
    return results


if __name__ == "__main__":
    main()
