"""The explorers of w2vlib.study.widgets, driven headless: set a control, read the shown result.

Every explorer writes its answer into ``result.value`` (HTML); these tests set
the controls programmatically, exactly as a slider drag or a typed word would,
and check the words and numbers a projector would show, including every
message for bad input. The word explorers run on toy vectors with planted
neighbours; one sampler test uses the real PTB counts.
"""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pytest
import traitlets

from w2vlib import check, datasets
from w2vlib.evaluate import analogy, most_similar
from w2vlib.study import widgets
from w2vlib.study.cost import InputLayerCost
from w2vlib.study.widgets import words as word_explorers

# ------------------------------------------------------------------ helpers


def plain(markup: str) -> str:
    """HTML as the reader sees it: tags removed, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", markup)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def shown(explorer) -> str:
    """An explorer's result as the reader sees it."""
    return plain(explorer.result.value)


def table_rows(explorer) -> list[tuple[str, float]]:
    """(word, score) per row of a word explorer's result table, read from the HTML."""
    pairs = re.findall(r'<td class="w2v-word">(.*?)</td><td class="w2v-val-score">(.*?)</td>',
                       explorer.result.value)
    return [(html.unescape(w), float(s)) for w, s in pairs]


def cell(explorer, key: str) -> str:
    """The sigmoid explorer's value cell ``key`` (score, y, label, loss, gradient)."""
    m = re.search(rf'<td class="w2v-val-{key}">(.*?)</td>', explorer.result.value)
    assert m, f"no {key} cell in {explorer.result.value!r}"
    return m.group(1)


def descendants(widget) -> list:
    """Every widget inside ``widget`` (depth first)."""
    found = []
    for child in getattr(widget, "children", ()):
        found += [child, *descendants(child)]
    return found


# ------------------------------------------------------------------ toy vectors

AXES = ["royal", "person", "male", "female", "vehicle", "brand", "japan", "time"]


@pytest.fixture(scope="module")
def toy():
    """Word vectors with planted structure: king - man + woman = queen, toyota ~ honda, ...

    ``<unk>`` is in the vocabulary so HTML escaping is exercised.
    """
    a = dict(zip(AXES, np.eye(len(AXES)), strict=True))
    planted = {
        "king": a["royal"] + a["male"], "queen": a["royal"] + a["female"],
        "man": a["person"] + a["male"], "woman": a["person"] + a["female"],
        "car": a["vehicle"], "truck": a["vehicle"] + 0.5 * a["time"],
        "toyota": a["vehicle"] + a["brand"] + a["japan"], "honda": a["vehicle"] + a["brand"] + a["japan"],
        "ford": a["vehicle"] + a["brand"], "year": a["time"], "month": a["time"] + 0.3 * a["person"],
        "<unk>": 0.2 * np.ones(len(AXES)),
    }
    words = list(planted)
    w2i = {w: i for i, w in enumerate(words)}
    i2w = dict(enumerate(words))
    rng = np.random.default_rng(0)
    W = np.stack([planted[w] for w in words]) + 0.02 * rng.standard_normal((len(words), len(AXES)))
    return W.astype(np.float32), w2i, i2w


def brute_force_neighbours(W, w2i, i2w, query, top):
    """Cosine neighbours by a plain loop: the reference the explorer must agree with."""
    q = W[w2i[query]]
    scores = []
    for w, i in w2i.items():
        if w != query:
            v = W[i]
            scores.append((float(q @ v / (np.linalg.norm(q) * np.linalg.norm(v))), w))
    scores.sort(reverse=True)
    return [(w, s) for s, w in scores[:top]]


# ------------------------------------------------------------------ common behaviour


def all_explorers(toy):
    W, w2i, i2w = toy
    corpus = np.array([0, 0, 0, 1, 1, 2], dtype=np.int64)
    return [widgets.cost_explorer(), widgets.sigmoid_explorer(),
            widgets.sampler_explorer(corpus, {0: "a", 1: "b", 2: "c"}),
            widgets.neighbours_explorer(W, w2i, i2w, query="king"),
            widgets.analogy_explorer(W, w2i, i2w, "king", "man", "queen")]


