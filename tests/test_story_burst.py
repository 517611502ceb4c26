"""Seed 000: with carried state the burst detector stays memoryless; with reset state it learns."""

import warnings

import pytest

from seqestimators import MemorylessClassifier, RNNClassifier
from seqestimators.datasets import make_burst


@pytest.fixture(scope="module")
def burst():
    X, y = make_burst(128, random_state=0, return_X_y=True)
    X_test, y_test = make_burst(256, random_state=1, return_X_y=True)
    return X, y, X_test, y_test


@pytest.mark.parametrize("cell, max_epochs", [("lstm", 40), ("gru", 20)])
def test_reset_state_solves_the_burst_and_carry_does_not(burst, cell, max_epochs):
    X, y, X_test, y_test = burst
    settings = {"cell": cell, "hidden_size": 16, "max_epochs": max_epochs, "random_state": 0}
    reset = RNNClassifier(state_policy="reset", **settings).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        carry = RNNClassifier(state_policy="carry", **settings).fit(X, y)
    baseline = MemorylessClassifier(max_epochs=40, random_state=0).fit(X, y).score(X_test, y_test)
    assert reset.score(X_test, y_test) >= 0.99
    # Carried state leaves the network no better than a memoryless one, like in the question.
    assert carry.score(X_test, y_test) < 0.9
    assert baseline < 0.85
