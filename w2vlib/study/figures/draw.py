"""Drawing primitives for the chapter's diagrams: a canvas in inch-like units, boxes sized
to their text, arrows, and a matrix of numbers with coloured rows.

A diagram's axes have equal aspect and no frame; one unit is :data:`UNIT` inches, so a
font size in points means the same on every figure. Every artist carries a ``gid``
("box", "arrow-forward", "arrow-backward", "cell", ...) so a test can count what was drawn.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from .style import PROJECTOR_RC, new_figure

__all__ = ["UNIT", "FONT", "SMALL", "COLOURS", "projector_rc", "canvas", "text_width", "box",
           "arrow", "matrix", "label"]

#: Inches per diagram unit.
UNIT = 0.5
#: Font sizes (points) of box text and of annotations; both at least 12 for a projector.
FONT, SMALL = 14, 12
COLOURS = {
    "ink": "#222222", "forward": "#222222", "backward": "#e45756",
    "target": "#f58518", "context": "#4c78a8", "positive": "#54a24b", "negative": "#e45756",
    "layer": "#eef3f8", "plain": "#ffffff", "muted": "#9d9d9d",
    # one colour per position of idx (row k of out / dout), repeating after eight
    "rows": ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#72b7b2", "#eeca3b", "#ff9da6", "#9d755d"),
}


def projector_rc(draw):
    """Decorator: run a figure function under :data:`PROJECTOR_RC`, whatever the global rc,
    and name the Figure it returns after it."""
    @functools.wraps(draw)
    def wrapped(*args, **kwargs):
        import matplotlib

        with matplotlib.rc_context(PROJECTOR_RC):
            fig = draw(*args, **kwargs)
        fig.w2v_name = draw.__name__          # its text fallback: <Figure: embedding_forward>
        return fig
    return wrapped


def canvas(width: float, height: float, fig=None, ax=None):
    """A figure (``width`` x ``height`` units) with one frameless equal-aspect axes; (fig, ax).

    With ``fig`` and ``ax`` given, sets up that axes instead (a panel of a larger figure).
    """
    if ax is None:
        fig = new_figure(width * UNIT, height * UNIT)
        ax = fig.subplots()
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax


@functools.lru_cache(maxsize=512)
def text_width(text: str, fontsize: float = FONT) -> float:
    """Width of ``text`` in diagram units (measured with the font matplotlib will use)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    ismath = text.count("$") >= 2
    w, _, _ = text_to_path.get_text_width_height_descent(text, FontProperties(size=fontsize),
                                                        ismath=ismath)
    return w / 72 / UNIT


def box(ax, x: float, y: float, text: str, *, width: float | None = None, height: float = 0.9,
        face: str = COLOURS["layer"], edge: str = COLOURS["ink"], fontsize: float = FONT,
        weight: str = "normal", gid: str = "box", linestyle: str = "-", pad: float = 0.5):
    """A rounded box centred on (x, y) with ``text`` in it; width fits the text unless given.

    Returns the patch, with its edges and centre as plain attributes ``x0, x1, y0, y1, cx, cy``
    (for placing arrows).
    """
    from matplotlib.patches import FancyBboxPatch

    lines = text.split("\n")
    w = width if width is not None else max(text_width(s, fontsize) for s in lines) + 2 * pad
    patch = FancyBboxPatch((x - w / 2, y - height / 2), w, height,
                           boxstyle="round,pad=0,rounding_size=0.15", facecolor=face,
                           edgecolor=edge, linewidth=1.6, linestyle=linestyle, gid=gid)
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, fontweight=weight,
            color=COLOURS["ink"], gid=f"{gid}-text")
    patch.x0, patch.x1, patch.y0, patch.y1 = x - w / 2, x + w / 2, y - height / 2, y + height / 2
    patch.cx, patch.cy = x, y
    return patch


def arrow(ax, start: Sequence[float], end: Sequence[float], *, colour: str = COLOURS["forward"],
          gid: str = "arrow-forward", text: str | None = None, text_offset=(0.0, 0.3),
          fontsize: float = SMALL, linestyle: str = "-", rad: float = 0.0):
    """An arrow from ``start`` to ``end`` (data units), optionally labelled at its middle."""
    from matplotlib.patches import FancyArrowPatch

    patch = FancyArrowPatch(tuple(start), tuple(end), arrowstyle="-|>", mutation_scale=16,
                            color=colour, linewidth=1.8, linestyle=linestyle, gid=gid,
                            connectionstyle=f"arc3,rad={rad}", shrinkA=2, shrinkB=2)
    ax.add_patch(patch)
    if text:
        mx, my = (start[0] + end[0]) / 2 + text_offset[0], (start[1] + end[1]) / 2 + text_offset[1]
        ax.text(mx, my, text, ha="center", va="center", fontsize=fontsize, color=colour,
                gid=f"{gid}-text")
    return patch


def label(ax, x: float, y: float, text: str, *, fontsize: float = SMALL, colour: str = COLOURS["ink"],
          ha: str = "center", va: str = "center", gid: str = "label", weight: str = "normal"):
    """Plain text at (x, y)."""
    return ax.text(x, y, text, ha=ha, va=va, fontsize=fontsize, color=colour, gid=gid,
                   fontweight=weight)


def matrix(ax, values: np.ndarray, x0: float, y_top: float, *, cell_w: float = 1.0,
           cell_h: float = 0.6, row_colours: dict[int, str] | None = None, fmt: str = "{:.1f}",
           fontsize: float = SMALL, gid: str = "cell", muted_rows: Sequence[int] = ()):
    """A grid of numbers, top-left corner at (x0, y_top); rows in ``row_colours`` are
    filled with a light tint of their colour, rows in ``muted_rows`` are greyed.

    Returns the centre y of every row (top to bottom).
    """
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    row_colours = row_colours or {}
    rows, cols = values.shape
    centres = []
    for i in range(rows):
        y = y_top - (i + 1) * cell_h
        colour = row_colours.get(i)
        face = to_rgba(colour, 0.28) if colour else COLOURS["plain"]
        for j in range(cols):
            ax.add_patch(Rectangle((x0 + j * cell_w, y), cell_w, cell_h, facecolor=face,
                                   edgecolor=colour or COLOURS["muted"],
                                   linewidth=2.0 if colour else 0.8, gid=gid))
            ax.text(x0 + (j + 0.5) * cell_w, y + cell_h / 2, fmt.format(values[i, j]),
                    ha="center", va="center", fontsize=fontsize, gid=f"{gid}-text",
                    color=COLOURS["muted"] if i in muted_rows else COLOURS["ink"])
        centres.append(y + cell_h / 2)
    return centres
