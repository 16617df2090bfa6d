"""The NumPy backend of :func:`~w2vlib.speed.train_word2vec`: whole minibatches, no Python
loop over words or rows.

A batch of ``batch`` consecutive centre words is one step: every example's
gradient is computed from the weights *as they were at the start of the
batch*, then all of them are added in (a word used by several examples
receives the sum). Per example, with ``h`` the hidden vector, ``w_0`` the
target's output row and ``w_1..w_k`` the negatives' (label ``t_0 = 1``,
``t_j = 0``)::

    g_j    = lr * (t_j - sigmoid(w_j . h))          (the SGD step on the score)
    w_j   += g_j * h                                 (W_out rows)
    e      = sum_j g_j * w_j                          (old w_j)
    CBOW:      every context row of W_in += e        (h = mean of its C rows)
    skip-gram: the centre row of W_in    += e        (one pair = one example)

Kernels: :func:`ns_update` (the output side, shared), :func:`cbow_step` and
:func:`sg_step` (explicit arrays: the reference path the tests compare with the
layer models), :func:`cbow_span_step` (what the trainer runs for CBOW: a batch
is a contiguous stretch of the stream, so its contexts are shifted views, not
gathers), :func:`sg_pairs` (skip-gram's pairs). :func:`epoch_steps` drives them.

Profiling: every kernel takes ``part``, a function ``label -> context manager``
(a profiler's ``part`` method), and runs each of its stages inside
``part(label)`` with a label from :data:`PROFILE_PARTS`. The stages follow one
another, never nest, so a profiler needs no exclusive timing. Without a profiler,
``part`` is :func:`untimed` (a shared ``nullcontext``: well under a microsecond
per stage).
"""

from __future__ import annotations

import contextlib

import numpy as np

from .scatter import scatter_add
from .schedule import MIN_LR_FACTOR, learning_rate

__all__ = ["PROFILE_PARTS", "untimed", "ns_update", "cbow_step", "sg_step", "cbow_span_step",
           "sg_pairs", "epoch_steps", "step_bytes", "check_step_memory", "MAX_STEP_BYTES"]

#: The stages of a NumPy step, as a profiler sees them: drawing negatives; the
#: output side (gather the target and negative rows, scores, sigmoid, loss, the
#: update rows); the input side (context sums or centre rows, and their
#: updates); adding update rows into ``W_out`` and ``W_in``.
PROFILE_PARTS = ("sampler", "gather + scores (output side)", "gather + sums (input side)",
                 "scatter-add update")
SAMPLER, OUTPUT_SIDE, INPUT_SIDE, SCATTER = PROFILE_PARTS

_UNTIMED = contextlib.nullcontext()


def untimed(label: str) -> contextlib.nullcontext:
    """The ``part`` of no profiler: a context manager that does nothing."""
    return _UNTIMED


# --------------------------------------------------------------------------- kernels

def ns_update(W_out: np.ndarray, h: np.ndarray, targets: np.ndarray, negatives: np.ndarray,
              lr: float, valid: np.ndarray | None = None,
              part=untimed) -> tuple[np.ndarray, float, int]:
    """Negative-sampling step on the output side.

    h: (N, D) hidden vectors; targets: (N,); negatives: (N, K); valid: optional
    (N,) bool, False rows change nothing. Updates ``W_out`` in place and
    returns ``(e, loss_sum, n_examples)`` where ``e`` (N, D) is the step for
    the hidden vector (``sum_j g_j * old w_j``).

    ``g = lr * (label - sigmoid(s))`` is computed as
    ``lr * (label - 1/2) - (lr/2) * tanh(s/2)`` (the same number, no overflow
    for any score) and the loss as ``logaddexp(0, -s)`` for the target and
    ``logaddexp(0, s)`` for a negative (``log(1 + e^x)``, stable). A negative
    equal to its target is skipped, as word2vec does.
    """
    with part(OUTPUT_SIDE):
        negatives = np.asarray(negatives)
        n = len(h)
        ids = np.empty((n, 1 + negatives.shape[1]), dtype=np.intp)
        ids[:, 0] = targets
        ids[:, 1:] = negatives
        Wo = W_out.take(ids, axis=0)                                        # (N, 1+K, D)
        scores = np.einsum("nkd,nd->nk", Wo, h)
        half = scores.dtype.type(0.5 * lr)
        g = np.tanh(scores * 0.5)
        g *= -half
        g[:, 0] += half
        g[:, 1:] -= half
        scores[:, 0] *= -1
        loss_terms = np.logaddexp(0, scores)
        skip = ids[:, 1:] == ids[:, :1]        # a negative equal to the target is skipped
        if skip.any():
            g[:, 1:][skip] = 0
            loss_terms[:, 1:][skip] = 0
        if valid is not None:
            g *= valid[:, None]
            loss_terms *= valid[:, None]
            n = int(valid.sum())
        e = np.einsum("nk,nkd->nd", g, Wo)
        rows = np.einsum("nk,nd->nkd", g, h)                                # (N, 1+K, D)
    with part(SCATTER):
        scatter_add(W_out, ids, rows)
    return e, float(loss_terms.sum(dtype=np.float64)), n


