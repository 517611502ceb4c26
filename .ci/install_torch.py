#!/usr/bin/env python3
"""Install the pinned PyTorch build into the current environment (called by the Makefile).

Usage::

    python .ci/install_torch.py "torch==2.13.0+cpu" [--pip "CMD"]

1. ``pip install --only-binary=:all: SPEC`` with pip's own configuration, so that a local
   mirror, ``find-links`` or ``PIP_EXTRA_INDEX_URL`` that already provides the wheel is used
   as is.
2. Only when that fails because no index knows the build ("No matching distribution") *and* the
   requirement pins a CPU build (a ``+cpu`` local version, which only PyTorch's own index
   publishes, never PyPI), it says so and retries once with PyTorch's CPU index added for this
   one install: ``--extra-index-url https://download.pytorch.org/whl/cpu``. The requirement
   stays the exact ``+cpu`` pin, so the retry cannot pull a CUDA wheel; torch's own
   dependencies still come from the indexes pip is configured with.

Any other failure (network, disk, a GPU build that is not found) is reported unchanged, with
no retry. Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys

#: PyTorch's own index of CPU-only wheels (the only place ``+cpu`` builds are published).
CPU_INDEX_URL = "https://download.pytorch.org/whl/cpu"

#: What pip prints when no configured index or find-links location has the requirement.
NOT_FOUND_MARKERS = ("No matching distribution found", "Could not find a version that satisfies")

_CPU_PIN = re.compile(r"^\s*torch\s*===?\s*[0-9][0-9A-Za-z.!]*\+cpu\s*$")


def is_cpu_pin(spec):
    """True for an exact pin of a CPU build, e.g. ``torch==2.13.0+cpu``."""
    return bool(_CPU_PIN.match(spec))


def not_found(output):
    """True when pip's output says that no index provides the requirement."""
    return any(marker in output for marker in NOT_FOUND_MARKERS)


def run_streaming(command):
    """Run ``command``, echoing its output as it comes; return ``(returncode, output)``."""
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace") as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            lines.append(line)
    return proc.returncode, "".join(lines)


def install_commands(spec, pip):
    """The first install command and the CPU-index fallback (None when there is none)."""
    first = [*pip, "install", "--only-binary=:all:", spec]
    if not is_cpu_pin(spec):
        return first, None
    return first, [*pip, "install", "--only-binary=:all:", "--extra-index-url", CPU_INDEX_URL,
                   spec]


def install_torch(spec, pip=None, run=run_streaming, say=print):
    """Install ``spec``; fall back to PyTorch's CPU index for a ``+cpu`` pin that is not found.

    Parameters
    ----------
    spec : str
        The requirement, e.g. ``"torch==2.13.0+cpu"``.
    pip : list of str, default=None
        The pip command; ``[sys.executable, "-m", "pip"]`` by default.
    run : callable, default=run_streaming
        ``run(command) -> (returncode, output)``; replaceable in tests.
    say : callable, default=print
        Where the status lines go.

    Returns
    -------
    returncode : int
        0 when torch was installed.
    """
    pip = list(pip) if pip is not None else [sys.executable, "-m", "pip"]
    first, fallback = install_commands(spec, pip)
    say(f"install_torch: installing {spec}")
    code, output = run(first)
    if code == 0:
        return 0
    if fallback is None or not not_found(output):
        if not_found(output) and "+cpu" not in spec:
            say(f"install_torch: no configured index provides {spec}; point pip at the index "
                "that holds this build (PIP_EXTRA_INDEX_URL=...) or install torch into the "
                "environment yourself first.")
        return code
    say(f"install_torch: {spec} is not on the indexes pip is configured with (the +cpu builds "
        f"are published only on PyTorch's own index, not on PyPI); retrying with "
        f"--extra-index-url {CPU_INDEX_URL} for this install only.")
    code, _ = run(fallback)
    if code != 0:
        say(f"install_torch: could not install {spec} from {CPU_INDEX_URL} either. Without "
            "network access, put the wheel in a local folder and set PIP_FIND_LINKS to it; or "
            "install torch into .venv yourself, then run make again.")
    return code


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", help='the requirement, e.g. "torch==2.13.0+cpu"')
    parser.add_argument("--pip", default=None, metavar="CMD",
                        help="the pip command (default: this Python's -m pip)")
    args = parser.parse_args(argv)
    pip = shlex.split(args.pip) if args.pip else None
    return install_torch(args.spec, pip=pip)


if __name__ == "__main__":
    sys.exit(main())
