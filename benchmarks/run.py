"""Run every benchmark in this folder, each in a fresh process, and print its figures.

Each ``bench_*.py`` measures a speed or memory target against a reference measured in the same
run and prints the ratio. With a CUDA GPU present, the fit-speed benchmark also runs on it.

Usage: python benchmarks/run.py [NAME ...]   (e.g. ``fit_speed``; default: all)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None):
    names = sys.argv[1:] if argv is None else argv
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    runs = [[str(s)] for s in scripts]
    if any(s.stem == "bench_fit_speed" for s in scripts):
        import torch

        if torch.cuda.is_available():
            runs.append([str(HERE / "bench_fit_speed.py"), "--device", "cuda"])
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE", "PYTHONUNBUFFERED": "1"}
    failed = 0
    for run in runs:
        print(f"== {Path(run[0]).stem} {' '.join(run[1:])}", flush=True)
        failed += subprocess.call([sys.executable, *run], env=env) != 0
    return failed


if __name__ == "__main__":
    sys.exit(main())
