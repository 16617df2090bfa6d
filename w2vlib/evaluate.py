"""Judging word vectors: cosine similarity, nearest neighbours and analogies.

Section 4.3 of the chapter judges the trained CBOW by the words nearest to
"you", "year", "car" and "toyota", and by analogies such as
``king : man = queen : ?``.  Both questions are answered here by cosine
similarity between rows of a word matrix ``W`` of shape ``(V, H)``.

Two scorings of an analogy are offered, because they give different answers:

* ``normalize=True`` (the default, "3CosAdd" of Levy & Goldberg 2014 and the
  scoring of Mikolov et al. 2013's evaluation): every word vector is scaled to
  unit length before ``b - a + c`` is formed and compared.
* ``normalize=False`` (the book's scoring): the query ``b - a + c`` is built from
  raw vectors and compared by a dot product with the raw word vectors, which
  favours words with long vectors.

A third judge is word similarity, the Spearman correlation with human ratings
of word pairs such as WordSim353: :mod:`w2vlib.similarity`.

Command line, for vectors saved with :func:`w2vlib.io.save_vectors` or any
word2vec file (text ``.txt``/``.vec`` or binary ``.bin``)::

    python -m w2vlib.evaluate VECTORS [--words you year car toyota] [--top 5] [--raw]
                                      [--similarity wordsim353|simlex999|PATH|none]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .corpus import word_id
from .i18n import N_, _, ljust, rjust

__all__ = ["cos_similarity", "normalize_rows", "check_word_matrix", "most_similar", "analogy",
           "SEMANTIC_SECTIONS", "load_analogy_questions", "evaluate_analogies", "AnalogyReport", "main"]


def cos_similarity(x: np.ndarray, y: np.ndarray, eps: float = 1e-8) -> float:
    """Cosine of the angle between two vectors ``x: (H,)`` and ``y: (H,)``.

    ``eps`` keeps a zero vector from dividing by zero (its similarity is 0).

    >>> round(cos_similarity(np.array([1.0, 0.0]), np.array([1.0, 1.0])), 4)
    0.7071
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(_("cos_similarity needs two vectors of one shape (H,), got {x_shape} "
                           "and {y_shape}").format(x_shape=x.shape, y_shape=y.shape))
    return float(x @ y / ((np.linalg.norm(x) + eps) * (np.linalg.norm(y) + eps)))


def normalize_rows(W: np.ndarray, eps: float = 1e-8) -> np.ndarray:
    """``W: (V, H)`` with every row scaled to unit length (zero rows stay zero)."""
    W = np.asarray(W)
    if W.ndim != 2:
        raise ValueError(_("a word matrix must have shape (V, H), got {W_shape}").format(W_shape=W.shape))
    W = W.astype(np.float32, copy=False) if W.dtype != np.float64 else W
    return W / (np.linalg.norm(W, axis=1, keepdims=True) + eps)


def check_word_matrix(word_matrix: np.ndarray, word_to_id: Mapping[str, int],
                  name: str = "word_matrix") -> np.ndarray:
    """``word_matrix`` as an array of shape (V, H) with a row for every word, or a ValueError.

    Every id in ``word_to_id`` must be an int naming a row (a negative id would
    quietly pick a row from the end), and every row must be finite (a NaN row
    makes every similarity NaN); the errors name the words.
    """
    word_matrix = np.asarray(word_matrix)
    if word_matrix.ndim != 2:
        raise ValueError(_("{name} must have shape (V, H), got {word_matrix_shape}").format(
                             name=name, word_matrix_shape=word_matrix.shape))
    if len(word_to_id) > word_matrix.shape[0]:
        raise ValueError(_("the vocabulary has {n_word_to_id:,} words but {name} only "
                           "{shape_0:,} rows").format(
                             n_word_to_id=len(word_to_id), name=name, shape_0=word_matrix.shape[0]))
    _check_ids(word_to_id, word_matrix.shape[0], name)
    _check_finite(word_matrix, word_to_id, name)
    return word_matrix


