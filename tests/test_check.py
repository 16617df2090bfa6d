"""w2vlib.study.check: passes the references, fails each classic mistake with the right hint, never raises."""

import numpy as np
import pytest

from w2vlib import check, evaluate, layers, negative_sampling
from w2vlib.functions import softplus
from w2vlib.lab import book_style

# ---------------------------------------------------------------------------
# CheckResult
# ---------------------------------------------------------------------------


def test_result_repr_passed_and_report():
    r = check.CheckResult("demo", [("a", True, ""), ("b", False, "do c")])
    assert not r.passed and r.failed == ["b"] and r.hint("b") == "do c"
    assert repr(r) == "CheckResult('demo', passed=False, 1/2 ok, failed=['b'])"
    assert "FAIL  b" in r.report() and "hint: do c" in r.report()
    assert not check.CheckResult("empty").passed
    with pytest.raises(KeyError, match="no check named 'z'"):
        r.hint("z")


# ---------------------------------------------------------------------------
# Embedding
# ---------------------------------------------------------------------------


class AssignEmbedding(layers.Embedding):
    def backward(self, dout):
        dW = self.grads[0]
        dW[...] = 0
        dW[self.idx] = dout                      # the classic mistake


class RebindEmbedding(layers.Embedding):
    def backward(self, dout):
        dW = np.zeros_like(self.params[0])
        np.add.at(dW, self.idx, dout)
        self.grads[0] = dW                       # a new object: optimizers miss it


class StaleEmbedding(layers.Embedding):
    def backward(self, dout):
        np.add.at(self.grads[0], self.idx, dout)  # never zeroed


class BrokenEmbedding(layers.Embedding):
    def backward(self, dout):
        raise ValueError("not written yet")


@pytest.mark.parametrize("cls", [layers.Embedding, book_style.Embedding])
def test_embedding_passes_references(cls, capsys):
    r = check.embedding_backward(cls)
    assert r.passed, r
    out = capsys.readouterr().out
    assert "5/5 checks passed" in out and "FAIL" not in out


@pytest.mark.parametrize("cls, failed, words", [
    (AssignEmbedding, ["backward, repeated ids add up"], "np.add.at"),
    (RebindEmbedding, ["grads[0] written in place"], "don't rebind"),
    (StaleEmbedding, ["dW zeroed between calls"], "stale"),
])
def test_embedding_mistakes(cls, failed, words):
    r = check.embedding_backward(cls, verbose=False)
    assert r.failed == failed
    assert words in r.hint(failed[0])


def test_embedding_exception_is_reported_not_raised(capsys):
    r = check.embedding_backward(BrokenEmbedding)
    assert r.failed == ["backward, distinct ids", "backward, repeated ids add up",
                        "grads[0] written in place", "dW zeroed between calls"]
    assert "ValueError: not written yet" in r.hint("backward, repeated ids add up")
    assert "Traceback" not in capsys.readouterr().out


def test_embedding_constructor_failure_is_reported():
    def bad(W):
        raise RuntimeError("boom")

    r = check.embedding_backward(bad, verbose=False)
    assert not r.passed and len(r.failed) == 5
    assert "RuntimeError: boom" in r.hint("forward returns W[idx]")


# ---------------------------------------------------------------------------
# SigmoidWithLoss
# ---------------------------------------------------------------------------


class NoDivideSigmoid(layers.SigmoidWithLoss):
    def backward(self, dout=1.0):
        return super().backward(dout) * self.t.shape[0]     # forgot / N


class SumLossSigmoid:
    """Both forward and backward forget the batch mean (consistent, but N times too big)."""

    def forward(self, x, t):
        self.y, self.t = 1 / (1 + np.exp(-x)), t
        return float(np.sum(softplus(x) - t * x))

    def backward(self, dout=1.0):
        return (self.y - self.t) * dout


class WrongSignSigmoid(layers.SigmoidWithLoss):
    def backward(self, dout=1.0):
        return -super().backward(dout)


def test_sigmoid_passes_reference(capsys):
    assert check.sigmoid_with_loss(layers.SigmoidWithLoss).passed
    assert "4/4 checks passed" in capsys.readouterr().out


