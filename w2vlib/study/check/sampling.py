"""Check of the negative sampler (notebook 05), and the random-state bookkeeping every
check of random code needs.

A learner's sampler may draw from its own Generator or from the global ``np.random``:
:class:`Replay` rewinds every random state reachable from an object, and
:func:`fixed_global_state` makes the global one reproducible for the length of a check.
The reference distribution is that of :class:`w2vlib.negative_sampling.UnigramSampler`.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np

from w2vlib.i18n import N_, _

from ...negative_sampling import UnigramSampler
from .report import CheckResult, Fail, construct, finish, learner_error, run

__all__ = ["unigram_sampler", "Replay", "fixed_global_state", "find_rngs"]

_RNG_TYPES = (np.random.Generator, np.random.RandomState)


def find_rngs(obj, depth: int = 2) -> list:
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


class Replay:
    """Snapshot every random state a learner object may draw from; ``restore()`` rewinds them."""

    def __init__(self, obj):
        self.rngs = find_rngs(obj)
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
def fixed_global_state():
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

_POWER = 0.75
# ids 0..4 are the words whose frequencies are measured; 5 is the target
_COUNTS = np.array([60, 25, 10, 4, 1, 5])


def _make_sampler(cls, corpus, power, sample_size):
    try:
        return cls(corpus, power, sample_size, seed=0)
    except TypeError:
        return construct(cls, corpus, power, sample_size, what=_("your sampler(corpus, power, sample_size)"))
    except Exception as e:
        raise learner_error(e, _("constructing your sampler")) from None


def _safe_sampler(cls, corpus, power):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _make_sampler(cls, corpus, power, 1)
    except Exception:
        return None


def _reference_p(corpus) -> np.ndarray:
    """p(w) = counts**power / sum(counts**power), from the library's sampler."""
    return UnigramSampler(corpus, power=_POWER, sample_size=1, seed=0).word_p


def _power_hint(p, counts, power) -> str:
    p = np.asarray(p, dtype=np.float64)
    plain = counts / counts.sum()
    if p.shape == plain.shape and np.allclose(p, plain, atol=0.02):
        return _("the probabilities follow the raw counts: raise them to the power {power} first, "
                 "p = counts**0.75 / sum(counts**0.75) (rare words get a bigger share)").format(
                     power=power)
    if p.shape == plain.shape and not np.isclose(p.sum(), 1.0, atol=0.02):
        return _("the probabilities sum to {total:.3g}, not 1: normalise, "
                 "p = counts**power / sum(counts**power)").format(total=p.sum())
    return _("p(w) should be counts[w]**power / sum(counts**power), 0 for words that never occur")


def _shape(cls, corpus) -> None:
    s = _make_sampler(cls, corpus, _POWER, 3)
    neg = np.asarray(s.get_negative_sample(np.array([0, 1, 2, 5])))
    if neg.shape != (4, 3):
        raise Fail(_("4 targets and sample_size=3 should give shape (4, 3), got {neg_shape}").format(
                       neg_shape=neg.shape))
    if not np.issubdtype(neg.dtype, np.integer):
        raise Fail(_("negatives must be integer word ids, got dtype {dtype}").format(dtype=neg.dtype))


def _exclusion(cls, corpus) -> None:
    c = np.array([50, 10, 8, 6, 5, 4, 3, 2, 2, 1])
    s = _make_sampler(cls, np.repeat(np.arange(10), c), _POWER, 5)
    target = np.repeat(np.arange(4), 50)
    neg = np.asarray(s.get_negative_sample(target))
    bad = np.flatnonzero((neg == target[:, None]).any(axis=1))
    if bad.size:
        raise Fail(_("{size} of {size2} rows contain their own target (e.g. row "
                     "{bad_0}: target {target}, negatives {tolist}). "
                     "A target is not its own negative: set p[target] = 0 and renormalise "
                     "(or redraw those entries)").format(
                       size=bad.size, size2=target.size, bad_0=bad[0], target=target[bad[0]],
                       tolist=neg[bad[0]].tolist()))


