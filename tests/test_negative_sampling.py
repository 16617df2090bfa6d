"""negative_sampling.py: the unigram sampler's distribution and NegativeSamplingLoss."""

import numpy as np
import pytest

from w2vlib.functions import softplus
from w2vlib.gradcheck import gradient_check
from w2vlib.negative_sampling import NegativeSamplingLoss, UnigramSampler

# word 4 never occurs; counts = [5, 3, 1, 8, 0, 2]
CORPUS = np.array([0, 1, 3, 3, 0, 2, 3, 0, 1, 3, 5, 3, 0, 3, 1, 3, 5, 0, 3])
COUNTS = np.array([5, 3, 1, 8, 0, 2])


def expected_p(power):
    w = np.where(COUNTS > 0, COUNTS.astype(float) ** power, 0.0)
    return w / w.sum()


def tolerance(p, n):
    """Five standard errors of a frequency estimated from n draws, per word.

    A frequency from n independent draws has standard deviation
    sqrt(p (1 - p) / n); over 6 words the chance that a correct sampler is
    off by more than 5 of them somewhere is below 1e-5. A wrong power is
    caught easily: at n = 200 000 one standard error is at most 0.0011,
    and using power 1 instead of 0.75 moves word 3's probability by 0.057
    (about 50 standard errors). The seeds are fixed, so the test is
    deterministic anyway.
    """
    return 5 * np.sqrt(p * (1 - p) / n) + 1e-12


def test_counts_and_probabilities():
    s = UnigramSampler(CORPUS, power=0.75, sample_size=2, seed=0)
    assert s.vocab_size == 6
    np.testing.assert_array_equal(s.counts, COUNTS)
    assert s.word_p.dtype == np.float64
    np.testing.assert_allclose(s.word_p, expected_p(0.75), rtol=1e-12)
    # 0.75 flattens the distribution: the rarest word gains, the commonest loses
    raw = expected_p(1.0)
    assert s.word_p[2] > raw[2] and s.word_p[3] < raw[3]


def test_power_zero_is_uniform_over_words_that_occur():
    s = UnigramSampler(CORPUS, power=0, seed=0)
    np.testing.assert_allclose(s.word_p, [0.2, 0.2, 0.2, 0.2, 0.0, 0.2])


@pytest.mark.parametrize("power", [1.0, 0.75, 0.0])
def test_empirical_frequencies_match(power):
    n = 200_000
    s = UnigramSampler(CORPUS, power=power, seed=1)
    draws = s.sample(n)
    freq = np.bincount(draws, minlength=6) / n
    p = expected_p(power)
    assert np.all(np.abs(freq - p) <= tolerance(p, n)), (freq, p)
    assert freq[4] == 0                                   # never-seen id never drawn


@pytest.mark.parametrize("target", [3, 2, 4])
def test_conditional_distribution_excludes_the_target(target):
    k, rows = 5, 40_000                                   # 200k draws
    s = UnigramSampler(CORPUS, power=0.75, sample_size=k, seed=2)
    neg = s.get_negative_sample(np.full(rows, target))
    assert neg.shape == (rows, k) and np.issubdtype(neg.dtype, np.integer)
    assert not np.any(neg == target)
    p = expected_p(0.75)
    cond = np.where(np.arange(6) == target, 0.0, p / (1 - p[target]))
    freq = np.bincount(neg.ravel(), minlength=6) / neg.size
    assert np.all(np.abs(freq - cond) <= tolerance(cond, neg.size)), (freq, cond)


def test_target_never_its_own_negative_when_one_word_dominates():
    corpus = np.array([0] * 98 + [1, 2])                 # p(0) = 0.98 at power 1
    s = UnigramSampler(corpus, power=1.0, sample_size=5, seed=3)
    target = np.random.default_rng(4).choice(3, size=5000, p=[0.5, 0.25, 0.25])
    neg = s.get_negative_sample(target)
    assert not np.any(neg == target[:, None])
    rows0 = neg[target == 0]
    assert set(np.unique(rows0)) == {1, 2}               # only the rare words are left
    assert abs(np.mean(rows0 == 1) - 0.5) < 0.03          # and they are equally likely
    assert np.mean(neg[target == 1] == 0) > 0.97          # 0.98 / 0.99 = 0.9899


def test_draws_are_with_replacement_within_a_row():
    s = UnigramSampler(np.array([0, 1, 2]), power=1.0, sample_size=5, seed=5)
    neg = s.get_negative_sample(np.zeros(100, dtype=int))
    # only two candidates for five places: repeats are unavoidable
    assert np.all(np.isin(neg, [1, 2]))


