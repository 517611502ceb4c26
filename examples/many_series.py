"""Many short series, one global model: the 181 yearly series of the M1 competition.

A panel of short yearly series (15 to 58 years each), on scales from tens to tens of millions,
is too short series by series for a recurrent network, and a network fitted to the raw values
of all of them at once forecasts every series on the scale of the largest. ``RNNForecaster``
fitted on the **list** of series instead:

- learns one network from windows drawn across all series; a series shorter than a window is
  left-padded and its padding kept out of the loss;
- reads every window on its own scale (the log of the values, normalized by the window's own
  context), so a series around 50 and one around 10^7 are the same problem to the network;
- forecasts relative to a baseline inside the model (``baseline="auto"``: the last value for a
  panel), with the read-out starting at zero, so an untrained network forecasts exactly the
  naive forecast and training moves away from it only where the windows say so;
- forecasts an 80 % interval beside the point (``quantiles=[0.1, 0.9]``: a quantile read-out
  trained with the pinball loss, its bands calibrated on the last years of each series).

The script holds out the last 6 years of every series, fits the defaults on the rest, and
scores the forecasts with sMAPE and MASE against the naive forecast (the last value repeated)
and a random walk with drift, reports how often the held-out years fall inside the 80 %
interval, then plots six series with their forecasts and intervals.

Run: ``python examples/many_series.py [--output many_series_output]`` (one to two minutes on 2 CPU
cores).
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
from seqestimators.datasets import load_m1_yearly
from seqestimators.plotting import save_figure

HORIZON = 6


def status(text):
    """Say on stderr what runs now, so that a long step is never silent."""
    print(text, file=sys.stderr, flush=True)


def smape(forecast, actual):
    forecast, actual = np.asarray(forecast, float), np.asarray(actual, float)
    return float(np.mean(200 * np.abs(forecast - actual) / (np.abs(forecast) + np.abs(actual))))


def mase(forecast, actual, history):
    scale = np.mean(np.abs(np.diff(np.asarray(history, float))))
    return float(np.mean(np.abs(np.asarray(forecast, float) - np.asarray(actual, float))) / scale)


def baselines(history):
    last = float(history.iloc[-1])
    drift = (last - float(history.iloc[0])) / (len(history) - 1)
    return {"naive": np.full(HORIZON, last),
            "drift": last + drift * np.arange(1, HORIZON + 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="many_series_output", help="folder for the plot")
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    full = load_m1_yearly().series                     # every year of every series
    train = [s.iloc[:-HORIZON] for s in full]
    test = [s.iloc[-HORIZON:] for s in full]
    status(f"fitting one RNNForecaster on {len(train)} series of {min(map(len, train))} to "
           f"{max(map(len, train))} years")
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = RNNForecaster(quantiles=[0.1, 0.9], random_state=args.random_state).fit(train)
        frames = est.forecast(train, HORIZON)             # point, q0.1 and q0.9 columns
    forecasts = [frame.iloc[:, 0] for frame in frames]
    seconds = time.perf_counter() - start

    rows = []
    for history, actual, forecast in zip(train, test, forecasts):
        methods = {"RNNForecaster": forecast.to_numpy(), **baselines(history)}
        rows += [{"method": name, "sMAPE": smape(values, actual),
                  "MASE": mase(values, actual, history)} for name, values in methods.items()]
    table = pd.DataFrame(rows).groupby("method", sort=False).mean().round(3)
    print(f"M1 yearly, {len(train)} series, the last {HORIZON} years held out "
          f"(fit and forecast: {seconds:.0f} s; context {est.context_length_}, "
          f"window norm {est.window_norm_}, transform {est.transform_})")
    print(table.to_string())
    inside = [(a >= f["q0.1"].to_numpy()) & (a <= f["q0.9"].to_numpy())
              for f, a in zip(frames, (t.to_numpy() for t in test))]
    print(f"80 % interval: covers {np.mean(inside):.0%} of the held-out years "
          f"(band spread calibrated to {est.quantile_spread_:.2f}x the learned one)")

    fig = Figure(figsize=(11, 6), layout="constrained")
    axes = fig.subplots(2, 3).ravel()
    for ax, i in zip(axes, np.linspace(0, len(full) - 1, len(axes)).astype(int)):
        years = full[i].index.to_timestamp()
        ax.plot(years, full[i].to_numpy(), color="0.3", label="actual")
        ax.fill_between(years[-HORIZON:], frames[i]["q0.1"], frames[i]["q0.9"], color="C1",
                        alpha=0.25, lw=0, label="80 % interval")
        ax.plot(years[-HORIZON:], forecasts[i].to_numpy(), color="C1", marker="o", ms=3,
                label="RNNForecaster")
        ax.plot(years[-HORIZON:], baselines(train[i])["naive"], color="C0", ls="--",
                label="naive")
        ax.set_title(f"series {i + 1}", fontsize=9)
    axes[0].legend(fontsize=8)
    fig.suptitle("M1 yearly: one global model over 181 series (last 6 years held out)")
    path = save_figure(fig, Path(args.output) / "many_series.png")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
