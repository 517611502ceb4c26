"""Operations on padded batches shared by the networks: masks, patches, moments, pooling."""

from __future__ import annotations

import torch
from torch import nn

__all__ = [
    "INSTANCE_NORM_EPS",
    "POOLINGS",
    "TargetScaling",
    "denormalize_by",
    "last_real_step",
    "normalize_by",
    "patch_sequences",
    "pool_steps",
    "real_step_mask",
    "sequence_moments",
    "stats_at",
    "target_scaling",
    "trailing_moments",
]

#: How a per-sequence output reads the hidden outputs (see :func:`pool_steps`).
POOLINGS = ("last", "mean", "max", "attention")

#: ``RecurrentNetwork(instance_norm=True)`` floors each sequence's variance at this value.
INSTANCE_NORM_EPS = 1e-12


def real_step_mask(lengths, n_steps, device=None):
    """Boolean ``(batch, n_steps)`` mask, True at each sequence's first ``lengths[i]`` steps.

    Every mask of real steps in the networks is built here.
    """
    lengths = torch.as_tensor(lengths, device=device)
    return torch.arange(n_steps, device=lengths.device)[None, :] < lengths[:, None]


def last_real_step(values, lengths):
    """``values[i, lengths[i] - 1]`` for every row (the last step when ``lengths`` is None)."""
    if lengths is None:
        return values[:, -1]
    index = (lengths.to(values.device) - 1).clamp(min=0)
    return values[torch.arange(values.shape[0], device=values.device), index]