def test_every_explorer_is_a_styled_vbox_that_prints_nothing(toy, capsys):
    import ipywidgets

    for ex in all_explorers(toy):
        assert isinstance(ex, ipywidgets.VBox)
        assert "w2v-explorer" in ex._dom_classes
        assert ex.title in ex.children
        assert ex.result in descendants(ex) and ex.note in descendants(ex)
        assert "<style>" in ex.title.value and ".w2v-explorer" in ex.title.value
        assert ex.error is None
        assert ex.result.value.strip()
        assert len(repr(ex)) < 110 and "0x" not in repr(ex)     # the stored text fallback
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""                      # nbval sees no stray output


def test_plots_are_png_and_follow_the_controls():
    ex = widgets.sigmoid_explorer(score=0.0)
    before = ex.plot.value
    assert before[:8] == b"\x89PNG\r\n\x1a\n"
    ex.score.value = 3.0
    assert ex.plot.value[:8] == b"\x89PNG\r\n\x1a\n" and ex.plot.value != before


def test_an_unexpected_error_is_shown_in_the_widget_not_raised(toy, monkeypatch):
    W, w2i, i2w = toy
    ex = widgets.neighbours_explorer(W, w2i, i2w)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(word_explorers, "most_similar", broken)    # the name the explorer calls
    ex.query.value = "king"                                     # must not raise
    assert isinstance(ex.error, RuntimeError)
    assert "Something unexpected went wrong: RuntimeError : disk on fire" in shown(ex)
    monkeypatch.undo()
    ex.query.value = "queen"
    assert ex.error is None and table_rows(ex)


# ------------------------------------------------------------------ cost explorer


def test_input_layer_cost_counts():
    c = widgets.input_layer_cost(10_000, hidden_size=100, batch_size=100, context_size=2)
    assert c == {"weights_bytes": 4_000_000, "onehot_input_bytes": 8_000_000,
                 "embedding_input_bytes": 1_600, "matmul_ops": 400_000_000, "embedding_ops": 40_000}
    # the arithmetic ratio is V itself, whatever the batch
    c = widgets.input_layer_cost(123_456, hidden_size=7, batch_size=3, context_size=4)
    assert c["matmul_ops"] == 123_456 * c["embedding_ops"]


def test_one_cost_model_serves_the_explorer_and_the_check():
    # forward and backward apart; the explorer shows their sum, the check asks for forward only
    c = InputLayerCost(vocab_size=11, hidden_size=7, batch_size=3, context_size=5)
    assert c.rows == 15
    assert c.matmul_forward_madds == c.matmul_backward_madds == 15 * 11 * 7
    assert c.lookup_forward_copies == c.lookup_backward_adds == 15 * 7
    totals = widgets.input_layer_cost(11, hidden_size=7, batch_size=3, context_size=5)
    assert totals == c.totals()
    assert totals["matmul_ops"] == c.matmul_forward_madds + c.matmul_backward_madds
    assert totals["embedding_ops"] == c.lookup_forward_copies + c.lookup_backward_adds
    assert c.forward_counts() == {"one_hot_bytes": 15 * 11 * 4, "id_bytes": 15 * 8,
                                  "matmul_madds": 15 * 11 * 7, "lookup_copies": 15 * 7}
    assert check.onehot_cost(lambda V, N, C, H: InputLayerCost(V, H, N, C).forward_counts(),
                             verbose=False).passed
    with pytest.raises(ValueError, match="context_size must be a positive int"):
        InputLayerCost(11, 7, 3, 0)


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "10"])
def test_input_layer_cost_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="vocab_size must be a positive int"):
        widgets.input_layer_cost(bad)


def test_cost_explorer_shows_the_book_sized_vocabulary():
    ex = widgets.cost_explorer()                                # V = 1,000,000, H = 100, 100 x 2 rows
    assert ex.vocab.value == 1_000_000
    text = shown(ex)
    assert "The Embedding does 1,000,000× less arithmetic" in text
    assert "input is 500,000× smaller" in text
    assert "input of one batch 762.9 MiB 1.6 KiB" in text      # 4 B x 200 x 1e6 vs 8 B x 200
    assert "4.0 × 10 10 mult-adds" in text and "40,000 copies/adds" in text
    assert "≈ time per batch 4.0 s 4 µs" in text                # 4e10 / 1e10 per second
    assert "≈ time per epoch 10.3 h 37.2 ms" in text            # 9,296 batches of PTB train
    assert "W in itself (both) 381.5 MiB" in text
    assert ex.values["matmul_seconds"] == pytest.approx(4.0)
    assert "1.0 × 10 10 operations per second" in plain(ex.note.value)


