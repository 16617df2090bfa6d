"""Section 4.2: negative sampling.

The chapter-3 CBOW ends in a softmax over the whole vocabulary, so every step
costs O(V) per example. Negative sampling asks a cheaper question: given the
hidden vector ``h``, is word w the target (label 1) or not (label 0)? It asks
it for the true target and for ``k`` "negative" words drawn at random, so a
step costs O(k) instead of O(V).

* :class:`UnigramSampler` draws the negatives from the corpus's word
  frequencies raised to the power 0.75, which gives rare words a slightly
  better chance than their raw frequency would.
* :class:`NegativeSamplingLoss` scores the target and its negatives with one
  :class:`~w2vlib.layers.EmbeddingDot` gather and one
  :class:`~w2vlib.layers.SigmoidWithLoss`.
"""

from __future__ import annotations

import numbers

import numpy as np

from .i18n import _
from .layers import EmbeddingDot, SigmoidWithLoss
from .seeding import make_rng

__all__ = ["UnigramSampler", "NegativeSamplingLoss"]


class UnigramSampler:
    """Draws negative word ids from a smoothed unigram distribution.

    corpus: (T,) non-negative integer word ids.
    power: exponent applied to the word counts (>= 0; word2vec uses 0.75).
    sample_size: k, the number of negatives per target (>= 1).
    seed: an int, None (fresh entropy) or a ``np.random.Generator``, which is
        used as is (not copied) and kept as ``self.rng``.

    Attributes: ``vocab_size`` (= largest id in the corpus + 1), ``counts``
    (``(vocab_size,)`` int), ``word_p`` (``(vocab_size,)`` float64, sums to 1).

    Probabilities: ``word_p[w]`` is proportional to ``counts[w] ** power`` for
    every word that occurs in the corpus, and is **0 for every id that never
    occurs**, whatever the power. In particular ``power=0`` means uniform over
    the words that occur (not over ``range(vocab_size)``: NumPy's ``0 ** 0 == 1``
    would otherwise hand unused ids a share), which is also the limit of small
    positive powers.

    Sampling rules of :meth:`get_negative_sample`:

    * A row's negatives never include that row's target. Each draw follows
      ``p(w) / (1 - p(target))`` for ``w != target`` -- the distribution above
      with the target removed and renormalised.
    * Draws are independent, *with* replacement: a row may contain the same
      negative twice. word2vec and gensim do the same; the book instead draws
      each row without replacement (``replace=False``), which needs a Python
      loop over rows and changes the distribution of the later draws.
    """

    #: Rounds of redrawing the entries that hit their own target before the rest are
    #: drawn exactly (:meth:`sample_excluding`). An entry reaches round r with
    #: probability ``p(target) ** r``: for any ordinary corpus never, so its draws
    #: stay those of plain rejection; for a word with p = 0.999999, after 32 rounds
    #: instead of about a million.
    REDRAW_ROUNDS = 32

    def __init__(self, corpus, power: float = 0.75, sample_size: int = 5, seed=None):
        corpus = np.asarray(corpus)
        if corpus.ndim != 1 or not np.issubdtype(corpus.dtype, np.integer):
            raise TypeError(_("corpus must be a 1-D array of integer word ids, got shape "
                              "{corpus_shape} and dtype {dtype}").format(
                                corpus_shape=corpus.shape, dtype=corpus.dtype))
        if corpus.size == 0:
            raise ValueError(_("corpus is empty"))
        if corpus.min() < 0:
            raise ValueError(_("word ids must be non-negative, got {min}").format(min=int(corpus.min())))
        if not isinstance(power, numbers.Real) or not np.isfinite(power) or power < 0:
            raise ValueError(_("power must be a finite number >= 0, got {power!r}").format(power=power))
        if (not isinstance(sample_size, numbers.Integral) or isinstance(sample_size, bool)
                or sample_size < 1):
            raise ValueError(_("sample_size must be an int >= 1, got {sample_size!r}").format(
                                 sample_size=sample_size))

        self.power = float(power)
        self.sample_size = int(sample_size)
        self.rng = make_rng(seed)
        self.counts = np.bincount(corpus)                # minlength is max id + 1
        self.vocab_size = len(self.counts)
        occurs = self.counts > 0
        weights = np.zeros(self.vocab_size, dtype=np.float64)
        weights[occurs] = self.counts[occurs].astype(np.float64) ** self.power
        self.word_p = weights / weights.sum()
        # Cumulative distribution for inverse-CDF sampling; dividing the cumsum
        # by its own last entry makes cdf[-1] exactly 1.0.
        cdf = np.cumsum(weights)
        self._cdf = cdf / cdf[-1]
        # words that leave nothing else to draw as their negatives (checked per batch by one gather)
        everything = np.arange(self.vocab_size)
        self._alone = (self.word_p >= 1.0) | (self._rest(everything) <= 0)

    def _rest(self, target: np.ndarray) -> np.ndarray:
        """``1 - p(target)`` as the cumulative table sees it (0: nothing else to draw)."""
        lo = np.where(target > 0, self._cdf[np.maximum(target - 1, 0)], 0.0)
        return 1.0 - (self._cdf[target] - lo)

    def sample(self, size) -> np.ndarray:
        """Independent draws from ``word_p`` (no target excluded); int64 of shape ``size``."""
        u = self.rng.random(size)
        # First index whose cumulative probability exceeds u: word w is hit with
        # probability cdf[w] - cdf[w-1] = word_p[w]; words with p = 0 never are.
        ids = np.searchsorted(self._cdf, u, side="right")
        return np.minimum(ids, self.vocab_size - 1).astype(np.int64, copy=False)

    def get_negative_sample(self, target) -> np.ndarray:
        """target: (N,) integer word ids -> negatives (N, sample_size), int64.

        ``out[n]`` holds ``sample_size`` ids drawn with replacement from
        ``p(w) / (1 - p(target[n]))``, never ``target[n]`` itself. A scalar
        target gives a (sample_size,) row.

        All rows are drawn at once; then only the entries that hit their own
        row's target are drawn again, until none do. (Rejecting a draw and
        drawing again is exactly conditioning on "not the target".) A target
        that takes almost all the probability would need very many redraws, so
        after :attr:`REDRAW_ROUNDS` rounds the entries still hitting theirs are
        drawn from the renormalised distribution directly (:meth:`sample_excluding`).
        """
        target = np.asarray(target)
        if not np.issubdtype(target.dtype, np.integer):
            raise TypeError(_("target ids must be integers, got dtype {dtype}").format(dtype=target.dtype))
        if target.ndim > 1:
            raise ValueError(_("target must have shape (N,), got {target_shape}").format(
                                 target_shape=target.shape))
        if target.size:
            lo, hi = target.min(), target.max()
            if lo < 0 or hi >= self.vocab_size:
                bad = lo if lo < 0 else hi
                raise IndexError(_("target ids must lie in [0, {vocab_size}), got {bad}").format(
                                     vocab_size=self.vocab_size, bad=int(bad)))
            if self._alone[target].any():
                only = int(target[np.argmax(self.word_p[target])])
                raise ValueError(_("word {only} is the only word with non-zero sampling "
                                   "probability, so it has no negatives to draw").format(only=only))

        shape = target.shape + (self.sample_size,)
        negatives = self.sample(shape)
        column = target[..., None]
        hit = negatives == column
        rounds = 0
        while hit.any():
            if rounds < self.REDRAW_ROUNDS:
                negatives[hit] = self.sample(int(hit.sum()))
            else:
                negatives[hit] = self.sample_excluding(np.broadcast_to(column, shape)[hit])
            hit = negatives == column
            rounds += 1
        return negatives

    def sample_excluding(self, exclude) -> np.ndarray:
        """One draw per entry of ``exclude`` (int ids), from ``word_p`` without that id, int64.

        Inverse-CDF sampling with the excluded word's interval ``[lo, hi)`` cut out
        of ``[0, 1)``: ``u`` is uniform on ``[0, 1 - (hi - lo))`` and ``u >= lo`` is
        moved up past the gap, so the draw follows ``p(w) / (1 - p(exclude))``.
        """
        exclude = np.asarray(exclude)
        hi = self._cdf[exclude]
        lo = np.where(exclude > 0, self._cdf[np.maximum(exclude - 1, 0)], 0.0)
        u = self.rng.random(exclude.shape) * (1.0 - (hi - lo))
        u = np.where(u < lo, u, (u - lo) + hi)
        ids = np.searchsorted(self._cdf, u, side="right")
        return np.minimum(ids, self.vocab_size - 1).astype(np.int64, copy=False)


