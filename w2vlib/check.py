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

from .functions import softplus
from .gradcheck import numerical_gradient, relative_error
from .layers import SigmoidWithLoss

__all__ = [
    "CheckResult",
    "embedding_backward",
    "sigmoid_with_loss",
    "unigram_sampler",
    "negative_sampling_loss",
    "most_similar",
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
    if out is None:
        pairs = [m.groups() for line in buf.getvalue().splitlines() if (m := _SCORE_LINE.match(line))]
        if not pairs:
            raise _Fail("your function returned None and printed no 'word: score' lines; "
                        "return [(word, score), ...] best first")
        return [w for w, _ in pairs], [float(s) for _, s in pairs]
    items = list(out)
    if all(isinstance(i, str) for i in items):
        return items, None
    try:
        return [str(i[0]) for i in items], [float(i[1]) for i in items]
    except (TypeError, IndexError, ValueError):
        raise _Fail("return a list of (word, score) pairs or a list of words, best first") from None


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
