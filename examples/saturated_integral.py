"""Saturated integral from one long stream: truncation, update frequency and the question's fix.

The task (``make_saturated_integral``): a piecewise-constant random input in ``[0, 1)`` and its
running integral ``y[t] = clip(y[t - 1] + 0.1 * (x[t] - 0.5), 0, 1)``. The saturated-integral
question ("RNN can't learn an integral function", 2017) trained on
one long stream, backpropagating every 2 timesteps and stepping the optimizer each time; the
network chased the latest points. Its fix accumulated the gradients of 25 such windows (50
timesteps) before each optimizer step.

All of these are parameters of one estimator: ``tbptt_steps`` (how far back gradients flow),
``accumulate_steps`` (how many windows share an optimizer step) and ``max_epochs`` with a
learning-rate schedule (skorch's ``LRScheduler`` callback). The script fits each setting on the
same stream, scores it on a fresh one (R^2 over every timestep), prints the table and draws
input (blue), target (red) and prediction (green) on the fresh stream, like the question's
figures.

Run: ``python examples/saturated_integral.py [--output saturated_integral_output]`` (about a
minute on 2 CPU cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
import torch
from skorch.callbacks import LRScheduler

from seqestimators import MemorylessRegressor, RNNRegressor
from seqestimators.datasets import make_saturated_integral
from seqestimators.plotting import plot_sequences, save_figure


def status(text):
    """Say on stderr what runs now, so that a long step is never silent."""
    print(text, file=sys.stderr, flush=True)


def optimizer_steps(est):
    """Number of optimizer steps taken (Adam counts them per parameter)."""
    return max(int(state["step"]) for state in est.optimizer_.state.values())


def settings(n_epochs):
    cosine = [("lr", LRScheduler(torch.optim.lr_scheduler.CosineAnnealingLR, T_max=n_epochs))]
    return {
        "question: backward every 2 steps, step every 2": dict(tbptt_steps=2),
        "question's fix: backward every 2, step every 50": dict(tbptt_steps=2,
                                                                accumulate_steps=25),
        "windows of 100 steps, 1 pass": dict(tbptt_steps=100),
        f"windows of 100 steps, {n_epochs} passes, cosine lr": dict(
            tbptt_steps=100, max_epochs=n_epochs, callbacks=cosine),
    }


def run(n_timesteps=20000, n_epochs=12, random_state=0):
    """Fit every setting on one stream and score it on a fresh one.

    Returns
    -------
    table : DataFrame
        One row per setting.
    models : dict
        The fitted estimators, by setting.
    test : tuple of ndarray
        The fresh stream ``(X, y)``, shaped ``(1, 5000, 1)`` and ``(1, 5000)``.
    """
    X, y = make_saturated_integral(1, n_timesteps, random_state=random_state, return_X_y=True)
    X_test, y_test = make_saturated_integral(1, 5000, random_state=random_state + 1,
                                             return_X_y=True)
    rows, models = [], {}
    all_settings = settings(n_epochs)
    for k, (name, params) in enumerate(all_settings.items()):
        status(f"fitting '{name}' on a stream of {n_timesteps} steps ({k + 1}/"
               f"{len(all_settings)})...")
        est = RNNRegressor(hidden_size=16, max_epochs=1, random_state=random_state)
        est.set_params(**params)
        start = time.perf_counter()
        est.fit(X, y)
        rows.append({
            "setting": name,
            "tbptt_steps": est.tbptt_steps,
            "accumulate_steps": est.accumulate_steps,
            "epochs": est.max_epochs,
            "optimizer_steps": optimizer_steps(est),
            "fit_s": time.perf_counter() - start,
            "fresh_r2": est.score(X_test, y_test),
        })
        models[name] = est
    status("fitting the memoryless baseline...")
    baseline = MemorylessRegressor(max_epochs=20, random_state=random_state).fit(X, y)
    rows.append({"setting": "memoryless baseline (current input only)", "epochs": 20,
                 "fresh_r2": baseline.score(X_test, y_test)})
    table = pd.DataFrame(rows)
    counts = ["tbptt_steps", "accumulate_steps", "epochs", "optimizer_steps"]
    table[counts] = table[counts].astype("Int64")
    table.insert(4, "timesteps_seen", table["epochs"] * n_timesteps)
    return table, models, (X_test, y_test)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="saturated_integral_output",
                        help="folder for the figures")
    parser.add_argument("--n-timesteps", type=int, default=20000)
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args(argv)

    table, models, (X_test, y_test) = run(args.n_timesteps, args.epochs)
    with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 120):
        print(table.to_string(index=False))

    out = Path(args.output)
    window = slice(0, 500)  # 500 steps, as in the question's plots
    for i, (name, est) in enumerate(models.items()):
        prediction = est.predict(X_test)
        fig = plot_sequences(X_test[:, window], y_test[:, window], prediction[:, window],
                             n_sequences=1, feature_names=["input"], target_names=["integral"],
                             title=f"{name}: R² {est.score(X_test, y_test):.3f} on a fresh "
                                   "stream", figsize=(10, 3.2))
        path = save_figure(fig, out / f"saturated_integral_{i}.png")
        print(f"saved {path}")


if __name__ == "__main__":
    main()
