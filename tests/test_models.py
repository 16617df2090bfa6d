"""models.py: gradients, the skip-gram loss definition, validation and short trainings."""

import math

import numpy as np
import pytest

from w2vlib.corpus import convert_one_hot, create_contexts_target, preprocess
from w2vlib.functions import softplus
from w2vlib.gradcheck import gradient_check
from w2vlib.layers import Embedding
from w2vlib.models import CBOW, SimpleCBOW, SkipGram
from w2vlib.negative_sampling import NegativeSamplingLoss
from w2vlib.optim import SGD, Adam

V, H, WINDOW, K, N = 12, 4, 2, 3, 6


def small_corpus(seed=0, length=80):
    return np.random.default_rng(seed).integers(0, V, size=length)


def randomize(model, seed):
    """Weights of order 1, so the check is not done in the near-linear regime."""
    r = np.random.default_rng(seed)
    for p in model.params:
        p[...] = r.normal(size=p.shape) * 0.5


def cyclic_corpus(seed, vocab=20, length=3000):
    """Word i is followed by i+1 (mod vocab) 90 % of the time, else a random word."""
    r = np.random.default_rng(seed)
    out = np.empty(length, dtype=np.int64)
    out[0] = 0
    for i in range(1, length):
        out[i] = (out[i - 1] + 1) % vocab if r.random() < 0.9 else r.integers(vocab)
    return out


# ---------------------------------------------------------------- gradient checks

def test_simple_cbow_gradients():
    r = np.random.default_rng(20)
    model = SimpleCBOW(V, H, seed=1, dtype=np.float64)
    randomize(model, 2)
    contexts = convert_one_hot(r.integers(0, V, size=(N, 2)), V)
    target = r.integers(0, V, size=N)
    model.forward(contexts, target)
    model.backward()
    errors = gradient_check(lambda: model.forward(contexts, target), model.params, model.grads)
    assert max(errors) < 1e-7, errors


@pytest.mark.parametrize("Model", [CBOW, SkipGram])
def test_negative_sampling_model_gradients(Model):
    r = np.random.default_rng(21)
    model = Model(V, H, WINDOW, small_corpus(), sample_size=K, seed=3, dtype=np.float64)
    randomize(model, 4)
    contexts = r.integers(0, V, size=(N, 2 * WINDOW))
    contexts[0, :2] = contexts[0, 2]             # repeated ids inside one row
    target = r.integers(0, V, size=N)
    rng = model.ns_loss.sampler.rng
    state = rng.bit_generator.state

    def f():
        rng.bit_generator.state = state          # the same negatives in every evaluation
        return model.forward(contexts, target)

    f()
    model.backward()
    errors = gradient_check(f, model.params, model.grads)
    assert max(errors) < 1e-7, errors


# ---------------------------------------------------------------- SkipGram loss

