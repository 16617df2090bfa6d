"""Shared negatives: the per-word loop rewritten as small matrix products (the
``shared_negatives=True`` of :func:`w2vlib.speed.train_word2vec`, ``backend="numba"``).

The per-word loop of :mod:`w2vlib.speed.compiled` draws fresh negatives for every
(centre, context) pair and updates the rows after each pair: a long chain of
vector-vector dot products, each waiting on the one before. Ji, Shah, Dubey and
Sundaram (2016, "Parallelizing Word2Vec in Shared and Distributed Memory", the
``pWord2Vec`` code from Intel) noticed that nothing in the method needs the negatives to
be fresh per pair. If one centre's window draws its K negatives **once** and lets every
context word of the window use them, the window's work becomes one small matrix
product -- "level 3" arithmetic that a CPU's vector units, many cores or a GPU do far
better than a chain of dot products. In our words, for skip-gram::

    A = W_in[contexts]              (2b x dim)  the window's context rows (b its radius)
    B = W_out[[centre, n_1..n_K]]   ((K+1) x dim)  the target and the K shared negatives
    S = A @ B.T                     (2b x (K+1))   every score of the window at once
    G = lr * (labels - sigmoid(S))  labels: 1 in column 0 (the target), 0 elsewhere
    W_in[contexts]  += G @ B        (dA)
    W_out[rows of B] += G.T @ A     (dB)

Two things change against the per-word loop. **The roles**: as word2vec.c really runs
skip-gram (and pWord2Vec follows it), each *context* word's input row predicts the
*centre* word, so the centre is the one target the window shares, with its negatives;
our per-word loop (:func:`~w2vlib.speed.compiled.skipgram_chunk`) has the centre's row
predict each context word, as the paper and the book write it. Over a corpus the pairs
are the same pairs. **The arithmetic**: every score of the window is computed from the
rows as they were when the window started, and the updates are added after the window
-- a minibatch of 2b pairs, not 2b updates in a row. With 2b about 6 on average
(window 5, shrunk), the K + 1 output rows are written once per window rather than once
per pair: about six times fewer writes of ``W_out`` rows, and fewer random numbers.

**CBOW.** The paper shares negatives for skip-gram only; it does not define CBOW. Here
the same idea is applied to a *group* of :data:`CBOW_GROUP` consecutive centre words:
each centre ``i`` of the group gives its hidden vector ``h_i`` (the mean of its context
rows, as in :func:`~w2vlib.speed.compiled.cbow_chunk`) as row ``i`` of ``A``; the group
draws K negatives once; ``B`` is those negatives, and each row also scores its *own*
target (``h_i . W_out[t_i]``, label 1) -- another centre's target is not a negative for
it (that would be "in-batch negatives", a different objective). So the negative part is
the matrix product ``A @ N.T`` (G x K) and the target part its diagonal of row-wise dot
products. The updates are added after the group: each context row of centre ``i``
receives ``e_i = G_i @ [t_i; N]`` (divided by its context size under
``cbow_update="gradient"``), each negative row ``G[:, k] . A``, each target row
``G_i0 h_i``. A group of 6 matches skip-gram's average sharing (one draw of K
negatives per about six examples).

**The target as its own negative.** A shared negative equal to the target is skipped
for that target's rows only, as the per-word loop skips it: in skip-gram the whole
column is dropped (the window has one target); in CBOW only the score ``(i, k)`` of the
centre whose target it is.

**Random numbers**, in the order the kernels draw them (the tests replay them): skip-gram,
per centre, the radius (if shrunk) then K negatives -- skipped with no draw when the
window is empty; CBOW, per group, every centre's radius in order, then K negatives (none
if no centre of the group has a context). The generator, sampler tables, learning-rate
schedule, :class:`~w2vlib.speed.compiled.LoopSettings`, :class:`~w2vlib.speed.compiled.Chunks`
and the block driver (:mod:`w2vlib.speed.threads`: ``time_limit``, progress, the loss
curve, ``workers``) are the per-word loop's own.

**How fast, and where it loses.** On one core the matrix form buys little or nothing: the
per-word loop already keeps its handful of rows in cache, and at dim 100 with at most 21
output rows the "matrix product" is a few thousand multiply-adds done here as explicit
loops (numba's ``np.dot`` on such tiny blocks pays its call overhead for nothing). What
it does buy is fewer random numbers and fewer writes of shared rows -- the writes are
what two Hogwild threads fight over (issue 16) -- and the shape of the work: this is the
step from "one word at a time, in cache" to why GPU trainers (BlazingText, Gupta &
Khare 2017) run word2vec as batches of matrix products. One rough run on a busy
2-core machine (PTB, dim 100, window 5, 5 negatives, 10 epochs, lr 0.025, sample 1e-3,
1 thread, one seed; noisy, to be measured again on a quiet machine): CBOW 1.32 M
words/s against the per-word loop's 1.08 M, but analogy top-1 3.0 % against 4.0 %;
skip-gram 196 k against 277 k words/s (it *loses* on one core), analogy top-1 4.0 %
against 3.3 %.
"""

