"""Check of the EmbeddingDot layer (notebook 05, section 1): the score ``W[idx[n]] . h[n]`` of
one word per row, and its backward pass into h and into the rows of W.

The reference is :class:`w2vlib.layers.EmbeddingDot`; every gradient is also compared with
the numerical gradient of ``sum(forward(h, idx) * dout)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vlib.i18n import N_, _

from ...gradcheck import numerical_gradient, relative_error
from ...layers import EmbeddingDot
from .layers import repeated_ids_hint
from .report import CheckResult, Fail, construct, run_cases

__all__ = ["embedding_dot"]

# The messages of this module (one place, for the translation layer).
_CALL = N_("call: forward(h, idx) with h (N, H) and idx (N,); backward(dout) with dout (N,)")
_RESHAPE = (N_("backward got dout of shape (N,) = {n}, and (N,) times (N, H) does not broadcast: "
               "make it a column first, dout = dout.reshape(-1, 1) (or dout[:, None]), so that "
               "row n of W[idx] and of h is scaled by dout[n]"))
_DH_FORMULA = N_("dh = dout[:, None] * W[idx] (each row's score is W[idx[n]] . h[n])")
_DW_FORMULA = N_("row idx[n] of dW receives dout[n] * h[n]")


@dataclass
class _DotToy:
    """V, H, N = 7, 3, 5 (N != H, so a missing reshape of dout shows); W, h, dout random."""

    cls: object
    W: np.ndarray
    h: np.ndarray
    dout: np.ndarray
    idx: np.ndarray = None                  # distinct ids
    rep: np.ndarray = None                  # word 2 three times, word 5 twice

    @classmethod
    def make(cls, layer_cls, seed: int) -> _DotToy:
        rng = np.random.default_rng(seed)
        return cls(layer_cls, rng.normal(size=(7, 3)), rng.normal(size=(5, 3)),
                   rng.normal(size=5), np.array([4, 0, 6, 2, 1]), np.array([2, 5, 2, 0, 2]))

    def layer(self):
        layer = construct(self.cls, self.W.copy(), what=_("your class(W)"))
        if not getattr(layer, "params", None) or not getattr(layer, "grads", None):
            raise Fail(_("keep W and its gradient as lists: self.params = [W], "
                         "self.grads = [np.zeros_like(W)]"))
        return layer

    def backward(self, layer, idx, dout=None):
        """forward then backward on ``idx``: (dh as float64 or None, dW as float64)."""
        dout = self.dout if dout is None else dout
        layer.forward(self.h.copy(), idx.copy())
        try:
            dh = layer.backward(dout.copy())
        except ValueError as e:
            if "broadcast" in str(e):
                raise Fail(_(_RESHAPE).format(n=dout.shape)) from None
            raise
        dh = None if dh is None else np.asarray(dh, dtype=np.float64)
        return dh, np.array(layer.grads[0], dtype=np.float64)

    def reference(self, idx):
        """The library's (scores, dh, dW) on ``idx``."""
        ref = EmbeddingDot(self.W.copy())
        out = ref.forward(self.h, idx)
        return out, ref.backward(self.dout), ref.grads[0]


def _dot_forward(toy: _DotToy) -> None:
    out = np.asarray(toy.layer().forward(toy.h.copy(), toy.idx.copy()))
    want, _unused, _unused = toy.reference(toy.idx)
    n, hsize = toy.h.shape
    if out.shape == (n, n):
        raise Fail(_("forward gave an (N, N) = {out_shape} matrix: that is every h against every "
                     "row, h @ W[idx].T. Each row needs only its own score: "
                     "np.sum(W[idx] * h, axis=1)").format(out_shape=out.shape))
    if out.shape == (n, hsize):
        raise Fail(_("forward gave shape {out_shape}, the products W[idx] * h: sum them over "
                     "axis 1 to get one score per row, shape (N,)").format(out_shape=out.shape))
    if out.shape != want.shape:
        raise Fail(_("forward should give one score per row, shape {want_shape}; got {out_shape}").format(
                       want_shape=want.shape, out_shape=out.shape))
    if not np.allclose(out, want):
        raise Fail(_("forward should give out[n] = W[idx[n]] . h[n] (W is params[0])"))


def _dot_dh(toy: _DotToy) -> None:
    dh, _unused = toy.backward(toy.layer(), toy.idx)
    _unused, want, _unused = toy.reference(toy.idx)
    if dh is None:
        raise Fail(_("backward returned None: return dh for the layer below. {DH_FORMULA}").format(
                       DH_FORMULA=_(_DH_FORMULA)))
    if dh.shape != want.shape:
        raise Fail(_("dh should have h's shape {want_shape}, got {dh_shape}. {DH_FORMULA}").format(
                       want_shape=want.shape, dh_shape=dh.shape, DH_FORMULA=_(_DH_FORMULA)))
    if np.allclose(dh, toy.dout[:, None] * toy.h):
        raise Fail(_("dh is dout * h, the gradient of the row W[idx[n]], not of h. {DH_FORMULA}").format(
                       DH_FORMULA=_(_DH_FORMULA)))
    if np.allclose(dh, -want):
        raise Fail(_("dh has the wrong sign. {DH_FORMULA}").format(DH_FORMULA=_(_DH_FORMULA)))
    if not np.allclose(dh, want):
        raise Fail(_("dh is wrong. {DH_FORMULA}").format(DH_FORMULA=_(_DH_FORMULA)))