def test_cost_explorer_follows_the_slider():
    ex = widgets.cost_explorer()
    ex.vocab.value = 10_000
    text = shown(ex)
    assert "V = 10,000" in text and "10,000× less arithmetic" in text
    assert "input of one batch 7.6 MiB 1.6 KiB" in text
    assert "≈ time per batch 40.0 ms 4 µs" in text
    ex.vocab.value = 10_000_000
    assert "input of one batch 7.5 GiB" in shown(ex)
    assert "≈ time per batch 40.0 s" in shown(ex)
    assert ex.vocab.options[0] == ("1,000", 1_000) and ex.vocab.options[-1][1] == 10_000_000
    with pytest.raises(traitlets.TraitError):
        ex.vocab.value = 3_000                                  # not a slider stop


def test_cost_explorer_uses_the_given_rate_and_any_starting_size():
    ex = widgets.cost_explorer(vocab_size=3_000, macs_per_second=2e9)
    assert ex.vocab.value == 3_000                              # added to the stops
    assert ex.values["matmul_seconds"] == pytest.approx(2 * 200 * 3_000 * 100 / 2e9)
    with pytest.raises(ValueError, match="macs_per_second"):
        widgets.cost_explorer(macs_per_second=0)


def test_measure_macs_per_second_is_a_plausible_rate():
    rate = widgets.measure_macs_per_second(rows=50, vocab_size=500, hidden_size=20)
    assert 1e6 < rate < 1e14


# ------------------------------------------------------------------ sigmoid explorer


def reference_loss(x, t):
    y = 1 / (1 + math.exp(-x))
    return y, -(t * math.log(y) + (1 - t) * math.log(1 - y))


@pytest.mark.parametrize("x,t", [(0.0, 1), (0.0, 0), (2.0, 1), (-3.0, 1), (1.5, 0), (-8.0, 0)])
def test_sigmoid_explorer_numbers(x, t):
    ex = widgets.sigmoid_explorer(score=x, label=t)      # driving the controls: the tests below
    y, loss = reference_loss(x, t)
    assert cell(ex, "score") == f"{x:+.1f}"
    assert cell(ex, "label") == str(t)
    assert cell(ex, "y") == f"{y:.4f}"
    assert cell(ex, "loss") == f"{loss:.4f}"
    assert cell(ex, "gradient") == f"{y - t:+.4f}"
    assert ex.values == {"score": x, "label": t, "y": round(y, 4), "loss": round(loss, 4),
                         "gradient": round(y - t, 4)}


def test_sigmoid_explorer_says_how_big_the_correction_is():
    ex = widgets.sigmoid_explorer(score=8.0, label=1)
    assert cell(ex, "y") == "0.9997" and cell(ex, "loss") == "0.0003"
    assert "Right and sure of it" in shown(ex)
    ex.label.value = 0                                          # same score, now a negative sample
    assert cell(ex, "loss") == "8.0003" and cell(ex, "gradient") == "+0.9997"
    assert "Sure of the wrong answer" in shown(ex)
    ex.score.value = 0.5
    assert "Unsure: a moderate correction" in shown(ex)


def test_sigmoid_explorer_rejects_a_bad_label():
    with pytest.raises(ValueError, match="label must be 1"):
        widgets.sigmoid_explorer(label=2)


# ------------------------------------------------------------------ sampler explorer

# word 0 appears 81 times, word 1 16 times, word 3 once; id 2 never occurs
TOY_CORPUS = np.array([0] * 81 + [1] * 16 + [3], dtype=np.int64)
TOY_WORDS = {0: "the", 1: "cat", 2: "unused", 3: "<rare>"}


def test_sampler_explorer_exact_probabilities():
    ex = widgets.sampler_explorer(TOY_CORPUS, TOY_WORDS, power=0.5, n_words=1)
    # weights 81**0.5 : 16**0.5 : 1**0.5 = 9 : 4 : 1
    assert ex.values["p"] == pytest.approx({0: 9 / 14, 3: 1 / 14})
    text = shown(ex)
    assert "hit a rare word (count < 10): 7.1% at power 0.50" in text
    assert "about 71.4 in 1,000 negatives; 1.0% at power 1, 33.3% at power 0" in text
    assert "most frequent the 81 82.7% 64.3% 0.78×" in text
    assert "least frequent <rare> 1 1.0% 7.1% 7.00×" in text
    assert "unused" not in text                                 # never occurs, never drawn
    assert "&lt;rare&gt;" in ex.result.value                    # escaped in the HTML