def _check_ids(word_to_id: Mapping[str, int], n_rows: int, name: str) -> None:
    ids = list(word_to_id.values())
    if not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in ids):
        word, i = next((w, i) for w, i in word_to_id.items()
                       if not isinstance(i, (int, np.integer)) or isinstance(i, bool))
        raise TypeError(_("word_to_id[{word!r}] is {i!r}: word ids must be ints (row numbers)").format(
                            word=word, i=i))
    if ids and not 0 <= min(ids) <= max(ids) < n_rows:
        word, i = next((w, i) for w, i in word_to_id.items() if not 0 <= i < n_rows)
        raise ValueError(_("word_to_id[{word!r}] is {i}, but the rows of {name} are numbered "
                           "0 to {value}: every word id must name a row").format(
                             word=word, i=i, name=name, value=n_rows - 1))


def _check_finite(word_matrix: np.ndarray, word_to_id: Mapping[str, int], name: str) -> None:
    if not np.issubdtype(word_matrix.dtype, np.inexact):
        return
    finite = np.isfinite(word_matrix).all(axis=1)
    if finite.all():
        return
    bad = np.flatnonzero(~finite)
    words = {i: w for w, i in word_to_id.items()}
    shown = ", ".join(_("row {r} ({word!r})").format(r=r, word=words[r]) if r in words
                      else _("row {r}").format(r=r) for r in bad[:5])
    more = _(" and {n:,} more").format(n=len(bad) - 5) if len(bad) > 5 else ""
    raise ValueError(_("{name} has {n_bad:,} row(s) holding NaN or inf: {shown}{more}. They "
                       "make every similarity NaN; if training diverged, train again with a "
                       "smaller learning rate").format(
                           name=name, n_bad=len(bad), shown=shown, more=more))


def _words_of(rows, id_to_word, n_rows: int) -> list[str]:
    """The words of ``rows`` in ``id_to_word`` (a dict or a list), or a ValueError naming the
    rows it has no word for. Only the rows returned are looked up, so every query stays cheap."""
    words, missing = [], []
    for i in rows:
        try:
            words.append(id_to_word[i])
        except (KeyError, IndexError):
            missing.append(i)
    if missing:
        raise ValueError(_("id_to_word has no word for row(s) {missing} of word_matrix ({n_rows:,} "
                           "rows): every row needs a word; build it from word_to_id with "
                           "{{i: w for w, i in word_to_id.items()}}").format(
                             missing=missing[:5], n_rows=n_rows))
    return words


def _top(scores: np.ndarray, exclude: Sequence[int], top: int,
         id_to_word: Mapping[int, str]) -> list[tuple[str, float]]:
    if not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(_("top must be a positive int, got {top!r}").format(top=top))
    scores = scores.astype(np.float64, copy=True)
    scores[list(exclude)] = -np.inf
    top = min(top, int(np.isfinite(scores).sum()))
    best = np.argpartition(-scores, top - 1)[:top] if top < len(scores) else np.arange(len(scores))
    best = best[np.argsort(-scores[best], kind="stable")][:top]
    words = _words_of([int(i) for i in best], id_to_word, len(scores))
    return [(w, float(scores[i])) for w, i in zip(words, best, strict=True)]


def most_similar(query: str, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
                 word_matrix: np.ndarray, top: int = 5) -> list[tuple[str, float]]:
    """The ``top`` words nearest to ``query`` by cosine similarity, best first.

    word_matrix: (V, H). Returns ``[(word, similarity), ...]``; the query itself
    is left out.  An unknown query raises :class:`~w2vlib.corpus.UnknownWordError`
    naming it and the closest words that are known.
    """
    word_matrix = check_word_matrix(word_matrix, word_to_id)
    qid = word_id(query, word_to_id)
    unit = normalize_rows(word_matrix)
    scores = unit @ unit[qid]
    return _top(scores, [qid], top, id_to_word)


