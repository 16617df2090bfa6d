"""w2vlib.study.figures: the projector style and the chapter's figures, drawn by code.

Each figure is checked for what it must show (counted by the artists' ``gid``s and texts,
computed here from the inputs), for projector-size type (every text >= 12 pt), for text that
neither leaves the canvas nor overlaps other text, for determinism, and for a PNG that
renders without a single warning.
"""

from __future__ import annotations

import io
import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.patches import FancyArrowPatch

from w2vlib.study import figures
from w2vlib.study.figures import LABELS

# ------------------------------------------------------------------ helpers


def texts(fig, gid: str | None = None) -> list[str]:
    found = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    return [t.get_text() for t in found if t.get_text() and (gid is None or t.get_gid() == gid)]


def arrows(fig, gid: str = "arrow-forward") -> list[FancyArrowPatch]:
    return [p for ax in fig.axes for p in ax.patches
            if isinstance(p, FancyArrowPatch) and p.get_gid() == gid]


def patches(fig, gid: str) -> list:
    return [p for ax in fig.axes for p in ax.patches if p.get_gid() == gid]


def drawn(fig):
    """``fig`` on an Agg canvas, laid out and drawn; its renderer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    return fig.canvas.get_renderer()


def png(fig) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error")                  # a missing glyph, a layout warning: fail
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()


ALL = {
    "embedding_forward": lambda: figures.embedding_forward(),
    "embedding_backward_add": lambda: figures.embedding_backward(),
    "embedding_backward_assign": lambda: figures.embedding_backward(mode="assign"),
    "sigmoid_with_loss_graph": lambda: figures.sigmoid_with_loss_graph(),
    "sigmoid_with_loss_combined": lambda: figures.sigmoid_with_loss_graph(combined=True),
    "negative_sampling_network": lambda: figures.negative_sampling_network(),
    "negative_sampling_five": lambda: figures.negative_sampling_network(
        words=("the", "cat", "on", "mat"), target="sat", negatives=("a", "of", "dog", "ran", "in")),
    "context_window": lambda: figures.context_window(),
    "context_window_2": lambda: figures.context_window(center=4, window=2),
    "cbow_vs_skipgram": lambda: figures.cbow_vs_skipgram(),
}


# ------------------------------------------------------------------ the style


def test_use_projector_style_sets_the_rc_values_and_is_idempotent():
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        assert not figures.is_projector_style()
        figures.use_projector_style()
        rc = matplotlib.rcParams
        assert rc["figure.dpi"] >= 110
        for key in ("font.size", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
                    "legend.fontsize", "axes.titlesize"):
            assert rc[key] >= 12, key
        assert tuple(rc["figure.figsize"]) == (8.0, 4.5)
        assert rc["figure.constrained_layout.use"] is True
        before = dict(rc)
        figures.use_projector_style()
        assert dict(rc) == before
        assert figures.is_projector_style()


def test_legend_outside_keeps_the_legend_off_the_data():
    fig = figures.new_figure()
    ax = fig.subplots()
    x = np.linspace(0, 1, 50)
    for k in range(3):
        ax.plot(x, x ** (k + 1), label=f"x^{k + 1}")
    legend = figures.legend_outside(ax)
    drawn(fig)
    box, axes = legend.get_window_extent(), ax.get_window_extent()
    assert box.x0 >= axes.x1                            # wholly right of the axes
    assert box.x1 <= fig.bbox.x1 + 1                    # and still on the figure (not clipped)
    with pytest.raises(ValueError, match="side must be 'right' or 'bottom'"):
        figures.legend_outside(ax, side="top")


def test_new_figure_is_projector_sized_whatever_the_global_style():
    with matplotlib.rc_context({"figure.dpi": 72, "figure.figsize": (4, 3)}):
        fig = figures.new_figure()
    assert fig.dpi >= 110 and tuple(fig.get_size_inches()) == (8.0, 4.5)


# ------------------------------------------------------------------ every figure


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_figure_is_projector_readable_and_renders_cleanly(name):
    with matplotlib.rc_context({"font.size": 6}):       # a small global style must not leak in
        fig = ALL[name]()
    data = png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.dpi >= 110
    width_px = fig.get_size_inches()[0] * fig.dpi
    assert width_px <= 1500, f"{name} is {width_px:.0f} px wide"
    renderer = drawn(fig)
    shown = [t for ax in fig.axes for t in ax.texts if t.get_text()] + [t for t in fig.texts]
    assert shown
    for t in shown:
        assert t.get_fontsize() >= 12, (name, t.get_text(), t.get_fontsize())
        box = t.get_window_extent(renderer)
        assert fig.bbox.x0 - 1 <= box.x0 and box.x1 <= fig.bbox.x1 + 1, (name, t.get_text())
        assert fig.bbox.y0 - 1 <= box.y0 and box.y1 <= fig.bbox.y1 + 1, (name, t.get_text())
    boxes = [(t.get_text(), t.get_window_extent(renderer).shrunk(0.97, 0.9)) for t in shown]
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            assert not box_a.overlaps(box_b), f"{name}: {a!r} overlaps {b!r}"


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_figure_is_deterministic(name):
    assert png(ALL[name]()) == png(ALL[name]())


# ------------------------------------------------------------------ 4-4 / 4-5


def test_embedding_forward_draws_the_picked_rows():
    W = np.arange(12, dtype=float).reshape(4, 3)
    fig = figures.embedding_forward(W, idx=[3, 1, 3])
    assert len(arrows(fig)) == 3
    cells = texts(fig, "cell-text")
    # W's 12 numbers, then out = W[[3, 1, 3]], row by row
    assert cells == [f"{v:.1f}" for v in np.concatenate([W.ravel(), W[[3, 1, 3]].ravel()])]
    assert texts(fig, "idx-label") == ["idx[0] = 3", "idx[1] = 1", "idx[2] = 3"]
    # the two arrows from row 3 share a colour, the one from row 1 has another
    colours = [a.get_edgecolor() for a in arrows(fig)]
    assert colours[0] == colours[2] != colours[1]


def test_embedding_backward_adds_a_repeated_row():
    dout = np.array([[1.0, 2.0], [10.0, 20.0], [100.0, 200.0]])
    fig = figures.embedding_backward([2, 0, 2], dout, vocab_size=4)
    cells = texts(fig, "cell-text")
    dW = np.zeros((4, 2))
    np.add.at(dW, [2, 0, 2], dout)
    assert dW[2].tolist() == [101.0, 202.0]
    assert cells == [f"{v:.1f}" for v in np.concatenate([dout.ravel(), dW.ravel()])]
    assert len(arrows(fig, "arrow-backward")) == 3
    assert texts(fig, "note") == ["= dout[0] + dout[2]"]


def test_embedding_backward_by_assignment_shows_the_lost_row():
    dout = np.array([[1.0, 2.0], [10.0, 20.0], [100.0, 200.0]])
    fig = figures.embedding_backward([2, 0, 2], dout, mode="assign", vocab_size=4)
    cells = texts(fig, "cell-text")
    assert cells[-8:] == ["10.0", "20.0", "0.0", "0.0", "100.0", "200.0", "0.0", "0.0"]
    assert texts(fig, "note") == ["dout[2] kept, dout[0] lost"]
    dashed = [a for a in arrows(fig, "arrow-backward") if a.get_linestyle() != "-"]
    assert len(dashed) == 1                             # the lost write's arrow
    assert LABELS["backward_title_assign"] in texts(fig, "title")


@pytest.mark.parametrize("call,message", [
    (lambda: figures.embedding_backward([0, 1], mode="set"), "mode must be 'add' or 'assign'"),
    (lambda: figures.embedding_backward([0, 1], dout=np.ones((3, 2))), "dout has 3 rows but idx has 2"),
    (lambda: figures.embedding_backward([], dout=np.ones((0, 2))), "non-empty 1-D sequence of ints"),
    (lambda: figures.embedding_forward(np.ones((3, 2)), idx=[0, 3]), "ids outside the 3 rows"),
    (lambda: figures.embedding_forward(np.ones((3, 2)), idx=[0.5]), "sequence of ints"),
    (lambda: figures.embedding_forward(np.ones((30, 2)), idx=[0]), "at most 10 x 5"),
])
def test_embedding_figures_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------ 4-10


def test_sigmoid_with_loss_graph_flows_back_y_minus_t_in_another_colour():
    fig = figures.sigmoid_with_loss_graph()
    forward, backward = arrows(fig), arrows(fig, "arrow-backward")
    assert len(forward) == 4 and len(backward) == 3     # x, y, L, t in; 1, dL/dy, y - t back
    assert {a.get_edgecolor() for a in forward}.isdisjoint({a.get_edgecolor() for a in backward})
    assert sorted(texts(fig, "arrow-backward-text")) == sorted([LABELS["dy"], LABELS["dx"],
                                                                LABELS["dL"]])
    assert LABELS["dx"] == "y − t"
    boxes = texts(fig, "box-text")
    assert LABELS["sigmoid"] in boxes and LABELS["cross_entropy"] in boxes
    assert texts(fig, "frame-label") == [LABELS["sigmoid_with_loss"]]
    # backward arrows point right to left
    for a in backward:
        (x0, _), (x1, _) = a._posA_posB
        assert x1 < x0


def test_sigmoid_with_loss_combined_is_one_box():
    fig = figures.sigmoid_with_loss_graph(combined=True)
    assert texts(fig, "box-text") == [LABELS["sigmoid_with_loss"]]
    assert set(texts(fig, "arrow-backward-text")) == {LABELS["dx"], LABELS["dL"]}


# ------------------------------------------------------------------ 4-12 / 4-17


@pytest.mark.parametrize("words,negatives", [(("you", "goodbye"), ("hello", "I")),
                                             (("a", "b", "c", "d"), ("x", "y", "z", "w", "v")),
                                             (("solo",), ())])
def test_negative_sampling_network_has_one_question_per_word(words, negatives):
    fig = figures.negative_sampling_network(words=words, target="say", negatives=negatives)
    k = 1 + len(negatives)
    assert len(patches(fig, "embedding-dot")) == k
    assert len(patches(fig, "sigmoid-with-loss")) == k
    assert len(patches(fig, "context")) == len(words)
    boxes = texts(fig)
    assert boxes.count(LABELS["embedding"]) == len(words)
    assert sum(LABELS["label_one"] in b for b in boxes) == 1
    assert sum(LABELS["label_zero"] in b for b in boxes) == len(negatives)
    assert any("say (target)" in b for b in boxes)
    for w in negatives:
        assert any(f"{w} (negative)" in b for b in boxes)
    # word -> Embedding and Embedding -> h per context; h -> dot, dot -> loss, loss -> sum per
    # question; the sum -> loss
    assert len(arrows(fig)) == 2 * len(words) + 3 * k + 1


@pytest.mark.parametrize("kwargs,message", [
    ({"negatives": ("say", "hello")}, "never its own negative"),
    ({"words": ()}, "words must have 1 to 6 words"),
    ({"negatives": tuple("abcdefg")}, "negatives must have 0 to 6 words"),
    ({"target": ""}, "target must be non-empty strings"),
])
def test_negative_sampling_network_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        figures.negative_sampling_network(**kwargs)


# ------------------------------------------------------------------ the window, CBOW vs skip-gram


def test_context_window_boxes_the_target_and_its_context():
    tokens = ("you", "say", "goodbye", "and", "I", "say", "hello", ".")
    fig = figures.context_window(tokens, center=4, window=2)
    assert texts(fig, "token-target-text") == ["I"]
    assert texts(fig, "token-context-text") == ["goodbye", "and", "say", "hello"]
    assert texts(fig, "token-other-text") == ["you", "say", "."]
    assert texts(fig, "role") == ["context", "context", "target", "context", "context"]
    # at the sentence's end the window is cut short
    fig = figures.context_window(tokens, center=7, window=3)
    assert texts(fig, "token-context-text") == ["I", "say", "hello"]


@pytest.mark.parametrize("kwargs,message", [
    ({"center": 8}, "center must be an index into the 8 tokens"),
    ({"window": 0}, "window must be a whole number >= 1"),
    ({"tokens": ()}, "tokens must have 1 to 14 words"),
    ({"tokens": ("a", ""), "center": 0}, "non-empty strings"),
])
def test_context_window_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        figures.context_window(**kwargs)


def test_cbow_vs_skipgram_points_the_arrows_opposite_ways():
    fig = figures.cbow_vs_skipgram(contexts=("the", "sat", "on"), target="cat")
    cbow, skipgram = fig.axes
    assert cbow.texts[0].get_text() == LABELS["cbow_title"]
    assert skipgram.texts[0].get_text() == LABELS["skipgram_title"]
    formulas = texts(fig, "formula")
    assert formulas == ["P(cat | the, sat, on)", "P(the | cat) P(sat | cat) P(on | cat)"]
    for ax in (cbow, skipgram):
        assert len([p for p in ax.patches if p.get_gid() == "arrow-forward"]) == 4
    # CBOW: three contexts on the left, the target on the right; skip-gram the mirror image
    def xs(ax, gid):
        return [p.cx for p in ax.patches if p.get_gid() == gid]
    assert max(xs(cbow, "word-context")) < min(xs(cbow, "word-target"))
    assert max(xs(skipgram, "word-target")) < min(xs(skipgram, "word-context"))


def test_figures_are_shown_once_by_a_notebook_cell():
    """A pyplot-free Figure: nothing registered with pyplot, so no second copy at cell end."""
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    figures.negative_sampling_network()
    assert plt.get_fignums() == before


def test_a_figure_shows_itself_as_png_with_a_stable_text_fallback():
    """Without pyplot's inline backend a bare Figure would be stored as text only; and the
    fallback names the figure, not its pixel size (which moves with font metrics)."""
    fig = figures.embedding_backward(mode="assign")
    assert repr(fig) == "<Figure: embedding_backward>"
    assert fig._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    assert repr(figures.new_figure(name="mine")) == "<Figure: mine>"
