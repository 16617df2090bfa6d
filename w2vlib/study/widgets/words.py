"""4.3: the word explorers -- nearest neighbours and analogies, with friendly messages for
bad input (an empty box, an unknown or mixed-case word, two words in one box)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np

from w2vlib.i18n import _

from ...corpus import UnknownWordError, word_id
from ...evaluate import analogy, check_word_matrix, most_similar
from .base import Explorer, esc, hint_box, html_table, labelled, message_box, slider_style

__all__ = ["neighbours_explorer", "analogy_explorer", "NeighboursExplorer", "AnalogyExplorer"]

# ---------------------------------------------------------------------------
# 4.3: nearest neighbours and analogies, with friendly messages for bad input
# ---------------------------------------------------------------------------

def _check_vectors(word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str]) -> np.ndarray:
    W = check_word_matrix(word_vecs, word_to_id, name="word_vecs")
    if len(word_to_id) == 0:
        raise ValueError(_("the vocabulary is empty"))
    return W


def _suggest(words: Sequence[str]) -> str:
    return ", ".join(f"<b>{esc(w)}</b>" for w in words)


def _read_word(text: str, word_to_id: Mapping[str, int], box: str = "") -> tuple[str | None, str, str]:
    """Check one box. Returns ``(word, message, note)``: ``word`` is None when the input
    is unusable and ``message`` (HTML) says why; ``note`` (HTML) mentions harmless fixes."""
    where = f"{box}: " if box else ""
    raw = text if isinstance(text, str) else str(text)
    word = raw.strip()
    if not word:
        return None, where + _("the box is empty: type a word."), ""
    parts = word.split()
    if len(parts) > 1:
        known = [w for w in parts if w in word_to_id]
        msg = where + _("type one word; “{word}” has {n}.").format(word=esc(word), n=len(parts))
        if known:
            msg += _(" Known on their own: {words}.").format(words=_suggest(known))
        return None, msg if where else msg[0].upper() + msg[1:], ""
    note = (where + _("ignored the spaces around “{word}”").format(word=esc(word))
            if word != raw else "")
    try:
        word_id(word, word_to_id)
    except UnknownWordError as e:
        msg = where + _("“{word}” is not in the vocabulary.").format(word=esc(word))
        lower = word.lower()
        if lower != word and lower in word_to_id:
            msg += _(" The vocabulary is lower-case: try <b>{word}</b>.").format(word=esc(lower))
            others = [s for s in e.suggestions if s != lower]
            if others:
                msg += _(" Other close matches: {words}.").format(words=_suggest(others))
            return None, msg, note
        close = e.suggestions
        if not close and lower != word:          # "Kng": match its lower-case spelling instead
            try:
                word_id(lower, word_to_id)
            except UnknownWordError as e_lower:
                close = e_lower.suggestions
        if e.note:                               # Hangul or another script: PTB is English only
            msg += f" {esc(e.note[0].upper() + e.note[1:])}."
        elif close:
            msg += _(" Close matches: {words}.").format(words=_suggest(close))
        else:
            msg += _(" No word in the vocabulary is spelled like it.")
        return None, msg, note
    return word, "", note


#: Rows per table column: more answers continue in a second column beside the first, so
#: top-20 neighbours fit a 1080-pixel screen.
ROWS_PER_COLUMN = 10


def _results_table(results: Sequence[tuple[str, float]], score_name: str) -> str:
    rows = []
    bar = 220 if len(results) <= ROWS_PER_COLUMN else 110
    for rank, (w, s) in enumerate(results, start=1):
        width = int(round(bar * max(0.0, min(1.0, s))))
        rows.append([f"<td>{rank}</td>", f'<td class="w2v-word">{esc(w)}</td>',
                     f'<td class="w2v-val-score">{s:.4f}</td>',
                     f'<td class="w2v-left"><div class="w2v-bar" style="width:{width}px"></div></td>'])
    tables = [html_table(["#", _("word"), score_name, ""], rows[i:i + ROWS_PER_COLUMN], left=(1, 3))
              for i in range(0, max(len(rows), 1), ROWS_PER_COLUMN)]
    return f'<div class="w2v-columns">{"".join(tables)}</div>'


def results_figure(results: Sequence[tuple[str, float]], score_name: str):
    """The answers as horizontal bars (best on top), for the static picture; None if empty."""
    from .base import BLUE, figure, plot_style

    if not results:
        return None
    words = [w for w, _ in results][::-1]
    scores = [s for _, s in results][::-1]
    with plot_style():
        fig = figure(6.4, 0.8 + 0.32 * len(results), left=0.3, right=0.95,
                     bottom=0.6 / (0.8 + 0.32 * len(results)), top=0.97)
        ax = fig.subplots()
        ax.barh(range(len(words)), scores, color=BLUE)
        ax.set_yticks(range(len(words)), words)
        ax.set_xlabel(score_name)
        ax.set_xlim(min(0.0, min(scores) * 1.1), max(1.0, max(scores) * 1.1))
        ax.grid(True, axis="x", alpha=0.3)
    return fig


def _text_box(value: str, description: str, placeholder: str, width: str = "420px") -> widgets.Text:
    return widgets.Text(value=value, description=description, placeholder=placeholder,
                        continuous_update=False, style={"description_width": "initial"},
                        layout=widgets.Layout(width=width))


class NeighboursExplorer(Explorer):
    """See :func:`neighbours_explorer`. Attributes: ``query`` (Text), ``top``
    (IntSlider), ``result``, ``note``; ``results`` is the last answer
    (``[(word, cosine), ...]``, empty after bad input)."""

    _kind = "neighbours"

    def __init__(self, word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                 query: str = "", top: int = 5, max_top: int = 20):
        super().__init__()
        self.word_vecs = _check_vectors(word_vecs, word_to_id, id_to_word)
        self.word_to_id, self.id_to_word = word_to_id, id_to_word
        self.results: list[tuple[str, float]] = []
        max_top = max(1, min(int(max_top), len(word_to_id) - 1))
        self.query = _text_box(query, _("word"), _("type a word, then press Enter"))
        self.query.add_class("w2v-ctl-query")
        self.top = widgets.IntSlider(value=max(1, min(int(top), max_top)), min=1, max=max_top,
                                     description=_("how many neighbours"), style=slider_style(),
                                     layout=widgets.Layout(width="500px"), continuous_update=True)
        self.top.add_class("w2v-ctl-top")
        note = _("Cosine similarity (코사인 유사도) between word vectors: 1 means the same direction, "
                 "0 unrelated. {n_words:,} words, {dim} dimensions; "
                 "computed by <code>w2vlib.evaluate.most_similar</code>.").format(
                     n_words=len(word_to_id), dim=self.word_vecs.shape[1])
        self._assemble(_("Nearest neighbours: which words have similar vectors?"),
                       [self.query, self.top], note, plot=False)
        self._refresh()

    def _update(self) -> None:
        self.results = []
        word, message, note = _read_word(self.query.value, self.word_to_id)
        note_html = f'<div class="w2v-note">({note})</div>' if note else ""
        if word is None:
            if not self.query.value.strip():
                self.result.value = hint_box(_("Type a word into the box and press Enter."))
            else:
                self.result.value = message_box(message) + note_html
            return
        self.results = most_similar(word, self.word_to_id, self.id_to_word, self.word_vecs,
                                    top=int(self.top.value))
        self.result.value = ('<div class="w2v-big">'
                             + _("Nearest to <b>{word}</b>:").format(word=esc(word)) + '</div>'
                             + _results_table(self.results, _("cosine")) + note_html)

    def _snapshot_figure(self):
        return results_figure(self.results, _("cosine similarity"))

    def __repr__(self) -> str:
        return f"NeighboursExplorer(query={self.query.value!r}, top={self.top.value})"


def neighbours_explorer(word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                        query: str = "", top: int = 5, max_top: int = 20) -> NeighboursExplorer:
    """A word box and a top-n slider -> the nearest words with their cosine similarity.

    word_vecs: (V, H). Uses :func:`w2vlib.evaluate.most_similar`. An empty box,
    an unknown or mixed-case word ("Toyota") or two words in the box give a
    message with close matches instead of an error; spaces around a word are
    ignored (and said so). Drive it with ``ex.query.value = "car"``,
    ``ex.top.value = 10``; read ``ex.result.value`` or ``ex.results``.
    """
    return NeighboursExplorer(word_vecs, word_to_id, id_to_word, query, top, max_top)


class AnalogyExplorer(Explorer):
    """See :func:`analogy_explorer`. Attributes: ``a``, ``b``, ``c`` (Text), ``top``
    (IntSlider), ``scoring`` (ToggleButtons: True = cosine of unit vectors, False =
    the book's raw dot product), ``result``, ``note``; ``results`` is the last
    answer (``[(word, score), ...]``, empty after bad input)."""

    _kind = "analogy"

    def __init__(self, word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                 a: str = "", b: str = "", c: str = "", top: int = 5, normalize: bool = True):
        super().__init__()
        self.word_vecs = _check_vectors(word_vecs, word_to_id, id_to_word)
        self.word_to_id, self.id_to_word = word_to_id, id_to_word
        self.results: list[tuple[str, float]] = []
        self.a = _text_box(a, "a", _("e.g. king"), width="170px")
        self.b = _text_box(b, ": b", _("e.g. man"), width="170px")
        self.c = _text_box(c, "= c", _("e.g. queen"), width="170px")
        for box, name in ((self.a, "a"), (self.b, "b"), (self.c, "c")):
            box.add_class(f"w2v-ctl-{name}")
        question = widgets.HBox([self.a, self.b, self.c, widgets.HTML('<div class="w2v-big">: ?</div>')],
                               layout=widgets.Layout(flex_flow="row wrap"))
        max_top = max(1, min(10, len(word_to_id) - 3))
        self.top = widgets.IntSlider(value=max(1, min(int(top), max_top)), min=1, max=max_top,
                                     description=_("how many answers"), style=slider_style(),
                                     layout=widgets.Layout(width="500px"), continuous_update=True)
        self.top.add_class("w2v-ctl-top")
        self.scoring = widgets.ToggleButtons(
            options=[(_("cosine, unit vectors"), True), (_("the book: raw dot product"), False)],
            value=bool(normalize), style={"button_width": "220px"})
        self.scoring.add_class("w2v-ctl-scoring")
        note = _("The analogy problem (유추 문제) a : b = c : ? is answered by the words nearest to "
                 "b − a + c; the three question words are never answers. “Cosine” scales every "
                 "vector to length 1 first (3CosAdd, as in Mikolov et al. 2013); “the book” "
                 "compares raw vectors by a dot product, which favours words with long vectors. "
                 "Computed by <code>w2vlib.evaluate.analogy</code>.")
        self._assemble(_("Analogies (유추 문제): a : b = c : ?"),
                       [question, self.top, labelled(_("scoring"), self.scoring)], note, plot=False)
        self._refresh()

    def _update(self) -> None:
        self.results = []
        boxes = (("a", self.a.value), ("b", self.b.value), ("c", self.c.value))
        if not any(v.strip() for _, v in boxes):
            self.result.value = hint_box(_("Fill in a, b and c (each box takes one word; Enter to "
                                           "ask)."))
            return
        words, messages, notes = {}, [], []
        for name, value in boxes:
            word, message, note = _read_word(value, self.word_to_id, box=name)
            words[name] = word
            if message:
                messages.append(message)
            if note:
                notes.append(note)
        note_html = "".join(f'<div class="w2v-note">({n})</div>' for n in notes)
        if messages:
            self.result.value = message_box("<br>".join(messages)) + note_html
            return
        a, b, c = words["a"], words["b"], words["c"]
        if a == b:
            self.result.value = message_box(
                _("a and b are both <b>{word}</b>: then b − a is zero and the question has no "
                  "relation left to carry over. Pick two different words for a and b "
                  "(e.g. king : man).").format(word=esc(a))) + note_html
            return
        if c in (a, b):
            same = "a" if c == a else "b"
            self.result.value = message_box(
                _("c and {same} are both <b>{word}</b>: a, b and c should be three different "
                  "words (the question words are never answers).").format(same=same, word=esc(c))
            ) + note_html
            return
        self.results = analogy(a, b, c, self.word_to_id, self.id_to_word, self.word_vecs,
                               top=int(self.top.value), normalize=bool(self.scoring.value))
        score = _("cosine") if self.scoring.value else _("dot product")
        self.result.value = (f'<div class="w2v-big"><b>{esc(a)}</b> : <b>{esc(b)}</b> = '
                             f'<b>{esc(c)}</b> : ?</div>' + _results_table(self.results, score)
                             + note_html)

    def _snapshot_figure(self):
        return results_figure(self.results, _("cosine") if self.scoring.value else _("dot product"))

    def __repr__(self) -> str:
        return (f"AnalogyExplorer({self.a.value!r} : {self.b.value!r} = {self.c.value!r} : ?, "
                f"top={self.top.value})")


def analogy_explorer(word_vecs, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                     a: str = "", b: str = "", c: str = "", top: int = 5,
                     normalize: bool = True) -> AnalogyExplorer:
    """Three word boxes a : b = c : ? -> the best answers with their scores.

    word_vecs: (V, H). Uses :func:`w2vlib.evaluate.analogy` (``normalize`` picks
    the scoring; a toggle switches it live). Bad input in any box (empty,
    unknown, mixed case, two words) and a repeated word (king : king =
    queen : ?) give a message instead of an error. Drive it with
    ``ex.a.value = "king"`` etc.; read ``ex.result.value`` or ``ex.results``.
    """
    return AnalogyExplorer(word_vecs, word_to_id, id_to_word, a, b, c, top, normalize)
