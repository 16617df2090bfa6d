"""word2vec at full speed: CBOW and skip-gram with negative sampling, vectorised.

The layer models of :mod:`w2vlib.models` mirror the book: every step is a
``forward``/``backward`` through objects, and the optimizer touches whole
(V, H) matrices. This module trains the *same* models the way word2vec
(Mikolov et al. 2013) does -- plain SGD with a linearly decaying learning
rate, sparse updates of only the rows a step used, frequent-word subsampling,
a random ("shrunk") window -- but a whole minibatch at a time, in NumPy, with
no Python loop over words or rows::

    from w2vlib.datasets import load_ptb
    from w2vlib.speed.word2vec import train_word2vec

    corpus, word_to_id, id_to_word = load_ptb("train")
    res = train_word2vec(corpus, model="cbow", epochs=10, subsample=1e-3, seed=0)
    res.word_vecs          # (10000, 100) float32
    res.words_per_sec      # a few hundred thousand on one core
    res.loss_history       # [(words passed, mean loss per example), ...]

What "one step" means (the minibatch semantics)
-----------------------------------------------
word2vec updates the weights after every (context, target) example. Here a
batch of ``batch_size`` consecutive centre words is processed at once: every
example's gradient is computed from the weights *as they were at the start
of the batch*, and then all of them are added to the weights (a word used by
several examples receives the sum). That is exactly what makes the batch
vectorisable, and it is exactly what the layer model + :class:`~w2vlib.optim.SGD`
does -- except for scaling: the layer loss is a batch *mean*, so its gradient
carries a ``1/N``; word2vec applies each example's gradient at full strength.
One fast step with learning rate ``lr`` therefore equals one layer step with
``SGD(lr=lr * N)`` (``tests/test_fast.py`` checks this to float64 precision).
A larger batch is faster but its gradients are staler (a frequent word such as
"the" may get fifty summed updates computed from the same old vector); the
default adapts to the corpus (see :func:`default_batch_size`).

Per example, with ``h`` the hidden vector, ``w_0`` the target's output vector
and ``w_1..w_k`` the negatives' (label ``t_0 = 1``, ``t_j = 0``)::

    g_j    = lr * (t_j - sigmoid(w_j . h))          (the SGD step on the score)
    w_j   += g_j * h                                 (W_out rows)
    e      = sum_j g_j * w_j                          (old w_j)
    CBOW:      every context row of W_in += e        (h = mean of its C rows)
    skip-gram: the centre row of W_in    += e        (one pair = one example)

CBOW's input update is word2vec's: ``h`` is the *mean* of the C context
vectors, yet each of them receives the whole ``e`` -- so does gensim with its
default ``cbow_mean=1``. The true gradient of the mean is ``e / C``, which is
what the layer CBOW computes; ``cbow_update="gradient"`` does that instead,
and only then does a fast step equal a layer step. word2vec's rule is the
default because it learns better vectors: on PTB (10 epochs, subsample 1e-3,
batch 1000) analogy top-1 4.96 % against 3.50 %.

A negative that happens to equal the target is skipped (word2vec does the
same); the layer sampler instead redraws it, so give both the same negatives
when comparing them. ``g`` is computed as ``lr * (t - 1/2) - (lr/2) *
tanh(s/2)`` -- the exact sigmoid, finite for every score (word2vec instead
clips scores at +-6 with a lookup table) -- and the loss as
``logaddexp(0, -+s)``, the stable ``-log sigmoid(+-s)``.

Skip-gram predicts each context word from the centre word, as in the paper
and the book (word2vec's C code swaps the two roles; over a corpus the pairs
are the same).

Everything else, as in word2vec:

* Initial weights: ``W_in`` uniform in ``[-0.5/dim, 0.5/dim)``, ``W_out`` zero.
* Learning rate ``lr_t = lr * max(1 - progress, 1e-4)``, progress = share of
  all ``epochs * len(corpus)`` corpus words passed so far (updated per batch);
  ``lr=None`` starts at 0.05 for CBOW (PTB analogy top-1: 4.96 % against
  4.07 % with gensim's 0.025) and 0.025 for skip-gram.
* Subsampling (``subsample=s > 0``): each occurrence of a word with count ``c``
  in a corpus of ``T`` words is kept with probability
  ``min(1, (sqrt(c / (s T)) + 1) * s T / c)``, redrawn every epoch; dropped
  words are removed *before* windows are formed, so windows reach further.
* Window (``shrink_window=True``, the default): each centre word uses a radius
  drawn uniformly from ``1..window``, so near words weigh more; with ``False``
  every centre uses ``window`` words on each side, as the book does (PTB
  analogy top-1: 4.96 % shrunk against 3.69 % fixed). The corpus is one
  stream (windows cross sentence ends, as in the book); at its two ends a
  window is cut short.
* Negatives: ``negative`` draws per example, with replacement, from
  ``count ** power`` (word2vec: 0.75), in bulk with Walker's alias method.

Choices that were measured (2-vCPU AMD EPYC, numpy 2.4.6, one BLAS thread;
a shared machine, so figures wobble by 20 % or more)
------------------------------------------------------------------------
**Scatter-add**, the hot spot: adding the update rows of a batch into
``W_out`` / ``W_in`` when ids repeat. Microseconds per 1,000 rows of 100
float32 added into a (10000, 100) matrix, ids drawn like CBOW's output side
(``python -m w2vlib.speed.word2vec --scatter-table``; SciPy 1.17 installed for the run):

=========================================  ======  ======  =======
exact method                                  600   6,000   24,000
=========================================  ======  ======  =======
``np.add.at(W, rows, vals)``, 2-D           1,843   3,440    2,442
``np.add.at`` on flat 1-D indices             345     974      828
**layers.scatter_add** (flat, complex view)   242     350      411
argsort + ``np.add.reduceat``               1,216   1,879    1,873
``np.bincount`` on flat ids (V*dim bins)    3,592   1,492    2,627
``np.unique`` + ``np.bincount``             1,506   1,150    2,581
``np.unique`` + one-hot ``@`` (BLAS)        4,026  19,991       --
``np.unique`` + ``scipy.sparse`` csr ``@``    730     443      899
=========================================  ======  ======  =======

NumPy's fast path for ``ufunc.at`` is for 1-D indices, so the matrix is
added to as one long vector (row ``r``, column ``d`` at ``r * dim + d``), and
viewed as complex64 -- a complex number is a pair of floats, and adding pairs
adds the floats -- so half as many indices are built and visited, with
bit-identical results (:func:`w2vlib.layers.scatter_add`). SciPy's sparse
product is slower, so it is not a dependency.

**CBOW's input side** scatters no row per context word: a batch is a
contiguous stretch of the stream, so the context sums are one einsum over a
strided view of the stretch's rows shifted by each offset, and the update of
every stretch position is one einsum over shifted copies of ``e``; only
``batch + 2 * window`` rows are scattered, not ``2 * window * batch``.

**Negatives**, 5,000 draws from counts^0.75 over the PTB vocabulary:
``np.searchsorted`` on the CDF ~470 us; a 1e6-entry int32 table ~40-95 us but
its shares are off by up to 15 % for the rarest words (5.2 slots, rounded); a
1e7 table ~110 us and 40 MB; Walker's alias method ~60-120 us, exact, with
two (V,) tables. The alias method is used.

**Batch size** (see :data:`BATCH_REPEATS`): chosen from the corpus so the
commonest word is the centre of about 6 examples per batch; PTB gets 110 CBOW
centres without subsampling and 505 with ``subsample=1e-3`` (skip-gram: 84).

**Speed and memory on PTB** (10 epochs, dim 100, window 5, 5 negatives, one
thread, ``python -m w2vlib.speed.word2vec``). The machine was shared while measuring
(the process got 30-50 % of a core), so the figures are corpus words per
second of the process's *CPU* time; wall-clock speed on an idle core is at
least that. (words_per_sec in the result is wall-clock.)

=============================  =====  ============  ==============  =========
run                            batch  training CPU  words/CPU-s     analogy
=============================  =====  ============  ==============  =========
CBOW, subsample 1e-3             505      ~30 s        ~310,000       5.2 %
CBOW, subsample 0                110      ~57 s        ~165,000       4.9 %
skip-gram, subsample 1e-3         84     ~143 s         ~65,000       3.7 %
=============================  =====  ============  ==============  =========

(gensim 4.4, one worker, same machine, ANCHORS.md: CBOW 1.4 M words/s with
sample 1e-3 and 4.5 % +- 0.4 analogy top-1; skip-gram 3.8 %.) Without subsampling the commonest
words force small batches, and per-batch overhead (about 55 NumPy calls)
weighs more. Training allocates about 35 MB at its peak (tracemalloc: the
two matrices, the epoch's subsampled stream and radii, batch temporaries);
the whole command, loading PTB and evaluating included, peaks at 231 MB
resident.
"""