def test_sampler_explorer_follows_the_slider():
    ex = widgets.sampler_explorer(TOY_CORPUS, TOY_WORDS, n_words=1)
    assert ex.power.value == 0.75
    ex.power.value = 1.0
    assert ex.values["rare_share"] == pytest.approx(1 / 98)
    assert "the 81 82.7% 82.7% 1.00×" in shown(ex)
    ex.power.value = 0.0
    assert ex.values["rare_share"] == pytest.approx(1 / 3)      # uniform over the 3 words that occur
    assert "the 81 82.7% 33.3% 0.40×" in shown(ex)


def test_sampler_explorer_needs_a_word_for_every_id():
    with pytest.raises(ValueError, match="id_to_word has no word for id 3"):
        widgets.sampler_explorer(TOY_CORPUS, {0: "the", 1: "cat"})
    with pytest.raises(ValueError, match="n_words"):
        widgets.sampler_explorer(TOY_CORPUS, TOY_WORDS, n_words=0)


@pytest.fixture(scope="module")
def ptb_train():
    directory = datasets.data_dir() / "ptb"
    if not (directory / "ptb.train.txt").is_file():
        pytest.fail(f"ptb.train.txt is not in {directory}: run `make data`, or deselect with "
                    "-m 'not needs_ptb'", pytrace=False)
    return datasets.load_ptb("train", download=False)


@pytest.mark.needs_ptb
def test_sampler_explorer_on_ptb(ptb_train):
    corpus, _, i2w = ptb_train
    ex = widgets.sampler_explorer(corpus, i2w)
    counts = np.bincount(corpus).astype(np.float64)
    rare = counts < 10
    for power in (0.75, 0.0, 1.0):
        ex.power.value = power
        p = counts ** power / (counts ** power).sum()
        assert ex.values["rare_share"] == pytest.approx(p[rare].sum(), rel=1e-9)
    ex.power.value = 0.75
    text = shown(ex)
    assert "hit a rare word (count < 10): 7.2% at power 0.75" in text
    assert "2.4% at power 1, 32.8% at power 0" in text          # 3,280 of the 10,000 words are rare
    assert text.index("most frequent the 50,770") < text.index("least frequent")
    assert "<unk> 45,020" in text and "<eos> 42,068" in text
    # 0.75 moves probability from the most to the least frequent words
    top, rarest = ex.frequent_ids[0], ex.rare_ids[-1]
    assert ex.values["p"][int(top)] < counts[top] / counts.sum()
    assert ex.values["p"][int(rarest)] > counts[rarest] / counts.sum()


# ------------------------------------------------------------------ neighbours explorer


def test_neighbours_explorer_finds_planted_neighbours(toy):
    W, w2i, i2w = toy
    ex = widgets.neighbours_explorer(W, w2i, i2w, query="toyota", top=3)
    rows = table_rows(ex)
    assert [w for w, _ in rows] == ["honda", "ford", "car"]
    expected = brute_force_neighbours(W, w2i, i2w, "toyota", 3)
    assert [w for w, _ in expected] == [w for w, _ in rows]
    assert [s for _, s in rows] == pytest.approx([round(s, 4) for _, s in expected], abs=1e-4)
    assert rows[0][1] > 0.99
    assert "Nearest to toyota :" in shown(ex)
    assert ex.results == most_similar("toyota", w2i, i2w, W, top=3)


def test_neighbours_explorer_follows_the_box_and_the_slider(toy):
    W, w2i, i2w = toy
    ex = widgets.neighbours_explorer(W, w2i, i2w, query="toyota")
    ex.query.value = "year"
    assert table_rows(ex)[0][0] == "month"
    ex.top.value = 8
    assert len(table_rows(ex)) == 8
    assert "year" not in [w for w, _ in table_rows(ex)]         # the query is never its own neighbour
    assert ex.top.max == len(w2i) - 1                            # capped by the vocabulary
    ex.query.value = "<unk>"
    assert "Nearest to <unk> :" in shown(ex) and "&lt;unk&gt;" in ex.result.value


