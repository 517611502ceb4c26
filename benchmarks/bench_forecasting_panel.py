"""Many series and short series: one global RNNForecaster against per-series classical methods.

Panels (all offline): a synthetic panel of short yearly series on very different scales (the
shape of a yearly competition panel: levels 50..1e7, trend, noise, 15-60 values each),
statsmodels' macrodata columns as quarterly series of different scales, the shipped M1
yearly panel (181 series of 15..58 years, the issue's panel), and single series
(sunspots' last 114 years, nile, the shipped airline, shampoo and uschange series). The last
``h`` values of every series are held out; ``RNNForecaster`` is fitted once on the list of the
training parts (one global model) and forecasts each series; next to it, in the same run,
statsforecast's Naive, SeasonalNaive, RandomWalkWithDrift, HistoricAverage, AutoETS (damped
allowed), AutoTheta (and AutoARIMA with ``--arima``) fitted per series.

Metrics: sMAPE (0..200) and MASE (scaled by the in-sample seasonal naive error) per series,
averaged over the panel; RMSE for single series; the coverage of the interval between the
lowest and highest quantile when the model returns quantiles (``--variant
q='{"quantiles": [0.1, 0.5, 0.9]}'``: the 80 % interval).

Needs statsforecast and statsmodels; run::

    OMP_NUM_THREADS=1 python benchmarks/bench_forecasting_panel.py [--quick] [--seeds 0 1]
        [--panels synthetic macro] [--variant name='{"window_norm": "revin"}']

Goals printed at the end: on every panel the RNN is no worse (mean sMAPE) than the better of
Naive and SeasonalNaive; on the many-series panels at least as accurate as AutoETS and ahead
of the neural peer's defaults (``--peer`` results of ``bench_neural_peer.py``); on sunspots it
beats the training mean (RMSE); with quantiles, the interval's coverage next to its level.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def status(text):
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- panels
def synthetic_panel(n_series=200, random_state=0):
    """Short yearly series on scales 50..1e7: level x growth x AR(1) noise, 15..60 values."""
    rng = np.random.default_rng(random_state)
    series = []
    for i in range(n_series):
        n = int(rng.integers(15, 61))
        level = float(np.exp(rng.uniform(np.log(50), np.log(1e7))))
        growth = rng.normal(0.03, 0.04)
        sd = rng.uniform(0.02, 0.1)
        noise = np.zeros(n)
        for t in range(1, n):
            noise[t] = 0.7 * noise[t - 1] + rng.normal(0, sd)
        values = level * np.exp(growth * np.arange(n) + noise)
        index = pd.period_range(str(2020 - n), periods=n, freq="Y")
        series.append(pd.Series(values, index=index, name=f"S{i}"))
    return series


def macro_panel():
    import statsmodels.api as sm

    data = sm.datasets.macrodata.load_pandas().data
    index = pd.period_range("1959Q1", periods=len(data), freq="Q")
    columns = [c for c in data.columns if c not in ("year", "quarter")]
    return [pd.Series(data[c].to_numpy(float), index=index, name=c) for c in columns]


def sunspots():
    import statsmodels.api as sm

    data = sm.datasets.sunspots.load_pandas().data.iloc[-114:]
    index = pd.period_range(str(int(data["YEAR"].iloc[0])), periods=len(data), freq="Y")
    return [pd.Series(data["SUNACTIVITY"].to_numpy(float), index=index, name="sunspots")]


def nile():
    import statsmodels.api as sm

    data = sm.datasets.nile.load_pandas().data
    index = pd.period_range(str(int(data["year"].iloc[0])), periods=len(data), freq="Y")
    return [pd.Series(data["volume"].to_numpy(float), index=index, name="nile")]


def m1_yearly():
    from seqestimators.datasets import load_m1_yearly

    return list(load_m1_yearly().series)


def shipped(name):
    from seqestimators.datasets import load_airline, load_shampoo_sales, load_uschange

    if name == "airline":
        return [load_airline().series.rename("airline")]
    if name == "shampoo":
        return [load_shampoo_sales().series.rename("shampoo")]
    return [load_uschange().series["consumption"].rename("uschange")]


# name -> (loader(quick), h, season length m)
PANELS = {
    "synthetic": (lambda quick: synthetic_panel(60 if quick else 200), 6, 1),
    "macro": (lambda quick: macro_panel(), 8, 4),
    "m1": (lambda quick: m1_yearly(), 6, 1),
    "sunspots": (lambda quick: sunspots(), 14, 1),
    "nile": (lambda quick: nile(), 10, 1),
    "airline": (lambda quick: shipped("airline"), 12, 12),
    "shampoo": (lambda quick: shipped("shampoo"), 12, 1),
    "uschange": (lambda quick: shipped("uschange"), 8, 4),
}


# ---------------------------------------------------------------------------- metrics
def smape(f, a):
    f, a = np.asarray(f, float), np.asarray(a, float)
    den = np.abs(f) + np.abs(a)
    return float(np.mean(np.where(den > 0, 200 * np.abs(f - a) / np.where(den > 0, den, 1), 0)))


def mase(f, a, train, m):
    train = np.asarray(train, float)
    m = m if len(train) > m + 1 else 1
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    return float(np.mean(np.abs(np.asarray(f, float) - a)) / max(scale, 1e-12))


def rmse(f, a):
    return float(np.sqrt(np.mean((np.asarray(f, float) - np.asarray(a, float)) ** 2)))


def scores(forecasts, trains, tests, m, lower=None, upper=None):
    rows = [(smape(f, a), mase(f, a, tr, m), rmse(f, a))
            for f, tr, a in zip(forecasts, trains, tests)]
    out = dict(zip(("sMAPE", "MASE", "RMSE"), np.mean(rows, axis=0)))
    if lower is not None:
        inside = [np.mean((a >= lo) & (a <= up)) for a, lo, up in zip(tests, lower, upper)]
        out["cover80"] = float(np.mean(inside))
    return out


# ---------------------------------------------------------------------------- methods
def classical(trains, h, m, arima=False):
    """statsforecast's per-series models: name -> list of forecasts."""
    from statsforecast import StatsForecast
    from statsforecast.models import (
        AutoARIMA,
        AutoETS,
        AutoTheta,
        HistoricAverage,
        Naive,
        RandomWalkWithDrift,
        SeasonalNaive,
    )

    frames = [pd.DataFrame({"unique_id": str(i), "ds": np.arange(len(t)), "y": t})
              for i, t in enumerate(trains)]
    df = pd.concat(frames, ignore_index=True)
    models = [Naive(), SeasonalNaive(season_length=m), RandomWalkWithDrift(),
              HistoricAverage(), AutoETS(season_length=m), AutoTheta(season_length=m)]
    if arima:
        models.append(AutoARIMA(season_length=m))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sf = StatsForecast(models=models, freq=1, n_jobs=1)
        fc = sf.forecast(df=df, h=h)
    names = [c for c in fc.columns if c not in ("unique_id", "ds")]
    out = {}
    for name in names:
        out[name] = [fc.loc[fc["unique_id"] == str(i), name].to_numpy(float)
                     for i in range(len(trains))]
    return out


