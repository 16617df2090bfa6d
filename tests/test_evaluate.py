import numpy as np
import pytest

from w2vlib.corpus import UnknownWordError
from w2vlib.evaluate import analogy, cos_similarity, most_similar

WORDS = ["king", "queen", "man", "woman", "apple", "pear"]
W2I = {w: i for i, w in enumerate(WORDS)}
I2W = dict(enumerate(WORDS))
# axes: royalty, gender (female +), fruit
W = np.array([[1, -1, 0], [1, 1, 0], [0, -1, 0], [0, 1, 0], [0, 0, 1], [0.1, 0, 1]], dtype=np.float32)


def test_cos_similarity_values():
    assert cos_similarity(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == pytest.approx(0.0)
    assert cos_similarity(np.array([1.0, 1.0]), np.array([2.0, 2.0])) == pytest.approx(1.0)
    assert cos_similarity(np.zeros(2), np.ones(2)) == 0.0
    with pytest.raises(ValueError, match="shape"):
        cos_similarity(np.ones(2), np.ones(3))


def test_most_similar_excludes_query_and_sorts():
    result = most_similar("apple", W2I, I2W, W, top=3)
    assert result[0][0] == "pear" and "apple" not in [w for w, _ in result]
    scores = [s for _, s in result]
    assert scores == sorted(scores, reverse=True)


def test_most_similar_top_larger_than_vocab():
    assert len(most_similar("king", W2I, I2W, W, top=50)) == len(WORDS) - 1


def test_analogy_both_scorings():
    assert analogy("man", "king", "woman", W2I, I2W, W)[0][0] == "queen"
    assert analogy("king", "man", "queen", W2I, I2W, W, normalize=False)[0][0] == "woman"
    answers = [w for w, _ in analogy("king", "man", "queen", W2I, I2W, W, top=10)]
    assert not {"king", "man", "queen"} & set(answers)


def test_unknown_words_are_named():
    with pytest.raises(UnknownWordError, match="'quen'.*'queen'"):
        analogy("king", "man", "quen", W2I, I2W, W)
    with pytest.raises(UnknownWordError, match="'banana'"):
        most_similar("banana", W2I, I2W, W)


def test_bad_matrix_and_top():
    with pytest.raises(ValueError, match=r"\(V, H\)"):
        most_similar("king", W2I, I2W, W[0])
    with pytest.raises(ValueError, match="top"):
        most_similar("king", W2I, I2W, W, top=0)


# --- the analogy benchmark -------------------------------------------------

from w2vlib.evaluate import evaluate_analogies, load_analogy_questions  # noqa: E402


def test_google_questions_file_has_the_papers_counts():
    q = load_analogy_questions()
    assert len(q) == 14
    assert sum(len(v) for v in q.values()) == 19_544
    assert q["family"][0] == ("boy", "girl", "brother", "sister")


def test_planted_analogies_score_full_marks_and_misses_count():
    # king - man + woman lands on queen exactly; apple/pear questions have no good answer
    questions = {"family": [("man", "king", "woman", "queen"), ("woman", "queen", "man", "king")],
                 "gram8-plural": [("apple", "pear", "king", "apple"),   # answer is a question word
                                  ("apple", "pear", "man", "unknownword")]}  # not covered
    report = evaluate_analogies(W, W2I, questions)
    s = report.summary()
    assert s["semantic"]["top1"] == 1.0 and s["semantic"]["covered"] == 2
    assert s["syntactic"]["covered"] == 1 and s["syntactic"]["top5"] == 0.0
    assert s["total"]["questions"] == 4 and s["total"]["coverage"] == 0.75
    assert "semantic" in report.table() and "family" in report.table(by_section=True)


def test_top5_counts_an_answer_that_is_not_first():
    rng = np.random.default_rng(0)
    V = rng.standard_normal((30, 8)).astype(np.float32)
    words = {f"w{i}": i for i in range(30)}
    unit = V / np.linalg.norm(V, axis=1, keepdims=True)
    q = unit[1] - unit[0] + unit[2]
    scores = unit @ (q / np.linalg.norm(q))
    scores[[0, 1, 2]] = -np.inf
    second = int(np.argsort(-scores)[1])
    report = evaluate_analogies(V, words, {"family": [("w0", "w1", "w2", f"w{second}")]})
    s = report.summary()["total"]
    assert s["top1"] == 0.0 and s["top5"] == 1.0


@pytest.mark.needs_ptb
def test_ptb_coverage_matches_the_published_count():
    from w2vlib.datasets import load_ptb

    _, w2i, _ = load_ptb("train")
    s = evaluate_analogies(np.eye(len(w2i), 4, dtype=np.float32) + 1, w2i).summary()
    assert (s["semantic"]["covered"], s["syntactic"]["covered"]) == (958, 3_758)


# --- bad input fails clearly (issue 13) -------------------------------------

def test_a_negative_word_id_is_named_not_read_from_the_end():
    w2i = {**W2I, "pear": -1}
    with pytest.raises(ValueError, match=r"word_to_id\['pear'\] is -1.*numbered 0 to 5"):
        most_similar("apple", w2i, I2W, W)
    with pytest.raises(ValueError, match=r"word_to_id\['pear'\] is -1"):
        evaluate_analogies(W, w2i, {"family": [("man", "king", "woman", "pear")]})
    with pytest.raises(TypeError, match=r"word_to_id\['pear'\] is '5'.*ints"):
        most_similar("apple", {**W2I, "pear": "5"}, I2W, W)


def test_a_gap_in_id_to_word_is_named_not_a_bare_key_error():
    i2w = {i: w for i, w in I2W.items() if i != 3}
    with pytest.raises(ValueError, match=r"id_to_word has no word for row\(s\) \[3\].*word_to_id"):
        most_similar("king", W2I, i2w, W, top=10)
    with pytest.raises(ValueError, match=r"no word for row\(s\) \[3\]"):
        analogy("man", "king", "apple", W2I, i2w, W, top=len(W))      # "woman" may be an answer
    # a row that is never an answer needs no word: a question word here
    assert analogy("man", "king", "woman", W2I, i2w, W, top=2)


@pytest.mark.parametrize("bad,error", [(0, ValueError), (-5, ValueError), (2.5, TypeError)])
def test_evaluate_analogies_batch_size_must_be_positive(bad, error):
    with pytest.raises(error, match=rf"batch_size must be a positive int.*{bad}"):
        evaluate_analogies(W, W2I, {"family": [("man", "king", "woman", "queen")]}, batch_size=bad)


def test_a_nan_row_is_named_instead_of_returning_nothing():
    nan = W.copy()
    nan[1] = np.nan
    with pytest.raises(ValueError, match=r"1 row\(s\) holding NaN or inf: row 1 \('queen'\)"):
        most_similar("queen", W2I, I2W, nan)
    with pytest.raises(ValueError, match=r"row 1 \('queen'\)"):
        evaluate_analogies(nan, W2I, {"family": [("man", "king", "woman", "queen")]})


def test_id_to_word_may_be_a_list_as_before():
    """A list in row order is a valid id_to_word (it was before the gap check came in)."""
    as_list = [I2W[i] for i in range(len(I2W))]
    assert most_similar("king", W2I, as_list, W, top=3) == most_similar("king", W2I, I2W, W, top=3)
