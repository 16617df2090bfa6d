"""What word2vec draws at random, and how much of the corpus a batch takes.

* :class:`AliasSampler` -- negatives from ``count ** power`` in O(1) per draw.
* :func:`keep_probabilities` -- word2vec's subsampling of frequent words.
* :func:`default_batch_size` -- the NumPy trainer's batch, chosen from the corpus.

Both backends use the sampler's tables: the NumPy trainer calls
:meth:`AliasSampler.draw`, the compiled loop reads ``prob`` and ``alias`` one
draw at a time. Why the alias method: for 5,000 draws on the PTB vocabulary it
is as fast as a 1e6-entry table (whose shares are off by up to 15 % for the rarest
words) and several times faster than ``np.searchsorted`` on the CDF, and exact;
the measurements are in ``docs/bench/2026-11-26-speed-notes.md``.
"""

from __future__ import annotations

import numpy as np

from .config import check_model

__all__ = ["AliasSampler", "keep_probabilities", "default_batch_size", "BATCH_REPEATS",
           "BATCH_RANGE"]

#: ``batch_size=None`` picks about ``BATCH_REPEATS / f`` centre words per batch,
#: where ``f`` is the share of the corpus (after subsampling) of its most
#: frequent word -- so that word is the centre of about 6 examples per batch
#: -- clipped to ``BATCH_RANGE``. Why: a batch sums updates computed from the
#: same old weights, and a word that occurs dozens of times in one batch gets
#: dozens of aligned steps at once; on PTB without subsampling ("the" is 5.5 %)
#: a batch of 1,000 diverges in the first epoch (the rule gives 110). With
#: subsample 1e-3 the rule gives 505, and batches of 500 and 1,000 learn as well
#: (the analogy scores are in ``docs/bench/2026-11-26-speed-notes.md``).
BATCH_REPEATS = 6.0
BATCH_RANGE = (32, 1024)


class AliasSampler:
    """Draws word ids from ``counts ** power`` in O(1) per draw (Walker's alias method).

    counts: (V,) non-negative word counts; power: exponent (word2vec: 0.75).
    Words with count 0 are never drawn. ``p`` is the exact distribution,
    (V,) float64. ``draw(rng, shape)`` returns int64 ids of ``shape``: pick a
    column ``i`` uniformly, keep it with probability ``prob[i]``, else take
    ``alias[i]`` -- two uniform numbers per draw, two (V,) tables (``prob``
    float64, ``alias`` int64), no 1e8 table as in word2vec and no binary search.

    >>> s = AliasSampler([3, 0, 1], power=1.0)
    >>> s.p.tolist()
    [0.75, 0.0, 0.25]
    >>> s.draw(np.random.default_rng(0), (2, 3)).shape
    (2, 3)
    """

    def __init__(self, counts, power: float = 0.75):
        counts = np.asarray(counts, dtype=np.float64)
        if counts.ndim != 1 or counts.size == 0 or (counts < 0).any() or counts.sum() <= 0:
            raise ValueError("counts must be a non-empty 1-D array of non-negative numbers "
                             "with a positive sum")
        weights = np.where(counts > 0, counts ** power, 0.0)
        self.p = weights / weights.sum()
        n = len(self.p)
        scaled = self.p * n
        prob = np.ones(n, dtype=np.float64)
        alias = np.arange(n, dtype=np.int64)
        small = [int(i) for i in np.flatnonzero(scaled < 1.0)]
        large = [int(i) for i in np.flatnonzero(scaled >= 1.0)]
        while small and large:
            s, g = small.pop(), large.pop()
            prob[s] = scaled[s]
            alias[s] = g
            scaled[g] -= 1.0 - scaled[s]
            (small if scaled[g] < 1.0 else large).append(g)
        # leftovers are 1 up to rounding: keep themselves
        self.prob, self.alias = prob, alias

    def implied_p(self) -> np.ndarray:
        """The distribution the tables encode, (V,) (equals ``p`` up to rounding)."""
        n = len(self.prob)
        out = self.prob.copy()
        np.add.at(out, self.alias, 1.0 - self.prob)
        return out / n

    def draw(self, rng: np.random.Generator, shape) -> np.ndarray:
        """``shape`` independent draws, int64."""
        col = rng.integers(0, len(self.prob), size=shape)
        keep = rng.random(size=shape) < self.prob[col]
        return np.where(keep, col, self.alias[col])


def keep_probabilities(counts, subsample: float) -> np.ndarray:
    """word2vec's probability of keeping one occurrence of each word, (V,) float64.

    ``min(1, (sqrt(c / (s T)) + 1) * s T / c)`` with ``c`` the word's count,
    ``T`` the corpus length and ``s = subsample``; 1 for every word when
    ``s == 0``. With ``s = 1e-3`` a word making up 1 % of the corpus is kept
    about 42 % of the time, and words rarer than about ``2.6 s`` always.

    >>> keep_probabilities([9990, 10], 1e-3).round(3).tolist()
    [0.033, 1.0]
    """
    counts = np.asarray(counts, dtype=np.float64)
    if subsample <= 0:
        return np.ones_like(counts)
    st = subsample * counts.sum()
    with np.errstate(divide="ignore"):
        ran = (np.sqrt(counts / st) + 1.0) * st / counts
    return np.minimum(ran, 1.0)


def default_batch_size(counts, subsample: float = 0.0, model: str = "cbow",
                       window: int = 5) -> int:
    """The batch size ``batch_size=None`` means: see :data:`BATCH_REPEATS`.

    counts: (V,) word counts of the corpus; subsample, model, window: as in
    :func:`~w2vlib.speed.train_word2vec`. Skip-gram turns each centre word into
    about ``window + 1`` (centre, context) examples, so its batch has that many
    times fewer centre words (which also keeps its temporaries small: on PTB,
    505 skip-gram centres per batch cost 3x more time in page faults than in
    computing; 84 centres, none).

    >>> default_batch_size([60, 40] + [1] * 900)
    100
    """
    counts = np.asarray(counts, dtype=np.float64)
    kept = counts * keep_probabilities(counts, subsample)
    share = kept.max() / kept.sum()
    size = BATCH_REPEATS / share
    if check_model(model) == "skipgram":
        size /= window + 1
    lo, hi = BATCH_RANGE
    return int(min(hi, max(lo, round(size))))
