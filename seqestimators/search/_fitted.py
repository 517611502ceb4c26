"""What a fitted search exposes: the study's results and the refitted best estimator's methods."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted


def _best_estimator_has(attr):
    """Whether a search can delegate ``attr`` to its (refitted, or else given) estimator.

    The rule of scikit-learn's searches: with ``refit=False`` nothing is delegated; before
    ``fit``, ``hasattr`` answers for the given estimator.
    """

    def check(search):
        if not search.refit:
            raise AttributeError(
                f"This {type(search).__name__} was fitted with refit=False: {attr} is "
                "available only after refitting the best parameters (refit=True)."
            )
        getattr(search.best_estimator_ if hasattr(search, "best_estimator_")
                else search.estimator, attr)
        return True

    return check


class FittedStudySearch:
    """The fitted attributes and prediction methods of a search whose trials live in ``study_``.

    The names and meanings of :class:`optuna_integration.OptunaSearchCV` (``best_params_``,
    ``best_score_``, ``best_trial_``, ``trials_``, ``trials_dataframe()``...) and of
    scikit-learn's searches (``cv_results_``, ``best_index_``, prediction methods delegated to
    ``best_estimator_`` and available only where it has them).
    """

    def _fitted_attributes(self):
        attributes = ["n_splits_", "sample_indices_", "scorer_", "study_"]
        return attributes + (["best_estimator_", "refit_time_"] if self.refit else [])

    def _check_fitted(self):
        check_is_fitted(self, self._fitted_attributes())

    # ------------------------------------------------------------------ the study
    @property
    def best_trial_(self):
        """optuna.trial.FrozenTrial: the best trial of the study."""
        self._check_fitted()
        return self.study_.best_trial

    @property
    def best_index_(self):
        """int: the number of the best trial (its row in ``cv_results_``)."""
        return self.best_trial_.number

    @property
    def best_params_(self):
        """dict: the parameters of the best trial of the whole study."""
        self._check_fitted()
        return self.study_.best_params

    @property
    def best_score_(self):
        """float: the mean cross-validated score of the best trial."""
        self._check_fitted()
        return self.study_.best_value

    @property
    def trials_(self):
        """list of optuna.trial.FrozenTrial: every trial of the study."""
        self._check_fitted()
        return self.study_.trials

    @property
    def n_trials_(self):
        """int: the number of trials in the study."""
        return len(self.trials_)

    @property
    def user_attrs_(self):
        """dict: the study's user attributes."""
        self._check_fitted()
        return self.study_.user_attrs

    def set_user_attr(self, key, value):
        """Set a user attribute of the study (:meth:`optuna.study.Study.set_user_attr`)."""
        self._check_fitted()
        self.study_.set_user_attr(key, value)

    def trials_dataframe(self, *args, **kwargs):
        """The study's trials as a DataFrame (:meth:`optuna.study.Study.trials_dataframe`)."""
        self._check_fitted()
        return self.study_.trials_dataframe(*args, **kwargs)

    @property
    def cv_results_(self):
        """dict of str to list: one entry per trial of the study (see the class docstring)."""
        self._check_fitted()
        trials = self.study_.get_trials(deepcopy=False)
        results = {"number": [t.number for t in trials],
                   "state": [t.state.name for t in trials],
                   "params": [dict(t.params) for t in trials]}
        names = list(dict.fromkeys(name for t in trials for name in t.params))
        for name in names:
            results[f"param_{name}"] = [t.params.get(name) for t in trials]
        keys = list(dict.fromkeys(key for t in trials for key in t.user_attrs))
        for key in keys:
            results[key] = [t.user_attrs.get(key, np.nan) for t in trials]
        if "mean_test_score" in results:
            scores = pd.Series(results["mean_test_score"], dtype=float)
            ranks = scores.rank(method="min", ascending=False, na_option="bottom")
            results["rank_test_score"] = ranks.astype(int).tolist()
        return results

    # ------------------------------------------------------------------ the best estimator
    @property
    def n_features_in_(self):
        """int: the number of features ``best_estimator_`` saw in ``fit`` (``refit=True``).

        As in scikit-learn's searches, an AttributeError (``hasattr`` is False) before ``fit``
        and without a refitted estimator.
        """
        if not self.refit or not hasattr(self, "best_estimator_"):
            raise AttributeError(
                f"{type(self).__name__} has no n_features_in_: it is the refitted "
                "best_estimator_'s (fit with refit=True first)."
            )
        return self.best_estimator_.n_features_in_

    @property
    def classes_(self):
        """ndarray: the class labels of ``best_estimator_`` (classifiers, ``refit=True``)."""
        _best_estimator_has("classes_")(self)
        self._check_fitted()
        return self.best_estimator_.classes_

    @available_if(_best_estimator_has("predict"))
    def predict(self, X, **kwargs):
        """``best_estimator_.predict(X)``."""
        self._check_fitted()
        return self.best_estimator_.predict(X, **kwargs)

    @available_if(_best_estimator_has("predict_proba"))
    def predict_proba(self, X, **kwargs):
        """``best_estimator_.predict_proba(X)``."""
        self._check_fitted()
        return self.best_estimator_.predict_proba(X, **kwargs)

    @available_if(_best_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X, **kwargs):
        """``best_estimator_.predict_log_proba(X)``."""
        self._check_fitted()
        return self.best_estimator_.predict_log_proba(X, **kwargs)

    @available_if(_best_estimator_has("decision_function"))
    def decision_function(self, X, **kwargs):
        """``best_estimator_.decision_function(X)``."""
        self._check_fitted()
        return self.best_estimator_.decision_function(X, **kwargs)

    @available_if(_best_estimator_has("score_samples"))
    def score_samples(self, X, **kwargs):
        """``best_estimator_.score_samples(X)``."""
        self._check_fitted()
        return self.best_estimator_.score_samples(X, **kwargs)

    @available_if(_best_estimator_has("transform"))
    def transform(self, X, *args, **kwargs):
        """``best_estimator_.transform(X)``."""
        self._check_fitted()
        return self.best_estimator_.transform(X, *args, **kwargs)

    @available_if(_best_estimator_has("inverse_transform"))
    def inverse_transform(self, X, *args, **kwargs):
        """``best_estimator_.inverse_transform(X)``."""
        self._check_fitted()
        return self.best_estimator_.inverse_transform(X, *args, **kwargs)

    def score(self, X, y=None):
        """The search's scorer (``scoring``) of ``best_estimator_`` on ``X, y``.

        Parameters
        ----------
        X : array-like or list of arrays
            Sequences.
        y : array-like or list of arrays, default=None
            Targets.

        Returns
        -------
        score : float
        """
        self._check_fitted()
        return self.scorer_(self.best_estimator_, X, y)
