"""One rule for every ``seed`` argument in w2vlib: None, a whole number >= 0, or a numpy Generator.

>>> bool(make_rng(0).integers(10) == make_rng(0).integers(10))
True
>>> make_rng(-1)
Traceback (most recent call last):
...
ValueError: seed must be a whole number >= 0, None or a numpy Generator, got -1
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_seed", "make_rng"]


def check_seed(seed, name: str = "seed"):
    """``seed`` itself if valid (an ``int`` for numpy integers), else a clear error naming it.

    ``True``/``False`` are refused (a flag passed by mistake), floats too (``1.5`` would not be
    repeatable across numpy versions), negative numbers (numpy's seeds are >= 0).
    """
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    expected = "a whole number >= 0, None or a numpy Generator"
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        if isinstance(seed, np.random.RandomState):
            raise TypeError(f"{name} must be {expected}, got a legacy np.random.RandomState: "
                            "use np.random.default_rng(...)")
        raise TypeError(f"{name} must be {expected}, got {seed!r} ({type(seed).__name__})")
    if seed < 0:
        raise ValueError(f"{name} must be {expected}, got {seed!r}")
    return int(seed)


def make_rng(seed, name: str = "seed") -> np.random.Generator:
    """The generator for ``seed``: ``seed`` itself if it is one, else ``default_rng(seed)``."""
    seed = check_seed(seed, name)
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
