"""Forecasting a real series: the airline passengers, learned from windows of one series.

The airline series (Box & Jenkins, monthly, 1949-1960) is a single sequence of 144 values.
Trained on as a whole, every epoch would be one optimizer step on one example, and the network
would have to extrapolate a level it has never seen. ``RNNForecaster().fit(series)`` instead:

- draws many windows from the series (36 observed months, then 24 forecast in closed loop),
  at fresh offsets every epoch (``context_length``, ``horizon``: "auto" from the monthly index);
- learns the logarithm of the series (a multiplicative season and growth become additive) and
  normalizes every window by the mean of its observed part (``transform``, ``window_norm``);
- reads, at every month, the change of the same month a year before (``seasonal_inputs``).

The script fits the defaults on all but the last 24 months, forecasts them, compares with the
seasonal naive forecast (the same month a year before), runs an expanding-window backtest
(``seqestimators.forecasting.backtest``: three origins, 12 months ahead) and plots the
forecasts with the actual values.

Run: ``python examples/airline_forecast.py [--output airline_forecast_output]`` (about a minute
on 2 CPU cores).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from seqestimators import RNNForecaster
from seqestimators.datasets import load_airline
from seqestimators.forecasting import backtest
from seqestimators.plotting import save_figure

HORIZON = 24


def status(text):
    """Say on stderr what runs now, so that a long step is never silent."""
    print(text, file=sys.stderr, flush=True)


def rmse(forecast, actual):
    return float(np.sqrt(np.mean((np.asarray(forecast) - np.asarray(actual)) ** 2)))


def run(random_state=0, n_origins=3):
    """Fit, forecast and backtest; returns the table, the forecasts and the backtest frame."""
    y = load_airline().series
    train, test = y.iloc[:-HORIZON], y.iloc[-HORIZON:]
    status(f"fitting RNNForecaster (defaults) on {train.index[0]}..{train.index[-1]} "
           f"({len(train)} months) ...")
    start = time.perf_counter()
    est = RNNForecaster(random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a ConvergenceWarning at max_epochs is expected
        est.fit(train)
    seconds = time.perf_counter() - start
    status(f"  windows of {est.context_length_} + {est.horizon_} months, "
           f"transform={est.transform_!r}, window_norm={est.window_norm_!r}, "
           f"{est.n_iter_} epochs in {seconds:.0f} s")
    forecast = est.forecast(train, HORIZON)
    naive = pd.Series(np.tile(train.iloc[-12:].to_numpy(), HORIZON // 12), index=test.index)
    rows = []
    for h in (12, 24):
        rows.append({"horizon (months)": h,
                     "RNNForecaster": rmse(forecast.iloc[:h], test.iloc[:h]),
                     "seasonal naive": rmse(naive.iloc[:h], test.iloc[:h])})
    table = pd.DataFrame(rows)
    status(f"backtest: {n_origins} origins, 12 months ahead, refitted at each ...")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = backtest(RNNForecaster(random_state=random_state), y, horizon=12,
                         cv=n_origins)
    return table, {"train": train, "test": test, "forecast": forecast, "naive": naive}, frame


def plot_forecast(series):
    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    train, test = series["train"], series["test"]
    ax.plot(train.index.to_timestamp(), train.to_numpy(), color="0.3", label="observed")
    ax.plot(test.index.to_timestamp(), test.to_numpy(), color="black", ls="--",
            label="actual (held out)")
    ax.plot(test.index.to_timestamp(), series["naive"].to_numpy(), color="tab:gray", alpha=0.7,
            label="seasonal naive")
    ax.plot(test.index.to_timestamp(), series["forecast"].to_numpy(), color="tab:red", lw=2,
            label="RNNForecaster (closed loop)")
    ax.set_xlabel("month")
    ax.set_ylabel("passengers (thousands)")
    ax.set_title("Airline passengers: 24 months forecast from the series up to 1958")
    ax.legend(loc="upper left")
    return fig


def plot_backtest(y, frame):
    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    tail = y.iloc[-(len(frame) + 24):]
    ax.plot(tail.index.to_timestamp(), tail.to_numpy(), color="black", label="actual")
    for origin, part in frame.groupby("origin", sort=True):
        periods = pd.PeriodIndex(part["period"]).to_timestamp()
        ax.plot(periods, part["forecast"], lw=2, label=f"forecast from {origin}")
    ax.set_xlabel("month")
    ax.set_ylabel("passengers (thousands)")
    ax.set_title("Backtest: refitted at each origin, 12 months ahead")
    ax.legend(loc="upper left")
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=Path("airline_forecast_output"))
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    table, series, frame = run(random_state=args.random_state)
    print("Closed-loop RMSE on the held-out months (1959-1960), thousands of passengers:")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    scores = frame.assign(sq=frame["error"] ** 2).groupby("origin")["sq"].mean() ** 0.5
    print("\nBacktest RMSE per origin (12 months ahead):")
    print(scores.rename("RMSE").to_string(float_format=lambda v: f"{v:.1f}"))
    y = load_airline().series
    for name, fig in [("airline_forecast.png", plot_forecast(series)),
                      ("airline_backtest.png", plot_backtest(y, frame))]:
        save_figure(fig, args.output / name)
        status(f"wrote {args.output / name}")
    return table, frame


if __name__ == "__main__":
    main()
