"""Checks of a whole word2vec model with negative sampling: CBOW (the book's ``cbow.py``,
notebook 06) and skip-gram (its ``skip_gram.py``).

Both run the learner's ``cls(vocab_size, hidden_size, window_size, corpus)`` on a toy
(:mod:`.model_toy`: V = 10, H = 4, window 2, so C = 4 context words; a batch with repeated
ids) with known weights and frozen negatives, and compare the loss and the gradients with
:class:`w2vlib.models.CBOW` / :class:`w2vlib.models.SkipGram` on the same weights and the
same negatives, and with numerical gradients of the learner's own forward.
"""

from __future__ import annotations

import numpy as np

from w2vlib.i18n import N_, _

from ...negative_sampling import UnigramSampler
from .layers import repeated_ids_hint
from .model_toy import H, ModelToy, V, close
from .report import CheckResult, Fail, run_cases
from .sampling import fixed_global_state

__all__ = ["cbow", "skipgram"]

# The messages of this module (one place, for the translation layer).
_CALL = (N_("call: cls(vocab_size, hidden_size, window_size, corpus); forward(contexts, target) "
            "with contexts (N, 2 * window_size) and target (N,) ids -> loss; backward(dout=1)"))
_SHARED = {"cbow": (N_("there are {n} different (V, H) weight arrays: each context position got its "
                       "own W_in. Make W_in once and give the same array to every Embedding layer "
                       "(Embedding(W_in) for each position); params then lists it once per layer, "
                       "with that layer's gradient, and the optimizer adds them up")),
           "skipgram": (N_("there are {n} different (V, H) weight arrays: each loss layer got its "
                           "own W_out. Make W_out once and give the same array to every "
                           "NegativeSamplingLoss; params then lists it once per layer"))}
_NOT_PARAM = (N_("word_vecs is not one of params, so training never changes it: set "
                 "self.word_vecs = W_in, the very array the input Embedding holds"))
_SUM = (N_("your loss is that of the SUM of the {c} context vectors: CBOW averages them, "
           "h = (W_in[c_1] + ... + W_in[c_C]) / C (the book multiplies by 1 / len(contexts))"))
_MEAN = (N_("your loss is the MEAN over the {c} context positions: skip-gram adds them, "
            "loss = sum over positions j of the loss of predicting contexts[:, j] (the book: "
            "loss += layer.forward(h, contexts[:, i]))"))
_LOSS = N_("loss {got:.6f} but the library's {kind} gives {want:.6f} on your weights and negatives")
_OWN = (N_("row {row} has its own target {t} among its negatives {neg}: the sampler must leave out "
           "each row's target (set p[target] = 0 for that row and renormalise, or redraw)"))
_OTHERS = (N_("word 0 is the target of the even rows only, yet the odd rows drew it {got} times "
              "(about {want:.0f} are due): exclude a target from its OWN row only, not from the "
              "whole batch"))
_ONE_OVER_C = (N_("dW_in is {c} times too large: forward divides the sum of the contexts by C = "
                  "{c}, so backward must divide dh by C too before it reaches the Embedding "
                  "layers (dout * 1 / len(in_layers))"))
_DIVIDED = (N_("dW_in is {c} times too small: the loss is a SUM over the {c} contexts, so dh is "
               "the sum of the {c} loss layers' dh (no division by C)"))
_ONE_COLUMN = (N_("the gradient of {w} holds only context position {j}'s share: grads must list "
                  "the gradient of every layer that uses {w} (the book adds each layer's params "
                  "and grads to the lists; the trainer sums the grads of an array listed twice)"))
_ONE_LAYER = (N_("one loss layer is used for all {c} context positions: each forward overwrites "
                 "what the previous one saved, so backward sees only the last position. Give "
                 "each position its own NegativeSamplingLoss (all sharing W_out)"))
_NO_GRAD = N_("no gradient reaches {w}: list its layers' grads in self.grads")
_WRONG = N_("d{w} differs from the library's {kind} on your weights and negatives")
_LOSS_FIRST = N_("(the loss already differs: fix forward first) ")
_NAMES = {"cbow": "CBOW", "skipgram": "SkipGram"}
_LISTED = (N_(" (the gradient of a weight listed several times in params is the sum of its "
              "grads entries)"))
_NUMERIC = {"cbow": (N_("if forward averages the C context vectors, backward divides dh by C and "
                        "gives that to every context's Embedding")),
            "skipgram": (N_("the loss sums the C positions' losses, so dh is the sum of their dh, "
                            "given to the one Embedding of the target"))}