@pytest.mark.parametrize("typed,message", [
    ("", "Type a word into the box and press Enter."),
    ("   \t", "Type a word into the box and press Enter."),
    ("Toyota", "“Toyota” is not in the vocabulary. The vocabulary is lower-case: try toyota ."),
    ("TOYOTA", "The vocabulary is lower-case: try toyota ."),
    ("toyta", "“toyta” is not in the vocabulary. Close matches: toyota ."),
    ("zzzzzz", "“zzzzzz” is not in the vocabulary. No word in the vocabulary is spelled like it."),
    ("new york", "Type one word; “new york” has 2."),
    ("king queen", "Type one word; “king queen” has 2. Known on their own: king , queen ."),
    ("<script>", "“<script>” is not in the vocabulary."),
    ("왕", "“왕” is not in the vocabulary. The vocabulary is English only"),
])
def test_neighbours_explorer_bad_input_messages(toy, typed, message):
    W, w2i, i2w = toy
    ex = widgets.neighbours_explorer(W, w2i, i2w, query="king")
    assert ex.results
    ex.query.value = typed
    assert ex.error is None
    assert message in shown(ex)
    assert ex.results == [] and table_rows(ex) == []
    assert "<script>" not in ex.result.value                    # escaped, never live HTML
    assert "Traceback" not in ex.result.value


def test_neighbours_explorer_ignores_surrounding_spaces_and_says_so(toy):
    W, w2i, i2w = toy
    ex = widgets.neighbours_explorer(W, w2i, i2w)
    ex.query.value = "  honda \n"
    assert table_rows(ex)[0][0] == "toyota"
    assert "(ignored the spaces around “honda”)" in shown(ex)
    ex.query.value = "honda"
    assert "ignored the spaces" not in shown(ex)


def test_neighbours_explorer_checks_its_matrix(toy):
    W, w2i, i2w = toy
    with pytest.raises(ValueError, match=r"shape \(V, H\)"):
        widgets.neighbours_explorer(W[0], w2i, i2w)
    with pytest.raises(ValueError, match="the vocabulary has 12 words but word_vecs only 5 rows"):
        widgets.neighbours_explorer(W[:5], w2i, i2w)


# ------------------------------------------------------------------ analogy explorer


def test_analogy_explorer_answers_the_planted_analogy(toy):
    W, w2i, i2w = toy
    ex = widgets.analogy_explorer(W, w2i, i2w, "king", "man", "queen")
    rows = table_rows(ex)
    assert rows[0][0] == "woman" and rows[0][1] > 0.95
    assert not {"king", "man", "queen"} & {w for w, _ in rows}
    assert "king : man = queen : ?" in shown(ex) and "cosine" in shown(ex)
    assert ex.results == analogy("king", "man", "queen", w2i, i2w, W, top=5)
    ex.top.value = 2
    assert len(table_rows(ex)) == 2


def test_analogy_explorer_switches_to_the_books_scoring(toy):
    W, w2i, i2w = toy
    ex = widgets.analogy_explorer(W, w2i, i2w, "man", "woman", "king")
    assert table_rows(ex)[0][0] == "queen"
    ex.scoring.value = False
    assert ex.results == analogy("man", "woman", "king", w2i, i2w, W, top=5, normalize=False)
    assert "dot product" in shown(ex)
    assert table_rows(ex)[0] == ("queen", pytest.approx(ex.results[0][1], abs=1e-4))


@pytest.mark.parametrize("abc,message", [
    (("", "", ""), "Fill in a, b and c"),
    (("king", "man", ""), "c: the box is empty: type a word."),
    (("king", "king", "queen"), "a and b are both king : then b − a is zero"),
    (("king", "man", "king"), "c and a are both king : a, b and c should be three different words"),
    (("king", "man", "man"), "c and b are both man"),
    (("King", "man", "queen"),
     "a: “King” is not in the vocabulary. The vocabulary is lower-case: try king ."),
    (("king", "man", "qeen"), "c: “qeen” is not in the vocabulary. Close matches: queen ."),
    (("kingdom come", "man", "queen"), "a: type one word; “kingdom come” has 2."),
])
def test_analogy_explorer_bad_input_messages(toy, abc, message):
    W, w2i, i2w = toy
    ex = widgets.analogy_explorer(W, w2i, i2w, "king", "man", "queen")
    ex.a.value, ex.b.value, ex.c.value = abc
    assert ex.error is None
    assert message in shown(ex)
    assert ex.results == [] and table_rows(ex) == []


