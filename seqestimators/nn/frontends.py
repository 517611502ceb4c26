"""Front-ends: what turns the raw timesteps into the features the recurrent layer reads."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["FRONTENDS", "ConvFrontend", "make_frontend"]


class ConvFrontend(nn.Module):
    """A small stack of 1-D convolutions over time, read by the recurrent layer.

    LSTM-FCN's idea (Karim et al., 2017) in series rather than in parallel: each convolution
    turns a window of neighbouring timesteps into local shape features (a slope, a peak, an
    edge), so that the recurrent layer reads features instead of raw values. Padding never
    reaches a real timestep's features in the causal form: padded steps are zeroed before each
    convolution, and a causal convolution at step ``t`` reads steps ``t - k + 1 .. t`` only.

    The convolutions are causal, so every output and state mechanism stays valid: features at
    step ``t`` depend on steps ``<= t`` only (per-timestep outputs see no future), and padding
    after a sequence's end reaches no real step. Under ``state_policy="carry"`` each chunk's
    first ``sum(kernel_sizes) - len(kernel_sizes)`` steps do not see the previous chunk's end:
    the receptive field is not carried, only the recurrent state.

    Parameters
    ----------
    input_size : int
        Features per timestep.
    channels : tuple of int, default=(32, 32)
        Output channels of each convolution.
    kernel_sizes : tuple of int, default=(7, 5)
        Kernel size of each convolution (same length as ``channels``).
    causal : bool, default=True
        Pad on the left only, so that features at step ``t`` depend on steps ``<= t`` (needed
        for per-timestep outputs and streams); with False, the window is centred on ``t``
        (for per-sequence outputs only).

    Notes
    -----
    ``forward(X, mask)`` takes ``X`` of shape ``(batch, n_timesteps, input_size)`` and the
    boolean ``mask`` of real timesteps ``(batch, n_timesteps)`` (None: all real) and returns
    features of shape ``(batch, n_timesteps, channels[-1])``, zero on padded steps.
    """

    def __init__(self, input_size, channels=(32, 32), kernel_sizes=(7, 5), causal=True):
        super().__init__()
        channels, kernel_sizes = tuple(channels), tuple(kernel_sizes)
        if len(channels) != len(kernel_sizes) or not channels:
            raise ValueError("channels and kernel_sizes must be non-empty and of equal length; "
                             f"got {channels} and {kernel_sizes}.")
        self.causal = bool(causal)
        self.kernel_sizes = kernel_sizes
        sizes = (input_size, *channels)
        self.convs = nn.ModuleList(
            nn.Conv1d(n_in, n_out, k) for n_in, n_out, k in zip(sizes[:-1], sizes[1:], kernel_sizes))
        self.output_size = channels[-1]

    def _pad(self, x, k):
        left = k - 1 if self.causal else (k - 1) // 2
        return nn.functional.pad(x, (left, k - 1 - left))

    def forward(self, X, mask=None):
        x = X.transpose(1, 2)
        keep = None if mask is None else mask[:, None, :].to(X.dtype)
        for conv, k in zip(self.convs, self.kernel_sizes):
            if keep is not None:
                x = x * keep
            x = torch.relu(conv(self._pad(x, k)))
        if keep is not None:
            x = x * keep
        return x.transpose(1, 2)


#: The front-ends an estimator's ``frontend`` parameter names (None: the raw timesteps).
FRONTENDS = {"conv": ConvFrontend}


def make_frontend(name, input_size):
    """The front-end called ``name`` for ``input_size`` features, or None for ``name=None``."""
    if name is None:
        return None
    try:
        return FRONTENDS[name](input_size)
    except KeyError:
        raise ValueError(f"frontend must be None or one of {sorted(FRONTENDS)}; got {name!r}.") from None
