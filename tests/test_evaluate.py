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
