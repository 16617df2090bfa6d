"""word2vec's own loop, one word at a time, compiled with numba (the ``backend="numba"`` of
:func:`w2vlib.speed.train_word2vec`).

The NumPy trainer (:mod:`w2vlib.speed.numpy_kernels`) is fast because it never loops over
words in Python: a whole minibatch is gathered, multiplied and scattered back at once. It
pays for that with memory traffic: every batch copies its rows out of ``W_in`` and
``W_out`` into temporaries and adds the updates back in with a scatter. word2vec's C
loop (and gensim's Cython one) does the opposite: for each centre word it reads the
handful of rows it needs, updates them **right away**, while they are still in the
CPU cache, and moves on. No temporaries, no scatter, every update sees the
previous one. In Python that loop would run ~100,000 times slower than C; numba
compiles it to machine code.

This module holds that loop, written in plain Python over arrays so that the
same function runs (slowly) without numba -- :func:`cbow_chunk` and
:func:`skipgram_chunk` are the lesson, read them beside word2vec.c, with their two
helpers :func:`draw_window` and :func:`negative_sampling`. What stays fixed during an
epoch travels as one :class:`LoopSettings`. The driver that feeds the loop one block
of the corpus at a time (for the progress bar, ``time_limit``, the loss curve and the
threads) is :mod:`w2vlib.speed.threads`. Per centre word, with ``h`` the hidden
vector, ``w_0`` the target's output row and ``w_1..w_k`` the negatives'::

    e = 0
    for j in 0..k:   g = lr * (t_j - sigmoid(w_j . h));  e += g * w_j;  w_j += g * h
    CBOW:      each context row += e   (h = their mean; "gradient": += e / C)
    skip-gram: per (centre, context) pair, h = the centre's row; it += e

-- the same rule as the NumPy trainer, applied after every example instead of
after every batch. (:func:`negative_sampling` takes the scores ``w_j . h`` of all the
words first and then makes the updates, which gives the same numbers -- see its notes.)

Same as the NumPy trainer: initial weights (the same ``W_in`` for the same seed),
the alias-method sampler tables (:class:`~w2vlib.speed.samplers.AliasSampler`), the
learning-rate schedule (the very function :func:`w2vlib.speed.schedule.learning_rate`,
compiled, called per centre word here), subsampling (the same rule, drawn per epoch
from the NumPy generator -- not the same draws as the NumPy backend's, which uses that
generator for other things in between), shrunk windows, the exact sigmoid and the
stable loss. The random numbers *inside* the loop -- window radii and negatives --
come from a xorshift64* generator (Vigna 2016) per thread, seeded from the NumPy
generator, so an int seed gives bit-identical vectors with ``workers=1`` on one machine.

numba is optional (``pip install -e '.[fast]'``; ``make setup`` installs it with the
dev tools). Without it, ``backend="numba"`` raises :class:`NumbaMissingError`
saying how to get it, and everything else works. The compiled functions are
cached on disk (``cache=True``): the first call in a fresh checkout compiles them
(tens of seconds), later processes load them in well under a second.
:func:`ensure_compiled` does that up front; the trainer calls it *before* its clock
starts and reports the time apart (``settings["compile_seconds"]``).

How fast: several times the NumPy trainer, and 2.1-2.7x gensim at equal settings on one
thread, two threads 1.3-1.6x one; the measured run is ``docs/bench/2026-12-02-fair-bench.txt``, and
what each change to the loop bought is ``docs/bench/2026-12-02-loop-tuning.md``.
"""

from __future__ import annotations

import math
import os
import time
import types
from typing import NamedTuple

import numpy as np

from .schedule import MIN_LR_FACTOR
from .schedule import learning_rate as _learning_rate_py

