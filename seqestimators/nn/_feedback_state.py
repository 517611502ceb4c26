"""The state layout of :class:`~seqestimators.nn.FeedbackNetwork`: the recurrent state, the last
output, the last feedback input and, with a seasonal lag, the last season of feedback inputs."""

from __future__ import annotations

from .states import expand_initial_state

__all__ = ["FeedbackStateMixin"]


class FeedbackStateMixin:
    """Splitting and joining the feedback network's state tuple (see its class notes)."""

    def _split_state(self, state, batch_size):
        """``(recurrent state, last output, last feedback input, last season)``, Nones at the
        start; the season (``seasonal_lag`` only) holds the last ``m`` feedback inputs
        ``(batch, m, output_size)``, NaN where unknown."""
        rnn_state, previous, previous_fed, season = None, None, None, None
        if state is not None:
            state = tuple(state)
            rnn_state = state[:self.n_rnn_states] if self.n_rnn_states > 1 else state[0]
            previous = state[self.n_rnn_states][0]
            previous_fed = state[self.n_rnn_states + 1][0]
            if self.seasonal_lag:
                season = state[self.n_rnn_states + 2][0].reshape(
                    batch_size, self.seasonal_lag, self.output_size)
        if rnn_state is None and self.initial_state is not None:
            rnn_state = expand_initial_state(self.initial_state, batch_size)
        return rnn_state, previous, previous_fed, season

    def state_fill(self):
        """Fill value of each state tensor for rows that start a new stream.

        Zeros for the recurrent state and NaN, "no previous output", for the fed-back values
        (see :func:`seqestimators.state.resize_state`).
        """
        return [0.0] * self.n_rnn_states + [float("nan")] * (3 if self.seasonal_lag else 2)

    def _join_state(self, rnn_state, previous, previous_fed, season=None):
        rnn = tuple(rnn_state) if isinstance(rnn_state, tuple) else (rnn_state,)
        if not self.seasonal_lag:
            return (*rnn, previous[None], previous_fed[None])
        return (*rnn, previous[None], previous_fed[None],
                season.reshape(1, season.shape[0], -1))

    def _empty_season(self, like, batch_size):
        return like.new_full((batch_size, self.seasonal_lag, self.output_size), float("nan"))

