"""What every explorer shares: the scoped CSS, small HTML builders, pyplot-free figures and
the :class:`Explorer` base class (a titled column of controls, result, plot and note)."""

from __future__ import annotations

import base64
import html
import io
import re
import textwrap
from collections.abc import Sequence

import ipywidgets as widgets

from w2vlib.i18n import _
from w2vlib.study.figures import INSTALLED_KOREAN_FONTS

__all__ = ["Explorer", "CSS", "BLUE", "ORANGE", "GREY", "DPI", "esc", "message_box", "hint_box",
           "html_table", "to_png", "figure", "log_ticks", "plot_style", "slider_style", "labelled",
           "plain_text", "CONTROLS_WIDTH", "korean_font", "drawable", "KOREAN_FONTS"]

#: The explorers' plots: 12 pt type at this dpi is 18 px on the screen.
DPI = 110
#: Width of the column of controls, result and note, beside the plot (px).
CONTROLS_WIDTH = 620

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
.w2v-explorer table.w2v { border-collapse: collapse; font-size: 16px;
  font-variant-numeric: tabular-nums; margin: 4px 0; }
.w2v-explorer table.w2v th { font-weight: 600; padding: 2px 8px; text-align: right;
  border-bottom: 1px solid rgba(127, 127, 127, 0.6); white-space: nowrap; line-height: 1.25; }
