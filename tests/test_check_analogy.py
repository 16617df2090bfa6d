"""check.analogy and check.analogy_accuracy: pass the references, fail each classic mistake with
the right hint, and turn a learner's exception into a failed check (never a traceback)."""

import numpy as np
import pytest

from w2vlib import check, evaluate
from w2vlib.study.check import accuracy, vectors

# ---------------------------------------------------------------------------
# check.analogy: learner functions, right and wrong
# ---------------------------------------------------------------------------


def library_analogy(a, b, c, word_to_id, id_to_word, word_matrix, top=5):
    return evaluate.analogy(a, b, c, word_to_id, id_to_word, word_matrix, top=top)


def make_analogy(coefs=(-1, 1, 1), exclude=True, normalize=True, ascending=False, in_place=False,
                 unknown="raise", words_only=False):
    """A learner's 3CosAdd with one classic mistake switched on.

    coefs: coefficients of (a, b, c) in the query (right: -1, 1, 1); unknown: "raise" (a KeyError
    from the dict), "get0" (`word_to_id.get(w, 0)`), "index" (an IndexError of its own)."""

    def fn(a, b, c, word_to_id, id_to_word, word_matrix, top=5):
        if unknown == "get0":
            ids = [word_to_id.get(w, 0) for w in (a, b, c)]
        elif unknown == "index":
            if any(w not in word_to_id for w in (a, b, c)):
                raise IndexError("index 10000 is out of bounds")
            ids = [word_to_id[w] for w in (a, b, c)]
        else:
            ids = [word_to_id[w] for w in (a, b, c)]
        W = word_matrix
        if in_place:
            W /= np.linalg.norm(W, axis=1, keepdims=True)
        elif normalize:
            W = W / np.linalg.norm(W, axis=1, keepdims=True)
        query = sum(k * W[i] for k, i in zip(coefs, ids, strict=True))
        scores = W @ (query / np.linalg.norm(query))
        if exclude:
            scores[ids] = np.inf if ascending else -np.inf
        order = np.argsort(scores if ascending else -scores)[:top]
        if words_only:
            return [id_to_word[int(i)] for i in order]
        return [(id_to_word[int(i)], float(scores[i])) for i in order]

    return fn


def book_style_analogy(a, b, c, word_to_id, id_to_word, word_matrix, top=5):
    """The book's way: raw word vectors, a unit query, print lines, print a note for unknown words."""
    for w in (a, b, c):
        if w not in word_to_id:
            print(f"{w} is not found")
            return None
    q = word_matrix[word_to_id[b]] - word_matrix[word_to_id[a]] + word_matrix[word_to_id[c]]
    scores = word_matrix @ (q / np.linalg.norm(q))
    print(f"[analogy] {a}:{b} = {c}:?")
    shown = 0
    for i in np.argsort(-scores):
        if id_to_word[int(i)] in (a, b, c):
            continue
        print(f" {id_to_word[int(i)]}: {scores[i]}")
        shown += 1
        if shown >= top:
            return None
    return None


ALL_ANALOGY = ["returns top=3 answers", "question words a, b, c never answers",
               "nearest to b - a + c, best first",
               "same answers when rows are rescaled (rows normalised)",
               "word_matrix left unchanged", "unknown word: a KeyError or message naming it"]


@pytest.mark.parametrize("fn", [library_analogy, make_analogy(), make_analogy(words_only=True)])
def test_analogy_passes_references(fn, capsys):
    r = check.analogy(fn)
    assert r.passed, r
    assert [name for name, _, _ in r.checks] == ALL_ANALOGY
    out = capsys.readouterr().out
    assert "6/6 checks passed" in out and "FAIL" not in out


def test_analogy_toy_is_what_the_docstring_says():
    # the reference answers, and the claims the hints rest on
    words = list(vectors.ANALOGY_WORDS)
    w2i = {w: i for i, w in enumerate(words)}
    i2w = dict(enumerate(words))
    U = evaluate.normalize_rows(vectors.ANALOGY_VECS)
    assert [w for w, _ in evaluate.analogy("man", "woman", "king", w2i, i2w, U, top=3)] == \
        ["queen", "boy", "girl"]
    ids = [w2i[w] for w in ("man", "woman", "king")]
    assert words[vectors.mistaken_ranking(U, (-1, 1, 1), ids, exclude=False)[0]] in ("woman", "king")
    firsts = {name: words[vectors.mistaken_ranking(U, k, ids)[0]]
              for name, k in vectors.SIGN_MISTAKES.items()}
    assert "queen" not in firsts.values() and len(set(firsts.values())) == len(firsts)
    long = U * vectors.ANALOGY_LENGTHS[:, None]
    raw = [w for w, _ in evaluate.analogy("man", "woman", "king", w2i, i2w, long, top=3, normalize=False)]
    assert raw != ["queen", "boy", "girl"]