def _wiring(toy: ModelToy) -> None:
    lm = toy.learner(forward=False)
    for p, g in zip(lm.params, lm.grads, strict=True):
        if np.shape(g) != np.shape(p):
            raise Fail(_("a gradient of shape {g_shape} is listed for a weight of shape "
                         "{p_shape}: grads[i] belongs to params[i]").format(
                           g_shape=np.shape(g), p_shape=np.shape(p)))
    big = [p for p in lm.distinct if p.shape == (V, H)]
    if len(big) > 2:
        raise Fail(_(_SHARED[toy.kind]).format(n=len(big)))
    wv = getattr(lm.model, "word_vecs", None)
    if wv is None:
        raise Fail(_("set self.word_vecs = W_in (the (V, H) input weights)"))
    if not any(wv is p for p in lm.distinct):
        raise Fail(_(_NOT_PARAM))


def _forward(toy: ModelToy) -> None:
    lm = toy.learner()
    _unused, want = toy.reference(lm)
    tol = 10 * lm.tol
    if np.isclose(lm.loss, want, rtol=tol):
        return
    if toy.kind == "cbow":
        h_sum = np.asarray(lm.W_in, dtype=np.float64)[toy.contexts].sum(axis=1)
        _unused, summed = toy.reference(lm, h_override=h_sum)
        if np.isclose(lm.loss, summed, rtol=tol):
            raise Fail(_(_SUM).format(c=toy.C))
    elif np.isclose(lm.loss, want / toy.C, rtol=tol):
        raise Fail(_(_MEAN).format(c=toy.C))
    raise Fail(_(_LOSS).format(got=lm.loss, want=want, kind=_NAMES[toy.kind]))


