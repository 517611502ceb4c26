"""Long sequences: what patches buy in fit time, and what reaches the adding problem at T=1000.

Part 1, fit time: the same ``RNNClassifier`` (LSTM and GRU, hidden 32, 20 epochs, no early
stop) on the shipped OSULeaf training set (200 sequences of 427 steps), read one timestep per
step (``patch_size=None``) and in patches (``"auto"``: 13 timesteps), in interleaved rounds.
Prints the median fit time of each and their ratio, and the test accuracy each reached.

Part 2, long memory: the adding problem (Hochreiter & Schmidhuber 1997) at T=1000, where the
target is the sum of two marked values anywhere in the sequence and predicting the mean scores
an MSE of about 0.167. Each configuration trains on fresh sequences, ``--chunk`` at a time with
``warm_start`` (one epoch per chunk, so no sequence is seen twice), up to ``--budget``
sequences, and prints the test MSE after every chunk. Goal: MSE < 0.01 within 200k sequences.

Usage: python benchmarks/bench_long_sequences.py [--part fit|adding|both] [--rounds 3]
       [--budget 200000] [--chunk 20000]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
import torch

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.datasets import load_osuleaf, make_adding_problem
from seqestimators.preprocessing import SequenceScaler


def fit_time(args):
    X, y = load_osuleaf(split="train", return_X_y=True)
    X_test, y_test = load_osuleaf(split="test", return_X_y=True)
    scaler = SequenceScaler().fit(X)
    X, X_test = scaler.transform(X), scaler.transform(X_test)
    print(f"{'cell':<5} {'patch_size':>10} {'median fit s':>13} {'accuracy':>9}")
    for cell in ("lstm", "gru"):
        times = {None: [], "auto": []}
        scores = {}
        for _ in range(args.rounds):
            for patch in (None, "auto"):
                est = RNNClassifier(cell=cell, patch_size=patch, max_epochs=20,
                                    n_iter_no_change=None, random_state=0)
                start = time.perf_counter()
                est.fit(X, y)
                times[patch].append(time.perf_counter() - start)
                scores[patch] = est.score(X_test, y_test)
        for patch in (None, "auto"):
            print(f"{cell:<5} {str(patch):>10} {statistics.median(times[patch]):>13.2f} "
                  f"{scores[patch]:>9.3f}")
        ratio = statistics.median(times["auto"]) / statistics.median(times[None])
        print(f"{cell:<5} patches take {ratio:.2f}x the time of one timestep per step "
              f"({1 / ratio:.1f}x faster)", flush=True)


ADDING_CONFIGS = {
    "lstm, patch None": {"patch_size": None},
    "lstm, patch 10": {"patch_size": 10},
    "defaults (patch auto 31, pooling auto = max, instance_norm)": {},
    "defaults, instance_norm=False": {"instance_norm": False},
    "defaults, pooling last": {"pooling": "last"},
    "defaults, pooling mean": {"pooling": "mean"},
    "defaults, pooling attention": {"pooling": "attention"},
    "defaults, gru": {"cell": "gru"},
    "defaults, num_layers=2": {"num_layers": 2},
    "defaults, lr=0.003": {"lr": 0.003},
}


def adding(args):
    X_test, y_test = make_adding_problem(2000, 1000, random_state=10**6, return_X_y=True)
    baseline = float(np.mean((y_test - y_test.mean()) ** 2))
    print(f"adding problem, T=1000: predicting the mean gives MSE {baseline:.3f}; goal < 0.01 "
          f"within {args.budget:,} training sequences")
    for name, params in ADDING_CONFIGS.items():
        if args.configs and name not in args.configs:
            continue
        est = RNNRegressor(hidden_size=32, max_epochs=1, n_iter_no_change=None,
                           warm_start=True, random_state=0, **params)
        seen, start, curve = 0, time.perf_counter(), []
        chunk_seed = 0
        while seen < args.budget:
            X, y = make_adding_problem(args.chunk, 1000, random_state=chunk_seed,
                                       return_X_y=True)
            chunk_seed += 1
            est.fit(X, y)
            seen += args.chunk
            mse = float(np.mean((est.predict(X_test) - y_test) ** 2))
            curve.append((seen, mse))
            if mse < 0.01:
                break
        elapsed = time.perf_counter() - start
        reached = next((n for n, m in curve if m < 0.01), None)
        trace = ", ".join(f"{n // 1000}k: {m:.3f}" for n, m in curve)
        print(f"{name:<32} final MSE {curve[-1][1]:.4f} "
              f"{'goal met at ' + format(reached, ',') if reached else 'goal NOT met'} "
              f"({elapsed:.0f} s)\n    {trace}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["fit", "adding", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=20_000)
    parser.add_argument("--configs", nargs="*", default=None,
                        help="names of the adding-problem configurations to run")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    warnings.simplefilter("ignore", UserWarning)
    if args.part in ("fit", "both"):
        fit_time(args)
    if args.part in ("adding", "both"):
        adding(args)


if __name__ == "__main__":
    main()
