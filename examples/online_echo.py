"""Online learning of the delayed echo, one stream, state carried between calls.

The online echo question ("Is my intuition about RNN wrong?",
https://ai.stackexchange.com/questions/33995/is-my-intuition-about-rnn-wrong): "predict 0 if the
previous input was 1" (``y[t] = 1 - x[t - 1]``), learned online from one stream with a stateful
Keras GRU fed one timestep at a time (``batch_size=1, timesteps=1, stateful=True``) -- and it
would not learn, while the batch version (many short sequences) learned easily.

Here the same set-ups are ``RNNClassifier(state_policy="carry")`` and ``partial_fit`` on
consecutive chunks of the stream (the final state of one call is the initial state of the
next). With chunks of one timestep, backpropagation stops at the chunk boundary: the gradient
of ``y[t]`` never reaches the step that read ``x[t - 1]``, so the network can only use
whatever its untrained weights happen to keep of the previous input. Chunks of two or more
timesteps let gradients reach one step back, and the task is learned online. The script
tracks the accuracy on a fresh stream as the online learner sees more of its stream (a copy
of the model is scored, so the learner's own state is untouched), prints a table and plots
the learning curves.

Run: ``python examples/online_echo.py [--output online_echo_output]`` (about a minute on 2 CPU
cores).
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from seqestimators import MemorylessClassifier, RNNClassifier
from seqestimators.datasets import make_delayed_echo
from seqestimators.plotting import save_figure


def status(text):
    """Say on stderr what runs now, so that a long step is never silent."""
    print(text, file=sys.stderr, flush=True)


def online(X, y, X_eval, y_eval, *, chunk, eval_every, lr=0.01, random_state=0):
    """partial_fit on consecutive chunks of one stream; accuracy of snapshots on another."""
    clf = RNNClassifier(cell="gru", hidden_size=8, state_policy="carry", max_epochs=1, lr=lr,
                        random_state=random_state)
    curve = []
    start = time.perf_counter()
    for t in range(0, X.shape[1], chunk):
        clf.partial_fit(X[:, t:t + chunk], y[:, t:t + chunk], classes=[0, 1])
        seen = min(t + chunk, X.shape[1])
        if seen % eval_every < chunk:
            # Score a copy from a reset state: the learner's own stream goes on untouched.
            snapshot = copy.deepcopy(clf).reset_state()
            curve.append((seen, snapshot.score(X_eval, y_eval)))
    return clf, curve, time.perf_counter() - start


def run(n_timesteps=3000, chunks=(1, 2, 10), eval_every=100, random_state=0):
    """Online learners for each chunk length, the batch version and the memoryless baseline.

    Returns
    -------
    table : DataFrame
        One row per set-up: accuracy on a fresh stream of 2000 steps.
    curves : dict
        ``[(timesteps seen, accuracy), ...]`` per online set-up.
    """
    X, y = make_delayed_echo(1, n_timesteps, random_state=random_state, return_X_y=True)
    X_eval, y_eval = make_delayed_echo(1, 500, random_state=random_state + 1, return_X_y=True)
    X_test, y_test = make_delayed_echo(1, 2000, random_state=random_state + 2, return_X_y=True)
    rows, curves = [], {}
    for chunk in chunks:
        name = f"online, chunks of {chunk} step{'s' if chunk > 1 else ''}"
        if chunk == 1:
            name += " (Keras stateful, batch 1)"
        status(f"learning online: {name}, {n_timesteps} steps...")
        clf, curve, seconds = online(X, y, X_eval, y_eval, chunk=chunk, eval_every=eval_every,
                                     random_state=random_state)
        curves[name] = curve
        clf.reset_state()
        first = next((seen for seen, acc in curve if acc >= 0.99), None)
        rows.append({"set-up": name, "timesteps_seen": n_timesteps,
                     "fresh_accuracy": clf.score(X_test, y_test),
                     "first_seen_at_0.99": first, "fit_s": seconds})
    status("training the batch version and the memoryless baseline...")
    X_batch, y_batch = make_delayed_echo(256, 32, random_state=random_state, return_X_y=True)
    start = time.perf_counter()
    batch = RNNClassifier(cell="gru", hidden_size=8, max_epochs=15, lr=0.03,
                          random_state=random_state).fit(X_batch, y_batch)
    rows.append({"set-up": "batch: 256 sequences of 32 steps, 15 epochs, reset state",
                 "timesteps_seen": 256 * 32 * 15, "fresh_accuracy": batch.score(X_test, y_test),
                 "fit_s": time.perf_counter() - start})
    baseline = MemorylessClassifier(max_epochs=15, random_state=random_state).fit(X_batch,
                                                                                 y_batch)
    rows.append({"set-up": "memoryless baseline", "timesteps_seen": 256 * 32 * 15,
                 "fresh_accuracy": baseline.score(X_test, y_test)})
    table = pd.DataFrame(rows)
    table["first_seen_at_0.99"] = table["first_seen_at_0.99"].astype("Int64")
    return table, curves


def plot_curves(curves):
    fig = Figure(figsize=(9, 4), layout="constrained")
    ax = fig.subplots()
    for name, curve in curves.items():
        seen, accuracy = zip(*curve)
        ax.plot(seen, accuracy, marker=".", label=name)
    ax.axhline(0.75, color="grey", ls=":", label="memoryless (p = 0.25: always predict 1)")
    ax.set_xlabel("timesteps of the stream seen by partial_fit")
    ax.set_ylabel("accuracy on a fresh stream")
    ax.set_ylim(0.5, 1.02)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="lower right")
    ax.set_title("Online delayed echo y[t] = 1 - x[t - 1]: GRU, state carried between calls")
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="online_echo_output", help="folder for the figure")
    parser.add_argument("--n-timesteps", type=int, default=3000)
    args = parser.parse_args(argv)

    table, curves = run(n_timesteps=args.n_timesteps)
    with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 120):
        print(table.to_string(index=False))
    path = save_figure(plot_curves(curves), Path(args.output) / "online_echo.png")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
