"""Quantile forecasts of RNNForecaster (issue 18): the head, the pinball loss, the outputs."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from seqestimators import RNNForecaster
from seqestimators.forecasting import backtest
from seqestimators.forecasting._holdout import SPREADS, holdout_forecasts, scaled_pinball
from seqestimators.io import dump, load
from seqestimators.nn import FeedbackNetwork, QuantileHead, check_quantile_levels, pinball_loss

LEVELS = (0.1, 0.5, 0.9)
FAST = {"hidden_size": 8, "max_epochs": 8}


def _network(**kwargs):
    torch.manual_seed(0)
    return FeedbackNetwork(1, 1, feedback=[0], residual=True, input_changes=True,
                           instance_norm="revin", **kwargs)


def _walks(n_series=40, n=40, h=6, sd=0.05, random_state=0):
    """Geometric random walks on scales 50..1e5: the log's h-step spread is sd * sqrt(h)."""
    rng = np.random.default_rng(random_state)
    train, test = [], []
    for i in range(n_series):
        level = float(np.exp(rng.uniform(np.log(50), np.log(1e5))))
        values = level * np.exp(rng.normal(0, sd, n + h).cumsum())
        series = pd.Series(values, index=pd.period_range("1950", periods=n + h, freq="Y"),
                           name=f"s{i}")
        train.append(series.iloc[:n])
        test.append(series.iloc[n:].to_numpy())
    return train, test