def analogy(a: str, b: str, c: str, word_to_id: Mapping[str, int], id_to_word: Mapping[int, str],
            word_matrix: np.ndarray, top: int = 5, normalize: bool = True) -> list[tuple[str, float]]:
    """Answer ``a : b = c : ?`` with the words nearest to ``b - a + c``.

    For ``king : man = queen : ?`` a good answer is "woman".  The three question
    words are never answers.  ``normalize=True`` scores by cosine with unit word
    vectors (3CosAdd); ``normalize=False`` reproduces the book's raw dot-product
    scoring.  Returns ``[(word, score), ...]`` best first.
    """
    word_matrix = check_word_matrix(word_matrix, word_to_id)
    ids = [word_id(w, word_to_id) for w in (a, b, c)]
    if normalize:
        unit = normalize_rows(word_matrix)
        query = unit[ids[1]] - unit[ids[0]] + unit[ids[2]]
        query = query / (np.linalg.norm(query) + 1e-8)
        scores = unit @ query
    else:
        W = word_matrix
        query = W[ids[1]] - W[ids[0]] + W[ids[2]]
        query = query / (np.linalg.norm(query) + 1e-8)
        scores = W @ query
    return _top(scores, ids, top, id_to_word)


# ---------------------------------------------------------------------------
# The analogy benchmark of Mikolov et al. (2013)
# ---------------------------------------------------------------------------

#: The five sections of the Google analogy set that test meaning; the other
#: nine (``gram1`` .. ``gram9``) test grammar (syntax).
#: the three rows of the summary, as printed
_KINDS = {"semantic": N_("semantic"), "syntactic": N_("syntactic"), "total": N_("total")}
SEMANTIC_SECTIONS = ("capital-common-countries", "capital-world", "currency", "city-in-state", "family")


def default_questions_path():
    """The Google analogy questions w2vlib ships (``w2vlib/data/analogy/questions-words.txt``)."""
    from .datasets import shipped_file

    return shipped_file("analogy", "questions-words.txt")


