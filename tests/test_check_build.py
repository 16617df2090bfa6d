"""The build-it checks of issue 14 item 5: check.embedding_dot, check.ns_gradients, check.cbow and
check.skipgram pass a correct learner-style implementation (plain code in the book's
structure, written here) and fail each classic slip with its hint."""

import numpy as np
import pytest

from w2vlib import check, layers, models
from w2vlib.functions import sigmoid
from w2vlib.lab import book_style
from w2vlib.layers import Embedding
from w2vlib.negative_sampling import NegativeSamplingLoss

# ---------------------------------------------------------------------------
# EmbeddingDot
# ---------------------------------------------------------------------------


class MyEmbeddingDot:
    """A learner's EmbeddingDot: an inner Embedding picks the rows, a row-wise dot scores them."""

    def __init__(self, W):
        self.embed = Embedding(W)
        self.params, self.grads = self.embed.params, self.embed.grads
        self.cache = None

    def forward(self, h, idx):
        rows = self.embed.forward(idx)             # (N, H)
        self.cache = (h, rows)
        return np.sum(rows * h, axis=1)            # (N,)

    def backward(self, dout):
        h, rows = self.cache
        dout = dout.reshape(-1, 1)
        self.embed.backward(dout * h)
        return dout * rows


class ScratchDot:
    """Without an inner Embedding; options switch in one slip each."""

    def __init__(self, W):
        self.params, self.grads = [W], [np.zeros_like(W)]

    def forward(self, h, idx):
        self.h, self.idx = h, idx
        return np.sum(self.params[0][idx] * h, axis=1)

    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        np.add.at(dW, self.idx, dout[:, None] * self.h)
        return dout[:, None] * self.params[0][self.idx]


class AssignDot(ScratchDot):
    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        dW[self.idx] = dout[:, None] * self.h
        return dout[:, None] * self.params[0][self.idx]


class PlusEqualsDot(ScratchDot):
    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        dW[self.idx] += dout[:, None] * self.h
        return dout[:, None] * self.params[0][self.idx]


class NoReshapeDot(ScratchDot):
    def backward(self, dout):
        np.add.at(self.grads[0], self.idx, dout * self.h)          # (N,) * (N, H)
        return dout * self.params[0][self.idx]


class DhIsHDot(ScratchDot):
    def backward(self, dout):
        super().backward(dout)
        return dout[:, None] * self.h


class StaleDot(ScratchDot):
    def backward(self, dout):
        np.add.at(self.grads[0], self.idx, dout[:, None] * self.h)
        return dout[:, None] * self.params[0][self.idx]


class RebindDot(ScratchDot):
    def backward(self, dout):
        dW = np.zeros_like(self.params[0])
        np.add.at(dW, self.idx, dout[:, None] * self.h)
        self.grads[0] = dW
        return dout[:, None] * self.params[0][self.idx]


class MatrixDot(ScratchDot):
    def forward(self, h, idx):
        self.h, self.idx = h, idx
        return h @ self.params[0][idx].T


@pytest.mark.parametrize("cls", [MyEmbeddingDot, ScratchDot, layers.EmbeddingDot,
                                 book_style.EmbeddingDot])
def test_embedding_dot_passes_references(cls, capsys):
    r = check.embedding_dot(cls)
    assert r.passed, r.checks
    out = capsys.readouterr().out
    assert "7/7 checks passed (all passed)" in out and "next:" in out


@pytest.mark.parametrize("cls, failed, words", [
    (AssignDot, ["dW: repeated ids add up", "dh and dW match the numerical gradient"],
     ["`dW[idx] = dout * h`", "`dW[idx] += dout * h`", "np.add.at"]),
    (PlusEqualsDot, ["dW: repeated ids add up", "dh and dW match the numerical gradient"],
     ["once", "notebook 03, section 6"]),
    (StaleDot, ["dW zeroed between calls"], ["dW[...] = 0"]),
    (RebindDot, ["grads[0] written in place"], ["NEW array"]),
])
def test_embedding_dot_slips(cls, failed, words):
    r = check.embedding_dot(cls, verbose=False)
    assert r.failed == failed, r.checks
    for w in words:
        assert w in r.hint(failed[0]), w


def test_embedding_dot_forgotten_reshape():
    r = check.embedding_dot(NoReshapeDot, verbose=False)
    assert "dh = dout[:, None] * W[idx]" in r.failed
    hint = r.hint("dh = dout[:, None] * W[idx]")
    assert "reshape(-1, 1)" in hint and "broadcast" in hint and "raised" not in hint


