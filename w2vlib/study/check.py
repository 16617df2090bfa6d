"""Checks for *your* implementation: run them on the class or function you wrote.

Each check runs what you wrote on small cases chosen to catch the classic
mistakes of chapter 4, compares it with numerical gradients and with this
library's reference, and **prints** a short report -- what passed, what
failed, and a hint. It never stops with a traceback: an exception raised by
your code becomes a failed check that names the exception and its message.
Each returns a :class:`CheckResult` (``.passed``, ``.checks``) to assert on::

    from w2vlib import check
    result = check.embedding_backward(MyEmbedding)   # prints the report
    assert result.passed

=================================  ===========================================
check                              what it runs
=================================  ===========================================
:func:`embedding_backward`         ``MyEmbedding(W)``: forward, backward, grads
:func:`sigmoid_with_loss`          ``MySigmoidWithLoss()``: forward(x, t), backward()
:func:`unigram_sampler`            ``MySampler(corpus, power, sample_size)``
:func:`negative_sampling_loss`     ``MyLoss(W, corpus, power=0.75, sample_size=5)``
:func:`most_similar`               ``my_fn(query, word_to_id, id_to_word, word_matrix, top=5)``
:func:`contexts_target`            ``my_fn(corpus, window_size)`` -> (contexts, target)   (notebook 01)
:func:`matmul_layer`               ``MyMatMul(W)``: forward(x), backward(dout), grads  (notebook 01)
:func:`embedding_forward`          ``MyEmbedding(W)``: forward(idx) -> W[idx]          (notebook 02)
:func:`onehot_cost`                ``my_fn(vocab_size, batch_size, context_size, hidden_size)`` (02)
:func:`scatter_add_rows`           ``my_fn(W, idx, rows)``: W[idx] += rows, repeats summed (08)
:func:`keep_probability`           ``my_fn(counts, subsample)``: word2vec's subsampling (08)
:func:`analogy`                    ``my_fn(a, b, c, word_to_id, id_to_word, word_matrix, top=5)`` (07)
:func:`analogy_accuracy`           ``my_fn(questions, word_to_id, id_to_word, word_matrix)`` (07, 09)
=================================  ===========================================
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np

from ..functions import softplus
from ..gradcheck import numerical_gradient, relative_error
from ..layers import SigmoidWithLoss

__all__ = [
    "CheckResult",
    "embedding_backward",
    "sigmoid_with_loss",
    "unigram_sampler",
    "negative_sampling_loss",
    "most_similar",
    "contexts_target",
    "matmul_layer",
    "embedding_forward",
    "onehot_cost",
    "scatter_add_rows",
    "keep_probability",
    "analogy",
    "analogy_accuracy",
]


@dataclass
class CheckResult:
    """Outcome of one ``check.*`` call.

    ``checks``: list of ``(name, ok, hint)``; ``hint`` is ``""`` for a passed check.
    ``passed``: True when every check passed.

    >>> r = CheckResult("demo", [("a", True, ""), ("b", False, "try c")])
    >>> r
    CheckResult('demo', passed=False, 1/2 ok, failed=['b'])
    >>> r.hint("b")
    'try c'
    """

    name: str
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(ok for _, ok, _ in self.checks)

    @property
    def failed(self) -> list[str]:
        """Names of the failed checks, in order."""
        return [name for name, ok, _ in self.checks if not ok]

    def hint(self, name: str) -> str:
        """The hint of the check called ``name`` (KeyError if there is none)."""
        for n, _, h in self.checks:
            if n == name:
                return h
        raise KeyError(f"no check named {name!r}; checks: {[n for n, _, _ in self.checks]}")

    def __repr__(self) -> str:
        n_ok = sum(ok for _, ok, _ in self.checks)
        tail = f", failed={self.failed}" if self.failed else ""
        return f"CheckResult({self.name!r}, passed={self.passed}, {n_ok}/{len(self.checks)} ok{tail})"

    def report(self) -> str:
        """The printed report, as a string."""
        n_ok = sum(ok for _, ok, _ in self.checks)
        verdict = "all passed" if self.passed else f"{len(self.failed)} failed"
        lines = [f"check.{self.name}: {n_ok}/{len(self.checks)} checks passed ({verdict})"]
        for name, ok, hint in self.checks:
            lines.append(f"  {'PASS' if ok else 'FAIL'}  {name}")
            if not ok and hint:
                lines.append(textwrap.fill(hint, width=92, initial_indent="        hint: ",
                                           subsequent_indent="              ",
                                           break_long_words=False, break_on_hyphens=False))
        return "\n".join(lines)


class _Fail(Exception):
    """Raised inside a check body: the check failed, with this hint."""


def _run(result: CheckResult, name: str, body: Callable[[], None], on_error: str = "") -> None:
    """Run one check; record pass, a ``_Fail`` hint, or the learner's exception."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")        # keep the report clean; the overflow check records its own
            body()
    except _Fail as e:
        result.checks.append((name, False, str(e)))
    except Exception as e:                         # the learner's code failed: report, don't raise
        msg = f"your code raised {type(e).__name__}: {e}"
        result.checks.append((name, False, f"{msg}. {on_error}".strip() if on_error else msg))
    else:
        result.checks.append((name, True, ""))


def _finish(result: CheckResult, verbose: bool) -> CheckResult:
    if verbose:
        print(result.report())
    return result


def _construct(cls, *args, what: str, **kwargs):
    try:
        return cls(*args, **kwargs)
    except Exception as e:
        raise _Fail(f"constructing {what} raised {type(e).__name__}: {e}") from None


# ---------------------------------------------------------------------------
# Embedding
# ---------------------------------------------------------------------------

def _embedding_dW(cls, W, idx, dout):
    layer = _construct(cls, W, what=f"{getattr(cls, '__name__', cls)}(W)")
    layer.forward(idx)
    layer.backward(dout)
    return np.asarray(layer.grads[0])


def embedding_backward(cls, verbose: bool = True) -> CheckResult:
    """Check an Embedding class with the book's API: ``cls(W)``, ``params``,
    ``grads``, ``forward(idx) -> W[idx]``, ``backward(dout)`` writing ``grads[0]``.

    W: (V, H) float64; idx: (N,) ids; dout: (N, H). Cases: forward equals
    ``W[idx]``; backward without and with repeated ids (the classic
    ``dW[idx] = dout`` keeps one of the repeats); ``grads[0]`` written in place
    (same array object after backward); ``dW`` zeroed between calls.
    Prints a report unless ``verbose=False``; returns a :class:`CheckResult`.
    """
    result = CheckResult("embedding_backward")
    rng = np.random.default_rng(0)
    V, H = 7, 3
    W = rng.normal(size=(V, H))

    def forward():
        idx = np.array([0, 2, 5, 2])
        layer = _construct(cls, W.copy(), what="your class with W")
        out = np.asarray(layer.forward(idx))
        if out.shape != (4, H):
            raise _Fail(f"forward(idx) with idx of shape (4,) should return (4, {H}), got {out.shape}")
        if not np.allclose(out, W[idx]):
            raise _Fail("forward(idx) should return the rows W[idx] (W is params[0])")

    def no_repeats():
        idx = np.array([1, 3, 4])
        dout = rng.normal(size=(3, H))
        dW = _embedding_dW(cls, W.copy(), idx, dout)
        want = np.zeros_like(W)
        want[idx] = dout
        if dW.shape != W.shape:
            raise _Fail(f"grads[0] must have W's shape {W.shape}, got {dW.shape}")
        if not np.allclose(dW, want):
            raise _Fail("grads[0] should hold dout[i] in row idx[i] and zeros in every other row")

    def repeats():
        idx = np.array([1, 3, 1, 1, 6])
        dout = rng.normal(size=(5, H))
        dW = _embedding_dW(cls, W.copy(), idx, dout)
        want = np.zeros_like(W)
        np.add.at(want, idx, dout)
        if not np.allclose(dW, want):
            assigned = np.zeros_like(W)
            assigned[idx] = dout
            if np.allclose(dW, assigned) or np.allclose(dW[1], dout[0]) or np.allclose(dW[1], dout[2]):
                raise _Fail("word 1 appears 3 times, so its row must receive the SUM of the 3 "
                            "dout rows; `dW[idx] = dout` keeps only one. Add instead: "
                            "np.add.at(dW, idx, dout), or `dW[i] += dout[k]` in a loop")
            raise _Fail("with repeated ids, row w of dW must be the sum of dout[k] over all k "
                        "with idx[k] == w (compare with np.add.at)")

    def in_place():
        layer = _construct(cls, W.copy(), what="your class with W")
        before = layer.grads[0]
        layer.forward(np.array([0, 1]))
        layer.backward(rng.normal(size=(2, H)))
        if layer.grads[0] is not before:
            raise _Fail("backward replaced the array in grads[0] by a new one, so an optimizer "
                        "holding the old list sees stale zeros. Write into it: "
                        "`dW = self.grads[0]; dW[...] = 0; np.add.at(dW, idx, dout)`, "
                        "don't rebind `self.grads[0] = ...`")

    def zeroed():
        layer = _construct(cls, W.copy(), what="your class with W")
        layer.forward(np.array([0, 1]))
        layer.backward(np.ones((2, H)))
        idx = np.array([4])
        dout = rng.normal(size=(1, H))
        layer.forward(idx)
        layer.backward(dout)
        want = np.zeros_like(W)
        want[4] = dout[0]
        if not np.allclose(np.asarray(layer.grads[0]), want):
            raise _Fail("after a second forward/backward, grads[0] still holds gradient from the "
                        "first call (a stale gradient). Zero it first: `dW[...] = 0`, then add")

    _run(result, "forward returns W[idx]", forward)
    _run(result, "backward, distinct ids", no_repeats)
    _run(result, "backward, repeated ids add up", repeats,
         "backward(dout) gets dout of shape idx.shape + (H,)")
    _run(result, "grads[0] written in place", in_place)
    _run(result, "dW zeroed between calls", zeroed)
    return _finish(result, verbose)


# ---------------------------------------------------------------------------
# SigmoidWithLoss
# ---------------------------------------------------------------------------

def _backward_default(layer):
    try:
        return layer.backward()
    except TypeError:
        return layer.backward(1.0)