def _other_rows(cls, corpus) -> None:
    # Half the rows have target 0, the most frequent word (p = 0.47); the other half target 5.
    # A row with target 5 draws 0 with probability p(0) / (1 - p(5)) = 0.51, so 150 such draws
    # hold about 76 zeros and fewer than 19 with probability below 1e-20. A sampler that zeroes
    # p for every target of the batch at once draws none.
    n, k = 50, 3
    s = _make_sampler(cls, corpus, _POWER, k)
    target = np.repeat(np.array([0, 5]), n)
    neg = np.asarray(s.get_negative_sample(target))
    others = neg[target == 5]
    p = _reference_p(corpus)
    want = others.size * p[0] / (1 - p[5])
    got = int(np.sum(others == 0))
    if got < want / 4:
        raise Fail(_("word 0 is the target of rows 0..{value} only, yet the {n} rows whose target "
                     "is 5 drew it {got} times in {size} draws (about {want:.0f} are "
                     "due). A target is excluded from its OWN row only: `p[target] = 0` for the "
                     "whole batch at once removes every row's target from every row. Zero "
                     "p[target[i]] for row i alone (a loop over rows), or draw from the full p "
                     "and redraw the entries equal to their row's target").format(
                       value=n - 1, n=n, got=got, size=others.size, want=want))


def _word_p(cls, corpus) -> None:
    p = np.asarray(_make_sampler(cls, corpus, _POWER, 1).word_p, dtype=np.float64)
    want = _reference_p(corpus)
    if p.shape != want.shape or not np.allclose(p, want, rtol=1e-6):
        raise Fail(_power_hint(p, _COUNTS, _POWER))


def _frequencies(cls, corpus) -> None:
    s = _make_sampler(cls, corpus, _POWER, 1)
    n = 10_000
    neg = np.asarray(s.get_negative_sample(np.full(n, 5))).reshape(-1)
    if neg.size != n:
        raise Fail(_("expected {n} draws (sample_size=1), got {size}").format(n=n, size=neg.size))
    p = _reference_p(corpus)
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
        raise Fail(_("{power_hint} (measured vs expected "
                     "frequencies {measured}; tolerance 5 standard errors over {m} draws)").format(
                       power_hint=_power_hint(got, _COUNTS[:5], _POWER), measured=measured, m=m))


def _unused(cls, corpus) -> None:
    corp = np.repeat(np.array([0, 1, 2, 4, 5, 7]), [30, 10, 8, 6, 4, 3])
    s = _make_sampler(cls, corp, _POWER, 2)
    neg = np.asarray(s.get_negative_sample(np.tile(np.array([0, 1, 2]), 400)))
    drawn = sorted({3, 6} & set(np.unique(neg).tolist()))
    if drawn:
        raise Fail(_("ids {drawn} never occur in the corpus but were drawn: give them "
                     "probability 0 (count 0 -> p 0; beware 0**0 == 1)").format(drawn=drawn))


def unigram_sampler(cls, verbose: bool = True) -> CheckResult:
    """Check a negative sampler: ``cls(corpus, power, sample_size[, seed=])``,
    ``get_negative_sample(target) -> (N, sample_size)`` int ids.

    Cases: shape and dtype; no row contains its own target; another row's target
    may be drawn (half the rows have target 0, the most frequent word, and 0 must appear
    among the other rows' negatives: catches ``p[target] = 0`` for the whole batch); a row's draws
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
    corpus = np.random.default_rng(2).permutation(np.repeat(np.arange(6), _COUNTS))
    cases = [(N_("get_negative_sample shape (N, sample_size), ints"), _shape,
              N_("call: get_negative_sample(target) with target of shape (N,)")),
             (N_("target never among its own negatives"), _exclusion, ""),
             (N_("another row's target can be a negative"), _other_rows, ""),
             (N_("word_p = counts**power, normalised"), _word_p, ""),   # if it has word_p
             (N_("frequencies follow counts**power"), _frequencies,
              N_("if numpy says the probabilities do not sum to 1: divide by their sum")),
             (N_("ids absent from the corpus never drawn"), _unused, "")]
    with fixed_global_state():
        for name, case, on_error in cases:
            # asked after the first two cases, as those may draw from the global state
            if case is _word_p and not hasattr(_safe_sampler(cls, corpus, _POWER), "word_p"):
                continue
            run(result, name, lambda case=case: case(cls, corpus), on_error)
    return finish(result, verbose)
