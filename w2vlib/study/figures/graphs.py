"""Figures 4-10 and 4-12/4-17: the Sigmoid-with-Loss graph and the negative-sampling network."""

from __future__ import annotations

from collections.abc import Sequence

from w2vlib.i18n import _

from .draw import COLOURS, FONT, SMALL, arrow, box, canvas, label, projector_rc, text_width
from .labels import LABELS

__all__ = ["sigmoid_with_loss_graph", "negative_sampling_network"]

MAX_WORDS = 6


def _key(ax, x: float, y: float) -> None:
    """A small key: a black arrow for forward, a red one for backward."""
    for dy, name, colour, gid in ((0.0, "forward", COLOURS["forward"], "key-forward"),
                                  (-0.6, "backward", COLOURS["backward"], "key-backward")):
        arrow(ax, (x, y + dy), (x + 1.2, y + dy), colour=colour, gid=gid)
        label(ax, x + 1.4, y + dy, _(LABELS[name]), ha="left", colour=colour, gid="key-label")


@projector_rc
def sigmoid_with_loss_graph(combined: bool = False):
    """Figure 4-10: the computational graph of Sigmoid and Cross Entropy Error.

    Forward in black: x -> Sigmoid -> y -> Cross Entropy Error <- t, -> L. Backward in red,
    right to left: 1 from L, ``-t/y + (1-t)/(1-y)`` between the layers, and ``y − t`` out of
    Sigmoid; a dashed frame marks the two as one Sigmoid with Loss layer. ``combined=True``
    draws that layer as one box (the right half of the book's figure): x and t in, L out,
    ``y − t`` back. Returns the Figure.

    >>> fig = sigmoid_with_loss_graph()
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "arrow-backward-text"][1:]
    ['y − t', '1']
    """
    width, height, fy, by = 20.0, 7.6, 4.2, 3.2
    fig, ax = canvas(width, height)
    title = _(LABELS["combined_title" if combined else "sigmoid_title"])
    label(ax, 0.2, height - 0.45, title, ha="left", fontsize=SMALL + 2, gid="title")
    _key(ax, 16.2, height - 1.4)
    red = COLOURS["backward"]
    if combined:
        layer = box(ax, 9.5, 3.7, _(LABELS["sigmoid_with_loss"]), width=9.0, height=2.0,
                    weight="bold")
        first, last = layer, layer
    else:
        first = box(ax, 5.0, 3.7, _(LABELS["sigmoid"]), height=2.0)
        last = box(ax, 12.4, 3.7, _(LABELS["cross_entropy"]), height=2.0)
        arrow(ax, (first.x1, fy), (last.x0, fy), text=_(LABELS["y"]), fontsize=FONT)
        arrow(ax, (last.x0, by), (first.x1, by), colour=red, gid="arrow-backward",
              text=_(LABELS["dy"]), text_offset=(0.0, -0.8), fontsize=FONT + 2)
        frame = box(ax, (first.x0 + last.x1) / 2, 3.6, "", width=last.x1 - first.x0 + 1.2,
                    height=3.6, face="none", linestyle="--", gid="frame")
        label(ax, frame.cx, frame.y1 + 0.35, _(LABELS["sigmoid_with_loss"]), fontsize=SMALL + 1,
              gid="frame-label", weight="bold")
    arrow(ax, (0.5, fy), (first.x0, fy), text=_(LABELS["x"]), fontsize=FONT)
    arrow(ax, (first.x0, by), (0.5, by), colour=red, gid="arrow-backward", text=_(LABELS["dx"]),
          text_offset=(0.0, -0.45), fontsize=FONT)
    arrow(ax, (last.x1, fy), (width - 0.6, fy), text=_(LABELS["L"]), fontsize=FONT)
    arrow(ax, (width - 0.6, by), (last.x1, by), colour=red, gid="arrow-backward",
          text=_(LABELS["dL"]), text_offset=(0.0, -0.45))
    t_x = last.cx if not combined else last.x1 - 1.5
    arrow(ax, (t_x, 0.3), (t_x, last.y0), text=_(LABELS["t"]), text_offset=(0.4, -0.3),
          fontsize=FONT)
    return fig