def sigmoid_with_loss(cls, verbose: bool = True) -> CheckResult:
    """Check a SigmoidWithLoss class: ``cls()``, ``forward(x, t) -> loss``, ``backward(dout=1) -> dx``.

    x: (N,) float scores, t: (N,) 0/1 labels; the loss is the batch mean of the
    binary cross-entropy. Cases: loss equals :class:`w2vlib.layers.SigmoidWithLoss`;
    backward equals the numerical gradient of your forward and ``(sigmoid(x) - t) / N``
    (catches a forgotten ``/ N``); scores of +-1000 give a finite, exact loss with
    no RuntimeWarning (catches ``exp`` overflow / ``log(0)``).
    """
    result = CheckResult("sigmoid_with_loss")
    rng = np.random.default_rng(1)
    N = 6
    x = rng.normal(scale=2.0, size=N)
    t = np.array([1, 0, 0, 1, 1, 0])

    def ref_loss(x, t):
        return float(SigmoidWithLoss().forward(x, t))

    def forward():
        loss = float(_construct(cls, what="your class").forward(x.copy(), t))
        want = ref_loss(x, t)
        if not np.isclose(loss, want, rtol=1e-5, atol=1e-6):
            if np.isclose(loss, want * N, rtol=1e-5):
                raise _Fail(f"loss is N={N} times too large: average over the batch, "
                            "sum(l) / N, not sum(l)")
            raise _Fail(f"loss {loss:.6f} but expected {want:.6f}: "
                        "mean over n of -t log s - (1 - t) log(1 - s), s = sigmoid(x)")

    def backward_numeric():
        layer = _construct(cls, what="your class")
        xs = x.copy()
        layer.forward(xs, t)
        dx = np.asarray(_backward_default(layer), dtype=np.float64)
        probe = _construct(cls, what="your class")
        num = numerical_gradient(lambda: probe.forward(xs, t), xs)
        if dx.shape != num.shape:
            raise _Fail(f"backward() should return dx of x's shape {x.shape}, got {dx.shape}")
        err = relative_error(dx, num)
        if err > 1e-5:
            raise _Fail(f"backward disagrees with the numerical gradient of your forward "
                        f"(relative error {err:.1e})")

    def backward_formula():
        layer = _construct(cls, what="your class")
        layer.forward(x.copy(), t)
        dx = np.asarray(_backward_default(layer), dtype=np.float64)
        want = (1 / (1 + np.exp(-x)) - t) / N
        if not np.allclose(dx, want, rtol=1e-5, atol=1e-9):
            if np.allclose(dx, want * N, rtol=1e-5):
                raise _Fail(f"dx is N={N} times too large: the loss is a batch mean, so "
                            "dx = (y - t) * dout / N")
            if np.allclose(dx, -want, rtol=1e-5):
                raise _Fail("dx has the wrong sign: it is (y - t) / N, not (t - y) / N")
            raise _Fail("dx should be (sigmoid(x) - t) * dout / N")

    def overflow():
        big = np.array([1000.0, -1000.0, 1000.0, -1000.0])
        tb = np.array([0, 1, 1, 0])
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            layer = _construct(cls, what="your class")
            loss = float(layer.forward(big, tb))
            dx = np.asarray(_backward_default(layer), dtype=np.float64)
        runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
        stable = ("compute sigmoid with np.exp of non-positive numbers only "
                  "(exp(-|x|)) and the loss as softplus(x) - t*x = max(x, 0) + log1p(exp(-|x|)) - t*x")
        if runtime:
            raise _Fail(f"scores of +-1000 raised RuntimeWarning '{runtime[0].message}': {stable}")
        if not np.isfinite(loss) or not np.all(np.isfinite(dx)):
            raise _Fail(f"scores of +-1000 gave a loss of {loss} or a non-finite dx: {stable}")
        if not np.isclose(loss, 500.0, rtol=1e-6):
            raise _Fail(f"two of the four scores are wrong by 1000, so the loss is exactly 500, "
                        f"got {loss:.4g} (log(y + 1e-7) caps each term at ~16): {stable}")

    _run(result, "forward matches the reference loss", forward, "call: forward(x, t) with x, t of shape (N,)")
    _run(result, "backward matches the numerical gradient", backward_numeric)
    _run(result, "backward is (y - t) / N", backward_formula)
    _run(result, "large scores (+-1000): exact loss, no overflow", overflow)
    return _finish(result, verbose)


# ---------------------------------------------------------------------------
# Random state: learner samplers may use their own Generator or global np.random
# ---------------------------------------------------------------------------

_RNG_TYPES = (np.random.Generator, np.random.RandomState)


def _find_rngs(obj, depth: int = 2) -> list:
    """Generators/RandomStates reachable from obj's attributes (a few levels deep)."""
    found: list = []
    seen: set[int] = set()

    def visit(o, d):
        if id(o) in seen:
            return
        seen.add(id(o))
        if isinstance(o, _RNG_TYPES):
            found.append(o)
            return
        if d == 0 or isinstance(o, (np.ndarray, int, float, str, list, tuple, dict)):
            return
        for v in getattr(o, "__dict__", {}).values():
            visit(v, d - 1)

    visit(obj, depth)
    return found


class _Replay:
    """Snapshot every random state a learner object may draw from; ``restore()`` rewinds them."""

    def __init__(self, obj):
        self.rngs = _find_rngs(obj)
        self.states = [r.bit_generator.state if isinstance(r, np.random.Generator) else r.get_state()
                       for r in self.rngs]
        self.global_state = np.random.get_state()

    def restore(self):
        for r, s in zip(self.rngs, self.states, strict=True):
            if isinstance(r, np.random.Generator):
                r.bit_generator.state = s
            else:
                r.set_state(s)
        np.random.set_state(self.global_state)


@contextlib.contextmanager
def _fixed_global_state():
    """A reproducible global np.random state for the learner's code, restored afterwards."""
    saved = np.random.get_state()
    np.random.set_state(np.random.RandomState(1234).get_state())
    try:
        yield
    finally:
        np.random.set_state(saved)


# ---------------------------------------------------------------------------
# UnigramSampler
# ---------------------------------------------------------------------------

def _make_sampler(cls, corpus, power, sample_size):
    try:
        return cls(corpus, power, sample_size, seed=0)
    except TypeError:
        return _construct(cls, corpus, power, sample_size, what="your sampler(corpus, power, sample_size)")
    except Exception as e:
        raise _Fail(f"constructing your sampler raised {type(e).__name__}: {e}") from None


def unigram_sampler(cls, verbose: bool = True) -> CheckResult:
    """Check a negative sampler: ``cls(corpus, power, sample_size[, seed=])``,
    ``get_negative_sample(target) -> (N, sample_size)`` int ids.

    Cases: shape and dtype; no row contains its own target; a row's draws
    follow ``counts**power / sum(counts**power)`` (checked with sample_size=1
    and 10,000 rows whose target is always the same word: among the draws
    that are not the target, each word's frequency must lie within 5 standard
    errors, ``5 sqrt(p(1-p)/n)``, of ``p(w) / (1 - p(target))``; raw counts
    without the power are up to ~18 standard errors off); ids that never
    occur in the corpus are never drawn.
    A global ``np.random`` state used by your code is set reproducibly and
    restored afterwards.
    """
    result = CheckResult("unigram_sampler")
    power = 0.75
    # ids 0..4 are the words whose frequencies are measured; 5 is the target
    counts = np.array([60, 25, 10, 4, 1, 5])
    corpus = np.random.default_rng(2).permutation(np.repeat(np.arange(6), counts))
    with _fixed_global_state():
        def shape():
            s = _make_sampler(cls, corpus, power, 3)
            neg = np.asarray(s.get_negative_sample(np.array([0, 1, 2, 5])))
            if neg.shape != (4, 3):
                raise _Fail(f"4 targets and sample_size=3 should give shape (4, 3), got {neg.shape}")
            if not np.issubdtype(neg.dtype, np.integer):
                raise _Fail(f"negatives must be integer word ids, got dtype {neg.dtype}")

        def exclusion():
            c = np.array([50, 10, 8, 6, 5, 4, 3, 2, 2, 1])
            corp = np.repeat(np.arange(10), c)
            s = _make_sampler(cls, corp, power, 5)
            target = np.repeat(np.arange(4), 50)
            neg = np.asarray(s.get_negative_sample(target))
            bad = np.flatnonzero((neg == target[:, None]).any(axis=1))
            if bad.size:
                raise _Fail(f"{bad.size} of {target.size} rows contain their own target (e.g. row "
                            f"{bad[0]}: target {target[bad[0]]}, negatives {neg[bad[0]].tolist()}). "
                            "A target is not its own negative: set p[target] = 0 and renormalise "
                            "(or redraw those entries)")

        def word_p():
            s = _make_sampler(cls, corpus, power, 1)
            p = np.asarray(s.word_p, dtype=np.float64)
            want = counts ** power / np.sum(counts ** power)
            if p.shape != want.shape or not np.allclose(p, want, rtol=1e-6):
                raise _Fail(_power_hint(p, counts, power))

        def frequencies():
            s = _make_sampler(cls, corpus, power, 1)
            n = 10_000
            neg = np.asarray(s.get_negative_sample(np.full(n, 5))).reshape(-1)
            if neg.size != n:
                raise _Fail(f"expected {n} draws (sample_size=1), got {neg.size}")
            p = counts ** power / np.sum(counts ** power)
            want = p[:5] / (1 - p[5])
            # among the draws that are not the target (so a sampler that forgets to
            # exclude the target is judged by the exclusion check alone)
            others = neg[neg != 5]
            m = max(others.size, 1)
            got = np.array([np.sum(others == w) / m for w in range(5)])
            tol = 5 * np.sqrt(want * (1 - want) / m)
            if np.any(np.abs(got - want) > tol):
                measured = ", ".join(f"{w}: {g:.3f} vs {e:.3f}"
                                     for w, (g, e) in enumerate(zip(got, want, strict=True)))
                raise _Fail(f"{_power_hint(got, counts[:5], power)} (measured vs expected "
                            f"frequencies {measured}; tolerance 5 standard errors over {m} draws)")

        def unused():
            corp = np.repeat(np.array([0, 1, 2, 4, 5, 7]), [30, 10, 8, 6, 4, 3])
            s = _make_sampler(cls, corp, power, 2)
            neg = np.asarray(s.get_negative_sample(np.tile(np.array([0, 1, 2]), 400)))
            drawn = sorted({3, 6} & set(np.unique(neg).tolist()))
            if drawn:
                raise _Fail(f"ids {drawn} never occur in the corpus but were drawn: give them "
                            "probability 0 (count 0 -> p 0; beware 0**0 == 1)")

        _run(result, "get_negative_sample shape (N, sample_size), ints", shape,
             "call: get_negative_sample(target) with target of shape (N,)")
        _run(result, "target never among its own negatives", exclusion)
        if hasattr(_safe_sampler(cls, corpus, power), "word_p"):
            _run(result, "word_p = counts**power, normalised", word_p)
        _run(result, "frequencies follow counts**power", frequencies,
             "if numpy says the probabilities do not sum to 1: divide by their sum")
        _run(result, "ids absent from the corpus never drawn", unused)
    return _finish(result, verbose)


def _safe_sampler(cls, corpus, power):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _make_sampler(cls, corpus, power, 1)
    except Exception:
        return None