class NegativeSamplingLoss:
    """Binary losses for the target and ``sample_size`` negatives, in one pass.

    W: (V, H) output word vectors (``W_out``); corpus, power, sample_size,
    seed: passed to :class:`UnigramSampler` (kept as ``self.sampler``).

    ``forward(h, target)`` with h (N, H), target (N,) builds the (N, 1+k) id
    matrix ``[target | negatives]``, scores it with one
    :class:`~w2vlib.layers.EmbeddingDot` and one
    :class:`~w2vlib.layers.SigmoidWithLoss` (labels ``[1, 0, ..., 0]``) and
    returns, as the book defines it,

        loss = mean_n(-log sigmoid(s_n0)) + sum_{j=1..k} mean_n(-log sigmoid(-s_nj))

    i.e. the positive's batch-mean loss plus each negative's batch-mean loss.

    ``params = [W]`` and ``grads = [dW]``: one shared weight, listed once.
    ``backward(dout=1)`` returns dh (N, H) and writes dW.
    """

    def __init__(self, W: np.ndarray, corpus, power: float = 0.75, sample_size: int = 5,
                 seed=None):
        self.sampler = UnigramSampler(corpus, power=power, sample_size=sample_size, seed=seed)
        if self.sampler.vocab_size > W.shape[0]:
            raise ValueError(_("the corpus has word id {value} but W has "
                               "only {shape_0} rows").format(
                                 value=self.sampler.vocab_size - 1, shape_0=W.shape[0]))
        self.sample_size = self.sampler.sample_size
        self.embed_dot = EmbeddingDot(W)
        self.loss_layer = SigmoidWithLoss()
        self.params = self.embed_dot.params
        self.grads = self.embed_dot.grads
        self.ids: np.ndarray | None = None   # (N, 1+k) ids of the last forward

    def forward(self, h: np.ndarray, target) -> float:
        """h: (N, H), target: (N,) integer ids -> scalar loss."""
        target = np.asarray(target)
        if target.ndim != 1:
            raise ValueError(_("target must have shape (N,), got {target_shape}").format(
                                 target_shape=target.shape))
        negatives = self.sampler.get_negative_sample(target)
        ids = np.concatenate([target[:, None].astype(negatives.dtype), negatives], axis=1)
        self.ids = ids
        scores = self.embed_dot.forward(h, ids)                       # (N, 1+k)
        labels = np.zeros(scores.shape, dtype=scores.dtype)
        labels[:, 0] = 1
        return self.loss_layer.forward(scores, labels)

    def backward(self, dout=1.0) -> np.ndarray:
        """Returns dh (N, H); writes dW."""
        dscores = self.loss_layer.backward(dout)
        return self.embed_dot.backward(dscores)