def cbow_step(W_in: np.ndarray, W_out: np.ndarray, contexts, targets, negatives, lr: float,
              mask=None, mean_grad: bool = True, part=untimed) -> float:
    """One CBOW minibatch step on explicit arrays (the reference path).

    contexts: (N, C) ids; targets: (N,); negatives: (N, K); mask: optional
    (N, C) bool, which context slots count (all by default). ``h`` is the
    mean of the counted context rows. mean_grad: add ``e / C`` to each context
    row (the true gradient) rather than ``e`` (word2vec). All gradients use the
    weights as they were on entry; ``W_in`` and ``W_out`` change in place.
    Returns the summed loss of the batch (positive plus negatives, per example,
    summed).
    """
    with part(INPUT_SIDE):
        contexts = np.asarray(contexts, dtype=np.intp)
        m = (np.ones(contexts.shape, dtype=W_in.dtype) if mask is None
             else np.asarray(mask).astype(W_in.dtype))
        cw = m.sum(axis=1)
        valid = cw > 0
        X = W_in.take(contexts, axis=0)                                     # (N, C, D)
        h = np.einsum("ncd,nc->nd", X, m) / np.maximum(cw, 1)[:, None]
    e, loss, _ = ns_update(W_out, h, targets, negatives, lr, None if valid.all() else valid,
                           part)
    with part(INPUT_SIDE):
        if mean_grad:
            e /= np.maximum(cw, 1)[:, None]
        upd = e[:, None, :] * m[:, :, None]                                 # (N, C, D)
    with part(SCATTER):
        scatter_add(W_in, contexts.reshape(-1), upd.reshape(-1, W_in.shape[1]))
    return loss


def sg_step(W_in: np.ndarray, W_out: np.ndarray, inputs, outputs, negatives, lr: float,
            part=untimed) -> float:
    """One skip-gram minibatch step on explicit (input, output) pairs.

    inputs: (P,) centre ids; outputs: (P,) context ids to predict; negatives:
    (P, K). Returns the summed loss of the P pairs.
    """
    with part(INPUT_SIDE):
        inputs = np.asarray(inputs, dtype=np.intp)
        h = W_in.take(inputs, axis=0)                                       # (P, D)
    e, loss, _ = ns_update(W_out, h, outputs, negatives, lr, part=part)
    with part(SCATTER):
        scatter_add(W_in, inputs, e)
    return loss


