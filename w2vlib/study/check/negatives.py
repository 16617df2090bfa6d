"""Seeing and freezing the negatives a learner's model draws, so that its loss can be
compared with the library's on the very same negatives and differentiated numerically.

:class:`FrozenNegatives` finds every sampler inside a model (any object with a
``get_negative_sample`` method, as in the book: ``model.ns_loss.sampler``, or one per
loss layer) and wraps that method on the instance: the first forward records each call's
``(sampler, target, negatives)``; every later forward replays them in the same order.
"""

from __future__ import annotations

import numpy as np

from w2vlib.i18n import N_, _

from .report import Fail

__all__ = ["FrozenNegatives", "find_samplers"]

_NO_SAMPLER = (N_("could not see your negatives: keep the sampler as an attribute (the book: "
                  "self.ns_loss = NegativeSamplingLoss(...), whose self.sampler has "
                  "get_negative_sample)"))
_DIFFERENT = (N_("the second forward asked for negatives of different targets than the first "
                 "(call {k}): forward must draw for the batch it was given"))
_MORE = N_("the second forward drew more often than the first: {n} calls were recorded")


def find_samplers(obj, depth: int = 5) -> list:
    """Objects with a ``get_negative_sample`` method reachable from ``obj`` through its
    attributes, lists, tuples and dict values (``depth`` levels), each once."""
    found: list = []
    seen: set[int] = set()

    def visit(o, d):
        if id(o) in seen or d < 0 or isinstance(o, (np.ndarray, str, bytes, int, float, type)):
            return
        seen.add(id(o))
        if callable(getattr(o, "get_negative_sample", None)) and hasattr(o, "__dict__"):
            found.append(o)
            return
        if isinstance(o, (list, tuple)):
            children = list(o)
        elif isinstance(o, dict):
            children = list(o.values())
        else:
            children = list(getattr(o, "__dict__", {}).values())
        for c in children:
            visit(c, d - 1)

    visit(obj, depth)
    return found


class FrozenNegatives:
    """Wraps every sampler of ``model``; ``calls`` lists ``(sampler index, target, negatives)``
    of the first forward. Later forwards get the same negatives back, call by call."""

    def __init__(self, model):
        self.samplers = find_samplers(model)
        if not self.samplers:
            raise Fail(_(_NO_SAMPLER))
        self.calls: list[tuple[int, np.ndarray, np.ndarray]] = []
        self.recording = True
        self.pos = 0
        for i, s in enumerate(self.samplers):
            s.get_negative_sample = self._wrap(i, s.get_negative_sample)

    def _wrap(self, i, draw):
        def get_negative_sample(target, *args, **kwargs):
            target = np.asarray(target)
            if self.recording:
                neg = np.asarray(draw(target, *args, **kwargs))
                self.calls.append((i, target.copy(), neg.copy()))
                return neg
            if self.pos >= len(self.calls):
                raise Fail(_(_MORE).format(n=len(self.calls)))
            _unused, t, neg = self.calls[self.pos]
            if t.shape != target.shape or not np.array_equal(t, target):
                raise Fail(_(_DIFFERENT).format(k=self.pos + 1))
            self.pos += 1
            return neg.copy()
        return get_negative_sample

    def forward(self, f):
        """``f()`` (a forward): recording the first time, replaying afterwards."""
        self.pos = 0
        try:
            return f()
        finally:
            if self.recording and self.calls:
                self.recording = False

    def pairs(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(target, negatives)`` of each recorded call, in order."""
        return [(t, n) for _, t, n in self.calls]

    def one_sampler_for_all(self) -> bool:
        """True if more than one call was recorded and all came from the same sampler."""
        return len(self.calls) > 1 and len({i for i, _, _ in self.calls}) == 1
