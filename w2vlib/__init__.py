"""w2vlib: word2vec made fast, one idea at a time.

The code of chapter 4 of *Deep Learning from Scratch 2* ("word2vec 속도 개선"),
rewritten and tested. The package is laid out by audience:

- the top level is what the book teaches (``functions``, ``layers``,
  ``negative_sampling``, ``models``, ``optim``, ``trainer``, ``corpus``,
  ``gradcheck``), plus data (``datasets``), vectors (``io``) and judging them
  (``evaluate``);
- ``w2vlib.speed``: the fast trainers (``train_word2vec``);
- ``w2vlib.study``: exercise checks, explorers, learner copies;
- ``w2vlib.lab``: benchmarks and reproductions.

Imports point down the page: the top level imports nothing from the floors
below (``tests/test_layout.py`` enforces it). Every layer keeps the book's API
-- ``params``, ``grads``, ``forward``, ``backward`` -- so the book can be read
beside this code.

Short paths for what learners type, loaded on first use:
``from w2vlib import check`` (:mod:`w2vlib.study.check`),
``from w2vlib import widgets`` (:mod:`w2vlib.study.widgets`),
``from w2vlib import train_word2vec`` (:func:`w2vlib.speed.train_word2vec`).

``w2vlib.set_language("ko")`` (or ``W2VLIB_LANG=ko``) makes what a learner reads Korean
(:mod:`w2vlib.i18n`).
"""

import importlib

from .i18n import get_language, set_language

__version__ = "0.1.0"

#: short name -> (module, attribute or None for the module itself)
_SHORT_PATHS = {
    "check": ("w2vlib.study.check", None),
    "widgets": ("w2vlib.study.widgets", None),
    "train_word2vec": ("w2vlib.speed", "train_word2vec"),
}


__all__ = ["set_language", "get_language", "check", "widgets", "train_word2vec"]


def __getattr__(name):
    if name not in _SHORT_PATHS:
        raise AttributeError(f"module 'w2vlib' has no attribute {name!r}")
    module_name, attribute = _SHORT_PATHS[name]
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_SHORT_PATHS))