def test_sigmoid_naive_exp_overflows():
    # the book's formulation: 1 / (1 + exp(-x)) and log(y + 1e-7)
    r = check.sigmoid_with_loss(book_style.SigmoidWithLoss, verbose=False)
    assert r.failed == ["large scores (+-1000): exact loss, no overflow"]
    hint = r.hint(r.failed[0])
    assert "RuntimeWarning" in hint and "non-positive" in hint and "softplus" in hint


def test_sigmoid_forgot_divide_by_n():
    r = check.sigmoid_with_loss(NoDivideSigmoid, verbose=False)
    assert "backward is (y - t) / N" in r.failed
    assert "/ N" in r.hint("backward is (y - t) / N") and "6 times" in r.hint("backward is (y - t) / N")
    r = check.sigmoid_with_loss(SumLossSigmoid, verbose=False)
    assert "6 times too large" in r.hint("forward matches the reference loss")
    assert "backward matches the numerical gradient" not in r.failed   # consistent with its forward


def test_sigmoid_wrong_sign():
    r = check.sigmoid_with_loss(WrongSignSigmoid, verbose=False)
    assert "wrong sign" in r.hint("backward is (y - t) / N")


def test_sigmoid_exception_reported(capsys):
    class Broken:
        def forward(self, x, t):
            raise NotImplementedError("todo")

    r = check.sigmoid_with_loss(Broken)
    assert len(r.failed) == 4 and "NotImplementedError: todo" in r.hint(r.failed[0])
    assert "Traceback" not in capsys.readouterr().out


# ---------------------------------------------------------------------------
# UnigramSampler
# ---------------------------------------------------------------------------


class GlobalChoiceSampler:
    """The book's shape: no seed, global np.random.choice, row by row without replacement."""

    def __init__(self, corpus, power, sample_size):
        counts = np.bincount(corpus)
        self.vocab_size, self.sample_size = len(counts), sample_size
        self.word_p = counts ** power / np.sum(counts ** power)

    def get_negative_sample(self, target):
        out = np.zeros((len(target), self.sample_size), dtype=np.int32)
        for i, t in enumerate(target):
            p = self.word_p.copy()
            p[t] = 0
            p /= p.sum()
            out[i] = np.random.choice(self.vocab_size, size=self.sample_size, replace=False, p=p)
        return out


class VectorSampler:
    """Vectorised, with replacement; options switch in one mistake each."""

    exclude, use_power, normalise, smooth = True, True, True, 0

    def __init__(self, corpus, power, sample_size, seed=None):
        counts = np.bincount(corpus) + self.smooth
        w = counts ** power if self.use_power else counts.astype(float)
        self.p = w / w.sum() if self.normalise else w
        self.k, self.rng = sample_size, np.random.default_rng(seed)

    @property
    def word_p(self):
        return self.p

    def get_negative_sample(self, target):
        target = np.asarray(target)
        cdf = np.cumsum(self.p)
        neg = np.searchsorted(cdf, self.rng.random((len(target), self.k)) * cdf[-1], side="right")
        while self.exclude and (hit := neg == target[:, None]).any():
            neg[hit] = np.searchsorted(cdf, self.rng.random(hit.sum()) * cdf[-1], side="right")
        return neg


class NoExclusionSampler(VectorSampler):
    exclude = False


class NoPowerSampler(VectorSampler):
    use_power = False


class UnnormalisedSampler(VectorSampler):
    normalise = False


class SmoothedSampler(VectorSampler):
    smooth = 1                                   # every id gets a count, even unused ones


class NoWordPNoPower(NoPowerSampler):
    word_p = None                                # hides the property: only frequencies can tell

    def __getattribute__(self, name):
        if name == "word_p":
            raise AttributeError(name)
        return super().__getattribute__(name)


class UnnormalisedChoiceSampler(GlobalChoiceSampler):
    def __init__(self, corpus, power, sample_size):
        super().__init__(corpus, power, sample_size)
        self.word_p = np.bincount(corpus) ** power

    def get_negative_sample(self, target):
        return np.random.choice(self.vocab_size, size=(len(target), self.sample_size), p=self.word_p)


