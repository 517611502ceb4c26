"""diagnose() can be trusted (issue 17): it leaves the caller's estimator alone, keeps its own
warnings, and every verdict agrees with the evidence it plots."""

import warnings

import numpy as np
import pytest
import torch

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.datasets import make_burst, make_delayed_echo, make_saturated_integral
from seqestimators.diagnostics import CHECKS, diagnose, diagnose_task
from seqestimators.networks import CELLS


def _names_every_gated_cell(advice):
    """The advice proposes a gated cell, and names each one the registry holds."""
    gated = [name for name, spec in CELLS.items() if spec.gated]
    return "a gated cell (cell=" in advice and all(f"'{name}'" in advice for name in gated)


def statuses(diagnosis):
    return dict(zip(diagnosis.findings["check"], diagnosis.findings["status"]))


def assert_no_fail(diagnosis):
    failed = diagnosis.findings[diagnosis.findings["status"] == "fail"]
    assert failed.empty, str(diagnosis)


def assert_memory_use_advice_leads_somewhere(diagnosis):
    finding = diagnosis["memory_use"]
    if finding["status"] == "ok":
        return
    assert finding["advice"]
    status = statuses(diagnosis)
    named = [check for check in CHECKS if check != "memory_use" and check in finding["advice"]]
    assert all(status[check] != "ok" for check in named), (finding["advice"], status)


@pytest.fixture(scope="module")
def burst():
    return make_burst(128, random_state=0, return_X_y=True)


@pytest.fixture(scope="module")
def echo3():
    return make_delayed_echo(128, 20, delay=3, random_state=0, return_X_y=True)


# ------------------------------------------------------------------ nothing mutated
def _fitted_state(est):
    """Every fitted attribute (name ending in "_") and the module's state_dict, copied."""
    import copy

    attrs = {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}
    snapshot = {}
    for key, value in attrs.items():
        if key == "history_":
            snapshot[key] = copy.deepcopy(value.to_list())
        elif isinstance(value, torch.nn.Module):
            snapshot[key] = {k: v.detach().clone() for k, v in value.state_dict().items()}
        elif isinstance(value, torch.optim.Optimizer):
            snapshot[key] = copy.deepcopy(value.state_dict())
        else:
            try:
                snapshot[key] = copy.deepcopy(value)
            except Exception:  # noqa: BLE001 - an object that cannot be copied: its identity
                snapshot[key] = value
    return snapshot