from __future__ import annotations

import difflib
import math
import numbers
import platform
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from ..layers import scatter_add as _scatter_add

__all__ = ["train_word2vec", "Word2VecResult", "AliasSampler", "keep_probabilities",
           "default_batch_size", "MODELS", "BACKENDS", "DEFAULT_LR", "CBOW_UPDATES", "BATCH_REPEATS",
           "BATCH_RANGE"]

#: The two architectures.
MODELS = ("cbow", "skipgram")

#: Starting learning rate when ``lr=None`` (word2vec's defaults).
DEFAULT_LR = {"cbow": 0.05, "skipgram": 0.025}

#: How CBOW updates the context rows: "word2vec" adds the hidden vector's
#: step ``e`` to each of the C rows (word2vec and gensim do this); "gradient"
#: adds ``e / C``, the true gradient of the mean (what the layer CBOW does).
CBOW_UPDATES = ("word2vec", "gradient")

#: ``batch_size=None`` picks about ``BATCH_REPEATS / f`` centre words per batch,
#: where ``f`` is the share of the corpus (after subsampling) of its most
#: frequent word -- so that word is the centre of about 6 examples per batch
#: -- clipped to ``BATCH_RANGE``. Why: a batch sums updates computed from the
#: same old weights, and a word that occurs dozens of times in one batch gets
#: dozens of aligned steps at once; on PTB without subsampling ("the" is 5.5 %)
#: a batch of 1,000 diverges in the first epoch (the rule gives 110 and
#: analogy top-1 4.90 %). With subsample 1e-3 the rule gives 505: top-1
#: 5.17 %; batch 500: 5.45 %; batch 1000: 4.96 % (CBOW, 10 epochs, seed 0;
#: gensim's spread over seeds is +-0.4, so these three are a tie).
BATCH_REPEATS = 6.0
BATCH_RANGE = (32, 1024)

_MIN_LR_FACTOR = 1e-4


# --------------------------------------------------------------------------- sampling

