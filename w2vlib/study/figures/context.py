"""The context window and CBOW vs skip-gram: which words predict which."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.colors import to_rgba

from w2vlib.i18n import _

from .draw import COLOURS, SMALL, UNIT, arrow, box, canvas, label, projector_rc, text_width
from .graphs import _check_words
from .labels import LABELS
from .style import new_figure

__all__ = ["context_window", "cbow_vs_skipgram", "SENTENCE"]

#: The book's example sentence (chapter 2 onwards).
SENTENCE = ("you", "say", "goodbye", "and", "I", "say", "hello", ".")
MAX_TOKENS = 14


@projector_rc
def context_window(tokens: Sequence[str] = SENTENCE, center: int = 1, window: int = 1):
    """A sentence as a row of boxes: the target (``tokens[center]``) in orange, its context
    (up to ``window`` words on each side, fewer at the sentence's ends) in blue.

    tokens: at most 14 strings; center: an index into them; window >= 1. Each box is labelled
    "target" or "context" underneath. Returns the Figure.

    >>> fig = context_window(center=0, window=2)         # at the start: context on one side
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "role"]
    ['target', 'context', 'context']
    """
    tokens = tuple(tokens)
    if not tokens or len(tokens) > MAX_TOKENS:
        raise ValueError(f"tokens must have 1 to {MAX_TOKENS} words, got {len(tokens)}")
    if not all(isinstance(t, str) and t.strip() for t in tokens):
        raise ValueError(f"tokens must be non-empty strings, got {tokens!r}")
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise ValueError(f"window must be a whole number >= 1, got {window!r}")
    if not isinstance(center, int) or isinstance(center, bool) or not 0 <= center < len(tokens):
        raise ValueError(f"center must be an index into the {len(tokens)} tokens, got {center!r}")
    widths = [max(text_width(t), text_width(_(LABELS["context"]), SMALL)) + 0.7 for t in tokens]
    gap = 0.35
    width = sum(widths) + gap * (len(tokens) - 1) + 0.6
    title = _(LABELS["window_title"]).format(window=window)
    fig, ax = canvas(max(width, text_width(title, SMALL + 2) + 0.6), 3.6)
    label(ax, 0.2, 3.15, title, ha="left", fontsize=SMALL + 2, gid="title")
    x = 0.3
    for i, (token, w) in enumerate(zip(tokens, widths, strict=True)):
        role = ("target" if i == center else
                "context" if abs(i - center) <= window else None)
        colour = COLOURS[role] if role else COLOURS["muted"]
        face = to_rgba(colour, 0.25) if role else COLOURS["plain"]
        box(ax, x + w / 2, 1.75, token, width=w, face=face, edge=colour,
            gid=f"token-{role or 'other'}", weight="bold" if role == "target" else "normal")
        if role:
            label(ax, x + w / 2, 0.8, _(LABELS[role]), colour=colour, gid="role")
        x += w + gap
    return fig


def _panel(ax, left: Sequence[str], right: Sequence[str], left_role: str, title: str,
           formula: str, width: float, height: float) -> None:
    """One panel: the ``left`` words -> h -> the ``right`` words, arrows left to right."""
    canvas(width, height, ax.figure, ax)
    label(ax, width / 2, height - 0.45, title, fontsize=SMALL + 2, weight="bold", gid="title")
    label(ax, width / 2, 0.45, formula, gid="formula")
    right_role = "context" if left_role == "target" else "target"
    middle = (height - 0.3) / 2
    hidden = box(ax, width / 2, middle, _(LABELS["hidden"]), width=1.1, gid="hidden")
    word_w = max(text_width(w) for w in (*left, *right)) + 1.0
    for words, role, x, into in ((left, left_role, 0.3 + word_w / 2, True),
                                 (right, right_role, width - 0.3 - word_w / 2, False)):
        for n, w in enumerate(words):
            y = middle + ((len(words) - 1) / 2 - n) * 1.3
            colour = COLOURS[role]
            b = box(ax, x, y, w, width=word_w, face=to_rgba(colour, 0.25), edge=colour,
                    gid=f"word-{role}")
            if into:
                arrow(ax, (b.x1, y), (hidden.x0, middle))
            else:
                arrow(ax, (hidden.x1, middle), (b.x0, y))


@projector_rc
def cbow_vs_skipgram(contexts: Sequence[str] = ("you", "goodbye"), target: str = "say"):
    """Two panels: CBOW predicts the target from its contexts (their vectors averaged into
    h); skip-gram predicts each context from the target. Each panel names the probability
    it models, P(say | you, goodbye) and P(you | say) P(goodbye | say). Returns the Figure.

    >>> fig = cbow_vs_skipgram()
    >>> [len([p for p in ax.patches if p.get_gid() == "arrow-forward"]) for ax in fig.axes]
    [3, 3]
    """
    contexts = _check_words("contexts", contexts, 1)
    (target,) = _check_words("target", target, 1)
    cbow = _(LABELS["cbow_formula"]).format(target=target, contexts=", ".join(contexts))
    factors = [_(LABELS["skipgram_factor"]).format(c=c, target=target) for c in contexts]
    skipgram = _(LABELS["skipgram_formula"]).format(factors=" ".join(factors))
    word_w = max(text_width(w) for w in (*contexts, target)) + 1.0
    width = max(2 * word_w + 4.6, text_width(skipgram, SMALL) + 1.0,
                text_width(_(LABELS["skipgram_title"]), SMALL + 2) + 1.0)
    height = max(len(contexts) * 1.3 + 2.4, 4.2)
    fig = new_figure(2 * width * UNIT + 0.2, height * UNIT)
    ax1, ax2 = fig.subplots(1, 2)
    _panel(ax1, contexts, [target], "context", _(LABELS["cbow_title"]), cbow, width, height)
    _panel(ax2, [target], contexts, "target", _(LABELS["skipgram_title"]), skipgram, width, height)
    return fig
