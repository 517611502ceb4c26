"""The estimators' defaults and a 20-trial Optuna search on every shipped real dataset, against
1-NN DTW, MiniRocket and a memoryless baseline measured in the same run.

For each dataset (standard train/test split of its archive), on the test split:

* **defaults**: ``make_pipeline(SequenceScaler(), RNNClassifier(random_state=s))`` (or
  ``RNNRegressor``) for each seed ``s`` (3 by default): every other parameter at its default, so
  training runs to convergence (``n_iter_no_change=10``, plateau halving of ``lr``) and long
  sequences are read in patches (``patch_size="auto"``);
* **search**: :func:`seqestimators.search.optuna_search` on the same pipeline, 20 trials, 3-fold
  CV on the training split, pruning on, ``random_state=0``, no storage, over the default space
  (cell, hidden size, state policy, layers, learning rate) plus ``patch_size`` (patches giving
  about 128, 64, 32 and 16 recurrent steps; 32 is what ``"auto"`` picks and is named so) and
  ``pooling`` (``"auto"`` and the four poolings); the first trial is the defaults
  (``start_from_estimator``); the refitted best pipeline is scored;
* **frontend='conv'** (``conv``): the defaults with ``frontend="conv"``; the regressor's
  default ``frontend="auto"`` takes it for per-sequence regression, so on the regression sets
  (from commit ``351f713`` on) the two parts train the same model;
* **trivial**: the training mean (regression) or the majority class, predicted for every test
  sequence;
* **memoryless**: ``MemorylessClassifier`` / ``MemorylessRegressor`` in the same pipeline (a
  per-sequence output sees only the last timestep): what a model without memory reaches;
* **1-NN DTW**: aeon's ``KNeighborsTimeSeriesClassifier(distance="dtw")`` (full warping
  window, the archive's "DTW_F"; ragged input supported) on the raw series;
* **MiniRocket**: aeon's ``MiniRocketClassifier(random_state=s)`` per seed on the raw series;
  aeon 1.6 cannot run it on unequal lengths, so ragged sets report "–".

Classification reports accuracy; Tecator (regression) R² and RMSE. aeon is needed for the two
aeon baselines only (``pip install -e .[bench]``); without it they are reported as not run.
The goals are printed, never asserted: the defaults at least as accurate as 1-NN DTW on every
dataset, and the searched model within 2 accuracy points of MiniRocket on average.

Every measurement is merged into a JSON results file (``--results``) as soon as it is done,
with its date and settings, so that a run killed half-way keeps what it measured and the slow
datasets can run in another process; the table and the figure are built from that file
(``--report`` rebuilds them without running anything).

Usage::

    python benchmarks/bench_real_data.py                        # everything (long: hours)
    python benchmarks/bench_real_data.py --datasets GunPoint ItalyPowerDemand
    python benchmarks/bench_real_data.py --parts defaults memoryless dtw minirocket
    python benchmarks/bench_real_data.py --quick                # a smoke run, minutes
    python benchmarks/bench_real_data.py --datasets Tecator --parts conv \
        --params hidden_size=16 --tag h16                       # a variant, as 'conv:h16'
    python benchmarks/bench_real_data.py --report --figure docs/_static/real_data/real_data.png
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

#: name -> (loader name, task, ragged)
DATASETS = {
    "GunPoint": ("load_gunpoint", "classification", False),
    "ItalyPowerDemand": ("load_italy_power_demand", "classification", False),
    "BasicMotions": ("load_basic_motions", "classification", False),
    "JapaneseVowels": ("load_japanese_vowels", "classification", True),
    "Tecator": ("load_tecator", "regression", False),
    "OSULeaf": ("load_osuleaf", "classification", False),
    "PLAID": ("load_plaid", "classification", True),
    "ArrowHead": ("load_arrowhead", "classification", False),
    "Covid3Month": ("load_covid_3month", "regression", False),
    "CardanoSentiment": ("load_cardano_sentiment", "regression", False),
}
PARTS = ("defaults", "conv", "trivial", "memoryless", "dtw", "minirocket", "search")
LABELS = {"defaults": "defaults", "conv": "frontend='conv'", "trivial": "trivial", "search": "search",
          "memoryless": "memoryless",
          "dtw": "1-NN DTW", "minirocket": "MiniRocket"}
POOLINGS = ["auto", "last", "mean", "max", "attention"]


def status(text):
    """Say on stderr what runs now, so that a long step is never silent."""
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- data
def load(name):
    """``(X_train, y_train, X_test, y_test, info)`` of a shipped dataset."""
    from seqestimators import datasets

    loader = getattr(datasets, DATASETS[name][0])
    X, y = loader(split="train", return_X_y=True)
    X_test, y_test = loader(split="test", return_X_y=True)
    lengths = [len(x) for x in (*X, *X_test)]
    n_features = (X[0] if isinstance(X, list) else X[0]).shape[-1]
    info = {"n_train": len(X), "n_test": len(X_test), "min_length": int(min(lengths)),
            "max_length": int(max(lengths)),
            "median_length": int(np.median([len(x) for x in X])), "n_features": int(n_features),
            "task": DATASETS[name][1]}
    if info["task"] == "classification":
        info["n_classes"] = len(np.unique(y))
    return X, y, X_test, y_test, info


def to_aeon(X):
    """aeon's layout: ``(n_cases, n_channels, n_timepoints)``, or a list for ragged sets."""
    if isinstance(X, list):
        return [np.ascontiguousarray(np.asarray(x, dtype=float).T) for x in X]
    return np.ascontiguousarray(np.transpose(np.asarray(X, dtype=float), (0, 2, 1)))