def test_analogy_book_style_printing_fails_only_the_normalisation():
    r = check.analogy(book_style_analogy, verbose=False)
    assert r.failed == ["same answers when rows are rescaled (rows normalised)"]
    hint = r.hint(r.failed[0])
    assert "divide every row by its norm" in hint and "raw dot product" in hint
    # its printed note about an unknown word counts as handling it
    assert "unknown word: a KeyError or message naming it" not in r.failed


def test_analogy_no_normalisation():
    r = check.analogy(make_analogy(normalize=False), verbose=False)
    assert r.failed == ["same answers when rows are rescaled (rows normalised)"]
    assert "Cosine ignores length" in r.hint(r.failed[0])


def test_analogy_question_words_not_excluded():
    r = check.analogy(make_analogy(exclude=False), verbose=False)
    assert r.failed == ["question words a, b, c never answers"]
    hint = r.hint(r.failed[0])
    assert "'woman' (b)" in hint and "-inf" in hint


@pytest.mark.parametrize("name, coefs", list(vectors.SIGN_MISTAKES.items()))
def test_analogy_sign_mistakes(name, coefs):
    r = check.analogy(make_analogy(coefs=coefs), verbose=False)
    assert r.failed == ["nearest to b - a + c, best first"]
    hint = r.hint(r.failed[0])
    assert f"nearest to {name}" in hint and "the query is b - a + c" in hint


def test_analogy_ascending_argsort():
    r = check.analogy(make_analogy(ascending=True), verbose=False)
    assert r.failed == ["nearest to b - a + c, best first"]
    assert "LEAST" in r.hint(r.failed[0]) and "argsort" in r.hint(r.failed[0])


def test_analogy_in_place_normalisation():
    r = check.analogy(make_analogy(in_place=True), verbose=False)
    assert r.failed == ["word_matrix left unchanged"]
    assert "W /= norms" in r.hint(r.failed[0])


def test_analogy_unknown_word_silently_answered():
    r = check.analogy(make_analogy(unknown="get0"), verbose=False)
    assert r.failed == ["unknown word: a KeyError or message naming it"]
    assert "word_to_id.get(w, 0)" in r.hint(r.failed[0])


def test_analogy_unknown_word_other_exception():
    r = check.analogy(make_analogy(unknown="index"), verbose=False)
    assert r.failed == ["unknown word: a KeyError or message naming it"]
    hint = r.hint(r.failed[0])
    assert "IndexError" in hint and "UnknownWordError" in hint


def test_analogy_unknown_word_silent_none():
    def quiet(a, b, c, word_to_id, id_to_word, word_matrix, top=5):
        if any(w not in word_to_id for w in (a, b, c)):
            return []
        return library_analogy(a, b, c, word_to_id, id_to_word, word_matrix, top)

    r = check.analogy(quiet, verbose=False)
    assert r.failed == ["unknown word: a KeyError or message naming it"]
    assert "did not say why" in r.hint(r.failed[0])


def test_analogy_keyerror_without_the_word():
    def vague(a, b, c, word_to_id, id_to_word, word_matrix, top=5):
        if any(w not in word_to_id for w in (a, b, c)):
            raise KeyError("unknown")
        return library_analogy(a, b, c, word_to_id, id_to_word, word_matrix, top)

    r = check.analogy(vague, verbose=False)
    assert r.failed == ["unknown word: a KeyError or message naming it"]
    assert "name the word" in r.hint(r.failed[0])


def test_analogy_exception_is_reported_not_raised(capsys):
    def broken(a, b, c, word_to_id, id_to_word, word_matrix, top=5):
        raise NotImplementedError("todo")

    r = check.analogy(broken)
    assert len(r.failed) == 6
    assert "NotImplementedError: todo" in r.hint("returns top=3 answers")
    assert "call: fn(a, b, c" in r.hint("returns top=3 answers")
    assert "Traceback" not in capsys.readouterr().out


