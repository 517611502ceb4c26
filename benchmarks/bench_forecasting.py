"""Forecasting real series: RNNForecaster (defaults and a small search) against classical methods.

Every shipped forecasting series (airline, shampoo sales, US consumption) is split
chronologically: the model is fitted on all but the last ``h`` periods and forecasts them in
closed loop. Next to it, in the same run and on the same split, statsmodels' seasonal naive,
Holt-Winters (exponential smoothing) and SARIMA forecasts. The RNNForecaster rows are its
defaults (mean of ``--seeds`` seeds) and the best of a ``--trials``-trial Optuna search, each
trial scored by the closed-loop error of a backtest on the training part only
(:func:`seqestimators.forecasting.backtest`: one origin, the last ``h`` training periods), then
refitted on the whole training part.

Needs the ``bench`` extra (statsmodels); run::

    python benchmarks/bench_forecasting.py [--seeds 3] [--trials 20]

Goals printed at the end: on the airline series the defaults beat Holt-Winters at 12 and 24
months (RMSE <= 15.8 and <= 32.5), and the defaults are ahead of seasonal naive on every series.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from seqestimators import RNNForecaster  # noqa: E402
from seqestimators.datasets import load_airline, load_shampoo_sales, load_uschange  # noqa: E402
from seqestimators.forecasting import backtest  # noqa: E402

# series name -> (loader, horizons, target column, seasonal period, classical set-up)
SERIES = {
    "airline": (load_airline, (12, 24), "passengers", 12, "multiplicative"),
    "shampoo": (load_shampoo_sales, (12,), "sales", 1, "additive"),
    "uschange": (load_uschange, (8,), "consumption", 4, "none"),
}

GOALS = {("airline", 12): 15.8, ("airline", 24): 32.5}


def status(text):
    print(text, file=sys.stderr, flush=True)


def rmse(a, b):
    return float(np.sqrt(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2)))


def classical(y_train, h, m, kind):
    """Seasonal naive, Holt-Winters and SARIMA forecasts of the next ``h`` periods."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    values = y_train.to_numpy(dtype=float)
    season = max(m, 1)
    naive = np.array([values[len(values) - season + (j % season)] for j in range(h)])
    out = {"seasonal naive": naive}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "multiplicative":
            hw = ExponentialSmoothing(values, trend="add", seasonal="mul",
                                      seasonal_periods=m).fit()
            sarima = SARIMAX(np.log(values), order=(0, 1, 1),
                             seasonal_order=(0, 1, 1, m)).fit(disp=False)
            out["Holt-Winters"] = hw.forecast(h)
            out["SARIMA"] = np.exp(sarima.forecast(h))
        elif kind == "additive":
            hw = ExponentialSmoothing(values, trend="add").fit()
            sarima = SARIMAX(values, order=(1, 1, 1), trend="t").fit(disp=False)
            out["Holt-Winters"] = hw.forecast(h)
            out["SARIMA"] = sarima.forecast(h)
        else:
            hw = ExponentialSmoothing(values).fit()
            sarima = SARIMAX(values, order=(1, 0, 0), trend="c").fit(disp=False)
            out["Holt-Winters"] = hw.forecast(h)
            out["SARIMA"] = sarima.forecast(h)
    return out


def load(name):
    loader, horizons, target, m, kind = SERIES[name]
    series = loader().series
    return series, horizons, target, m, kind