def _dot_dW(toy: _DotToy) -> None:
    _unused, dW = toy.backward(toy.layer(), toy.idx)
    _unused, _unused, want = toy.reference(toy.idx)
    if dW.shape != want.shape:
        raise Fail(_("grads[0] should have W's shape {want_shape}, got {dW_shape}").format(
                       want_shape=want.shape, dW_shape=dW.shape))
    swapped = np.zeros_like(want)
    swapped[toy.idx] = toy.dout[:, None] * toy.W[toy.idx]
    if np.allclose(dW, swapped):
        raise Fail(_("the rows of dW hold dout * W[idx], which is dh's formula. {DW_FORMULA}").format(
                       DW_FORMULA=_(_DW_FORMULA)))
    if not np.allclose(dW, want):
        raise Fail(_("dW is wrong: {DW_FORMULA}, every other row is 0").format(DW_FORMULA=_(_DW_FORMULA)))


def _dot_repeats(toy: _DotToy) -> None:
    _unused, dW = toy.backward(toy.layer(), toy.rep)
    _unused, _unused, want = toy.reference(toy.rep)
    if not np.allclose(dW, want):
        lost = [w for w in (2, 5) if not np.allclose(dW[w], want[w])]
        if lost and np.allclose(np.delete(dW, lost, axis=0), np.delete(want, lost, axis=0)):
            times = int(np.sum(toy.rep == lost[0]))
            raise Fail(repeated_ids_hint(lost[0], times, "dout * h"))
        raise Fail(_("with repeated ids dW is wrong: {DW_FORMULA}, and a word that appears "
                     "twice receives both rows (np.add.at)").format(DW_FORMULA=_(_DW_FORMULA)))


def _dot_numerical(toy: _DotToy) -> None:
    layer = toy.layer()
    h = toy.h.copy()
    dh, dW = toy.backward(layer, toy.rep)
    idx = toy.rep

    def f():
        return float(np.sum(np.asarray(layer.forward(h, idx)) * toy.dout))

    for name, got, x in (("dh", dh, h), ("dW", dW, layer.params[0])):
        num = numerical_gradient(f, x)
        if got is None or got.shape != num.shape:
            raise Fail(_("{name} should have shape {num_shape}").format(name=name, num_shape=num.shape))
        err = relative_error(got, num)
        if err > 1e-6:
            raise Fail(_("{name} disagrees with the numerical gradient of your forward "
                         "(relative error {err:.1e})").format(name=name, err=err))


def _dot_in_place(toy: _DotToy) -> None:
    layer = toy.layer()
    before = layer.grads[0]
    toy.backward(layer, toy.idx)
    if layer.grads[0] is not before:
        raise Fail(_("backward put a NEW array into grads[0], so a model or optimizer holding the "
                     "old list sees zeros. Write into it: `dW = self.grads[0]; dW[...] = 0; "
                     "np.add.at(dW, idx, dout * h)` (an inner Embedding does this for you)"))


def _dot_zeroed(toy: _DotToy) -> None:
    layer = toy.layer()
    toy.backward(layer, toy.idx)
    second = np.array([3, 6, 0, 5, 1])                 # distinct; rows 4 and 2 not used again
    _unused, dW = toy.backward(layer, second)
    if not np.allclose(dW, toy.reference(second)[2]):
        raise Fail(_("after a second forward/backward, grads[0] still holds gradient from the "
                     "first call (rows other than the second batch's are not 0). Zero it first: "
                     "dW[...] = 0, then add"))


_DOT_CASES = (
    (N_("forward is W[idx[n]] . h[n], one score per row"), _dot_forward, _CALL),
    (N_("dh = dout[:, None] * W[idx]"), _dot_dh, _CALL),
    (N_("dW: dout * h in rows idx, distinct ids"), _dot_dW, _CALL),
    (N_("dW: repeated ids add up"), _dot_repeats, _CALL),
    (N_("dh and dW match the numerical gradient"), _dot_numerical, _CALL),
    (N_("grads[0] written in place"), _dot_in_place, ""),
    (N_("dW zeroed between calls"), _dot_zeroed, ""),
)


def embedding_dot(cls, verbose: bool = True) -> CheckResult:
    """Check an EmbeddingDot class with the book's API: ``cls(W)``, ``params = [W]``,
    ``grads = [dW]``, ``forward(h, idx) -> (N,)`` scores ``W[idx[n]] . h[n]``,
    ``backward(dout) -> dh`` writing dW into ``grads[0]``.

    W: (V, H) = (7, 3) float64; h: (N, H) = (5, 3); idx: (N,); dout: (N,). N != H, so a
    dout used without ``dout.reshape(-1, 1)`` fails to broadcast (hint). Cases: forward (hints
    for ``h @ W[idx].T`` and for a missing sum); dh (hints for ``dout * h`` and a sign);
    dW on distinct ids (hint for ``dout * W[idx]``); dW with repeated ids (word 2 three
    times: the ``=``/``+=`` hint); dh and dW against numerical gradients of
    ``sum(forward(h, idx) * dout)``; ``grads[0]`` written in place; dW zeroed between calls.
    Prints a report unless ``verbose=False``; returns a :class:`CheckResult`.
    """
    toy = _DotToy.make(cls, seed=11)
    return run_cases("embedding_dot", _DOT_CASES, (toy,), verbose)
