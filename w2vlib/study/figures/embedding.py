"""Figures 4-4 and 4-5: the Embedding layer picks rows forward and adds them back backward."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from w2vlib.i18n import _

from .draw import COLOURS, SMALL, arrow, canvas, label, matrix, projector_rc, text_width
from .labels import LABELS

__all__ = ["embedding_forward", "embedding_backward", "DEFAULT_IDX"]

#: The ids both figures use unless told: row 0 is picked twice, as in the book's 4-5.
DEFAULT_IDX = (0, 2, 0, 4)
MAX_ROWS, MAX_COLS = 10, 5
CELL_W, CELL_H = 1.0, 0.6


def _check_idx(idx, vocab_size: int | None) -> np.ndarray:
    arr = np.asarray(idx)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"idx must be a non-empty 1-D sequence of ints, got {idx!r}")
    if arr.size > MAX_ROWS:
        raise ValueError(f"idx has {arr.size} ids; a figure shows at most {MAX_ROWS}")
    if arr.min() < 0 or (vocab_size is not None and arr.max() >= vocab_size):
        raise ValueError(f"idx {arr.tolist()} has ids outside the {vocab_size} rows of W")
    return arr


def _check_matrix(name: str, values, rows: int | None = None) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a 2-D array, got shape {arr.shape}")
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{name} has {arr.shape[0]} rows but idx has {rows} ids")
    if arr.shape[0] > MAX_ROWS or arr.shape[1] > MAX_COLS:
        raise ValueError(f"{name} has shape {arr.shape}; a figure shows at most "
                         f"{MAX_ROWS} x {MAX_COLS}")
    return arr


def _colours(ids: np.ndarray) -> dict[int, str]:
    """One colour per distinct id, in order of first appearance."""
    distinct = list(dict.fromkeys(int(i) for i in ids))
    return {i: COLOURS["rows"][n % len(COLOURS["rows"])] for n, i in enumerate(distinct)}


def _layout(left_rows: int, right_rows: int, cols: int, right_margin: float = 3.4):
    """Positions shared by both figures: (width, height, x of left and right matrices, y_top
    of each); ``right_margin`` units of room right of the right matrix."""
    rows = max(left_rows, right_rows)
    height = rows * CELL_H + 2.4
    left_x = 2.9
    right_x = left_x + cols * CELL_W + 3.2
    width = right_x + cols * CELL_W + right_margin
    top = height - 1.7
    left_top = top - (rows - left_rows) * CELL_H / 2
    right_top = top - (rows - right_rows) * CELL_H / 2
    return width, height, left_x, right_x, left_top, right_top


@projector_rc
def embedding_forward(W=None, idx: Sequence[int] = DEFAULT_IDX):
    """Figure 4-4 (forward): ``out = W[idx]`` -- the rows of W named by idx, stacked.

    W: (V, H), at most 10 x 5 (default: a 7 x 3 matrix of 0.0, 0.1, ...); idx: (N,) ints
    (default (0, 2, 0, 4): row 0 twice). Draws W with the picked rows coloured (one colour per
    distinct id), ``out`` with each row in its source's colour, and one arrow per id. Returns
    the Figure (pyplot-free, so a notebook shows it once).

    >>> fig = embedding_forward()
    >>> len([a for a in fig.axes[0].patches if a.get_gid() == "arrow-forward"])
    4
    """
    W = _check_matrix("W", np.round(np.arange(21).reshape(7, 3) * 0.1, 1) if W is None else W)
    ids = _check_idx(idx, W.shape[0])
    out = W[ids]
    colours = _colours(ids)
    width, height, wx, ox, w_top, o_top = _layout(W.shape[0], len(ids), W.shape[1])
    fig, ax = canvas(width, height)
    label(ax, 0.2, height - 0.45, _(LABELS["forward_title"]), ha="left", fontsize=SMALL + 2,
          gid="title")
    w_rows = matrix(ax, W, wx, w_top, cell_w=CELL_W, cell_h=CELL_H, row_colours=colours)
    o_rows = matrix(ax, out, ox, o_top, cell_w=CELL_W, cell_h=CELL_H,
                    row_colours={k: colours[int(i)] for k, i in enumerate(ids)})
    ncols = W.shape[1]
    label(ax, wx + ncols * CELL_W / 2, w_top + 0.45, _(LABELS["W"]), fontsize=SMALL + 2,
          weight="bold", gid="heading")
    label(ax, ox + ncols * CELL_W / 2, o_top + 0.45, _(LABELS["out"]), fontsize=SMALL + 2,
          weight="bold", gid="heading")
    for i, y in enumerate(w_rows):
        label(ax, wx - 0.2, y, _(LABELS["row"]).format(i=i), ha="right", gid="row-label",
              colour=colours.get(i, COLOURS["muted"]))
    for k, (i, y) in enumerate(zip(ids, o_rows, strict=True)):
        label(ax, ox + ncols * CELL_W + 0.2, y, _(LABELS["idx_entry"]).format(k=k, i=int(i)),
              ha="left", gid="idx-label")
        arrow(ax, (wx + ncols * CELL_W + 0.1, w_rows[int(i)]), (ox - 0.1, y),
              colour=colours[int(i)], gid="arrow-forward")
    return fig


def _gradient(ids: np.ndarray, dout: np.ndarray, vocab_size: int, mode: str) -> np.ndarray:
    dW = np.zeros((vocab_size, dout.shape[1]))
    if mode == "add":
        np.add.at(dW, ids, dout)
    else:
        dW[ids] = dout           # what the buggy backward does: one write per repeated row wins
    return dW


@projector_rc
def embedding_backward(idx: Sequence[int] = DEFAULT_IDX, dout=None, mode: str = "add",
                       vocab_size: int | None = None):
    """Figure 4-5 (backward): each ``dout[k]`` flows into row ``idx[k]`` of dW.

    idx: (N,) ints (default (0, 2, 0, 4)); dout: (N, H) (default 0.1, 0.2, ...); vocab_size:
    the rows of dW (default max(idx) + 3). ``mode="add"`` draws the correct backward,
    ``np.add.at(dW, idx, dout)``: a repeated id's arrows meet in one row, noted as their sum.
    ``mode="assign"`` draws ``dW[idx] = dout``, computed by NumPy itself: for a repeated id
    only one write survives; the lost rows' arrows are dashed and greyed, and the row says
    which dout was kept. Returns the Figure.

    >>> fig = embedding_backward(mode="assign")
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "note")
    ['dout[2] kept, dout[0] lost']
    """
    if mode not in ("add", "assign"):
        raise ValueError(f"mode must be 'add' or 'assign', got {mode!r}")
    ids = _check_idx(idx, vocab_size)
    V = int(ids.max()) + 3 if vocab_size is None else int(vocab_size)
    N = len(ids)
    dout = _check_matrix("dout", np.round(np.arange(N * 3).reshape(N, 3) * 0.1 + 0.1, 1)
                         if dout is None else dout, rows=N)
    _check_matrix("dW", np.zeros((V, dout.shape[1])))
    dW = _gradient(ids, dout, V, mode)
    lost = [k for k in range(N) if mode == "assign" and not np.array_equal(dW[ids[k]], dout[k])]
    colours = _colours(ids)
    notes = _notes(ids, lost, mode)
    margin = 1.7 + max([text_width(n, SMALL) for n in notes.values()], default=0.0) + 0.3
    width, height, dx, wx, d_top, w_top = _layout(N, V, dout.shape[1], max(3.4, margin))
    fig, ax = canvas(width, height)
    title = _(LABELS["backward_title_add" if mode == "add" else "backward_title_assign"])
    label(ax, 0.2, height - 0.45, title, ha="left", fontsize=SMALL + 2, gid="title")
    d_rows = matrix(ax, dout, dx, d_top, cell_w=CELL_W, cell_h=CELL_H, muted_rows=lost,
                    row_colours={k: colours[int(i)] for k, i in enumerate(ids) if k not in lost})
    w_rows = matrix(ax, dW, wx, w_top, cell_w=CELL_W, cell_h=CELL_H, row_colours=colours,
                    muted_rows=[i for i in range(V) if i not in colours])
    ncols = dout.shape[1]
    label(ax, dx + ncols * CELL_W / 2, d_top + 0.45, _(LABELS["dout"]), fontsize=SMALL + 2,
          weight="bold", gid="heading")
    label(ax, wx + ncols * CELL_W / 2, w_top + 0.45, _(LABELS["dW"]), fontsize=SMALL + 2,
          weight="bold", gid="heading")
    for k, (i, y) in enumerate(zip(ids, d_rows, strict=True)):
        label(ax, dx - 0.2, y, _(LABELS["idx_entry"]).format(k=k, i=int(i)), ha="right",
              gid="idx-label")
        gone = k in lost
        arrow(ax, (dx + ncols * CELL_W + 0.1, y), (wx - 0.1, w_rows[int(i)]),
              colour=COLOURS["muted"] if gone else colours[int(i)], gid="arrow-backward",
              linestyle="--" if gone else "-")
    for i, y in enumerate(w_rows):
        label(ax, wx + ncols * CELL_W + 0.2, y, _(LABELS["row"]).format(i=i), ha="left",
              gid="row-label", colour=colours.get(i, COLOURS["muted"]))
    for i, note in notes.items():
        label(ax, wx + ncols * CELL_W + 1.7, w_rows[i], note, ha="left", gid="note",
              colour=COLOURS["ink" if mode == "add" else "negative"])
    return fig


def _notes(ids: np.ndarray, lost: list[int], mode: str) -> dict[int, str]:
    """For each row hit more than once, what it holds: the sum, or which write was kept."""
    notes = {}
    for i in dict.fromkeys(int(i) for i in ids):
        ks = [k for k in range(len(ids)) if ids[k] == i]
        if len(ks) < 2:
            continue
        terms = [_(LABELS["term"]).format(k=k) for k in ks]
        if mode == "add":
            notes[i] = _(LABELS["sum_note"]).format(terms=" + ".join(terms))
        else:
            kept = [t for k, t in zip(ks, terms, strict=True) if k not in lost]
            gone = [t for k, t in zip(ks, terms, strict=True) if k in lost]
            notes[i] = _(LABELS["kept_note"]).format(kept=", ".join(kept) or _("none"),
                                                  lost=", ".join(gone) or _("none"))
    return notes
