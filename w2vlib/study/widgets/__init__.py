"""Interactive explorers for a study group's projector (ipywidgets).

Five small explorers, each returned by a function and each an
``ipywidgets.VBox`` whose controls and output are also plain attributes, so a
notebook cell, a test or a study-group lead can drive it:

* :func:`cost_explorer` -- ``vocab`` (vocabulary size, 1k .. 10M) -> memory and
  work of the one-hot MatMul vs the Embedding layer (section 4.1);
* :func:`sigmoid_explorer` -- ``score`` and ``label`` (t = 1 / t = 0) -> y =
  sigmoid(x), the cross-entropy loss and its gradient y - t (section 4.2.3);
* :func:`sampler_explorer` -- ``power`` (0 .. 1) -> the negative-sampling
  distribution over the most and least frequent words (section 4.2.6);
* :func:`neighbours_explorer` -- ``query`` (a word) and ``top`` -> the nearest
  words by cosine similarity (section 4.3);
* :func:`analogy_explorer` -- ``a``, ``b``, ``c``, ``top``, ``scoring`` -> the
  answers to a : b = c : ? (section 4.3).

Each has ``title``, ``result`` (HTML), ``note`` (HTML) and, where it draws,
``plot``; its CSS classes (``w2v-explorer``, ``w2v-<kind>``, ``w2v-ctl-<control>``)
let a browser test find it.

Every explorer writes its answer into ``result.value`` (an HTML widget) and,
where it draws, a PNG into ``plot.value`` (an Image widget, rendered with
matplotlib's Agg backend, no pyplot). Nothing is printed: a notebook that shows
an explorer stores no stdout, so strict nbval stays green, and a test reads the
same text the projector shows. The word explorers also keep their last answer
as ``results`` (``[(word, score), ...]``, empty when the input was bad).

Each explorer lays its controls beside its plot (the two wrap onto each other only on a
narrow screen), so slider and plot fit one 1920 x 1080 projector screen. Displayed, it sends
the live widget and, in the same output, a PNG of its state at that moment
(:meth:`~.base.Explorer.snapshot`): JupyterLab shows the widget; nbviewer and GitHub, which
have no widget state, show the picture. Strict nbval compares only the short ``repr``.

Bad input (an empty box, an unknown or mixed-case word, two words in one box,
the same word twice in an analogy) is answered with a friendly message and
close matches from :class:`~w2vlib.corpus.UnknownWordError`, never with a
traceback. Any other error inside an update is shown in the widget too and
kept as ``error`` (``None`` after a good update).

The explorers live by section: :mod:`.cost` (4.1; its counts are :mod:`w2vlib.study.cost`),
:mod:`.sigmoid` (4.2.3), :mod:`.sampler` (4.2.6) and :mod:`.words` (4.3), on the shared
look and :class:`~.base.Explorer` base of :mod:`.base`.

>>> ex = sigmoid_explorer(score=0.0)
>>> ex.values["y"], ex.values["gradient"]
(0.5, -0.5)
"""

from ..cost import input_layer_cost
from .base import Explorer
from .cost import DEFAULT_MACS_PER_SECOND, VOCAB_SIZES, CostExplorer, cost_explorer, measure_macs_per_second
from .sampler import SamplerExplorer, sampler_explorer
from .sigmoid import SigmoidExplorer, sigmoid_explorer
from .words import AnalogyExplorer, NeighboursExplorer, analogy_explorer, neighbours_explorer

__all__ = [
    "cost_explorer",
    "sigmoid_explorer",
    "sampler_explorer",
    "neighbours_explorer",
    "analogy_explorer",
    "input_layer_cost",
    "measure_macs_per_second",
    "VOCAB_SIZES",
    "DEFAULT_MACS_PER_SECOND",
    "Explorer",
    "CostExplorer",
    "SigmoidExplorer",
    "SamplerExplorer",
    "NeighboursExplorer",
    "AnalogyExplorer",
]
