"""The state policies and their registry."""

from __future__ import annotations

import warnings

from ._tensors import detach_state, resize_state

__all__ = [
    "STATE_POLICIES",
    "CarryContinuationWarning",
    "CarryPolicy",
    "LearnedPolicy",
    "ResetPolicy",
    "StatePolicy",
    "get_state_policy",
]


class CarryContinuationWarning(UserWarning):
    """A note that a carried hidden state continues from a row it may not belong to.

    Issued under ``state_policy="carry"`` when training re-uses or shuffles sequences (each then
    starts where an unrelated one ended) and when a batch holds more rows than the carried
    state (the extra rows start new streams). Silence it with
    ``warnings.filterwarnings("ignore", category=CarryContinuationWarning)``.
    """


class StatePolicy:
    """What a batch's initial hidden state is, and what a batch leaves for the next one.

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

    def initial_state(self, carried, n_rows, *, fill=0.0):
        """The state a batch of ``n_rows`` sequences starts from; None for the network's own.

        Parameters
        ----------
        carried : Tensor, tuple of Tensor or None
            The state the previous batch left (the estimator's ``carried_state_``).
        n_rows : int
            Sequences in the batch.
        fill : float or sequence of float, default=0.0
            Value of rows that have no carried history.
        """
        return None

    def next_state(self, carried, final):
        """The state left for the next batch, from the previous one and this batch's ``final``."""
        return None

    def continuation_note(self, carried, n_rows):
        """Why starting ``n_rows`` sequences from ``carried`` may surprise, or None.

        The estimators issue it as a :class:`CarryContinuationWarning`, once per cause and
        call.
        """
        return None

    @property
    def needs_final_state(self):
        """Whether a training batch must return its final state (to hand it on)."""
        return self.carries

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

    def initial_state(self, carried, n_rows, *, fill=0.0):
        if carried is None:
            return None
        return resize_state(carried, n_rows, fill=fill)

    def continuation_note(self, carried, n_rows):
        if carried is None:
            return None
        rows = (carried[0] if isinstance(carried, tuple) else carried).shape[1]
        if rows >= n_rows:
            return None
        return (
            f"state_policy='carry' continues row i of each batch from row i of the "
            f"previous one, but a batch has {n_rows} rows and the carried state {rows}: "
            f"rows {rows}..{n_rows - 1} start new streams from a zero state. Pass the same "
            "number of streams every time (a batch_size that divides the number of "
            "sequences), or call reset_state() to start over."
        )

    def next_state(self, carried, final):
        return detach_state(final)

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
            CarryContinuationWarning, stacklevel=stacklevel + 1,
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
    >>> from seqestimators.state import STATE_POLICIES, get_state_policy
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