def _power_hint(p, counts, power) -> str:
    p = np.asarray(p, dtype=np.float64)
    plain = counts / counts.sum()
    if p.shape == plain.shape and np.allclose(p, plain, atol=0.02):
        return (f"the probabilities follow the raw counts: raise them to the power {power} first, "
                "p = counts**0.75 / sum(counts**0.75) (rare words get a bigger share)")
    if p.shape == plain.shape and not np.isclose(p.sum(), 1.0, atol=0.02):
        return (f"the probabilities sum to {p.sum():.3g}, not 1: normalise, "
                "p = counts**power / sum(counts**power)")
    return "p(w) should be counts[w]**power / sum(counts**power), 0 for words that never occur"


# ---------------------------------------------------------------------------
# NegativeSamplingLoss
# ---------------------------------------------------------------------------

def negative_sampling_loss(cls, verbose: bool = True) -> CheckResult:
    """Check ``cls(W, corpus, power=0.75, sample_size=5)`` with ``forward(h, target) -> loss``
    and ``backward(dout=1) -> dh``, gradients in ``grads`` (summed over repeats of W in ``params``).

    h: (N, H), target: (N,). Every evaluation replays the same negatives by
    restoring the random state of any Generator/RandomState found on your
    object (e.g. ``self.sampler.rng``) and of the global ``np.random``.
    Cases: loss equals ``mean(-log s(pos)) + sum_j mean(-log s(-neg_j))`` on
    your sampler's negatives (needs ``self.sampler.get_negative_sample``,
    as in the book; hints for negatives labelled 1 and a missing positive
    term); dh and dW against numerical gradients.
    """
    result = CheckResult("negative_sampling_loss")
    rng = np.random.default_rng(3)
    V, H, N, k = 8, 4, 3, 5
    corpus = rng.permutation(np.repeat(np.arange(V), [9, 7, 6, 5, 4, 3, 2, 2]))
    W0 = rng.normal(scale=0.5, size=(V, H))
    h0 = rng.normal(scale=0.5, size=(N, H))
    target = np.array([0, 3, 5])

    def make():
        W = W0.copy()
        try:
            obj = cls(W, corpus, power=0.75, sample_size=k, seed=0)
        except TypeError:
            obj = _construct(cls, W, corpus, power=0.75, sample_size=k,
                             what="your class(W, corpus, power=0.75, sample_size=5)")
        except Exception as e:
            raise _Fail(f"constructing your class raised {type(e).__name__}: {e}") from None
        return obj, W, _Replay(obj)

    with _fixed_global_state():
        def loss_value():
            obj, W, replay = make()
            sampler = getattr(obj, "sampler", None)
            if sampler is None or not hasattr(sampler, "get_negative_sample"):
                raise _Fail("could not see your negatives: keep the sampler as self.sampler "
                            "(with get_negative_sample), as the book does")
            neg = np.asarray(sampler.get_negative_sample(target))
            replay.restore()
            loss = float(obj.forward(h0.copy(), target))
            s_pos = np.sum(W0[target] * h0, axis=1)
            s_neg = np.einsum("nkh,nh->nk", W0[neg], h0)
            pos_term = np.mean(softplus(-s_pos))
            want = pos_term + np.sum(np.mean(softplus(s_neg), axis=0))
            if not np.isclose(loss, want, rtol=1e-5):
                if np.isclose(loss, pos_term + np.sum(np.mean(softplus(-s_neg), axis=0)), rtol=1e-5):
                    raise _Fail("the negatives are labelled 1: their label must be 0 "
                                "(loss -log(1 - sigmoid(score)))")
                if np.isclose(loss, np.sum(np.mean(softplus(s_neg), axis=0)), rtol=1e-5):
                    raise _Fail("the positive term is missing: add the loss of the target, "
                                "label 1, to the losses of the k negatives")
                raise _Fail(f"loss {loss:.6f} but expected {want:.6f} = mean(-log s(pos)) + "
                            "sum over the k negatives of mean(-log(1 - s(neg)))")

        def grad_h():
            obj, W, replay = make()
            h = h0.copy()
            replay.restore()
            obj.forward(h, target)
            dh = np.asarray(_backward_default(obj), dtype=np.float64)
            replay.restore()
            again = float(obj.forward(h, target))
            replay.restore()
            if again != float(obj.forward(h, target)):
                raise _Fail("two forwards from the same random state drew different negatives, so "
                            "no gradient can be checked: keep one Generator on the object "
                            "(self.sampler.rng) instead of making a new one per call")
            replay.restore()
            obj.forward(h, target)
            _backward_default(obj)
            if dh.shape != h.shape:
                raise _Fail(f"backward() should return dh of h's shape {h.shape}, got {dh.shape}")

            def f():
                replay.restore()
                return obj.forward(h, target)

            err = relative_error(dh, numerical_gradient(f, h))
            if err > 1e-5:
                raise _Fail(f"dh disagrees with the numerical gradient (relative error {err:.1e}); "
                            "dh sums dscore * W[id] over the target and all k negatives")

        def grad_W():
            obj, W, replay = make()
            h = h0.copy()
            replay.restore()
            obj.forward(h, target)
            _backward_default(obj)
            params, grads = list(obj.params), list(obj.grads)
            if not params:
                raise _Fail("params is empty: list W there and its gradient in grads")
            Wp = params[0]
            dW = sum(np.asarray(g, dtype=np.float64) for p, g in zip(params, grads, strict=True) if p is Wp)

            def f():
                replay.restore()
                return obj.forward(h, target)

            err = relative_error(dW, numerical_gradient(f, Wp))
            if err > 1e-5:
                raise _Fail(f"dW disagrees with the numerical gradient (relative error {err:.1e}); "
                            "repeated word ids must add up (np.add.at), and every layer sharing W "
                            "contributes")

        _run(result, "loss matches the reference on your negatives", loss_value,
             "call: forward(h, target) with h (N, H), target (N,)")
        _run(result, "dh matches the numerical gradient", grad_h)
        _run(result, "dW matches the numerical gradient", grad_W)
    return _finish(result, verbose)


# ---------------------------------------------------------------------------
# most_similar
# ---------------------------------------------------------------------------