__all__ = ["numba_available", "NumbaMissingError", "ensure_compiled", "prepare", "max_workers",
           "settings", "LoopSettings", "loop_settings", "Chunks", "cbow_chunk", "skipgram_chunk",
           "draw_window", "negative_sampling", "learning_rate", "run_chunks", "interpreted", "variant",
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
    _inline = _numba.njit(inline="always")
else:                                         # pragma: no cover - without numba: plain Python
    def _jit(fn):
        return fn

    _inline = _jit


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


# --------------------------------------------------------------------------- what the loop reads

class LoopSettings(NamedTuple):
    """What the loop needs besides the weights and the stream; fixed for one epoch.

    Build it with :func:`loop_settings`, which gives every field the type the compiled
    code was compiled for (another type would compile the loop again).
    """

    window: int            #: the largest radius
    shrink: bool           #: draw each centre's radius from 1..window (word2vec)
    negative: int          #: negatives per example
    prob: np.ndarray       #: (V,) float64 alias table: keep column i with this probability
    alias: np.ndarray      #: (V,) int64 alias table: else take alias[i]
    lr0: float             #: the starting learning rate
    words_before: float    #: corpus words of the earlier epochs (epoch * T)
    total_words: float     #: epochs * T: the schedule reaches its floor there
    min_lr_factor: float   #: the schedule's floor, as a share of lr0
    mean_grad: bool        #: CBOW adds e / C (the true gradient) rather than e


def loop_settings(sampler, *, window: int, negative: int, lr0: float,
                  total_words: float = math.inf, words_before: float = 0.0,
                  shrink: bool = True, mean_grad: bool = False,
                  min_lr_factor: float = MIN_LR_FACTOR) -> LoopSettings:
    """A :class:`LoopSettings` with the sampler's tables and every field cast.

    sampler: an :class:`~w2vlib.speed.samplers.AliasSampler` (or anything with ``prob``
    and ``alias``). total_words: ``epochs * T``; the default, infinity, keeps the rate
    at ``lr0``. The rest as in :class:`LoopSettings`.
    """
    return LoopSettings(int(window), bool(shrink), int(negative),
                        np.ascontiguousarray(sampler.prob, dtype=np.float64),
                        np.ascontiguousarray(sampler.alias, dtype=np.int64), float(lr0),
                        float(words_before), float(total_words), float(min_lr_factor),
                        bool(mean_grad))


class Chunks(NamedTuple):
    """Chunks of centres for :func:`run_chunks`, all (n_chunks,) arrays: chunk k trains
    centres ``starts[k]:stops[k]`` with random state ``states[k]`` and writes its new
    state back, its loss sum into ``losses[k]`` and its example count into ``examples[k]``."""

    starts: np.ndarray     #: int64
    stops: np.ndarray      #: int64
    states: np.ndarray     #: uint64, never 0
    losses: np.ndarray     #: float64
    examples: np.ndarray   #: int64


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

#: :func:`w2vlib.speed.schedule.learning_rate`, compiled into the loop.
learning_rate = _inline(_learning_rate_py)


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
def negative_sampling(W_out, h, e, target, loop, lr, state, track, words, steps):
    """word2vec's output side for one example: updates ``W_out`` rows in place,
    accumulates the hidden vector's step in ``e``; returns ``(loss, state)``, the
    loss only if ``track`` (else 0: the log costs a fifth of the loop's time).
    h, e: (dim,) float32; negatives are drawn with ``loop.prob`` and ``loop.alias``.
    words, steps: (negative + 1,) int64 and float32 scratch space, reused from word to word.

    The work goes in two passes: every score first, then every update. The scores do not
    depend on one another, so the CPU fetches all six rows at once instead of one after
    the other (10-20 % faster on PTB: ``python -m w2vlib.lab.loop_tuning``). A word drawn
    twice must see its first update in its second score, so the words are cut into runs
    without a repeat: the arithmetic is exactly that of one word at a time."""
    V = loop.prob.shape[0]
    dim = h.shape[0]
    words[0] = target                         # the target, then the negatives
    m = 1
    for _ in range(loop.negative):
        state, r = xorshift_next(state)
        col = _below(r, V)
        w = col if _unit(r) < loop.prob[col] else loop.alias[col]
        if w != target:                       # the target never serves as its own negative
            words[m] = w
            m += 1
    loss = 0.0
    a = 0
    while a < m:                              # words[a:b]: a run with no word twice
        b = a + 1
        while b < m and not _repeats(words, a, b):
            b += 1
        for k in range(a, b):                 # pass 1: the scores and the steps
            w = words[k]
            label = _F32(1.0) if k == 0 else _F32(0.0)
            f = _F32(0.0)
            for d in range(dim):
                f += h[d] * W_out[w, d]
            y, ex = _sigmoid(f)
            if track:
                loss += _loss(f, label, ex)
            steps[k] = _F32(lr) * (label - y)
        for k in range(a, b):                 # pass 2: the updates
            w = words[k]
            g = steps[k]
            for d in range(dim):
                e[d] += g * W_out[w, d]
                W_out[w, d] += g * h[d]
        a = b
    return loss, state


@_jit
def _repeats(words, a, b):
    """True when ``words[b]`` is among ``words[a:b]``."""
    for k in range(a, b):
        if words[k] == words[b]:
            return True
    return False


@_jit
def draw_window(i, n, loop, state):
    """Positions ``lo..hi-1`` around centre ``i`` of a stream of ``n`` words (the centre
    included, cut at the ends): radius ``1..loop.window`` drawn at random if
    ``loop.shrink`` (word2vec), else ``loop.window``. Returns ``(lo, hi, state)``."""
    if loop.shrink:
        state, r = xorshift_next(state)
        b = 1 + _below(r, loop.window)
    else:
        b = loop.window
    return max(i - b, 0), min(i + b + 1, n), state


@_jit
def cbow_chunk(W_in, W_out, stream, raw_pos, start, stop, loop, seed_state):
    """Train CBOW on the centres ``stream[start:stop]``; the whole loop.

    W_in, W_out: (V, dim) float32, updated in place. stream: (n,) int64 ids of the
    epoch (after subsampling); contexts may reach outside ``start:stop`` but not
    outside ``stream``. raw_pos: (n,) int64, each id's position in the epoch's full
    corpus, for the learning rate: centre ``i`` trains at
    ``learning_rate(lr0, words_before + raw_pos[i], total_words, min_lr_factor)``.
    loop: the :class:`LoopSettings` (window, negatives, sampler tables, schedule).
    seed_state: the xorshift64* state (non-zero; converted to uint64 first: numba would
    turn a Python int mixed with uint64 into float64).

    Returns ``(loss_sum, examples, state)`` -- the loss summed over the examples of
    every :data:`LOSS_EVERY`-th centre, and how many those were.
    """
    n = stream.shape[0]
    dim = W_in.shape[1]
    h = np.empty(dim, dtype=np.float32)
    e = np.empty(dim, dtype=np.float32)
    words = np.empty(loop.negative + 1, dtype=np.int64)
    steps = np.empty(loop.negative + 1, dtype=np.float32)
    state = np.uint64(seed_state)
    loss = 0.0
    examples = 0
    for i in range(start, stop):
        lo, hi, state = draw_window(i, n, loop, state)
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
        lr = learning_rate(loop.lr0, loop.words_before + raw_pos[i], loop.total_words,
                           loop.min_lr_factor)
        track = i % LOSS_EVERY == 0
        lo_, state = negative_sampling(W_out, h, e, stream[i], loop, lr, state, track,
                                       words, steps)
        if track:
            loss += lo_
            examples += 1
        if loop.mean_grad:
            for d in range(dim):
                e[d] *= inv
        for j in range(lo, hi):
            if j != i:
                c = stream[j]
                for d in range(dim):
                    W_in[c, d] += e[d]
    return loss, examples, state


@_jit
def skipgram_chunk(W_in, W_out, stream, raw_pos, start, stop, loop, seed_state):
    """Train skip-gram on the centres ``stream[start:stop]``: each (centre, context)
    pair is one example, the centre's row predicts the context word and is updated
    after the pair (as word2vec does). Arguments and return as :func:`cbow_chunk`
    (``loop.mean_grad`` is ignored)."""
    n = stream.shape[0]
    dim = W_in.shape[1]
    e = np.empty(dim, dtype=np.float32)
    words = np.empty(loop.negative + 1, dtype=np.int64)
    steps = np.empty(loop.negative + 1, dtype=np.float32)
    state = np.uint64(seed_state)
    loss = 0.0
    examples = 0
    for i in range(start, stop):
        lo, hi, state = draw_window(i, n, loop, state)
        lr = learning_rate(loop.lr0, loop.words_before + raw_pos[i], loop.total_words,
                           loop.min_lr_factor)
        centre = stream[i]
        h = W_in[centre]                      # a view: the row itself, updated below
        track = i % LOSS_EVERY == 0
        for j in range(lo, hi):
            if j == i:
                continue
            for d in range(dim):
                e[d] = 0.0
            lo_, state = negative_sampling(W_out, h, e, stream[j], loop, lr, state, track,
                                           words, steps)
            if track:
                loss += lo_
                examples += 1
            for d in range(dim):
                h[d] += e[d]
    return loss, examples, state


@_jit
def run_chunks(cbow, W_in, W_out, stream, raw_pos, loop, chunks):
    """Run every chunk of ``chunks`` (a :class:`Chunks`), one after another, with
    :func:`cbow_chunk` (``cbow`` True) or :func:`skipgram_chunk`; the compiled entry
    point (it releases the GIL, so threads can run it side by side)."""
    for k in range(chunks.starts.shape[0]):
        if cbow:
            lo_, n_, st = cbow_chunk(W_in, W_out, stream, raw_pos, chunks.starts[k],
                                     chunks.stops[k], loop, chunks.states[k])
        else:
            lo_, n_, st = skipgram_chunk(W_in, W_out, stream, raw_pos, chunks.starts[k],
                                         chunks.stops[k], loop, chunks.states[k])
        chunks.losses[k] = lo_
        chunks.examples[k] = n_
        chunks.states[k] = st


# --------------------------------------------------------------------------- compiling

def _rebuilt(fn, replace: dict, compile_: bool):
    """``fn`` with every loop function of this module re-created over one new namespace in
    which ``replace`` swaps some names; compiled anew (never from the disk cache, which
    holds the module's own versions) or left as plain Python."""
    names: dict = dict(globals())
    for name, value in list(names.items()):
        py = getattr(value, "py_func", None)
        if py is None or name in replace:
            continue
        if getattr(py, "__module__", None) == __name__:   # calls other loop functions
            f = types.FunctionType(py.__code__, names, py.__name__, py.__defaults__)
            names[name] = _numba.njit(fastmath=_FASTMATH, nogil=True, error_model="numpy")(f) \
                if compile_ else f
        elif not compile_:                                # e.g. the schedule: self-contained
            names[name] = py
    names.update(replace)
    return names[getattr(fn, "__name__", None) or fn.py_func.__name__]


def interpreted(fn):
    """The plain-Python version of one of this module's loop functions, *all the way
    down*: ``fn.py_func`` alone would still call the compiled helpers. For teaching
    and testing (it is ~100x slower); run it under ``np.errstate(over="ignore")``, as
    NumPy warns when the random generator's uint64 product wraps around."""
    return _rebuilt(fn, {}, compile_=False)


def variant(fn, **replace):
    """One of this module's loop functions compiled again with some of its helpers
    replaced by other compiled functions, for measuring what a change to the loop buys
    (:mod:`w2vlib.lab.loop_tuning`), e.g. ``variant(run_chunks, _sigmoid=my_sigmoid)``.
    Each name must be a helper of this module; the module's own loop is left as it is."""
    _require_numba()
    unknown = sorted(k for k in replace if not hasattr(globals().get(k), "py_func"))
    if unknown:
        raise ValueError(f"variant(): {unknown} are not compiled helpers of "
                         f"w2vlib.speed.compiled")
    return _rebuilt(fn, replace, compile_=True)


def ensure_compiled(model: str = "cbow") -> float:
    """Compile (first time in a checkout) or load from the disk cache the kernel for
    ``model`` and return the seconds it took (about 0 once loaded in this process)."""
    _require_numba()
    t0 = time.perf_counter()
    W = np.zeros((4, 2), dtype=np.float32)
    stream = np.arange(4, dtype=np.int64)
    tables = types.SimpleNamespace(prob=np.ones(4), alias=stream)
    loop = loop_settings(tables, window=1, negative=1, lr0=0.01, total_words=100.0)
    chunks = Chunks(np.array([0], dtype=np.int64), np.array([4], dtype=np.int64),
                    np.array([1], dtype=np.uint64), np.zeros(1), np.zeros(1, dtype=np.int64))
    run_chunks(model == "cbow", W.copy(), W.copy(), stream, stream, loop, chunks)
    return time.perf_counter() - t0


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
