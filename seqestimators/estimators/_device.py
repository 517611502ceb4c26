"""Where and on how many threads the estimators compute: devices and torch's thread count."""

from __future__ import annotations

import contextlib
import threading

import torch

__all__ = ["DeviceParameter", "resolve_device", "thread_budget"]


def resolve_device(device):
    """The torch device string for ``device`` ("cpu", "cuda", "cuda:N", "auto" or None).

    Raises
    ------
    ValueError
        When a CUDA device is requested and none is available.
    """
    if device is None:
        return "cpu"
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    kind = torch.device(device).type
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested, but no CUDA GPU is available "
                "(torch.cuda.is_available() is False). Use device='cpu', or device='auto' to "
                "take a GPU only when there is one."
            )
        index = torch.device(device).index
        if index is not None and index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested, but only {torch.cuda.device_count()} CUDA "
                "device(s) are available."
            )
    return str(device)


class DeviceParameter:
    """The ``device`` parameter: stored as given, read by skorch as a concrete device.

    skorch reads ``self.device`` wherever it moves a module or tensor (``initialize``,
    ``load_params``, ``forward``, ...). ``"auto"`` resolves to ``"cuda"`` or ``"cpu"`` at every
    read, so those methods work as they are, while ``get_params`` (and so ``clone`` and the
    searches) still see ``"auto"``.
    """

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get("device", "cpu")
        return resolve_device(value) if isinstance(value, str) and value == "auto" else value

    def __set__(self, instance, value):
        instance.__dict__["device"] = value


class _ThreadBudget:
    """torch's intra-op thread count, set for the duration of fits and predictions.

    The setting is process-wide, so concurrent calls (threads predicting at once) share one
    count: the first to enter sets it, the last to leave restores the caller's setting.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._users = 0
        self._saved = None

    @contextlib.contextmanager
    def __call__(self, n_threads):
        if n_threads is None:
            yield
            return
        with self._lock:
            if self._users == 0:
                self._saved = torch.get_num_threads()
                if self._saved != n_threads:
                    torch.set_num_threads(n_threads)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and torch.get_num_threads() != self._saved:
                    torch.set_num_threads(self._saved)


#: The one thread budget of the process (torch's thread count is process-wide).
thread_budget = _ThreadBudget()
