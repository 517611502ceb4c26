"""Quantile read-out: the spread of a forecast around its point, as a function of the lead."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["QuantileHead", "check_quantile_levels", "pinball_loss"]


def check_quantile_levels(quantiles):
    """The quantile levels as a sorted tuple of floats, each in ``(0, 1)``, all distinct.

    Parameters
    ----------
    quantiles : sequence of float
        The levels, e.g. ``(0.1, 0.5, 0.9)``.

    Returns
    -------
    levels : tuple of float
        The same levels in increasing order.
    """
    levels = tuple(sorted(float(q) for q in quantiles))
    if not levels or any(not 0.0 < q < 1.0 for q in levels) or len(set(levels)) != len(levels):
        raise ValueError(
            f"quantiles must be distinct levels in the open interval (0, 1); got {quantiles!r}.")
    return levels


class QuantileHead(nn.Module):
    """Offsets of the forecast's quantiles from its point, in standardized target units.

    A linear map of the recurrent layer's hidden output and of the *lead* (how many steps
    the prediction is ahead of the last observed value: 1 for a one-step prediction, ``j +
    1`` for the ``j``-th step of a closed loop): ``offset = W [hidden, sqrt(lead - 1)] + b``,
    one per level and output, sorted along the levels so that the quantiles never cross.
    The hidden output sets the spread of each window; the lead term widens it along the
    closed loop, as errors accumulate (a random walk's spread grows with the square root of
    the lead). The weights start at zero and the bias at the standard normal's quantiles,
    so that an untrained head gives a unit-variance normal band around the point. The buffer
    ``spread`` (1 until a calibration sets it) multiplies every offset in evaluation mode
    (``module.eval()``: forecasts), never while training.

    Parameters
    ----------
    hidden_size : int
        Size of the hidden output read.
    output_size : int
        Number of outputs (targets) per timestep.
    quantiles : sequence of float
        The quantile levels, in ``(0, 1)``.

    Notes
    -----
    ``forward(hidden, lead)`` takes ``hidden`` of shape ``(..., hidden_size)`` and ``lead`` of
    shape ``(..., 1)`` and returns the offsets, shaped ``(..., n_quantiles, output_size)``.
    """

    def __init__(self, hidden_size, output_size, quantiles):
        super().__init__()
        levels = check_quantile_levels(quantiles)
        self.output_size = int(output_size)
        self.register_buffer("levels", torch.tensor(levels, dtype=torch.float32))
        self.linear = nn.Linear(hidden_size + 1, len(levels) * self.output_size)
        self.register_buffer("spread", torch.ones(()))
        self.reset_parameters()

    @property
    def n_quantiles(self):
        return int(self.levels.numel())

    def reset_parameters(self):
        nn.init.zeros_(self.linear.weight)
        with torch.no_grad():
            normal = torch.special.ndtri(self.levels.to(torch.float64)).to(torch.float32)
            self.linear.bias.copy_(normal.repeat_interleave(self.output_size))

    def forward(self, hidden, lead):
        features = torch.cat([hidden, torch.sqrt(lead.to(hidden.dtype) - 1.0)], dim=-1)
        offsets = self.linear(features).unflatten(-1, (self.n_quantiles, self.output_size))
        offsets = torch.sort(offsets, dim=-2).values
        # The calibration scales forecasts only: training (a refit, partial_fit) learns the
        # raw offsets, so that the factor never feeds back into them.
        return offsets if self.training else offsets * self.spread.to(offsets.dtype)


def pinball_loss(quantiles, target, levels, mask=None):
    """Mean pinball (quantile) loss of predicted quantiles.

    Parameters
    ----------
    quantiles : Tensor of shape (..., n_quantiles, n_targets)
        The predicted quantiles.
    target : Tensor of shape (..., n_targets)
        The observed values.
    levels : Tensor of shape (n_quantiles,)
        The quantile levels.
    mask : Tensor of bool, default=None
        The leading positions ``(...)`` the loss reads (all when None).

    Returns
    -------
    loss : Tensor
        ``mean(max(q (y - y_q), (q - 1) (y - y_q)))`` over the positions, levels and targets.
    """
    error = target.unsqueeze(-2) - quantiles
    levels = levels.to(error.dtype)[:, None]
    loss = torch.maximum(levels * error, (levels - 1.0) * error)
    if mask is not None:
        loss = loss[mask]
    return loss.mean()