def test_scalar_target_gives_one_row():
    s = UnigramSampler(CORPUS, sample_size=3, seed=6)
    row = s.get_negative_sample(3)
    assert row.shape == (3,) and 3 not in row


def test_seeding():
    t = np.arange(6).repeat(20)
    a = UnigramSampler(CORPUS, seed=7).get_negative_sample(t)
    b = UnigramSampler(CORPUS, seed=7).get_negative_sample(t)
    c = UnigramSampler(CORPUS, seed=8).get_negative_sample(t)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    g = np.random.default_rng(9)
    assert UnigramSampler(CORPUS, seed=g).rng is g


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(corpus=np.array([0.0, 1.0])), TypeError, "integer"),
    (dict(corpus=np.array([[0, 1]])), TypeError, "1-D"),
    (dict(corpus=np.array([], dtype=int)), ValueError, "empty"),
    (dict(corpus=np.array([0, -1])), ValueError, "non-negative"),
    (dict(corpus=CORPUS, power=-0.5), ValueError, "power"),
    (dict(corpus=CORPUS, power=float("nan")), ValueError, "power"),
    (dict(corpus=CORPUS, sample_size=0), ValueError, "sample_size"),
    (dict(corpus=CORPUS, sample_size=2.0), ValueError, "sample_size"),
])
def test_bad_sampler_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        UnigramSampler(**kwargs)


def test_bad_targets():
    s = UnigramSampler(CORPUS, seed=0)
    with pytest.raises(TypeError, match="integers"):
        s.get_negative_sample(np.array([1.0]))
    with pytest.raises(IndexError, match=r"\[0, 6\).*9"):
        s.get_negative_sample(np.array([1, 9]))
    with pytest.raises(ValueError, match=r"\(N,\)"):
        s.get_negative_sample(np.zeros((2, 2), dtype=int))


def test_a_target_that_is_the_only_word_cannot_have_negatives():
    s = UnigramSampler(np.array([3, 3, 3]), seed=0)
    with pytest.raises(ValueError, match="only word"):
        s.get_negative_sample(np.array([3]))
    # other ids (probability 0) are fine targets: every draw is word 3
    np.testing.assert_array_equal(s.get_negative_sample(np.array([1])), [[3] * 5])


# ---------------------------------------------------------------- NegativeSamplingLoss

V, H, N, K = 6, 4, 7, 3


def make_loss(seed=10):
    r = np.random.default_rng(seed)
    W = r.normal(size=(V, H))
    h = r.normal(size=(N, H))
    target = r.integers(0, V, size=N)
    target[target == 4] = 0                      # any id works, keep it to seen words
    layer = NegativeSamplingLoss(W, CORPUS, power=0.75, sample_size=K, seed=seed)
    return layer, W, h, target


def test_loss_is_the_books_sum_of_batch_means():
    layer, W, h, target = make_loss()
    loss = layer.forward(h, target)
    ids = layer.ids
    assert ids.shape == (N, 1 + K)
    np.testing.assert_array_equal(ids[:, 0], target)
    assert not np.any(ids[:, 1:] == target[:, None])
    scores = np.einsum("nkh,nh->nk", W[ids], h)
    expected = np.mean(softplus(-scores[:, 0]))                  # -log sigmoid(s)
    for j in range(1, K + 1):
        expected += np.mean(softplus(scores[:, j]))              # -log(1 - sigmoid(s))
    assert loss == pytest.approx(expected, rel=1e-12)


def test_negative_sampling_gradients():
    layer, W, h, target = make_loss()
    state = layer.sampler.rng.bit_generator.state

    def f():
        layer.sampler.rng.bit_generator.state = state    # same negatives every time
        return layer.forward(h, target)

    f()
    dh = layer.backward()
    assert dh.shape == h.shape
    errors = gradient_check(f, [h, W], [dh, layer.grads[0]])
    assert max(errors) < 1e-7, errors


def test_params_hold_the_shared_weight_once():
    layer, W, _, _ = make_loss()
    assert len(layer.params) == 1 and layer.params[0] is W
    assert len(layer.grads) == 1 and layer.grads[0].shape == W.shape


def test_weight_matrix_must_cover_the_corpus():
    with pytest.raises(ValueError, match="rows"):
        NegativeSamplingLoss(np.zeros((4, 2)), CORPUS)