def patch_choices(length):
    """Patch sizes giving about 128, 64, 32 and 16 recurrent steps for a training sequence of
    the median ``length`` (1, 2, 4 for short sets), as ``patch_size="auto"`` counts them."""
    if length <= 64:
        return [1, 2, 4]
    return sorted({max(1, round(length / steps)) for steps in (128, 64, 32, 16)})


# ---------------------------------------------------------------------------- scoring
def scores(task, y_true, y_pred):
    """Accuracy, or R² and RMSE."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if task == "classification":
        return {"score": float(np.mean(y_true == y_pred))}
    from sklearn.metrics import r2_score

    return {"score": float(r2_score(y_true, y_pred)),
            "rmse": float(np.sqrt(np.mean((y_true.astype(float) - y_pred) ** 2)))}


def summarize(runs):
    """Mean (and spread) of per-seed results."""
    values = [r["score"] for r in runs]
    out = {"score": float(np.mean(values)), "scores": values,
           "std": float(np.std(values)) if len(values) > 1 else 0.0}
    if "rmse" in runs[0]:
        out["rmse"] = float(np.mean([r["rmse"] for r in runs]))
    return out


# ---------------------------------------------------------------------------- methods
def pipeline(kind, task, seed, max_epochs=None, extra=None):
    from sklearn.pipeline import make_pipeline

    from seqestimators import MemorylessClassifier, MemorylessRegressor, RNNClassifier, RNNRegressor
    from seqestimators.preprocessing import SequenceScaler

    cls = {("rnn", "classification"): RNNClassifier, ("rnn", "regression"): RNNRegressor,
           ("conv", "classification"): RNNClassifier, ("conv", "regression"): RNNRegressor,
           ("memoryless", "classification"): MemorylessClassifier,
           ("memoryless", "regression"): MemorylessRegressor}[kind, task]
    params = {"random_state": seed}
    if kind == "conv":        # the defaults with the convolutional front-end
        params["frontend"] = "conv"
    if max_epochs is not None:
        params["max_epochs"] = max_epochs
    if extra and kind != "memoryless":
        params.update(extra)
    return make_pipeline(SequenceScaler(), cls(**params))


def parse_params(items):
    """``KEY=VALUE`` strings as estimator parameters (``optimizer=AdamW``: ``torch.optim.AdamW``)."""
    import ast

    import torch

    params = {}
    for item in items or ():
        key, _, text = item.partition("=")
        if key == "optimizer":
            params[key] = getattr(torch.optim, text)
            continue
        try:
            params[key] = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            params[key] = text
    return params


def fit_quietly(model, X, y):
    """Fit, counting ConvergenceWarnings and BaselineWarnings instead of printing them."""
    from sklearn.exceptions import ConvergenceWarning

    from seqestimators.exceptions import BaselineWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.simplefilter("always", BaselineWarning)
        model.fit(X, y)
    return (sum(issubclass(w.category, ConvergenceWarning) for w in caught),
            sum(issubclass(w.category, BaselineWarning) for w in caught))


def run_estimators(kind, data, seeds, max_epochs, extra=None):
    X, y, X_test, y_test, info = data
    runs, predictions = [], []
    for seed in seeds:
        model = pipeline(kind, info["task"], seed, max_epochs, extra)
        start = time.perf_counter()
        n_warn, n_baseline = fit_quietly(model, X, y)
        seconds = time.perf_counter() - start
        net = model[-1]
        predictions.append(model.predict(X_test))
        run = {"seed": seed, **scores(info["task"], y_test, predictions[-1]),
               "fit_seconds": round(seconds, 2), "n_iter": int(net.n_iter_),
               "best_epoch": int(getattr(net, "best_epoch_", net.n_iter_)),
               "not_converged": bool(n_warn), "baseline_warning": bool(n_baseline)}
        for name in ("patch_size_", "frontend_"):
            if hasattr(net, name):
                run[name[:-1]] = getattr(net, name)
        status(f"  {kind} seed {seed}: {run['score']:.4f} ({run['n_iter']} epochs, "
               f"{seconds:.1f} s{', BaselineWarning' if n_baseline else ''})")
        runs.append(run)
    result = summarize(runs)
    result["runs"] = runs
    if info["task"] == "regression" and len(seeds) > 1:
        # What averaging the seeds' predictions would score (no extra fit).
        ensemble = scores(info["task"], y_test, np.mean(predictions, axis=0))
        result["ensemble"] = ensemble
    return result


def run_trivial(data):
    """The trivial model: the training mean (regression) or the majority class."""
    X, y, X_test, y_test, info = data
    y = np.asarray(y)
    if info["task"] == "classification":
        labels, counts = np.unique(y, return_counts=True)
        prediction = np.full(len(y_test), labels[counts.argmax()])
        setting = "majority class of the training set"
    else:
        prediction = np.full(len(y_test), float(np.mean(y)))
        setting = "mean of the training targets"
    result = scores(info["task"], y_test, prediction)
    result["setting"] = setting
    return result


def run_dtw(data):
    X, y, X_test, y_test, info = data
    if info["task"] == "classification":
        from aeon.classification.distance_based import KNeighborsTimeSeriesClassifier as KNN
    else:
        from aeon.regression.distance_based import KNeighborsTimeSeriesRegressor as KNN
    model = KNN(distance="dtw", n_neighbors=1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unsafe cast")  # numba, inside aeon
        model.fit(to_aeon(X), np.asarray(y))
        result = scores(info["task"], y_test, model.predict(to_aeon(X_test)))
    result["setting"] = "aeon 1-NN, distance='dtw', full window"
    return result


def run_minirocket(data, seeds):
    X, y, X_test, y_test, info = data
    if info["min_length"] != info["max_length"]:
        return {"score": None, "note": "unequal lengths: aeon's MiniRocket needs equal lengths"}
    if info["task"] == "classification":
        from aeon.classification.convolution_based import MiniRocketClassifier as MiniRocket
    else:
        from aeon.regression.convolution_based import MiniRocketRegressor as MiniRocket
    runs = []
    for seed in seeds:
        model = MiniRocket(random_state=seed)
        model.fit(to_aeon(X), np.asarray(y))
        runs.append({"seed": seed, **scores(info["task"], y_test,
                                            model.predict(to_aeon(X_test)))})
        status(f"  MiniRocket seed {seed}: {runs[-1]['score']:.4f}")
    result = summarize(runs)
    result["runs"] = runs
    return result


def _trial_status(study, trial):
    value = "" if trial.value is None else f" {trial.value:.4f}"
    status(f"  trial {trial.number}: {trial.state.name}{value} "
           f"({trial.duration.total_seconds() if trial.duration else 0:.0f} s)")


def run_search(data, n_trials, max_epochs, timeout):
    from seqestimators.estimators._recurrent import auto_patch_size
    from seqestimators.search import default_param_distributions, optuna_search

    X, y, X_test, y_test, info = data
    estimator = pipeline("rnn", info["task"], 0, max_epochs)
    patches = patch_choices(info["median_length"])
    # "auto" (the defaults, the search's first trial) stands for the size it picks.
    auto = auto_patch_size(info["median_length"])
    patch_sizes = ["auto", *(p for p in patches if p != auto)]
    space = default_param_distributions(estimator, patch_size=patch_sizes, pooling=POOLINGS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=Warning)
        search = optuna_search(estimator, X, y, param_distributions=space, n_trials=n_trials,
                               cv=3, pruning=True, random_state=0, storage=None,
                               timeout=timeout, callbacks=[_trial_status])
        # A "carry" winner warns again when it predicts the test split in other batches.
        best = search.best_estimator_
        result = scores(info["task"], y_test, best.predict(X_test))
    states = [t.state.name for t in search.study_.trials]
    result.update({
        "best_params": {k.split("__", 1)[-1]: v for k, v in search.best_params_.items()},
        "best_cv_score": float(search.best_score_),
        "n_trials": len(states), "n_complete": states.count("COMPLETE"),
        "n_pruned": states.count("PRUNED"), "n_failed": states.count("FAIL"),
        "patch_choices": patch_sizes, "refit_epochs": int(best[-1].n_iter_),
        "refit_seconds": round(float(search.refit_time_), 1),
    })
    return result


# ---------------------------------------------------------------------------- records
def provenance():
    import sklearn
    import torch

    import seqestimators

    record = {"python": platform.python_version(), "torch": torch.__version__,
              "scikit-learn": sklearn.__version__,
              "seqestimators": getattr(seqestimators, "__version__", "?"),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs"}
    try:
        import aeon

        record["aeon"] = aeon.__version__
    except ImportError:
        record["aeon"] = None
    try:
        here = Path(__file__).resolve().parent
        record["commit"] = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=here, capture_output=True,
            text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        record["commit"] = None
    return record


def read_results(path):
    if path and Path(path).exists():
        return json.loads(Path(path).read_text())
    return {"datasets": {}}


def record(path, results, dataset, part, value, settings):
    """Store one measurement (re-reading the file under a lock: other runs may add theirs)."""
    stamp = {"date": datetime.datetime.now().isoformat(timespec="seconds")}
    if not path:
        results["datasets"].setdefault(dataset, {})[part] = {**value, **stamp, **settings}
        return results
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "w") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # no POSIX locks (Windows): run one process at a time there
            pass
        results = read_results(path)
        results["datasets"].setdefault(dataset, {})[part] = {**value, **stamp, **settings}
        tmp = Path(str(path) + ".tmp")
        tmp.write_text(json.dumps(results, indent=1, default=float))
        os.replace(tmp, path)
    return results


# ---------------------------------------------------------------------------- report
def cell(entry, *, rmse=False, spread=False):
    if entry is None:
        return "not run"
    if entry.get("score") is None:
        return "–"
    text = f"{entry['score']:.3f}"
    if spread and len(entry.get("scores", ())) > 1:
        text += f" ± {entry['std']:.3f}"
    if rmse and entry.get("rmse") is not None:
        text += f" (RMSE {entry['rmse']:.3g})"
    return text


def table_rows(results, names=None):
    """Header and one row of cells per recorded dataset."""
    names = [n for n in (names or DATASETS) if n in results["datasets"]]
    header = ["dataset", "train / test, length, channels", "defaults (mean ± sd)", "epochs",
              "frontend='conv'", "trivial", "search", "memoryless", "1-NN DTW", "MiniRocket"]
    rows = []
    for name in names:
        entry = results["datasets"][name]
        info = entry.get("info", {})
        reg = info.get("task") == "regression"
        length = (f"{info['min_length']}–{info['max_length']}"
                  if info.get("min_length") != info.get("max_length") else f"{info.get('max_length')}")
        shape = f"{info.get('n_train')} / {info.get('n_test')}, {length}, {info.get('n_features')}"
        defaults = entry.get("defaults")
        epochs = "" if defaults is None else \
            "/".join(str(r["n_iter"]) for r in defaults["runs"])
        rows.append([f"{name}{' (R²)' if reg else ''}", shape,
                     cell(defaults, rmse=reg, spread=True), epochs,
                     cell(entry.get("conv"), rmse=reg, spread=True),
                     cell(entry.get("trivial"), rmse=reg), cell(entry.get("search"), rmse=reg),
                     cell(entry.get("memoryless"), rmse=reg),
                     cell(entry.get("dtw"), rmse=reg), cell(entry.get("minirocket"), rmse=reg)])
    return header, rows


def table(results, names=None, fmt="markdown"):
    """The recorded results as a Markdown table, or as an RST ``list-table``."""
    header, rows = table_rows(results, names)
    if fmt == "rst":
        lines = [".. list-table::", "   :header-rows: 1", ""]
        for row in [header, *rows]:
            lines += [f"   * - {row[0]}"] + [f"     - {c}" for c in row[1:]]
        return "\n".join(lines)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def variant_table(results, names=None):
    """Markdown table of the regression sets' defaults, conv and tagged variants: test RMSE
    (mean of the seeds; in brackets, of the seeds' averaged predictions) and the fits that
    warned ``BaselineWarning``."""
    names = [n for n in (names or DATASETS) if n in results["datasets"]
             and results["datasets"][n].get("info", {}).get("task") == "regression"]
    parts = []
    for name in names:
        parts += [p for p in results["datasets"][name]
                  if (p in ("defaults", "conv") or ":" in p) and p not in parts]
    if not parts:
        return ""
    lines = ["| variant | " + " | ".join(f"{n} RMSE" for n in names) + " |",
             "|" + "---|" * (len(names) + 1)]
    trivial = [results["datasets"][n].get("trivial") for n in names]
    lines.append("| trivial (training mean) | " + " | ".join(
        "not run" if t is None else f"{t['rmse']:.4g}" for t in trivial) + " |")
    for part in parts:
        row = []
        for name in names:
            entry = results["datasets"][name].get(part)
            if entry is None:
                row.append("not run")
                continue
            text = f"{entry['rmse']:.4g}"
            if entry.get("ensemble"):
                text += f" ({entry['ensemble']['rmse']:.4g})"
            warned = sum(r.get("baseline_warning", False) for r in entry.get("runs", ()))
            if warned:
                text += f" {warned}W"
            row.append(text)
        params = next((results["datasets"][n][part].get("params") for n in names
                       if part in results["datasets"][n]), None)
        label = f"{part} ({' '.join(params)})" if params else part
        lines.append(f"| {label} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def search_table(results, names=None):
    """Markdown table of what each recorded search found."""
    names = [n for n in (names or DATASETS) if n in results["datasets"]]
    lines = ["| dataset | best parameters | CV score | trials (complete / pruned / failed) "
             "| patch sizes tried | search s | date |", "|" + "---|" * 7]
    for name in names:
        s = results["datasets"][name].get("search")
        if s is None:
            continue
        params = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                           for k, v in s["best_params"].items())
        lines.append(f"| {name} | {params} | {s['best_cv_score']:.3f} | {s['n_trials']} "
                     f"({s['n_complete']} / {s['n_pruned']} / {s['n_failed']}) "
                     f"| {s['patch_choices']} | {s['seconds']:.0f} | {s['date']} |")
    return "\n".join(lines)


def _warned(entry):
    """How many of the recorded fits warned ``BaselineWarning`` (on their own held-out data)."""
    runs = [r for r in entry.get("runs", ()) if "baseline_warning" in r]
    if not runs:
        return ""
    return f"; BaselineWarning in {sum(r['baseline_warning'] for r in runs)} of {len(runs)} fits"


def goals(results, names=None):
    """The two goals, checked on what was recorded (printed, never asserted)."""
    names = [n for n in (names or DATASETS) if n in results["datasets"]]
    lines = []
    for name in names:
        entry = results["datasets"][name]
        d, b = entry.get("defaults"), entry.get("dtw")
        if d is None or b is None or b.get("score") is None:
            lines.append(f"  {name}: defaults >= 1-NN DTW: not measured")
            continue
        ok = d["score"] >= b["score"]
        lines.append(f"  {name}: defaults {d['score']:.3f} vs 1-NN DTW {b['score']:.3f}: "
                     f"{'met' if ok else 'NOT met'} ({100 * (d['score'] - b['score']):+.1f} points)")
    for name in names:
        entry = results["datasets"][name]
        d, tr = entry.get("defaults"), entry.get("trivial")
        if entry.get("info", {}).get("task") != "regression" or d is None or tr is None:
            continue
        ok = d.get("rmse", np.inf) <= tr["rmse"]
        lines.append(f"  {name}: defaults RMSE {d.get('rmse', float('nan')):.4g} vs the mean "
                     f"predictor {tr['rmse']:.4g}: {'met' if ok else 'NOT met'}{_warned(d)}")
        conv = entry.get("conv")
        if conv is not None:
            lines.append(f"    (frontend='conv': RMSE {conv['rmse']:.4g}: "
                         f"{'below' if conv['rmse'] <= tr['rmse'] else 'above'} the mean "
                         f"predictor{_warned(conv)})")
    gaps = []
    for name in names:
        entry = results["datasets"][name]
        if entry.get("info", {}).get("task") != "classification":
            continue
        s, m = entry.get("search"), entry.get("minirocket")
        if s and m and m.get("score") is not None:
            gaps.append((name, 100 * (s["score"] - m["score"])))
    if gaps:
        mean_gap = float(np.mean([g for _, g in gaps]))
        detail = ", ".join(f"{n} {g:+.1f}" for n, g in gaps)
        lines.append(f"  search vs MiniRocket, mean over {len(gaps)} classification set(s) with "
                     f"both: {mean_gap:+.1f} points ({detail}): "
                     f"{'met' if mean_gap >= -2 else 'NOT met'} (goal: >= -2.0)")
    else:
        lines.append("  search vs MiniRocket: not measured (no dataset with both)")
    return "\n".join(lines)


def figure(results, path, names=None):
    """Grouped bars per dataset: defaults, search, memoryless, 1-NN DTW, MiniRocket.

    Error bars are the standard deviation over seeds; negative R² is drawn at 0.
    """
    from matplotlib.figure import Figure

    names = [n for n in (names or DATASETS) if n in results["datasets"]]
    fig = Figure(figsize=(max(6.0, 1.2 * len(names) + 1.5), 4.4), layout="constrained")
    ax = fig.add_subplot()
    order = ("defaults", "search", "memoryless", "dtw", "minirocket")
    width = 0.8 / len(order)
    colors = {"defaults": "tab:green", "search": "tab:olive", "memoryless": "tab:gray",
              "dtw": "tab:blue", "minirocket": "tab:purple"}
    for k, part in enumerate(order):
        for i, name in enumerate(names):
            entry = results["datasets"][name].get(part)
            x = i + (k - (len(order) - 1) / 2) * width
            if entry is None or entry.get("score") is None:
                ax.text(x, 0.02, "n/a" if entry else "n/r", ha="center", va="bottom", fontsize=7,
                        rotation=90)
                continue
            value = max(entry["score"], 0.0)
            ax.bar(x, value, width, color=colors[part], label=LABELS[part] if i == 0 else None,
                   yerr=entry.get("std") or None, capsize=2)
    handles, labels = ax.get_legend_handles_labels()
    shown = [labels.index(LABELS[p]) for p in order if LABELS[p] in labels]
    ax.legend([handles[i] for i in shown], [labels[i] for i in shown], loc="lower center",
              bbox_to_anchor=(0.5, 1.0), ncol=len(order), fontsize=8, frameon=False)
    ax.set_xticks(range(len(names)),
                  [f"{n}\n(R²)" if results["datasets"][n].get("info", {}).get("task") ==
                   "regression" else n for n in names], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("test accuracy (R² for regression)")
    ax.set_xlabel("n/r: not run; n/a: the baseline cannot run on unequal lengths", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


# ---------------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=list(DATASETS),
                        metavar="NAME", help=f"among {', '.join(DATASETS)} (default: all)")
    parser.add_argument("--parts", nargs="+", default=list(PARTS), choices=PARTS,
                        help="what to measure (default: all)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the defaults, the "
                        "memoryless baseline and MiniRocket (default: 3)")
    parser.add_argument("--trials", type=int, default=20, help="Optuna trials (default: 20)")
    parser.add_argument("--search-timeout", type=float, default=None,
                        help="seconds after which the search starts no new trial")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 seed, 3 trials, "
                        "max_epochs=20 (figures not comparable; recorded as quick)")
    parser.add_argument("--results", default="real_data_results.json",
                        help="JSON file the measurements are merged into ('' for none)")
    parser.add_argument("--figure", default=None, help="write the bar chart to this PNG")
    parser.add_argument("--rst", action="store_true", help="print the table as RST")
    parser.add_argument("--report", action="store_true",
                        help="run nothing: print the table (and figure) of --results")
    parser.add_argument("--params", nargs="+", default=None, metavar="KEY=VALUE",
                        help="a variant: estimator parameters added to the defaults and conv "
                        "parts (optimizer=AdamW names torch.optim.AdamW); needs --tag")
    parser.add_argument("--tag", default=None, help="the variant's name: its parts are "
                        "recorded as 'PART:TAG' (listed apart, never in the main table)")
    parser.add_argument("--baselines", default=None, metavar="PATH",
                        help="a second record whose parts fill those --results lacks, in the "
                        "report only (e.g. 1-NN DTW from an earlier run)")
    args = parser.parse_args(argv)
    if bool(args.params) != bool(args.tag):
        parser.error("--params and --tag go together")
    extra = parse_params(args.params)

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)
    seeds = list(range(1 if args.quick else args.seeds))
    n_trials = 3 if args.quick else args.trials
    max_epochs = 20 if args.quick else None
    results = read_results(args.results)

    if not args.report:
        try:
            import aeon  # noqa: F401

            have_aeon = True
        except ImportError:
            have_aeon = False
            status("aeon is not installed (pip install -e .[bench]): 1-NN DTW and MiniRocket "
                   "are not run")
        settings = {"quick": bool(args.quick), **provenance()}
        total = time.perf_counter()
        for name in args.datasets:
            start = time.perf_counter()
            data = load(name)
            info = data[-1]
            status(f"== {name}: {info}")
            results = record(args.results, results, name, "info", info, {})
            for part in args.parts:
                part_start = time.perf_counter()
                if part in ("dtw", "minirocket") and not have_aeon:
                    continue
                status(f" {name}: {part}...")
                if args.tag and part not in ("defaults", "conv"):
                    continue
                if part == "defaults":
                    value = run_estimators("rnn", data, seeds, max_epochs, extra)
                elif part == "conv":
                    value = run_estimators("conv", data, seeds, max_epochs, extra)
                elif part == "trivial":
                    value = run_trivial(data)
                elif part == "memoryless":
                    value = run_estimators("memoryless", data, seeds, max_epochs)
                elif part == "dtw":
                    value = run_dtw(data)
                elif part == "minirocket":
                    value = run_minirocket(data, seeds)
                else:
                    value = run_search(data, n_trials, max_epochs, args.search_timeout)
                value["seconds"] = round(time.perf_counter() - part_start, 1)
                setting = {"seeds": seeds} if part != "search" else {"trials": n_trials}
                if args.tag:
                    setting["params"] = list(args.params)
                results = record(args.results, results, name,
                                 f"{part}:{args.tag}" if args.tag else part, value,
                                 {**settings, **setting})
                shown = "–" if value.get("score") is None else f"{value['score']:.4f}"
                status(f" {name}: {part} = {shown} ({value['seconds']:.1f} s)")
            print(f"{name}: {time.perf_counter() - start:.1f} s", flush=True)
        print(f"total: {time.perf_counter() - total:.1f} s", flush=True)

    if args.baselines:
        for name, entry in read_results(args.baselines)["datasets"].items():
            for part, value in entry.items():
                results["datasets"].setdefault(name, {}).setdefault(part, value)
    print()
    print(table(results, fmt="rst" if args.rst else "markdown"))
    print()
    print(variant_table(results))
    print()
    print(search_table(results))
    print()
    print("Goals (printed, not asserted):")
    print(goals(results))
    if args.figure:
        print(f"figure: {figure(results, args.figure)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
