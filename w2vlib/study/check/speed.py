"""Checks of notebook 08's exercises, the two ideas of the fast trainer: the sparse
scatter-add of rows and word2vec's subsampling of frequent words.

References: ``np.add.at`` (what :func:`w2vlib.speed.scatter.scatter_add` computes, faster)
and :func:`w2vlib.speed.keep_probabilities`.
"""

from __future__ import annotations

import numpy as np

from w2vlib.i18n import N_, _

from ...speed import keep_probabilities
from .report import CheckResult, Fail, finish, run, run_cases

__all__ = ["scatter_add_rows", "keep_probability"]


# ---------------------------------------------------------------------------
# scatter_add_rows
# ---------------------------------------------------------------------------

def _most_repeated(idx) -> tuple[int, int]:
    """The id that occurs most often in ``idx`` and how often."""
    ids, counts = np.unique(np.ravel(idx), return_counts=True)
    i = int(np.argmax(counts))
    return int(ids[i]), int(counts[i])


def _scatter_mistake(W, before, idx, rows) -> str:
    """The hint for ``W`` (after ``fn``) given ``before``: which known mistake it is."""
    D = W.shape[1]
    assigned = before.copy()
    assigned[idx] = rows
    if np.allclose(W, assigned) and len(np.unique(idx)) == np.size(idx):
        return _("the rows REPLACED W's rows: add them to what is there (+=)")
    buffered = before.copy()
    buffered[idx] += rows
    if np.allclose(W, buffered) or np.allclose(W, assigned):
        w, n = _most_repeated(idx)
        return _("id {w} appears {n} times but its row received only one of its {n} updates: "
                 "`W[idx] += rows` reads all rows first, then writes each id once. Use "
                 "np.add.at(W, idx, rows) (or w2vlib.speed.scatter.scatter_add), or a loop").format(
                     w=w, n=n)
    if np.ndim(idx) > 1:
        per_row = before.copy()
        for n in range(len(idx)):
            per_row[idx[n]] += rows[n]
        if np.allclose(W, per_row):
            return _("a loop over the first axis adds a whole row of ids at once, "
                     "`W[idx[n]] += rows[n]`, which drops repeats within the row just like "
                     "`W[idx] += rows` (idx[0] holds id 2 twice). Flatten both first: "
                     "idx.reshape(-1), rows.reshape(-1, D), or use np.add.at")
    mean = before.copy()
    ids, inv, counts = np.unique(np.ravel(idx), return_inverse=True, return_counts=True)
    sums = np.zeros((len(ids), D))
    np.add.at(sums, inv, np.reshape(rows, (-1, D)))
    mean[ids] += sums / counts[:, None]
    if np.allclose(W, mean):
        return _("the updates of a repeated id were averaged: they must be summed "
                 "(each occurrence is its own example's step)")
    return _("with ids {ids}, W[w] must grow by the sum of rows[k] "
             "over all k with idx[k] == w, every other row stay as it was").format(
                 ids=np.asarray(idx).tolist())


def _apply(fn, W, idx, rows) -> np.ndarray:
    """Run fn on W; return W after, or fail with the hint for a known mistake."""
    before = W.copy()
    ret = fn(W, idx, rows.copy())
    want = before.copy()
    np.add.at(want, idx, rows)
    if np.array_equal(W, before):
        if isinstance(ret, np.ndarray) and ret.shape == W.shape and np.allclose(ret, want):
            raise Fail(_("W is unchanged and a new array was returned: add into W itself (the "
                         "model keeps using that array), e.g. np.add.at(W, idx, rows)"))
        raise Fail(_("W did not change: add the rows into W in place"))
    if np.allclose(W, want, rtol=1e-6, atol=1e-6):
        return W
    raise Fail(_scatter_mistake(W, before, idx, rows))


def _sc_float32(fn, W0, rng) -> None:
    W = _apply(fn, W0.astype(np.float32), np.array([2, 5, 0]),
               rng.normal(size=(3, W0.shape[1])).astype(np.float32))
    if W.dtype != np.float32:
        raise Fail(_("a float32 W became {dtype}: add into it, don't build a new matrix").format(
                       dtype=W.dtype))


