"""Figures a projector can show: the rc settings, legends off the data, pyplot-free figures.

:func:`use_projector_style` sets matplotlib's defaults once per kernel (the first cell of
every notebook calls it through :func:`w2vlib.study.notebook.setup`); :func:`legend_outside`
puts a legend beside the axes, where it can never hide a curve; :func:`new_figure` makes a
Figure without pyplot (no global state: a figure returned by a function is shown once).

Why a legend *outside* rather than ``legend.loc = "best"``: "best" only avoids the data
points already drawn and still lands on a curve when the curves fill the axes (the issue's
notebook 02 plot); a legend beside the axes never covers anything, and constrained layout
makes room for it.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

__all__ = ["PROJECTOR_RC", "use_projector_style", "legend_outside", "new_figure", "to_png",
           "is_projector_style", "ChapterFigure"]

#: The rc settings :func:`use_projector_style` applies. Sizes in points: 12 pt at dpi 120 is
#: 20 px, legible from the back of a room on a 1920 x 1080 projector.
PROJECTOR_RC = {
    "figure.dpi": 120,
    "savefig.dpi": "figure",
    "figure.figsize": (8.0, 4.5),
    "figure.constrained_layout.use": True,      # labels and outside legends are never clipped
    "font.size": 13,
    "axes.titlesize": 15,
    "axes.labelsize": 13,
    "xtick.labelsize": 12,
    "ytick.labelsize": 12,
    "legend.fontsize": 12,
    "legend.title_fontsize": 12,
    "legend.loc": "best",                       # for legends placed inside; see legend_outside
    "legend.framealpha": 0.9,                   # what it covers stays faintly visible
    "lines.linewidth": 2.2,
    "lines.markersize": 7,
    "axes.grid": False,
    "figure.facecolor": "white",                # readable on JupyterLab's dark theme too
    "savefig.facecolor": "white",
}


def use_projector_style() -> None:
    """Set matplotlib's defaults for a projector (idempotent: a second call changes nothing).

    dpi 120, fonts of 12 pt and more for ticks, labels and legends, figures of 8 x 4.5 in
    (960 x 540 px), constrained layout, and an opaque white background. Affects figures
    made afterwards, with pyplot or with :func:`new_figure`.

    >>> import matplotlib
    >>> use_projector_style()
    >>> matplotlib.rcParams["figure.dpi"], matplotlib.rcParams["legend.fontsize"]
    (120.0, 12.0)
    """
    import matplotlib

    matplotlib.rcParams.update(PROJECTOR_RC)


def is_projector_style() -> bool:
    """True when every setting of :data:`PROJECTOR_RC` is in force."""
    import matplotlib

    probe = matplotlib.RcParams()
    probe.update(PROJECTOR_RC)          # validated the same way, e.g. 120 -> 120.0
    return all(matplotlib.rcParams[k] == probe[k] for k in PROJECTOR_RC)


def legend_outside(ax, side: str = "right", **kwargs):
    """A legend beside ``ax`` (``side`` "right" or "bottom"), off the data; returns it.

    Needs constrained layout (on under :func:`use_projector_style` and in
    :func:`new_figure`) to make room; other keyword arguments go to ``ax.legend``.
    """
    if side == "right":
        placement = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0}
    elif side == "bottom":
        placement = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.18), "ncols": 3}
    else:
        raise ValueError(f"side must be 'right' or 'bottom', got {side!r}")
    return ax.legend(**{**placement, **kwargs})


class ChapterFigure(Figure):
    """A Figure that shows itself as a PNG in a notebook, with or without pyplot's inline
    backend, and whose text fallback (``repr``) names it, never its size in pixels (which
    moves with the fonts' metrics and would break strict nbval): ``<Figure: name>``."""

    w2v_name = "figure"

    def _repr_png_(self) -> bytes:
        return to_png(self)

    def __repr__(self) -> str:
        return f"<Figure: {self.w2v_name}>"


def new_figure(width: float | None = None, height: float | None = None, dpi: float | None = None,
               name: str = "figure"):
    """A pyplot-free Figure in the projector style (whatever the global rc says).

    A notebook cell that ends with it shows it once, as a PNG (pyplot would show it a second
    time when the cell ends); its text fallback is ``<Figure: name>``. Sizes in inches; the
    defaults are :data:`PROJECTOR_RC`'s.
    """
    import matplotlib

    with matplotlib.rc_context(PROJECTOR_RC):
        w, h = PROJECTOR_RC["figure.figsize"]
        fig = ChapterFigure(figsize=(width or w, height or h),
                            dpi=dpi or PROJECTOR_RC["figure.dpi"], layout="constrained",
                            facecolor="white")
    fig.w2v_name = name
    return fig


def to_png(fig) -> bytes:
    """``fig`` as PNG bytes, at its own dpi, cropped to what was drawn."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context(PROJECTOR_RC):
        fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.1)
    return buf.getvalue()