def test_analogy_returns_nothing():
    r = check.analogy(lambda *args, **kwargs: None, verbose=False)
    assert "returned no answers" in r.hint("returns top=3 answers")
    assert not r.passed


# ---------------------------------------------------------------------------
# check.analogy_accuracy
# ---------------------------------------------------------------------------


def library_accuracy(questions, word_to_id, id_to_word, word_matrix):
    return evaluate.evaluate_analogies(word_matrix, word_to_id, questions)


def make_accuracy(exclude=True, oov="skip", kinds="right", total="pooled", percent=False):
    """A learner's scorer (a loop over questions) with one classic mistake switched on.

    oov: "skip" (right), "count" (every question with an unknown word counted wrong), "answer"
    (only a, b, c checked: an unknown answer counts wrong), "crash" (no check: KeyError);
    kinds: "right", "swapped", "all" (every section semantic), "family" (family as syntactic);
    total: "pooled" (right) or "mean" (mean of the two accuracies)."""

    def fn(questions, word_to_id, id_to_word, word_matrix):
        U = word_matrix / np.linalg.norm(word_matrix, axis=1, keepdims=True)
        right = {"semantic": 0, "syntactic": 0}
        counted = {"semantic": 0, "syntactic": 0}
        for section, qs in questions.items():
            semantic = section in evaluate.SEMANTIC_SECTIONS
            if kinds == "swapped":
                semantic = not semantic
            elif kinds == "all":
                semantic = True
            elif kinds == "family" and section == "family":
                semantic = False
            kind = "semantic" if semantic else "syntactic"
            for q in qs:
                checked = q if oov in ("skip", "count") else (q[:3] if oov == "answer" else ())
                if not all(w in word_to_id for w in checked):
                    if oov == "count":
                        counted[kind] += 1
                    continue
                if oov == "answer" and q[3] not in word_to_id:
                    counted[kind] += 1
                    continue
                ids = [word_to_id[w] for w in q[:3]]
                query = U[ids[1]] - U[ids[0]] + U[ids[2]]
                scores = U @ query
                if exclude:
                    scores[ids] = -np.inf
                right[kind] += id_to_word[int(np.argmax(scores))] == q[3]
                counted[kind] += 1
        acc = {k: right[k] / counted[k] if counted[k] else 0.0 for k in right}
        if total == "mean":
            acc["total"] = (acc["semantic"] + acc["syntactic"]) / 2
        else:
            acc["total"] = sum(right.values()) / sum(counted.values())
        if percent:
            acc = {k: 100 * v for k, v in acc.items()}
        return acc

    return fn


ALL_ACCURACY = ["returns semantic, syntactic, total as fractions",
                "questions with an unknown word skipped, not counted",
                "question words a, b, c never answers",
                "semantic and syntactic sections scored apart",
                "total pools every covered question"]


@pytest.mark.parametrize("fn", [library_accuracy, make_accuracy(),
                                lambda q, w2i, i2w, W: library_accuracy(q, w2i, i2w, W).summary()])
def test_accuracy_passes_references(fn, capsys):
    r = check.analogy_accuracy(fn)
    assert r.passed, r
    assert [name for name, _, _ in r.checks] == ALL_ACCURACY
    assert "5/5 checks passed" in capsys.readouterr().out


def test_accuracy_toy_cases_separate_the_mistakes():
    w2i, _, W, cases = accuracy.accuracy_toy()
    share = accuracy.share
    # each case tells its mistake apart from the right answer ...
    ref = accuracy.toy_scores(cases["oov"], w2i, W)
    for how in ("all", "answer"):
        assert share(accuracy.toy_scores(cases["oov"], w2i, W, count_oov=how)["total"]) != share(ref["total"])
    ref = accuracy.toy_scores(cases["exclusion"], w2i, W)
    kept = accuracy.toy_scores(cases["exclusion"], w2i, W, exclude=False)
    assert share(kept["total"]) < share(ref["total"])
    ref = accuracy.toy_scores(cases["total"], w2i, W)
    assert (share(ref["semantic"]) + share(ref["syntactic"])) / 2 != share(ref["total"])
    ref = accuracy.toy_scores(cases["kinds"], w2i, W)
    assert len({share(ref[k]) for k in ("semantic", "syntactic", "total")}) == 3
    # ... and the other cases are blind to it (so one mistake fails one check)
    for case in ("oov", "exclusion"):
        ref = accuracy.toy_scores(cases[case], w2i, W)
        assert ref["semantic"][1] == ref["syntactic"][1]          # mean == pooled
    for case in ("kinds", "total", "oov"):
        assert accuracy.toy_scores(cases[case], w2i, W, exclude=False) == \
            accuracy.toy_scores(cases[case], w2i, W)
    # the library agrees with the toy scorer
    for qs in cases.values():
        got = evaluate.evaluate_analogies(W, w2i, qs).summary()
        ref = accuracy.toy_scores(qs, w2i, W)
        for k in ("semantic", "syntactic", "total"):
            assert got[k]["covered"] == ref[k][1] and got[k]["top1"] == pytest.approx(share(ref[k]))


