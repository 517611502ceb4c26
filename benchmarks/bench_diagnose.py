"""Cost of ``diagnose`` against the fit it diagnoses, in one run.

For each set-up, times ``clone(estimator).fit(X, y)`` on all the data (what the user runs) and
``diagnose(estimator, X, y)`` (the diagnosed fit on 80 % of the sequences, the memoryless
baseline, the scores and the memory-influence and gradient-flow probes), in interleaved rounds,
and prints the median ratio diagnose time / fit time (target: <= 2, "at most about twice the
fit it diagnoses").

Usage: python benchmarks/bench_diagnose.py [--rounds 3] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import torch
from sklearn.base import clone

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.datasets import make_burst, make_saturated_integral
from seqestimators.diagnostics import diagnose


def setups(device):
    burst = make_burst(256, random_state=0, return_X_y=True)
    integral = make_saturated_integral(256, 200, random_state=0, return_X_y=True)
    return {
        "burst, LSTM 16, 40 epochs (256 x 130)": (
            RNNClassifier(cell="lstm", hidden_size=16, max_epochs=40, device=device,
                          random_state=0), burst),
        "saturated integral, GRU 32, 20 epochs (256 x 200)": (
            RNNRegressor(cell="gru", hidden_size=32, max_epochs=20, device=device,
                         random_state=0), integral),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"{'set-up':52s} {'fit s':>8s} {'diagnose s':>11s} {'ratio':>7s}")
    for name, (estimator, (X, y)) in setups(args.device).items():
        ratios, fits, diags = [], [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            clone(estimator).fit(X, y)
            fit_s = time.perf_counter() - start
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                diagnose(estimator, X, y)
            diag_s = time.perf_counter() - start
            fits.append(fit_s)
            diags.append(diag_s)
            ratios.append(diag_s / fit_s)
        ratio = statistics.median(ratios)
        print(f"{name:52s} {statistics.median(fits):8.2f} {statistics.median(diags):11.2f} "
              f"{ratio:7.2f}  (rounds: {', '.join(f'{r:.2f}' for r in ratios)}; target <= 2: "
              f"{'met' if ratio <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
