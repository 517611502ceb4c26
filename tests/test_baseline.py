"""Issue 19: a fitted model that cannot beat the trivial model says so (BaselineWarning)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.datasets import make_delayed_echo
from seqestimators.exceptions import BaselineWarning


def _baseline_warnings(estimator, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        estimator.fit(X, y)
    return [str(w.message) for w in caught if issubclass(w.category, BaselineWarning)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_regressor_of_pure_noise_warns_on_its_validation_part(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 12, 2)).astype(np.float32)
    y = rng.normal(size=300)                     # independent of X: nothing to learn
    # Measured over seeds 0-5: validation R² -0.59 to -0.99 against the mean's -0.04 to 0.00.
    est = RNNRegressor(hidden_size=32, early_stopping=True, validation_fraction=0.3,
                       n_iter_no_change=None, max_epochs=60, random_state=seed)
    messages = _baseline_warnings(est, X, y)
    assert len(messages) == 1
    assert "validation part" in messages[0] and "training mean" in messages[0]
    assert "R²" in messages[0]


def test_a_classifier_that_fits_nothing_warns_on_its_training_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 8, 1)).astype(np.float32)
    y = np.array([0] * 45 + [1] * 15)             # majority class: 75 %
    est = RNNClassifier(hidden_size=4, max_epochs=1, lr=1e-6, n_iter_no_change=None,
                        random_state=0)
    messages = _baseline_warnings(est, X, y)
    assert len(messages) == 1
    assert "training part" in messages[0] and "majority class" in messages[0]
    assert "does not even fit its training data" in messages[0]


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_model_that_learns_does_not_warn(early_stopping):
    X, y = make_delayed_echo(96, random_state=0, return_X_y=True)
    est = RNNClassifier(hidden_size=16, max_epochs=40, n_iter_no_change=None,
                        early_stopping=early_stopping, random_state=0)
    assert _baseline_warnings(est, X, y) == []
    assert est.score(X, y) > 0.9


def test_carrying_policies_are_not_compared():
    X, y = make_delayed_echo(32, random_state=0, return_X_y=True)
    est = RNNClassifier(hidden_size=4, max_epochs=1, lr=1e-6, state_policy="carry",
                        n_iter_no_change=None, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert est._baseline_comparison(est.fit(X, y)._make_dataset(
            est._validate_X(X, reset=False))) is None


def test_diagnose_has_a_baseline_check_with_the_same_evidence():
    from seqestimators.diagnostics import CHECKS, diagnose

    assert "baseline" in CHECKS
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 12, 2)).astype(np.float32)
    y = rng.normal(size=300)
    noise = diagnose(RNNRegressor(hidden_size=32, max_epochs=60, n_iter_no_change=None,
                                  random_state=0), X, y)
    row = noise.findings.set_index("check").loc["baseline"]
    assert row["status"] == "fail"
    assert "trivial model (training mean)" in row["evidence"]

    X, y = make_delayed_echo(96, random_state=0, return_X_y=True)
    echo = diagnose(RNNClassifier(hidden_size=16, max_epochs=40, n_iter_no_change=None,
                                  random_state=0), X, y)
    row = echo.findings.set_index("check").loc["baseline"]
    assert row["status"] == "ok", row["evidence"]
    assert "majority class" in row["evidence"]