def test_embedding_dot_wrong_dh_and_matrix_forward():
    r = check.embedding_dot(DhIsHDot, verbose=False)
    assert r.failed == ["dh = dout[:, None] * W[idx]", "dh and dW match the numerical gradient"]
    assert "dout * h" in r.hint(r.failed[0])
    r = check.embedding_dot(MatrixDot, verbose=False)
    assert "(N, N)" in r.hint("forward is W[idx[n]] . h[n], one score per row")


# ---------------------------------------------------------------------------
# The derivation: ns_gradients
# ---------------------------------------------------------------------------


def make_grad_fn(c_t=lambda s: sigmoid(s) - 1, c_k=sigmoid, add=True):
    """A learner's answer built from the coefficients of w_t and of each w_k."""

    def fn(h, W_out, target, negatives):
        a_t = c_t(W_out[target] @ h)                 # dL/ds_t
        a_k = c_k(W_out[negatives] @ h)              # dL/ds_k, (K,)
        dh = a_t * W_out[target] + a_k @ W_out[negatives]
        dW = np.zeros_like(W_out)
        dW[target] += a_t * h
        if add:
            np.add.at(dW, negatives, a_k[:, None] * h)
        else:
            dW[negatives] = a_k[:, None] * h
        return dh, dW
    return fn


def loop_grad_fn(h, W_out, target, negatives):
    """The same derivation written as a loop over the negatives, as a learner might."""
    dW = np.zeros_like(W_out)
    g = sigmoid(W_out[target] @ h) - 1
    dh = g * W_out[target]
    dW[target] += g * h
    for k in negatives:
        g = sigmoid(W_out[k] @ h)
        dh = dh + g * W_out[k]
        dW[k] += g * h
    return dh, dW


@pytest.mark.parametrize("fn", [make_grad_fn(), loop_grad_fn])
def test_ns_gradients_passes_references(fn, capsys):
    r = check.ns_gradients(fn)
    assert r.passed, r.checks
    assert "6/6 checks passed (all passed)" in capsys.readouterr().out


@pytest.mark.parametrize("fn, words", [
    (make_grad_fn(lambda s: 1 - sigmoid(s), lambda s: -sigmoid(s)), "every sign is flipped"),
    (make_grad_fn(lambda s: 1 - sigmoid(s)), "target's term has the wrong sign"),
    (make_grad_fn(c_k=lambda s: -sigmoid(s)), "negatives' terms have the wrong sign"),
    (make_grad_fn(c_k=lambda s: sigmoid(-s)), "use sigmoid(-s_k)"),
    (make_grad_fn(c_k=lambda s: sigmoid(s) - 1), "label 1"),
    (make_grad_fn(c_t=sigmoid), "lacks the label"),
])
def test_ns_gradients_sign_and_sigmoid_slips(fn, words):
    r = check.ns_gradients(fn, verbose=False)
    assert "dh = (s(s_t) - 1) w_t + sum_k s(s_k) w_k" in r.failed
    assert words in r.hint("dh = (s(s_t) - 1) w_t + sum_k s(s_k) w_k")


def test_ns_gradients_repeated_negative_assigned():
    r = check.ns_gradients(make_grad_fn(add=False), verbose=False)
    assert r.failed == ["a negative drawn twice adds up", "dh and dW_out match the numerical gradient"]
    hint = r.hint("a negative drawn twice adds up")
    assert "drawn twice" in hint and "np.add.at" in hint and "`dW[idx] += rows`" in hint


def test_ns_gradients_wrong_return():
    r = check.ns_gradients(lambda h, W, t, neg: make_grad_fn()(h, W, t, neg)[0], verbose=False)
    assert "return a pair (dh, dW_out)" in r.hint("returns (dh, dW_out) of shapes (H,), (V, H)")
    r = check.ns_gradients(lambda h, W, t, neg: (h, W[neg]), verbose=False)
    assert "zeros in rows no id used" in r.hint(r.failed[0])


# ---------------------------------------------------------------------------
# CBOW and skip-gram: learner-style models in the book's structure
# ---------------------------------------------------------------------------


class MyCBOW:
    """2 * window_size Embedding layers sharing W_in, mean of the contexts, negative sampling."""

    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        V, H = vocab_size, hidden_size
        W_in = (0.01 * np.random.randn(V, H)).astype("f")
        W_out = (0.01 * np.random.randn(V, H)).astype("f")
        self.in_layers = [Embedding(W_in) for _ in range(2 * window_size)]
        self.ns_loss = NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=5)
        self.params, self.grads = [], []
        for layer in self.in_layers + [self.ns_loss]:
            self.params += layer.params
            self.grads += layer.grads
        self.word_vecs = W_in

    def hidden(self, contexts):
        h = 0
        for i, layer in enumerate(self.in_layers):
            h = h + layer.forward(contexts[:, i])
        return h / len(self.in_layers)

    def forward(self, contexts, target):
        return self.ns_loss.forward(self.hidden(contexts), target)

    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout) / len(self.in_layers)
        for layer in self.in_layers:
            layer.backward(dh)


