"""Checks of the word-vector exercises: nearest neighbours (notebook 06) and analogies
(notebook 07).

References come from :mod:`w2vlib.evaluate` (:func:`~w2vlib.evaluate.most_similar`,
:func:`~w2vlib.evaluate.analogy`, :func:`~w2vlib.evaluate.normalize_rows`). Only the
*mistakes* are modelled here (:func:`mistaken_ranking`: wrong signs, question words kept),
so that a hint can name the one the learner made.
"""

from __future__ import annotations

import contextlib
import io
import re
from itertools import pairwise

import numpy as np

from w2vlib.i18n import N_, _, ngettext

from ...evaluate import analogy as reference_analogy
from ...evaluate import most_similar as reference_most_similar
from ...evaluate import normalize_rows
from .report import CheckResult, Fail, NotWritten, finish, is_stub, run, run_cases

__all__ = ["most_similar", "analogy", "parse_ranked", "mistaken_ranking", "ANALOGY_WORDS",
           "ANALOGY_VECS", "ANALOGY_LENGTHS", "ANALOGY_QUERY", "SIGN_MISTAKES"]

_SCORE_LINE = re.compile(r"^\s*(\S+)\s*:\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


def parse_ranked(out, printed: str) -> tuple[list[str], list[float] | None]:
    """(words, scores or None) from a return value, or from printed ``word: score`` lines."""
    if out is None:
        pairs = [m.groups() for line in printed.splitlines() if (m := _SCORE_LINE.match(line))]
        return [w for w, _ in pairs], [float(s) for _, s in pairs]
    items = list(out)
    if all(isinstance(i, str) for i in items):
        return items, None
    try:
        return [str(i[0]) for i in items], [float(i[1]) for i in items]
    except (TypeError, IndexError, ValueError):
        raise Fail(_("return a list of (word, score) pairs or a list of words, best first")) from None


def mistaken_ranking(U: np.ndarray, coefs, ids, exclude: bool = True) -> list[int]:
    """Ids by cosine with ``sum coef * U[id]``, best first (question ids left out if ``exclude``).

    U: (V, H) unit rows; ``coefs``, ``ids``: the coefficients and ids of a, b, c. Models the
    classic mistakes (``coefs`` other than :data:`ANALOGY_QUERY`, ``exclude=False``); the right
    answers are :func:`w2vlib.evaluate.analogy`'s.
    """
    q = sum(k * U[i] for k, i in zip(coefs, ids, strict=True))
    scores = U @ (q / np.linalg.norm(q))
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    return [i for i in order if not (exclude and i in ids)]


# ---------------------------------------------------------------------------
# most_similar (notebook 06)
# ---------------------------------------------------------------------------

#: Toy 3-D vectors: planted neighbours of "cat" (kitten, dog, tiger by cosine) and a long
#: vector "giant" that wins by dot product only.
_NEIGHBOUR_VECS = {
    "car": [-0.1, 0.0, 1.0], "cat": [1.0, 0.0, 0.0], "truck": [-0.2, 0.1, 1.0],
    "tiger": [0.6, 0.6, 0.2], "kitten": [0.95, 0.1, 0.0], "bus": [-0.3, 0.0, 1.0],
    "dog": [0.8, 0.4, 0.0], "giant": [10.0, 10.0, 30.0],
}


class _NeighboursToy:
    """The toy, the cosine and dot scores of every word with "cat", and ``fn``'s answer."""

    query, top = "cat", 3

    def __init__(self, fn):
        self.fn = fn
        self.words = list(_NEIGHBOUR_VECS)
        self.word_to_id = {w: i for i, w in enumerate(self.words)}
        self.id_to_word = dict(enumerate(self.words))
        self.W = np.array([_NEIGHBOUR_VECS[w] for w in self.words])
        unit = normalize_rows(self.W)
        q = self.word_to_id[self.query]
        self.cos = dict(zip(self.words, unit @ unit[q], strict=True))
        self.dot = dict(zip(self.words, self.W @ self.W[q], strict=True))
        self.ranked = [w for w, _ in reference_most_similar(
            self.query, self.word_to_id, self.id_to_word, self.W, top=len(self.words) - 1)]
        self.want = self.ranked[:self.top]                  # kitten, dog, tiger
        self.state: dict = {}

    def call(self) -> tuple[list[str], list[float] | None]:
        """(words, scores or None) from ``fn``'s return value or printed lines (cached)."""
        if "out" not in self.state:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                out = self.fn(self.query, self.word_to_id, self.id_to_word, self.W.copy(), top=self.top)
            words, scores = parse_ranked(out, buf.getvalue())
            if out is None and not words:
                raise Fail(_("your function returned None and printed no 'word: score' lines; "
                             "return [(word, score), ...] best first"))
            self.state["out"] = (words, scores)
        return self.state["out"]


def _ms_count(toy: _NeighboursToy) -> None:
    got, _unused = toy.call()
    if len(got) != toy.top:
        raise Fail(_("top={top} should give {top} results, got {n_got}: {got}").format(
                       top=toy.top, n_got=len(got), got=got))


def _ms_no_query(toy: _NeighboursToy) -> None:
    got, _unused = toy.call()
    if toy.query in got:
        raise Fail(_("the query '{query}' is in its own results (it is always its own best "
                     "match, cosine 1): skip it").format(query=toy.query))


def _ms_nearest(toy: _NeighboursToy) -> None:
    got, _unused = toy.call()
    rest = [w for w in got if w != toy.query]
    if set(rest) == set(toy.want[:len(rest)]):
        return
    if "giant" in rest:
        raise Fail(_("'giant' is a long vector pointing elsewhere (cosine 0.30): it wins by dot "
                     "product only. Normalise the rows (and the query) to unit length "
                     "before the dot product"))
    if set(rest) <= set(toy.ranked[-toy.top:]):
        raise Fail(_("these are the LEAST similar words: argsort sorts ascending, use "
                     "(-similarity).argsort() or reverse it"))
    raise Fail(_("expected {want} (by cosine similarity), got {got}").format(want=toy.want, got=got))


def _ms_best_first(toy: _NeighboursToy) -> None:
    got, _unused = toy.call()
    cos, dot = toy.cos, toy.dot
    rest = [w for w in got if w != toy.query]
    by_cos = all(cos[a] >= cos[b] for a, b in pairwise(rest))
    by_dot = all(dot[a] >= dot[b] for a, b in pairwise(rest))
    if not (by_cos or by_dot):
        raise Fail(_("results must be best first; got {got} with cosines "
                     "{value}. argsort is ascending: use "
                     "(-similarity).argsort()").format(
                       got=got, value=[round(float(cos[w]), 3) for w in got]))


def _ms_scores(toy: _NeighboursToy) -> None:
    got, sc = toy.call()
    cos = toy.cos
    bad = [(w, s) for w, s in zip(got, sc, strict=True) if not np.isclose(s, cos[w], atol=1e-3)]
    if bad:
        w, s = bad[0]
        raise Fail(_("score of '{w}' is {s:.4g} but its cosine similarity with '{query}' is "
                     "{cos:.4f}: divide the dot product by both vectors' lengths").format(
                       w=w, s=s, query=toy.query, cos=cos[w]))


def most_similar(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(query, word_to_id, id_to_word, word_matrix, top=5)``.

    It may return ``[(word, score), ...]``, a list of words, or print
    ``word: score`` lines as the book does (stdout is captured and parsed).
    Toy 3-D vectors with planted neighbours of "cat" (kitten, dog, tiger by
    cosine) and a long vector "giant" that wins by dot product only. Cases:
    ``top`` results; the query left out; nearest by cosine, not dot product;
    best first (``argsort`` is ascending); scores are cosine similarities.
    Reference: :func:`w2vlib.evaluate.most_similar`.
    """
    result = CheckResult("most_similar")
    toy = _NeighboursToy(fn)
    run(result, _("returns top={top} results").format(top=toy.top), lambda: _ms_count(toy),
        N_("call: fn(query, word_to_id, id_to_word, word_matrix, top=3)"))
    for name, case in ((N_("query left out of its results"), _ms_no_query),
                       (N_("nearest by cosine, not raw dot product"), _ms_nearest),
                       (N_("results best first"), _ms_best_first)):
        run(result, name, lambda case=case: case(toy))
    try:
        has_scores = toy.call()[1] is not None
    except Exception:
        has_scores = False
    if has_scores:
        run(result, N_("scores are cosine similarities"), lambda: _ms_scores(toy))
    return finish(result, verbose)


# ---------------------------------------------------------------------------
# analogy (notebook 07)
# ---------------------------------------------------------------------------

#: Toy 4-D word vectors for :func:`analogy`. Picked (by a seeded search, then rounded) so that for
#: man : woman = king : ? the 3CosAdd answers are queen, boy, girl; without leaving out the question
#: words "woman" wins; each sign mistake gives another first answer; and with the row lengths of
#: ANALOGY_LENGTHS ("giant" six times longer than it should be) every way of skipping the row
#: normalisation changes the answers.
ANALOGY_WORDS = ("man", "woman", "king", "queen", "boy", "girl", "prince", "apple", "giant")
ANALOGY_VECS = np.array([
    [0.36, 0.16, 0.95, 0.12], [0.00, 1.04, 1.17, 0.08], [0.92, -0.05, 1.29, 0.10],
    [0.91, 0.91, 0.91, 0.38], [0.24, 0.20, 0.32, 0.22], [0.17, 0.80, 0.30, 0.19],
    [0.73, -0.06, 0.10, 0.38], [-0.43, 0.34, -0.68, 1.01], [0.46, -0.06, 0.34, 0.80],
])
ANALOGY_LENGTHS = np.array([1.7, 1.3, 0.8, 1.8, 0.8, 1.0, 1.5, 1.2, 6.0])
#: Coefficients of (a, b, c) in the query: the right one and the classic sign mistakes.
ANALOGY_QUERY = (-1, 1, 1)
SIGN_MISTAKES = {"a - b + c": (1, -1, 1), "b - a - c": (-1, 1, -1), "a + b - c": (1, 1, -1),
                 "a + b + c": (1, 1, 1)}


class _AnalogyToy:
    """man : woman = king : ? on the unit toy ``U`` and on ``S`` (every row rescaled);
    the right answers, the least similar words, each sign mistake's answers, and ``fn``'s
    answers (cached: ``state[key]`` is ``(out, printed, the matrix it was given)`` or the
    exception it raised)."""

    a, b, c, top = "man", "woman", "king", 3

    def __init__(self, fn):
        self.fn = fn
        self.words = words = list(ANALOGY_WORDS)
        self.word_to_id = {w: i for i, w in enumerate(words)}
        self.id_to_word = dict(enumerate(words))
        self.U = normalize_rows(ANALOGY_VECS, eps=0.0)     # unit rows, exactly
        self.S = self.U * ANALOGY_LENGTHS[:, None]
        ids = [self.word_to_id[w] for w in (self.a, self.b, self.c)]
        ranking = [w for w, _ in reference_analogy(self.a, self.b, self.c, self.word_to_id,
                                                   self.id_to_word, self.U, top=len(words) - 3)]
        self.want = ranking[:self.top]
        self.least = ranking[-self.top:]
        self.signs = {name: [words[i] for i in mistaken_ranking(self.U, k, ids)[:self.top]]
                      for name, k in SIGN_MISTAKES.items()}
        self.state: dict = {}

    def answer(self, key, W):
        """``fn``'s state for ``key`` ("unit" or "scaled"), called once on a copy of ``W``."""
        if key not in self.state:
            given = W.copy()
            buf = io.StringIO()
            try:
                with contextlib.redirect_stdout(buf):
                    out = self.fn(self.a, self.b, self.c, self.word_to_id, self.id_to_word, given,
                                  top=self.top)
            except Exception as e:
                self.state[key] = e
            else:
                self.state[key] = (out, buf.getvalue(), given)
        got = self.state[key]
        if isinstance(got, Exception):
            raise got
        return got

    def call(self, key, W) -> list[str]:
        """The words ``fn`` answered, best first."""
        out, printed, _unused = self.answer(key, W)
        words_got, _unused = parse_ranked(out, printed)
        if not words_got:
            raise Fail(_("your function returned no answers (None and no printed 'word: score' "
                         "lines); return [(word, score), ...] best first"))
        return words_got


def _an_count(toy: _AnalogyToy) -> None:
    got = toy.call("unit", toy.U)
    if len(got) != toy.top:
        raise Fail(_("top={top} should give {top} answers, got {n_got}: {got}").format(
                       top=toy.top, n_got=len(got), got=got))


def _an_excluded(toy: _AnalogyToy) -> None:
    a, b, c = toy.a, toy.b, toy.c
    inside = [w for w in toy.call("unit", toy.U) if w in (a, b, c)]
    if inside:
        role = {a: "a", b: "b", c: "c"}
        words = ", ".join(repr(w) + " (" + role[w] + ")" for w in inside)
        raise Fail(ngettext(
            "{words} is among the answers to {a} : {b} = {c} : ?. b - a + c is usually nearest to "
            "b or c itself, so the three question words are never answers: set their scores to "
            "-inf before ranking",
            "{words} are among the answers to {a} : {b} = {c} : ?. b - a + c is usually nearest "
            "to b or c itself, so the three question words are never answers: set their scores "
            "to -inf before ranking", len(inside)).format(words=words, a=a, b=b, c=c))


def _an_nearest(toy: _AnalogyToy) -> None:
    got = toy.call("unit", toy.U)
    want = toy.want
    rest = [w for w in got if w not in (toy.a, toy.b, toy.c)]
    if not rest:
        raise Fail(_("every answer was a question word; leave a, b and c out of the ranking"))
    if rest == want[:len(rest)]:
        return
    question = f"{toy.a} : {toy.b} = {toy.c} : ?"
    wrong = [name for name, ranked in toy.signs.items() if rest == ranked[:len(rest)]]
    if wrong:
        raise Fail(_("for {question} the answer is {want_0!r}, you gave {rest_0!r}: your "
                     "answers {rest} are the words nearest to {mistakes}. "
                     "a : b = c : d means d - c = b - a, so the query is b - a + c "
                     "(woman - man + king)").format(
                       question=question, want_0=want[0], rest_0=rest[0], rest=rest,
                       mistakes=_(" or ").join(wrong)))
    if sorted(rest) == sorted(want[:len(rest)]):
        raise Fail(_("the right words in the wrong order: {rest}, expected {want}. "
                     "Best first: sort by -similarity (argsort is ascending)").format(
                       rest=rest, want=want[:len(rest)]))
    if set(rest) <= set(toy.least):
        raise Fail(_("these are the words LEAST like b - a + c ({rest}): argsort sorts "
                     "ascending, use (-similarity).argsort()").format(rest=rest))
    raise Fail(_("for {question} expected {want} (cosine with b - a + c, unit vectors), "
                 "got {got}").format(question=question, want=want, got=got))


def _an_rescaled(toy: _AnalogyToy) -> None:
    got_unit = toy.call("unit", toy.U)
    got_long = toy.call("scaled", toy.S)
    if got_long == got_unit:
        return
    extra = (_(" 'giant', a long vector pointing elsewhere, now wins by length alone.")
             if "giant" in got_long and "giant" not in got_unit else "")
    raise Fail(_("your answers changed when every word vector was stretched or shrunk (same "
                 "directions): {got_unit} became {got_long}.{extra} Cosine ignores length: "
                 "divide every row by its norm before forming b - a + c and before scoring "
                 "(a raw dot product, or a query from raw vectors, lets long vectors win)").format(
                   got_unit=got_unit, got_long=got_long, extra=extra))


def _an_unchanged(toy: _AnalogyToy) -> None:
    for key, W in (("unit", toy.U), ("scaled", toy.S)):
        if not np.array_equal(toy.answer(key, W)[2], W):
            raise Fail(_("your function changed word_matrix in place (e.g. `W /= norms`), so "
                         "the caller's vectors are no longer the same. Make a new array: "
                         "`unit = W / norms`"))


def _an_unknown(toy: _AnalogyToy) -> None:
    a, b, top = toy.a, toy.b, toy.top
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            out = toy.fn(a, b, "unicorn", toy.word_to_id, toy.id_to_word, toy.U.copy(), top=top)
    except KeyError as e:
        if "unicorn" not in str(e):
            raise Fail(_("'unicorn' is unknown and your KeyError says {e!r}: name the "
                         "word in the message").format(e=str(e))) from None
        return
    except Exception as e:
        if is_stub(e):
            raise NotWritten() from None
        raise Fail(_("an unknown word ('unicorn') made your code raise {type}: "
                     "{e}. Check that a, b and c are in word_to_id first, and raise a "
                     "KeyError naming the word (w2vlib raises UnknownWordError) or print a "
                     "message and return").format(type=type(e).__name__, e=e)) from None
    got = [] if out is None else list(out)
    if got:
        raise Fail(_("{a} : {b} = unicorn : ? got the answers {got}, but 'unicorn' is "
                     "not in word_to_id (does `word_to_id.get(w, 0)` stand in word 0?). Raise "
                     "a KeyError naming it, or print a message and return nothing").format(
                       a=a, b=b, got=got[:top]))
    if "unicorn" not in buf.getvalue():
        raise Fail(_("for an unknown word ('unicorn') your function returned nothing but did "
                     "not say why: name the word in a KeyError or a printed message"))


_ANALOGY_CASES = (
    (N_("returns top=3 answers"), _an_count,          # top=3: _AnalogyToy.top
     N_("call: fn(a, b, c, word_to_id, id_to_word, word_matrix, top=3)")),
    (N_("question words a, b, c never answers"), _an_excluded, ""),
    (N_("nearest to b - a + c, best first"), _an_nearest, ""),
    (N_("same answers when rows are rescaled (rows normalised)"), _an_rescaled, ""),
    (N_("word_matrix left unchanged"), _an_unchanged, ""),
    (N_("unknown word: a KeyError or message naming it"), _an_unknown, ""),
)


def analogy(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(a, b, c, word_to_id, id_to_word, word_matrix, top=5)`` answering ``a : b = c : ?``.

    It may return ``[(word, score), ...]`` or a list of words, best first, or print
    ``word: score`` lines as the book does. Toy 4-D vectors; the question is
    man : woman = king : ? (3CosAdd, :func:`w2vlib.evaluate.analogy`: queen, boy, girl).
    Cases: ``top`` results; a, b, c never among them; nearest to b - a + c, best first (hints
    for the sign mistakes a - b + c, b - a - c, a + b - c, a + b + c and for an ascending
    argsort); the same answers when every row is rescaled (catches raw dot products and a
    query built from raw vectors: normalise the rows); ``word_matrix`` left unchanged (no
    in-place ``W /= ...``); an unknown word gives a KeyError naming it (w2vlib's
    ``UnknownWordError``), or a printed message naming it and no answer (the book's way).
    """
    toy = _AnalogyToy(fn)
    return run_cases("analogy", _ANALOGY_CASES, (toy,), verbose)