class AliasSampler:
    """Draws word ids from ``counts ** power`` in O(1) per draw (Walker's alias method).

    counts: (V,) non-negative word counts; power: exponent (word2vec: 0.75).
    Words with count 0 are never drawn. ``p`` is the exact distribution,
    (V,) float64. ``draw(rng, shape)`` returns int64 ids of ``shape``: pick a
    column ``i`` uniformly, keep it with probability ``prob[i]``, else take
    ``alias[i]`` -- two uniform numbers per draw, two (V,) tables, no 1e8
    table as in word2vec and no binary search.
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
        """The distribution the tables encode (equals ``p`` up to rounding)."""
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
    :func:`train_word2vec`. Skip-gram turns each centre word into about
    ``window + 1`` (centre, context) examples, so its batch has that many
    times fewer centre words (which also keeps its temporaries small: on PTB,
    505 skip-gram centres per batch cost 3x more time in page faults than in
    computing; 84 centres, none).
    """
    counts = np.asarray(counts, dtype=np.float64)
    kept = counts * keep_probabilities(counts, subsample)
    share = kept.max() / kept.sum()
    size = BATCH_REPEATS / share
    if _check_model(model) == "skipgram":
        size /= window + 1
    lo, hi = BATCH_RANGE
    return int(min(hi, max(lo, round(size))))


# --------------------------------------------------------------------------- kernels

def _ns_update(W_out: np.ndarray, h: np.ndarray, targets: np.ndarray, negatives: np.ndarray,
               lr: float, valid: np.ndarray | None = None) -> tuple[np.ndarray, float, int]:
    """Negative-sampling step on the output side.

    h: (N, D) hidden vectors; targets: (N,); negatives: (N, K); valid: optional
    (N,) bool, False rows change nothing. Updates ``W_out`` in place and
    returns ``(e, loss_sum, n_examples)`` where ``e`` (N, D) is the step for
    the hidden vector (``sum_j g_j * old w_j``).

    ``g = lr * (label - sigmoid(s))`` is computed as
    ``lr * (label - 1/2) - (lr/2) * tanh(s/2)`` (the same number, no overflow
    for any score) and the loss as ``logaddexp(0, -s)`` for the target and
    ``logaddexp(0, s)`` for a negative (``log(1 + e^x)``, stable).
    """
    negatives = np.asarray(negatives)
    n = len(h)
    ids = np.empty((n, 1 + negatives.shape[1]), dtype=np.intp)
    ids[:, 0] = targets
    ids[:, 1:] = negatives
    Wo = W_out.take(ids, axis=0)                                            # (N, 1+K, D)
    scores = np.einsum("nkd,nd->nk", Wo, h)
    half = scores.dtype.type(0.5 * lr)
    g = np.tanh(scores * 0.5)
    g *= -half
    g[:, 0] += half
    g[:, 1:] -= half
    scores[:, 0] *= -1
    loss_terms = np.logaddexp(0, scores)
    skip = ids[:, 1:] == ids[:, :1]            # a negative equal to the target is skipped
    if skip.any():
        g[:, 1:][skip] = 0
        loss_terms[:, 1:][skip] = 0
    if valid is not None:
        g *= valid[:, None]
        loss_terms *= valid[:, None]
        n = int(valid.sum())
    e = np.einsum("nk,nkd->nd", g, Wo)
    _scatter_add(W_out, ids, np.einsum("nk,nd->nkd", g, h))
    return e, float(loss_terms.sum(dtype=np.float64)), n


def _cbow_step(W_in: np.ndarray, W_out: np.ndarray, contexts, targets, negatives, lr: float,
               mask=None, mean_grad: bool = True) -> float:
    """One CBOW minibatch step on explicit arrays (the reference path).

    contexts: (N, C) ids; targets: (N,); negatives: (N, K); mask: optional
    (N, C) bool, which context slots count (all by default). ``h`` is the
    mean of the counted context rows. All gradients use the weights as they
    were on entry; ``W_in`` and ``W_out`` change in place. Returns the summed
    loss of the batch (positive plus negatives, per example, summed).
    """
    contexts = np.asarray(contexts, dtype=np.intp)
    m = (np.ones(contexts.shape, dtype=W_in.dtype) if mask is None
         else np.asarray(mask).astype(W_in.dtype))
    cw = m.sum(axis=1)
    valid = cw > 0
    X = W_in.take(contexts, axis=0)                                         # (N, C, D)
    h = np.einsum("ncd,nc->nd", X, m) / np.maximum(cw, 1)[:, None]
    e, loss, _ = _ns_update(W_out, h, targets, negatives, lr, None if valid.all() else valid)
    if mean_grad:
        e /= np.maximum(cw, 1)[:, None]
    upd = e[:, None, :] * m[:, :, None]                                     # (N, C, D)
    _scatter_add(W_in, contexts.reshape(-1), upd.reshape(-1, W_in.shape[1]))
    return loss


def _sg_step(W_in: np.ndarray, W_out: np.ndarray, inputs, outputs, negatives, lr: float) -> float:
    """One skip-gram minibatch step on explicit (input, output) pairs.

    inputs: (P,) centre ids; outputs: (P,) context ids to predict; negatives:
    (P, K). Returns the summed loss of the P pairs.
    """
    inputs = np.asarray(inputs, dtype=np.intp)
    h = W_in.take(inputs, axis=0)
    e, loss, _ = _ns_update(W_out, h, outputs, negatives, lr)
    _scatter_add(W_in, inputs, e)
    return loss


def _offsets(window: int) -> list[int]:
    return [o for o in range(-window, window + 1) if o != 0]