def _big_batch(toy: ModelToy, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Even rows predict word 0 (the most frequent), odd rows words 1 to 5."""
    rng = np.random.default_rng(9)
    column = np.where(np.arange(n) % 2 == 0, 0, 1 + (np.arange(n) // 2) % 5)     # 6..9 unused
    if toy.kind == "cbow":
        return rng.integers(0, V, size=(n, toy.C)), column
    return np.repeat(column[:, None], toy.C, axis=1), rng.integers(0, V, size=n)


def _exclusion(toy: ModelToy) -> None:
    lm = toy.learner(forward=False)
    lm.forward(*_big_batch(toy))
    p = UnigramSampler(toy.corpus).word_p
    got = 0
    want = 0.0
    for t, neg in lm.frozen.pairs():
        neg = neg.reshape(len(t), -1)
        own = np.flatnonzero((neg == t[:, None]).any(axis=1))
        if own.size:
            r = int(own[0])
            raise Fail(_(_OWN).format(row=r, t=int(t[r]), neg=neg[r].tolist()))
        others = t != 0
        got += int(np.sum(neg[others] == 0))
        want += float(np.sum(p[0] / (1 - p[t[others]]))) * neg.shape[1]
    if got < want / 4:
        raise Fail(_(_OTHERS).format(got=got, want=want))


def _repeated_rows(toy, lm, which) -> dict[int, int]:
    """{word: times} for the ids the weight's layers saw more than once in this batch."""
    neg = np.asarray(toy.negatives(lm)).reshape(-1)
    if which == 0:
        ids = toy.contexts.reshape(-1) if toy.kind == "cbow" else toy.target
    else:
        ids = np.concatenate([toy.target if toy.kind == "cbow" else toy.contexts.reshape(-1), neg])
    words, counts = np.unique(ids, return_counts=True)
    return {int(w): int(c) for w, c in zip(words, counts, strict=True) if c > 1}


def _diagnose(toy, lm, which, got, want) -> str:
    """The hint for a wrong gradient of W_in (``which=0``) or W_out (1)."""
    name = ("W_in", "W_out")[which]
    c = toy.C
    if not np.any(got):
        return _(_NO_GRAD).format(w=name)
    if toy.kind == "skipgram" and lm.frozen.one_sampler_for_all() and len(lm.frozen.calls) == c:
        return _(_ONE_LAYER).format(c=c)
    if which == 0 and toy.kind == "cbow" and close(got, c * want, 10 * lm.tol):
        return _(_ONE_OVER_C).format(c=c)
    if which == 0 and toy.kind == "skipgram" and close(got, want / c, 10 * lm.tol):
        return _(_DIVIDED).format(c=c)
    if which == 0 or toy.kind == "skipgram":
        for j, g in enumerate(toy.column_grads(lm, which)):
            if close(got, g, 10 * lm.tol):
                return _(_ONE_COLUMN).format(w=name, j=j)
    bad = [w for w in range(V) if not close(got[w], want[w], 10 * lm.tol)]
    repeated = _repeated_rows(toy, lm, which)
    if bad and set(bad) <= set(repeated):
        return repeated_ids_hint(bad[0], repeated[bad[0]], "dout")
    return _(_WRONG).format(w=name, kind=_NAMES[toy.kind])


def _backward(toy: ModelToy) -> None:
    lm = toy.learner()
    ref, loss = toy.reference(lm)
    first = "" if np.isclose(lm.loss, loss, rtol=10 * lm.tol) else _(_LOSS_FIRST)
    for which, p in enumerate((lm.W_in, lm.W_out)):
        got, want = lm.grad_of(p), ref.grads[which]
        if not close(got, want, 10 * lm.tol):
            raise Fail(first + _diagnose(toy, lm, which, got, want))


def _numerical(toy: ModelToy) -> None:
    lm = toy.learner()
    tol = 1e-2 if lm.W_in.dtype == np.float32 else 1e-5
    for name, p in (("W_in", lm.W_in), ("W_out", lm.W_out)):
        got = lm.grad_of(p)
        num = lm.numerical(toy.contexts, toy.target, p)
        if not close(got, num, tol):
            raise Fail(_("d{name} disagrees with the numerical gradient of your own forward "
                         "(relative error {value:.1e}): "
                         "{NUMERIC}{LISTED}").format(
                           name=name, value=np.abs(got - num).max() / np.abs(num).max(),
                           NUMERIC=_(_NUMERIC[toy.kind]), LISTED=_(_LISTED)))


_CASES = {
    "cbow": ((N_("params, grads, word_vecs: one W_in shared by the contexts"), _wiring, _CALL),
             (N_("forward: loss of the MEAN of the context vectors"), _forward, _CALL),
             (N_("target never its own negative; other rows' targets may be"), _exclusion, _CALL),
             (N_("dW_in, dW_out equal the library's CBOW"), _backward, _CALL),
             (N_("backward matches the numerical gradient"), _numerical, _CALL)),
    "skipgram": ((N_("params, grads, word_vecs: one W_out shared by the positions"), _wiring, _CALL),
                 (N_("forward: SUM of the C positions' losses"), _forward, _CALL),
                 (N_("a context word never its own negative; others may be"), _exclusion, _CALL),
                 (N_("dW_in, dW_out equal the library's SkipGram"), _backward, _CALL),
                 (N_("backward matches the numerical gradient"), _numerical, _CALL)),
}


def _check(kind: str, cls, verbose: bool) -> CheckResult:
    toy = ModelToy(cls, kind)
    with fixed_global_state():
        return run_cases(kind, _CASES[kind], (toy,), verbose)


def cbow(cls, verbose: bool = True) -> CheckResult:
    """Check a CBOW model with negative sampling, the book's ``cbow.py`` interface:
    ``cls(vocab_size, hidden_size, window_size, corpus)``, ``forward(contexts, target) -> loss``,
    ``backward(dout=1)``, ``params``/``grads`` lists, ``word_vecs`` (= W_in, (V, H)).

    Toy: V = 10, H = 4, window 2 (C = 4), a batch of 6 with repeated ids. Your model is built
    under a fixed global ``np.random`` state; its weights are then overwritten in place, and
    its sampler (any attribute with ``get_negative_sample``, e.g. ``self.ns_loss.sampler``)
    is frozen so that every forward sees the same negatives. W_out must be (V, H). Cases:
    the wiring (one W_in shared by the C Embedding layers, ``word_vecs`` among ``params``);
    the loss equals :class:`w2vlib.models.CBOW`'s on your weights and negatives (hint for the
    sum instead of the mean); a row's target never among its negatives while other rows'
    targets may be; the gradients equal the library's (the gradient of a weight listed
    several times is the sum of its entries; hints for a forgotten 1/C, grads of only one
    context layer, assignment instead of accumulation); your backward matches the numerical
    gradient of your forward.
    """
    return _check("cbow", cls, verbose)


def skipgram(cls, verbose: bool = True) -> CheckResult:
    """Check a skip-gram model with negative sampling, the book's ``skip_gram.py`` interface:
    the constructor, ``forward(contexts, target)``, ``backward(dout=1)``, ``params``,
    ``grads`` and ``word_vecs`` as in :func:`cbow`.

    Skip-gram embeds the target, ``h = W_in[target]``, and predicts each of the C context
    words with its own negative-sampling loss; the loss is their SUM (as the book's
    ``loss += layer.forward(h, contexts[:, i])``), and dh the sum of their dh. Compared with
    :class:`w2vlib.models.SkipGram` on your weights and negatives (one sampler call per
    position, or one call for all N * C context words). Cases as in :func:`cbow`, with hints
    for the mean instead of the sum, one loss layer shared by all positions (its backward
    sees only the last forward), grads of only one loss layer, a backward divided by C.
    """
    return _check("skipgram", cls, verbose)