def _fit(X, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RNNForecaster(**{"random_state": 0, **FAST, **params}).fit(X)


# ---------------------------------------------------------------------------- the network
def test_quantiles_follow_the_point_which_alone_is_fed_back():
    X = torch.randn(3, 20, 1).cumsum(1)
    plain, with_head = _network(), _network(quantiles=LEVELS)
    with_head.load_state_dict({**plain.state_dict(), **{
        k: v for k, v in with_head.state_dict().items() if k.startswith("quantile_head")}})
    for kwargs in ({}, {"feedback_prob": 1.0, "n_observed": 8, "n_context": 8}):
        wide, _ = with_head(X, quantiles=True, **kwargs)
        assert wide.shape == (3, 20, 4)
        torch.testing.assert_close(wide[..., :1], plain(X, **kwargs)[0])
        assert (wide[..., 1:].diff(dim=-1) >= 0).all()  # the levels never cross
    _, generated, _ = with_head.forecast(X, 5, quantiles=True)
    torch.testing.assert_close(generated[..., :1], plain.forecast(X, 5)[1])
    assert with_head(X)[0].shape == (3, 20, 1)  # points only unless asked


def test_the_band_widens_with_the_lead_along_the_closed_loop():
    net = _network(quantiles=LEVELS)
    with torch.no_grad():  # offsets of sqrt(lead - 1) only, in standardized units
        net.quantile_head.linear.weight.zero_()
        net.quantile_head.linear.bias.zero_()
        net.quantile_head.linear.weight[:, -1] = torch.tensor([-1.0, 0.0, 1.0])
    X = torch.randn(2, 12, 1).cumsum(1)
    prefix, generated, _ = net.forecast(X, 4, quantiles=True)
    band = lambda out: (out[..., 3] - out[..., 1]).detach()  # noqa: E731
    torch.testing.assert_close(band(prefix), torch.zeros(2, 12))  # one step ahead: lead 1
    widths = band(generated)
    assert (widths[:, 1:] > widths[:, :-1]).all()
    ratio = widths[:, 3] / widths[:, 0]  # leads 5 and 2: sqrt(4) / sqrt(1)
    torch.testing.assert_close(ratio, torch.full_like(ratio, 2.0))


def test_an_untrained_head_is_a_normal_band_around_the_point():
    head = QuantileHead(4, 1, LEVELS)
    offsets = head(torch.randn(5, 4), torch.ones(5, 1))
    expected = torch.tensor([-1.2816, 0.0, 1.2816])
    torch.testing.assert_close(offsets[:, :, 0], expected.expand(5, 3), atol=1e-4, rtol=0)


def test_pinball_loss_is_the_quantile_loss_and_the_quantile_minimizes_it():
    y = torch.tensor([[1.0], [2.0], [4.0]])
    q = torch.tensor([[[0.0], [3.0]]]).expand(3, 2, 1)
    levels = torch.tensor([0.2, 0.8])
    hand = np.mean([0.2 * (1 - 0), 0.2 * 2, 0.2 * 4, 0.2 * (3 - 1), 0.2 * (3 - 2), 0.8 * 1])
    assert pinball_loss(q, y, levels).item() == pytest.approx(hand)
    sample = torch.randn(4000, 1, generator=torch.Generator().manual_seed(0))
    level = torch.tensor([0.9])
    best = torch.quantile(sample, 0.9)
    at = lambda v: pinball_loss(torch.full((4000, 1, 1), float(v)), sample, level)  # noqa: E731
    assert at(best) < at(best - 0.2) and at(best) < at(best + 0.2)
    mask = torch.tensor([True, False, True])
    assert pinball_loss(q, y, levels, mask).item() == pytest.approx(
        pinball_loss(q[mask], y[mask], levels).item())


@pytest.mark.parametrize("levels", [[], [0.0, 0.5], [0.5, 1.0], [0.5, 0.5], [-0.1]])
def test_quantile_levels_must_be_distinct_and_inside_zero_one(levels):
    with pytest.raises(ValueError, match="open interval"):
        check_quantile_levels(levels)
    assert check_quantile_levels([0.9, 0.1]) == (0.1, 0.9)


# ---------------------------------------------------------------------------- the estimator
@pytest.mark.parametrize("seed", [0, 1])
def test_learned_bands_match_a_random_walks_spread_at_every_lead(seed):
    # Measured on 6 seeds: the 80 % band's width / the true one, 0.97..1.01 at lead 1 and
    # 0.92..1.01 at lead 6; held-out coverage 0.77..0.87.
    train, test = _walks(random_state=seed)
    est = _fit(train, quantiles=[0.1, 0.5, 0.9], max_epochs=30, random_state=seed)
    forecasts = est.forecast(train, 6)
    width = np.array([((f["q0.9"] - f["q0.1"]) / f.iloc[:, 0]).to_numpy() for f in forecasts])
    true = 2 * 1.2816 * 0.05 * np.sqrt(np.arange(1, 7))
    ratio = width.mean(axis=0) / true
    assert 0.6 < ratio[0] < 1.5 and 0.6 < ratio[-1] < 1.5, ratio
    assert width.mean(axis=0)[-1] > 1.5 * width.mean(axis=0)[0]
    inside = np.mean([(a >= f["q0.1"].to_numpy()) & (a <= f["q0.9"].to_numpy())
                      for f, a in zip(forecasts, test)])
    assert 0.55 < inside < 0.97


def test_series_forecasts_are_frames_of_the_point_and_each_level():
    train, _ = _walks(n_series=6, n=30)
    est = _fit(train, quantiles=[0.9, 0.1, 0.5])
    assert est.quantiles_ == LEVELS
    forecast = est.forecast(train[0], 4)
    assert list(forecast.columns) == ["s0", "q0.1", "q0.5", "q0.9"]
    assert forecast.index.equals(pd.period_range(train[0].index[-1] + 1, periods=4, freq="Y"))
    assert (forecast["q0.1"] <= forecast["q0.5"]).all()
    assert (forecast["q0.5"] <= forecast["q0.9"]).all()
    unnamed = est.forecast(train[0].rename(None), 4)
    assert list(unnamed.columns) == ["y", "q0.1", "q0.5", "q0.9"]
    np.testing.assert_allclose(unnamed.to_numpy(), forecast.to_numpy())
    on_arrays = _fit([s.to_numpy() for s in train], quantiles=LEVELS)
    array = on_arrays.forecast(train[0].to_numpy(), 4)
    assert list(array.columns) == ["y", "q0.1", "q0.5", "q0.9"]
    assert (np.diff(array.to_numpy()[:, 1:], axis=1) >= 0).all()


def test_long_format_forecasts_carry_the_quantile_columns():
    train, _ = _walks(n_series=4, n=25)
    long = pd.concat([pd.DataFrame({"unique_id": s.name, "ds": s.index.to_timestamp(),
                                    "y": s.to_numpy()}) for s in train], ignore_index=True)
    est = _fit(long, quantiles=[0.1, 0.9])
    out = est.forecast(long, 3)
    assert list(out.columns) == ["unique_id", "ds", "y", "q0.1", "q0.9"]
    assert len(out) == 12 and (out["q0.1"] <= out["q0.9"]).all()


def test_several_targets_name_each_targets_levels():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(np.exp(rng.normal(0, 0.05, (40, 2)).cumsum(axis=0)) * [10.0, 500.0],
                         columns=["a", "b"], index=pd.period_range("1980", periods=40, freq="Y"))
    est = _fit(frame, quantiles=[0.25, 0.75])
    out = est.forecast(frame, 3)
    assert list(out.columns) == ["a", "b", "a_q0.25", "b_q0.25", "a_q0.75", "b_q0.75"]
    assert (out["a_q0.25"] <= out["a_q0.75"]).all() and (out["b_q0.25"] <= out["b_q0.75"]).all()


def test_sequences_return_quantiles_on_request():
    rng = np.random.default_rng(0)
    y = rng.normal(0, 1, (16, 20)).cumsum(axis=1)
    X = np.concatenate([np.zeros((16, 1)), y[:, :-1]], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = RNNForecaster(quantiles=LEVELS, random_state=0, **FAST).fit(X, y)
        plain = est.forecast(X[:, :10], 5)
        points, levels = est.forecast(X[:, :10], 5, return_quantiles=True)
    np.testing.assert_allclose(points, plain)
    assert levels.shape == (16, 5, 3)
    assert (np.diff(levels, axis=-1) >= 0).all()
    with pytest.raises(ValueError, match="include_prefix=False"):
        est.forecast(X[:, :10], 5, return_quantiles=True, include_prefix=True)
    without = RNNForecaster(random_state=0, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        without.fit(X, y)
    with pytest.raises(ValueError, match="fitted with quantiles"):
        without.forecast(X[:, :10], 5, return_quantiles=True)


def test_a_saved_quantile_model_forecasts_the_same(tmp_path):
    train, _ = _walks(n_series=4, n=25)
    est = _fit(train, quantiles=LEVELS)
    dump(est, tmp_path / "model.seq")
    loaded = load(tmp_path / "model.seq")
    assert loaded.quantiles_ == LEVELS
    pd.testing.assert_frame_equal(loaded.forecast(train[1], 3), est.forecast(train[1], 3))


@pytest.mark.parametrize("quantiles", [[0.0, 0.5], [1.5], [0.3, 0.3]])
def test_bad_levels_are_refused_in_fit(quantiles):
    train, _ = _walks(n_series=3, n=20)
    with pytest.raises(ValueError, match="open interval"):
        _fit(train, quantiles=quantiles)


def test_backtests_carry_the_levels_so_that_coverage_can_be_read():
    train, _ = _walks(n_series=1, n=40)
    series = train[0]
    est = RNNForecaster(quantiles=[0.1, 0.9], random_state=0, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = backtest(est, series, horizon=4, cv=2)
        on_array = backtest(est, series.to_numpy(), horizon=4, cv=1)
    for result in (frame, on_array):
        assert {"q0.1", "q0.9"} <= set(result.columns)
        assert (result["q0.1"] <= result["q0.9"]).all()
        assert result[["forecast", "q0.1", "q0.9"]].notna().all().all()
    assert len(frame) == 8 and len(on_array) == 4


# ---------------------------------------------------------------------------- calibration
def test_the_calibrated_factor_recovers_a_known_spread():
    rng = np.random.default_rng(0)
    actual = rng.normal(0.0, 3.0, (2000, 1))
    point = np.zeros_like(actual)
    offsets = np.broadcast_to(np.array([-1.2816, 0.0, 1.2816]), (2000, 1, 3))
    losses = [scaled_pinball(point, offsets, actual, LEVELS, c) for c in SPREADS]
    assert 2.7 < SPREADS[int(np.argmin(losses))] < 3.3


def test_calibration_scales_the_bands_of_the_same_fit():
    train, _ = _walks(n_series=8, n=30)
    plain = _fit(train, quantiles=LEVELS, calibrate_quantiles=False)
    calibrated = _fit(train, quantiles=LEVELS)
    assert plain.quantile_spread_ == 1.0
    spread = calibrated.quantile_spread_
    assert spread in SPREADS
    assert float(calibrated.module_.quantile_head.spread) == pytest.approx(spread)
    a, b = plain.forecast(train[2], 4), calibrated.forecast(train[2], 4)
    np.testing.assert_allclose(b["s2"], a["s2"], rtol=1e-6)  # the same network otherwise
    # Offsets scale in log units (the transform): the log band is `spread` times as wide.
    np.testing.assert_allclose(np.log(b["q0.9"] / b["q0.1"]),
                               spread * np.log(a["q0.9"] / a["q0.1"]), rtol=1e-4)


def test_no_calibration_without_a_series_long_enough():
    train, _ = _walks(n_series=3, n=14)
    est = _fit(train, quantiles=LEVELS, horizon=6)
    assert est.quantile_spread_ == 1.0
    assert holdout_forecasts(est, [s.iloc[:10] for s in train], 6) is None


def test_the_calibrated_spread_scales_forecasts_but_never_training():
    head = QuantileHead(4, 1, LEVELS)
    head.spread.fill_(3.0)
    hidden, lead = torch.randn(5, 4), torch.ones(5, 1)
    raw = head.train()(hidden, lead)
    torch.testing.assert_close(head.eval()(hidden, lead), 3.0 * raw)