@pytest.mark.parametrize("oov", ["count", "answer"])
def test_accuracy_oov_in_denominator(oov):
    r = check.analogy_accuracy(make_accuracy(oov=oov), verbose=False)
    assert r.failed == ["questions with an unknown word skipped, not counted"]
    hint = r.hint(r.failed[0])
    assert "counted as wrong" in hint and "Skip them" in hint


def test_accuracy_oov_crash():
    r = check.analogy_accuracy(make_accuracy(oov="crash"), verbose=False)
    assert r.failed == ["questions with an unknown word skipped, not counted"]
    hint = r.hint(r.failed[0])
    assert "KeyError" in hint and "not in word_to_id: skip those" in hint


def test_accuracy_question_words_not_excluded():
    r = check.analogy_accuracy(make_accuracy(exclude=False), verbose=False)
    assert r.failed == ["question words a, b, c never answers"]
    assert "Leave the three question words out" in r.hint(r.failed[0])


def test_accuracy_semantic_syntactic_swapped():
    r = check.analogy_accuracy(make_accuracy(kinds="swapped"), verbose=False)
    assert r.failed == ["semantic and syntactic sections scored apart"]
    assert "swapped" in r.hint(r.failed[0])


def test_accuracy_everything_semantic():
    r = check.analogy_accuracy(make_accuracy(kinds="all"), verbose=False)
    assert r.failed == ["semantic and syntactic sections scored apart"]
    assert "ALL sections" in r.hint(r.failed[0])


def test_accuracy_family_taken_for_syntax():
    r = check.analogy_accuracy(make_accuracy(kinds="family"), verbose=False)
    assert r.failed == ["semantic and syntactic sections scored apart"]
    hint = r.hint(r.failed[0])
    assert "family" in hint and "SEMANTIC_SECTIONS" in hint


def test_accuracy_total_as_mean():
    r = check.analogy_accuracy(make_accuracy(total="mean"), verbose=False)
    assert r.failed == ["total pools every covered question"]
    assert "mean of the semantic and syntactic" in r.hint(r.failed[0])


def test_accuracy_percentages():
    r = check.analogy_accuracy(make_accuracy(percent=True), verbose=False)
    assert r.failed == ["returns semantic, syntactic, total as fractions"]
    assert "percentages" in r.hint(r.failed[0])


@pytest.mark.parametrize("out, words", [
    ([0.1, 0.2, 0.3], "return a dict"),
    ({"semantic": 0.1, "total": 0.2}, "lacks ['syntactic']"),
    ({"semantic": "a lot", "syntactic": 0.1, "total": 0.2}, "should be a number"),
])
def test_accuracy_bad_return_values(out, words):
    r = check.analogy_accuracy(lambda *args: out, verbose=False)
    assert not r.passed and words in r.hint(r.failed[0])


def test_accuracy_exception_is_reported_not_raised(capsys):
    def broken(questions, word_to_id, id_to_word, word_matrix):
        raise ValueError("not written yet")

    r = check.analogy_accuracy(broken)
    assert r.failed == ALL_ACCURACY
    assert "ValueError: not written yet" in r.hint(ALL_ACCURACY[0])
    assert "Traceback" not in capsys.readouterr().out


def test_accuracy_learner_cannot_change_the_cases():
    def vandal(questions, word_to_id, id_to_word, word_matrix):
        out = library_accuracy(questions, word_to_id, id_to_word, word_matrix)
        questions.clear()
        word_to_id.clear()
        word_matrix[...] = 0
        return out

    assert check.analogy_accuracy(vandal, verbose=False).passed