class SumCBOW(MyCBOW):
    def hidden(self, contexts):
        return super().hidden(contexts) * len(self.in_layers)

    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout)
        for layer in self.in_layers:
            layer.backward(dh)


class NoOneOverCCBOW(MyCBOW):
    def backward(self, dout=1):
        dh = self.ns_loss.backward(dout)                 # the 1/C forgotten
        for layer in self.in_layers:
            layer.backward(dh)


class AssigningEmbedding(Embedding):
    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        dW[self.idx] = dout


class AssignCBOW(MyCBOW):
    def __init__(self, *args):
        super().__init__(*args)
        W_in = self.word_vecs
        self.in_layers = [AssigningEmbedding(W_in) for _ in self.in_layers]
        self.params = [W_in] * len(self.in_layers) + self.ns_loss.params
        self.grads = [layer.grads[0] for layer in self.in_layers] + self.ns_loss.grads


class OwnWeightsCBOW(MyCBOW):
    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        super().__init__(vocab_size, hidden_size, window_size, corpus)
        self.in_layers = [Embedding(self.word_vecs.copy()) for _ in self.in_layers]
        self.params, self.grads = [], []
        for layer in self.in_layers + [self.ns_loss]:
            self.params += layer.params
            self.grads += layer.grads
        self.word_vecs = self.in_layers[0].params[0]


class FirstLayerGradsCBOW(MyCBOW):
    def __init__(self, *args):
        super().__init__(*args)
        self.params = [self.word_vecs, self.ns_loss.params[0]]
        self.grads = [self.in_layers[0].grads[0], self.ns_loss.grads[0]]


class NoExclusionSampler:
    def __init__(self, corpus, sample_size):
        counts = np.bincount(corpus)
        self.p = counts ** 0.75 / np.sum(counts ** 0.75)
        self.k = sample_size

    def get_negative_sample(self, target):
        return np.random.choice(len(self.p), size=(len(target), self.k), p=self.p)


class BatchZeroingSampler(NoExclusionSampler):
    def get_negative_sample(self, target):
        p = self.p.copy()
        p[target] = 0                                    # every row's target, for every row
        return np.random.choice(len(p), size=(len(target), self.k), p=p / p.sum())


class NoExclusionCBOW(MyCBOW):
    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        super().__init__(vocab_size, hidden_size, window_size, corpus)
        self.ns_loss.sampler = NoExclusionSampler(corpus, 5)


class BatchZeroingCBOW(MyCBOW):
    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        super().__init__(vocab_size, hidden_size, window_size, corpus)
        self.ns_loss.sampler = BatchZeroingSampler(corpus, 5)


def book_cbow(vocab_size, hidden_size, window_size, corpus):
    return book_style.CBOW(vocab_size, hidden_size, window_size, corpus)


class Float64CBOW(models.CBOW):
    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        super().__init__(vocab_size, hidden_size, window_size, corpus, dtype=np.float64)


CBOW_CASES = ["params, grads, word_vecs: one W_in shared by the contexts",
              "forward: loss of the MEAN of the context vectors",
              "target never its own negative; other rows' targets may be",
              "dW_in, dW_out equal the library's CBOW",
              "backward matches the numerical gradient"]


@pytest.mark.parametrize("cls", [MyCBOW, models.CBOW, Float64CBOW, book_cbow])
def test_cbow_passes_references(cls, capsys):
    r = check.cbow(cls)
    assert r.passed, r.checks
    assert "5/5 checks passed (all passed)" in capsys.readouterr().out


@pytest.mark.parametrize("cls, failed, words", [
    (SumCBOW, [CBOW_CASES[1], CBOW_CASES[3]], "SUM of the 4 context vectors"),
    (NoOneOverCCBOW, [CBOW_CASES[3], CBOW_CASES[4]], "4 times too large"),
    (AssignCBOW, [CBOW_CASES[3], CBOW_CASES[4]], "`dW[idx] += dout`"),
    (NoExclusionCBOW, [CBOW_CASES[2]], "its own target"),
    (BatchZeroingCBOW, [CBOW_CASES[2]], "OWN row"),
    (OwnWeightsCBOW, [CBOW_CASES[0], CBOW_CASES[1], CBOW_CASES[3]], "its own W_in"),
    (FirstLayerGradsCBOW, [CBOW_CASES[3], CBOW_CASES[4]], "only context position 0"),
])
def test_cbow_slips(cls, failed, words):
    r = check.cbow(cls, verbose=False)
    assert r.failed == failed, r.checks
    assert words in r.hint(failed[0]), r.hint(failed[0])