.w2v-explorer table.w2v td { padding: 2px 8px; text-align: right; line-height: 1.25; }
.w2v-explorer table.w2v .w2v-left { text-align: left; }
.w2v-explorer table.w2v td.w2v-word { text-align: left; font-weight: 600; }
.w2v-explorer table.w2v tr.w2v-section td { text-align: left; font-style: italic; opacity: 0.8; }
.w2v-explorer .w2v-bar { height: 14px; background: #4c78a8; border-radius: 2px; }
.w2v-explorer .w2v-msg { padding: 8px 12px; margin: 4px 0; border-radius: 4px; line-height: 1.5;
  background: rgba(255, 165, 0, 0.16); border-left: 4px solid #f0a020; }
.w2v-explorer .w2v-hint { padding: 8px 12px; margin: 4px 0; border-radius: 4px;
  background: rgba(76, 120, 168, 0.12); }
.w2v-explorer .w2v-big { font-size: 19px; margin: 4px 0; }
.w2v-explorer .w2v-columns { display: flex; gap: 28px; align-items: flex-start; }
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

    fig = Figure(figsize=(width, height), dpi=DPI, layout="none")   # whatever the rc says
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

    rc = {"font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12,
          "xtick.labelsize": 12, "ytick.labelsize": 12,
          "legend.fontsize": 12, "legend.framealpha": 0.9}
    return matplotlib.rc_context({**rc, **_korean_rc()})


def _korean_rc() -> dict:
    """In Korean (``w2vlib.set_language("ko")``), a font family with Hangul for the plots,
    even when ``notebook.setup(language="ko")`` was not called; in English, nothing."""
    from w2vlib.i18n import get_language

    if get_language() != "ko":
        return {}
    from w2vlib.study.figures import korean_family

    return {"font.family": korean_family(), "axes.unicode_minus": True}


def slider_style() -> dict:
    """Slider style: the description takes the width it needs."""
    return {"description_width": "initial"}


def labelled(text: str, control: widgets.Widget) -> widgets.HBox:
    """``control`` with a label on its left (ToggleButtons put their description above)."""
    return widgets.HBox([widgets.HTML(f'<div style="padding: 6px 10px 0 0">{esc(text)}</div>'),
                         control])


def plain_text(markup: str) -> str:
    """HTML as a reader sees it, for the static picture: tags dropped, ``<sup>e</sup>`` as ``^e``."""
    text = re.sub(r"<sup>(.*?)</sup>", r"^\1", markup)
    text = re.sub(r"<sub>(.*?)</sub>", r"_\1", text)
    text = re.sub(r"<br\s*/?>|</(?:div|p|td|th|tr)>", " ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


#: Fonts with Hangul that matplotlib may know; the first one found draws the Korean terms.
KOREAN_FONTS = INSTALLED_KOREAN_FONTS


def korean_font() -> str | None:
    """The name of a font with Hangul (see :data:`KOREAN_FONTS`), or None.

    The NanumGothic bundled by koreanize-matplotlib (a dependency) is registered with
    matplotlib first, with a minus sign added (:func:`w2vlib.study.figures.korean_font`), so a
    fresh machine without any Korean font installed still draws the Korean terms in the pictures.
    """
    from w2vlib.study.figures import korean_font as registered

    return registered()


def drawable(text: str, font: str | None) -> str:
    """``text`` as the picture can draw it: without a Korean font, Hangul (and the brackets
    it leaves empty) is dropped rather than drawn as empty boxes with a warning."""
    if font is not None or not re.search("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]", text):
        return text
    text = re.sub("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+", "", text)
    text = re.sub(r"\s*\(\s*\)", "", text)
    return re.sub(r"\s{2,}", " ", text).strip()


class Explorer(widgets.VBox):
    """A title over two columns that sit side by side on a 1920 x 1080 screen (and wrap onto
    each other on a narrow one): controls and result on the left, the plot and note on the
    right; without a plot, the controls and note on the left and the result on the right.

    Subclasses build their controls, call :meth:`_assemble`, and implement
    :meth:`_update`, which sets ``result.value`` (and ``plot.value``).

    Displayed, an explorer sends the live widget and, beside it in the same output, a PNG of
    its state at that moment (:meth:`snapshot`) and a short text: JupyterLab shows the widget,
    nbviewer and GitHub (which have no widget state) show the picture.

    With a plot, the note goes under the plot, so the left column (slider, numbers) stays
    short enough for a 1080-pixel screen.
    """

    _kind = "explorer"

    def _assemble(self, title: str, controls: Sequence[widgets.Widget], note: str,
                  plot: bool) -> None:
        self.title = widgets.HTML(CSS + f'<div class="w2v-title">{title}</div>')
        self.result = widgets.HTML()
        self.result.add_class("w2v-result")
        self.plot = widgets.Image(format="png") if plot else None
        self.note = widgets.HTML(f'<div class="w2v-note">{note}</div>')
        self.error: Exception | None = None
        column = widgets.Layout(width=f"{CONTROLS_WIDTH}px", min_width=f"{CONTROLS_WIDTH}px")
        if self.plot is not None:
            self.plot.add_class("w2v-plot")
            left = widgets.VBox([*controls, self.result], layout=column)
            right = widgets.VBox([self.plot, self.note])     # as wide as the plot: _fit_plot
        else:
            left = widgets.VBox([*controls, self.note], layout=column)
            right = self.result
        self.body = widgets.HBox([left, right], layout=widgets.Layout(
            flex_flow="row wrap", align_items="flex-start", grid_gap="8px 28px"))
        self.body.add_class("w2v-body")
        self._plot_column = right if self.plot is not None else None
        self.children = (self.title, self.body)
        self.add_class("w2v-explorer")
        self.add_class(f"w2v-{self._kind}")
        for control in controls:
            self._watch(control)

    def _watch(self, widget: widgets.Widget) -> None:
        """Redraw when a control's value changes (not for widgets marked ``_w2v_unwatched``:
        those the explorer writes itself, or handles on its own)."""
        if isinstance(widget, widgets.Box):
            for child in widget.children:
                self._watch(child)
        elif widget.has_trait("value") and not getattr(widget, "_w2v_unwatched", False):
            widget.observe(self._refresh, names="value")

    def _fit_plot(self) -> None:
        """Make the plot's column exactly as wide as the plot (read from the PNG header), so
        the image is never shrunk and the note wraps under it."""
        if self._plot_column is None or len(self.plot.value) < 24:
            return
        width = f"{int.from_bytes(self.plot.value[16:20], 'big')}px"
        if self._plot_column.layout.width != width:
            self._plot_column.layout.width = width
            self.plot.layout.width = width

    def _refresh(self, change=None) -> None:
        try:
            self._update()
            self._fit_plot()
            self.error = None
        except Exception as e:  # last resort: a projector shows a message, never a traceback
            self.error = e
            self.result.value = message_box(_("Something unexpected went wrong: <b>{type}</b>: "
                                              "{error}").format(type=esc(type(e).__name__),
                                                                error=esc(e)))

    def _update(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:  # the text fallback stored in a notebook; keep it short and stable
        return f"{type(self).__name__}()"

    # -- the static picture -------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        """The widget view, plus ``image/png`` (:meth:`snapshot`) for readers without widgets.

        strict nbval compares neither ``image/png`` nor the widget view, only ``text/plain``
        (the short, stable :meth:`__repr__`).
        """
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:            # a closed widget: nothing to show
            return None
        data["image/png"] = base64.b64encode(self.snapshot()).decode("ascii")
        return data

    def _snapshot_lines(self) -> list[str]:
        """The text above the picture: the title and the result's headline."""
        lines = [plain_text(self.title.value.replace(CSS, ""))]
        headline = re.search(r'<div class="w2v-(?:big|msg|hint)">(.*?)</div>', self.result.value,
                             flags=re.S)
        if headline:
            lines.append(plain_text(headline.group(1)))
        return lines

    def _snapshot_figure(self):
        """A Figure for the picture; by default the plot as it is now (None without one)."""
        return None

    def snapshot(self) -> bytes:
        """PNG bytes: the explorer's title, its headline and its plot (or, for the word
        explorers, their answers drawn as bars), as they are now."""
        import numpy as np
        from matplotlib.figure import Figure
        from matplotlib.image import imread

        if self.plot is not None and self.plot.value:
            pixels = imread(io.BytesIO(self.plot.value), format="png")
        else:
            own = self._snapshot_figure()
            pixels = imread(io.BytesIO(to_png(own)), format="png") if own is not None else None
        width_px = pixels.shape[1] if pixels is not None else 900
        chars = max(40, int(width_px / 11))
        font = korean_font()
        lines = [w for line in self._snapshot_lines()
                 for w in textwrap.wrap(drawable(line, font), chars)]
        header_px = 28 * len(lines) + 16
        height_px = header_px + (pixels.shape[0] if pixels is not None else 0)
        fig = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, facecolor="white")
        family = ["DejaVu Sans"] + ([font] if font else [])
        if pixels is not None:
            fig.figimage(np.asarray(pixels), xo=0, yo=0)
        for n, line in enumerate(lines):
            fig.text(8 / width_px, 1 - (12 + 28 * n) / height_px, line, va="top", ha="left",
                     fontsize=13 if n else 14, fontweight="bold" if n == 0 else "normal",
                     fontfamily=family)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()