@pytest.mark.parametrize("cls", [negative_sampling.UnigramSampler, book_style.UnigramSampler,
                                 GlobalChoiceSampler, VectorSampler])
def test_sampler_passes_references(cls):
    state = np.random.get_state()
    r = check.unigram_sampler(cls, verbose=False)
    assert r.passed, r.checks
    after = np.random.get_state()
    assert all(np.array_equal(a, b) for a, b in zip(state, after, strict=True))   # global state restored


def test_sampler_target_as_own_negative():
    r = check.unigram_sampler(NoExclusionSampler, verbose=False)
    assert r.failed == ["target never among its own negatives"]
    assert "own target" in r.hint(r.failed[0]) and "p[target] = 0" in r.hint(r.failed[0])


def test_sampler_missing_power():
    r = check.unigram_sampler(NoPowerSampler, verbose=False)
    assert r.failed == ["word_p = counts**power, normalised", "frequencies follow counts**power"]
    assert all("power 0.75" in r.hint(n) for n in r.failed)
    # without a word_p attribute the frequencies alone catch it
    r = check.unigram_sampler(NoWordPNoPower, verbose=False)
    assert r.failed == ["frequencies follow counts**power"]
    assert "raw counts" in r.hint(r.failed[0]) and "5 standard errors" in r.hint(r.failed[0])


def test_sampler_unnormalised():
    r = check.unigram_sampler(UnnormalisedSampler, verbose=False)
    assert r.failed == ["word_p = counts**power, normalised"]
    assert "normalise" in r.hint(r.failed[0]) and "not 1" in r.hint(r.failed[0])
    # with np.random.choice numpy refuses; the hint says what to do
    r = check.unigram_sampler(UnnormalisedChoiceSampler, verbose=False)
    assert "frequencies follow counts**power" in r.failed
    hint = r.hint("frequencies follow counts**power")
    assert "ValueError" in hint and "divide by their sum" in hint


def test_sampler_draws_unused_ids():
    r = check.unigram_sampler(SmoothedSampler, verbose=False)
    assert "ids absent from the corpus never drawn" in r.failed
    assert "never occur" in r.hint("ids absent from the corpus never drawn")


def test_sampler_exception_reported(capsys):
    class Broken(VectorSampler):
        def get_negative_sample(self, target):
            raise IndexError("oops")

    r = check.unigram_sampler(Broken)
    assert "IndexError: oops" in r.hint("target never among its own negatives")
    assert "Traceback" not in capsys.readouterr().out


# ---------------------------------------------------------------------------
# NegativeSamplingLoss
# ---------------------------------------------------------------------------


class GlobalChoiceLoss(book_style.NegativeSamplingLoss):
    """The book's loss with a sampler on the global np.random state and no seed kwarg."""

    def __init__(self, W, corpus, power=0.75, sample_size=5):
        super().__init__(W, corpus, power, sample_size)
        self.sampler = GlobalChoiceSampler(corpus, power, sample_size)


class PositiveNegativesLoss(negative_sampling.NegativeSamplingLoss):
    def forward(self, h, target):
        negatives = self.sampler.get_negative_sample(target)
        ids = np.concatenate([target[:, None], negatives], axis=1)
        scores = self.embed_dot.forward(h, ids)
        return self.loss_layer.forward(scores, np.ones(scores.shape))   # negatives labelled 1


class NoPositiveLoss(negative_sampling.NegativeSamplingLoss):
    def forward(self, h, target):
        negatives = self.sampler.get_negative_sample(target)
        scores = self.embed_dot.forward(h, negatives)
        return self.loss_layer.forward(scores, np.zeros(scores.shape))


class StableGlobalChoiceLoss(GlobalChoiceLoss):
    """The book's structure and global sampler, with a stable SigmoidWithLoss per column."""

    def __init__(self, W, corpus, power=0.75, sample_size=5):
        super().__init__(W, corpus, power, sample_size)
        self.loss_layers = [layers.SigmoidWithLoss() for _ in self.loss_layers]