def _same(a, b, depth=0):
    if depth > 6:
        return True
    if torch.is_tensor(a) or torch.is_tensor(b):
        return torch.is_tensor(a) and torch.is_tensor(b) and a.shape == b.shape and \
            torch.equal(a.cpu(), b.cpu())
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and \
            all(_same(a[k], b[k], depth + 1) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and \
            all(_same(x, z, depth + 1) for x, z in zip(a, b))
    if a is b:
        return True
    if hasattr(a, "__dict__") and not isinstance(a, type):  # an object: compare its attributes
        return type(a) is type(b) and _same(vars(a), vars(b), depth + 1)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - objects without a usable ==
        return False


def test_diagnose_leaves_a_fitted_carry_estimator_unchanged():
    X, y = make_delayed_echo(6, 60, random_state=0, return_X_y=True)
    est = RNNClassifier(cell="gru", hidden_size=4, state_policy="carry", max_epochs=1,
                        batch_size=6, random_state=0).fit(X, y)
    est.predict(X[:, :30])  # a carried state that is neither zero nor the end of training
    before = _fitted_state(est)
    assert torch.is_tensor(before["carried_state_"]) or isinstance(before["carried_state_"],
                                                                    tuple)
    diagnosis = diagnose(est, X, y, X_valid=X[:, 30:], y_valid=y[:, 30:])
    assert diagnosis.estimator is est
    after = _fitted_state(est)
    assert before.keys() == after.keys()
    changed = [key for key in before if not _same(before[key], after[key])]
    assert not changed, f"diagnose changed {changed}"


def test_warnings_of_the_internal_fits_do_not_reach_the_user(burst):
    X, y = burst
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        diagnose(RNNClassifier(cell="rnn", hidden_size=4, state_policy="carry", max_epochs=2,
                               random_state=0), X[:64], y[:64])
    assert not [str(w.message) for w in caught], "internal warnings reached the user"


# ------------------------------------------------------------------ verdicts agree with the figure
@pytest.fixture(scope="module")
def burst_rnn():
    """The command line's ``diagnose burst``: a plain RNN, 10 epochs, still learning."""
    diagnosis = diagnose_task("burst", estimator_params={"cell": "rnn", "hidden_size": 8,
                                                         "max_epochs": 10})
    return diagnosis, diagnosis.plot()


def _model_curve(fig):
    ax = fig.axes[0]
    (line,) = [line for line in ax.lines if line.get_label() == "model: train"]
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


#: The documented threshold: the loss has levelled off when the least-squares line through the
#: last max(3, n/5) epochs changes it by less than 0.5 % of its level per epoch.
SLOPE_TOL = 0.005


def relative_slope(losses):
    losses = np.asarray(losses, float)
    k = min(len(losses), max(3, int(np.ceil(len(losses) / 5))))
    if k < 2:
        return 0.0, k
    tail = losses[-k:]
    return np.polyfit(np.arange(k), tail, 1)[0] / abs(tail.mean()), k


def assert_convergence_agrees_with_its_curve(diagnosis, fig):
    finding = diagnosis["convergence"]
    epochs, losses = _model_curve(fig)
    # The text's starting and final losses are the plotted first and last points.
    numbers = [float(word) for word in finding["evidence"].replace(",", " ").split()
               if word.replace(".", "", 1).replace("e-", "", 1).isdigit()]
    assert numbers[0] == pytest.approx(losses[0], rel=1e-3)
    assert f"{losses[-1]:.4g}" in finding["evidence"]
    slope, k = relative_slope(losses[1:])
    assert f"{losses[1:][-k:].mean():.4g}" in finding["evidence"]  # the average it states
    if "levelled off" in finding["evidence"]:
        assert abs(slope) <= SLOPE_TOL
    net = diagnosis.estimator
    if "near zero" in finding["evidence"]:
        assert losses[1:][-k:].mean() <= 1e-2 * losses[0]
    elif finding["status"] == "ok" and net.n_iter_ >= net.max_epochs and len(losses) > 3:
        assert -slope <= SLOPE_TOL, finding["evidence"]
    if losses[-1] > 1.5 * losses[1:].min():  # ends well above its lowest point
        assert finding["status"] != "ok", finding["evidence"]
    # Epochs are whole numbers on the axis.
    ticks = fig.axes[0].get_xticks()
    assert np.allclose(ticks, np.round(ticks))


def test_convergence_agrees_with_the_plotted_learning_curve(burst_rnn):
    diagnosis, fig = burst_rnn
    assert_convergence_agrees_with_its_curve(diagnosis, fig)
    # Still falling steeply at max_epochs=10: not "levelled off".
    assert diagnosis["convergence"]["status"] == "warn"
    assert "max_epochs=20" in diagnosis["convergence"]["advice"]


def test_convergence_of_a_levelled_run_agrees_with_its_curve(echo3):
    X, y = echo3
    diagnosis = diagnose(RNNClassifier(cell="gru", hidden_size=16, max_epochs=30, lr=0.02,
                                       random_state=0), X, y, required_memory=3,
                         baseline=False)
    assert_convergence_agrees_with_its_curve(diagnosis, diagnosis.plot())


def assert_gradient_flow_agrees_with_its_curve(diagnosis, fig):
    finding = diagnosis["gradient_flow"]
    read_at = int(finding["evidence"].split("at distance ")[1].split()[0])
    (line,) = [line for line in fig.axes[2].lines if line.get_label() == "trained"]
    distances, values = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    at_needed = values[distances == read_at]
    ratio = at_needed[0] / values[0] if len(at_needed) else 0.0
    if finding["status"] == "ok" and "already removes" not in finding["evidence"]:
        assert ratio >= 1e-5, finding["evidence"]  # the documented threshold of "vanishing"
    if ratio < 1e-5:
        assert finding["status"] != "ok" or "already removes" in finding["evidence"]


def test_gradient_flow_is_read_where_the_task_needs_it(burst_rnn):
    diagnosis, fig = burst_rnn
    assert_gradient_flow_agrees_with_its_curve(diagnosis, fig)
    # The burst lies at least 130 - 50 - 10 = 70 steps before the last target.
    read_at = int(diagnosis["gradient_flow"]["evidence"].split("at distance ")[1].split()[0])
    assert read_at == 70
    assert diagnosis["gradient_flow"]["status"] in ("warn", "fail")
    assert _names_every_gated_cell(diagnosis["gradient_flow"]["advice"])


def test_gradient_flow_of_a_model_that_remembers_agrees_with_its_curve(burst):
    X, y = burst
    diagnosis = diagnose(RNNClassifier(cell="lstm", hidden_size=16, max_epochs=40,
                                       random_state=0), X, y, required_memory=70)
    assert_gradient_flow_agrees_with_its_curve(diagnosis, diagnosis.plot())
    assert diagnosis["memory_use"]["status"] == "ok"
    assert_no_fail(diagnosis)


def test_memory_use_points_only_to_checks_that_flag_a_cause(burst_rnn):
    diagnosis, _ = burst_rnn
    assert diagnosis["memory_use"]["status"] == "fail"
    assert_memory_use_advice_leads_somewhere(diagnosis)
    assert "gradient_flow" in diagnosis["memory_use"]["advice"]
    # The advice of memory_horizon does not propose the policy the estimator already has.
    assert diagnosis["memory_horizon"]["status"] == "warn"
    assert "state_policy" not in diagnosis["memory_horizon"]["advice"]
    assert _names_every_gated_cell(diagnosis["memory_horizon"]["advice"])


def test_a_loss_that_jumps_up_at_the_end_is_not_ok():
    X, y = make_saturated_integral(1, 5000, random_state=0, return_X_y=True)
    diagnosis = diagnose(RNNRegressor(hidden_size=16, tbptt_steps=100, max_epochs=12,
                                      random_state=0), X, y, baseline=False)
    assert_convergence_agrees_with_its_curve(diagnosis, diagnosis.plot())
    assert diagnosis["convergence"]["status"] == "warn"
    assert "lower lr" in diagnosis["convergence"]["advice"]