def _cbow_span_step(W_in: np.ndarray, W_out: np.ndarray, ids: np.ndarray, start: int,
                    stop: int, window: int, radius: np.ndarray | None, negatives: np.ndarray,
                    lr: float, mean_grad: bool = True) -> tuple[float, int]:
    """CBOW step for the centres ``ids[start:stop]`` of the stream ``ids``.

    Same result as :func:`_cbow_step` with each centre's context = the
    positions ``i+o``, ``0 < |o| <= radius[i]`` (``window`` if radius is None)
    that lie inside ``ids``. radius: (stop-start,) ints or None.
    Returns (loss_sum, examples).

    The batch is a contiguous stretch of the stream, so nothing is gathered or
    scattered per context word. With ``X`` the input rows of the stretch
    (centre j at row ``j + window``) and ``M[k, j]`` the weight (0 or 1) of
    offset ``k - window`` for centre j, the context sums are
    ``h[j] = sum_k M[k, j] X[j + k]`` -- one einsum over a strided view whose
    slice k is X shifted by k rows -- and the input-side update of stretch
    row p is ``U[p] = sum_k M[k, p - k] e[p - k]``, one einsum over a view of
    ``e`` shifted the other way. Only the ``batch + 2 * window`` rows of U are
    scattered into ``W_in``.
    """
    n_ids = len(ids)
    b = stop - start
    d = W_in.shape[1]
    width = 2 * window + 1
    dt = W_in.dtype
    lo, hi = max(start - window, 0), min(stop + window, n_ids)
    pad_lo = lo - (start - window)
    if pad_lo == 0 and hi == stop + window:
        X = W_in.take(ids[lo:hi], axis=0)
        edge = False
    else:                                      # rows outside the stream stay 0
        X = np.zeros((b + 2 * window, d), dtype=dt)
        X[pad_lo:pad_lo + hi - lo] = W_in.take(ids[lo:hi], axis=0)
        edge = True
    dist = _distances(window, dt)              # (width, 1): |offset|, inf for the centre
    if not edge:
        if radius is None:
            M = np.broadcast_to(dist <= window, (width, b)).astype(dt)
            cw = np.full(b, 2 * window, dtype=dt)
        else:
            M = np.empty((width, b), dtype=dt)
            np.less_equal(dist, radius, out=M)
            cw = (2 * radius).astype(dt)
        valid = None                           # every centre has a context
    else:
        pos = np.arange(start - window, start + window + 1)[:, None] + np.arange(b)
        r = window if radius is None else radius
        M = ((dist <= r) & (pos >= 0) & (pos < n_ids)).astype(dt)
        cw = M.sum(axis=0)
        valid = cw > 0
        valid = None if valid.all() else valid
    rs, cs = X.strides
    S = np.ndarray((width, b, d), dt, X, 0, (rs, rs, cs))            # S[k, j] = X[j + k]
    h = np.einsum("kj,kjd->jd", M, S)
    safe = np.maximum(cw, 1)[:, None]
    h /= safe
    e, loss, n = _ns_update(W_out, h, ids[start:stop], negatives, lr, valid)
    if mean_grad:
        e /= safe
    rows = b + 2 * window
    E = np.zeros((b + 4 * window, d), dtype=dt)
    E[2 * window:2 * window + b] = e
    rs, cs = E.strides
    Se = np.ndarray((width, rows, d), dt, E, 2 * window * rs, (-rs, rs, cs))   # Se[k, p] = e[p - k]
    Z = np.zeros(width * (rows + 1), dtype=dt)                         # M skewed: Ms[k, k + j]
    np.ndarray((width, b), dt, Z, 0, ((rows + 1) * Z.itemsize, Z.itemsize))[...] = M
    Ms = Z[:width * rows].reshape(width, rows)
    U = np.einsum("kp,kpd->pd", Ms, Se)
    _scatter_add(W_in, ids[lo:hi], U[pad_lo:pad_lo + hi - lo])
    return loss, n


_DISTANCES: dict[tuple[int, np.dtype], np.ndarray] = {}


def _distances(window: int, dtype) -> np.ndarray:
    """(2*window+1, 1) column of |offset| as floats, with inf for offset 0 (never a context)."""
    key = (window, np.dtype(dtype))
    col = _DISTANCES.get(key)
    if col is None:
        col = np.abs(np.arange(-window, window + 1)).astype(dtype)[:, None]
        col[window] = np.inf
        col = _DISTANCES.setdefault(key, col)
    return col