class NaiveLogLoss:
    """Sigmoid as 1 / (1 + exp(-x)) and a plain log: NaN or inf at scores near +-100."""

    def __init__(self, W, corpus, power=0.75, sample_size=5):
        self.sampler = GlobalChoiceSampler(corpus, power, sample_size)
        self.params, self.grads = [W], [np.zeros_like(W)]

    def forward(self, h, target):
        negatives = self.sampler.get_negative_sample(target)
        self.ids = np.concatenate([target[:, None], negatives], axis=1)
        self.h = h
        self.y = 1 / (1 + np.exp(-np.einsum("nkh,nh->nk", self.params[0][self.ids], h)))
        n = len(h)
        return float(-np.sum(np.log(self.y[:, 0])) / n - np.sum(np.log(1 - self.y[:, 1:])) / n)

    def backward(self, dout=1.0):
        t = np.zeros_like(self.y)
        t[:, 0] = 1
        ds = (self.y - t) * dout / len(self.h)
        dW = self.grads[0]
        dW[...] = 0
        np.add.at(dW, self.ids, ds[:, :, None] * self.h[:, None, :])
        return np.einsum("nk,nkh->nh", ds, self.params[0][self.ids])


@pytest.mark.parametrize("cls", [negative_sampling.NegativeSamplingLoss, StableGlobalChoiceLoss])
def test_loss_passes_references(cls, capsys):
    r = check.negative_sampling_loss(cls)
    assert r.passed, r.checks
    assert "4/4 checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("cls", [book_style.NegativeSamplingLoss, GlobalChoiceLoss])
def test_loss_book_log_is_capped_at_large_scores(cls):
    # the book's -log(y + 1e-7): right gradients, but a loss capped at ~16 per term
    r = check.negative_sampling_loss(cls, verbose=False)
    assert r.failed == ["large scores (+-100, +-1000): exact loss, finite"]
    hint = r.hint(r.failed[0])
    assert "should cost exactly" in hint and "1e-7" in hint and "softplus" in hint


def test_loss_naive_sigmoid_and_log_is_nan_at_large_scores():
    r = check.negative_sampling_loss(NaiveLogLoss, verbose=False)
    assert "large scores (+-100, +-1000): exact loss, finite" in r.failed
    assert "loss matches the reference on your negatives" not in r.failed
    hint = r.hint("large scores (+-100, +-1000): exact loss, finite")
    assert ("nan" in hint or "inf" in hint) and "non-positive" in hint


def test_loss_negatives_labelled_one():
    r = check.negative_sampling_loss(PositiveNegativesLoss, verbose=False)
    assert r.failed[0] == "loss matches the reference on your negatives"
    assert "dh matches the numerical gradient" not in r.failed          # consistent gradients
    assert "labelled 1" in r.hint(r.failed[0])


def test_loss_missing_positive_term():
    r = check.negative_sampling_loss(NoPositiveLoss, verbose=False)
    assert "positive term is missing" in r.hint("loss matches the reference on your negatives")


def test_loss_wrong_backward():
    class HalfBackward(negative_sampling.NegativeSamplingLoss):
        def backward(self, dout=1.0):
            return super().backward(dout) * 0.5

    r = check.negative_sampling_loss(HalfBackward, verbose=False)
    assert r.failed == ["dh matches the numerical gradient"]


def test_loss_fresh_generator_per_call():
    class Unreplayable(negative_sampling.NegativeSamplingLoss):
        def forward(self, h, target):
            self.sampler.rng = np.random.default_rng()      # new entropy every call
            return super().forward(h, target)

    r = check.negative_sampling_loss(Unreplayable, verbose=False)
    assert "different negatives" in r.hint("dh matches the numerical gradient")


def test_loss_exception_reported(capsys):
    class Broken(negative_sampling.NegativeSamplingLoss):
        def forward(self, h, target):
            raise KeyError("h")

    r = check.negative_sampling_loss(Broken)
    assert len(r.failed) == 4 and "KeyError" in r.hint(r.failed[0])
    assert "Traceback" not in capsys.readouterr().out


# ---------------------------------------------------------------------------
# most_similar
# ---------------------------------------------------------------------------


