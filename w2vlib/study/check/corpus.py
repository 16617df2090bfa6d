"""Check of notebook 01's exercise: contexts and targets from a corpus of word ids.

The reference is the book's definition, as :func:`w2vlib.corpus.create_contexts_target`
implements it; every case reads the learner's answer through one :class:`_ContextsToy`.
"""

from __future__ import annotations

import numpy as np

from w2vlib.i18n import N_, _

from ...corpus import create_contexts_target
from .report import CheckResult, Fail, run_cases

__all__ = ["contexts_target"]


class _ContextsToy:
    """12 *different* ids, so every value names its position; ``fn``'s answers, cached."""

    corpus = np.array([7, 3, 9, 0, 5, 11, 2, 8, 4, 10, 1, 6])

    def __init__(self, fn):
        self.fn = fn
        self.T = len(self.corpus)
        self.state: dict = {}

    def call(self, w) -> tuple[np.ndarray, np.ndarray]:
        if w not in self.state:
            out = self.fn(self.corpus.copy(), w)
            try:
                contexts, target = out
            except (TypeError, ValueError):
                raise Fail(_("return two arrays: `return contexts, target`")) from None
            self.state[w] = (np.asarray(contexts), np.asarray(target))
        return self.state[w]

    def want(self, w) -> tuple[np.ndarray, np.ndarray]:
        return create_contexts_target(self.corpus, w)

    def target_hint(self, target, w) -> str:
        corpus, T = self.corpus, self.T
        t = target.reshape(-1)
        if t.size and t[0] == corpus[0]:
            return _("the first target is corpus[0], whose left neighbour corpus[-1] does not "
                     "exist: NumPy's negative index silently wraps around to the END of the corpus. "
                     "Targets start at position window_size ({w})").format(w=w)
        if t.size == T - 2 * w - 1 and np.array_equal(t, corpus[w:T - w - 1]):
            return _("the last target, corpus[{last}], is missing (its right neighbours exist): "
                     "range(window_size, len(corpus) - window_size) already leaves out its end "
                     "value, so subtract nothing more").format(last=T - w - 1)
        return _("targets should be corpus[window_size:len(corpus) - window_size], "
                 "{n} of them for {T} words and window {w}").format(n=T - 2 * w, T=T, w=w)


def _shapes1(toy: _ContextsToy) -> None:
    contexts, target = toy.call(1)
    wc, wt = toy.want(1)
    T = toy.T
    if contexts.shape == wt.shape and target.shape == wc.shape:
        raise Fail(_("contexts and target came back swapped: return contexts first, "
                     "`return contexts, target`"))
    if target.shape != wt.shape:
        n = target.reshape(-1).size
        more = _("one too many") if n == T - 1 else _("one too few") if n == T - 3 else f"{n}"
        raise Fail(_("{T} words with window 1 give {value} targets, shape ({value},); got "
                     "{target_shape}, {more} (the targets check says which)").format(
                       T=T, value=T - 2, target_shape=target.shape, more=more))
    if contexts.shape == (T - 2, 3):
        raise Fail(_("each context row has 3 words: the target itself is in it. Skip the "
                     "offset 0 (`if t == 0: continue`)"))
    if contexts.shape != wc.shape:
        raise Fail(_("contexts should have shape ({value}, 2), one row of 2 * window_size "
                     "words per target; got {contexts_shape}").format(
                       value=T - 2, contexts_shape=contexts.shape))


def _targets1(toy: _ContextsToy) -> None:
    _unused, target = toy.call(1)
    wt = toy.want(1)[1]
    if target.shape != wt.shape or not np.array_equal(target, wt):
        raise Fail(toy.target_hint(target, 1))


def _contexts1(toy: _ContextsToy) -> None:
    contexts, _unused = toy.call(1)
    wc = toy.want(1)[0]
    corpus, T = toy.corpus, toy.T
    if contexts.shape == wc.shape and np.array_equal(contexts, wc):
        return
    if contexts.shape == wc.shape and np.array_equal(contexts, wc[:, ::-1]):
        raise Fail(_("left and right are swapped: row i is [corpus[i - 1], corpus[i + 1]] "
                     "around target corpus[i], offsets -1 then +1"))
    if contexts.shape == (T - 2, 3):
        raise Fail(_("the target is inside its own context: skip the offset 0"))
    if contexts.ndim == 2 and len(contexts) and contexts[0, 0] == corpus[-1]:
        raise Fail(_("the first row starts with corpus[-1] = {corpus}, the LAST word of the "
                     "corpus: a left neighbour that wrapped around").format(corpus=corpus[-1]))
    if contexts.shape != wc.shape:
        raise Fail(_("contexts should have one row per target, shape {wc_shape}; "
                     "got {contexts_shape}").format(
                       wc_shape=wc.shape, contexts_shape=contexts.shape))
    i = int(np.flatnonzero((contexts != wc).any(axis=1))[0])
    raise Fail(_("row i should hold the neighbours of target i: for target {i}, corpus[{value}] = "
                 "{corpus}, that is {tolist}; got {tolist2}").format(
                   i=i, value=i + 1, corpus=corpus[i + 1], tolist=wc[i].tolist(),
                   tolist2=contexts[i].tolist()))


