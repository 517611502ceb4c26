"""EnsembleForecaster: seed and window-length ensembles of RNNForecaster (issue 18)."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state

from seqestimators import RNNForecaster, io
from seqestimators.datasets import load_airline, make_ball_trajectory
from seqestimators.forecasting import (
    EnsembleForecaster,
    aggregate_forecasts,
    backtest,
    make_forecast_scorer,
)

TINY = RNNForecaster(hidden_size=4, max_epochs=2)


def _fit(data, y=None, **params):
    est = EnsembleForecaster(TINY, **{"n_estimators": 3, "random_state": 0, **params})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(data, y)


@pytest.fixture(scope="module")
def airline():
    y = load_airline().series
    return y.iloc[:-12], y.iloc[-12:]


@pytest.fixture(scope="module")
def fitted(airline):
    return _fit(airline[0], context_lengths=[12, 24])


def _panel():
    y = load_airline().series
    return [y.iloc[:60].rename("a"), (y.iloc[40:100] * 10).rename("b")]


# ------------------------------------------------------------------ members
def test_members_have_their_own_seeds_and_cycle_through_the_context_lengths(airline):
    est = _fit(airline[0], n_estimators=4, context_lengths=[12, 24])
    seeds = check_random_state(0).randint(np.iinfo(np.int32).max, size=4)
    assert [m.random_state for m in est.estimators_] == [int(s) for s in seeds]
    assert len({m.random_state for m in est.estimators_}) == 4
    assert [m.context_length for m in est.estimators_] == [12, 24, 12, 24]
    assert [m.context_length_ for m in est.estimators_] == [12, 24, 12, 24]
    # The template is cloned, never fitted or changed.
    assert est.estimator is TINY and not hasattr(TINY, "module_")
    assert TINY.random_state is None and TINY.context_length == "auto"


def test_without_context_lengths_members_keep_the_estimators_window(fitted, airline):
    est = _fit(airline[0], n_estimators=2)
    assert [m.context_length for m in est.estimators_] == ["auto", "auto"]
    assert len({m.random_state for m in est.estimators_}) == 2


def test_a_member_is_the_single_forecaster_of_its_seed(fitted, airline):
    member = fitted.estimators_[1]
    single = clone(TINY).set_params(random_state=member.random_state, context_length=24)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single.fit(airline[0])
    np.testing.assert_allclose(single.forecast(airline[0], 6), member.forecast(airline[0], 6))


def test_the_same_random_state_gives_the_same_ensemble(fitted, airline):
    again = _fit(airline[0], context_lengths=[12, 24])
    np.testing.assert_allclose(again.forecast(airline[0], 6), fitted.forecast(airline[0], 6))
    other = _fit(airline[0], context_lengths=[12, 24], random_state=1)
    assert [m.random_state for m in other.estimators_] != \
        [m.random_state for m in fitted.estimators_]


def test_the_default_estimator_is_the_forecasters_defaults():
    members = EnsembleForecaster(n_estimators=2, random_state=0)._members(None)
    assert all(type(m) is RNNForecaster for m in members)
    defaults = RNNForecaster().get_params(deep=False)
    for member in members:
        params = member.get_params(deep=False)
        assert isinstance(params.pop("random_state"), int)
        assert params.pop("baseline_check") is False  # the members skip their held-out check
        assert params == {k: v for k, v in defaults.items()
                          if k not in ("random_state", "baseline_check")}


# ------------------------------------------------------------------ outputs
@pytest.mark.parametrize("aggregate, statistic", [("median", np.median), ("mean", np.mean)])
def test_a_series_forecast_is_the_members_median_or_mean(fitted, airline, aggregate, statistic):
    est = clone(fitted).set_params(aggregate=aggregate)
    est.estimators_ = fitted.estimators_       # the same members, aggregated another way
    forecast = est.forecast(airline[0], 12)
    members = [m.forecast(airline[0], 12) for m in fitted.estimators_]
    assert isinstance(forecast, pd.Series)
    assert forecast.index.equals(members[0].index) and forecast.name == members[0].name
    np.testing.assert_allclose(forecast.to_numpy(), statistic(np.stack(members), axis=0))
    if aggregate == "median":  # three members: at every step the median is one of them
        assert np.isclose(np.stack(members), forecast.to_numpy()).any(axis=0).all()


def test_an_array_series_gives_an_array(airline):
    values = airline[0].to_numpy()
    est = _fit(values)
    forecast = est.forecast(values, 5)
    assert isinstance(forecast, np.ndarray) and forecast.shape == (5,)
    np.testing.assert_allclose(
        forecast, np.median([m.forecast(values, 5) for m in est.estimators_], axis=0))


def test_a_list_of_series_gives_a_list_and_a_long_frame_a_long_frame():
    panel = _panel()
    est = _fit(panel)
    forecasts = est.forecast(panel, 4)
    assert isinstance(forecasts, list) and len(forecasts) == 2
    for i, f in enumerate(forecasts):
        members = [m.forecast(panel, 4)[i] for m in est.estimators_]
        assert isinstance(f, pd.Series) and f.index.equals(members[0].index)
        np.testing.assert_allclose(f.to_numpy(), np.median(np.stack(members), axis=0))

    long = pd.concat([pd.DataFrame({"unique_id": s.name, "ds": s.index.to_timestamp(),
                                    "y": s.to_numpy()}) for s in panel], ignore_index=True)
    est = _fit(long)
    out = est.forecast(long, 4)
    members = [m.forecast(long, 4) for m in est.estimators_]
    assert list(out.columns) == list(members[0].columns)
    pd.testing.assert_frame_equal(out[["unique_id", "ds"]], members[0][["unique_id", "ds"]])
    np.testing.assert_allclose(out["y"], np.median([m["y"] for m in members], axis=0))


def test_sequences_with_targets():
    X, y = make_ball_trajectory(16, 12, random_state=0, return_X_y=True)
    est = _fit(X, y, aggregate="mean")
    members = est.estimators_
    assert est.predict(X).shape == (16, 12)
    np.testing.assert_allclose(est.predict(X), np.mean([m.predict(X) for m in members], axis=0))
    assert est.forecast(X[:, :3], 5).shape == (16, 5)
    assert est.forecast(X[:, :3], 5, include_prefix=True).shape == (16, 8)
    # score: the forecaster's rule (R² over every real timestep) on the ensemble's outputs.
    expected = r2_score(y.reshape(-1), est.predict(X).reshape(-1))
    assert est.score(X, y) == pytest.approx(expected)


def test_members_fitted_in_parallel_are_those_fitted_one_after_the_other():
    X, y = make_ball_trajectory(8, 10, random_state=0, return_X_y=True)
    one, two = (_fit(X, y, n_estimators=2, n_jobs=n_jobs) for n_jobs in (None, 2))
    assert [m.random_state for m in one.estimators_] == [m.random_state for m in two.estimators_]
    np.testing.assert_allclose(one.forecast(X[:, :3], 4), two.forecast(X[:, :3], 4))


def test_ragged_sequences_give_lists():
    X, y = make_ball_trajectory(8, 12, random_state=0, return_X_y=True)
    Xr = [X[i, : 6 + i % 3] for i in range(8)]
    yr = [y[i, : 6 + i % 3] for i in range(8)]
    est = _fit(Xr, yr, n_estimators=2)
    pred = est.predict(Xr)
    assert isinstance(pred, list) and [len(p) for p in pred] == [len(x) for x in Xr]
    members = [m.predict(Xr) for m in est.estimators_]
    for i, p in enumerate(pred):
        np.testing.assert_allclose(p, np.median([m[i] for m in members], axis=0))
    expected = r2_score(np.concatenate(yr).reshape(-1), np.concatenate(pred).reshape(-1))
    assert est.score(Xr, yr) == pytest.approx(expected)


def test_score_scorer_and_backtest_forecast_the_future_periods(fitted, airline):
    train, future = airline
    forecast = fitted.forecast(train, 12)
    assert fitted.score(future) == pytest.approx(r2_score(future, forecast))
    rmse = np.sqrt(np.mean((forecast.to_numpy() - future.to_numpy()) ** 2))
    assert make_forecast_scorer()(fitted, future) == pytest.approx(-rmse)
    y = load_airline().series.iloc[:96]
    frame = backtest(EnsembleForecaster(TINY, n_estimators=2, random_state=0), y,
                     horizon=6, cv=2)
    assert len(frame) == 12 and frame["forecast"].notna().all()


# ------------------------------------------------------------------ aggregation
def test_aggregate_forecasts_takes_quantile_columns_and_keeps_the_rest():
    index = pd.period_range("2000", periods=3, freq="Y")
    frames = [pd.DataFrame({"y": [1.0, 2, 3], "y_q0.1": [0.5, 1, 2], "y_q0.9": [2.0, 3, 4]},
                           index=index) * k for k in (1, 2, 4)]
    out = aggregate_forecasts(frames)
    pd.testing.assert_frame_equal(out, frames[1])
    long = [pd.DataFrame({"unique_id": ["a", "a", "b"], "ds": [1, 2, 1],
                          "y": np.array([1.0, 2, 3]) * k, "y_q0.9": np.array([2.0, 3, 4]) * k})
            for k in (1, 3)]
    out = aggregate_forecasts(long, "mean")
    assert out["unique_id"].tolist() == ["a", "a", "b"] and out["ds"].tolist() == [1, 2, 1]
    np.testing.assert_allclose(out["y"], [2.0, 4, 6])
    np.testing.assert_allclose(out["y_q0.9"], [4.0, 6, 8])


@pytest.mark.parametrize("forecasts, match", [
    ([np.zeros(3), np.zeros(4)], "differ in shape"),
    ([np.zeros(3), pd.Series(np.zeros(3))], "different kinds"),
    ([pd.Series(np.zeros(2), index=[0, 1]), pd.Series(np.zeros(2), index=[1, 2])],
     "different indexes"),
    ([[np.zeros(2)], [np.zeros(2), np.zeros(2)]], "differ in length"),
    ([], "at least one"),
])
def test_aggregate_forecasts_refuses_what_does_not_line_up(forecasts, match):
    with pytest.raises(ValueError, match=match):
        aggregate_forecasts(forecasts)


# ------------------------------------------------------------------ parameters
@pytest.mark.parametrize("params, match", [
    ({"n_estimators": 0}, "The 'n_estimators' parameter of EnsembleForecaster must be"),
    ({"aggregate": "mode"}, "The 'aggregate' parameter of EnsembleForecaster must be"),
    ({"estimator": Ridge()}, "The 'estimator' parameter of EnsembleForecaster must be"),
    ({"context_lengths": "auto"}, "The 'context_lengths' parameter of EnsembleForecaster"),
    ({"context_lengths": [12, 0]}, "The 'context_lengths' parameter of EnsembleForecaster"),
    ({"context_lengths": [12, True]}, "The 'context_lengths' parameter of EnsembleForecaster"),
    ({"context_lengths": []}, "The 'context_lengths' parameter of EnsembleForecaster"),
    ({"n_estimators": 2, "context_lengths": [6, 12, 24]}, "n_estimators=2 is fewer than"),
])
def test_parameters_are_validated_in_fit(airline, params, match):
    est = EnsembleForecaster(**{"estimator": TINY, **params})   # __init__ only stores them
    with pytest.raises(ValueError, match=match):
        est.fit(airline[0])


def test_clone_get_params_and_not_fitted(fitted, airline):
    params = fitted.get_params(deep=True)
    assert params["estimator__hidden_size"] == 4 and params["n_estimators"] == 3
    copy = clone(fitted)
    assert not hasattr(copy, "estimators_") and copy.get_params()["context_lengths"] == [12, 24]
    copy.set_params(estimator__hidden_size=3)
    assert copy.estimator.hidden_size == 3 and TINY.hidden_size == 4
    with pytest.raises(NotFittedError):
        copy.forecast(airline[0], 3)


@pytest.mark.parametrize("check", [
    "check_parameters_default_constructible",
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params",
])
def test_sklearn_api_checks(check):
    # As for RNNForecaster: the checks of the estimator API itself (a forecaster's y has one
    # target per timestep, which scikit-learn's fitting checks do not build).
    import sklearn.utils.estimator_checks as checks

    getattr(checks, check)("EnsembleForecaster", EnsembleForecaster(TINY, n_estimators=2))


def test_io_stores_the_members_not_the_ensemble(fitted, airline, tmp_path):
    with pytest.raises(ValueError, match="EnsembleForecaster"):
        io.dump(fitted, tmp_path / "ensemble.safetensors")
    loaded = []
    for i, member in enumerate(fitted.estimators_):
        io.dump(member, tmp_path / f"member{i}.safetensors")
        loaded.append(io.load(tmp_path / f"member{i}.safetensors"))
    forecasts = [m.forecast(airline[0], 6) for m in loaded]
    np.testing.assert_allclose(aggregate_forecasts(forecasts), fitted.forecast(airline[0], 6))