def test_skipgram_loss_and_grads_equal_the_per_position_reference(monkeypatch):
    r = np.random.default_rng(22)
    corpus = small_corpus(5)
    C = 2 * WINDOW
    model = SkipGram(V, H, WINDOW, corpus, sample_size=K, seed=6, dtype=np.float64)
    randomize(model, 7)
    W_in, W_out = model.params
    contexts = r.integers(0, V, size=(N, C))
    target = r.integers(0, V, size=N)
    negatives = r.integers(0, V, size=(N, C, K))
    clash = negatives == contexts[..., None]
    negatives[clash] = (negatives[clash] + 1) % V

    # Fixed negatives: the model asks for all N*C rows at once (row n*C + c).
    monkeypatch.setattr(model.ns_loss.sampler, "get_negative_sample",
                        lambda t: negatives.reshape(N * C, K))
    loss = model.forward(contexts, target)
    model.backward()

    # Reference 1, plain numpy: sum over positions of that position's
    # batch-mean loss (positive + each negative).
    h = W_in[target]
    expected = 0.0
    for c in range(C):
        s_pos = np.sum(W_out[contexts[:, c]] * h, axis=1)
        expected += np.mean(softplus(-s_pos))
        for j in range(K):
            s_neg = np.sum(W_out[negatives[:, c, j]] * h, axis=1)
            expected += np.mean(softplus(s_neg))
    assert loss == pytest.approx(expected, rel=1e-12)

    # Reference 2, the book's structure: one NegativeSamplingLoss per position.
    dW_in, dW_out = np.zeros_like(W_in), np.zeros_like(W_out)
    embed = Embedding(W_in)
    h = embed.forward(target)
    dh, total = np.zeros_like(h), 0.0
    for c in range(C):
        layer = NegativeSamplingLoss(W_out, corpus, sample_size=K)
        layer.sampler.get_negative_sample = lambda t, c=c: negatives[:, c]
        total += layer.forward(h, contexts[:, c])
        dh += layer.backward()
        dW_out += layer.grads[0]
    embed.backward(dh)
    dW_in += embed.grads[0]
    assert total == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(model.grads[0], dW_in, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(model.grads[1], dW_out, rtol=1e-10, atol=1e-14)


# ---------------------------------------------------------------- structure

@pytest.mark.parametrize("Model", [CBOW, SkipGram])
def test_params_word_vecs_and_dtype(Model):
    model = Model(V, H, WINDOW, small_corpus(), seed=0)
    W_in, W_out = model.params
    assert W_in.shape == (V, H) and W_out.shape == (V, H)
    assert W_in is not W_out and len(model.grads) == 2
    assert all(p.dtype == np.float32 for p in model.params)
    assert model.word_vecs is W_in
    assert 0.005 < W_in.std() < 0.015                      # 0.01 * standard normal
    contexts = np.random.default_rng(1).integers(0, V, size=(N, 2 * WINDOW))
    model.forward(contexts, contexts[:, 0])
    model.backward()
    SGD(lr=1.0).update(model.params, model.grads)
    assert model.word_vecs is model.params[0]             # updated in place


def test_simple_cbow_structure():
    model = SimpleCBOW(7, 3, seed=0)
    assert model.word_vecs is model.params[0]
    assert [p.shape for p in model.params] == [(7, 3), (3, 7)]
    assert model.params[0].dtype == np.float32


def test_seed_reproducibility():
    corpus = small_corpus()
    contexts = np.random.default_rng(2).integers(0, V, size=(N, 2 * WINDOW))
    target = contexts[:, 1]
    a, b, c = (CBOW(V, H, WINDOW, corpus, seed=s) for s in (5, 5, 6))
    assert np.array_equal(a.params[0], b.params[0])
    assert a.forward(contexts, target) == b.forward(contexts, target)
    assert not np.array_equal(a.params[0], c.params[0])


@pytest.mark.parametrize("Model", [CBOW, SkipGram])
def test_input_validation(Model):
    model = Model(V, H, WINDOW, small_corpus(), seed=0)
    ok = np.zeros((5, 4), dtype=int)
    with pytest.raises(ValueError, match=r"\(N, 4\).*\(5, 3\)"):
        model.forward(np.zeros((5, 3), dtype=int), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"\(5,\).*\(4,\)"):
        model.forward(ok, np.zeros(4, dtype=int))
    with pytest.raises(TypeError, match="integer"):
        model.forward(ok.astype(float), np.zeros(5, dtype=int))
    with pytest.raises(IndexError, match=r"\[0, 12\)"):
        model.forward(ok + 12, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="window_size"):
        Model(V, H, 0, small_corpus())
    with pytest.raises(ValueError, match="rows"):
        Model(V - 2, H, WINDOW, small_corpus())         # corpus has ids >= 10


def test_simple_cbow_validation():
    model = SimpleCBOW(7, 3, seed=0)
    with pytest.raises(ValueError, match=r"\(N, C, 7\)"):
        model.forward(np.zeros((2, 2, 6)), np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="rows"):
        model.forward(np.zeros((2, 2, 7)), np.zeros(3, dtype=int))


# ---------------------------------------------------------------- training

def test_simple_cbow_learns_the_toy_sentence():
    corpus, word_to_id, _ = preprocess("You say goodbye and I say hello.")
    contexts, target = create_contexts_target(corpus, window_size=1)
    vocab = len(word_to_id)                                # 7
    x, t = convert_one_hot(contexts, vocab), convert_one_hot(target, vocab)
    model = SimpleCBOW(vocab, 5, seed=0)
    opt = Adam(lr=0.05)

    first = model.forward(x, t)
    assert first == pytest.approx(math.log(7), abs=0.01)   # tiny weights: uniform guess
    for _ in range(300):
        model.forward(x, t)
        model.backward()
        opt.update(model.params, model.grads)

    # (say, and) -> goodbye and (and, say) -> I have the same averaged context,
    # so no CBOW can tell them apart: the best loss is 2 ln 2 / 6 = 0.231 and
    # at most 5 of the 6 pairs can be right.
    floor = 2 * math.log(2) / 6
    assert floor <= model.forward(x, t) < floor + 0.02
    pred = model.predict(x).argmax(axis=1)
    assert np.sum(pred == target) == 5
    ambiguous = [word_to_id["goodbye"], word_to_id["i"]]
    assert set(pred[np.isin(target, ambiguous)]) <= set(ambiguous)


@pytest.mark.parametrize("Model, start, bound", [(CBOW, 6 * math.log(2), 1.5),
                                                  (SkipGram, 12 * math.log(2), 3.5)],
                         ids=["CBOW", "SkipGram"])
def test_negative_sampling_models_learn_a_cyclic_corpus(Model, start, bound):
    corpus = cyclic_corpus(0)
    contexts, target = create_contexts_target(corpus, window_size=1)
    model = Model(20, 8, 1, corpus, sample_size=5, seed=0)
    opt = Adam(lr=0.01)
    batches = np.random.default_rng(1).integers(0, len(target), size=(300, 100))

    losses = []
    for idx in batches:
        losses.append(model.forward(contexts[idx], target[idx]))
        model.backward()
        opt.update(model.params, model.grads)

    # untrained, every score is ~0 and each of the (1 + k) questions costs ln 2
    # per predicted word: 6 ln 2 = 4.16 for CBOW, twice that for 2 contexts.
    assert np.mean(losses[:5]) == pytest.approx(start, abs=0.1)
    assert np.mean(losses[-20:]) < bound


def test_cbow_scores_the_true_centre_word_highest_after_training():
    corpus = cyclic_corpus(2)
    contexts, target = create_contexts_target(corpus, window_size=1)
    model = CBOW(20, 8, 1, corpus, sample_size=5, seed=0)
    opt = Adam(lr=0.01)
    for idx in np.random.default_rng(3).integers(0, len(target), size=(300, 100)):
        model.forward(contexts[idx], target[idx])
        model.backward()
        opt.update(model.params, model.grads)
    W_in, W_out = model.params
    # the contexts (i-1, i+1) of the pure cycle; their centre word is i
    i = np.arange(20)
    h = W_in[np.stack([(i - 1) % 20, (i + 1) % 20], axis=1)].mean(axis=1)
    assert np.mean((h @ W_out.T).argmax(axis=1) == i) >= 0.9