def forecast_rnn(params, series, h, target, seed):
    """Fit on all but the last h periods, forecast them; returns (forecast, estimator)."""
    train, test = series.iloc[:-h], series.iloc[-h:]
    est = RNNForecaster(random_state=seed, **params)
    if isinstance(series, pd.DataFrame):
        est.set_params(target=target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(train)
        if isinstance(series, pd.DataFrame):
            exo = [c for c in series.columns if c != target]
            forecast = est.forecast(train, h, exogenous=test[exo])[target]
        else:
            forecast = est.forecast(train, h)
    return forecast.to_numpy(dtype=float), est


def search(series, h, target, n_trials, seed=0):
    """Optuna search scored by a one-origin backtest inside the training part."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    train = series.iloc[:-h]

    def objective(trial):
        params = {
            "hidden_size": trial.suggest_categorical("hidden_size", [8, 16, 32, 64]),
            "lr": trial.suggest_float("lr", 3e-3, 3e-2, log=True),
            "window_norm": trial.suggest_categorical("window_norm", ["auto", "revin", "mean"]),
            "seasonal_inputs": trial.suggest_categorical("seasonal_inputs", [True, False]),
            "max_epochs": trial.suggest_categorical("max_epochs", [50, 100]),
        }
        est = RNNForecaster(random_state=seed, **params)
        if isinstance(series, pd.DataFrame):
            est.set_params(target=target)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = backtest(est, train, horizon=h, cv=1)
        return float(np.sqrt(np.mean(frame["error"] ** 2)))

    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, n_trials=n_trials)
    return study.best_params


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--series", nargs="*", default=list(SERIES))
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    rows = []
    start = time.perf_counter()
    for name in args.series:
        series, horizons, target, m, kind = load(name)
        y = series[target] if isinstance(series, pd.DataFrame) else series
        best = None
        if args.trials:
            h0 = horizons[0]
            status(f"{name}: {args.trials}-trial search (backtest on the training part, "
                   f"h={h0}) ...")
            best = search(series, h0, target, args.trials)
            status(f"{name}: best {best}")
        for h in horizons:
            actual = y.iloc[-h:].to_numpy(dtype=float)
            for method, forecast in classical(y.iloc[:-h], h, m, kind).items():
                rows.append((name, h, method, rmse(forecast, actual)))
            status(f"{name}, h={h}: RNNForecaster defaults, {args.seeds} seeds ...")
            errors = []
            for seed in range(args.seeds):
                forecast, est = forecast_rnn({}, series, h, target, seed)
                errors.append(rmse(forecast, actual))
            rows.append((name, h, "RNNForecaster (defaults)", float(np.mean(errors))))
            rows.append((name, h, "  min / max over seeds",
                         f"{min(errors):.3g} / {max(errors):.3g}"))
            if best is not None:
                forecast, _ = forecast_rnn(best, series, h, target, 0)
                rows.append((name, h, f"RNNForecaster (search, {args.trials} trials)",
                             rmse(forecast, actual)))
    elapsed = time.perf_counter() - start
    table = pd.DataFrame(rows, columns=["series", "h", "method", "RMSE"])
    print(f"Closed-loop RMSE on the last h periods (RNNForecaster defaults: mean of "
          f"{args.seeds} seeds), {elapsed:.0f} s")
    shown = table.assign(RMSE=[f"{v:.3g}" if isinstance(v, float | np.floating) else v
                               for v in table["RMSE"]])
    print(shown.to_string(index=False))

    def value(name, h, method):
        hit = table[(table.series == name) & (table.h == h) & (table.method == method)]
        return float(hit["RMSE"].iloc[0])

    print("\nGoals:")
    ok_all = True
    for (name, h), goal in GOALS.items():
        if name not in args.series:
            continue
        got = value(name, h, "RNNForecaster (defaults)")
        ok = got <= goal
        ok_all &= ok
        print(f"  {name} h={h}: defaults {got:.3g} <= {goal} (Holt-Winters): "
              f"{'met' if ok else f'NOT met, {got - goal:+.3g} off'}")
    for name in args.series:
        for h in SERIES[name][1]:
            got = value(name, h, "RNNForecaster (defaults)")
            naive = value(name, h, "seasonal naive")
            ok = got < naive
            ok_all &= ok
            print(f"  {name} h={h}: defaults {got:.3g} < seasonal naive {naive:.3g}: "
                  f"{'met' if ok else 'NOT met'}")
    print("all goals met" if ok_all else "some goals are not met (see above)")
    if not ok_all:
        print("Why, where a goal is missed: a series is a few dozen windows (airline: 72 at "
              "h=12), and the seeds disagree (see min / max); shampoo's 23 training pairs "
              "give nine 9 + 6-month windows (the short-series window); uschange is mostly "
              "noise around its mean, where any dynamic forecast loses to a flat one.")
    return table


if __name__ == "__main__":
    main()