def test_analogy_explorer_reports_every_bad_box_at_once(toy):
    W, w2i, i2w = toy
    ex = widgets.analogy_explorer(W, w2i, i2w, "Kng", "man", "Queen")
    text = shown(ex)
    assert "a: “Kng” is not in the vocabulary. Close matches: king ." in text
    assert "c: “Queen” is not in the vocabulary. The vocabulary is lower-case: try queen ." in text
    assert "b:" not in text


def test_analogy_explorer_repeat_is_found_after_stripping_spaces(toy):
    W, w2i, i2w = toy
    ex = widgets.analogy_explorer(W, w2i, i2w, "king", " king ", "queen")
    assert "a and b are both king" in shown(ex)
    assert "(b: ignored the spaces around “king”)" in shown(ex)
    ex.b.value = "man"
    assert table_rows(ex)[0][0] == "woman"


# ------------------------------------------------------------------ the static picture


def png_of(bundle) -> bytes:
    import base64

    return base64.b64decode(bundle["image/png"])


def test_every_explorer_leaves_a_picture_beside_the_live_widget(toy):
    """Displayed, an explorer sends the widget view (JupyterLab ranks it first), a PNG of its
    state (what nbviewer and GitHub show without widget state) and its short repr."""
    for ex in all_explorers(toy):
        bundle = ex._repr_mimebundle_()
        assert set(bundle) == {"application/vnd.jupyter.widget-view+json", "image/png",
                               "text/plain"}
        assert bundle["text/plain"] == repr(ex)                 # what strict nbval compares
        picture = png_of(bundle)
        assert picture[:8] == b"\x89PNG\r\n\x1a\n"
        assert png_of(ex._repr_mimebundle_()) == picture        # the same state, the same bytes


def test_the_picture_shows_the_state_it_was_taken_in():
    import io

    from matplotlib.image import imread

    ex = widgets.sigmoid_explorer(score=-4.0)
    first = ex.snapshot()
    lines = ex._snapshot_lines()
    assert lines[0].startswith("Sigmoid") and "<" not in lines[0]
    assert lines[1].startswith("Sure of the wrong answer")
    plot = imread(io.BytesIO(ex.plot.value), format="png")
    picture = imread(io.BytesIO(first), format="png")
    assert picture.shape[1] == plot.shape[1] and picture.shape[0] > plot.shape[0]  # title above
    ex.score.value = 3.0
    assert ex.snapshot() != first


def test_the_word_explorers_draw_their_answers_as_bars(toy):
    W, w2i, i2w = toy
    ex = widgets.neighbours_explorer(W, w2i, i2w, query="toyota", top=4)
    fig = ex._snapshot_figure()
    bars = fig.axes[0].patches
    assert [round(b.get_width(), 4) for b in bars][::-1] == [round(s, 4) for _, s in ex.results]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][::-1] == [w for w, _ in ex.results]
    assert ex._snapshot_lines()[1] == "Nearest to toyota:"
    ex.query.value = "Toyota"                                    # bad input: the message only
    assert ex._snapshot_figure() is None
    assert "The vocabulary is lower-case: try toyota." in ex._snapshot_lines()[1]
    assert ex.snapshot()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_picture_drops_korean_without_a_korean_font(monkeypatch):
    import warnings

    from w2vlib.study.widgets import base

    assert base.drawable("Analogies (유추 문제): a : b = c : ?", None) == "Analogies: a : b = c : ?"
    assert base.drawable("Analogies (유추 문제): a", "NanumGothic") == "Analogies (유추 문제): a"
    monkeypatch.setattr(base, "korean_font", lambda: None)
    ex = widgets.cost_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")                           # no "Glyph missing" on stderr
        ex.snapshot()


# ------------------------------------------------------------------ fitting a 1920 x 1080 screen


