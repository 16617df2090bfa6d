"""Check of the analogy benchmark's scorer (notebooks 07 and 09).

The toy benchmark (:func:`accuracy_toy`) makes every word a basis vector (or a mix of two or
three), so each question is exactly solved, unsolved, or solved only once a, b, c are left
out. The reference answers are :func:`w2vlib.evaluate.analogy`'s; :func:`toy_scores` also
models the classic mistakes, so that a hint can name the one the learner made.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

from w2vlib.i18n import N_, _

from ...evaluate import analogy as reference_analogy
from ...evaluate import normalize_rows
from .report import CheckResult, Fail, run_cases
from .vectors import ANALOGY_QUERY, mistaken_ranking

__all__ = ["analogy_accuracy", "accuracy_toy", "toy_scores", "share", "SEMANTIC_TOY", "SYNTACTIC_TOY"]

SEMANTIC_TOY = ("capital-common-countries", "family")
SYNTACTIC_TOY = ("gram3-comparative", "gram8-plural")

#: case -> section -> kinds of its questions (see :func:`accuracy_toy`)
_PLAN = {
    "oov": {"capital-common-countries": ["solved", "solved", "oov:a", "unsolved"],
            "family": ["solved", "oov:d", "oov:c"],
            "gram3-comparative": ["solved", "unsolved", "oov:b", "oov:a", "oov:d"],
            "gram8-plural": ["unsolved", "unsolved", "oov:c"]},
    "exclusion": {"capital-common-countries": ["solved", "exclusion", "exclusion"],
                  "family": ["exclusion"],
                  "gram3-comparative": ["solved", "exclusion", "unsolved"],
                  "gram8-plural": ["unsolved"]},
    "kinds": {"capital-common-countries": ["solved", "solved"], "family": ["unsolved"],
              "gram3-comparative": ["solved", "unsolved"],
              "gram8-plural": ["unsolved", "unsolved"]},
    "total": {"capital-common-countries": ["solved"], "family": ["solved"],
              "gram3-comparative": ["solved", "unsolved", "unsolved"],
              "gram8-plural": ["unsolved", "unsolved", "unsolved"]},
}


def _toy_question(kind: str, n: int, vecs: dict, basis) -> tuple[str, str, str, str]:
    """Question ``n`` of ``kind``: add its words' vectors to ``vecs``; return (a, b, c, d)."""
    a, b, c, d = (f"{x}{n:02d}" for x in "abcd")
    for w in (a, b, c):
        vecs[w] = next(basis)
    q = vecs[b] - vecs[a] + vecs[c]
    q = q / np.linalg.norm(q)
    extra = next(basis)
    if kind == "solved":
        vecs[d] = q
    elif kind == "unsolved":
        vecs[d] = -q
    elif kind == "exclusion":
        vecs[d] = 0.5 * q + np.sqrt(0.75) * extra
    else:                                   # "oov:x": word x is unknown
        vecs[d] = q
        gone = {"a": a, "b": b, "c": c, "d": d}[kind[-1]]
        del vecs[gone]
        a, b, c, d = (f"unknown{n:02d}" if w == gone else w for w in (a, b, c, d))
    return a, b, c, d


def accuracy_toy() -> tuple[dict, dict, np.ndarray, dict]:
    """(word_to_id, id_to_word, W, cases): ``cases[name] = {section: [(a, b, c, d), ...]}``.

    Question kinds: "solved" (d = b - a + c exactly), "unsolved" (d points away from it),
    "exclusion" (d at cosine 0.5 with b - a + c, below b and c at 0.58: solved only when the
    question words are left out), and "oov:X" (word X of the four is not in the vocabulary).
    """
    n_basis = sum(4 for case in _PLAN.values() for kinds in case.values() for _ in kinds)
    vecs: dict[str, np.ndarray] = {}
    basis = iter(np.eye(n_basis))
    cases: dict[str, dict[str, list[tuple[str, str, str, str]]]] = {}
    n = 0
    for case, sections in _PLAN.items():
        cases[case] = {}
        for section, kinds in sections.items():
            qs = []
            for kind in kinds:
                n += 1
                qs.append(_toy_question(kind, n, vecs, basis))
            cases[case][section] = qs
    word_to_id = {w: i for i, w in enumerate(vecs)}
    id_to_word = {i: w for w, i in word_to_id.items()}
    W = np.array(list(vecs.values()))
    return word_to_id, id_to_word, W, cases


