"""What every explorer shares: the scoped CSS, small HTML builders, pyplot-free figures and
the :class:`Explorer` base class (a titled column of controls, result, plot and note)."""

from __future__ import annotations

import html
import io
from collections.abc import Sequence

import ipywidgets as widgets

__all__ = ["Explorer", "CSS", "BLUE", "ORANGE", "GREY", "esc", "message_box", "hint_box",
           "html_table", "to_png", "figure", "log_ticks", "plot_style", "slider_style", "labelled"]

# ---------------------------------------------------------------------------
# Shared look: large type for a projector, scoped to the explorers only
# ---------------------------------------------------------------------------

#: Scoped CSS. The ``--jp-widgets-*`` variables are the ones ipywidgets 8 sizes
#: its controls with; redefining them on ``.w2v-explorer`` enlarges only the
#: explorers' sliders, boxes and buttons. Colours are translucent, so the
#: explorers read on JupyterLab's light and dark themes alike.
CSS = """<style>
.w2v-explorer { --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px;
  --jp-widgets-inline-label-width: 190px; --jp-widgets-slider-handle-size: 20px;
  --jp-widgets-slider-track-thickness: 6px;
  font-size: 16px; padding: 4px 0 8px 12px; border-left: 4px solid #4c78a8; }
.w2v-explorer .widget-readout { font-size: 17px; font-weight: 600; min-width: 110px; }
.w2v-explorer .w2v-title { font-size: 21px; font-weight: 700; margin: 2px 0; }
.w2v-explorer .w2v-note { font-size: 14px; opacity: 0.85; line-height: 1.4; }
.w2v-explorer table.w2v { border-collapse: collapse; font-size: 17px;
  font-variant-numeric: tabular-nums; margin: 4px 0; }
.w2v-explorer table.w2v th { font-weight: 600; padding: 3px 12px; text-align: right;
  border-bottom: 1px solid rgba(127, 127, 127, 0.6); }
.w2v-explorer table.w2v td { padding: 3px 12px; text-align: right; }
.w2v-explorer table.w2v .w2v-left { text-align: left; }
.w2v-explorer table.w2v td.w2v-word { text-align: left; font-weight: 600; }
.w2v-explorer table.w2v tr.w2v-section td { text-align: left; font-style: italic; opacity: 0.8; }
.w2v-explorer .w2v-bar { height: 14px; background: #4c78a8; border-radius: 2px; }
.w2v-explorer .w2v-msg { padding: 8px 12px; margin: 4px 0; border-radius: 4px; line-height: 1.5;
  background: rgba(255, 165, 0, 0.16); border-left: 4px solid #f0a020; }
.w2v-explorer .w2v-hint { padding: 8px 12px; margin: 4px 0; border-radius: 4px;
  background: rgba(76, 120, 168, 0.12); }
.w2v-explorer .w2v-big { font-size: 19px; margin: 4px 0; }
</style>"""

BLUE, ORANGE, GREY = "#4c78a8", "#f58518", "#9d9d9d"


def esc(x) -> str:
    """``str(x)`` escaped for HTML (quotes too)."""
    return html.escape(str(x), quote=True)


def message_box(text: str) -> str:
    """A friendly warning box; ``text`` is already HTML."""
    return f'<div class="w2v-msg">{text}</div>'


def hint_box(text: str) -> str:
    """A neutral hint box (nothing is wrong, something is missing)."""
    return f'<div class="w2v-hint">{text}</div>'


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int] = ()) -> str:
    """An HTML table; cells are already HTML; columns in ``left`` are left-aligned."""
    def cls(j):
        return ' class="w2v-left"' if j in left else ""

    head = "".join(f"<th{cls(j)}>{h}</th>" for j, h in enumerate(header))
    body = "".join("<tr>" + "".join(cells) + "</tr>" for cells in rows)
    return f'<table class="w2v"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def to_png(fig) -> bytes:
    """A matplotlib Figure as PNG bytes (for an Image widget)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def figure(width: float, height: float, **margins):
    """A pyplot-free Figure (no global state, nothing shown by accident).

    Fixed margins instead of a constrained or tight layout: those lay the ticks
    out several times, which made one redraw take seconds on a busy machine.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=90)
    fig.subplots_adjust(**{"left": 0.08, "right": 0.98, "bottom": 0.17, "top": 0.89,
                           "wspace": 0.3, **margins})
    return fig


def log_ticks(axis, values, labels) -> None:
    """Fixed ticks with readable labels and no minor ticks on a log axis."""
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    axis.set_major_locator(FixedLocator(list(values)))
    axis.set_major_formatter(FixedFormatter(list(labels)))
    axis.set_minor_locator(NullLocator())


def plot_style():
    """A matplotlib rc context with type large enough for a projector."""
    import matplotlib

    return matplotlib.rc_context({"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12,
                                  "legend.fontsize": 11})


def slider_style() -> dict:
    """Slider style: the description takes the width it needs."""
    return {"description_width": "initial"}


def labelled(text: str, control: widgets.Widget) -> widgets.HBox:
    """``control`` with a label on its left (ToggleButtons put their description above)."""
    return widgets.HBox([widgets.HTML(f'<div style="padding: 6px 10px 0 0">{esc(text)}</div>'),
                         control])


class Explorer(widgets.VBox):
    """A titled column: controls, a result (HTML), an optional plot (Image), a note.

    Subclasses build their controls, call :meth:`_assemble`, and implement
    :meth:`_update`, which sets ``result.value`` (and ``plot.value``).
    """

    _kind = "explorer"

    def _assemble(self, title: str, controls: Sequence[widgets.Widget], note: str,
                  plot: bool) -> None:
        self.title = widgets.HTML(CSS + f'<div class="w2v-title">{title}</div>')
        self.result = widgets.HTML()
        self.result.add_class("w2v-result")
        self.plot = widgets.Image(format="png") if plot else None
        if self.plot is not None:
            self.plot.add_class("w2v-plot")
        self.note = widgets.HTML(f'<div class="w2v-note">{note}</div>')
        self.error: Exception | None = None
        children = [self.title, *controls, self.result]
        if self.plot is not None:
            children.append(self.plot)
        children.append(self.note)
        self.children = tuple(children)
        self.add_class("w2v-explorer")
        self.add_class(f"w2v-{self._kind}")
        for control in controls:
            self._watch(control)

    def _watch(self, widget: widgets.Widget) -> None:
        if isinstance(widget, widgets.Box):
            for child in widget.children:
                self._watch(child)
        elif widget.has_trait("value"):
            widget.observe(self._refresh, names="value")

    def _refresh(self, change=None) -> None:
        try:
            self._update()
            self.error = None
        except Exception as e:  # last resort: a projector shows a message, never a traceback
            self.error = e
            self.result.value = message_box(f"Something unexpected went wrong: "
                                     f"<b>{esc(type(e).__name__)}</b>: {esc(e)}")

    def _update(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:  # the text fallback stored in a notebook; keep it short and stable
        return f"{type(self).__name__}()"