def test_controls_sit_beside_the_plot(toy):
    for ex in all_explorers(toy):
        left, right = ex.body.children
        assert ex.body.layout.flex_flow == "row wrap"            # stacked only on a narrow screen
        if ex.plot is not None:
            assert right.children == (ex.plot, ex.note) and ex.result in descendants(left)
            assert ex.plot.value[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            assert right is ex.result and ex.note in descendants(left)


def test_plots_are_rendered_for_a_projector_and_fit_beside_the_controls(toy):
    import io

    from matplotlib.image import imread

    for ex in all_explorers(toy):
        if ex.plot is None:
            continue
        height, width = imread(io.BytesIO(ex.plot.value), format="png").shape[:2]
        assert width <= 1920 - widgets.base.CONTROLS_WIDTH - 200, (type(ex).__name__, width)
        assert height <= 600, (type(ex).__name__, height)


def test_twenty_neighbours_come_in_two_columns(toy):
    W, w2i, i2w = toy
    ex = widgets.neighbours_explorer(W, w2i, i2w, query="toyota", top=5)
    assert ex.result.value.count("<table") == 1
    ex.top.value = 11
    assert ex.result.value.count("<table") == 2
    assert [w for w, _ in table_rows(ex)] == [w for w, _ in ex.results]   # order kept


# ------------------------------------------------------------------ the cost explorer's box


@pytest.mark.parametrize("typed,value", [("1000000", 1_000_000), ("1,000,000", 1_000_000),
                                         (" 1 000 000 ", 1_000_000), ("1e6", 1_000_000),
                                         ("1M", 1_000_000), ("10k", 10_000), ("2.5m", 2_500_000)])
def test_parse_count_reads_numbers_as_people_type_them(typed, value):
    assert widgets.cost.parse_count(typed) == value


@pytest.mark.parametrize("typed,message", [("abc", "could not read “abc” as a number"),
                                           ("", "could not read “” as a number"),
                                           ("1.5", "“1.5” is not a whole number")])
def test_parse_count_says_what_it_could_not_read(typed, message):
    with pytest.raises(ValueError, match=message):
        widgets.cost.parse_count(typed)


def test_typing_a_size_and_enter_moves_the_cost_explorer():
    """Notebook 02: typing 1000000 into the readout and pressing Enter blanked it (the slider's
    own readout cannot parse it). The box beside the slider reads it and moves the slider."""
    ex = widgets.cost_explorer(vocab_size=10_000)
    assert ex.vocab.readout is False                     # the editable readout that blanked
    assert ex.vocab_box.value == "10,000"
    ex.vocab_box.value = "1000000"                       # what Enter sends (continuous_update off)
    assert ex.vocab.value == 1_000_000 and ex.vocab_box.value == "1,000,000"
    assert "V = 1,000,000" in shown(ex) and ex.vocab_msg.value == ""
    ex.vocab_box.value = "1234567"                       # between two stops: becomes a stop
    assert ex.vocab.value == 1_234_567 and "V = 1,234,567" in shown(ex)
    ex.vocab.value = 2_000                               # the slider writes the box
    assert ex.vocab_box.value == "2,000" and "V = 2,000" in shown(ex)


@pytest.mark.parametrize("typed,message", [
    ("lots", "could not read “lots” as a number: type a vocabulary size from 1,000 to 10,000,000"),
    ("5", "5 is outside the slider's range"),
    ("1e9", "1,000,000,000 is outside the slider's range"),
])
def test_a_bad_size_is_answered_and_changes_nothing(typed, message):
    ex = widgets.cost_explorer(vocab_size=10_000)
    before = ex.result.value
    ex.vocab_box.value = typed
    assert message in plain(ex.vocab_msg.value)
    assert ex.vocab.value == 10_000 and ex.result.value == before and ex.error is None
    ex.vocab.value = 20_000                              # the next good move clears the message
    assert ex.vocab_msg.value == "" and ex.vocab_box.value == "20,000"


# ------------------------------------------------------------------ the sampler's "change"


@pytest.mark.parametrize("r,text", [(7.0, "7.00×"), (0.4, "0.40×"), (0.1, "0.10×"),
                                    (1 / 550, "1/550×"), (0.0183, "1/55×"), (250.0, "250×"),
                                    (1234.5, "1,234×")])
def test_ratio_is_never_printed_as_zero(r, text):
    assert widgets.sampler.ratio(r) == text


def test_sampler_explorer_prints_small_changes_as_fractions():
    # one word 100,000 times, 549 words once: at power 0 the frequent word falls to ~1/547
    corpus = np.concatenate([np.zeros(100_000, dtype=np.int64), np.arange(1, 550)])
    words = {i: f"w{i}" for i in range(550)}
    ex = widgets.sampler_explorer(corpus, words, power=0.0, n_words=1)
    expected = (1 / 550) / (100_000 / len(corpus))
    assert round(1 / expected) == 547
    assert "w0 100,000" in shown(ex) and "1/547×" in shown(ex)
    assert "0.00×" not in shown(ex)
