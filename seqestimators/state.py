"""Hidden-state policies: what a recurrent estimator starts each batch from.

A policy is one object that answers every question the estimators, the searches, the command
line and the exporters ask about the initial hidden state, so that adding a policy means adding
one class to :data:`STATE_POLICIES` here:

===========  ===============================================================================
``reset``    zeros for every batch: independent sequences (the default)
``carry``    the final state of one training batch, detached, starts the next one, across
             batches, epochs and calls (Keras ``stateful=True``): consecutive chunks of a stream
``learned``  a trainable initial state, the same for every sequence
===========  ===============================================================================

Only training passes move the carried state (and, as documented, ``partial_fit`` and the
prediction methods, which continue a stream chunk by chunk); validation passes and the
per-epoch scoring never do.
"""

from __future__ import annotations

import warnings

__all__ = [
    "STATE_POLICIES",
    "StatePolicy",
    "detach_state",
    "get_state_policy",
    "map_state",
    "resize_state",
]


def map_state(fn, state):
    """``fn`` applied to a state tensor, or to each tensor of a state tuple (None stays None)."""
    if state is None:
        return None
    return tuple(fn(s) for s in state) if isinstance(state, tuple) else fn(state)


def detach_state(state):
    """The state cut from the autograd graph: gradients never flow into the next batch."""
    return map_state(lambda s: s.detach(), state)


def resize_state(state, batch_size, *, fill=0.0):
    """A state of layout ``(layers, batch0, ...)`` cut or padded to ``batch_size`` rows.

    Rows past the carried ones have no history: they are filled with ``fill`` (zeros for a
    recurrent state; the forecaster pads its fed-back values with NaN, "no previous output").

    Parameters
    ----------
    state : Tensor or tuple of Tensor
        Each tensor of shape ``(n_layers, batch0, ...)``.
    batch_size : int
        Rows of the result.
    fill : float or sequence of float, default=0.0
        Value of new rows, one per tensor of a tuple state or one for all.

    Returns
    -------
    state : Tensor or tuple of Tensor
        Each tensor of shape ``(n_layers, batch_size, ...)``.
    """
    import torch  # here, so that the command line can read the policies without torch

    tensors = state if isinstance(state, tuple) else (state,)
    fills = fill if isinstance(fill, (list, tuple)) else [fill] * len(tensors)
    out = []
    for s, value in zip(tensors, fills):
        if s.shape[1] >= batch_size:
            out.append(s[:, :batch_size])
        else:
            pad = s.new_full((s.shape[0], batch_size - s.shape[1], *s.shape[2:]), value)
            out.append(torch.cat([s, pad], dim=1))
    return tuple(out) if isinstance(state, tuple) else out[0]


class StatePolicy:
    """What a batch's initial hidden state is, and what that implies.

    Attributes
    ----------
    name : str
        The value of the estimators' ``state_policy`` parameter.
    carries : bool
        Whether the final state of a training batch starts the next batch (and call).
    learned_initial_state : bool
        Whether the network holds a trainable initial state.
    summary : str
        One line for tables and help texts.
    """

    name = ""
    carries = False
    learned_initial_state = False
    summary = ""

    def shuffles_training_batches(self):
        """Whether training batches are shuffled by default (never when a stream is carried)."""
        return not self.carries

    def check_params(self, estimator):
        """Raise ``ValueError`` for parameter combinations this policy cannot honour."""

    def warn_misuse(self, estimator, n_samples, *, stacklevel=3):
        """Warn when ``fit`` is about to use the policy in a way that defeats it."""

    def serves_stateless(self):
        """Whether a fitted model's predictions depend on its inputs only (exportable as is)."""
        return not self.carries

    def __repr__(self):
        return f"StatePolicy({self.name!r})"


class ResetPolicy(StatePolicy):
    name = "reset"
    summary = "zero initial state for every batch: independent sequences"


class LearnedPolicy(StatePolicy):
    name = "learned"
    learned_initial_state = True
    summary = "a trainable initial state shared by all sequences"


class CarryPolicy(StatePolicy):
    name = "carry"
    carries = True
    summary = "the final state of a batch starts the next one: chunks of a stream"

    def check_params(self, estimator):
        if getattr(estimator, "bidirectional", False):
            raise ValueError(
                "state_policy='carry' continues each sequence from where the previous batch "
                "ended, but bidirectional=True also reads every sequence backwards from its "
                "end, which has no previous batch to continue. Use bidirectional=False with "
                "'carry', or state_policy='reset' for independent sequences."
            )

    def warn_misuse(self, estimator, n_samples, *, stacklevel=3):
        shuffled = bool(estimator.get_params_for("iterator_train").get("shuffle", False))
        if not (shuffled or estimator.max_epochs > 1):
            return
        reason = "shuffled" if shuffled else f"re-used over up to {estimator.max_epochs} epochs"
        warnings.warn(
            f"state_policy='carry' passes the final hidden state of each batch into the next "
            f"batch and epoch, but the {n_samples} training sequence(s) are {reason}: each "
            "sequence starts from the state where an unrelated one ended. This is the classic "
            "cause of a recurrent network that behaves memorylessly. Use "
            "state_policy='reset' for independent sequences, and carry only for consecutive "
            "chunks of a stream (partial_fit with max_epochs=1, or tbptt_steps).",
            UserWarning, stacklevel=stacklevel + 1,
        )


#: Every policy by name: the choices of ``state_policy`` everywhere (estimators, searches, CLI).
STATE_POLICIES = {policy.name: policy for policy in (ResetPolicy(), CarryPolicy(), LearnedPolicy())}


def get_state_policy(name):
    """The :class:`StatePolicy` called ``name``.

    Parameters
    ----------
    name : str or StatePolicy
        A key of :data:`STATE_POLICIES`, or a policy (returned as is).

    Returns
    -------
    policy : StatePolicy

    Examples
    --------
    >>> from seqestimators.state import get_state_policy
    >>> get_state_policy("carry").carries
    True
    >>> sorted(STATE_POLICIES)
    ['carry', 'learned', 'reset']
    """
    if isinstance(name, StatePolicy):
        return name
    try:
        return STATE_POLICIES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"state_policy must be one of {sorted(STATE_POLICIES)}; got {name!r}."
        ) from None
