"""Peak memory of fitting one long stream with truncated BPTT, against the stream's length.

``RNNRegressor(tbptt_steps=k)`` cuts a stream ``(1, n_timesteps, 1)`` into windows of ``k``
steps, carries the state from window to window and stops gradients between them: the autograd
graph spans one window, so the memory of training must not grow with the stream. Each run is a
fresh process (``tracemalloc`` does not see torch's allocator; the kernel's peak resident set
size does: ``VmHWM``, reset before ``fit`` through ``/proc/self/clear_refs`` on Linux, else
``ru_maxrss``). A process first warms up (imports, one tiny fit), generates the stream, then
fits one epoch; the table shows the growth of the peak RSS during ``fit`` over the size just
before it, and its ratio to the 10k-step run. What may grow is only the stream itself and its
per-timestep predictions (a few bytes per step: ``stream MB``). Full backpropagation through
time (``tbptt_steps=None``) is shown for contrast: its graph spans the whole stream.

Usage: python benchmarks/bench_stream_memory.py [--lengths 10000 100000 1000000]
       [--tbptt 100] [--hidden-size 16] [--full-bptt-max 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def _current_rss_mb():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:  # not Linux: the peak so far is the best estimate
        return _peak_rss_mb()


def _peak_rss_mb():
    """Peak resident set size (MB): ``VmHWM`` on Linux, else ``ru_maxrss``."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _reset_peak_rss():
    """Start the peak over from the current size (Linux >= 4.0); False where impossible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def child(n_timesteps, tbptt_steps, hidden_size):
    """Fit one stream in this process and print its figures as JSON."""
    import numpy as np

    from seqestimators import RNNRegressor
    from seqestimators.datasets import make_saturated_integral

    params = {"hidden_size": hidden_size, "tbptt_steps": tbptt_steps, "max_epochs": 1,
              "random_state": 0}
    warm_X, warm_y = make_saturated_integral(1, 2 * (tbptt_steps or 100), random_state=1,
                                             return_X_y=True)
    RNNRegressor(**params).fit(warm_X, warm_y)
    X, y = make_saturated_integral(1, n_timesteps, random_state=0, return_X_y=True)
    # The generator's temporaries raised the peak above the current size: start it over.
    reset = _reset_peak_rss()
    before = _current_rss_mb() if reset else _peak_rss_mb()
    start = time.perf_counter()
    est = RNNRegressor(**params).fit(X, y)
    seconds = time.perf_counter() - start
    peak = _peak_rss_mb()
    print(json.dumps({
        "n_timesteps": n_timesteps,
        "tbptt_steps": tbptt_steps,
        "seconds": seconds,
        "rss_before_mb": before,
        "peak_rss_mb": peak,
        "growth_mb": peak - before,
        "peak_reset": reset,
        "stream_mb": (X.nbytes + y.nbytes) / 2**20,
        "train_loss": float(est.history_[-1, "train_loss"]),
        "finite": bool(np.isfinite(est.predict(X[:, :1000])).all()),
    }))


def run(n_timesteps, tbptt_steps, hidden_size):
    command = [sys.executable, __file__, "--child", str(n_timesteps),
               "--tbptt", str(tbptt_steps), "--hidden-size", str(hidden_size)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--tbptt", type=int, default=100,
                        help="window length; 0 means full BPTT (tbptt_steps=None)")
    parser.add_argument("--hidden-size", type=int, default=16)
    parser.add_argument("--full-bptt-max", type=int, default=100_000,
                        help="also run full BPTT for lengths up to this (0: never)")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.tbptt or None, args.hidden_size)
        return None

    rows = []
    for tbptt in [args.tbptt, 0]:
        lengths = args.lengths if tbptt else [n for n in args.lengths if n <= args.full_bptt_max]
        for n in lengths:
            row = run(n, tbptt, args.hidden_size)
            rows.append(row)
            print(f"  done: {n:>9,} steps, tbptt_steps={tbptt or None}: "
                  f"{row['seconds']:.1f} s", flush=True)

    print(f"\nstream memory: LSTM hidden {args.hidden_size}, one stream (1, n_timesteps, 1), "
          "one epoch; peak RSS of the process and its growth during fit (MB)")
    header = (f"{'tbptt_steps':>11} {'n_timesteps':>12} {'fit s':>7} {'stream MB':>10} "
              f"{'RSS before':>11} {'peak RSS':>9} {'x 10k':>6} {'growth':>8} {'x 10k':>7}")
    print(header)
    print("-" * len(header))
    for tbptt in [args.tbptt, 0]:
        group = [r for r in rows if (r["tbptt_steps"] or 0) == tbptt]
        if not group:
            continue
        reference = max(group[0]["growth_mb"], 1e-9)
        reference_peak = group[0]["peak_rss_mb"]
        for r in group:
            print(f"{str(r['tbptt_steps']):>11} {r['n_timesteps']:>12,} {r['seconds']:>7.1f} "
                  f"{r['stream_mb']:>10.1f} {r['rss_before_mb']:>11.0f} "
                  f"{r['peak_rss_mb']:>9.0f} {r['peak_rss_mb'] / reference_peak:>6.2f} "
                  f"{r['growth_mb']:>8.1f} {r['growth_mb'] / reference:>7.2f}")
    windowed = [r for r in rows if r["tbptt_steps"]]
    extra = windowed[-1]["growth_mb"] - windowed[0]["growth_mb"]
    stream = windowed[-1]["stream_mb"] - windowed[0]["stream_mb"]
    print(f"\nwith tbptt_steps={args.tbptt}: {windowed[-1]['n_timesteps']:,} vs "
          f"{windowed[0]['n_timesteps']:,} steps adds {extra:.1f} MB of peak memory, for "
          f"{stream:.1f} MB more stream data (plus its per-step predictions)")
    return rows


if __name__ == "__main__":
    main()