def toy_scores(questions, word_to_id, W, exclude: bool = True, count_oov: str = "") -> dict:
    """``{kind: (correct, counted)}`` top-1 on the toy: the reference (answers of
    :func:`w2vlib.evaluate.analogy`), or a classic mistake (``exclude=False``: the question
    words kept among the answers; ``count_oov="all"``: every question with an unknown word
    counted as wrong, ``"answer"``: those whose only unknown word is the answer d)."""
    U = normalize_rows(W)
    id_to_word = {i: w for w, i in word_to_id.items()}
    tally = {"semantic": [0, 0], "syntactic": [0, 0], "total": [0, 0]}
    for section, qs in questions.items():
        kind = "semantic" if section in SEMANTIC_TOY else "syntactic"
        for q in qs:
            known = all(w in word_to_id for w in q)
            if not known:
                if count_oov == "all" or (count_oov == "answer"
                                          and all(w in word_to_id for w in q[:3])):
                    tally[kind][1] += 1
                    tally["total"][1] += 1
                continue
            if exclude:
                hit = reference_analogy(*q[:3], word_to_id, id_to_word, U, top=1)[0][0] == q[3]
            else:
                ids = [word_to_id[w] for w in q[:3]]
                hit = mistaken_ranking(U, ANALOGY_QUERY, ids, exclude=False)[0] == word_to_id[q[3]]
            for k in (kind, "total"):
                tally[k][0] += hit
                tally[k][1] += 1
    return {k: (v[0], v[1]) for k, v in tally.items()}


def share(pair: tuple[int, int]) -> float:
    """``correct / counted`` of a ``(correct, counted)`` pair, 0 when nothing was counted."""
    return pair[0] / pair[1] if pair[1] else 0.0


def _accuracy_values(out) -> dict[str, float]:
    """``{"semantic", "syntactic", "total"}`` -> float from a dict (numbers, or dicts with "top1")
    or from an object with ``summary()`` (an :class:`~w2vlib.evaluate.AnalogyReport`)."""
    if hasattr(out, "summary") and callable(out.summary):
        out = out.summary()
    if not isinstance(out, dict):
        raise Fail(_("return a dict {{'semantic': ..., 'syntactic': ..., 'total': ...}} of "
                     "accuracies, got {type}").format(type=type(out).__name__))
    missing = [k for k in ("semantic", "syntactic", "total") if k not in out]
    if missing:
        raise Fail(_("the returned dict lacks {missing}; it needs 'semantic', 'syntactic' and "
                     "'total'").format(missing=missing))
    values = {}
    for k in ("semantic", "syntactic", "total"):
        v = out[k]
        if isinstance(v, dict) and "top1" in v:
            v = v["top1"]
        try:
            values[k] = float(v)
        except (TypeError, ValueError):
            raise Fail(_("{k!r} should be a number (top-1 accuracy), got {v!r}").format(k=k, v=v)) from None
    return values


def _close(x, y) -> bool:
    return abs(x - y) < 1e-6


def _fmt(v) -> str:
    return ", ".join(f"{k} {x:.3f}" for k, x in v.items())


