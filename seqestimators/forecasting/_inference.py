"""Predictions of the forecaster: one step ahead from trailing windows, and closed loops."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import torch
from sklearn.utils import check_array, check_scalar
from sklearn.utils.validation import check_is_fitted

from ..data import Sequences, check_sequences, last_real_step, unpad_sequences
from ..state import map_state
from ._long_format import is_long_panel
from ._scaling import check_positive, transform_sequences
from ._series import is_time_series
from ._windows import last_steps, window_views

__all__ = ["InferenceMixin"]


class InferenceMixin:
    """One-step predictions and closed-loop forecasts of :class:`RNNForecaster`."""

    def _predict_outputs(self, X):
        """Validated ``X`` and the outputs, in the units of ``y`` (the transform undone).

        A model trained on windows predicts every timestep from the window of its last
        ``context_length_`` timesteps, as it was trained.
        """
        if getattr(self, "context_length_", None) is None:
            sequences, outputs = super()._predict_outputs(X)
        else:
            check_is_fitted(self)
            with self._runtime():
                sequences = self._validate_X(X, reset=False)
                outputs = self._window_outputs(sequences)
        return sequences, self._inverse_transform(outputs)

    def _validate_X(self, X, *, reset):
        sequences = super()._validate_X(X, reset=reset)
        if not reset and getattr(self, "transform_", None) == "log":
            check_positive(None, sequences, self.feedback_features_, type(self).__name__)
            transform_sequences(sequences, self.feedback_features_, np.log)
        return sequences

    def _window_outputs(self, sequences):
        lengths = sequences.true_lengths()
        windows, window_lengths = window_views(sequences.values, lengths, self.context_length_)
        dataset = self._make_dataset(Sequences(windows, window_lengths, "3d"))
        out, _ = self._forward_dataset(dataset)
        last = last_real_step(out, window_lengths)
        outputs = np.zeros((sequences.n_samples, sequences.n_timesteps, last.shape[-1]),
                           np.float32)
        rows = np.repeat(np.arange(sequences.n_samples), lengths)
        steps = np.concatenate([np.arange(n) for n in lengths])
        outputs[rows, steps] = last
        return outputs

    def _inverse_transform(self, outputs):
        if getattr(self, "transform_", None) == "log":
            return np.exp(outputs.astype(np.float64))
        return outputs

    # ------------------------------------------------------------------ forecasting
    def _check_exogenous(self, exogenous, n_samples, n_steps):
        name = type(self).__name__
        exo, fb = self.exogenous_features_, self.feedback_features_
        if len(exo) == 0:
            if exogenous is not None:
                raise ValueError(
                    f"{name} was fitted without exogenous features (every feature of X is fed "
                    "back), so exogenous must be None; the future is generated from the "
                    "predictions alone."
                )
            return None
        if exogenous is None:
            raise ValueError(
                f"{name} was fitted with exogenous features {exo.tolist()}: their future "
                f"values are needed. Pass exogenous, an array of shape (n_samples, n_steps, "
                f"{len(exo)}) = ({n_samples}, {n_steps}, {len(exo)}), e.g. "
                f"X_future[:, :, {exo.tolist()}]; the fed-back feature(s) {fb.tolist()} are "
                "generated."
            )
        exogenous = check_array(exogenous, ensure_2d=False, allow_nd=True, dtype=np.float32,
                                input_name="exogenous", estimator=self)
        if exogenous.ndim == 2 and len(exo) == 1:
            exogenous = exogenous[:, :, None]
        expected = (n_samples, n_steps, len(exo))
        if exogenous.shape != expected:
            extra = ""
            if exogenous.ndim == 3 and exogenous.shape[2] == self.input_size_:
                extra = (f" It holds all {self.input_size_} features: pass only the exogenous "
                         f"ones, X_future[:, :, {exo.tolist()}]; the fed-back feature(s) "
                         f"{fb.tolist()} are generated, never given for the future.")
            raise ValueError(
                f"exogenous has shape {exogenous.shape}, but {name} expects (n_samples, "
                f"n_steps, n_exogenous) = {expected}: the exogenous features {exo.tolist()} "
                f"of the {n_steps} generated timesteps of each of the {n_samples} "
                f"sequences.{extra}"
            )
        return exogenous

    def forecast(self, X, n_steps, *, exogenous=None, include_prefix=False,
                 return_quantiles=False):
        """Closed-loop forecast: each prediction is fed back as the next input.

        The observed prefix ``X`` is read as it is (like :meth:`predict`); then, for
        ``n_steps`` timesteps, the feedback features of each new input are the previous
        prediction and the exogenous features come from ``exogenous``. The hidden state runs on
        from the end of the prefix (of each sequence's real end, for ragged prefixes). A model
        trained on windows reads only the last ``context_length_`` timesteps of each prefix,
        the context it was trained to forecast from.

        The result is aligned with ``y``: for a prefix ``X[:, :t0]`` the forecast estimates
        ``y[:, t0:t0 + n_steps]``. For the thrown ball, where ``y[t]`` is the height at
        ``t + 1``, three observed heights ``X[:, :3]`` give the heights at timesteps
        ``4, 5, ...``; the height at timestep 3 is the one-step prediction
        ``predict(X[:, :3])[:, -1]``, included with ``include_prefix=True``.

        **Series** (a model fitted with ``fit(series)``): ``X`` is a series (a pandas Series or
        DataFrame on a time index, a 1D array, or a list of them) and the result is the
        forecast of the ``n_steps`` periods after its end, indexed by those periods (a Series
        for one target, a DataFrame of the target columns for several; for a long-format
        ``unique_id``/``ds``/``y`` frame, a long frame of ``unique_id``, ``ds`` and ``y``
        rows). ``exogenous`` then holds the exogenous columns for those future periods (a
        DataFrame; the value of the last period is not needed, as it informs only the period
        after the forecast). A model fitted with ``quantiles`` returns a DataFrame per series:
        the point forecast, then one column per level (``"q0.1"``, ...; see ``quantiles``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features), list, DataFrame or Series
            The observed prefixes, all features included (a 2D array is a batch of univariate
            prefixes; ragged lists are accepted), or the observed series.
        n_steps : int
            Number of timesteps (periods) to generate after each prefix.
        exogenous : array-like of shape (n_samples, n_steps, n_exogenous) or DataFrame, \
default=None
            The future values of the exogenous features ``exogenous_features_`` (in that
            order) for the generated timesteps: required when the model has exogenous
            features, and must be None when it has none. The fed-back features are never
            given for the future. A 2D array ``(n_samples, n_steps)`` is accepted for a single
            exogenous feature.
        include_prefix : bool, default=False
            Prepend the one-step-ahead predictions over the prefix (those of
            :meth:`predict`), so that the result is aligned with ``y`` from timestep 0
            (sequences only).
        return_quantiles : bool, default=False
            Sequences only, for a model fitted with ``quantiles``: also return the quantile
            forecasts (series return them as columns).

        Returns
        -------
        y_forecast : ndarray of float64, Series or DataFrame
            ``(n_samples, n_steps)`` for one target per timestep, ``(n_samples, n_steps,
            n_targets)`` for several; with ``include_prefix=True`` the time axis has
            ``n_timesteps + n_steps`` steps, and ragged prefixes give a list of arrays. For a
            series: its forecast (a Series or DataFrame on the future periods, a 1D array for
            an array, a list for a list).
        y_quantiles : ndarray of float64
            With ``return_quantiles=True``: ``(n_samples, n_steps, n_quantiles)`` for one
            target, ``(n_samples, n_steps, n_targets, n_quantiles)`` for several, the levels
            ``quantiles_`` in order.

        Notes
        -----
        Under ``state_policy="carry"`` the prefix starts from the carried state, which the
        forecast leaves unchanged: the forecast is a hypothetical continuation.
        """
        check_is_fitted(self)
        n_steps = check_scalar(n_steps, "n_steps", Integral, min_val=1)
        if is_long_panel(X) or is_time_series(X) or (isinstance(X, np.ndarray) and X.ndim == 1) or (
                isinstance(X, list) and X and all(
                    isinstance(x, np.ndarray) and x.ndim == 1 for x in X)):
            return self._forecast_series(X, n_steps, exogenous)
        with self._runtime():
            sequences = check_sequences(X, estimator=self)
            if sequences.n_features != self.input_size_:
                raise ValueError(
                    f"X has {sequences.n_features} features per timestep, but "
                    f"{type(self).__name__} is expecting {self.input_size_} features as input."
                )
            exo = self._check_exogenous(exogenous, sequences.n_samples, n_steps)
            if return_quantiles and (include_prefix or not getattr(self, "quantiles_", None)):
                raise ValueError(
                    "return_quantiles=True needs a model fitted with quantiles (got "
                    f"quantiles={self.quantiles!r}) and include_prefix=False.")
            prefix, generated = self._closed_loop(sequences, n_steps, exo,
                                                  quantiles=return_quantiles)
        if return_quantiles:
            k = self.n_targets_
            levels = generated[..., k:].reshape(*generated.shape[:2], -1, k)
            levels = np.moveaxis(levels, 2, -1).astype(np.float64)
            return (self._reshape_predictions(generated[..., :k]),
                    levels[:, :, 0] if self.target_ndim_ == 2 else levels)
        generated = self._reshape_predictions(generated)
        if not include_prefix:
            return generated
        if self.context_length_ is not None:
            prefix = self._predict_outputs(X)[1]
        prefix = self._reshape_predictions(prefix)
        if not sequences.padded:
            return np.concatenate([prefix, generated], axis=1)
        parts = unpad_sequences(prefix, sequences.lengths)
        return [np.concatenate([p, g], axis=0) for p, g in zip(parts, generated)]

    def _closed_loop(self, sequences, n_steps, exo, quantiles=False):
        """Prefix outputs and ``n_steps`` generated outputs (data units), as float arrays;
        with ``quantiles`` (and fitted levels), the quantiles follow the points on the last
        axis, level by level."""
        if self.transform_ == "log":
            check_positive(None, sequences, self.feedback_features_, type(self).__name__)
            transform_sequences(sequences, self.feedback_features_, np.log)
        values, lengths = sequences.values, sequences.lengths
        if self.context_length_ is not None:
            values, lengths = last_steps(values, lengths, self.context_length_)
        device = self.device
        values = torch.from_numpy(np.ascontiguousarray(values)).to(device)
        # The network reads lengths only where some prefix is padded.
        lengths = torch.from_numpy(lengths).to(device) \
            if bool((lengths < values.shape[1]).any()) else None
        exo_t = None if exo is None else torch.from_numpy(exo).to(device)
        state = self._carried_state_for(sequences.n_samples)
        module = self.module_
        if module.training:
            module.eval()
        with torch.inference_mode():
            dtype = self._module_dtype()
            state = map_state(lambda s: s.to(device=device, dtype=dtype), state)
            prefix, generated, _ = module.forecast(
                values.to(dtype), n_steps,
                exogenous=None if exo_t is None else exo_t.to(dtype),
                lengths=lengths, state=state,
                quantiles=bool(quantiles and getattr(self, "quantiles_", None)))
        return (self._inverse_transform(prefix.float().cpu().numpy()),
                self._inverse_transform(generated.float().cpu().numpy()))