def _sg_pairs(n_ids: int, start: int, stop: int, window: int,
              radius: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Stream positions (centre, context) of every skip-gram pair of the centres
    ``start..stop-1``, ordered by centre then offset; (P,) and (P,) intp."""
    offs = np.array(_offsets(window), dtype=np.intp)
    centres = np.arange(start, stop, dtype=np.intp)
    ctx = centres[:, None] + offs[None, :]                    # (b, 2W)
    ok = (ctx >= 0) & (ctx < n_ids)
    if radius is not None:
        ok &= np.abs(offs)[None, :] <= radius[:, None]
    rows, cols = np.nonzero(ok)
    return centres[rows], ctx[rows, cols]


# --------------------------------------------------------------------------- result

@dataclass
class Word2VecResult:
    """What :func:`train_word2vec` returns.

    ``W_in``, ``W_out``: (V, dim) float32; ``word_vecs`` is ``W_in``.
    ``seconds``: training time; ``words_trained``: corpus words passed
    (counting words dropped by subsampling, as word2vec and gensim do);
    ``words_per_sec = words_trained / seconds``; ``words_kept``: words that
    actually served as centre words; ``epochs_done``: completed share of the
    epochs, e.g. 2.5 (an int when training ran to the end);
    ``loss_history``: ``(words_trained, mean loss per example)`` points, about
    ``LOSS_POINTS_PER_EPOCH`` per epoch; ``stopped_early``: True if
    ``time_limit`` or the callback ended training; ``settings``: everything
    needed to repeat the run (JSON-able).
    """

    W_in: np.ndarray
    W_out: np.ndarray
    seconds: float = 0.0
    words_trained: int = 0
    words_kept: int = 0
    epochs_done: float = 0
    loss_history: list[tuple[int, float]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    stopped_early: bool = False

    @property
    def word_vecs(self) -> np.ndarray:
        """``W_in``, (V, dim): the vectors one keeps."""
        return self.W_in

    @property
    def words_per_sec(self) -> float:
        """Corpus words per second of training."""
        return self.words_trained / self.seconds if self.seconds > 0 else 0.0

    def __repr__(self) -> str:
        s = self.settings
        return (f"Word2VecResult(model={s.get('model')!r}, V={self.W_in.shape[0]}, "
                f"dim={self.W_in.shape[1]}, epochs_done={self.epochs_done:g}, "
                f"words_per_sec={self.words_per_sec:,.0f}, seconds={self.seconds:.1f})")


#: Points recorded in ``loss_history`` per epoch (roughly).
LOSS_POINTS_PER_EPOCH = 50


# --------------------------------------------------------------------------- checks

def _positive_int(name: str, value) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    return int(value)


def _check_model(model) -> str:
    if not isinstance(model, str):
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    name = model.lower().replace("-", "").replace("_", "")
    if name in ("sg", "skipgram"):
        return "skipgram"
    if name == "cbow":
        return "cbow"
    close = difflib.get_close_matches(model.lower(), MODELS + ("skip-gram",), n=2, cutoff=0.4)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(f"unknown model {model!r}: choose 'cbow' or 'skipgram'{hint}")


def _check_corpus(corpus, vocab_size) -> tuple[np.ndarray, int]:
    arr = np.asarray(corpus)
    if arr.ndim != 1:
        raise ValueError(f"corpus must be a 1-D array of word ids, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"corpus must hold integer word ids, got dtype {arr.dtype}")
    if arr.size < 2:
        raise ValueError(f"corpus needs at least 2 words, got {arr.size}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0:
        raise ValueError(f"word ids must be >= 0, got {lo}")
    if vocab_size is None:
        vocab_size = hi + 1
    else:
        vocab_size = _positive_int("vocab_size", vocab_size)
        if hi >= vocab_size:
            raise ValueError(f"corpus has word id {hi} but vocab_size is {vocab_size}")
    return arr.astype(np.intp, copy=False), vocab_size


def _check_number(name: str, value, *, allow_none: bool = False, minimum: float = 0.0,
                  strict: bool = True):
    if value is None and allow_none:
        return None
    if (not isinstance(value, numbers.Real) or isinstance(value, bool)
            or not math.isfinite(value) or (value <= minimum if strict else value < minimum)):
        rel = ">" if strict else ">="
        raise ValueError(f"{name} must be a finite number {rel} {minimum:g}, got {value!r}")
    return float(value)


# --------------------------------------------------------------------------- trainer

#: The training loops :func:`train_word2vec` can run: ``"numpy"`` (vectorised minibatches,
#: this module) and ``"numba"`` (word2vec's per-word loop compiled, :mod:`w2vlib.speed.compiled`;
#: needs the ``fast`` extra).
BACKENDS = ("numpy", "numba")


def _check_backend(backend, workers, batch_size) -> tuple[str, int]:
    if backend not in BACKENDS:
        close = difflib.get_close_matches(str(backend).lower(), BACKENDS, n=1, cutoff=0.4)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown backend {backend!r}: choose one of {BACKENDS}{hint}")
    workers = _positive_int("workers", workers)
    if backend == "numpy" and workers != 1:
        raise ValueError(f"workers={workers} needs backend='numba' (the NumPy trainer runs on "
                         "one thread)")
    if backend == "numba" and batch_size is not None:
        raise ValueError("batch_size applies to backend='numpy' only: the compiled loop "
                         "updates the weights after every word")
    return backend, workers


def train_word2vec(corpus, vocab_size: int | None = None, *, model: str = "cbow",
                   dim: int = 100, window: int = 5, negative: int = 5, epochs: int = 10,
                   lr: float | None = None, batch_size: int | None = None,
                   subsample: float = 0.0, power: float = 0.75, seed=0,
                   shrink_window: bool = True, progress: bool = True,
                   time_limit: float | None = None, callback=None,
                   cbow_update: str = "word2vec", backend: str = "numpy",
                   workers: int = 1) -> Word2VecResult:
    """Train CBOW or skip-gram with negative sampling on a whole corpus.

    corpus: (T,) integer word ids (one stream; e.g. ``load_ptb()[0]``).
    vocab_size: number of rows of the matrices (default: largest id + 1).
    model: ``"cbow"`` or ``"skipgram"``. dim: vector size. window: context
    words on each side (the largest radius when ``shrink_window``).
    negative: negatives per example. epochs: passes over the corpus.
    lr: starting learning rate (default :data:`DEFAULT_LR`), decayed
    linearly to ``1e-4 * lr``. batch_size: centre words per step (default:
    :func:`default_batch_size`, so the commonest word is the centre of about 6
    examples per batch). subsample: word2vec's ``sample`` (``1e-3`` is
    typical; 0 = keep every word). power: exponent of the negative-sampling
    distribution. seed: int, None or ``np.random.Generator`` -- drives the
    initial weights, subsampling, window radii and negatives; the same int
    seed gives bit-identical vectors (same NumPy, same machine).
    shrink_window: draw each centre's radius from ``1..window`` (word2vec)
    rather than always ``window`` (the book). progress: show a tqdm bar.
    time_limit: seconds; training stops after the batch (numba: the block of about
    1/50 epoch) that crosses it.
    callback: called as ``callback(result)`` after every epoch with the result
    so far (its ``W_in``/``W_out`` are the live arrays); returning ``True``
    stops training. cbow_update: ``"word2vec"`` (default) or ``"gradient"``,
    see :data:`CBOW_UPDATES`. A diverging run (non-finite loss) raises
    ``FloatingPointError`` naming the learning rate (and the batch size).
    backend: ``"numpy"`` (default) or ``"numba"``: word2vec's per-word loop,
    compiled (:mod:`w2vlib.speed.compiled`; ``pip install -e '.[fast]'``); it updates
    after every word, so ``batch_size`` does not apply, and its compile time is
    kept out of ``seconds`` (``settings["compile_seconds"]``). workers: threads
    for ``backend="numba"`` (Hogwild!: bit-identical repeats only with 1).

    See the module docstring for the update rule and the minibatch semantics.
    """
    model = _check_model(model)
    ids, V = _check_corpus(corpus, vocab_size)
    dim = _positive_int("dim", dim)
    window = _positive_int("window", window)
    negative = _positive_int("negative", negative)
    epochs = _positive_int("epochs", epochs)
    lr0 = _check_number("lr", DEFAULT_LR[model] if lr is None else lr)
    if batch_size is not None:
        batch_size = _positive_int("batch_size", batch_size)
    backend, workers = _check_backend(backend, workers, batch_size)
    subsample = _check_number("subsample", subsample, strict=False)
    power = _check_number("power", power, strict=False)
    time_limit = _check_number("time_limit", time_limit, allow_none=True)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    if seed is not None and not isinstance(seed, (numbers.Integral, np.random.Generator)):
        raise TypeError(f"seed must be an int, None or a numpy Generator, got {type(seed).__name__}")
    if cbow_update not in CBOW_UPDATES:
        raise ValueError(f"cbow_update must be one of {CBOW_UPDATES}, got {cbow_update!r}")
    mean_grad = cbow_update == "gradient"
    compile_seconds = None
    if backend == "numba":
        from . import compiled

        # NumbaMissingError (with the install command) if numba is absent
        compile_seconds = compiled.prepare(model, workers)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    T = len(ids)
    counts = np.bincount(ids, minlength=V)
    sampler = AliasSampler(counts, power)
    keep_p = keep_probabilities(counts, subsample)
    batch = None
    if backend == "numpy":
        batch = (batch_size if batch_size is not None
                 else default_batch_size(counts, subsample, model, window))

    W_in = ((rng.random((V, dim), dtype=np.float32) - np.float32(0.5)) / np.float32(dim))
    W_out = np.zeros((V, dim), dtype=np.float32)
    settings = {
        "model": model, "dim": dim, "window": window, "negative": negative, "epochs": epochs,
        "lr": lr0, "min_lr_factor": _MIN_LR_FACTOR, "batch_size": batch, "subsample": subsample,
        "power": power, "shrink_window": bool(shrink_window),
        "seed": int(seed) if isinstance(seed, numbers.Integral) else None,
        "vocab_size": V, "corpus_words": T, "dtype": "float32",
        "init": "W_in ~ U[-0.5/dim, 0.5/dim), W_out = 0",
        "negative_sampler": "alias method, with replacement; negative == target skipped",
        "sigmoid": "exact: g = lr (t - 1/2) - (lr/2) tanh(s/2), no clipping",
        "cbow_update": cbow_update if model == "cbow" else None,
        "batch_size_auto": batch_size is None if backend == "numpy" else None,
        "backend": backend, "workers": workers,
        "numpy": np.__version__, "python": platform.python_version(),
        "platform": f"{sys.platform}-{platform.machine()}",
    }
    if backend == "numba":
        settings |= compiled.settings(compile_seconds)
        epoch_steps = compiled.epoch_steps(W_in, W_out, model=model, window=window,
                                           negative=negative, sampler=sampler,
                                           shrink_window=shrink_window, lr0=lr0,
                                           min_lr=_MIN_LR_FACTOR, mean_grad=mean_grad,
                                           workers=workers, epochs=epochs, rng=rng,
                                           block=max(1024, -(-T // LOSS_POINTS_PER_EPOCH)))
    else:
        epoch_steps = _numpy_epoch_steps(W_in, W_out, model=model, window=window,
                                         negative=negative, sampler=sampler,
                                         shrink_window=shrink_window, lr0=lr0,
                                         mean_grad=mean_grad, batch=batch, epochs=epochs,
                                         rng=rng)
    res = Word2VecResult(W_in=W_in, W_out=W_out, settings=settings)

    total_words = epochs * T
    log_every = max(1, T // LOSS_POINTS_PER_EPOCH)
    loss_acc, n_acc, next_log = 0.0, 0, log_every
    done_words = 0
    start_time = time.perf_counter()
    bar = tqdm(total=total_words, disable=not progress, unit="word", unit_scale=True,
               dynamic_ncols=True, mininterval=0.5, desc=model)
    stop = False
    try:
        for epoch in range(epochs):
            if subsample > 0:
                kept_pos = np.flatnonzero(rng.random(T) < keep_p[ids])
                stream = ids[kept_pos]
            else:
                kept_pos = None
                stream = ids
            epoch_base = epoch * T
            for raw_after, loss, n_ex, n_centres, lr_t in epoch_steps(epoch, stream, kept_pos, T):
                res.words_kept += n_centres
                step_words = raw_after - (done_words - epoch_base)
                done_words = epoch_base + raw_after
                bar.update(step_words)
                if not math.isfinite(loss):
                    raise FloatingPointError(
                        f"training diverged (loss {loss}) in epoch {epoch + 1} at learning "
                        f"rate {lr_t:.4g}: lower lr (now {lr0:g})"
                        + (f" or batch_size (now {batch})" if backend == "numpy" else ""))
                loss_acc += loss
                n_acc += n_ex
                if done_words >= next_log and n_acc:
                    res.loss_history.append((int(done_words), loss_acc / n_acc))
                    loss_acc, n_acc = 0.0, 0
                    next_log = done_words + log_every
                if time_limit is not None and time.perf_counter() - start_time > time_limit:
                    stop = True
                    break
            if backend == "numba" and not (np.isfinite(W_in).all() and np.isfinite(W_out).all()):
                # the compiled loop measures the loss on a sample of words: check the weights too
                raise FloatingPointError(
                    f"training diverged (non-finite weights) in epoch {epoch + 1}: lower lr "
                    f"(now {lr0:g})")
            if not stop and done_words < epoch_base + T:     # subsampling left (almost) nothing
                bar.update(epoch_base + T - done_words)
                done_words = epoch_base + T
            res.words_trained = int(done_words)
            res.epochs_done = done_words / T if stop else epoch + 1
            res.seconds = time.perf_counter() - start_time
            if res.loss_history:
                bar.set_postfix(epoch=epoch + 1, loss=f"{res.loss_history[-1][1]:.3f}",
                                refresh=False)
            if stop:
                break
            if callback is not None and callback(res) is True:
                stop = True
                break
    finally:
        bar.close()
    res.seconds = time.perf_counter() - start_time
    res.words_trained = int(done_words)
    res.stopped_early = stop
    return res


def _numpy_epoch_steps(W_in, W_out, *, model, window, negative, sampler, shrink_window, lr0,
                       mean_grad, batch, epochs, rng):
    """The NumPy backend: ``steps(epoch, stream, kept_pos, T)`` trains one epoch in
    minibatches of ``batch`` centre words, yielding after each
    ``(raw words passed in the epoch, loss sum, examples, centres, lr)``."""
    def steps(epoch, stream, kept_pos, T):
        n = len(stream)
        radius = (rng.integers(1, window + 1, size=n, dtype=np.intp)
                  if shrink_window else None)
        total_words = epochs * T
        for s in range(0, n, batch):
            e_ = min(s + batch, n)
            raw_before = kept_pos[s] if kept_pos is not None else s
            lr_t = lr0 * max(1.0 - (epoch * T + raw_before) / total_words, _MIN_LR_FACTOR)
            r = None if radius is None else radius[s:e_]
            if model == "cbow":
                negs = sampler.draw(rng, (e_ - s, negative))
                loss, n_ex = _cbow_span_step(W_in, W_out, stream, s, e_, window, r, negs,
                                             lr_t, mean_grad)
            else:
                cpos, xpos = _sg_pairs(n, s, e_, window, r)
                negs = sampler.draw(rng, (len(cpos), negative))
                loss = _sg_step(W_in, W_out, stream[cpos], stream[xpos], negs, lr_t)
                n_ex = len(cpos)
            raw_after = (kept_pos[e_ - 1] + 1 if e_ < n else T) if kept_pos is not None else e_
            yield int(raw_after), loss, n_ex, e_ - s, lr_t
    return steps


# --------------------------------------------------------------------------- scatter-add options

def scatter_add_options(vocab_size: int = 10_000, dim: int = 100, rows=(600, 6_000, 24_000),
                        repeat: int = 5, seed: int = 0) -> dict[str, dict[int, float]]:
    """Time exact ways to add rows with repeated ids into a (V, dim) float32 matrix.

    Row ids are drawn like CBOW's output side on a Zipf-like vocabulary (one
    target from ``1/rank``, five negatives from ``(1/rank)^0.75``). Returns
    ``{method: {n_rows: microseconds per 1,000 rows}}`` (best of ``repeat``);
    every method is first checked against a float64 ``np.add.at``. The SciPy
    row is included only if SciPy is importable. ``python -m w2vlib.speed.word2vec
    --scatter-table`` prints it.
    """
    from ..layers import scatter_add
    from ..lab.timing import best_time

    rng = np.random.default_rng(seed)
    freq = 1.0 / np.arange(1, vocab_size + 1)
    target_p, neg_p = freq / freq.sum(), freq ** 0.75 / np.sum(freq ** 0.75)
    cols = np.arange(dim)

    def flat_add_at(W, idx, vals):
        np.add.at(W.reshape(-1), (idx[:, None] * dim + cols).reshape(-1), vals.reshape(-1))

    def reduceat(W, idx, vals):
        order = np.argsort(idx, kind="stable")
        s = idx[order]
        starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
        W[s[starts]] += np.add.reduceat(vals[order], starts, axis=0)

    def bincount_full(W, idx, vals):
        W += np.bincount((idx[:, None] * dim + cols).reshape(-1), weights=vals.reshape(-1),
                         minlength=W.size).reshape(W.shape).astype(W.dtype)

    def unique_bincount(W, idx, vals):
        u, inv = np.unique(idx, return_inverse=True)
        sums = np.bincount((inv[:, None] * dim + cols).reshape(-1), weights=vals.reshape(-1),
                           minlength=len(u) * dim)
        W[u] += sums.reshape(len(u), dim).astype(W.dtype)

    def unique_onehot(W, idx, vals):
        u, inv = np.unique(idx, return_inverse=True)
        onehot = np.zeros((len(u), len(idx)), W.dtype)
        onehot[inv, np.arange(len(idx))] = 1
        W[u] += onehot @ vals

    methods = {"np.add.at(W, rows, vals), 2-D": lambda W, i, v: np.add.at(W, i, v),
               "np.add.at on flat 1-D indices": flat_add_at,
               "layers.scatter_add (flat, complex view)": scatter_add,
               "argsort + np.add.reduceat": reduceat,
               "np.bincount on flat ids (V*dim bins)": bincount_full,
               "np.unique + np.bincount": unique_bincount,
               "np.unique + one-hot @ (BLAS)": unique_onehot}
    try:
        import scipy.sparse as sp

        def unique_csr(W, idx, vals):
            u, inv = np.unique(idx, return_inverse=True)
            m = sp.csr_matrix((np.ones(len(idx), W.dtype), (inv, np.arange(len(idx)))),
                              shape=(len(u), len(idx)))
            W[u] += m @ vals

        methods["np.unique + scipy.sparse csr @"] = unique_csr
    except ImportError:
        pass

    W0 = rng.standard_normal((vocab_size, dim)).astype(np.float32)
    out: dict[str, dict[int, float]] = {m: {} for m in methods}
    for n in rows:
        b = max(1, n // 6)
        idx = np.concatenate([rng.choice(vocab_size, size=(b, 1), p=target_p),
                              rng.choice(vocab_size, size=(b, 5), p=neg_p)], axis=1).reshape(-1)
        vals = rng.standard_normal((len(idx), dim)).astype(np.float32)
        ref = W0.astype(np.float64)
        np.add.at(ref, idx, vals.astype(np.float64))
        for name, fn in methods.items():
            if "one-hot" in name and len(idx) > 6_000:
                continue                                   # minutes and gigabytes
            W = W0.copy()
            fn(W, idx, vals)
            if not np.allclose(W, ref, atol=1e-3):
                raise AssertionError(f"{name} gave a wrong sum")
            W = W0.copy()
            out[name][len(idx)] = best_time(lambda fn=fn, W=W, i=idx, v=vals: fn(W, i, v),
                                            repeat=repeat) * 1e6 / len(idx) * 1000
    return out


# --------------------------------------------------------------------------- CLI

def _quality(word_vecs: np.ndarray, word_to_id, id_to_word) -> dict[str, Any]:
    from ..evaluate import evaluate_analogies, most_similar

    out: dict[str, Any] = {"neighbours": {}}
    for q in ("you", "year", "car", "toyota"):
        if q in word_to_id:
            out["neighbours"][q] = [w for w, _ in most_similar(q, word_to_id, id_to_word,
                                                                word_vecs, top=5)]
    summary = evaluate_analogies(word_vecs, word_to_id).summary()
    out["analogy"] = {k: {"top1": round(v["top1"], 4), "top5": round(v["top5"], 4),
                          "covered": v["covered"]} for k, v in summary.items()}
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m w2vlib.speed.word2vec``: train on PTB, report quality, optionally save vectors."""
    import argparse
    import json
    import shlex

    parser = argparse.ArgumentParser(
        prog="python -m w2vlib.speed.word2vec",
        description="Train word2vec (negative sampling) on the Penn Treebank with the fast "
                    "trainer, print speed and quality, and optionally save the vectors.")
    parser.add_argument("--model", default="cbow", choices=MODELS)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--negative", type=int, default=5)
    parser.add_argument("--subsample", type=float, default=1e-3,
                        help="word2vec's sample (default 1e-3; 0 keeps every word)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="write the vectors here (.npz: float16, with metadata)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--scatter-table", action="store_true",
                        help="only time the exact scatter-add options and print the table")
    args = parser.parse_args(argv)

    if args.scatter_table:
        table = scatter_add_options()
        sizes = sorted({n for row in table.values() for n in row})
        print(f"numpy {np.__version__}, {platform.machine()}; microseconds per 1,000 rows of "
              f"100 float32 added into (10000, 100), best of 5")
        print(f"{'method':42s}" + "".join(f"{n:>10,d}" for n in sizes))
        for name, row in table.items():
            print(f"{name:42s}" + "".join(f"{row[n]:>10,.0f}" if n in row else f"{'-':>10s}"
                                          for n in sizes))
        return 0

    from ..datasets import DatasetError, load_ptb
    from ..io import save_vectors

    try:
        corpus, word_to_id, id_to_word = load_ptb("train")
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    res = train_word2vec(corpus, len(word_to_id), model=args.model, dim=args.dim,
                         window=args.window, negative=args.negative, epochs=args.epochs,
                         lr=args.lr, batch_size=args.batch_size, subsample=args.subsample,
                         seed=args.seed, progress=not args.no_progress)
    quality = _quality(res.word_vecs, word_to_id, id_to_word)
    print(res)
    for q, ws in quality["neighbours"].items():
        print(f"  {q:>8s}: {', '.join(ws)}")
    for kind, a in quality["analogy"].items():
        print(f"  analogy {kind:<9s} top-1 {100 * a['top1']:5.2f}%  top-5 {100 * a['top5']:5.2f}%"
              f"  ({a['covered']:,} questions)")
    if args.out:
        command = "python -m w2vlib.speed.word2vec " + " ".join(
            shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
        meta = res.settings | {
            "command": command, "quality": quality, "corpus": "PTB train (load_ptb)",
            "seconds": round(res.seconds, 1), "words_per_sec": round(res.words_per_sec),
            "epochs_done": res.epochs_done, "stored_dtype": "float16", "vectors": "W_in",
        }
        path = save_vectors(args.out, res.word_vecs, id_to_word, meta=meta, dtype=np.float16)
        print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB)")
        print(json.dumps({k: meta[k] for k in ("seed", "words_per_sec", "seconds")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
