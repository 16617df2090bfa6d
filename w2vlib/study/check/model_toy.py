"""What the checks of a whole model (:func:`~w2vlib.study.check.models.cbow`,
:func:`~w2vlib.study.check.models.skipgram`) share: the toy corpus and batch, the learner's
model with known weights and frozen negatives, and the library's model on the same weights
and the same negatives.

The learner's model is built as the book builds it, ``cls(vocab_size, hidden_size,
window_size, corpus)``, under a fixed global ``np.random`` state; its weights are then
overwritten in place with values from a fixed seed (0.5 * standard normal, large enough for
a gradient check), and its sampler is frozen (:class:`~.negatives.FrozenNegatives`). The
reference is :class:`w2vlib.models.CBOW` or :class:`w2vlib.models.SkipGram` in float64,
given copies of those weights and the learner's own negatives.
"""

from __future__ import annotations

import numpy as np

from w2vlib.i18n import N_, _

from ...gradcheck import numerical_gradient, relative_error
from ...models import CBOW, SkipGram
from ...negative_sampling import NegativeSamplingLoss
from .negatives import FrozenNegatives
from .report import Fail, construct

__all__ = ["ModelToy", "LearnerModel", "close", "V", "H", "WINDOW"]

V, H, WINDOW = 10, 4, 2                 # C = 2 * WINDOW = 4 context words
_COUNTS = [30, 12, 9, 7, 6, 5, 4, 3, 2, 2]
# every column holds a repeated id, and rows repeat words, so "=" instead of "+=" shows
_CONTEXTS = np.array([[1, 2, 2, 4], [0, 5, 1, 1], [1, 6, 8, 4], [2, 2, 2, 0],
                      [4, 7, 1, 3], [9, 5, 6, 4]])
_TARGET = np.array([0, 3, 0, 7, 2, 5])

# The messages of this module (one place, for the translation layer).
_LISTS = (N_("keep the weights and their gradients as lists of arrays: self.params and "
             "self.grads, one gradient per weight entry (the book collects each layer's "
             "params and grads)"))
_WORD_VECS = (N_("set self.word_vecs = W_in (the (V, H) input weights, the very array the "
                 "Embedding layers hold)"))
_NO_OUT = N_("could not find W_out: a second (V, H) array among params (W_out is (V, H) here)")
_UNMATCHED = (N_("your model drew negatives for targets that are not {what}: the loss should "
                 "ask the sampler for the negatives of {what}"))


class LearnerModel:
    """The learner's model on the toy, weights set, negatives frozen."""

    def __init__(self, toy: ModelToy):
        what = _("your class({V}, {H}, {WINDOW}, corpus)").format(V=V, H=H, WINDOW=WINDOW)
        self.model = m = construct(toy.cls, V, H, WINDOW, toy.corpus.copy(), what=what)
        params, grads = getattr(m, "params", None), getattr(m, "grads", None)
        if not isinstance(params, (list, tuple)) or not isinstance(grads, (list, tuple)) \
                or not params or len(params) != len(grads):
            raise Fail(_(_LISTS))
        self.params, self.grads = list(params), list(grads)
        self.distinct = []
        for p in self.params:
            if not any(p is q for q in self.distinct):
                self.distinct.append(p)
        rng = np.random.default_rng(toy.weight_seed)
        for p in self.distinct:
            p[...] = 0.5 * rng.standard_normal(p.shape)
        big = [p for p in self.distinct if p.shape == (V, H)]
        wv = getattr(m, "word_vecs", None)
        self.W_in = next((p for p in big if p is wv), big[0] if big else None)
        self.W_out = next((p for p in reversed(big) if p is not self.W_in), None)
        if self.W_in is None or self.W_out is None:
            raise Fail(_(_NO_OUT))
        self.frozen = FrozenNegatives(m)

    def forward(self, contexts, target) -> float:
        return float(self.frozen.forward(lambda: self.model.forward(contexts.copy(),
                                                                     target.copy())))

    def backward(self) -> None:
        try:
            self.model.backward()
        except TypeError:
            self.model.backward(1.0)

    def grad_of(self, p) -> np.ndarray:
        """The gradient of weight ``p``: the sum of every grads entry listed for it."""
        total = np.zeros(p.shape, dtype=np.float64)
        for q, g in zip(self.params, self.grads, strict=True):
            if q is p:
                total += np.asarray(g, dtype=np.float64)
        return total

    @property
    def tol(self) -> float:
        """How close to the float64 reference a model in W_in's dtype can be."""
        return 1e-4 if self.W_in.dtype == np.float32 else 1e-7

    def numerical(self, contexts, target, p) -> np.ndarray:
        f = lambda: self.forward(contexts, target)  # noqa: E731
        eps = 1e-2 if p.dtype == np.float32 else 1e-4
        return numerical_gradient(f, p, eps=eps)


