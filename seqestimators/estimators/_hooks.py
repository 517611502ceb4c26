"""The estimators' side of skorch: parameters, default callbacks, iterators, pickling.

Every method here overrides a public skorch (or scikit-learn) hook.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator
from skorch.callbacks import (
    EpochScoring,
    EpochTimer,
    GradientNormClipping,
    PassthroughScoring,
    PrintLog,
)

from ..callbacks import ConvergenceCheck, DivergenceCheck, PlateauLRScheduler
from ..state import map_state
from ._device import resolve_device
from ._inference import score_dataset

__all__ = ["SkorchHooksMixin"]


class SkorchHooksMixin:
    """Parameters as scikit-learn sees them, and skorch's construction hooks."""

    # ------------------------------------------------------------------ parameters
    def _set_prefixed_params(self, kwargs):
        """Store the prefixed skorch parameters (``module__*``, ``callbacks__*``, ...).

        As skorch's own ``__init__`` does (which the estimators do not call: it would set
        ``history_`` and ``initialized_`` in ``__init__``); skorch validates the names in
        ``_params_to_validate`` when it initializes, and has no public way to register them.
        """
        self._params_to_validate = set(kwargs)
        vars(self).update(kwargs)

    def _get_param_names(self):
        # skorch lists every instance attribute not ending in "_" as a parameter; private
        # bookkeeping (``_train_state``...) is not one. scikit-learn and skorch offer no public
        # hook (no public way) for the parameter list, so this overrides their private one.
        return [k for k in self.__dict__ if not k.endswith("_") and not k.startswith("_")]

    def get_params(self, deep=True, **kwargs):
        params = super().get_params(deep=deep, **kwargs)
        if "device" in params:
            params["device"] = self.__dict__.get("device", "cpu")
        return params

    def set_params(self, **params):
        """Set the parameters of this estimator (nested ``module__*``, ``callbacks__*`` too).

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : object
            The estimator.
        """
        if "callbacks" in params and not self.initialized_:
            # skorch builds the callbacks right away; scikit-learn validates only in fit.
            self.callbacks = params.pop("callbacks")
        return super().set_params(**params)

    # scikit-learn's representation (non-default parameters only, and the notebook diagram)
    # instead of skorch's "<class ...>[uninitialized](...)".
    __repr__ = BaseEstimator.__repr__

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.three_d_array = True
        return tags

    # ------------------------------------------------------------------ construction
    def get_default_callbacks(self):
        """skorch's default callbacks, with clipping, divergence, plateau and convergence checks."""
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            (self._valid_score_name, EpochScoring(
                score_dataset, name=self._valid_score_name, lower_is_better=False,
                use_caching=False)),
            ("gradient_clip", GradientNormClipping(gradient_clip_value=1.0)),
            ("divergence", DivergenceCheck()),
            ("lr_scheduler", PlateauLRScheduler()),
            ("convergence", ConvergenceCheck()),
            ("print_log", PrintLog()),
        ]

    def initialize(self):
        """Initialize the callbacks, module, criterion and optimizer (skorch's hook).

        ``device`` is checked here: a CUDA device without a GPU is a clear error. The settings
        resolved in ``fit`` (``patch_size_``, ...) are read, never recomputed.
        """
        resolve_device(self.__dict__.get("device", "cpu"))
        return super().initialize()

    def initialize_module(self):
        kwargs = self._module_kwargs()
        kwargs.update(self.get_params_for("module"))
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self

    def check_data(self, X, y=None):
        """Validation happens before skorch sees the data (in ``fit``)."""

    def get_iterator(self, dataset, training=False):
        prefix = "iterator_train" if training else "iterator_valid"
        kwargs = self.get_params_for(prefix)
        iterator = self.iterator_train if training else self.iterator_valid
        if training and "shuffle" not in kwargs:
            kwargs["shuffle"] = self._state_policy.shuffles_training_batches()
        kwargs.setdefault("batch_size", self.batch_size)
        if kwargs["batch_size"] == -1:
            kwargs["batch_size"] = len(dataset)
        return iterator(dataset, **kwargs)

    # ------------------------------------------------------------------ pickling
    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_carry_lock", None)
        if state.get("carried_state_") is not None:
            state["carried_state_"] = map_state(lambda s: s.cpu(), state["carried_state_"])
        return state

    def __setstate__(self, state):
        requested = state.get("device")
        if requested == "auto":
            state["device"] = resolve_device("auto")
        super().__setstate__(state)
        # skorch maps a missing GPU to torch.device("cpu"); keep the parameter a plain string.
        self.device = requested if requested == "auto" else str(self.__dict__["device"])