def _check_words(name: str, words, at_least: int) -> tuple[str, ...]:
    if isinstance(words, str):
        words = (words,)
    words = tuple(words)
    if not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError(f"{name} must be non-empty strings, got {words!r}")
    if not at_least <= len(words) <= MAX_WORDS:
        raise ValueError(f"{name} must have {at_least} to {MAX_WORDS} words, got {len(words)}")
    return words


@projector_rc
def negative_sampling_network(words: Sequence[str] = ("you", "goodbye"), target: str = "say",
                              negatives: Sequence[str] = ("hello", "I")):
    """Figures 4-12/4-17: CBOW with negative sampling, for one target and its negatives.

    The context ``words`` each go through an Embedding (rows of the shared W_in); their mean
    is h. One EmbeddingDot per question (the ``target``, then each of ``negatives``: rows of
    the shared W_out, dotted with h) feeds a Sigmoid with Loss with label 1 (target) or 0
    (negative); the losses are summed. At most six context words and six negatives; the
    target is never its own negative. Returns the Figure.

    >>> fig = negative_sampling_network(negatives=("hello", "I", "and"))
    >>> sum(t.get_text().startswith("EmbeddingDot") for t in fig.axes[0].texts)
    4
    """
    words = _check_words("words", words, 1)
    (target,) = _check_words("target", target, 1)
    negatives = _check_words("negatives", negatives, 0)
    if target in negatives:
        raise ValueError(f"the target {target!r} is among the negatives: a word is never its "
                         f"own negative sample")
    questions = [(target, 1)] + [(w, 0) for w in negatives]
    row_gap = 1.75
    height = max(len(questions), len(words) * 0.75) * row_gap + 2.0
    word_w = max(text_width(w) for w in words) + 1.0
    x_word = 0.3 + word_w / 2
    x_emb = x_word + word_w / 2 + 2.6
    x_mean = x_emb + 3.8
    x_dot = x_mean + 4.6
    x_swl = x_dot + 5.2
    x_sum, width = x_swl + 3.4, x_swl + 5.4
    fig, ax = canvas(width, height)
    label(ax, 0.2, height - 0.45, _(LABELS["ns_title"]).format(n=len(negatives)), ha="left",
          fontsize=SMALL + 2, gid="title")
    middle = (height - 1.0) / 2
    mean = box(ax, x_mean, middle, _(LABELS["mean"]))
    for n, w in enumerate(words):
        y = middle + ((len(words) - 1) / 2 - n) * row_gap * 0.75
        word = box(ax, x_word, y, _(LABELS["context_tag"]).format(w=w), width=word_w,
                   face=COLOURS["plain"], edge=COLOURS["context"], gid="context")
        emb = box(ax, x_emb, y, _(LABELS["embedding"]))
        arrow(ax, (word.x1, y), (emb.x0, y))
        arrow(ax, (emb.x1, y), (mean.x0, middle))
    _columns(ax, x_emb, x_dot, height)
    total = box(ax, x_sum, middle, _(LABELS["sum"]), width=0.9, weight="bold", gid="sum")
    for n, (w, t) in enumerate(questions):
        y = middle + ((len(questions) - 1) / 2 - n) * row_gap
        colour = COLOURS["positive" if t else "negative"]
        tag = _(LABELS["positive_tag" if t else "negative_tag"]).format(w=w)
        dot = box(ax, x_dot, y, f"{_(LABELS['embedding_dot'])}\n{tag}", height=1.2, edge=colour,
                  gid="embedding-dot")
        swl = box(ax, x_swl, y, f"{_(LABELS['sigmoid_with_loss'])}\n"
                                f"{_(LABELS['label_one' if t else 'label_zero'])}",
                  height=1.2, edge=colour, gid="sigmoid-with-loss")
        arrow(ax, (mean.x1, middle), (dot.x0, y))
        arrow(ax, (dot.x1, y), (swl.x0, y))
        arrow(ax, (swl.x1, y), (total.x0, middle))
    arrow(ax, (total.x1, middle), (width - 0.3, middle), text=_(LABELS["loss"]))
    return fig


def _columns(ax, x_emb: float, x_dot: float, height: float) -> None:
    """Headings over the two weight matrices' columns."""
    y = height - 1.25
    label(ax, x_emb, y, _(LABELS["w_in"]), colour=COLOURS["context"], gid="heading")
    label(ax, x_dot, y, _(LABELS["w_out"]), colour=COLOURS["context"], gid="heading")