class ModelToy:
    """The toy corpus (word 0 the most frequent), a batch with repeated ids, and ``kind``."""

    contexts, target = _CONTEXTS, _TARGET

    def __init__(self, cls, kind: str, seed: int = 4):
        self.cls, self.kind = cls, kind
        self.corpus = np.random.default_rng(seed).permutation(np.repeat(np.arange(V), _COUNTS))
        self.weight_seed = seed + 1
        self.C = 2 * WINDOW

    def learner(self, forward: bool = True) -> LearnerModel:
        """A fresh learner model; if ``forward``, after one forward/backward on the batch."""
        lm = LearnerModel(self)
        if forward:
            lm.loss = lm.forward(self.contexts, self.target)
            lm.backward()
        return lm

    def negatives(self, lm: LearnerModel) -> np.ndarray:
        """The learner's negatives in the reference's layout: (N, k) for CBOW, (N*C, k) for
        skip-gram (row n*C + j: context j of example n)."""
        pairs = lm.frozen.pairs()
        n, c = self.contexts.shape
        if self.kind == "cbow":
            if len(pairs) == 1 and np.array_equal(pairs[0][0], self.target):
                return pairs[0][1]
            raise Fail(_(_UNMATCHED).format(what=_("the batch's targets")))
        if len(pairs) == c and all(np.array_equal(t, self.contexts[:, j])
                                   for j, (t, _) in enumerate(pairs)):
            return np.stack([neg for _, neg in pairs], axis=1).reshape(n * c, -1)
        if len(pairs) == 1 and np.array_equal(pairs[0][0], self.contexts.reshape(-1)):
            return pairs[0][1]
        if len(pairs) == 1 and np.array_equal(pairs[0][0], self.contexts.T.reshape(-1)):
            k = pairs[0][1].shape[-1]
            return pairs[0][1].reshape(c, n, k).transpose(1, 0, 2).reshape(n * c, k)
        raise Fail(_(_UNMATCHED).format(what=_("the context words, one context position at a time")))

    def reference(self, lm: LearnerModel, h_override=None):
        """The library's model on ``lm``'s weights and negatives, after forward/backward:
        ``(model, loss)``; with ``h_override`` only the loss of that hidden layer."""
        neg = np.asarray(self.negatives(lm)).astype(np.int64)
        model_cls = CBOW if self.kind == "cbow" else SkipGram
        ref = model_cls(V, H, WINDOW, self.corpus, sample_size=neg.shape[1], seed=0,
                        dtype=np.float64)
        ref.params[0][...] = lm.W_in
        ref.params[1][...] = lm.W_out
        ref.ns_loss.sampler.get_negative_sample = lambda target: neg.copy()
        if h_override is not None:
            return ref, ref.ns_loss.forward(h_override, self.target)
        loss = ref.forward(self.contexts, self.target)
        ref.backward()
        return ref, loss

    def column_grads(self, lm: LearnerModel, which: int) -> list[np.ndarray]:
        """The reference gradient of W_in (``which=0``) or W_out (1) that each of the C
        context positions alone contributes."""
        ref, _unused = self.reference(lm)
        out = []
        for j in range(self.C):
            g = np.zeros((V, H))
            if which == 0 and self.kind == "cbow":
                dh = ref.ns_loss.backward(1.0) / self.C
                np.add.at(g, self.contexts[:, j], dh)
            else:
                g = self._skipgram_column(lm, j, which)
            out.append(g)
        return out

    def _skipgram_column(self, lm, j, which) -> np.ndarray:
        n = self.contexts.shape[0]
        neg = np.asarray(self.negatives(lm)).reshape(n, self.C, -1)[:, j]
        loss = NegativeSamplingLoss(np.array(lm.W_out, dtype=np.float64), self.corpus,
                                    sample_size=neg.shape[1])
        loss.sampler.get_negative_sample = lambda target: neg.copy()
        h = np.asarray(lm.W_in, dtype=np.float64)[self.target]
        loss.forward(h, self.contexts[:, j])
        dh = loss.backward(1.0)
        if which == 1:
            return loss.grads[0]
        g = np.zeros((V, H))
        np.add.at(g, self.target, dh)
        return g


def close(got, want, tol) -> bool:
    """Relative error of ``got`` against ``want`` at most ``tol``."""
    return relative_error(got, want) <= tol