def _text_lines(path) -> list[str]:
    """The lines of the UTF-8 text file ``path``; a ValueError naming the line that is not UTF-8."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise ValueError(_("{path!r} line {line}: {raw!r} is not UTF-8 "
                           "text; save the file as UTF-8").format(
                             path=str(path), line=line, raw=raw[e.start:e.start + 4])) from None
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")   # as open() splits lines


def load_analogy_questions(path=None, lowercase: bool = True) -> dict[str, list[tuple[str, str, str, str]]]:
    """Read an analogy file in the word2vec format into ``{section: [(a, b, c, d), ...]}``.

    Each line ``a b c d`` asks ``a : b = c : ?`` with the answer ``d``
    (e.g. ``athens greece baghdad iraq``); lines starting with ``:`` open a
    section.  The default file is the Google analogy set (19,544 questions).
    """
    from pathlib import Path

    path = Path(path) if path is not None else default_questions_path()
    if not path.is_file():
        raise FileNotFoundError(_("no analogy questions at {path!r}").format(path=str(path)))
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    lines = _text_lines(path)
    for lineno, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith(":"):
            current = line[1:].strip()
            sections.setdefault(current, [])
            continue
        words = line.lower().split() if lowercase else line.split()
        if len(words) != 4 or current is None:
            raise ValueError(_("{path!r} line {lineno}: expected a ': section' line or "
                               "four words, got {line!r}").format(path=str(path), lineno=lineno, line=line))
        sections[current].append(tuple(words))
    return sections


class AnalogyReport:
    """Accuracy on an analogy benchmark, by section and as semantic / syntactic / total.

    ``rows`` holds one dict per section: ``section``, ``kind`` ("semantic" or
    "syntactic"), ``questions``, ``covered`` (all four words in the
    vocabulary), ``top1`` and ``top5`` (correct answers among the covered).
    Accuracies are over the covered questions, as is usual for a small
    vocabulary; ``coverage`` says what share of the questions that is.
    """

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def summary(self) -> dict[str, dict[str, float]]:
        """``{"semantic"|"syntactic"|"total": {questions, covered, coverage, top1, top5}}``;
        top1/top5 are accuracies in [0, 1] over covered questions."""
        out = {}
        for kind in ("semantic", "syntactic", "total"):
            rows = [r for r in self.rows if kind == "total" or r["kind"] == kind]
            q = sum(r["questions"] for r in rows)
            n = sum(r["covered"] for r in rows)
            out[kind] = {
                "questions": q,
                "covered": n,
                "coverage": n / q if q else 0.0,
                "top1": sum(r["top1"] for r in rows) / n if n else 0.0,
                "top5": sum(r["top5"] for r in rows) / n if n else 0.0,
            }
        return out

    def table(self, by_section: bool = False) -> str:
        """A plain-text table (percentages), short enough for a notebook output."""
        lines = ["".join([ljust("", 28), rjust(_("questions"), 10), rjust(_("covered"), 9),
                          rjust(_("top-1"), 8), rjust(_("top-5"), 8)])]
        if by_section:
            for r in self.rows:
                n = r["covered"]
                t1 = f"{100 * r['top1'] / n:7.1f}%" if n else "      -"
                t5 = f"{100 * r['top5'] / n:7.1f}%" if n else "      -"
                lines.append(f"{r['section']:<28}{r['questions']:>10,}{n:>9,}{t1:>8}{t5:>8}")
            lines.append("")
        for kind, s in self.summary().items():
            lines.append(f"{ljust(_(_KINDS[kind]), 28)}{s['questions']:>10,}{s['covered']:>9,}"
                         f"{100 * s['top1']:7.1f}%{100 * s['top5']:7.1f}%")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.table()


def evaluate_analogies(word_vecs: np.ndarray, word_to_id: Mapping[str, int], questions=None,
                       normalize: bool = True, batch_size: int = 512) -> AnalogyReport:
    """Score ``word_vecs: (V, H)`` on analogy questions (default: the Google set).

    For each question ``a : b = c : d`` whose four words are all in the
    vocabulary, the answer is the word nearest to ``b - a + c`` (3CosAdd with
    unit vectors, or the book's raw scoring with ``normalize=False``), the three
    question words excluded; it counts for top-1 if it is ``d``, for top-5 if
    ``d`` is among the best five.  Vectorised over batches of questions.
    """
    W = check_word_matrix(word_vecs, word_to_id, name="word_vecs")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(_("batch_size must be a positive int, got {batch_size!r}").format(
                            batch_size=batch_size))
    if batch_size < 1:
        raise ValueError(_("batch_size must be a positive int (questions scored at once), "
                           "got {batch_size}").format(batch_size=batch_size))
    if questions is None:
        questions = load_analogy_questions()
    unit = normalize_rows(W) if normalize else W.astype(np.float32, copy=False)
    rows = []
    for section, qs in questions.items():
        ids = np.array([[word_to_id[w] for w in q] for q in qs if all(w in word_to_id for w in q)],
                       dtype=np.int64).reshape(-1, 4)
        top1 = top5 = 0
        for start in range(0, len(ids), batch_size):
            batch = ids[start:start + batch_size]
            query = unit[batch[:, 1]] - unit[batch[:, 0]] + unit[batch[:, 2]]
            query /= np.linalg.norm(query, axis=1, keepdims=True) + 1e-8
            scores = query @ unit.T
            rows_idx = np.arange(len(batch))[:, None]
            scores[rows_idx, batch[:, :3]] = -np.inf
            k = min(5, scores.shape[1] - 1)
            best5 = np.argpartition(-scores, k, axis=1)[:, :5]
            order = np.argsort(-scores[rows_idx, best5], axis=1, kind="stable")
            best5 = best5[rows_idx, order]
            hit = (best5 == batch[:, 3:4]) & np.isfinite(scores[rows_idx, best5])
            top1 += int(hit[:, 0].sum())
            top5 += int(hit.any(axis=1).sum())
        rows.append({"section": section,
                     "kind": "semantic" if section in SEMANTIC_SECTIONS else "syntactic",
                     "questions": len(qs), "covered": len(ids), "top1": top1, "top5": top5})
    return AnalogyReport(rows)


# ---------------------------------------------------------------------------
# Command line: python -m w2vlib.evaluate VECTORS
# ---------------------------------------------------------------------------

def _parser():
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m w2vlib.evaluate",
        description="Judge word vectors: analogy accuracy (Google set, by section), nearest "
                    "neighbours, and the Spearman correlation with human similarity ratings.")
    parser.add_argument("vectors", help="a .npz written by w2vlib or a word2vec file: text "
                                        "(.txt/.vec) or binary (.bin)")
    parser.add_argument("--words", nargs="+", default=["you", "year", "car", "toyota"],
                        help="words whose nearest neighbours to print (default: the book's four)")
    parser.add_argument("--top", type=int, default=5, help="neighbours per word (default 5)")
    parser.add_argument("--raw", action="store_true",
                        help="score analogies as the book does (raw vectors, dot product) "
                             "instead of 3CosAdd with unit vectors")
    parser.add_argument("--questions", help="analogy file (default: the shipped Google set)")
    parser.add_argument("--similarity", default="wordsim353",
                        help="similarity set: 'wordsim353', 'simlex999', a path to a word-pair "
                             "file, or 'none' (default: wordsim353)")
    return parser


def _print_neighbours(wv, words, top: int) -> None:
    from .corpus import UnknownWordError

    print("\n" + _("nearest neighbours (cosine, top {top})").format(top=top))
    for w in words:
        try:
            near = most_similar(w, wv.word_to_id, wv.id_to_word, wv.word_vecs, top=top)
        except UnknownWordError as e:
            print(f"  {w}: {e}")
            continue
        print(f"  {w}: " + ", ".join(f"{n} {s:.3f}" for n, s in near))


def main(argv: list[str] | None = None) -> int:
    """``python -m w2vlib.evaluate VECTORS``: analogies, neighbours and word similarity.

    Returns the exit code: 0 when the report was printed, 2 when the vectors
    (or a file named on the command line) cannot be read.
    """
    import sys
    from pathlib import Path

    from . import similarity as sim
    from .io import load_vectors

    parser = _parser()
    args = parser.parse_args(argv)
    if args.top < 1:
        parser.error(_("--top must be >= 1, got {top}").format(top=args.top))

    def fail(message: str) -> int:
        print(_("error: {message}").format(message=message), file=sys.stderr)
        return 2

    unreadable = (FileNotFoundError, ValueError, OSError, UnicodeDecodeError)
    try:
        wv = load_vectors(args.vectors)
    except unreadable as e:
        return fail(_("cannot read vectors: {error}").format(error=e))
    except MemoryError:
        return fail(_("cannot read vectors: {path!r} is too large for the memory free").format(
            path=args.vectors))
    try:
        questions = load_analogy_questions(args.questions)
    except unreadable as e:
        return fail(_("cannot read analogy questions: {error}").format(error=e))
    wanted = args.similarity.lower() != "none"
    named = args.similarity in sim.SIMILARITY_FILES
    sim_path = None
    if wanted:
        sim_path = sim.find_similarity_file(args.similarity) if named else Path(args.similarity)
        if not named and not sim_path.is_file():
            return fail(_("no similarity file at {path!r}").format(path=str(sim_path)))

    V, H = wv.word_vecs.shape
    print(_("vectors: {vectors}  ({V:,} words x {H} dimensions)").format(
        vectors=args.vectors, V=V, H=H))
    scoring = _("raw vectors, dot product (the book's)") if args.raw else _("3CosAdd, unit vectors")
    report = evaluate_analogies(wv.word_vecs, wv.word_to_id, questions, normalize=not args.raw)
    print("\n" + _("analogies ({scoring}; accuracy over covered questions)").format(scoring=scoring))
    print(report.table(by_section=True))
    _print_neighbours(wv, args.words, args.top)

    print()
    if not wanted:
        print(_("similarity: skipped (--similarity none)"))
    elif sim_path is None:
        print(_("similarity: skipped ({why})").format(
            why=sim.similarity_missing_message(args.similarity)))
    else:
        try:
            pairs = sim.load_word_pairs(sim_path)
        except (ValueError, OSError, UnicodeDecodeError) as e:
            return fail(_("cannot read similarity pairs: {error}").format(error=e))
        name = args.similarity if named else sim_path.name
        score = sim.evaluate_similarity(wv.word_vecs, wv.word_to_id, pairs, name=name)
        print(_("similarity  {score}").format(score=score))
        print(_("            (pairs from {sim_path})").format(sim_path=sim_path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