def cbow_span_step(W_in: np.ndarray, W_out: np.ndarray, ids: np.ndarray, start: int, stop: int,
                   window: int, radius: np.ndarray | None, negatives: np.ndarray, lr: float,
                   mean_grad: bool = True, part=untimed) -> tuple[float, int]:
    """CBOW step for the centres ``ids[start:stop]`` of the stream ``ids``.

    Same result as :func:`cbow_step` with each centre's context = the
    positions ``i+o``, ``0 < |o| <= radius[i]`` (``window`` if radius is None)
    that lie inside ``ids``. radius: (stop-start,) ints or None; negatives:
    (stop-start, K). Returns (loss_sum, examples).

    The batch is a contiguous stretch of the stream, so nothing is gathered or
    scattered per context word. With ``X`` the input rows of the stretch
    (centre j at row ``j + window``) and ``M[k, j]`` the weight (0 or 1) of
    offset ``k - window`` for centre j, the context sums are
    ``h[j] = sum_k M[k, j] X[j + k]`` -- one einsum over a strided view whose
    slice k is X shifted by k rows -- and the input-side update of stretch
    row p is ``U[p] = sum_k M[k, p - k] e[p - k]``, one einsum over a view of
    ``e`` shifted the other way. Only the ``batch + 2 * window`` rows of U are
    scattered into ``W_in``, not ``2 * window * batch``.
    """
    with part(INPUT_SIDE):
        lo, hi = max(start - window, 0), min(stop + window, len(ids))    # rows of the stretch
        pad_lo = lo - (start - window)                                  # missing before the stream
        X, M, cw, valid = _stretch(W_in, ids, start, stop, window, radius, (lo, hi, pad_lo))
        b, d, dt = stop - start, W_in.shape[1], W_in.dtype
        width = 2 * window + 1
        rs, cs = X.strides
        S = np.ndarray((width, b, d), dt, X, 0, (rs, rs, cs))        # S[k, j] = X[j + k]
        h = np.einsum("kj,kjd->jd", M, S)
        safe = np.maximum(cw, 1)[:, None]
        h /= safe
    e, loss, n = ns_update(W_out, h, ids[start:stop], negatives, lr, valid, part)
    with part(INPUT_SIDE):
        if mean_grad:
            e /= safe
        rows = b + 2 * window
        E = np.zeros((b + 4 * window, d), dtype=dt)
        E[2 * window:2 * window + b] = e
        rs, cs = E.strides
        Se = np.ndarray((width, rows, d), dt, E, 2 * window * rs, (-rs, rs, cs))  # e[p - k]
        Z = np.zeros(width * (rows + 1), dtype=dt)                    # M skewed: Ms[k, k + j]
        np.ndarray((width, b), dt, Z, 0, ((rows + 1) * Z.itemsize, Z.itemsize))[...] = M
        Ms = Z[:width * rows].reshape(width, rows)
        U = np.einsum("kp,kpd->pd", Ms, Se)
    with part(SCATTER):
        scatter_add(W_in, ids[lo:hi], U[pad_lo:pad_lo + hi - lo])
    return loss, n


def _stretch(W_in, ids, start, stop, window, radius, span):
    """The input rows and context weights of the centres ``start..stop-1``.

    span: ``(lo, hi, pad_lo)``, the stream rows ``lo..hi-1`` around the centres and how
    many rows the stretch lacks before the stream's start. Returns ``(X, M, cw, valid)``:
    X (b + 2 window, D) the rows of the stretch (zero outside the stream), M
    (2 window + 1, b) the weight of each offset for each centre, cw (b,) the context
    sizes, valid (b,) bool or None (every centre has a context).
    """
    n_ids, b, d, dt = len(ids), stop - start, W_in.shape[1], W_in.dtype
    width = 2 * window + 1
    lo, hi, pad_lo = span
    dist = _distances(window, dt)              # (width, 1): |offset|, inf for the centre
    if pad_lo == 0 and hi == stop + window:    # inside the stream
        X = W_in.take(ids[lo:hi], axis=0)
        if radius is None:
            M = np.broadcast_to(dist <= window, (width, b)).astype(dt)
            cw = np.full(b, 2 * window, dtype=dt)
        else:
            M = np.empty((width, b), dtype=dt)
            np.less_equal(dist, radius, out=M)
            cw = (2 * radius).astype(dt)
        return X, M, cw, None
    X = np.zeros((b + 2 * window, d), dtype=dt)           # rows outside the stream stay 0
    X[pad_lo:pad_lo + hi - lo] = W_in.take(ids[lo:hi], axis=0)
    pos = np.arange(start - window, start + window + 1)[:, None] + np.arange(b)
    r = window if radius is None else radius
    M = ((dist <= r) & (pos >= 0) & (pos < n_ids)).astype(dt)
    cw = M.sum(axis=0)
    valid = cw > 0
    return X, M, cw, None if valid.all() else valid


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