from __future__ import annotations

import time
import types

import numpy as np

from . import compiled
from .compiled import (
    _F32,
    LOSS_EVERY,
    Chunks,
    _below,
    _jit,
    _loss,
    _sigmoid,
    _unit,
    draw_window,
    learning_rate,
    loop_settings,
    xorshift_next,
)

__all__ = ["CBOW_GROUP", "draw_shared_negatives", "skipgram_shared_chunk",
           "cbow_shared_chunk", "run_shared_chunks", "interpreted", "ensure_compiled",
           "settings"]

#: CBOW: consecutive centre words that share one draw of negatives (skip-gram shares them
#: over one window, about 6 pairs at window 5, shrunk; this matches that).
CBOW_GROUP = 6


@_jit
def draw_shared_negatives(loop, negs, state):
    """Draw ``loop.negative`` negatives into ``negs`` (int64, at least that long) with the
    alias tables of ``loop``; returns the new state. No target is excluded here: the
    kernels skip a negative equal to a row's target when they score it."""
    V = loop.prob.shape[0]
    for k in range(loop.negative):
        state, r = xorshift_next(state)
        col = _below(r, V)
        negs[k] = col if _unit(r) < loop.prob[col] else loop.alias[col]
    return state


@_jit
def _dot(x, y):
    """``x . y`` of two (dim,) float32 rows, accumulated in float32 as the per-word loop does."""
    f = _F32(0.0)
    for d in range(x.shape[0]):
        f += x[d] * y[d]
    return f


@_jit
def _times(G, M, out, m, r):
    """``out[:m] = G[:m, :r] @ M[:r]`` (the step of each input row)."""
    for a in range(m):
        for d in range(out.shape[1]):
            out[a, d] = 0.0
        for k in range(r):
            g = G[a, k]
            for d in range(out.shape[1]):
                out[a, d] += g * M[k, d]


@_jit
def _times_t(G, M, out, m, r):
    """``out[:r] = G[:m, :r].T @ M[:m]`` (the step of each output row)."""
    for k in range(r):
        for d in range(out.shape[1]):
            out[k, d] = 0.0
        for a in range(m):
            g = G[a, k]
            for d in range(out.shape[1]):
                out[k, d] += g * M[a, d]


@_jit
def _context_mean(W_in, stream, lo, hi, i, out):
    """``out`` = the mean of the context rows ``stream[lo:hi]`` without the centre ``i``."""
    for d in range(out.shape[0]):
        out[d] = 0.0
    for j in range(lo, hi):
        if j != i:
            for d in range(out.shape[0]):
                out[d] += W_in[stream[j], d]
    inv = _F32(1.0 / (hi - lo - 1))
    for d in range(out.shape[0]):
        out[d] *= inv


@_jit
def _add_to_context(W_in, stream, lo, hi, i, e):
    """Every context row of ``stream[lo:hi]`` (not the centre ``i``) ``+= e``."""
    for j in range(lo, hi):
        if j != i:
            for d in range(e.shape[0]):
                W_in[stream[j], d] += e[d]


