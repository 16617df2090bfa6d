"""Check of the EmbeddingDot layer (notebook 05, section 1): the score ``W[idx[n]] . h[n]`` of
one word per row, and its backward pass into h and into the rows of W.

The reference is :class:`w2vlib.layers.EmbeddingDot`; every gradient is also compared with
the numerical gradient of ``sum(forward(h, idx) * dout)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...gradcheck import numerical_gradient, relative_error
from ...layers import EmbeddingDot
from .layers import repeated_ids_hint
from .report import CheckResult, Fail, construct, run_cases

__all__ = ["embedding_dot"]

# The messages of this module (one place, for the translation layer).
_CALL = "call: forward(h, idx) with h (N, H) and idx (N,); backward(dout) with dout (N,)"
_RESHAPE = ("backward got dout of shape (N,) = {n}, and (N,) times (N, H) does not broadcast: "
            "make it a column first, dout = dout.reshape(-1, 1) (or dout[:, None]), so that "
            "row n of W[idx] and of h is scaled by dout[n]")
_DH_FORMULA = "dh = dout[:, None] * W[idx] (each row's score is W[idx[n]] . h[n])"
_DW_FORMULA = "row idx[n] of dW receives dout[n] * h[n]"


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
        layer = construct(self.cls, self.W.copy(), what="your class(W)")
        if not getattr(layer, "params", None) or not getattr(layer, "grads", None):
            raise Fail("keep W and its gradient as lists: self.params = [W], "
                       "self.grads = [np.zeros_like(W)]")
        return layer

    def backward(self, layer, idx, dout=None):
        """forward then backward on ``idx``: (dh as float64 or None, dW as float64)."""
        dout = self.dout if dout is None else dout
        layer.forward(self.h.copy(), idx.copy())
        try:
            dh = layer.backward(dout.copy())
        except ValueError as e:
            if "broadcast" in str(e):
                raise Fail(_RESHAPE.format(n=dout.shape)) from None
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
    want, _, _ = toy.reference(toy.idx)
    n, hsize = toy.h.shape
    if out.shape == (n, n):
        raise Fail(f"forward gave an (N, N) = {out.shape} matrix: that is every h against every "
                   "row, h @ W[idx].T. Each row needs only its own score: "
                   "np.sum(W[idx] * h, axis=1)")
    if out.shape == (n, hsize):
        raise Fail(f"forward gave shape {out.shape}, the products W[idx] * h: sum them over "
                   "axis 1 to get one score per row, shape (N,)")
    if out.shape != want.shape:
        raise Fail(f"forward should give one score per row, shape {want.shape}; got {out.shape}")
    if not np.allclose(out, want):
        raise Fail("forward should give out[n] = W[idx[n]] . h[n] (W is params[0])")


def _dot_dh(toy: _DotToy) -> None:
    dh, _ = toy.backward(toy.layer(), toy.idx)
    _, want, _ = toy.reference(toy.idx)
    if dh is None:
        raise Fail(f"backward returned None: return dh for the layer below. {_DH_FORMULA}")
    if dh.shape != want.shape:
        raise Fail(f"dh should have h's shape {want.shape}, got {dh.shape}. {_DH_FORMULA}")
    if np.allclose(dh, toy.dout[:, None] * toy.h):
        raise Fail(f"dh is dout * h, the gradient of the row W[idx[n]], not of h. {_DH_FORMULA}")
    if np.allclose(dh, -want):
        raise Fail(f"dh has the wrong sign. {_DH_FORMULA}")
    if not np.allclose(dh, want):
        raise Fail(f"dh is wrong. {_DH_FORMULA}")


def _dot_dW(toy: _DotToy) -> None:
    _, dW = toy.backward(toy.layer(), toy.idx)
    _, _, want = toy.reference(toy.idx)
    if dW.shape != want.shape:
        raise Fail(f"grads[0] should have W's shape {want.shape}, got {dW.shape}")
    swapped = np.zeros_like(want)
    swapped[toy.idx] = toy.dout[:, None] * toy.W[toy.idx]
    if np.allclose(dW, swapped):
        raise Fail(f"the rows of dW hold dout * W[idx], which is dh's formula. {_DW_FORMULA}")
    if not np.allclose(dW, want):
        raise Fail(f"dW is wrong: {_DW_FORMULA}, every other row is 0")


def _dot_repeats(toy: _DotToy) -> None:
    _, dW = toy.backward(toy.layer(), toy.rep)
    _, _, want = toy.reference(toy.rep)
    if not np.allclose(dW, want):
        lost = [w for w in (2, 5) if not np.allclose(dW[w], want[w])]
        if lost and np.allclose(np.delete(dW, lost, axis=0), np.delete(want, lost, axis=0)):
            times = int(np.sum(toy.rep == lost[0]))
            raise Fail(repeated_ids_hint(lost[0], times, "dout * h"))
        raise Fail(f"with repeated ids dW is wrong: {_DW_FORMULA}, and a word that appears "
                   "twice receives both rows (np.add.at)")


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
            raise Fail(f"{name} should have shape {num.shape}")
        err = relative_error(got, num)
        if err > 1e-6:
            raise Fail(f"{name} disagrees with the numerical gradient of your forward "
                       f"(relative error {err:.1e})")


def _dot_in_place(toy: _DotToy) -> None:
    layer = toy.layer()
    before = layer.grads[0]
    toy.backward(layer, toy.idx)
    if layer.grads[0] is not before:
        raise Fail("backward put a NEW array into grads[0], so a model or optimizer holding the "
                   "old list sees zeros. Write into it: `dW = self.grads[0]; dW[...] = 0; "
                   "np.add.at(dW, idx, dout * h)` (an inner Embedding does this for you)")


def _dot_zeroed(toy: _DotToy) -> None:
    layer = toy.layer()
    toy.backward(layer, toy.idx)
    second = np.array([3, 6, 0, 5, 1])                 # distinct; rows 4 and 2 not used again
    _, dW = toy.backward(layer, second)
    if not np.allclose(dW, toy.reference(second)[2]):
        raise Fail("after a second forward/backward, grads[0] still holds gradient from the "
                   "first call (rows other than the second batch's are not 0). Zero it first: "
                   "dW[...] = 0, then add")


_DOT_CASES = (
    ("forward is W[idx[n]] . h[n], one score per row", _dot_forward, _CALL),
    ("dh = dout[:, None] * W[idx]", _dot_dh, _CALL),
    ("dW: dout * h in rows idx, distinct ids", _dot_dW, _CALL),
    ("dW: repeated ids add up", _dot_repeats, _CALL),
    ("dh and dW match the numerical gradient", _dot_numerical, _CALL),
    ("grads[0] written in place", _dot_in_place, ""),
    ("dW zeroed between calls", _dot_zeroed, ""),
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