def sg_pairs(n_ids: int, start: int, stop: int, window: int,
             radius: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Stream positions (centre, context) of every skip-gram pair of the centres
    ``start..stop-1``, ordered by centre then offset; (P,) and (P,) intp.

    >>> [p.tolist() for p in sg_pairs(10, 0, 2, 1, None)]
    [[0, 1, 1], [1, 0, 2]]
    """
    offs = np.array([o for o in range(-window, window + 1) if o != 0], dtype=np.intp)
    centres = np.arange(start, stop, dtype=np.intp)
    ctx = centres[:, None] + offs[None, :]                    # (b, 2W)
    ok = (ctx >= 0) & (ctx < n_ids)
    if radius is not None:
        ok &= np.abs(offs)[None, :] <= radius[:, None]
    rows, cols = np.nonzero(ok)
    return centres[rows], ctx[rows, cols]


# --------------------------------------------------------------------------- the driver

#: Settings whose NumPy step would allocate more temporaries than this are refused
#: before training (PTB's defaults need a few MiB).
MAX_STEP_BYTES = 4 * 2**30


def step_bytes(model: str, batch: int, window: int, negative: int, dim: int) -> int:
    """Roughly the bytes of temporaries one NumPy step allocates (float32 rows, int64 ids).

    CBOW: the stretch's rows and update rows (``batch + 4 window`` of them), the
    (2 window + 1, batch) context weights, and per centre its 1 + negative output
    rows; skip-gram: per (centre, context) pair, about ``2 window`` per centre,
    the same. Only an estimate, to refuse settings that cannot fit before training.
    """
    if model == "cbow":
        examples = batch
        inputs = 4 * (2 * window + 1) * (2 * batch + 2 * window + 1) + 12 * dim * (batch + 4 * window)
    else:
        examples = batch * 2 * window
        inputs = (32 + 8 * dim) * examples
    return inputs + examples * (1 + negative) * (8 + 12 * dim)


def check_step_memory(config, batch: int) -> None:
    """ValueError if a step with ``config`` and ``batch`` would exceed :data:`MAX_STEP_BYTES`."""
    need = step_bytes(config.model, batch, config.window, config.negative, config.dim)
    if need > MAX_STEP_BYTES:
        raise ValueError(f"one step would need about {need / 2**30:,.1f} GiB of temporaries "
                         f"({config.model}, batch_size {batch}, window {config.window}, "
                         f"negative {config.negative}, dim {config.dim}): lower them "
                         "(word2vec's defaults: window 5, negative 5)")

def epoch_steps(W_in, W_out, config, sampler, batch: int, rng: np.random.Generator,
                profiler=None):
    """The NumPy backend for :func:`~w2vlib.speed.train_word2vec`.

    config: the run's :class:`~w2vlib.speed.config.Word2VecConfig`; sampler: its
    :class:`~w2vlib.speed.samplers.AliasSampler`; batch: centre words per step;
    rng: the run's generator (radii and negatives); profiler: None or an object
    whose ``part(label)`` is a context manager (see :data:`PROFILE_PARTS`).

    Returns ``steps(epoch, stream, kept_pos, T)``, which trains one epoch on
    ``stream`` (the epoch's ids after subsampling; ``kept_pos`` their positions in
    the corpus of T words, or None when nothing was dropped) and yields after each
    batch ``(raw words passed in the epoch, loss sum, examples, centres, lr)``.
    """
    part = untimed if profiler is None else profiler.part
    cbow = config.model == "cbow"
    window = config.window

    def steps(epoch, stream, kept_pos, T):
        n = len(stream)
        radius = (rng.integers(1, window + 1, size=n, dtype=np.intp)
                  if config.shrink_window else None)
        for s in range(0, n, batch):
            e_ = min(s + batch, n)
            raw_before = kept_pos[s] if kept_pos is not None else s
            lr_t = learning_rate(config.lr, epoch * T + raw_before, config.epochs * T,
                                 MIN_LR_FACTOR)
            r = None if radius is None else radius[s:e_]
            if cbow:
                with part(SAMPLER):
                    negs = sampler.draw(rng, (e_ - s, config.negative))
                loss, n_ex = cbow_span_step(W_in, W_out, stream, s, e_, window, r, negs, lr_t,
                                            config.mean_grad, part)
            else:
                with part(INPUT_SIDE):
                    cpos, xpos = sg_pairs(n, s, e_, window, r)
                with part(SAMPLER):
                    negs = sampler.draw(rng, (len(cpos), config.negative))
                loss = sg_step(W_in, W_out, stream[cpos], stream[xpos], negs, lr_t, part)
                n_ex = len(cpos)
            raw_after = (kept_pos[e_ - 1] + 1 if e_ < n else T) if kept_pos is not None else e_
            yield int(raw_after), loss, n_ex, e_ - s, lr_t
    return steps