def scatter_add_rows(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(W, idx, rows)``: add ``rows[i]`` to ``W[idx[i]]`` for every i, in place,
    repeated ids adding up -- the sparse update at the heart of the fast trainer.

    W: (V, D); idx: integer ids of any shape S; rows: S + (D,). Cases: distinct ids (added,
    not assigned; W changed in place, not a new array returned); repeated ids (catches
    ``W[idx] += rows``, which NumPy buffers: a repeated id gets one of its rows, not all);
    2-D ids, as a target with its negatives; a float32 W stays float32.
    Reference: ``np.add.at``.
    """
    result = CheckResult("scatter_add_rows")
    rng = np.random.default_rng(8)
    V, D = 6, 3
    W0 = rng.normal(size=(V, D))
    run(result, N_("distinct ids: rows added to W in place"),
        lambda: _apply(fn, W0.copy(), np.array([4, 0, 2]), rng.normal(size=(3, D))),
        N_("call: fn(W, idx, rows) with W (V, D), idx (N,), rows (N, D)"))
    run(result, N_("repeated ids: every row added"),
        lambda: _apply(fn, W0.copy(), np.array([1, 3, 1, 1, 5]), rng.normal(size=(5, D))))
    # a target and two negatives per row; id 2 twice in a row, id 0 in both rows
    run(result, N_("2-D ids with repeats (target + negatives)"),
        lambda: _apply(fn, W0.copy(), np.array([[0, 2, 2], [5, 0, 3]]), rng.normal(size=(2, 3, D))),
        N_("rows has shape idx.shape + (D,): flatten both, idx.reshape(-1) and rows.reshape(-1, D)"))
    run(result, N_("float32 W stays float32"), lambda: _sc_float32(fn, W0, rng))
    return finish(result, verbose)


# ---------------------------------------------------------------------------
# keep_probability
# ---------------------------------------------------------------------------

class _KeepToy:
    """Six word counts and t = 1e-3: the reference, which words are frequent, ``fn``'s answer."""

    counts = np.array([5000, 1200, 300, 60, 10, 1])
    t = 1e-3

    def __init__(self, fn):
        self.fn = fn
        self.total = self.counts.sum()
        self.f = self.counts / self.total
        self.ref = keep_probabilities(self.counts, self.t)
        self.frequent = self.ref < 1
        self.state: dict = {}

    def call(self) -> np.ndarray:
        if "p" not in self.state:
            self.state["p"] = np.asarray(self.fn(self.counts.copy(), self.t), dtype=np.float64)
        return self.state["p"]


def _kp_shape(toy: _KeepToy) -> None:
    p, counts = toy.call(), toy.counts
    if p.shape != counts.shape:
        raise Fail(_("{n_counts} counts should give {n_counts} probabilities, shape "
                     "{counts_shape}; got {p_shape}").format(
                       n_counts=len(counts), counts_shape=counts.shape, p_shape=p.shape))
    if not np.all(np.isfinite(p)):
        raise Fail(_("the probabilities are not all finite: {tolist}").format(tolist=p.tolist()))


def _kp_formula(toy: _KeepToy) -> None:
    frequent, ref, t = toy.frequent, toy.ref, toy.t
    p = toy.call()[frequent]
    if np.allclose(p, ref[frequent], rtol=1e-6):
        return
    r = t / toy.f[frequent]
    rc = t / toy.counts[frequent]
    known = [
        (np.sqrt(r), N_("that is the PAPER's formula: it discards with probability 1 - sqrt(t/f), "
                        "so keeps sqrt(t/f); word2vec's code keeps sqrt(t/f) + t/f")),
        (1 - np.sqrt(r), N_("that is the paper's DISCARD probability 1 - sqrt(t/f); return the "
                            "keep probability, word2vec's sqrt(t/f) + t/f")),
        (1 - ref[frequent], N_("that is the probability of DISCARDING the word: keep = sqrt(t/f) + t/f")),
        (np.sqrt(rc) + rc, N_("f is the word's SHARE of the corpus, count / total, not its count")),
    ]
    for values, hint in known:
        if np.allclose(p, values, rtol=1e-6):
            raise Fail(_(hint))
    i = int(np.flatnonzero(frequent)[0])
    raise Fail(_("the most frequent word (count {counts} of {total}, f = {f:.3f}) "
                 "should be kept with probability sqrt(t/f) + t/f = {ref:.4f}, got "
                 "{value:.4f}").format(
                   counts=toy.counts[i], total=toy.total, f=toy.f[i], ref=ref[i], value=toy.call()[i]))


def _kp_rare(toy: _KeepToy) -> None:
    p = toy.call()[~toy.frequent]
    if np.allclose(p, 1.0):
        return
    if np.all(p >= 1.0):
        raise Fail(_("rare words got probabilities above 1 ({tolist}): clip, "
                     "min(1, sqrt(t/f) + t/f); a rare word is simply always kept").format(
                       tolist=np.round(p, 2).tolist()))
    raise Fail(_("words with f below about 2.6 t (here counts {tolist}) "
                 "are always kept, probability 1; got {tolist2}").format(
                   tolist=toy.counts[~toy.frequent].tolist(), tolist2=np.round(p, 3).tolist()))


def _kp_off(toy: _KeepToy) -> None:
    p = np.asarray(toy.fn(toy.counts.copy(), 0.0), dtype=np.float64)
    if p.shape != toy.counts.shape or not np.allclose(p, 1.0):
        raise Fail(_("subsample=0 means no subsampling: every word is kept, probability 1 "
                     "(the formula would give 0: treat 0 as a special case)"))


_KEEP_CASES = (
    (N_("one probability per word"), _kp_shape, N_("call: fn(counts, subsample) with counts (V,)")),
    (N_("frequent words: min(1, sqrt(t/f) + t/f)"), _kp_formula, ""),
    (N_("rare words always kept (clipped at 1)"), _kp_rare, ""),
    (N_("subsample=0 keeps every word"), _kp_off, ""),
)


def keep_probability(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(counts, subsample) -> (V,)``: word2vec's probability of keeping one occurrence
    of each word when it subsamples frequent words (Mikolov et al. 2013).

    With ``f = count / total`` a word's share of the corpus and ``t = subsample``, word2vec's
    C code keeps a word with probability ``min(1, sqrt(t / f) + t / f)`` -- not the paper's
    ``sqrt(t / f)`` (its discard probability ``1 - sqrt(t / f)``); ``subsample = 0`` keeps
    everything. Reference: :func:`w2vlib.speed.keep_probabilities`. Cases: one probability per
    word; frequent words (hints for the paper's formula, a discard probability, counts used
    instead of shares); rare words kept always (clipped at 1); subsample 0.
    """
    toy = _KeepToy(fn)
    return run_cases("keep_probability", _KEEP_CASES, (toy,), verbose)
