"""scikit-learn's full estimator-check suite, for every estimator and cell type.

No check is marked as an expected failure.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from seqestimators import MemorylessClassifier, MemorylessRegressor, RNNClassifier, RNNRegressor
from seqestimators.preprocessing import SequenceScaler

SMALL = {"hidden_size": 16, "max_epochs": 30}

ESTIMATORS = [
    *(RNNClassifier(cell=cell, **SMALL) for cell in ("rnn", "lstm", "gru")),
    *(RNNRegressor(cell=cell, **SMALL) for cell in ("rnn", "lstm", "gru")),
    MemorylessClassifier(max_epochs=30),
    MemorylessRegressor(max_epochs=30),
    SequenceScaler(),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS[:1] + ESTIMATORS[3:4])
def test_checks_do_run(estimator):
    # scikit-learn skips every check for estimators that refuse 2D input: guard against that.
    from sklearn.utils import get_tags

    tags = get_tags(estimator)
    assert tags.input_tags.two_d_array and tags.input_tags.three_d_array
