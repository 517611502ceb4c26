"""RNNForecaster says when it is not better than the naive forecast (issues 18 and 19)."""

import warnings

import numpy as np
import pandas as pd
import pytest

from seqestimators import RNNForecaster
from seqestimators.exceptions import BaselineWarning
from seqestimators.forecasting import backtest
from seqestimators.forecasting._holdout import naive_comparison

FAST = {"hidden_size": 8, "max_epochs": 5, "horizon": 4, "context_length": 8}


def _walk(n=60, random_state=0):
    rng = np.random.default_rng(random_state)
    return pd.Series(100 + rng.normal(0, 1, n).cumsum(),
                     index=pd.period_range("1950", periods=n, freq="Y"), name="walk")


def _baseline_warnings(est, X):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X)
    return [w for w in caught if issubclass(w.category, BaselineWarning)]


#: A network that has learned nothing and forecasts in raw units: values of order 1 for a
#: series around 1000, far worse than the last value, whatever the seed.
UNTRAINED = {"residual": False, "baseline": None, "standardize": False, "window_norm": None,
             "transform": None, "lr": 1e-6, "max_epochs": 1}


@pytest.mark.parametrize("seed", [0, 1])
def test_a_model_worse_than_naive_says_so(seed):
    est = RNNForecaster(random_state=seed, **{**FAST, **UNTRAINED})
    caught = _baseline_warnings(est, 900 + _walk(random_state=seed))
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "no better than the naive forecast" in message and "baseline_check=False" in message
    scores = est.holdout_scores_
    assert scores["model"] > 10 * scores["naive"]
    assert f"{scores['model']:.4g}" in message


@pytest.mark.parametrize("seed", [0, 1])
def test_a_model_better_than_naive_is_quiet(seed):
    # A steady trend: the last value lags it; the drift baseline inside the model follows it.
    rng = np.random.default_rng(seed)
    trend = pd.Series(50 + 2.0 * np.arange(60) + rng.normal(0, 0.3, 60),
                      index=pd.period_range("1950", periods=60, freq="Y"))
    est = RNNForecaster(baseline="drift", random_state=seed, **FAST)
    assert _baseline_warnings(est, trend) == []
    # Measured on 6 seeds: model / naive 0.31..0.65.
    assert est.holdout_scores_["model"] < 0.8 * est.holdout_scores_["naive"]


def test_the_check_can_be_skipped_and_is_skipped_where_it_cannot_apply():
    series = _walk()
    off = RNNForecaster(baseline_check=False, random_state=0, **{**FAST, **UNTRAINED})
    assert _baseline_warnings(off, 900 + series) == [] and off.holdout_scores_ is None
    short = RNNForecaster(hidden_size=8, max_epochs=2, horizon=4, random_state=0)
    short.fit(series.iloc[:10])  # fewer than 2 * horizon + 3 periods: nothing to hold out
    assert short.holdout_scores_ is None
    rng = np.random.default_rng(0)
    y = rng.normal(0, 1, (8, 20)).cumsum(axis=1)
    X = np.concatenate([np.zeros((8, 1)), y[:, :-1]], axis=1)
    on_sequences = RNNForecaster(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    assert on_sequences.holdout_scores_ is None


def test_backtests_do_not_hold_out_twice():
    est = RNNForecaster(random_state=0, **{**FAST, **UNTRAINED})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = backtest(est, 900 + _walk(), horizon=4, cv=2)
    assert not [w for w in caught if issubclass(w.category, BaselineWarning)]
    assert len(frame) == 8


def test_seasonal_naive_is_compared_on_seasonal_series():
    history = np.tile([1.0, 5.0, 3.0, 2.0], 6)[:, None]
    actual = np.array([[1.0], [5.0], [3.0], [2.0]])
    held_out = [(np.array([[1.5], [4.0], [3.0], [2.0]]), actual, None, history)]
    scores = naive_comparison(held_out, period=4)
    assert scores["seasonal_naive"] == 0.0
    assert scores["naive"] > scores["model"] > 0.0
    assert set(naive_comparison(held_out)) == {"model", "naive"}
