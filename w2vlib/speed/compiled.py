"""word2vec's own loop, one word at a time, compiled with numba (the ``backend="numba"`` of
:func:`w2vlib.speed.word2vec.train_word2vec`).

The NumPy trainer (:mod:`w2vlib.speed.word2vec`) is fast because it never loops over words in
Python: a whole minibatch is gathered, multiplied and scattered back at once. It pays
for that with memory traffic: every batch copies its rows out of ``W_in`` and
``W_out`` into temporaries and adds the updates back in with a scatter. word2vec's C
loop (and gensim's Cython one) does the opposite: for each centre word it reads the
handful of rows it needs, updates them **right away**, while they are still in the
CPU cache, and moves on. No temporaries, no scatter, every update sees the
previous one. In Python that loop would run ~100,000 times slower than C; numba
compiles it to machine code.

This module holds that loop, written in plain Python over arrays so that the
same function runs (slowly) without numba -- :func:`cbow_chunk` and
:func:`skipgram_chunk` are the lesson, read them beside word2vec.c -- and the
driver that feeds it one block of the corpus at a time (for the progress bar,
``time_limit`` and the loss curve). Per centre word, with ``h`` the hidden
vector, ``w_0`` the target's output row and ``w_1..w_k`` the negatives'::

    e = 0
    for j in 0..k:   g = lr * (t_j - sigmoid(w_j . h));  e += g * w_j;  w_j += g * h
    CBOW:      each context row += e   (h = their mean; "gradient": += e / C)
    skip-gram: per (centre, context) pair, h = the centre's row; it += e

-- the same rule as the NumPy trainer, applied after every example instead of
after every batch.

Same as the NumPy trainer: initial weights (the same ``W_in`` for the same seed),
the alias-method sampler tables (:class:`~w2vlib.speed.word2vec.AliasSampler`), the linear
learning-rate decay (per centre word here), subsampling (the same rule, drawn per
epoch from the NumPy generator -- not the same draws as the NumPy backend's, which
uses that generator for other things in between), shrunk windows, the exact sigmoid
and the stable loss. The
random numbers *inside* the loop -- window radii and negatives -- come from a
xorshift64* generator (Vigna 2016) per thread, seeded from the NumPy generator, so
an int seed gives bit-identical vectors with ``workers=1`` on one machine.

``workers=2`` (or more) runs "Hogwild!" (Recht et al. 2011), as word2vec and gensim
do: each block of the epoch is cut into contiguous chunks (:data:`CHUNKS_PER_WORKER`
per thread) that a pool of Python threads takes as each becomes free. The compiled
loop releases the GIL (``nogil=True``), so the threads run at the same time, reading
and writing the shared ``W_in``/``W_out`` without locks. (Plain threads rather than
numba's ``prange``: its default OpenMP layer obeys ``OMP_NUM_THREADS``, which
``make`` and the benchmark set to 1 for BLAS, and silently ran on one thread.)
Two threads rarely touch the same row at the same moment, and when they do, one
update may be lost -- harmless noise for SGD, but the run is no longer repeatable
bit for bit.

numba is optional (``pip install -e '.[fast]'``; ``make setup`` installs it with the
dev tools). Without it, ``backend="numba"`` raises :class:`NumbaMissingError`
saying how to get it, and everything else works. The compiled functions are
cached on disk (``cache=True``): the first call in a fresh checkout compiles them
(tens of seconds), later processes load them in well under a second.
:func:`ensure_compiled` does that up front; the trainer calls it *before* its clock
starts and reports the time apart (``settings["compile_seconds"]``).

Measured (``make bench``, CBOW on PTB, 10 epochs, 2-vCPU AMD EPYC, one run): 0.91 M words/s
on one thread and 1.49 M on two without subsampling, 1.07 M and 2.54 M with
``subsample=1e-3`` -- 1.9 to 2.3 times gensim's ``workers=1``/``workers=2`` in the same run,
and 4 to 7 times the NumPy trainer (the README's speed section has the table).
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

__all__ = ["numba_available", "NumbaMissingError", "ensure_compiled", "prepare", "max_workers",
           "cbow_chunk", "skipgram_chunk", "run_chunks", "interpreted",
           "xorshift_next", "LOSS_EVERY", "INSTALL_HINT"]

#: What to run when numba is missing.
INSTALL_HINT = ("pip install -e '.[fast]'   (or: pip install numba; `make setup` installs it "
                "with the dev tools)")

try:                                          # optional dependency
    import numba as _numba
except ImportError:                           # pragma: no cover - exercised by a subprocess test
    _numba = None

# fastmath without "nnan"/"ninf" (a diverging run must still show inf/nan) and without
# approximate functions ("afn"): "reassoc" is what lets LLVM vectorise the dot products.
_FASTMATH = {"reassoc", "contract", "nsz", "arcp"}

if _numba is not None:
    _jit = _numba.njit(cache=True, fastmath=_FASTMATH, nogil=True, error_model="numpy")
else:                                         # pragma: no cover - without numba: plain Python
    def _jit(fn):
        return fn


class NumbaMissingError(ImportError):
    """``backend="numba"`` was asked for, but numba is not installed."""


def numba_available() -> bool:
    """True when numba can be imported (the compiled backend is usable)."""
    return _numba is not None


def _require_numba():
    if _numba is None:
        raise NumbaMissingError(
            "backend='numba' needs the numba package, which is not installed. Install it with\n"
            f"    {INSTALL_HINT}\n"
            "or use backend='numpy' (the default), which needs nothing extra.")
    return _numba


# --------------------------------------------------------------------------- the loop

_U12, _U25, _U27, _U32 = np.uint64(12), np.uint64(25), np.uint64(27), np.uint64(32)
_XS_MULT = np.uint64(0x2545F4914F6CDD1D)
_LOW32 = np.uint64(0xFFFFFFFF)
_F32 = np.float32

#: The loss is measured on every LOSS_EVERY-th centre word only (its logarithms would
#: cost about 20 % of the loop); on PTB that is still ~2,000 examples per point of
#: the loss curve.
LOSS_EVERY = 8
_INV_2_32 = 1.0 / 4294967296.0


@_jit
def xorshift_next(x):
    """One step of xorshift64*: returns ``(new_state, output)``, both uint64.

    ``x`` must be a non-zero uint64. The output's 32 high bits serve as a uniform
    integer (``(out >> 32) * n >> 32`` is uniform on ``0..n-1``) and its 32 low bits
    as a uniform float in [0, 1).
    """
    x = np.uint64(x)                          # a Python int would turn the shifts into floats
    x ^= x >> _U12
    x ^= x << _U25
    x ^= x >> _U27
    return x, x * _XS_MULT


@_jit
def _below(r, n):
    """Uniform integer in ``0..n-1`` from the high half of a random uint64."""
    r = np.uint64(r)
    return np.int64(((r >> _U32) * np.uint64(n)) >> _U32)


@_jit
def _unit(r):
    """Uniform float in [0, 1) from the low half of a random uint64."""
    r = np.uint64(r)
    return np.float64(r & _LOW32) * _INV_2_32


@_jit
def _sigmoid(f):
    """The exact sigmoid, with no overflow for any score; also returns ``exp(-|f|)``."""
    ex = math.exp(-abs(f))                    # in (0, 1]: never overflows
    y = 1.0 / (1.0 + ex) if f >= 0 else ex / (1.0 + ex)
    return _F32(y), ex


@_jit
def _loss(f, label, ex):
    """``-log p(label)``: softplus(-f) for the target, softplus(f) for a negative."""
    z = -f if label > 0 else f
    return max(z, 0.0) + math.log1p(ex)


@_jit
def _negative_sampling(W_out, h, e, target, negative, prob, alias, lr, state, track):
    """word2vec's output side for one example: updates ``W_out`` rows in place,
    accumulates the hidden vector's step in ``e``; returns ``(loss, state)``, the
    loss only if ``track`` (else 0: the log costs a fifth of the loop's time)."""
    V = prob.shape[0]
    dim = h.shape[0]
    loss = 0.0
    for k in range(negative + 1):
        if k == 0:
            w = target
            label = _F32(1.0)
        else:
            state, r = xorshift_next(state)
            col = _below(r, V)
            w = col if _unit(r) < prob[col] else alias[col]
            if w == target:                   # the target never serves as its own negative
                continue
            label = _F32(0.0)
        f = _F32(0.0)
        for d in range(dim):
            f += h[d] * W_out[w, d]
        y, ex = _sigmoid(f)
        if track:
            loss += _loss(f, label, ex)
        g = _F32(lr) * (label - y)
        for d in range(dim):
            e[d] += g * W_out[w, d]
            W_out[w, d] += g * h[d]
    return loss, state


@_jit
def _window(i, n, window, shrink, state):
    """Positions ``lo..hi-1`` around centre ``i`` of a stream of ``n`` words (the centre
    included, cut at the ends): radius ``1..window`` drawn at random if ``shrink``
    (word2vec), else ``window``. Returns ``(lo, hi, state)``."""
    if shrink:
        state, r = xorshift_next(state)
        b = 1 + _below(r, window)
    else:
        b = window
    return max(i - b, 0), min(i + b + 1, n), state


@_jit
def cbow_chunk(W_in, W_out, stream, raw_pos, start, stop, window, shrink, negative,
               prob, alias, lr0, progress, min_lr, mean_grad, seed_state):
    """Train CBOW on the centres ``stream[start:stop]``; the whole loop.

    W_in, W_out: (V, dim) float32, updated in place. stream: (n,) int64 ids of the
    epoch (after subsampling); contexts may reach outside ``start:stop`` but not
    outside ``stream``. raw_pos: (n,) each id's position in the epoch's full corpus,
    for the learning rate. progress: ``(epoch_offset, 1 / (epochs * T))``, so that
    centre ``i`` trains at ``lr0 * max(1 - (epoch_offset + raw_pos[i]) / (epochs T), min_lr)``
    -- the NumPy backend's schedule, per word. shrink: draw each radius from
    ``1..window``. prob, alias: the alias sampler's tables. mean_grad: add
    ``e / C`` (the true gradient) instead of ``e`` to each context row.
    seed_state: the xorshift64* state (non-zero; converted to uint64 first: numba would
    turn a Python int mixed with uint64 into float64).

    Returns ``(loss_sum, examples, state)`` -- the loss summed over the examples of
    every :data:`LOSS_EVERY`-th centre, and how many those were.
    """
    n = stream.shape[0]
    dim = W_in.shape[1]
    h = np.empty(dim, dtype=np.float32)
    e = np.empty(dim, dtype=np.float32)
    offset, inv_total = progress
    state = np.uint64(seed_state)
    loss = 0.0
    examples = 0
    for i in range(start, stop):
        lo, hi, state = _window(i, n, window, shrink, state)
        count = hi - lo - 1
        if count <= 0:
            continue
        for d in range(dim):
            h[d] = 0.0
            e[d] = 0.0
        for j in range(lo, hi):
            if j != i:
                c = stream[j]
                for d in range(dim):
                    h[d] += W_in[c, d]
        inv = _F32(1.0 / count)
        for d in range(dim):
            h[d] *= inv
        lr = lr0 * max(1.0 - (offset + raw_pos[i]) * inv_total, min_lr)
        track = i % LOSS_EVERY == 0
        lo_, state = _negative_sampling(W_out, h, e, stream[i], negative, prob, alias, lr, state,
                                        track)
        if track:
            loss += lo_
            examples += 1
        if mean_grad:
            for d in range(dim):
                e[d] *= inv
        for j in range(lo, hi):
            if j != i:
                c = stream[j]
                for d in range(dim):
                    W_in[c, d] += e[d]
    return loss, examples, state


@_jit
def skipgram_chunk(W_in, W_out, stream, raw_pos, start, stop, window, shrink, negative,
                   prob, alias, lr0, progress, min_lr, mean_grad, seed_state):
    """Train skip-gram on the centres ``stream[start:stop]``: each (centre, context)
    pair is one example, the centre's row predicts the context word and is updated
    after the pair (as word2vec does). Arguments and return as :func:`cbow_chunk`
    (``mean_grad`` is ignored)."""
    n = stream.shape[0]
    dim = W_in.shape[1]
    e = np.empty(dim, dtype=np.float32)
    offset, inv_total = progress
    state = np.uint64(seed_state)
    loss = 0.0
    examples = 0
    for i in range(start, stop):
        lo, hi, state = _window(i, n, window, shrink, state)
        lr = lr0 * max(1.0 - (offset + raw_pos[i]) * inv_total, min_lr)
        centre = stream[i]
        h = W_in[centre]                      # a view: the row itself, updated below
        track = i % LOSS_EVERY == 0
        for j in range(lo, hi):
            if j == i:
                continue
            for d in range(dim):
                e[d] = 0.0
            lo_, state = _negative_sampling(W_out, h, e, stream[j], negative, prob, alias,
                                            lr, state, track)
            if track:
                loss += lo_
                examples += 1
            for d in range(dim):
                h[d] += e[d]
    return loss, examples, state


@_jit
def _chunk(cbow, W_in, W_out, stream, raw_pos, start, stop, window, shrink, negative, prob,
           alias, lr0, progress, min_lr, mean_grad, state):
    if cbow:
        return cbow_chunk(W_in, W_out, stream, raw_pos, start, stop, window, shrink, negative,
                          prob, alias, lr0, progress, min_lr, mean_grad, state)
    return skipgram_chunk(W_in, W_out, stream, raw_pos, start, stop, window, shrink, negative,
                          prob, alias, lr0, progress, min_lr, mean_grad, state)


@_jit
def run_chunks(cbow, W_in, W_out, stream, raw_pos, starts, stops, window, shrink, negative,
               prob, alias, lr0, progress, min_lr, mean_grad, states, losses, examples):
    """Run chunk ``k`` (centres ``starts[k]:stops[k]``) for every k, one after another,
    with state ``states[k]``; write each chunk's loss sum and example count into
    ``losses[k]``, ``examples[k]`` and its new state back into ``states[k]``.
    ``cbow``: True for CBOW, False for skip-gram."""
    for k in range(starts.shape[0]):
        lo_, n_, st = _chunk(cbow, W_in, W_out, stream, raw_pos, starts[k], stops[k], window,
                             shrink, negative, prob, alias, lr0, progress, min_lr, mean_grad,
                             states[k])
        losses[k] = lo_
        examples[k] = n_
        states[k] = st


# --------------------------------------------------------------------------- compiling

def interpreted(fn):
    """The plain-Python version of one of this module's loop functions, *all the way
    down*: ``fn.py_func`` alone would still call the compiled helpers. For teaching
    and testing (it is ~100x slower); run it under ``np.errstate(over="ignore")``, as
    NumPy warns when the random generator's uint64 product wraps around."""
    import types

    names: dict = dict(globals())
    for name, value in list(names.items()):
        py = getattr(value, "py_func", None)
        if py is not None and getattr(py, "__module__", None) == __name__:
            names[name] = types.FunctionType(py.__code__, names, py.__name__, py.__defaults__)
    return names[getattr(fn, "__name__", None) or fn.py_func.__name__]


def ensure_compiled(model: str = "cbow") -> float:
    """Compile (first time in a checkout) or load from the disk cache the kernel for
    ``model`` and return the seconds it took (about 0 once loaded in this process)."""
    _require_numba()
    t0 = time.perf_counter()
    W = np.zeros((4, 2), dtype=np.float32)
    stream = np.arange(4, dtype=np.int64)
    one = np.array([1], dtype=np.uint64)
    run_chunks(
        model == "cbow", W.copy(), W.copy(), stream, stream, np.array([0]), np.array([4]), 1,
        True, 1, np.ones(4), stream, 0.01, (0.0, 0.01), 1e-4, False, one, np.zeros(1),
        np.zeros(1, dtype=np.int64))
    return time.perf_counter() - t0



# --------------------------------------------------------------------------- the driver

#: With several threads, each block is cut into this many chunks per thread.
CHUNKS_PER_WORKER = 4


def max_workers() -> int:
    """The most threads the compiled backend may use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                    # pragma: no cover - not Linux
        return os.cpu_count() or 1


def prepare(model: str, workers: int) -> float:
    """Check ``workers`` and compile (or load from the disk cache) the loop.
    Returns the seconds spent compiling/loading (kept out of training time)."""
    _require_numba()
    if workers > max_workers():
        raise ValueError(f"workers={workers} but this process may use at most {max_workers()} "
                         "cores: more threads than cores only take turns")
    return ensure_compiled(model)


def settings(compile_seconds: float) -> dict:
    """What a compiled run adds to ``Word2VecResult.settings``."""
    return {
        "batch_size": None,
        "update": "per word (word2vec's loop), compiled with numba",
        "loop_rng": "xorshift64* per thread, seeded from the NumPy generator",
        "numba": _require_numba().__version__,
        "sigmoid": "exact: 1 / (1 + exp(-s)) computed through exp(-|s|), no clipping",
        "compile_seconds": round(compile_seconds, 3),
    }


def epoch_steps(W_in, W_out, *, model, window, negative, sampler, shrink_window, lr0, min_lr,
                mean_grad, workers, epochs, rng, block):
    """The compiled backend for :func:`w2vlib.speed.word2vec.train_word2vec`.

    Returns ``steps(epoch, stream, kept_pos, T)``, which trains one epoch in blocks of
    ``block`` centre words and yields after each block ``(raw words passed in the epoch, loss sum,
    examples, centres, lr at the block's start)``. With ``workers > 1`` a block is cut
    into ``CHUNKS_PER_WORKER * workers`` contiguous chunks, each with its own random
    state, handed to the threads as they become free.
    """
    prob = np.ascontiguousarray(sampler.prob, dtype=np.float64)
    alias = np.ascontiguousarray(sampler.alias, dtype=np.int64)
    n_chunks = 1 if workers == 1 else CHUNKS_PER_WORKER * workers
    states = rng.integers(1, 2**63, size=n_chunks, dtype=np.uint64)   # xorshift: never 0
    losses = np.zeros(n_chunks)
    examples = np.zeros(n_chunks, dtype=np.int64)
    cbow = model == "cbow"

    every_position: list[np.ndarray] = []

    def steps(epoch, stream, kept_pos, T):
        stream = np.ascontiguousarray(stream, dtype=np.int64)
        if not stream.flags.writeable:        # numba would compile again for a read-only array
            stream = stream.copy()
        n = len(stream)
        if kept_pos is None:
            if not every_position:
                every_position.append(np.arange(T, dtype=np.int64))
            raw_pos = every_position[0]
        else:
            raw_pos = np.ascontiguousarray(kept_pos, dtype=np.int64)
        progress = (float(epoch * T), 1.0 / (epochs * T))
        fixed = (window, bool(shrink_window), negative, prob, alias, lr0, progress, min_lr,
                 bool(mean_grad))

        def run(k, starts, stops):            # chunks k.. of the block, one after another
            ks = slice(k, k + len(starts))
            run_chunks(cbow, W_in, W_out, stream, raw_pos, starts, stops, *fixed, states[ks],
                       losses[ks], examples[ks])

        # workers > 1: the chunks go to whichever thread is free, so a thread the OS pauses
        # for a moment does not hold the others back until the block ends
        pool = ThreadPoolExecutor(workers) if workers > 1 else contextlib.nullcontext()
        with pool:
            for s in range(0, n, block):
                e_ = min(s + block, n)
                bounds = np.linspace(s, e_, n_chunks + 1).astype(np.int64)
                if workers == 1:
                    run(0, bounds[:-1], bounds[1:])
                else:
                    for f in [pool.submit(run, k, bounds[k:k + 1], bounds[k + 1:k + 2])
                              for k in range(n_chunks)]:
                        f.result()                # re-raises an error of the loop here
                raw_after = (e_ if kept_pos is None
                             else (int(kept_pos[e_ - 1]) + 1 if e_ < n else T))
                lr_t = lr0 * max(1.0 - (progress[0] + raw_pos[s]) * progress[1], min_lr)
                yield raw_after, float(losses.sum()), int(examples.sum()), e_ - s, lr_t

    return steps
