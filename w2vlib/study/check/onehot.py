"""Check of notebook 02's exercise: what a one-hot input costs, counted.

The reference counts come from :class:`w2vlib.study.cost.InputLayerCost`, the cost model the
notebook's cost explorer draws too (forward pass only here).
"""

from __future__ import annotations

import numpy as np

from w2vlib.i18n import N_, _

from ..cost import InputLayerCost
from .report import CheckResult, Fail, finish, run

__all__ = ["onehot_cost", "COST_KEYS"]

#: The keys ``fn`` returns, in the order they are checked.
COST_KEYS = ("one_hot_bytes", "id_bytes", "matmul_madds", "lookup_copies")

#: (V, N, C, H): small and distinct (each forgotten or extra factor gives its own ratio),
#: then notebook 01's thought experiment.
_COST_CASES = [(11, 3, 5, 7), (1_000_000, 100, 2, 100)]

_FORMULAS = {"one_hot_bytes": N_("one-hot batch: N * C * V * 4 bytes (float32)"),
             "id_bytes": N_("ids: N * C * 8 bytes (int64)"),
             "matmul_madds": N_("MatMul: N * C * V * H multiply-adds"),
             "lookup_copies": N_("lookup: N * C * H numbers copied")}


def _want(V, N, C, H) -> dict[str, int]:
    return InputLayerCost(vocab_size=V, hidden_size=H, batch_size=N, context_size=C).forward_counts()


def _ratio_hint(got, want, factors: dict, default: str) -> str:
    """The hint of the first ``factor`` with ``got == factor * want``, else ``default``."""
    for factor, hint in factors.items():
        if np.isclose(float(got), factor * float(want), rtol=1e-9):
            return hint
    return default


def _factors(key, V, N, C, H) -> dict[float, str]:
    """``{ratio got/want: hint}`` for the classic slips in the count ``key``."""
    common = {1 / N: _("the batch size N is missing: there are N = {N} examples").format(N=N),
              1 / C: _("the context size C is missing: each example has C = {C} context words, "
                       "each its own one-hot row (or id)").format(C=C)}
    if key == "one_hot_bytes":
        return {**common, 2: _("float32 takes 4 bytes per number, not 8"),
                1 / 4: _("that counts numbers, not bytes: float32 takes 4 bytes each"),
                8: _("that counts bits: float32 is 4 BYTES per number"),
                1 / V: _("the one-hot batch holds V numbers per context word, one per vocabulary word"),
                H: _("the one-hot batch has nothing of size H: N * C rows of V numbers")}
    if key == "id_bytes":
        return {**common, 1 / 2: _("int64 takes 8 bytes per id, not 4"),
                1 / 8: _("that counts ids, not bytes: int64 takes 8 bytes each"),
                V: _("an id is one integer, whatever V is: no factor V"),
                V / 2: _("ids are N * C integers of 8 bytes: no factor V")}
    if key == "matmul_madds":
        return {**common, 1 / H: _("each one-hot row times W_in (V x H) is V * H multiply-adds"),
                1 / V: _("each one-hot row times W_in (V x H) is V * H multiply-adds"),
                4: _("that is bytes: count multiply-adds, N * C * V * H")}
    return {**common, V: _("the lookup copies C rows of H numbers per example, whatever V is"),
            1 / H: _("each looked-up row has H numbers")}


def _count_case(call, key) -> None:
    """``fn``'s count ``key`` on every case; a hint naming the slip on the small one."""
    for case in _COST_CASES:
        got = call(case)[key]
        w = _want(*case)[key]
        try:
            value = float(got)
        except (TypeError, ValueError):
            raise Fail(_("{key} should be a number, got {got!r}").format(key=key, got=got)) from None
        if value == w:
            continue
        V, N, C, H = case
        default = _("expected {w:,} for V, N, C, H = {V:,}, {N}, {C}, {H}, got {got:,}").format(
            w=w, V=V, N=N, C=C, H=H, got=got)
        if case == _COST_CASES[0]:
            raise Fail(_ratio_hint(value, w, _factors(key, *case), default))
        if value < 0 or value < w / 1e3:
            default += _(" (an integer overflow? count with Python ints, not np.int32)")
        raise Fail(default)


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
    Reference: :meth:`w2vlib.study.cost.InputLayerCost.forward_counts`.
    """
    result = CheckResult("onehot_cost")
    state: dict = {}

    def call(case):
        if case not in state:
            out = fn(*case)
            if not isinstance(out, dict):
                raise Fail(_("return a dict with the keys {list}, got {type}").format(
                               list=list(COST_KEYS), type=type(out).__name__))
            missing = [k for k in COST_KEYS if k not in out]
            if missing:
                raise Fail(_("the dict lacks {missing}; keys: {list}").format(
                               missing=missing, list=list(COST_KEYS)))
            state[case] = out
        return state[case]

    for key in COST_KEYS:
        run(result, _FORMULAS[key], lambda key=key: _count_case(call, key),
            N_("call: fn(vocab_size, batch_size, context_size, hidden_size) -> dict"))
    return finish(result, verbose)