_SCORE_LINE = re.compile(r"^\s*(\S+)\s*:\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


def _call_most_similar(fn, query, word_to_id, id_to_word, W, top):
    """(words, scores or None) from a return value or from printed "word: score" lines."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        out = fn(query, word_to_id, id_to_word, W, top=top)
    words, scores = _parse_ranked(out, buf.getvalue())
    if out is None and not words:
        raise _Fail("your function returned None and printed no 'word: score' lines; "
                    "return [(word, score), ...] best first")
    return words, scores


def most_similar(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(query, word_to_id, id_to_word, word_matrix, top=5)``.

    It may return ``[(word, score), ...]``, a list of words, or print
    ``word: score`` lines as the book does (stdout is captured and parsed).
    Toy 3-D vectors with planted neighbours of "cat" (kitten, dog, tiger by
    cosine) and a long vector "giant" that wins by dot product only. Cases:
    ``top`` results; the query left out; nearest by cosine, not dot product;
    best first (``argsort`` is ascending); scores are cosine similarities.
    """
    result = CheckResult("most_similar")
    vecs = {
        "car": [-0.1, 0.0, 1.0], "cat": [1.0, 0.0, 0.0], "truck": [-0.2, 0.1, 1.0],
        "tiger": [0.6, 0.6, 0.2], "kitten": [0.95, 0.1, 0.0], "bus": [-0.3, 0.0, 1.0],
        "dog": [0.8, 0.4, 0.0], "giant": [10.0, 10.0, 30.0],
    }
    words = list(vecs)
    word_to_id = {w: i for i, w in enumerate(words)}
    id_to_word = dict(enumerate(words))
    W = np.array([vecs[w] for w in words])
    unit = W / np.linalg.norm(W, axis=1, keepdims=True)
    query, top = "cat", 3
    cos = dict(zip(words, unit @ unit[word_to_id[query]], strict=True))
    dot = dict(zip(words, W @ W[word_to_id[query]], strict=True))
    ranked = sorted((w for w in words if w != query), key=lambda w: -cos[w])
    want = ranked[:top]                                  # kitten, dog, tiger
    state: dict = {}

    def call():
        if "out" not in state:
            state["out"] = _call_most_similar(fn, query, word_to_id, id_to_word, W.copy(), top)
        return state["out"]

    def count():
        got, _ = call()
        if len(got) != top:
            raise _Fail(f"top={top} should give {top} results, got {len(got)}: {got}")

    def no_query():
        got, _ = call()
        if query in got:
            raise _Fail(f"the query '{query}' is in its own results (it is always its own best "
                        "match, cosine 1): skip it")

    def nearest():
        got, _ = call()
        rest = [w for w in got if w != query]
        if set(rest) == set(want[:len(rest)]):
            return
        if "giant" in rest:
            raise _Fail("'giant' is a long vector pointing elsewhere (cosine 0.30): it wins by dot "
                        "product only. Normalise the rows (and the query) to unit length "
                        "before the dot product")
        if set(rest) <= set(ranked[-top:]):
            raise _Fail("these are the LEAST similar words: argsort sorts ascending, use "
                        "(-similarity).argsort() or reverse it")
        raise _Fail(f"expected {want} (by cosine similarity), got {got}")

    def best_first():
        got, _ = call()
        rest = [w for w in got if w != query]
        by_cos = all(cos[a] >= cos[b] for a, b in pairwise(rest))
        by_dot = all(dot[a] >= dot[b] for a, b in pairwise(rest))
        if not (by_cos or by_dot):
            raise _Fail(f"results must be best first; got {got} with cosines "
                        f"{[round(float(cos[w]), 3) for w in got]}. argsort is ascending: use "
                        "(-similarity).argsort()")

    def scores():
        got, sc = call()
        bad = [(w, s) for w, s in zip(got, sc, strict=True) if not np.isclose(s, cos[w], atol=1e-3)]
        if bad:
            w, s = bad[0]
            raise _Fail(f"score of '{w}' is {s:.4g} but its cosine similarity with '{query}' is "
                        f"{cos[w]:.4f}: divide the dot product by both vectors' lengths")

    _run(result, f"returns top={top} results", count,
         "call: fn(query, word_to_id, id_to_word, word_matrix, top=3)")
    _run(result, "query left out of its results", no_query)
    _run(result, "nearest by cosine, not raw dot product", nearest)
    _run(result, "results best first", best_first)
    try:
        has_scores = call()[1] is not None
    except Exception:
        has_scores = False
    if has_scores:
        _run(result, "scores are cosine similarities", scores)
    return _finish(result, verbose)


# ---------------------------------------------------------------------------
# Notebooks 01, 02 and 08: contexts/target, MatMul, Embedding forward, the
# cost of one-hot input, scatter-add, word2vec's subsampling
# ---------------------------------------------------------------------------

def _most_repeated(idx) -> tuple[int, int]:
    """The id that occurs most often in ``idx`` and how often."""
    ids, counts = np.unique(np.ravel(idx), return_counts=True)
    i = int(np.argmax(counts))
    return int(ids[i]), int(counts[i])


def _ratio_hint(got, want, factors: dict, default: str) -> str:
    """The hint of the first ``factor`` with ``got == factor * want``, else ``default``."""
    for factor, hint in factors.items():
        if np.isclose(float(got), factor * float(want), rtol=1e-9):
            return hint
    return default


def contexts_target(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(corpus, window_size) -> (contexts, target)`` like the book's create_contexts_target.

    corpus: (T,) word ids. Expected: ``target = corpus[w:T-w]``, shape (T - 2w,), and
    ``contexts`` of shape (T - 2w, 2w), row i the words at offsets -w..-1, +1..+w around
    target i, left to right. The test corpus has 12 *different* ids, so every value names
    its position. Cases: window 1 shapes; targets (catches a first target whose left
    neighbour ``corpus[-1]`` silently wraps around to the end, and a missing last target);
    window-1 contexts (order, the target itself inside its context); window 2; integer
    NumPy arrays.
    """
    result = CheckResult("contexts_target")
    corpus = np.array([7, 3, 9, 0, 5, 11, 2, 8, 4, 10, 1, 6])
    T = len(corpus)
    state: dict = {}

    def call(w):
        if w not in state:
            out = fn(corpus.copy(), w)
            try:
                contexts, target = out
            except (TypeError, ValueError):
                raise _Fail("return two arrays: `return contexts, target`") from None
            state[w] = (np.asarray(contexts), np.asarray(target))
        return state[w]

    def want(w):
        offsets = [o for o in range(-w, w + 1) if o != 0]
        pos = np.arange(w, T - w)
        return corpus[pos[:, None] + np.array(offsets)], corpus[w:T - w]

    def target_hint(target, w):
        t = target.reshape(-1)
        if t.size and t[0] == corpus[0]:
            return (f"the first target is corpus[0], whose left neighbour corpus[-1] does not exist: "
                    f"NumPy's negative index silently wraps around to the END of the corpus. "
                    f"Targets start at position window_size ({w})")
        if t.size == T - 2 * w - 1 and np.array_equal(t, corpus[w:T - w - 1]):
            return (f"the last target, corpus[{T - w - 1}], is missing (its right neighbours exist): "
                    f"range(window_size, len(corpus) - window_size) already leaves out its end "
                    f"value, so subtract nothing more")
        return (f"targets should be corpus[window_size:len(corpus) - window_size], "
                f"{T - 2 * w} of them for {T} words and window {w}")

    def shapes1():
        contexts, target = call(1)
        wc, wt = want(1)
        if contexts.shape == wt.shape and target.shape == wc.shape:
            raise _Fail("contexts and target came back swapped: return contexts first, "
                        "`return contexts, target`")
        if target.shape != wt.shape:
            n = target.reshape(-1).size
            more = "one too many" if n == T - 1 else "one too few" if n == T - 3 else f"{n}"
            raise _Fail(f"{T} words with window 1 give {T - 2} targets, shape ({T - 2},); got "
                        f"{target.shape}, {more} (the targets check says which)")
        if contexts.shape == (T - 2, 3):
            raise _Fail("each context row has 3 words: the target itself is in it. Skip the "
                        "offset 0 (`if t == 0: continue`)")
        if contexts.shape != wc.shape:
            raise _Fail(f"contexts should have shape ({T - 2}, 2), one row of 2 * window_size "
                        f"words per target; got {contexts.shape}")

    def targets1():
        _, target = call(1)
        wt = want(1)[1]
        if target.shape != wt.shape or not np.array_equal(target, wt):
            raise _Fail(target_hint(target, 1))

    def contexts1():
        contexts, _ = call(1)
        wc = want(1)[0]
        if contexts.shape == wc.shape and np.array_equal(contexts, wc):
            return
        if contexts.shape == wc.shape and np.array_equal(contexts, wc[:, ::-1]):
            raise _Fail("left and right are swapped: row i is [corpus[i - 1], corpus[i + 1]] "
                        "around target corpus[i], offsets -1 then +1")
        if contexts.shape == (T - 2, 3):
            raise _Fail("the target is inside its own context: skip the offset 0")
        if contexts.ndim == 2 and len(contexts) and contexts[0, 0] == corpus[-1]:
            raise _Fail(f"the first row starts with corpus[-1] = {corpus[-1]}, the LAST word of the "
                        "corpus: a left neighbour that wrapped around")
        if contexts.shape != wc.shape:
            raise _Fail(f"contexts should have one row per target, shape {wc.shape}; got {contexts.shape}")
        i = int(np.flatnonzero((contexts != wc).any(axis=1))[0])
        raise _Fail(f"row i should hold the neighbours of target i: for target {i}, corpus[{i + 1}] = "
                    f"{corpus[i + 1]}, that is {wc[i].tolist()}; got {contexts[i].tolist()}")

    def window2():
        contexts, target = call(2)
        wc, wt = want(2)
        if contexts.shape == (T - 2, 2):
            raise _Fail("window_size=2 gave the window-1 answer: use window_size in both the range "
                        "of target positions and the offsets, range(-window_size, window_size + 1)")
        if target.shape != wt.shape or not np.array_equal(target, wt):
            t = target.reshape(-1)
            if t.size and t[0] == corpus[0]:
                raise _Fail("window 2: the targets start at corpus[0] again; they start at "
                            "corpus[window_size]")
            raise _Fail(f"window 2: {target_hint(target, 2)}")
        if contexts.shape == (T - 4, 5):
            raise _Fail("each row has 5 words: the target itself is in it; skip the offset 0")
        if contexts.shape != wc.shape:
            raise _Fail(f"window 2 should give contexts of shape ({T - 4}, 4), got {contexts.shape}")
        if np.array_equal(contexts, wc):
            return
        if np.array_equal(np.sort(contexts, axis=1), np.sort(wc, axis=1)):
            raise _Fail(f"the right words in another order: list them left to right, offsets "
                        f"-2, -1, +1, +2 (first row {wc[0].tolist()}, got {contexts[0].tolist()}). "
                        "CBOW averages them, so the model would not mind, but the book and w2vlib "
                        "use this order")
        raise _Fail(f"window 2: row i should be the words at offsets -2, -1, +1, +2 around "
                    f"target i; first row {wc[0].tolist()}, got {contexts[0].tolist()}")

    def arrays():
        contexts, target = (fn(corpus.copy(), 1))
        for name, a in (("contexts", contexts), ("target", target)):
            if not isinstance(a, np.ndarray):
                raise _Fail(f"{name} is a {type(a).__name__}: return NumPy arrays, "
                            "`np.array(contexts), np.array(target)` (layers index with them)")
            if not np.issubdtype(a.dtype, np.integer):
                raise _Fail(f"{name} has dtype {a.dtype}: word ids are integers")

    _run(result, "window 1: shapes (T - 2, 2) and (T - 2,)", shapes1,
         "call: fn(corpus, window_size) with corpus a (T,) array of ids")
    _run(result, "window 1: targets are corpus[1:-1]", targets1)
    _run(result, "window 1: contexts are (left, right) neighbours", contexts1)
    _run(result, "window 2: 4 context words, left to right", window2)
    _run(result, "returns integer NumPy arrays", arrays)
    return _finish(result, verbose)


def matmul_layer(cls, verbose: bool = True) -> CheckResult:
    """Check a MatMul layer with the book's API: ``cls(W)``, ``params = [W]``, ``grads``,
    ``forward(x) -> x @ W``, ``backward(dout) -> dx``, writing dW into ``grads[0]``.

    W: (D, H) = (4, 3) float64, x: (N, D) = (5, 4), dout: (N, H). W is not square, so a
    missing transpose shows. Cases: forward value; dx and dW against numerical gradients
    of ``sum(forward(x) * dout)`` (hints for a transposed dW and for a dW divided by N);
    dW written into the array already in ``grads[0]`` (``grads[0][...] = dW``, not
    ``grads[0] = dW``); a second backward replaces dW (no ``+=``).
    """
    result = CheckResult("matmul_layer")
    rng = np.random.default_rng(5)
    D, H, N = 4, 3, 5
    W0 = rng.normal(size=(D, H))
    x0 = rng.normal(size=(N, D))
    G = rng.normal(size=(N, H))
    shapes = "dx = dout @ W.T has x's shape (N, D); dW = x.T @ dout has W's shape (D, H)"

    def make():
        layer = _construct(cls, W0.copy(), what="your class(W)")
        if not getattr(layer, "params", None) or not getattr(layer, "grads", None):
            raise _Fail("keep the weight and its gradient as lists: self.params = [W], "
                        "self.grads = [np.zeros_like(W)]")
        return layer

    def forward():
        layer = make()
        out = np.asarray(layer.forward(x0.copy()))
        if out.shape != (N, H):
            raise _Fail(f"forward(x) with x {x0.shape} and W {W0.shape} should return ({N}, {H}), "
                        f"got {out.shape}")
        if not np.allclose(out, x0 @ W0):
            raise _Fail("forward(x) should return x @ W (W is params[0])")

    def grad_x():
        layer = make()
        x = x0.copy()
        layer.forward(x)
        dx = layer.backward(G.copy())
        if dx is None:
            raise _Fail(f"backward returned None: return dx for the layer below. {shapes}")
        dx = np.asarray(dx, dtype=np.float64)
        if dx.shape != x.shape:
            raise _Fail(f"dx has shape {dx.shape}, x has {x.shape}: {shapes}")
        num = numerical_gradient(lambda: np.sum(layer.forward(x) * G), x)
        err = relative_error(dx, num)
        if err > 1e-6:
            raise _Fail(f"dx disagrees with the numerical gradient (relative error {err:.1e}): "
                        "dx = dout @ W.T")

    def grad_W():
        layer = make()
        x = x0.copy()
        layer.forward(x)
        layer.backward(G.copy())
        dW = np.asarray(layer.grads[0], dtype=np.float64)
        Wp = layer.params[0]
        want = x0.T @ G
        if dW.shape == (H, D) and np.allclose(dW, want.T):
            raise _Fail(f"dW is transposed, shape {dW.shape}: dW = x.T @ dout has W's shape {W0.shape}")
        if dW.shape != W0.shape:
            raise _Fail(f"grads[0] has shape {dW.shape}, W has {W0.shape}: dW = x.T @ dout")
        if not np.any(dW):
            raise _Fail("grads[0] is still all zeros after backward: write dW into it, "
                        "self.grads[0][...] = dW")
        if np.allclose(dW, want / N):
            raise _Fail(f"dW is divided by the batch size N={N}: MatMul's dW is the plain sum "
                        "x.T @ dout (the loss layer already averages over the batch)")
        num = numerical_gradient(lambda: np.sum(layer.forward(x) * G), Wp)
        err = relative_error(dW, num)
        if err > 1e-6:
            raise _Fail(f"dW disagrees with the numerical gradient (relative error {err:.1e}): "
                        "dW = x.T @ dout, summed over the batch")

    def in_place():
        layer = make()
        before = layer.grads[0]
        layer.forward(x0.copy())
        layer.backward(G.copy())
        if layer.grads[0] is not before:
            raise _Fail("backward put a NEW array into grads[0] (`self.grads[0] = dW`), so a model "
                        "or optimizer that collected the old array sees zeros. Write into it: "
                        "`self.grads[0][...] = dW`")

    def grads_after(batches):
        layer = make()
        for x, g in batches:
            layer.forward(x.copy())
            layer.backward(g.copy())
        return np.array(layer.grads[0], dtype=np.float64)

    def replaced():
        x2, G2 = rng.normal(size=(2, D)), rng.normal(size=(2, H))
        both = grads_after([(x0, G), (x2, G2)])
        second = grads_after([(x2, G2)])                  # a fresh layer, second batch only
        if np.allclose(both, second):
            return
        if np.allclose(both, second + grads_after([(x0, G)])):
            raise _Fail("after a second backward, grads[0] still holds the first batch's gradient "
                        "(`+=` accumulates): assign, `self.grads[0][...] = dW`")
        raise _Fail("after a second forward/backward, grads[0] should depend on the second batch only")

    _run(result, "forward is x @ W", forward, "call: forward(x) with x of shape (N, D)")
    _run(result, "dx matches the numerical gradient", grad_x, shapes)
    _run(result, "dW matches the numerical gradient", grad_W, shapes)
    _run(result, "grads[0] written in place", in_place)
    _run(result, "dW replaced, not accumulated", replaced)
    return _finish(result, verbose)


def embedding_forward(cls, verbose: bool = True) -> CheckResult:
    """Check an Embedding layer's forward pass: ``cls(W)``, ``params = [W]``, ``forward(idx) -> W[idx]``.

    W: (V, H). Cases: a batch of ids with repeats; (N, C) ids give (N, C, H); a Python list
    of ids and a single id; the ids remembered for backward (``self.idx``); rows read from
    the current ``params[0]`` (an optimizer updates it in place); float32 rows stay float32;
    no one-hot array (looking up 8 ids at V = 50,000 may allocate at most 64 KiB, measured
    with tracemalloc; a one-hot batch is over a megabyte); ids outside [0, V) rejected (NumPy
    would wrap -1 around to the last row).
    """
    from ..lab.timing import format_bytes, peak_memory

    result = CheckResult("embedding_forward")
    rng = np.random.default_rng(6)
    V, H = 7, 3
    W = rng.normal(size=(V, H))

    def make(W_):
        return _construct(cls, W_, what="your class(W)")

    def rows(out, want, what):
        out = np.asarray(out)
        if out.shape != want.shape:
            raise _Fail(f"{what}: expected shape {want.shape} (idx.shape + (H,)), got {out.shape}")
        if not np.allclose(out, want):
            raise _Fail(f"{what}: expected the rows W[idx] (W is params[0])")

    def batch():
        idx = np.array([1, 0, 3, 0])
        rows(make(W.copy()).forward(idx), W[idx], "ids [1, 0, 3, 0]")

    def block():
        idx = np.array([[1, 3], [0, 0], [6, 2]])
        out = np.asarray(make(W.copy()).forward(idx))
        if out.shape == (3, H):
            raise _Fail("ids of shape (3, 2) gave (3, H): the layer returns every row, (3, 2, H); "
                        "CBOW's mean over the context comes after it")
        if out.shape == (6, H):
            raise _Fail("ids of shape (3, 2) gave (6, H): keep the ids' shape, "
                        "out.shape == idx.shape + (H,) (W[idx] does)")
        rows(out, W[idx], "ids of shape (3, 2)")

    def list_and_scalar():
        layer = make(W.copy())
        rows(layer.forward([1, 0, 3, 0]), W[[1, 0, 3, 0]], "a Python list [1, 0, 3, 0]")
        rows(layer.forward(2), W[2], "a single id 2")

    def remembers():
        layer = make(W.copy())
        idx = np.array([4, 1, 4])
        layer.forward(idx)
        kept = getattr(layer, "idx", None)
        if kept is not None and np.array_equal(np.asarray(kept), idx):
            return
        for v in vars(layer).values():
            if isinstance(v, np.ndarray) and v.shape == idx.shape and np.array_equal(v, idx):
                return
        raise _Fail("forward did not keep the ids: store them (self.idx = idx), because backward "
                    "must know which rows of dW receive the gradient")

    def current_W():
        W_ = W.copy()
        layer = make(W_)
        params = getattr(layer, "params", None)
        if not params:
            raise _Fail("keep W as the layer's parameter: self.params = [W]")
        layer.forward(np.array([0, 2]))
        params[0][...] -= 0.5                              # an optimizer's in-place step
        out = np.asarray(layer.forward(np.array([0, 2])))
        if np.allclose(out, W[[0, 2]]):
            raise _Fail("after an optimizer changed params[0] in place, forward still returned the "
                        "old rows: look the rows up in self.params[0] (no copy of W kept aside)")
        rows(out, np.asarray(params[0])[[0, 2]], "after an update of params[0]")

    def dtype():
        W32 = W.astype(np.float32)
        out = np.asarray(make(W32).forward(np.array([1, 0, 3, 0])))
        if out.dtype != np.float32:
            raise _Fail(f"a float32 W gave {out.dtype} rows: a one-hot product promotes the dtype "
                        "(integer one-hot @ float32 is float64); W[idx] keeps W's dtype")

    def no_one_hot():
        big_V, n = 50_000, 8
        W_big = np.random.default_rng(7).normal(size=(big_V, 4)).astype(np.float32)
        layer = make(W_big)
        idx = np.array([3, 49_999, 17, 3, 0, 25_000, 17, 3])
        store = {}
        peak = peak_memory(lambda: store.setdefault("out", layer.forward(idx)))
        rows(store["out"], W_big[idx], f"8 ids at V = {big_V:,}")
        limit = 64 * 1024
        if peak > limit:
            # a bound, not the figure itself: the exact peak depends on NumPy's temporaries
            what = (f"over {n} x V bytes ({format_bytes(n * big_V)}): a one-hot batch, even at one "
                    "byte per number," if peak >= n * big_V else f"over {format_bytes(limit)}")
            raise _Fail(f"looking up {n} ids at V = {big_V:,} allocated {what} while the rows are "
                        f"{format_bytes(n * 4 * 4)}. Index instead of multiplying: W[idx]")

    def out_of_range():
        layer = make(W.copy())
        for bad in (np.array([2, -1]), np.array([V])):
            try:
                out = np.asarray(layer.forward(bad))
            except (IndexError, ValueError):
                continue
            if bad[-1] < 0:
                raise _Fail(f"the id -1 returned a row ({np.round(out[-1], 3).tolist()}, the last "
                            "word's: NumPy wraps negative indices around). Word ids lie in [0, V): "
                            "check and raise IndexError, as w2vlib.layers.Embedding does")
            raise _Fail(f"the id {V} (= V) returned a row: raise IndexError for ids outside [0, V)")

    _run(result, "ids with repeats give W[idx]", batch, "call: forward(idx) with idx of shape (N,)")
    _run(result, "(N, C) ids give (N, C, H)", block)
    _run(result, "a list of ids and a single id", list_and_scalar,
         "convert first: idx = np.asarray(idx)")
    _run(result, "ids kept for backward", remembers)
    _run(result, "rows read from the current params[0]", current_W)
    _run(result, "float32 W gives float32 rows", dtype)
    _run(result, "no one-hot array (memory independent of V)", no_one_hot)
    _run(result, "ids outside [0, V) rejected", out_of_range)
    return _finish(result, verbose)


_COST_KEYS = ("one_hot_bytes", "id_bytes", "matmul_madds", "lookup_copies")


def onehot_cost(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(vocab_size, batch_size, context_size, hidden_size) -> dict`` of four counts
    for one mini-batch of N examples with C context words each (vocabulary V, H hidden units):

    * ``"one_hot_bytes"``: the float32 one-hot context batch, N * C * V * 4 bytes;
    * ``"id_bytes"``: the same batch as int64 ids, N * C * 8 bytes;
    * ``"matmul_madds"``: multiply-adds of one-hot batch @ W_in, N * C * V * H;
    * ``"lookup_copies"``: numbers an Embedding lookup copies, N * C * H.

    Checked at V, N, C, H = 11, 3, 5, 7 (so each forgotten or extra factor gives a
    different ratio, named in the hint: a forgotten N or C, 8 bytes for float32, bits for
    bytes, numbers for bytes) and at 10**6, 100, 2, 100 (notebook 01's thought experiment).
    """
    result = CheckResult("onehot_cost")
    cases = [(11, 3, 5, 7), (1_000_000, 100, 2, 100)]
    state: dict = {}

    def call(case):
        if case not in state:
            out = fn(*case)
            if not isinstance(out, dict):
                raise _Fail(f"return a dict with the keys {list(_COST_KEYS)}, got {type(out).__name__}")
            missing = [k for k in _COST_KEYS if k not in out]
            if missing:
                raise _Fail(f"the dict lacks {missing}; keys: {list(_COST_KEYS)}")
            state[case] = out
        return state[case]

    def want(V, N, C, H):
        return {"one_hot_bytes": N * C * V * 4, "id_bytes": N * C * 8,
                "matmul_madds": N * C * V * H, "lookup_copies": N * C * H}

    def factors(key, V, N, C, H):
        common = {1 / N: f"the batch size N is missing: there are N = {N} examples",
                  1 / C: f"the context size C is missing: each example has C = {C} context words, "
                         "each its own one-hot row (or id)"}
        if key == "one_hot_bytes":
            return {**common, 2: "float32 takes 4 bytes per number, not 8",
                    1 / 4: "that counts numbers, not bytes: float32 takes 4 bytes each",
                    8: "that counts bits: float32 is 4 BYTES per number",
                    1 / V: "the one-hot batch holds V numbers per context word, one per vocabulary word",
                    H: "the one-hot batch has nothing of size H: N * C rows of V numbers"}
        if key == "id_bytes":
            return {**common, 1 / 2: "int64 takes 8 bytes per id, not 4",
                    1 / 8: "that counts ids, not bytes: int64 takes 8 bytes each",
                    V: "an id is one integer, whatever V is: no factor V",
                    V / 2: "ids are N * C integers of 8 bytes: no factor V"}
        if key == "matmul_madds":
            return {**common, 1 / H: "each one-hot row times W_in (V x H) is V * H multiply-adds",
                    1 / V: "each one-hot row times W_in (V x H) is V * H multiply-adds",
                    4: "that is bytes: count multiply-adds, N * C * V * H"}
        return {**common, V: "the lookup copies C rows of H numbers per example, whatever V is",
                1 / H: "each looked-up row has H numbers"}

    def body(key):
        def run():
            for case in cases:
                got = call(case)[key]
                w = want(*case)[key]
                try:
                    value = float(got)
                except (TypeError, ValueError):
                    raise _Fail(f"{key} should be a number, got {got!r}") from None
                if value == w:
                    continue
                V, N, C, H = case
                default = f"expected {w:,} for V, N, C, H = {V:,}, {N}, {C}, {H}, got {got:,}"
                if case == cases[0]:
                    raise _Fail(_ratio_hint(value, w, factors(key, *case), default))
                if value < 0 or value < w / 1e3:
                    default += " (an integer overflow? count with Python ints, not np.int32)"
                raise _Fail(default)
        return run

    formulas = {"one_hot_bytes": "one-hot batch: N * C * V * 4 bytes (float32)",
                "id_bytes": "ids: N * C * 8 bytes (int64)",
                "matmul_madds": "MatMul: N * C * V * H multiply-adds",
                "lookup_copies": "lookup: N * C * H numbers copied"}
    for key in _COST_KEYS:
        _run(result, formulas[key], body(key),
             "call: fn(vocab_size, batch_size, context_size, hidden_size) -> dict")
    return _finish(result, verbose)


def scatter_add_rows(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(W, idx, rows)``: add ``rows[i]`` to ``W[idx[i]]`` for every i, in place,
    repeated ids adding up -- the sparse update at the heart of the fast trainer.

    W: (V, D); idx: integer ids of any shape S; rows: S + (D,). Cases: distinct ids (added,
    not assigned; W changed in place, not a new array returned); repeated ids (catches
    ``W[idx] += rows``, which NumPy buffers: a repeated id gets one of its rows, not all);
    2-D ids, as a target with its negatives; a float32 W stays float32.
    """
    result = CheckResult("scatter_add_rows")
    rng = np.random.default_rng(8)
    V, D = 6, 3
    W0 = rng.normal(size=(V, D))

    def expected(W, idx, rows):
        out = W.copy()
        np.add.at(out, idx, rows)
        return out

    def apply(idx, rows, W=None):
        """Run fn on a copy of W0 (or W); return W after, or fail with the hint for a known mistake."""
        W = W0.copy() if W is None else W
        before = W.copy()
        ret = fn(W, idx, rows.copy())
        want = expected(before, idx, rows)
        if np.array_equal(W, before):
            if isinstance(ret, np.ndarray) and ret.shape == W.shape and np.allclose(ret, want):
                raise _Fail("W is unchanged and a new array was returned: add into W itself (the "
                            "model keeps using that array), e.g. np.add.at(W, idx, rows)")
            raise _Fail("W did not change: add the rows into W in place")
        if np.allclose(W, want, rtol=1e-6, atol=1e-6):
            return W
        assigned = before.copy()
        assigned[idx] = rows
        if np.allclose(W, assigned) and len(np.unique(idx)) == np.size(idx):
            raise _Fail("the rows REPLACED W's rows: add them to what is there (+=)")
        buffered = before.copy()
        buffered[idx] += rows
        if np.allclose(W, buffered) or np.allclose(W, assigned):
            w, n = _most_repeated(idx)
            raise _Fail(f"id {w} appears {n} times but its row received only one of its {n} updates: "
                        "`W[idx] += rows` reads all rows first, then writes each id once. Use "
                        "np.add.at(W, idx, rows) (or w2vlib.layers.scatter_add), or a loop")
        if np.ndim(idx) > 1:
            per_row = before.copy()
            for n in range(len(idx)):
                per_row[idx[n]] += rows[n]
            if np.allclose(W, per_row):
                raise _Fail("a loop over the first axis adds a whole row of ids at once, "
                            "`W[idx[n]] += rows[n]`, which drops repeats within the row just like "
                            "`W[idx] += rows` (idx[0] holds id 2 twice). Flatten both first: "
                            "idx.reshape(-1), rows.reshape(-1, D), or use np.add.at")
        mean = before.copy()
        ids, inv, counts = np.unique(np.ravel(idx), return_inverse=True, return_counts=True)
        sums = np.zeros((len(ids), D))
        np.add.at(sums, inv, np.reshape(rows, (-1, D)))
        mean[ids] += sums / counts[:, None]
        if np.allclose(W, mean):
            raise _Fail("the updates of a repeated id were averaged: they must be summed "
                        "(each occurrence is its own example's step)")
        raise _Fail(f"with ids {np.asarray(idx).tolist()}, W[w] must grow by the sum of rows[k] "
                    "over all k with idx[k] == w, every other row stay as it was")

    def distinct():
        apply(np.array([4, 0, 2]), rng.normal(size=(3, D)))

    def repeated():
        apply(np.array([1, 3, 1, 1, 5]), rng.normal(size=(5, D)))

    def two_d():
        # a target and two negatives per row; id 2 twice in a row, id 0 in both rows
        apply(np.array([[0, 2, 2], [5, 0, 3]]), rng.normal(size=(2, 3, D)))

    def float32():
        W = apply(np.array([2, 5, 0]), rng.normal(size=(3, D)).astype(np.float32),
                  W0.astype(np.float32))
        if W.dtype != np.float32:
            raise _Fail(f"a float32 W became {W.dtype}: add into it, don't build a new matrix")

    _run(result, "distinct ids: rows added to W in place", distinct,
         "call: fn(W, idx, rows) with W (V, D), idx (N,), rows (N, D)")
    _run(result, "repeated ids: every row added", repeated)
    _run(result, "2-D ids with repeats (target + negatives)", two_d,
         "rows has shape idx.shape + (D,): flatten both, idx.reshape(-1) and rows.reshape(-1, D)")
    _run(result, "float32 W stays float32", float32)
    return _finish(result, verbose)


def keep_probability(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(counts, subsample) -> (V,)``: word2vec's probability of keeping one occurrence
    of each word when it subsamples frequent words (Mikolov et al. 2013).

    With ``f = count / total`` a word's share of the corpus and ``t = subsample``, word2vec's
    C code keeps a word with probability ``min(1, sqrt(t / f) + t / f)`` -- not the paper's
    ``sqrt(t / f)`` (its discard probability ``1 - sqrt(t / f)``); ``subsample = 0`` keeps
    everything. Reference: :func:`w2vlib.speed.word2vec.keep_probabilities`. Cases: one probability per
    word; frequent words (hints for the paper's formula, a discard probability, counts used
    instead of shares); rare words kept always (clipped at 1); subsample 0.
    """
    from ..speed.word2vec import keep_probabilities

    result = CheckResult("keep_probability")
    counts = np.array([5000, 1200, 300, 60, 10, 1])
    t = 1e-3
    total = counts.sum()
    f = counts / total
    ref = keep_probabilities(counts, t)
    frequent = ref < 1
    state: dict = {}

    def call():
        if "p" not in state:
            state["p"] = np.asarray(fn(counts.copy(), t), dtype=np.float64)
        return state["p"]

    def shape():
        p = call()
        if p.shape != counts.shape:
            raise _Fail(f"{len(counts)} counts should give {len(counts)} probabilities, shape "
                        f"{counts.shape}; got {p.shape}")
        if not np.all(np.isfinite(p)):
            raise _Fail(f"the probabilities are not all finite: {p.tolist()}")

    def formula():
        p = call()[frequent]
        if np.allclose(p, ref[frequent], rtol=1e-6):
            return
        r = t / f[frequent]
        rc = t / counts[frequent]
        known = [
            (np.sqrt(r), "that is the PAPER's formula: it discards with probability 1 - sqrt(t/f), "
                         "so keeps sqrt(t/f); word2vec's code keeps sqrt(t/f) + t/f"),
            (1 - np.sqrt(r), "that is the paper's DISCARD probability 1 - sqrt(t/f); return the "
                             "keep probability, word2vec's sqrt(t/f) + t/f"),
            (1 - ref[frequent], "that is the probability of DISCARDING the word: keep = sqrt(t/f) + t/f"),
            (np.sqrt(rc) + rc, "f is the word's SHARE of the corpus, count / total, not its count"),
        ]
        for values, hint in known:
            if np.allclose(p, values, rtol=1e-6):
                raise _Fail(hint)
        i = int(np.flatnonzero(frequent)[0])
        raise _Fail(f"the most frequent word (count {counts[i]} of {total}, f = {f[i]:.3f}) should be "
                    f"kept with probability sqrt(t/f) + t/f = {ref[i]:.4f}, got {call()[i]:.4f}")

    def rare():
        p = call()[~frequent]
        if np.allclose(p, 1.0):
            return
        if np.all(p >= 1.0):
            raise _Fail(f"rare words got probabilities above 1 ({np.round(p, 2).tolist()}): clip, "
                        "min(1, sqrt(t/f) + t/f); a rare word is simply always kept")
        raise _Fail(f"words with f below about 2.6 t (here counts {counts[~frequent].tolist()}) are "
                    f"always kept, probability 1; got {np.round(p, 3).tolist()}")

    def off():
        p = np.asarray(fn(counts.copy(), 0.0), dtype=np.float64)
        if p.shape != counts.shape or not np.allclose(p, 1.0):
            raise _Fail("subsample=0 means no subsampling: every word is kept, probability 1 "
                        "(the formula would give 0: treat 0 as a special case)")

    _run(result, "one probability per word", shape, "call: fn(counts, subsample) with counts (V,)")
    _run(result, "frequent words: min(1, sqrt(t/f) + t/f)", formula)
    _run(result, "rare words always kept (clipped at 1)", rare)
    _run(result, "subsample=0 keeps every word", off)
    return _finish(result, verbose)


# ---------------------------------------------------------------------------
# analogy and analogy_accuracy (notebooks 07 and 09)
# ---------------------------------------------------------------------------

#: Toy 4-D word vectors for :func:`analogy`. Picked (by a seeded search, then rounded) so that for
#: man : woman = king : ? the 3CosAdd answers are queen, boy, girl; without leaving out the question
#: words "woman" wins; each sign mistake gives another first answer; and with the row lengths of
#: _ANALOGY_LENGTHS ("giant" six times longer than it should be) every way of skipping the row
#: normalisation changes the answers.
_ANALOGY_WORDS = ("man", "woman", "king", "queen", "boy", "girl", "prince", "apple", "giant")
_ANALOGY_VECS = np.array([
    [0.36, 0.16, 0.95, 0.12], [0.00, 1.04, 1.17, 0.08], [0.92, -0.05, 1.29, 0.10],
    [0.91, 0.91, 0.91, 0.38], [0.24, 0.20, 0.32, 0.22], [0.17, 0.80, 0.30, 0.19],
    [0.73, -0.06, 0.10, 0.38], [-0.43, 0.34, -0.68, 1.01], [0.46, -0.06, 0.34, 0.80],
])
_ANALOGY_LENGTHS = np.array([1.7, 1.3, 0.8, 1.8, 0.8, 1.0, 1.5, 1.2, 6.0])
#: Coefficients of (a, b, c) in the query: the right one and the classic sign mistakes.
_ANALOGY_QUERY = (-1, 1, 1)
_SIGN_MISTAKES = {"a - b + c": (1, -1, 1), "b - a - c": (-1, 1, -1), "a + b - c": (1, 1, -1),
                  "a + b + c": (1, 1, 1)}


def _unit_rows(W: np.ndarray) -> np.ndarray:
    return W / np.linalg.norm(W, axis=1, keepdims=True)


def _ranked(U: np.ndarray, coefs, ids, exclude: bool = True) -> list[int]:
    """Ids by cosine with ``sum coef * U[id]``, best first (question ids left out if ``exclude``)."""
    q = sum(k * U[i] for k, i in zip(coefs, ids, strict=True))
    scores = U @ (q / np.linalg.norm(q))
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    return [i for i in order if not (exclude and i in ids)]


def _parse_ranked(out, printed: str) -> tuple[list[str], list[float] | None]:
    """(words, scores or None) from a return value, or from printed ``word: score`` lines."""
    if out is None:
        pairs = [m.groups() for line in printed.splitlines() if (m := _SCORE_LINE.match(line))]
        return [w for w, _ in pairs], [float(s) for _, s in pairs]
    items = list(out)
    if all(isinstance(i, str) for i in items):
        return items, None
    try:
        return [str(i[0]) for i in items], [float(i[1]) for i in items]
    except (TypeError, IndexError, ValueError):
        raise _Fail("return a list of (word, score) pairs or a list of words, best first") from None


def analogy(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(a, b, c, word_to_id, id_to_word, word_matrix, top=5)`` answering ``a : b = c : ?``.

    It may return ``[(word, score), ...]`` or a list of words, best first, or print
    ``word: score`` lines as the book does. Toy 4-D vectors; the question is
    man : woman = king : ? (3CosAdd, :func:`w2vlib.evaluate.analogy`: queen, boy, girl).
    Cases: ``top`` results; a, b, c never among them; nearest to b - a + c, best first (hints
    for the sign mistakes a - b + c, b - a - c, a + b - c, a + b + c and for an ascending
    argsort); the same answers when every row is rescaled (catches raw dot products and a
    query built from raw vectors: normalise the rows); ``word_matrix`` left unchanged (no
    in-place ``W /= ...``); an unknown word gives a KeyError naming it (w2vlib's
    ``UnknownWordError``), or a printed message naming it and no answer (the book's way).
    """
    from ..evaluate import analogy as reference_analogy

    result = CheckResult("analogy")
    words = list(_ANALOGY_WORDS)
    word_to_id = {w: i for i, w in enumerate(words)}
    id_to_word = dict(enumerate(words))
    U = _unit_rows(_ANALOGY_VECS)
    S = U * _ANALOGY_LENGTHS[:, None]
    a, b, c, top = "man", "woman", "king", 3
    ids = [word_to_id[w] for w in (a, b, c)]
    want = [w for w, _ in reference_analogy(a, b, c, word_to_id, id_to_word, U, top=top)]
    least = [words[i] for i in _ranked(U, _ANALOGY_QUERY, ids)[-top:]]
    signs = {name: [words[i] for i in _ranked(U, k, ids)[:top]] for name, k in _SIGN_MISTAKES.items()}
    state: dict = {}

    def call(key, W):
        if key not in state:
            given = W.copy()
            buf = io.StringIO()
            try:
                with contextlib.redirect_stdout(buf):
                    out = fn(a, b, c, word_to_id, id_to_word, given, top=top)
            except Exception as e:
                state[key] = e
            else:
                state[key] = (out, buf.getvalue(), given)
        got = state[key]
        if isinstance(got, Exception):
            raise got
        out, printed, _ = got
        words_got, _ = _parse_ranked(out, printed)
        if not words_got:
            raise _Fail("your function returned no answers (None and no printed 'word: score' "
                        "lines); return [(word, score), ...] best first")
        return words_got

    def count():
        got = call("unit", U)
        if len(got) != top:
            raise _Fail(f"top={top} should give {top} answers, got {len(got)}: {got}")

    def excluded():
        got = call("unit", U)
        inside = [w for w in got if w in (a, b, c)]
        if inside:
            role = {a: "a", b: "b", c: "c"}
            raise _Fail(f"{', '.join(repr(w) + ' (' + role[w] + ')' for w in inside)} "
                        f"{'is' if len(inside) == 1 else 'are'} among the "
                        f"answers to {a} : {b} = {c} : ?. b - a + c is usually nearest to b or c "
                        "itself, so the three question words are never answers: set their scores "
                        "to -inf before ranking")

    def nearest():
        got = call("unit", U)
        rest = [w for w in got if w not in (a, b, c)]
        if not rest:
            raise _Fail("every answer was a question word; leave a, b and c out of the ranking")
        if rest == want[:len(rest)]:
            return
        question = f"{a} : {b} = {c} : ?"
        wrong = [name for name, ranked in signs.items() if rest == ranked[:len(rest)]]
        if wrong:
            raise _Fail(f"for {question} the answer is {want[0]!r}, you gave {rest[0]!r}: your "
                        f"answers {rest} are the words nearest to {' or '.join(wrong)}. "
                        "a : b = c : d means d - c = b - a, so the query is b - a + c "
                        "(woman - man + king)")
        if sorted(rest) == sorted(want[:len(rest)]):
            raise _Fail(f"the right words in the wrong order: {rest}, expected {want[:len(rest)]}. "
                        "Best first: sort by -similarity (argsort is ascending)")
        if set(rest) <= set(least):
            raise _Fail(f"these are the words LEAST like b - a + c ({rest}): argsort sorts "
                        "ascending, use (-similarity).argsort()")
        raise _Fail(f"for {question} expected {want} (cosine with b - a + c, unit vectors), "
                    f"got {got}")

    def rescaled():
        got_unit = call("unit", U)
        got_long = call("scaled", S)
        if got_long == got_unit:
            return
        extra = (" 'giant', a long vector pointing elsewhere, now wins by length alone."
                 if "giant" in got_long and "giant" not in got_unit else "")
        raise _Fail(f"your answers changed when every word vector was stretched or shrunk (same "
                    f"directions): {got_unit} became {got_long}.{extra} Cosine ignores length: "
                    "divide every row by its norm before forming b - a + c and before scoring "
                    "(a raw dot product, or a query from raw vectors, lets long vectors win)")

    def unchanged():
        for key, W in (("unit", U), ("scaled", S)):
            try:
                call(key, W)
            except _Fail:
                pass
            got = state[key]
            if isinstance(got, Exception):
                raise got
            if not np.array_equal(got[2], W):
                raise _Fail("your function changed word_matrix in place (e.g. `W /= norms`), so "
                            "the caller's vectors are no longer the same. Make a new array: "
                            "`unit = W / norms`")

    def unknown():
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                out = fn(a, b, "unicorn", word_to_id, id_to_word, U.copy(), top=top)
        except KeyError as e:
            if "unicorn" not in str(e):
                raise _Fail(f"'unicorn' is unknown and your KeyError says {str(e)!r}: name the "
                            "word in the message") from None
            return
        except Exception as e:
            raise _Fail(f"an unknown word ('unicorn') made your code raise {type(e).__name__}: "
                        f"{e}. Check that a, b and c are in word_to_id first, and raise a "
                        "KeyError naming the word (w2vlib raises UnknownWordError) or print a "
                        "message and return") from None
        printed = buf.getvalue()
        got = [] if out is None else list(out)
        if got:
            raise _Fail(f"{a} : {b} = unicorn : ? got the answers {got[:top]}, but 'unicorn' is "
                        "not in word_to_id (does `word_to_id.get(w, 0)` stand in word 0?). Raise "
                        "a KeyError naming it, or print a message and return nothing")
        if "unicorn" not in printed:
            raise _Fail("for an unknown word ('unicorn') your function returned nothing but did "
                        "not say why: name the word in a KeyError or a printed message")

    _run(result, f"returns top={top} answers", count,
         "call: fn(a, b, c, word_to_id, id_to_word, word_matrix, top=3)")
    _run(result, "question words a, b, c never answers", excluded)
    _run(result, "nearest to b - a + c, best first", nearest)
    _run(result, "same answers when rows are rescaled (rows normalised)", rescaled)
    _run(result, "word_matrix left unchanged", unchanged)
    _run(result, "unknown word: a KeyError or message naming it", unknown)
    return _finish(result, verbose)


# The toy benchmark of analogy_accuracy: every word is a basis vector (or a mix of two or three),
# so each question is exactly solved, unsolved, or solved only once a, b, c are left out.

_SEMANTIC_TOY = ("capital-common-countries", "family")
_SYNTACTIC_TOY = ("gram3-comparative", "gram8-plural")


def _accuracy_toy() -> tuple[dict, dict, np.ndarray, dict]:
    """(word_to_id, id_to_word, W, cases): ``cases[name] = {section: [(a, b, c, d), ...]}``.

    Question kinds: "solved" (d = b - a + c exactly), "unsolved" (d points away from it),
    "exclusion" (d at cosine 0.5 with b - a + c, below b and c at 0.58: solved only when the
    question words are left out), and "oov:X" (word X of the four is not in the vocabulary).
    """
    plan = {   # case -> section -> kinds of its questions
        "oov": {"capital-common-countries": ["solved", "solved", "oov:a", "unsolved"],
                "family": ["solved", "oov:d", "oov:c"],
                "gram3-comparative": ["solved", "unsolved", "oov:b", "oov:a", "oov:d"],
                "gram8-plural": ["unsolved", "unsolved", "oov:c"]},
        "exclusion": {"capital-common-countries": ["solved", "exclusion", "exclusion"],
                      "family": ["exclusion"],
                      "gram3-comparative": ["solved", "exclusion", "unsolved"],
                      "gram8-plural": ["unsolved"]},
        "kinds": {"capital-common-countries": ["solved", "solved"], "family": ["unsolved"],
                  "gram3-comparative": ["solved", "unsolved"],
                  "gram8-plural": ["unsolved", "unsolved"]},
        "total": {"capital-common-countries": ["solved"], "family": ["solved"],
                  "gram3-comparative": ["solved", "unsolved", "unsolved"],
                  "gram8-plural": ["unsolved", "unsolved", "unsolved"]},
    }
    n_basis = sum(4 for case in plan.values() for kinds in case.values() for _ in kinds)
    vecs: dict[str, np.ndarray] = {}
    basis = iter(np.eye(n_basis))
    cases: dict[str, dict[str, list[tuple[str, str, str, str]]]] = {}
    n = 0
    for case, sections in plan.items():
        cases[case] = {}
        for section, kinds in sections.items():
            qs = []
            for kind in kinds:
                n += 1
                a, b, c, d = (f"{x}{n:02d}" for x in "abcd")
                for w in (a, b, c):
                    vecs[w] = next(basis)
                q = vecs[b] - vecs[a] + vecs[c]
                q = q / np.linalg.norm(q)
                extra = next(basis)
                if kind == "solved":
                    vecs[d] = q
                elif kind == "unsolved":
                    vecs[d] = -q
                elif kind == "exclusion":
                    vecs[d] = 0.5 * q + np.sqrt(0.75) * extra
                else:                                   # "oov:x": word x is unknown
                    vecs[d] = q
                    gone = {"a": a, "b": b, "c": c, "d": d}[kind[-1]]
                    del vecs[gone]
                    a, b, c, d = (f"unknown{n:02d}" if w == gone else w for w in (a, b, c, d))
                qs.append((a, b, c, d))
            cases[case][section] = qs
    word_to_id = {w: i for i, w in enumerate(vecs)}
    id_to_word = {i: w for w, i in word_to_id.items()}
    W = np.array(list(vecs.values()))
    return word_to_id, id_to_word, W, cases


def _toy_scores(questions, word_to_id, W, exclude: bool = True, count_oov: str = "") -> dict:
    """``{kind: (correct, counted)}`` top-1 on the toy: the reference, or a classic mistake
    (``exclude=False``; ``count_oov="all"``: every question with an unknown word counted as
    wrong, ``"answer"``: those whose only unknown word is the answer d)."""
    U = _unit_rows(W)
    tally = {"semantic": [0, 0], "syntactic": [0, 0], "total": [0, 0]}
    for section, qs in questions.items():
        kind = "semantic" if section in _SEMANTIC_TOY else "syntactic"
        for q in qs:
            known = all(w in word_to_id for w in q)
            if not known:
                if count_oov == "all" or (count_oov == "answer"
                                          and all(w in word_to_id for w in q[:3])):
                    tally[kind][1] += 1
                    tally["total"][1] += 1
                continue
            ids = [word_to_id[w] for w in q[:3]]
            hit = _ranked(U, _ANALOGY_QUERY, ids, exclude)[0] == word_to_id[q[3]]
            for k in (kind, "total"):
                tally[k][0] += hit
                tally[k][1] += 1
    return {k: (v[0], v[1]) for k, v in tally.items()}


def _share(pair: tuple[int, int]) -> float:
    return pair[0] / pair[1] if pair[1] else 0.0


def _accuracy_values(out) -> dict[str, float]:
    """``{"semantic", "syntactic", "total"}`` -> float from a dict (numbers, or dicts with "top1")
    or from an object with ``summary()`` (an :class:`~w2vlib.evaluate.AnalogyReport`)."""
    if hasattr(out, "summary") and callable(out.summary):
        out = out.summary()
    if not isinstance(out, dict):
        raise _Fail(f"return a dict {{'semantic': ..., 'syntactic': ..., 'total': ...}} of "
                    f"accuracies, got {type(out).__name__}")
    missing = [k for k in ("semantic", "syntactic", "total") if k not in out]
    if missing:
        raise _Fail(f"the returned dict lacks {missing}; it needs 'semantic', 'syntactic' and "
                    "'total'")
    values = {}
    for k in ("semantic", "syntactic", "total"):
        v = out[k]
        if isinstance(v, dict) and "top1" in v:
            v = v["top1"]
        try:
            values[k] = float(v)
        except (TypeError, ValueError):
            raise _Fail(f"{k!r} should be a number (top-1 accuracy), got {v!r}") from None
    return values


def analogy_accuracy(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(questions, word_to_id, id_to_word, word_matrix)`` scoring analogy questions.

    questions: ``{section: [(a, b, c, d), ...]}`` as :func:`w2vlib.evaluate.load_analogy_questions`
    returns. ``fn`` returns top-1 accuracies as fractions, ``{"semantic": s, "syntactic": y,
    "total": t}`` (an :class:`~w2vlib.evaluate.AnalogyReport` or its ``summary()`` also do).
    Semantic sections are those in :data:`w2vlib.evaluate.SEMANTIC_SECTIONS`; the others
    (``gram1``..``gram9``) are syntactic. An answer is the word nearest to b - a + c (3CosAdd),
    a, b, c left out. Toy benchmarks with exact answers, one per classic mistake: a question with
    an unknown word (any of the four) is skipped, not counted wrong; the question words are left
    out of the answers; semantic and syntactic sections are scored apart; the total pools every
    covered question (not the mean of the two accuracies); fractions, not percentages.
    """
    result = CheckResult("analogy_accuracy")
    word_to_id, id_to_word, W, cases = _accuracy_toy()
    state: dict = {}

    def values(case, percent_ok=True):
        if case not in state:
            qs = {s: list(q) for s, q in cases[case].items()}
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    state[case] = fn(qs, dict(word_to_id), dict(id_to_word), W.copy())
            except Exception as e:
                state[case] = e
        out = state[case]
        if isinstance(out, Exception):
            raise out
        v = _accuracy_values(out)
        if any(x > 1 for x in v.values()) and all(0 <= x <= 100 for x in v.values()):
            if not percent_ok:
                raise _Fail(f"accuracies are fractions in [0, 1] (0.25 = a quarter of the "
                            f"questions), got percentages ({fmt(v)}): drop the * 100")
            v = {k: x / 100 for k, x in v.items()}      # judged by the form check alone
        return v

    def close(x, y):
        return abs(x - y) < 1e-6

    def fmt(v):
        return ", ".join(f"{k} {x:.3f}" for k, x in v.items())

    def form():
        v = values("total", percent_ok=False)
        bad = {k: x for k, x in v.items() if not 0 <= x <= 1}
        if bad:
            raise _Fail(f"accuracies must lie in [0, 1], got {bad}")

    def oov():
        v = values("oov")
        ref = _toy_scores(cases["oov"], word_to_id, W)
        want = _share(ref["total"])
        if close(v["total"], want):
            return
        for how, what in (("all", "questions with a word missing from word_to_id"),
                          ("answer", "questions whose answer d is missing from word_to_id")):
            counted = _toy_scores(cases["oov"], word_to_id, W, count_oov=how)
            if close(v["total"], _share(counted["total"])):
                raise _Fail(f"total {v['total']:.3f} = {counted['total'][0]}/{counted['total'][1]}: "
                            f"the {counted['total'][1] - ref['total'][1]} {what} were counted as "
                            "wrong. Skip them: they are not covered, so the accuracy is "
                            f"{ref['total'][0]}/{ref['total'][1]} = {want:.3f} (check all four "
                            "words, the answer d too)")
        raise _Fail(f"on questions with unknown words, expected total {want:.3f} "
                    f"({ref['total'][0]} right of {ref['total'][1]} covered), got {v['total']:.3f}")

    def exclusion():
        v = values("exclusion")
        ref = _toy_scores(cases["exclusion"], word_to_id, W)
        want = _share(ref["total"])
        if close(v["total"], want):
            return
        kept = _toy_scores(cases["exclusion"], word_to_id, W, exclude=False)
        if close(v["total"], _share(kept["total"])):
            raise _Fail(f"total {v['total']:.3f} instead of {want:.3f}: in some questions b or c "
                        "itself is nearest to b - a + c and your code took it as the answer. "
                        "Leave the three question words out (score -inf) before taking the best")
        raise _Fail(f"expected total {want:.3f} ({ref['total'][0]} of {ref['total'][1]}), "
                    f"got {v['total']:.3f}")

    def kinds():
        v = values("kinds")
        ref = {k: _share(x) for k, x in _toy_scores(cases["kinds"], word_to_id, W).items()}
        if close(v["semantic"], ref["semantic"]) and close(v["syntactic"], ref["syntactic"]):
            return
        sections = "semantic: " + ", ".join(_SEMANTIC_TOY) + "; syntactic: " + ", ".join(_SYNTACTIC_TOY)
        if close(v["semantic"], ref["syntactic"]) and close(v["syntactic"], ref["semantic"]):
            raise _Fail(f"semantic and syntactic are swapped ({fmt(v)}). The semantic sections are "
                        "those in w2vlib.evaluate.SEMANTIC_SECTIONS (capitals, currency, "
                        "city-in-state, family); gram1..gram9 are syntactic")
        if close(v["semantic"], ref["total"]) or close(v["syntactic"], ref["total"]):
            raise _Fail(f"one of semantic/syntactic equals the accuracy over ALL sections "
                        f"({ref['total']:.3f}): score each group on its own sections only "
                        f"({sections})")
        raise _Fail(f"expected semantic {ref['semantic']:.3f} and syntactic {ref['syntactic']:.3f}, "
                    f"got {fmt(v)}. Sort each section into its group by name ({sections}; "
                    "w2vlib.evaluate.SEMANTIC_SECTIONS lists the semantic ones)")

    def total():
        v = values("total")
        ref = _toy_scores(cases["total"], word_to_id, W)
        want = _share(ref["total"])
        if close(v["total"], want):
            return
        mean = (_share(ref["semantic"]) + _share(ref["syntactic"])) / 2
        if close(v["total"], mean):
            raise _Fail(f"total {v['total']:.3f} is the mean of the semantic and syntactic "
                        f"accuracies, but the groups differ in size ({ref['semantic'][1]} and "
                        f"{ref['syntactic'][1]} questions): pool them, right answers over all "
                        f"covered questions = {ref['total'][0]}/{ref['total'][1]} = {want:.3f}")
        raise _Fail(f"expected total {want:.3f} ({ref['total'][0]} of {ref['total'][1]} covered "
                    f"questions), got {v['total']:.3f}")

    _run(result, "returns semantic, syntactic, total as fractions", form,
         "call: fn(questions, word_to_id, id_to_word, word_matrix)")
    _run(result, "questions with an unknown word skipped, not counted", oov,
         "some questions hold a word that is not in word_to_id: skip those")
    _run(result, "question words a, b, c never answers", exclusion)
    _run(result, "semantic and syntactic sections scored apart", kinds)
    _run(result, "total pools every covered question", total)
    return _finish(result, verbose)
