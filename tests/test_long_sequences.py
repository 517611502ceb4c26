"""Long sequences: patches of timesteps and pooling over real timesteps only."""

import numpy as np
import pytest
import torch

from seqestimators import RNNClassifier, RNNRegressor
from seqestimators.estimators._recurrent import auto_patch_size
from seqestimators.networks import RecurrentNetwork, patch_sequences


def test_patches_end_with_each_sequences_last_timestep():
    X = torch.arange(1, 8, dtype=torch.float32).reshape(1, 7, 1).repeat(2, 1, 1)
    lengths = torch.tensor([7, 5])
    patches, patch_lengths = patch_sequences(X, lengths, 3)
    assert patches.shape == (2, 3, 3)
    assert patch_lengths.tolist() == [3, 2]
    # length 7: one zero before the start, then (1 2 3 | 4 5 6 | 7)? no: the last patch ends
    # with timestep 7, so the first one is (0 1 2)... aligned to the end.
    assert patches[0].tolist() == [[0, 0, 1], [2, 3, 4], [5, 6, 7]]
    # length 5: (0 1 2 | 3 4 5); what lies after timestep 5 never enters a patch.
    assert patches[1, :2].tolist() == [[0, 1, 2], [3, 4, 5]]
    unpadded, none = patch_sequences(X[:1], None, 3)
    assert none is None and torch.equal(unpadded, patches[:1])


@pytest.mark.parametrize("instance_norm", [False, True])
@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention"])
@pytest.mark.parametrize("patch_size", [1, 4])
def test_padding_never_reaches_a_pooled_output(pooling, patch_size, instance_norm):
    torch.manual_seed(0)
    net = RecurrentNetwork(2, 3, cell="gru", hidden_size=8, output="last", pooling=pooling,
                           patch_size=patch_size, instance_norm=instance_norm).eval()
    # Amplitudes apart by orders of magnitude: the instance statistics must read real steps.
    X = torch.randn(3, 13, 2) * torch.tensor([1.0, 30.0, 0.01])[:, None, None]
    lengths = torch.tensor([13, 9, 6])
    with torch.no_grad():
        batched, _ = net(X, lengths=lengths, need_final_state=False)
        for i, n in enumerate(lengths.tolist()):
            garbage = X[i:i + 1].clone()
            garbage[:, n:] = 1e3
            alone, _ = net(X[i:i + 1, :n])
            padded, _ = net(garbage, lengths=lengths[i:i + 1], need_final_state=False)
            torch.testing.assert_close(batched[i:i + 1], alone, rtol=1e-5, atol=1e-6)
            torch.testing.assert_close(padded, alone, rtol=1e-5, atol=1e-6)


def test_bidirectional_last_pooling_reads_both_directions_at_the_real_end():
    torch.manual_seed(0)
    net = RecurrentNetwork(1, 2, cell="lstm", hidden_size=4, output="last",
                           bidirectional=True).eval()
    X = torch.randn(2, 9, 1)
    lengths = torch.tensor([9, 4])
    with torch.no_grad():
        batched, _ = net(X, lengths=lengths, need_final_state=False)
        alone, _ = net(X[1:, :4])
    torch.testing.assert_close(batched[1:], alone, rtol=1e-5, atol=1e-6)


def test_auto_patch_size_leaves_short_sequences_alone():
    assert auto_patch_size(24) == 1 and auto_patch_size(64) == 1
    assert auto_patch_size(150) == 5 and auto_patch_size(427) == 13


@pytest.fixture(scope="module")
def long_ragged():
    rng = np.random.RandomState(0)
    lengths = rng.randint(80, 200, size=40)
    X = [rng.randn(n, 2).astype(np.float32) for n in lengths]
    y = np.array([int(x[: n // 4, 0].mean() > 0) for x, n in zip(X, lengths)])
    return X, y


def test_auto_patches_long_ragged_sequences_and_predicts_batch_independently(long_ragged):
    X, y = long_ragged
    clf = RNNClassifier(hidden_size=8, max_epochs=3, pooling="mean", random_state=0).fit(X, y)
    # Counted on the median length: the longest sequences get the most patches.
    assert clf.patch_size_ == auto_patch_size(int(np.median([len(x) for x in X]))) > 1
    assert clf.patch_size_ < auto_patch_size(max(len(x) for x in X))
    whole = clf.predict_proba(X)
    one_by_one = np.concatenate([clf.predict_proba([x]) for x in X])
    np.testing.assert_array_equal(whole, one_by_one)


def test_patch_size_with_per_timestep_targets_is_refused_or_left_alone():
    rng = np.random.RandomState(0)
    X = rng.randn(8, 100, 1)
    y = (X[..., 0] > 0).astype(int)
    with pytest.raises(ValueError, match="patch_size=5 reads patches of timesteps"):
        RNNClassifier(patch_size=5, max_epochs=1).fit(X, y)
    # pooling reads per-sequence outputs only; per-timestep outputs ignore it.
    clf = RNNClassifier(hidden_size=4, max_epochs=1, pooling="mean", random_state=0).fit(X, y)
    assert clf.patch_size_ == 1
    assert clf.predict(X).shape == (8, 100)


def test_patches_make_long_sequences_learnable():
    # The class is set by the first steps of 300; "auto" reads them in about 32 patches, and
    # mean pooling gives every patch a direct path to the output.
    rng = np.random.RandomState(0)
    X = rng.randn(120, 300, 1).astype(np.float32) * 0.5
    y = rng.randint(0, 2, size=120)
    X[:, :10, 0] += np.where(y[:, None] == 1, 1.0, -1.0)
    clf = RNNClassifier(hidden_size=16, pooling="mean", random_state=0, max_epochs=60)
    clf.fit(X[:80], y[:80])
    assert clf.patch_size_ == 9
    assert clf.score(X[80:], y[80:]) >= 0.9


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention"])
def test_every_pooling_fits_regression(pooling):
    rng = np.random.RandomState(0)
    X = rng.randn(32, 12, 2)
    y = X[:, :, 0].mean(axis=1)
    reg = RNNRegressor(hidden_size=8, max_epochs=2, pooling=pooling, random_state=0).fit(X, y)
    assert reg.predict(X).shape == (32,)
    if pooling == "attention":
        assert reg.module_.attention is not None


def test_auto_pooling_takes_the_maximum_over_patches_and_the_last_state_otherwise():
    rng = np.random.RandomState(0)
    fit = dict(hidden_size=4, max_epochs=1, random_state=0)
    long_X, short_X = rng.randn(8, 200, 1), rng.randn(8, 30, 1)
    labels = np.arange(8) % 2
    patched = RNNClassifier(**fit).fit(long_X, labels)
    assert patched.patch_size_ > 1 and patched.pooling_ == "max"
    assert patched.module_.pooling == "max"
    assert RNNClassifier(**fit).fit(short_X, labels).pooling_ == "last"
    assert RNNClassifier(patch_size=None, **fit).fit(long_X, labels).pooling_ == "last"
    assert RNNClassifier(pooling="mean", **fit).fit(long_X, labels).pooling_ == "mean"
    per_timestep = RNNClassifier(**fit).fit(long_X, (long_X[..., 0] > 0).astype(int))
    assert per_timestep.pooling_ == "last"