@_jit
def skipgram_shared_chunk(W_in, W_out, stream, raw_pos, start, stop, loop, seed_state):
    """Skip-gram with the negatives shared over each window (pWord2Vec's roles: the
    context rows predict the centre). Arguments and return as
    :func:`~w2vlib.speed.compiled.skipgram_chunk`; ``examples`` counts (context, centre)
    pairs of the tracked centres."""
    n = stream.shape[0]
    dim = W_in.shape[1]
    K = loop.negative
    m_max = 2 * loop.window
    A = np.empty((m_max, dim), dtype=np.float32)        # the context rows (copies)
    B = np.empty((K + 1, dim), dtype=np.float32)        # target + negatives' rows (copies)
    dA = np.empty((m_max, dim), dtype=np.float32)
    dB = np.empty((K + 1, dim), dtype=np.float32)
    G = np.empty((m_max, K + 1), dtype=np.float32)
    rows = np.empty(K + 1, dtype=np.int64)              # W_out row of each row of B
    ctx = np.empty(m_max, dtype=np.int64)
    negs = np.empty(K, dtype=np.int64)
    state = np.uint64(seed_state)
    loss = 0.0
    examples = 0
    for i in range(start, stop):
        lo, hi, state = draw_window(i, n, loop, state)
        m = hi - lo - 1
        if m <= 0:
            continue
        centre = stream[i]
        state = draw_shared_negatives(loop, negs, state)
        rows[0] = centre
        nb = 1
        for k in range(K):
            if negs[k] != centre:             # the target never serves as its own negative
                rows[nb] = negs[k]
                nb += 1
        lr = learning_rate(loop.lr0, loop.words_before + raw_pos[i], loop.total_words,
                           loop.min_lr_factor)
        track = i % LOSS_EVERY == 0
        # gather: A and B are the rows as they are at the start of the window
        a = 0
        for j in range(lo, hi):
            if j != i:
                ctx[a] = stream[j]
                for d in range(dim):
                    A[a, d] = W_in[stream[j], d]
                a += 1
        for r in range(nb):
            for d in range(dim):
                B[r, d] = W_out[rows[r], d]
        # S = A @ B.T, G = lr (labels - sigmoid(S))
        for a in range(m):
            for r in range(nb):
                f = _dot(A[a], B[r])
                label = _F32(1.0) if r == 0 else _F32(0.0)
                y, ex = _sigmoid(f)
                if track:
                    loss += _loss(f, label, ex)
                G[a, r] = _F32(lr) * (label - y)
        if track:
            examples += m
        _times(G, B, dA, m, nb)               # dA = G @ B
        _times_t(G, A, dB, m, nb)             # dB = G.T @ A
        # scatter: a row that appears twice receives both updates
        for a in range(m):
            c = ctx[a]
            for d in range(dim):
                W_in[c, d] += dA[a, d]
        for r in range(nb):
            w = rows[r]
            for d in range(dim):
                W_out[w, d] += dB[r, d]
    return loss, examples, state


@_jit
def _cbow_row_steps(h, target_row, N, negs, target, lr, g_neg, track):
    """One CBOW centre of a group: its target's step ``lr (1 - sigmoid(h . t))`` (returned)
    and each shared negative's ``lr (0 - sigmoid(h . n_k))`` into ``g_neg`` (0 where the
    negative is this centre's own target); -> ``(target step, loss if track else 0)``."""
    loss = 0.0
    f = _dot(h, target_row)
    y, ex = _sigmoid(f)
    if track:
        loss += _loss(f, _F32(1.0), ex)
    g_target = lr * (_F32(1.0) - y)
    for k in range(negs.shape[0]):
        if negs[k] == target:                 # not a negative for its own target's row
            g_neg[k] = 0.0
            continue
        f = _dot(h, N[k])
        y, ex = _sigmoid(f)
        if track:
            loss += _loss(f, _F32(0.0), ex)
        g_neg[k] = lr * (_F32(0.0) - y)
    return g_target, loss


@_jit
def cbow_shared_chunk(W_in, W_out, stream, raw_pos, start, stop, loop, seed_state, group):
    """CBOW with the negatives shared by ``group`` consecutive centres (see the module
    docstring). Arguments and return as :func:`~w2vlib.speed.compiled.cbow_chunk`, plus
    ``group`` (>= 1); the groups start at ``start``."""
    n = stream.shape[0]
    dim = W_in.shape[1]
    K = loop.negative
    A = np.empty((group, dim), dtype=np.float32)        # hidden vector h_i of each centre
    Tg = np.empty((group, dim), dtype=np.float32)       # each centre's target row (copy)
    N = np.empty((K, dim), dtype=np.float32)            # the shared negatives' rows (copies)
    E = np.empty((group, dim), dtype=np.float32)        # e_i: the step of centre i's context
    dN = np.empty((K, dim), dtype=np.float32)
    Gt = np.empty(group, dtype=np.float32)              # lr (1 - sigmoid) of each target
    G = np.empty((group, K), dtype=np.float32)          # lr (0 - sigmoid), 0 where skipped
    cen = np.empty(group, dtype=np.int64)               # position of each row's centre
    los = np.empty(group, dtype=np.int64)
    his = np.empty(group, dtype=np.int64)
    rates = np.empty(group, dtype=np.float64)
    negs = np.empty(K, dtype=np.int64)
    state = np.uint64(seed_state)
    loss = 0.0
    examples = 0
    for g0 in range(start, stop, group):
        g1 = min(g0 + group, stop)
        m = 0                                           # rows of A: centres with a context
        for i in range(g0, g1):
            lo, hi, state = draw_window(i, n, loop, state)
            if hi - lo - 1 <= 0:
                continue
            cen[m], los[m], his[m] = i, lo, hi
            m += 1
        if m == 0:
            continue
        state = draw_shared_negatives(loop, negs, state)
        # gather: every row as it is at the start of the group
        for a in range(m):
            i = cen[a]
            _context_mean(W_in, stream, los[a], his[a], i, A[a])
            t = stream[i]
            for d in range(dim):
                Tg[a, d] = W_out[t, d]
            rates[a] = learning_rate(loop.lr0, loop.words_before + raw_pos[i],
                                     loop.total_words, loop.min_lr_factor)
        for k in range(K):
            for d in range(dim):
                N[k, d] = W_out[negs[k], d]
        # scores: each row's own target (a diagonal), then A @ N.T
        for a in range(m):
            track = cen[a] % LOSS_EVERY == 0
            Gt[a], row_loss = _cbow_row_steps(A[a], Tg[a], N, negs, stream[cen[a]],
                                              _F32(rates[a]), G[a], track)
            if track:
                loss += row_loss
                examples += 1
        # e_i = G_i @ N + Gt_i t_i;  dN = G.T @ A
        _times(G, N, E, m, K)
        for a in range(m):
            for d in range(dim):
                E[a, d] += Gt[a] * Tg[a, d]
        _times_t(G, A, dN, m, K)
        # scatter after the group
        for a in range(m):
            i = cen[a]
            t = stream[i]
            gt = Gt[a]
            for d in range(dim):
                W_out[t, d] += gt * A[a, d]
            if loop.mean_grad:
                inv = _F32(1.0 / (his[a] - los[a] - 1))
                for d in range(dim):
                    E[a, d] *= inv
            _add_to_context(W_in, stream, los[a], his[a], i, E[a])
        for k in range(K):
            w = negs[k]
            for d in range(dim):
                W_out[w, d] += dN[k, d]
    return loss, examples, state


