"""The masks of real timesteps and the last real step: built here, and nowhere else.

Every function takes numpy arrays or torch tensors and answers in the same kind, so that the
estimators (numpy scores), the training loop (torch losses) and the networks share one rule:
timestep ``t`` of sequence ``i`` is real when ``t < lengths[i]``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["last_real_step", "lengths_to_mask"]


def _is_tensor(x):
    return type(x).__module__.startswith("torch")


def lengths_to_mask(lengths, n_timesteps=None):
    """Boolean mask of the real (non-padded) timesteps.

    Parameters
    ----------
    lengths : array-like or Tensor of shape (n_samples,)
        True length of each sequence.
    n_timesteps : int, default=None
        Width of the mask; by default ``max(lengths)``.

    Returns
    -------
    mask : ndarray or Tensor of shape (n_samples, n_timesteps), dtype bool
        ``mask[i, t]`` is True when ``t < lengths[i]``; a tensor (on the device of
        ``lengths``) for tensor lengths.

    Examples
    --------
    >>> lengths_to_mask([1, 3]).astype(int)
    array([[1, 0, 0],
           [1, 1, 1]])
    """
    if _is_tensor(lengths):
        import torch

        if n_timesteps is None:
            n_timesteps = int(lengths.max()) if lengths.numel() else 0
        return torch.arange(n_timesteps, device=lengths.device)[None, :] < lengths[:, None]
    lengths = np.asarray(lengths, dtype=np.int64)
    if n_timesteps is None:
        n_timesteps = int(lengths.max()) if lengths.size else 0
    return np.arange(n_timesteps)[None, :] < lengths[:, None]


def last_real_step(values, lengths=None):
    """``values[i, lengths[i] - 1]`` for every sequence ``i``: the output at its last real step.

    Parameters
    ----------
    values : ndarray or Tensor of shape (n_samples, n_timesteps, ...)
        Padded per-timestep values.
    lengths : array-like or Tensor of shape (n_samples,), default=None
        True lengths; None reads the last timestep of every row.

    Returns
    -------
    last : ndarray or Tensor of shape (n_samples, ...)

    Examples
    --------
    >>> import numpy as np
    >>> last_real_step(np.arange(6).reshape(2, 3), [1, 3]).tolist()
    [0, 5]
    """
    if lengths is None:
        return values[:, -1]
    if _is_tensor(values):
        import torch

        index = (torch.as_tensor(lengths, device=values.device) - 1).clamp(min=0)
        return values[torch.arange(values.shape[0], device=values.device), index]
    index = np.maximum(np.asarray(lengths, dtype=np.int64) - 1, 0)
    return values[np.arange(values.shape[0]), index]