def _cos_scores(word_matrix, qid, normalise=True):
    W = word_matrix / np.linalg.norm(word_matrix, axis=1, keepdims=True) if normalise else word_matrix
    return W @ W[qid]


def printing_most_similar(query, word_to_id, id_to_word, word_matrix, top=5):
    """Book style: prints the results and returns None."""
    qid = word_to_id[query]
    sim = _cos_scores(word_matrix, qid)
    print(f"\n[query] {query}")
    count = 0
    for i in (-sim).argsort():
        if id_to_word[i] == query:
            continue
        print(f" {id_to_word[i]}: {sim[i]}")
        count += 1
        if count >= top:
            return


def words_only(query, word_to_id, id_to_word, word_matrix, top=5):
    return [w for w, _ in evaluate.most_similar(query, word_to_id, id_to_word, word_matrix, top)]


def query_included(query, word_to_id, id_to_word, word_matrix, top=5):
    sim = _cos_scores(word_matrix, word_to_id[query])
    return [(id_to_word[i], float(sim[i])) for i in (-sim).argsort()[:top]]


def unnormalised(query, word_to_id, id_to_word, word_matrix, top=5):
    sim = _cos_scores(word_matrix, word_to_id[query], normalise=False)
    return [(id_to_word[i], float(sim[i])) for i in (-sim).argsort() if id_to_word[i] != query][:top]


def ascending(query, word_to_id, id_to_word, word_matrix, top=5):
    sim = _cos_scores(word_matrix, word_to_id[query])
    return [(id_to_word[i], float(sim[i])) for i in sim.argsort() if id_to_word[i] != query][:top]


def reversed_order(query, word_to_id, id_to_word, word_matrix, top=5):
    return evaluate.most_similar(query, word_to_id, id_to_word, word_matrix, top)[::-1]


@pytest.mark.parametrize("fn, n_checks", [(evaluate.most_similar, 5), (printing_most_similar, 5),
                                          (words_only, 4)])
def test_most_similar_passes_references(fn, n_checks, capsys):
    r = check.most_similar(fn)
    assert r.passed and len(r.checks) == n_checks, r.checks
    out = capsys.readouterr().out
    assert "[query]" not in out                 # the learner's prints are captured


@pytest.mark.parametrize("fn, failed, words", [
    (query_included, ["query left out of its results"], "skip it"),
    (unnormalised, ["nearest by cosine, not raw dot product", "scores are cosine similarities"],
     "Normalise"),
    (ascending, ["nearest by cosine, not raw dot product", "results best first"], "argsort"),
    (reversed_order, ["results best first"], "argsort"),
])
def test_most_similar_mistakes(fn, failed, words):
    r = check.most_similar(fn, verbose=False)
    assert r.failed == failed, r.checks
    assert words in r.hint(failed[0])


def test_most_similar_exception_reported(capsys):
    def broken(query, word_to_id, id_to_word, word_matrix, top=5):
        return word_to_id["nope"]

    r = check.most_similar(broken)
    assert len(r.failed) == 4 and "KeyError: 'nope'" in r.hint(r.failed[0])
    assert "Traceback" not in capsys.readouterr().out


def test_most_similar_prints_nothing_parsable():
    r = check.most_similar(lambda *a, **k: print("hello"), verbose=False)
    assert not r.passed and "printed no 'word: score' lines" in r.hint(r.failed[0])


def test_sigmoid_check_accepts_a_stable_layer_whose_exp_underflows():
    """exp(-1000) underflowing to 0 is harmless; only overflow and invalid values are mistakes."""

    class StableNoGuard:
        def __init__(self):
            self.params, self.grads = [], []

        def forward(self, x, t):
            x = np.asarray(x, dtype=np.float64)
            self.t = np.asarray(t, dtype=np.float64)
            e = np.exp(-np.abs(x))                       # underflows to 0 at |x| = 1000
            self.y = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
            loss = np.maximum(x, 0) + np.log1p(e) - self.t * x
            return float(loss.sum() / x.shape[0])

        def backward(self, dout=1):
            return (self.y - self.t) * dout / self.y.shape[0]

    assert check.sigmoid_with_loss(StableNoGuard, verbose=False).passed
