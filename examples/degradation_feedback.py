"""Durability with output feedback: teacher forcing, free running and scheduled sampling.

The degradation-curve question ("feed output to input"): a material's durability decays under
temperature and humidity; the previous durability should be an input, but at prediction time
only the initial value is known. Copying each prediction into the next row of the input tensor
by hand breaks ``loss.backward()`` ("Method 1"); filling the column with the true previous
durability ("Method 2") trains, but the model never sees its own errors -- and then drifts in
closed loop.

``make_degradation`` gives ``X[t] = (temperature, humidity, previous durability)`` and
``y[t] = durability[t]``. ``RNNForecaster(feedback=[2])`` feeds its own previous prediction
into feature 2 and ``forecast(X[:, :1], n, exogenous=future_temperature_and_humidity)``
predicts the whole curve from the initial durability. Trained with

- ``training="teacher_forcing"``: Method 2, feature 2 holds the true previous durability;
- ``training="free_running"``: feature 2 holds the model's previous prediction, gradients
  flowing through it (Method 1 done right);
- ``training="scheduled"``: scheduled sampling (Bengio et al. 2015), the prediction replaces
  the truth with a probability that rises over the epochs,

the script prints a table of one-step and closed-loop errors on fresh sequences (mean over
three seeds) and plots the closed-loop curves and the error against the forecast horizon.

Run: ``python examples/degradation_feedback.py [--output degradation_output]`` (about a
minute on 2 CPU cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from seqestimators import RNNForecaster
from seqestimators.datasets import make_degradation
from seqestimators.plotting import save_figure


def status(text):
    """Say on stderr what runs now, so that a long step is never silent."""
    print(text, file=sys.stderr, flush=True)

def models(max_epochs):
    return {
        "teacher forcing": dict(training="teacher_forcing"),
        "free running": dict(training="free_running"),
        "scheduled, linear": dict(training="scheduled", schedule="linear",
                                  schedule_k=max_epochs / 2),
        "scheduled, inverse sigmoid": dict(training="scheduled", schedule="inverse_sigmoid",
                                           schedule_k=max_epochs / 6),
    }


def closed_loop(est, X):
    """The whole durability curve from the initial value and the environment alone."""
    return est.forecast(X[:, :1], X.shape[1] - 1, exogenous=X[:, 1:, :2], include_prefix=True)


def run(n_train=128, n_test=100, n_timesteps=60, max_epochs=30, seeds=(0, 1, 2)):
    """Fit one forecaster per training mode and seed; score one-step and closed-loop errors.

    Returns
    -------
    table : DataFrame
        One row per training mode: mean and standard deviation over the seeds.
    curves : dict
        The closed-loop curves ``(n_test, n_timesteps)`` of the first seed, by training mode.
    test : tuple of ndarray
        The fresh sequences ``(X, y)``.
    """
    X, y = make_degradation(n_train, n_timesteps, random_state=0, return_X_y=True)
    X_test, y_test = make_degradation(n_test, n_timesteps, random_state=1, return_X_y=True)
    rows, curves = [], {}
    for name, params in models(max_epochs).items():
        status(f"training {name} ({len(seeds)} seeds, {n_train} sequences each) and running "
               "the closed loop...")
        for seed in seeds:
            est = RNNForecaster(feedback=[2], hidden_size=16, max_epochs=max_epochs,
                                random_state=seed, **params)
            start = time.perf_counter()
            est.fit(X, y)
            fit_s = time.perf_counter() - start
            curve = closed_loop(est, X_test)
            curves.setdefault(name, curve)
            rows.append({
                "training": name,
                "one_step_rmse": np.sqrt(np.mean((est.predict(X_test) - y_test) ** 2)),
                "closed_loop_rmse": np.sqrt(np.mean((curve - y_test) ** 2)),
                "final_abs_error": np.mean(np.abs(curve[:, -1] - y_test[:, -1])),
                "fit_s": fit_s,
            })
    per_seed = pd.DataFrame(rows)
    table = per_seed.groupby("training", sort=False).agg(
        one_step_rmse=("one_step_rmse", "mean"),
        closed_loop_rmse=("closed_loop_rmse", "mean"),
        closed_loop_std=("closed_loop_rmse", "std"),
        final_abs_error=("final_abs_error", "mean"),
        fit_s=("fit_s", "mean"),
    ).reset_index()
    reference = table.loc[table["training"] == "teacher forcing", "closed_loop_rmse"].iloc[0]
    table["closed_loop_vs_teacher_forcing"] = table["closed_loop_rmse"] / reference
    return table, curves, (X_test, y_test)


def plot_results(curves, X_test, y_test, n_sequences=3):
    """Closed-loop curves of a few sequences, and the error against the horizon."""
    fig = Figure(figsize=(11, 7), layout="constrained")
    grid = fig.add_gridspec(2, n_sequences)
    styles = ["-", "--", "-.", ":"]
    for i in range(n_sequences):
        ax = fig.add_subplot(grid[0, i])
        ax.plot(y_test[i], color="tab:red", lw=2.5, alpha=0.5, label="true durability")
        for style, (name, curve) in zip(styles, curves.items()):
            ax.plot(curve[i], style, lw=1.3, label=name)
        mean_t, mean_h = X_test[i, :, 0].mean(), X_test[i, :, 1].mean()
        ax.set_title(f"{mean_t:.0f} °C, {mean_h:.0f} % humidity", fontsize="small")
        ax.set_xlabel("timestep")
        ax.grid(True, alpha=0.3)
    fig.axes[0].set_ylabel("durability (closed loop)")
    fig.axes[0].legend(fontsize="x-small")
    ax = fig.add_subplot(grid[1, :])
    for style, (name, curve) in zip(styles, curves.items()):
        ax.plot(np.sqrt(np.mean((curve - y_test) ** 2, axis=0)), style, label=name)
    ax.set_xlabel("timestep (forecast horizon from the initial durability)")
    ax.set_ylabel("RMSE over test sequences")
    ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    fig.suptitle("Output feedback: closed-loop durability forecasts by training mode")
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="degradation_output", help="folder for the figure")
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=3, help="models per training mode")
    args = parser.parse_args(argv)

    table, curves, (X_test, y_test) = run(max_epochs=args.max_epochs,
                                          seeds=range(args.seeds))
    print(f"mean over {args.seeds} seeds; closed loop: the whole curve from the initial "
          "durability")
    with pd.option_context("display.float_format", "{:.4f}".format, "display.width", 120):
        print(table.to_string(index=False))
    path = save_figure(plot_results(curves, X_test, y_test),
                       Path(args.output) / "degradation_feedback.png")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
