"""``predict_proba`` against a raw float32 forward of the same fitted network, in one run.

For each cell: 4,096 sequences of 100 steps with 2 features, hidden 32, one thread. The
reference is what a PyTorch user would write: ``module_(X[i:i + 256])`` under
``torch.inference_mode()`` plus a softmax, on tensors already in memory. ``predict_proba``
validates the input, pads every batch to ``predict_batch_size`` rows (256) and returns numpy.
Prints the median of interleaved rounds and the ratio (target: <= 1.3), and checks that a
sequence's probabilities are bitwise identical whatever batch it is predicted in (equal-length
and ragged input).

Usage: python benchmarks/bench_predict_speed.py [--rounds 5] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from seqestimators import RNNClassifier


def raw_forward(module, X, batch_size, device):
    X = X.to(device)
    outputs = []
    with torch.inference_mode():
        for i in range(0, len(X), batch_size):
            logits, _ = module(X[i:i + batch_size])
            outputs.append(torch.softmax(logits, dim=-1).cpu())
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return torch.cat(outputs)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def batch_invariance(clf, X):
    """Whether predicting rows in chunks of 7 gives bitwise the same as all at once."""
    whole = clf.predict_proba(X)
    chunks = [clf.predict_proba(X[i:i + 7]) for i in range(0, len(X), 7)]
    if isinstance(whole, list):
        return all(np.array_equal(a, b) for a, b in zip(whole, [c for ch in chunks for c in ch]))
    return np.array_equal(whole, np.concatenate(chunks))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--n-samples", type=int, default=4096)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    rng = np.random.RandomState(0)
    X = rng.randn(args.n_samples, 100, 2).astype(np.float32)
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int) + (X[:, -1, 1] > 0)
    ragged = [X[i, :n] for i, n in enumerate(rng.randint(20, 101, size=300))]
    X_t = torch.from_numpy(X)
    print(f"{'cell':<6} {'raw forward s':>14} {'predict_proba s':>16} {'ratio':>7}  "
          f"{'bitwise (equal / ragged)':>25}")
    for cell in ("lstm", "gru", "rnn"):
        # A throw-away model to time (one epoch on random labels): no baseline comparison.
        clf = RNNClassifier(cell=cell, hidden_size=32, max_epochs=1, n_iter_no_change=None,
                            random_state=0, baseline_check=False,
                            device=args.device).fit(X[:512], y[:512])
        module = clf.module_.eval()
        raw, ours = [], []
        for _ in range(args.rounds):
            raw.append(timed(lambda m=module, d=clf.device: raw_forward(m, X_t, 256, d)))
            ours.append(timed(lambda c=clf: c.predict_proba(X)))
        np.testing.assert_allclose(clf.predict_proba(X), raw_forward(module, X_t, 256,
                                                                     clf.device).numpy(),
                                   rtol=1e-5, atol=1e-6)
        ratio = statistics.median(ours) / statistics.median(raw)
        same = batch_invariance(clf, X[:300]), batch_invariance(clf, ragged)
        print(f"{cell:<6} {statistics.median(raw):>14.3f} {statistics.median(ours):>16.3f} "
              f"{ratio:>7.2f}  {str(same):>25}   target <= 1.3: "
              f"{'met' if ratio <= 1.3 else 'NOT met'}", flush=True)


if __name__ == "__main__":
    main()
