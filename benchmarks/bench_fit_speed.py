"""Epoch time of ``RNNRegressor.fit`` against a hand-written PyTorch loop, in one run.

Same network (``RecurrentNetwork``), data, batch size, optimizer (Adam) and gradient-norm
clipping; both shuffle every epoch. Prints the median epoch time of each and their ratio
(target: <= 1.05 on CPU). ``--device cuda`` runs the same comparison on a GPU with the data
resident on it.

Usage: python benchmarks/bench_fit_speed.py [--epochs 5] [--rounds 5] [--device cpu] [--cell lstm]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from seqestimators import RNNRegressor
from seqestimators.datasets import make_saturated_integral
from seqestimators.networks import RecurrentNetwork


def reference_epochs(X, y, *, cell, hidden_size, batch_size, lr, epochs, device, seed=0):
    """Median epoch time of the loop a PyTorch user would write by hand."""
    torch.manual_seed(seed)
    X, y = X.to(device), y.to(device)
    model = RecurrentNetwork(X.shape[2], 1, cell=cell, hidden_size=hidden_size).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = torch.nn.MSELoss()
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(X), device=device)
        for i in range(0, len(X), batch_size):
            index = order[i:i + batch_size]
            optimizer.zero_grad()
            output, _ = model(X[index])
            loss = criterion(output, y[index])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            loss.item()
        if device != "cpu":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def estimator_epochs(X, y, *, cell, hidden_size, batch_size, lr, epochs, device):
    """Median epoch time of ``RNNRegressor.fit`` as recorded in its history."""
    est = RNNRegressor(cell=cell, hidden_size=hidden_size, batch_size=batch_size, lr=lr,
                       max_epochs=epochs, device=device, random_state=0)
    est.fit(X, y)
    return statistics.median(est.history[1:, "dur"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--hidden-size", type=int, default=32)
    parser.add_argument("--n-samples", type=int, default=2048)
    parser.add_argument("--n-timesteps", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    X, y = make_saturated_integral(args.n_samples, args.n_timesteps, random_state=0,
                                   return_X_y=True)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)[..., None]
    settings = dict(cell=args.cell, hidden_size=args.hidden_size, batch_size=args.batch_size,
                    lr=0.01, epochs=args.epochs, device=args.device)
    # Interleaved rounds: each ratio compares runs made seconds apart, so load from other
    # processes affects both sides of it alike.
    refs, ours, ratios = [], [], []
    for _ in range(args.rounds):
        refs.append(reference_epochs(Xt, yt, **settings))
        ours.append(estimator_epochs(X, y, **settings))
        ratios.append(ours[-1] / refs[-1])
    ref, est, ratio = statistics.median(refs), statistics.median(ours), statistics.median(ratios)
    n = args.n_samples
    print(f"fit speed: {args.cell.upper()} hidden {args.hidden_size}, {n} sequences x "
          f"{args.n_timesteps} steps, batch {args.batch_size}, {args.threads} thread(s), "
          f"device {args.device}, {args.rounds} interleaved rounds of {args.epochs} epochs")
    print(f"  hand-written loop   {ref:.3f} s/epoch  ({n / ref:,.0f} sequences/s)")
    print(f"  RNNRegressor.fit    {est:.3f} s/epoch  ({n / est:,.0f} sequences/s)")
    print(f"  ratio (ours / loop) {ratio:.3f}   (per round: "
          f"{', '.join(f'{r:.3f}' for r in ratios)})   target <= 1.05")
    return ratio


if __name__ == "__main__":
    main()
