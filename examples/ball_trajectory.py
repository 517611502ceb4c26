"""A thrown ball, forecast from three heights: the closed loop of the falling-ball question.

The falling-ball question ("Keras LSTM input - Predicting a parabolic trajectory",
https://stackoverflow.com/questions/47079455): "give the model 3 heights h0, h1, h2 and let it
predict h3; then give it h1, h2 and the h3 it predicted to get h4, and so on, until the whole
trajectory" -- and an LSTM that draws an almost flat line. The data (``make_ball_trajectory``):
``X[t] = height[t]`` and ``y[t] = height[t + 1]``, so the target of one timestep is the next
input.

``RNNForecaster`` is trained on whole trajectories with teacher forcing (each timestep reads
the observed height; the hidden state learns the velocity), then ``forecast(X[:, :3], 40)``
runs the closed loop: each prediction is fed back as the next input, the hidden state carried
from the observed prefix. The script compares, on fresh trajectories, the "flat line"
(repeating the last observed height), a plain network (``residual=False,
input_changes=False``), the default forecaster (predicts the change of height and reads the
last change as an input) and one trained in free running, then plots a few forecasts.

Run: ``python examples/ball_trajectory.py [--output ball_trajectory_output]`` (under a minute
on 2 CPU cores).
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
from seqestimators.datasets import make_ball_trajectory
from seqestimators.plotting import save_figure

N_OBSERVED, N_STEPS = 3, 40

MODELS = {
    "plain network (residual=False, input_changes=False)": dict(
        residual=False, input_changes=False),
    "RNNForecaster defaults (teacher forcing)": dict(),
    "free running (warmup_steps=3)": dict(training="free_running", warmup_steps=N_OBSERVED),
}


def status(text):
    """Say on stderr what runs now, so that a long step is never silent."""
    print(text, file=sys.stderr, flush=True)

def run(n_train=256, n_test=100, max_epochs=30, random_state=0):
    """Fit the forecasters and score their closed-loop forecasts on fresh trajectories.

    Returns
    -------
    table : DataFrame
        One row per model: one-step and closed-loop root mean squared errors (metres).
    forecasts : dict
        By model, the heights after the observed ones, ``(n_test, N_STEPS + 1)``: the
        one-step prediction from the prefix, then the closed-loop forecast.
    test : tuple of ndarray
        The fresh trajectories ``(X, y)``.
    """
    X, y = make_ball_trajectory(n_train, N_OBSERVED + N_STEPS + 2, random_state=random_state,
                                return_X_y=True)
    X_test, y_test = make_ball_trajectory(n_test, N_OBSERVED + N_STEPS + 2,
                                          random_state=random_state + 1, return_X_y=True)
    truth = y_test[:, N_OBSERVED:N_OBSERVED + N_STEPS]
    height_range = float(np.ptp(np.concatenate([X_test[..., 0], y_test], axis=1)))
    flat = np.repeat(X_test[:, N_OBSERVED - 1], N_STEPS, axis=1)
    rows = [{"model": "flat line (last observed height)", "one_step_rmse": np.nan,
             "closed_loop_rmse": np.sqrt(np.mean((flat - truth) ** 2)), "fit_s": np.nan}]
    # What each model says after the observed heights: from the height at timestep N_OBSERVED
    # (the one-step prediction of the prefix) to the end of the closed loop.
    forecasts = {"flat line (last observed height)": np.concatenate([flat[:, :1], flat], 1)}
    for k, (name, params) in enumerate(MODELS.items()):
        status(f"training '{name}' on {n_train} trajectories, then forecasting "
               f"{N_STEPS} steps in closed loop ({k + 1}/{len(MODELS)})...")
        est = RNNForecaster(hidden_size=16, max_epochs=max_epochs, random_state=random_state,
                            **params)
        start = time.perf_counter()
        est.fit(X, y)
        fit_s = time.perf_counter() - start
        # forecast(X[:, :3], n) estimates y[:, 3:3 + n]: the heights at timesteps 4, 5, ...
        forecast = est.forecast(X_test[:, :N_OBSERVED], N_STEPS)
        one_step = est.predict(X_test)[:, N_OBSERVED:]
        rows.append({
            "model": name,
            "one_step_rmse": np.sqrt(np.mean((one_step - y_test[:, N_OBSERVED:]) ** 2)),
            "closed_loop_rmse": np.sqrt(np.mean((forecast - truth) ** 2)),
            "fit_s": fit_s,
        })
        full = est.forecast(X_test[:, :N_OBSERVED], N_STEPS, include_prefix=True)
        forecasts[name] = full[:, N_OBSERVED - 1:]
    table = pd.DataFrame(rows)
    table["closed_loop_%_of_range"] = 100 * table["closed_loop_rmse"] / height_range
    return table, forecasts, (X_test, y_test)


def plot_forecasts(forecasts, X_test, y_test, n_trajectories=3, dt=0.02):
    """Observed heights, true trajectory and each model's closed-loop forecast."""
    fig = Figure(figsize=(10, 3.4 * n_trajectories), layout="constrained")
    axes = fig.subplots(n_trajectories, 1, sharex=True)
    styles = ["--", "-", ":", "-."]
    for i, ax in enumerate(axes):
        n = X_test.shape[1]
        heights = np.concatenate([X_test[i, :, 0], y_test[i, -1:]])
        time_axis = np.arange(n + 1) * dt
        ax.plot(time_axis, heights, color="tab:red", lw=2.5, alpha=0.5, label="true trajectory")
        ax.plot(time_axis[:N_OBSERVED], heights[:N_OBSERVED], "o", color="tab:blue",
                label=f"{N_OBSERVED} observed heights")
        future = time_axis[N_OBSERVED:N_OBSERVED + 1 + N_STEPS]
        for style, (name, forecast) in zip(styles, forecasts.items()):
            ax.plot(future, forecast[i], style, lw=1.5, label=name)
        ax.set_ylabel("height (m)")
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("time (s)")
    axes[0].legend(fontsize="small", loc="lower left")
    fig.suptitle(f"Closed-loop forecasts of {N_STEPS} heights from {N_OBSERVED} observed ones")
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="ball_trajectory_output",
                        help="folder for the figure")
    parser.add_argument("--max-epochs", type=int, default=30)
    args = parser.parse_args(argv)

    table, forecasts, (X_test, y_test) = run(max_epochs=args.max_epochs)
    with pd.option_context("display.float_format", "{:.4f}".format, "display.width", 120):
        print(table.to_string(index=False))
    path = save_figure(plot_forecasts(forecasts, X_test, y_test),
                       Path(args.output) / "ball_trajectory.png")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