def patch_sequences(X, lengths, patch_size):
    """Non-overlapping patches of ``patch_size`` timesteps, aligned to each sequence's end.

    Parameters
    ----------
    X : Tensor of shape (batch, n_timesteps, n_features)
        Sequences, padded after their ``lengths``.
    lengths : Tensor of shape (batch,) or None
        True lengths; None when every sequence has ``n_timesteps`` steps.
    patch_size : int
        Timesteps per patch.

    Returns
    -------
    patches : Tensor of shape (batch, n_patches, patch_size * n_features)
        Patch ``j`` of a sequence holds its timesteps ``[j * p - o, (j + 1) * p - o)`` in time
        order, ``o = n_patches_i * p - length_i``: the last patch always ends with the last real
        timestep, and only the first patch of a sequence whose length ``p`` does not divide is
        filled with zeros, before the sequence starts. Padding after a sequence never enters
        its patches.
    patch_lengths : Tensor of shape (batch,) or None
        ``ceil(length / patch_size)``; None when ``lengths`` is None.
    """
    batch, n_timesteps, n_features = X.shape
    p = int(patch_size)
    if lengths is None:
        # Integer arithmetic that exports to ONNX with a dynamic time axis (no branch, no
        # floor division of negative numbers); the zero block may be empty.
        n_patches = (n_timesteps + p - 1) // p
        offset = n_patches * p - n_timesteps
        X = torch.cat([X.new_zeros(batch, offset, n_features), X], dim=1)
        return X.reshape(batch, n_patches, p * n_features), None
    lengths = lengths.to(X.device)
    patch_lengths = torch.div(lengths + p - 1, p, rounding_mode="floor")
    n_patches = -(-n_timesteps // p)
    offsets = patch_lengths * p - lengths  # (batch,)
    source = torch.arange(n_patches * p, device=X.device)[None, :] - offsets[:, None]
    valid = (source >= 0) & (source < lengths[:, None])
    index = source.clamp(0, n_timesteps - 1)
    gathered = X.gather(1, index[:, :, None].expand(-1, -1, n_features))
    gathered = gathered * valid[:, :, None].to(X.dtype)
    return gathered.reshape(batch, n_patches, p * n_features), patch_lengths


def sequence_moments(X, lengths=None, n_steps=None):
    """Mean and standard deviation of each sequence's features over its real timesteps.

    Parameters
    ----------
    X : Tensor of shape (batch, n_timesteps, n_features)
        Sequences, padded after their ``lengths``.
    lengths : Tensor of shape (batch,), default=None
        True lengths; None when every sequence has ``n_timesteps`` steps.
    n_steps : int, default=None
        Read only the first ``n_steps`` real timesteps of each sequence (at least one).

    Returns
    -------
    loc, std : Tensor of shape (batch, n_features)
        Accumulated in float64, returned in ``X``'s dtype; ``std`` is the population standard
        deviation (zero for a constant sequence).
    """
    values = X.to(torch.float64)
    n_timesteps = values.shape[1]
    if lengths is None and n_steps is None:
        loc = values.mean(dim=1)
        std = ((values - loc[:, None]) ** 2).mean(dim=1).sqrt()
        return loc.to(X.dtype), std.to(X.dtype)
    n = torch.full((values.shape[0],), n_timesteps, device=values.device) if lengths is None \
        else lengths.to(values.device).clamp(max=n_timesteps)
    if n_steps is not None:
        n = n.clamp(max=max(int(n_steps), 1))
    weight = real_step_mask(n, n_timesteps).to(values.dtype)[:, :, None]
    count = weight.sum(dim=1).clamp(min=1)
    loc = (values * weight).sum(dim=1) / count
    std = (((values - loc[:, None]) ** 2 * weight).sum(dim=1) / count).sqrt()
    return loc.to(X.dtype), std.to(X.dtype)


def trailing_moments(X, lengths=None, n_steps=None, window=None):
    """Mean and standard deviation of each sequence's features at every timestep, over the
    real timesteps up to it: causal statistics, which never read a later timestep.

    Parameters
    ----------
    X : Tensor of shape (batch, n_timesteps, n_features)
        Sequences, padded after their ``lengths``.
    lengths : Tensor of shape (batch,), default=None
        True lengths; None when every sequence has ``n_timesteps`` steps.
    n_steps : int, default=None
        Count only the first ``n_steps`` real timesteps of each sequence (at least one).
    window : int, default=None
        Count only the last ``window`` timesteps up to each step (all since the sequence's
        start when None).

    Returns
    -------
    loc, std : Tensor of shape (batch, n_timesteps, n_features)
        At step ``t``: the moments of the counted timesteps in ``[t - window + 1, t]``; past
        the counted timesteps (``t >= n_steps``, or padding), those of the last counted one.
        Accumulated in float64 (running sums about each sequence's first value), returned in
        ``X``'s dtype; ``std`` is the population standard deviation.
    """
    values = X.to(torch.float64)
    batch, n_timesteps = values.shape[:2]
    n = torch.full((batch,), n_timesteps, device=values.device) if lengths is None \
        else lengths.to(values.device).clamp(max=n_timesteps)
    if n_steps is not None:
        n = n.clamp(max=max(int(n_steps), 1))
    counted = real_step_mask(n, n_timesteps).to(values.dtype)[:, :, None]
    origin = values[:, :1]
    centred = (values - origin) * counted
    sums = [torch.cumsum(x, dim=1) for x in (counted.expand_as(values), centred,
                                             centred * centred)]
    if window is not None and int(window) < n_timesteps:
        w = int(window)
        sums = [s - torch.cat([s.new_zeros(batch, w, s.shape[2]), s[:, :-w]], dim=1)
                for s in sums]
    last = (n - 1).clamp(min=0)
    index = torch.minimum(torch.arange(n_timesteps, device=values.device)[None, :],
                          last[:, None])
    index = index[:, :, None].expand(-1, -1, values.shape[2])
    count, total, squares = (s.gather(1, index) for s in sums)
    count = count.clamp(min=1)
    mean = total / count
    var = (squares / count - mean * mean).clamp(min=0)
    return (mean + origin).to(X.dtype), var.sqrt().to(X.dtype)


def stats_at(stats, start, stop=None):
    """Instance statistics ``(loc, scale)`` of timestep ``start`` (``stop`` None) or of the
    timesteps ``start:stop``; per-sequence statistics ``(batch, k)`` hold for every timestep
    and None stays None."""
    if stats is None or stats[0].ndim == 2:
        return stats
    if stop is None:
        return tuple(s[:, start] for s in stats)
    return tuple(s[:, start:stop] for s in stats)


def normalize_by(values, stats):
    """``(values - loc) / scale`` with instance statistics ``(loc, scale)`` (None: as is);
    per-sequence statistics ``(batch, k)`` broadcast over the timesteps of ``(batch, T, k)``."""
    if stats is None:
        return values
    loc, scale = stats
    if values.ndim == 3 and loc.ndim == 2:
        loc, scale = loc[:, None], scale[:, None]
    return (values - loc.to(values.dtype)) / scale.to(values.dtype)


def denormalize_by(values, stats):
    """The inverse of :func:`normalize_by`: ``values * scale + loc``."""
    if stats is None:
        return values
    loc, scale = stats
    if values.ndim == 3 and loc.ndim == 2:
        loc, scale = loc[:, None], scale[:, None]
    return values * scale.to(values.dtype) + loc.to(values.dtype)


def pool_steps(hidden, lengths, pooling, attention=None):
    """One vector per sequence from per-step outputs, over real steps only.

    Parameters
    ----------
    hidden : Tensor of shape (batch, n_steps, width)
    lengths : Tensor of shape (batch,) or None
        Real steps of each sequence (None: all).
    pooling : {"last", "mean", "max", "attention"}
        The last real step, the mean, the element-wise maximum, or the mean weighted by
        ``softmax(attention(hidden))`` over the real steps.
    attention : callable, default=None
        The score of each step, ``(batch, n_steps, 1)``, for ``"attention"``.

    Returns
    -------
    pooled : Tensor of shape (batch, width)
    """
    if pooling == "last":
        return last_real_step(hidden, lengths)
    mask = None if lengths is None else real_step_mask(lengths, hidden.shape[1],
                                                       hidden.device)[:, :, None]
    if pooling == "mean":
        if mask is None:
            return hidden.mean(dim=1)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
    if pooling == "max":
        if mask is None:
            return hidden.amax(dim=1)
        return hidden.masked_fill(~mask, float("-inf")).amax(dim=1)
    scores = attention(hidden)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    return (weights * hidden).sum(dim=1)


class TargetScaling(nn.Module):
    """``x * scale + mean``: standardized read-outs back in the targets' units."""

    def __init__(self, mean, scale, size):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32).reshape(size))
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float32).reshape(size))

    def forward(self, x):
        return x * self.scale + self.mean


def target_scaling(target_mean, target_scale, size):
    """A :class:`TargetScaling` of ``size`` outputs, None when neither statistic is given."""
    if target_mean is None and target_scale is None:
        return None
    mean = [0.0] * size if target_mean is None else target_mean
    scale = [1.0] * size if target_scale is None else target_scale
    return TargetScaling(mean, scale, size)