class _AccuracyToy:
    """The toy benchmark and ``fn``'s accuracies on each of its cases (cached)."""

    def __init__(self, fn):
        self.fn = fn
        self.word_to_id, self.id_to_word, self.W, self.cases = accuracy_toy()
        self.state: dict = {}

    def scores(self, case, **mistake) -> dict:
        """:func:`toy_scores` of ``case`` (the reference, or ``mistake``)."""
        return toy_scores(self.cases[case], self.word_to_id, self.W, **mistake)

    def against_reference(self, case) -> tuple[dict[str, float], dict, float]:
        """``fn``'s accuracies on ``case``, the reference scores and the reference total."""
        v = self.values(case)
        ref = self.scores(case)
        return v, ref, share(ref["total"])

    def values(self, case, percent_ok=True) -> dict[str, float]:
        """``fn``'s accuracies on ``case``; percentages are read as fractions if ``percent_ok``."""
        if case not in self.state:
            qs = {s: list(q) for s, q in self.cases[case].items()}
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    self.state[case] = self.fn(qs, dict(self.word_to_id), dict(self.id_to_word),
                                               self.W.copy())
            except Exception as e:
                self.state[case] = e
        out = self.state[case]
        if isinstance(out, Exception):
            raise out
        v = _accuracy_values(out)
        if any(x > 1 for x in v.values()) and all(0 <= x <= 100 for x in v.values()):
            if not percent_ok:
                raise Fail(_("accuracies are fractions in [0, 1] (0.25 = a quarter of the "
                             "questions), got percentages ({fmt}): drop the * 100").format(fmt=_fmt(v)))
            v = {k: x / 100 for k, x in v.items()}      # judged by the form check alone
        return v


def _acc_form(toy: _AccuracyToy) -> None:
    v = toy.values("total", percent_ok=False)
    bad = {k: x for k, x in v.items() if not 0 <= x <= 1}
    if bad:
        raise Fail(_("accuracies must lie in [0, 1], got {bad}").format(bad=bad))


def _acc_oov(toy: _AccuracyToy) -> None:
    v, ref, want = toy.against_reference("oov")
    if _close(v["total"], want):
        return
    for how, what in (("all", _("questions with a word missing from word_to_id")),
                      ("answer", _("questions whose answer d is missing from word_to_id"))):
        counted = toy.scores("oov", count_oov=how)
        if _close(v["total"], share(counted["total"])):
            raise Fail(_("total {v_total:.3f} = {counted_total_0}/{counted_total_1}: "
                         "the {value} {what} were counted as "
                         "wrong. Skip them: they are not covered, so the accuracy is "
                         "{ref_total_0}/{ref_total_1} = {want:.3f} (check all four "
                         "words, the answer d too)").format(
                           v_total=v['total'], counted_total_0=counted['total'][0],
                           counted_total_1=counted['total'][1],
                           value=counted['total'][1] - ref['total'][1], what=what,
                           ref_total_0=ref['total'][0], ref_total_1=ref['total'][1], want=want))
    raise Fail(_("on questions with unknown words, expected total {want:.3f} "
                 "({ref_total_0} right of {ref_total_1} covered), got {v_total:.3f}").format(
                   want=want, ref_total_0=ref['total'][0], ref_total_1=ref['total'][1],
                   v_total=v['total']))


def _acc_exclusion(toy: _AccuracyToy) -> None:
    v, ref, want = toy.against_reference("exclusion")
    if _close(v["total"], want):
        return
    kept = toy.scores("exclusion", exclude=False)
    if _close(v["total"], share(kept["total"])):
        raise Fail(_("total {v_total:.3f} instead of {want:.3f}: in some questions b or c "
                     "itself is nearest to b - a + c and your code took it as the answer. "
                     "Leave the three question words out (score -inf) before taking the best").format(
                       v_total=v['total'], want=want))
    raise Fail(_("expected total {want:.3f} ({ref_total_0} of {ref_total_1}), "
                 "got {v_total:.3f}").format(
                   want=want, ref_total_0=ref['total'][0], ref_total_1=ref['total'][1],
                   v_total=v['total']))