@_jit
def run_shared_chunks(cbow, W_in, W_out, stream, raw_pos, loop, chunks, group):
    """:func:`~w2vlib.speed.compiled.run_chunks` for the shared-negatives kernels
    (``group``: :data:`CBOW_GROUP`, used by CBOW only); releases the GIL likewise."""
    for k in range(chunks.starts.shape[0]):
        if cbow:
            lo_, n_, st = cbow_shared_chunk(W_in, W_out, stream, raw_pos, chunks.starts[k],
                                            chunks.stops[k], loop, chunks.states[k], group)
        else:
            lo_, n_, st = skipgram_shared_chunk(W_in, W_out, stream, raw_pos,
                                                chunks.starts[k], chunks.stops[k], loop,
                                                chunks.states[k])
        chunks.losses[k] = lo_
        chunks.examples[k] = n_
        chunks.states[k] = st


def interpreted(fn):
    """The plain-Python version of one of this module's kernels, all the way down (its
    helpers from :mod:`w2vlib.speed.compiled` too), as
    :func:`w2vlib.speed.compiled.interpreted` does for the per-word loop."""
    names: dict = dict(globals())
    base = compiled.interpreted(compiled.cbow_chunk).__globals__   # compiled's, de-jitted
    for name, value in list(names.items()):
        py = getattr(value, "py_func", None)
        if py is None:
            continue
        if getattr(py, "__module__", None) == __name__:
            names[name] = types.FunctionType(py.__code__, names, py.__name__, py.__defaults__)
        elif name in base:
            names[name] = base[name]
        else:                                                       # pragma: no cover
            names[name] = py
    return names[getattr(fn, "__name__", None) or fn.py_func.__name__]


def ensure_compiled(model: str = "cbow") -> float:
    """Compile (or load from the disk cache) the shared kernel for ``model``; seconds taken."""
    compiled._require_numba()
    t0 = time.perf_counter()
    W = np.zeros((4, 2), dtype=np.float32)
    stream = np.arange(4, dtype=np.int64)
    tables = types.SimpleNamespace(prob=np.ones(4), alias=stream)
    loop = loop_settings(tables, window=1, negative=1, lr0=0.01, total_words=100.0)
    chunks = Chunks(np.array([0], dtype=np.int64), np.array([4], dtype=np.int64),
                    np.array([1], dtype=np.uint64), np.zeros(1), np.zeros(1, dtype=np.int64))
    run_shared_chunks(model == "cbow", W.copy(), W.copy(), stream, stream, loop, chunks,
                      CBOW_GROUP)
    return time.perf_counter() - t0


def settings(model: str) -> dict:
    """What a shared-negatives run changes in ``Word2VecResult.settings``."""
    share = ("one window (the context rows predict the centre, as word2vec.c and pWord2Vec)"
             if model == "skipgram" else f"{CBOW_GROUP} consecutive centre words")
    return {
        "shared_negatives": True,
        "update": (f"shared negatives (Ji et al. 2016): drawn once per {share}, updates "
                   "as small matrix products after it; compiled with numba"),
    }