def test_cbow_backward_slips_name_the_numerical_gradient():
    r = check.cbow(NoOneOverCCBOW, verbose=False)
    assert "divides dh by C" in r.hint(CBOW_CASES[4])


def test_cbow_without_a_visible_sampler():
    class Hidden(MyCBOW):
        def __init__(self, *args):
            super().__init__(*args)
            sampler = self.ns_loss.sampler
            del self.ns_loss.sampler
            self.ns_loss.__dict__["_draw"] = sampler.get_negative_sample

    r = check.cbow(Hidden, verbose=False)
    assert not r.passed and "could not see your negatives" in r.hint(CBOW_CASES[0])


def test_cbow_stub_is_not_written_yet(capsys):
    class Stub:
        def __init__(self, vocab_size, hidden_size, window_size, corpus):
            raise NotImplementedError

    r = check.cbow(Stub)
    assert r.not_written == r.failed == CBOW_CASES
    assert capsys.readouterr().out.startswith("check.cbow: not written yet")


class MySkipGram:
    """One Embedding for the target; one NegativeSamplingLoss per context position, sharing W_out."""

    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        V, H = vocab_size, hidden_size
        W_in = (0.01 * np.random.randn(V, H)).astype("f")
        W_out = (0.01 * np.random.randn(V, H)).astype("f")
        self.in_layer = Embedding(W_in)
        self.loss_layers = [NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=5)
                            for _ in range(2 * window_size)]
        self.params, self.grads = [], []
        for layer in [self.in_layer] + self.loss_layers:
            self.params += layer.params
            self.grads += layer.grads
        self.word_vecs = W_in

    def forward(self, contexts, target):
        h = self.in_layer.forward(target)
        loss = 0
        for i, layer in enumerate(self.loss_layers):
            loss += layer.forward(h, contexts[:, i])
        return loss

    def backward(self, dout=1):
        dh = 0
        for layer in self.loss_layers:
            dh = dh + layer.backward(dout)
        self.in_layer.backward(dh)


class MeanSkipGram(MySkipGram):
    def forward(self, contexts, target):
        return super().forward(contexts, target) / len(self.loss_layers)

    def backward(self, dout=1):
        super().backward(dout / len(self.loss_layers))


class SharedLayerSkipGram(MySkipGram):
    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        super().__init__(vocab_size, hidden_size, window_size, corpus)
        self.loss_layers = [self.loss_layers[0]] * len(self.loss_layers)
        self.params = self.in_layer.params + self.loss_layers[0].params
        self.grads = self.in_layer.grads + self.loss_layers[0].grads


class FirstLayerGradsSkipGram(MySkipGram):
    def __init__(self, *args):
        super().__init__(*args)
        self.params = self.in_layer.params + self.loss_layers[0].params
        self.grads = self.in_layer.grads + self.loss_layers[0].grads


class DividedSkipGram(MySkipGram):
    def backward(self, dout=1):
        dh = 0
        for layer in self.loss_layers:
            dh = dh + layer.backward(dout)
        self.in_layer.backward(dh / len(self.loss_layers))


SG_CASES = ["params, grads, word_vecs: one W_out shared by the positions",
            "forward: SUM of the C positions' losses",
            "a context word never its own negative; others may be",
            "dW_in, dW_out equal the library's SkipGram",
            "backward matches the numerical gradient"]


@pytest.mark.parametrize("cls", [MySkipGram, models.SkipGram])
def test_skipgram_passes_references(cls, capsys):
    r = check.skipgram(cls)
    assert r.passed, r.checks
    assert "5/5 checks passed (all passed)" in capsys.readouterr().out


@pytest.mark.parametrize("cls, failed, words", [
    (MeanSkipGram, [SG_CASES[1], SG_CASES[3]], "MEAN over the 4 context positions"),
    (SharedLayerSkipGram, [SG_CASES[3], SG_CASES[4]], "one loss layer is used for all 4"),
    (FirstLayerGradsSkipGram, [SG_CASES[3], SG_CASES[4]], "only context position 0"),
    (DividedSkipGram, [SG_CASES[3], SG_CASES[4]], "4 times too small"),
])
def test_skipgram_slips(cls, failed, words):
    r = check.skipgram(cls, verbose=False)
    assert r.failed == failed, r.checks
    assert words in r.hint(failed[0]), r.hint(failed[0])


class NoExclusionSkipGram(MySkipGram):
    def __init__(self, vocab_size, hidden_size, window_size, corpus):
        super().__init__(vocab_size, hidden_size, window_size, corpus)
        for layer in self.loss_layers:
            layer.sampler = NoExclusionSampler(corpus, 5)


def test_skipgram_context_word_as_its_own_negative():
    r = check.skipgram(NoExclusionSkipGram, verbose=False)
    assert r.failed == [SG_CASES[2]] and "its own target" in r.hint(SG_CASES[2])