def _acc_kinds(toy: _AccuracyToy) -> None:
    v = toy.values("kinds")
    ref = {k: share(x) for k, x in toy.scores("kinds").items()}
    if _close(v["semantic"], ref["semantic"]) and _close(v["syntactic"], ref["syntactic"]):
        return
    sections = "semantic: " + ", ".join(SEMANTIC_TOY) + "; syntactic: " + ", ".join(SYNTACTIC_TOY)
    if _close(v["semantic"], ref["syntactic"]) and _close(v["syntactic"], ref["semantic"]):
        raise Fail(_("semantic and syntactic are swapped ({fmt}). The semantic sections are "
                     "those in w2vlib.evaluate.SEMANTIC_SECTIONS (capitals, currency, "
                     "city-in-state, family); gram1..gram9 are syntactic").format(fmt=_fmt(v)))
    if _close(v["semantic"], ref["total"]) or _close(v["syntactic"], ref["total"]):
        raise Fail(_("one of semantic/syntactic equals the accuracy over ALL sections "
                     "({ref_total:.3f}): score each group on its own sections only "
                     "({sections})").format(ref_total=ref['total'], sections=sections))
    raise Fail(_("expected semantic {ref_semantic:.3f} and syntactic {ref_syntactic:.3f}, "
                 "got {fmt}. Sort each section into its group by name ({sections}; "
                 "w2vlib.evaluate.SEMANTIC_SECTIONS lists the semantic ones)").format(
                   ref_semantic=ref['semantic'], ref_syntactic=ref['syntactic'], fmt=_fmt(v),
                   sections=sections))


def _acc_total(toy: _AccuracyToy) -> None:
    v, ref, want = toy.against_reference("total")
    if _close(v["total"], want):
        return
    mean = (share(ref["semantic"]) + share(ref["syntactic"])) / 2
    if _close(v["total"], mean):
        raise Fail(_("total {v_total:.3f} is the mean of the semantic and syntactic "
                     "accuracies, but the groups differ in size ({ref_semantic_1} and "
                     "{ref_syntactic_1} questions): pool them, right answers over all "
                     "covered questions = {ref_total_0}/{ref_total_1} = {want:.3f}").format(
                       v_total=v['total'], ref_semantic_1=ref['semantic'][1],
                       ref_syntactic_1=ref['syntactic'][1], ref_total_0=ref['total'][0],
                       ref_total_1=ref['total'][1], want=want))
    raise Fail(_("expected total {want:.3f} ({ref_total_0} of {ref_total_1} covered "
                 "questions), got {v_total:.3f}").format(
                   want=want, ref_total_0=ref['total'][0], ref_total_1=ref['total'][1],
                   v_total=v['total']))


_ACCURACY_CASES = (
    (N_("returns semantic, syntactic, total as fractions"), _acc_form,
     N_("call: fn(questions, word_to_id, id_to_word, word_matrix)")),
    (N_("questions with an unknown word skipped, not counted"), _acc_oov,
     N_("some questions hold a word that is not in word_to_id: skip those")),
    (N_("question words a, b, c never answers"), _acc_exclusion, ""),
    (N_("semantic and syntactic sections scored apart"), _acc_kinds, ""),
    (N_("total pools every covered question"), _acc_total, ""),
)


def analogy_accuracy(fn, verbose: bool = True) -> CheckResult:
    """Check ``fn(questions, word_to_id, id_to_word, word_matrix)`` scoring analogy questions.

    questions: ``{section: [(a, b, c, d), ...]}`` as :func:`w2vlib.evaluate.load_analogy_questions`
    returns. ``fn`` returns top-1 accuracies as fractions, ``{"semantic": s, "syntactic": y,
    "total": t}`` (an :class:`~w2vlib.evaluate.AnalogyReport` or its ``summary()`` also do).
    Semantic sections are those in :data:`w2vlib.evaluate.SEMANTIC_SECTIONS`; the others
    (``gram1``..``gram9``) are syntactic. An answer is the word nearest to b - a + c (3CosAdd),
    a, b, c left out. Toy benchmarks with exact answers, one per classic mistake: a question with
    an unknown word (any of the four) is skipped, not counted wrong; the question words are left
    out of the answers; semantic and syntactic sections are scored apart; the total pools every
    covered question (not the mean of the two accuracies); fractions, not percentages.
    """
    toy = _AccuracyToy(fn)
    return run_cases("analogy_accuracy", _ACCURACY_CASES, (toy,), verbose)
