"""scikit-learn's ensembles over the estimators: what passes 3-D sequences through (issue 19).

Voting and stacking hand ``X`` to their members as it is, so ``(n_samples, n_timesteps,
n_features)`` arrays, 2-D univariate arrays and ragged lists all work. Bagging validates ``X``
with ``check_array`` (2-D at most): univariate sequences pass as 2-D arrays, multivariate ones
flattened, with a reshaping step in front of the pipeline (docs/ensembles.rst).
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import (
    BaggingClassifier,
    BaggingRegressor,
    StackingClassifier,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.preprocessing import SequenceScaler

TINY = {"hidden_size": 4, "max_epochs": 3, "baseline_check": False}
N, T, F = 36, 10, 2


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, T, F)).astype(np.float32)
    score = X[:, :, 0].mean(axis=1)
    y_class = np.array(["low", "mid", "high"])[np.digitize(score, np.quantile(score, [1 / 3,
                                                                                      2 / 3]))]
    return X, y_class, score


def _seeds(estimator, seeds=(0, 1, 2), param="random_state"):
    """The docs' recipe: clones of one estimator that differ only in their seed."""
    return [(f"seed{s}", clone(estimator).set_params(**{param: s})) for s in seeds]


def _fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, y)


# ------------------------------------------------------------------ voting
@pytest.mark.parametrize("layout", ["3d", "2d", "ragged"])
def test_a_soft_voting_seed_ensemble_averages_the_members_probabilities(data, layout):
    X, y, _ = data
    X = {"3d": X, "2d": X[:, :, 0], "ragged": [x[: 6 + i % 4] for i, x in enumerate(X)]}[layout]
    vote = _fit(VotingClassifier(_seeds(RNNClassifier(**TINY)), voting="soft"), X, y)
    assert [m.random_state for m in vote.estimators_] == [0, 1, 2]
    # A 2-D array is a batch of univariate sequences: one feature per timestep.
    assert all(m.input_size_ == (1 if layout == "2d" else F) for m in vote.estimators_)
    proba = vote.predict_proba(X)
    assert proba.shape == (N, 3)
    np.testing.assert_allclose(
        proba, np.mean([m.predict_proba(X) for m in vote.estimators_], axis=0), rtol=1e-6)
    prediction = vote.predict(X)
    assert prediction.shape == (N,) and set(prediction) <= set(y)
    np.testing.assert_array_equal(prediction, vote.classes_[proba.argmax(axis=1)])
    # The members learn encoded labels (0..2); the ensemble decodes them.
    assert set(vote.estimators_[0].predict(X)) <= {0, 1, 2}


def test_voting_over_pipelines_with_a_sequence_scaler(data):
    X, y, _ = data
    pipe = make_pipeline(SequenceScaler(), RNNClassifier(**TINY))
    vote = _fit(VotingClassifier(_seeds(pipe, param="rnnclassifier__random_state"),
                                 voting="soft"), X, y)
    assert [m[-1].random_state for m in vote.estimators_] == [0, 1, 2]
    assert all(m[0].mean_.shape == (F,) for m in vote.estimators_)
    np.testing.assert_allclose(
        vote.predict_proba(X),
        np.mean([m.predict_proba(X) for m in vote.estimators_], axis=0), rtol=1e-6)
    assert vote.score(X, y) >= 0


def test_a_voting_regressor_averages_the_members_predictions(data):
    X, _, y = data
    vote = _fit(VotingRegressor(_seeds(make_pipeline(SequenceScaler(), RNNRegressor(**TINY)),
                                       param="rnnregressor__random_state")), X, y)
    prediction = vote.predict(X)
    assert prediction.shape == (N,)
    np.testing.assert_allclose(
        prediction, np.mean([m.predict(X) for m in vote.estimators_], axis=0), rtol=1e-5)


def test_members_differ_by_their_seed_only(data):
    X, y, _ = data
    vote = _fit(VotingClassifier(_seeds(RNNClassifier(**TINY), seeds=(0, 1)), voting="soft"),
                X, y)
    a, b = (m.predict_proba(X) for m in vote.estimators_)
    assert not np.allclose(a, b)
    params = [m.get_params(deep=False) for m in vote.estimators_]
    assert {k for k in params[0] if params[0][k] != params[1][k]} == {"random_state"}


def test_stacking_passes_3d_sequences_to_the_members(data):
    X, y, _ = data
    stack = _fit(StackingClassifier(_seeds(RNNClassifier(**TINY), seeds=(0, 1)),
                                    final_estimator=LogisticRegression(), cv=2), X, y)
    assert stack.transform(X).shape == (N, 2 * 3)
    assert stack.predict(X).shape == (N,)


# ------------------------------------------------------------------ bagging
def test_bagging_refuses_3d_input(data):
    # Documented in docs/ensembles.rst; if scikit-learn ever accepts it, update the page.
    X, y, _ = data
    with pytest.raises(ValueError, match="dim 3"):
        BaggingClassifier(RNNClassifier(**TINY), n_estimators=2).fit(X, y)


def test_bagging_univariate_sequences_as_2d_keeps_the_timesteps_in_order(data):
    X, y, _ = data
    X2 = X[:, :, 0]
    bag = _fit(BaggingClassifier(RNNClassifier(**TINY), n_estimators=3, random_state=0), X2, y)
    # With the default max_features=1.0 and bootstrap_features=False, every member reads
    # every timestep, in order (a column subset would drop or shuffle timesteps).
    assert all(np.array_equal(f, np.arange(T)) for f in bag.estimators_features_)
    assert all(m.input_size_ == 1 for m in bag.estimators_)
    assert bag.predict_proba(X2).shape == (N, 3)
    assert len({m.random_state for m in bag.estimators_}) == 3


def test_bagging_multivariate_sequences_flattened_and_reshaped_in_the_pipeline(data):
    X, _, y = data
    unflatten = FunctionTransformer(np.reshape, kw_args={"shape": (-1, T, F)})
    pipe = make_pipeline(unflatten, SequenceScaler(), RNNRegressor(**TINY))
    flat = X.reshape(len(X), -1)
    bag = _fit(BaggingRegressor(pipe, n_estimators=2, random_state=0), flat, y)
    assert all(np.array_equal(f, np.arange(T * F)) for f in bag.estimators_features_)
    member = bag.estimators_[0]
    assert member[-1].input_size_ == F and member[1].mean_.shape == (F,)
    np.testing.assert_allclose(
        bag.predict(flat), np.mean([m.predict(flat) for m in bag.estimators_], axis=0),
        rtol=1e-5)
    # The reshape gives the member exactly the sequences: the same predictions as on X.
    np.testing.assert_allclose(member.predict(flat), member[1:].predict(X), rtol=1e-6)