def _window2(toy: _ContextsToy) -> None:
    contexts, target = toy.call(2)
    wc, wt = toy.want(2)
    T = toy.T
    if contexts.shape == (T - 2, 2):
        raise Fail(_("window_size=2 gave the window-1 answer: use window_size in both the range "
                     "of target positions and the offsets, range(-window_size, window_size + 1)"))
    if target.shape != wt.shape or not np.array_equal(target, wt):
        t = target.reshape(-1)
        if t.size and t[0] == toy.corpus[0]:
            raise Fail(_("window 2: the targets start at corpus[0] again; they start at "
                         "corpus[window_size]"))
        raise Fail(_("window 2: {target_hint}").format(target_hint=toy.target_hint(target, 2)))
    if contexts.shape == (T - 4, 5):
        raise Fail(_("each row has 5 words: the target itself is in it; skip the offset 0"))
    if contexts.shape != wc.shape:
        raise Fail(_("window 2 should give contexts of shape ({value}, 4), got {contexts_shape}").format(
                       value=T - 4, contexts_shape=contexts.shape))
    if np.array_equal(contexts, wc):
        return
    if np.array_equal(np.sort(contexts, axis=1), np.sort(wc, axis=1)):
        raise Fail(_("the right words in another order: list them left to right, offsets "
                     "-2, -1, +1, +2 (first row {tolist}, got {tolist2}). "
                     "CBOW averages them, so the model would not mind, but the book and w2vlib "
                     "use this order").format(tolist=wc[0].tolist(), tolist2=contexts[0].tolist()))
    raise Fail(_("window 2: row i should be the words at offsets -2, -1, +1, +2 around "
                 "target i; first row {tolist}, got {tolist2}").format(
                   tolist=wc[0].tolist(), tolist2=contexts[0].tolist()))


def _arrays(toy: _ContextsToy) -> None:
    contexts, target = toy.fn(toy.corpus.copy(), 1)
    for name, a in (("contexts", contexts), ("target", target)):
        if not isinstance(a, np.ndarray):
            raise Fail(_("{name} is a {type}: return NumPy arrays, "
                         "`np.array(contexts), np.array(target)` (layers index with them)").format(
                           name=name, type=type(a).__name__))
        if not np.issubdtype(a.dtype, np.integer):
            raise Fail(_("{name} has dtype {dtype}: word ids are integers").format(
                           name=name, dtype=a.dtype))


_CASES = (
    (N_("window 1: shapes (T - 2, 2) and (T - 2,)"), _shapes1,
     N_("call: fn(corpus, window_size) with corpus a (T,) array of ids")),
    (N_("window 1: targets are corpus[1:-1]"), _targets1, ""),
    (N_("window 1: contexts are (left, right) neighbours"), _contexts1, ""),
    (N_("window 2: 4 context words, left to right"), _window2, ""),
    (N_("returns integer NumPy arrays"), _arrays, ""),
)


def contexts_target(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(corpus, window_size) -> (contexts, target)`` like the book's create_contexts_target.

    corpus: (T,) word ids. Expected: ``target = corpus[w:T-w]``, shape (T - 2w,), and
    ``contexts`` of shape (T - 2w, 2w), row i the words at offsets -w..-1, +1..+w around
    target i, left to right. The test corpus has 12 *different* ids, so every value names
    its position. Cases: window 1 shapes; targets (catches a first target whose left
    neighbour ``corpus[-1]`` silently wraps around to the end, and a missing last target);
    window-1 contexts (order, the target itself inside its context); window 2; integer
    NumPy arrays. Reference: :func:`w2vlib.corpus.create_contexts_target`.
    """
    toy = _ContextsToy(fn)
    return run_cases("contexts_target", _CASES, (toy,), verbose)