def rnn(params, trains_pd, h, seed):
    """One global RNNForecaster on the list of training series; forecasts and seconds."""
    from seqestimators import RNNForecaster

    start = time.perf_counter()
    est = RNNForecaster(random_state=seed, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(trains_pd if len(trains_pd) > 1 else trains_pd[0])
        out = est.forecast(trains_pd, h)
    seconds = time.perf_counter() - start
    lower = upper = None
    if isinstance(out[0], pd.DataFrame):  # the point column, then one column per level
        levels = est.quantiles_
        lower = [o[f"q{levels[0]:g}"].to_numpy(float) for o in out]
        upper = [o[f"q{levels[-1]:g}"].to_numpy(float) for o in out]
        forecasts = [o.iloc[:, 0].to_numpy(float) for o in out]
    else:
        forecasts = [np.asarray(o, float) for o in out]
    info = {k: getattr(est, k, None) for k in ("context_length_", "horizon_", "window_norm_",
                                               "transform_", "baseline_", "n_iter_")}
    return forecasts, seconds, lower, upper, info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 synthetic series, 1 seed")
    parser.add_argument("--seeds", type=int, nargs="*", default=None)
    parser.add_argument("--panels", nargs="*", default=list(PANELS))
    parser.add_argument("--variant", action="append", default=[],
                        help="name=JSON of RNNForecaster parameters (default: the defaults)")
    parser.add_argument("--arima", action="store_true")
    parser.add_argument("--no-classical", action="store_true")
    parser.add_argument("--no-defaults", action="store_true",
                        help="only the --variant rows, not the defaults")
    parser.add_argument("--peer", nargs="*", default=[],
                        help="JSON results of bench_neural_peer.py (--results): the neural "
                             "peer's goal is printed for the panels they hold")
    args = parser.parse_args(argv)
    seeds = args.seeds if args.seeds is not None else ([0] if args.quick else [0, 1, 2])
    variants = {} if args.no_defaults else {"RNN defaults": {}}
    for spec in args.variant:
        name, _, params = spec.partition("=")
        variants[name] = json.loads(params)

    import torch

    torch.set_num_threads(1)
    rows = []
    n_series = {}
    start = time.perf_counter()
    for panel in args.panels:
        loader, h, m = PANELS[panel]
        series = loader(args.quick)
        n_series[panel] = len(series)
        trains_pd = [s.iloc[:-h] for s in series]
        trains = [s.to_numpy(float) for s in trains_pd]
        tests = [s.iloc[-h:].to_numpy(float) for s in series]
        status(f"{panel}: {len(series)} series, h={h}, m={m}")
        if not args.no_classical:
            t0 = time.perf_counter()
            for name, fc in classical(trains, h, m, args.arima).items():
                rows.append({"panel": panel, "method": name, "seeds": "",
                             **scores(fc, trains, tests, m)})
            status(f"  classical: {time.perf_counter() - t0:.0f} s")
        for name, params in variants.items():
            per_seed = []
            for seed in seeds:
                fc, sec, lo, up, info = rnn(params, trains_pd, h, seed)
                per_seed.append({**scores(fc, trains, tests, m, lo, up), "s": sec})
                status(f"  {name} seed {seed}: sMAPE {per_seed[-1]['sMAPE']:.2f} "
                       f"MASE {per_seed[-1]['MASE']:.3f} RMSE {per_seed[-1]['RMSE']:.4g} "
                       f"({sec:.0f} s) {info}")
            mean = pd.DataFrame(per_seed).mean().to_dict()
            spread = pd.DataFrame(per_seed)["sMAPE"]
            rows.append({"panel": panel, "method": name, "seeds": len(seeds), **mean,
                         "sMAPE min/max": f"{spread.min():.2f}/{spread.max():.2f}"})
    table = pd.DataFrame(rows)
    print(f"Mean over series (RNN rows: mean over seeds {seeds}), "
          f"{time.perf_counter() - start:.0f} s")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    runs = {}  # (panel, model) -> [(mean sMAPE, seeds)], over every peer results file
    for path in args.peer:
        with open(path) as f:
            for row in json.load(f):
                if row["method"].startswith(("NHITS", "LSTM")):
                    runs.setdefault((row["panel"], row["method"]), []).append(
                        (float(row["sMAPE"]), int(row.get("seeds") or 1)))
    peers = {}
    for (panel, model), parts in runs.items():
        weight = sum(n for _, n in parts)
        peers.setdefault(panel, {})[model] = sum(v * n for v, n in parts) / weight
    print("\nGoals:")
    for panel in args.panels:
        sub = table[table.panel == panel]
        naive = sub[sub.method.isin(["Naive", "SeasonalNaive"])]["sMAPE"]
        if naive.empty:
            continue
        for name in variants:
            got = float(sub[sub.method == name]["sMAPE"].iloc[0])
            ok = got <= naive.min() + 1e-9
            print(f"  {panel}: {name} sMAPE {got:.2f} <= best naive {naive.min():.2f}: "
                  f"{'met' if ok else 'NOT met'}")
        ets = sub[sub.method == "AutoETS"]["sMAPE"]
        for name in variants:
            got = float(sub[sub.method == name]["sMAPE"].iloc[0])
            if n_series[panel] > 1 and not ets.empty:
                print(f"  {panel}: {name} sMAPE {got:.2f} <= AutoETS {float(ets.iloc[0]):.2f}: "
                      f"{'met' if got <= float(ets.iloc[0]) + 1e-9 else 'NOT met'}")
            if n_series[panel] > 1 and panel in peers:
                best, score = min(peers[panel].items(), key=lambda item: item[1])
                print(f"  {panel}: {name} sMAPE {got:.2f} < neural peer ({best}) {score:.2f}: "
                      f"{'met' if got < score else 'NOT met'}")
            cover = sub[sub.method == name].get("cover80")
            if cover is not None and np.isfinite(float(cover.iloc[0])):
                print(f"  {panel}: {name} coverage of the interval {float(cover.iloc[0]):.2f} "
                      "(its level: 0.80 for quantiles 0.1 and 0.9)")
        if panel == "sunspots":
            mean_rmse = float(sub[sub.method == "HistoricAverage"]["RMSE"].iloc[0])
            for name in variants:
                got = float(sub[sub.method == name]["RMSE"].iloc[0])
                print(f"  sunspots: {name} RMSE {got:.1f} < training mean {mean_rmse:.1f}: "
                      f"{'met' if got < mean_rmse else 'NOT met'}")
    return table


if __name__ == "__main__":
    main()
