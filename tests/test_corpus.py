import numpy as np
import pytest

from w2vlib.corpus import (
    UnknownWordError,
    close_matches,
    convert_one_hot,
    create_contexts_target,
    foreign_word_note,
    preprocess,
    word_id,
)

TEXT = "You say goodbye and I say hello."


def test_preprocess_gives_ids_by_first_appearance():
    corpus, w2i, i2w = preprocess(TEXT)
    assert corpus.tolist() == [0, 1, 2, 3, 4, 1, 5, 6]
    assert [i2w[i] for i in range(7)] == ["you", "say", "goodbye", "and", "i", "hello", "."]
    assert all(i2w[w2i[w]] == w for w in w2i)


def test_preprocess_rejects_empty_text():
    with pytest.raises(ValueError, match="no words"):
        preprocess("  ... ".replace(".", " "))


def test_contexts_target_for_window_1_and_2():
    corpus, _, _ = preprocess(TEXT)
    contexts, target = create_contexts_target(corpus, window_size=1)
    assert contexts.shape == (6, 2) and target.tolist() == [1, 2, 3, 4, 1, 5]
    assert contexts[0].tolist() == [0, 2]  # you _ goodbye -> say
    contexts, target = create_contexts_target(corpus, window_size=2)
    assert contexts.shape == (4, 4)
    assert contexts[0].tolist() == [0, 1, 3, 4] and target[0] == 2


@pytest.mark.parametrize("bad, err", [(np.array([0.0, 1.0, 2.0]), TypeError),
                                      (np.zeros((2, 3), dtype=int), TypeError)])
def test_contexts_target_rejects_bad_corpus(bad, err):
    with pytest.raises(err, match="1-D array of integer"):
        create_contexts_target(bad)


def test_contexts_target_rejects_too_short_corpus():
    with pytest.raises(ValueError, match="has no target"):
        create_contexts_target(np.array([0, 1]), window_size=1)


def test_one_hot_any_shape():
    oh = convert_one_hot(np.array([[0, 2], [1, 1]]), 3)
    assert oh.shape == (2, 2, 3)
    assert oh.argmax(-1).tolist() == [[0, 2], [1, 1]] and oh.sum() == 4


def test_one_hot_rejects_out_of_range_ids():
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        convert_one_hot(np.array([0, 3]), 3)


def test_unknown_word_error_names_the_word_and_close_matches():
    _, w2i, _ = preprocess(TEXT)
    with pytest.raises(UnknownWordError) as info:
        word_id("goodby", w2i)
    assert "'goodby'" in str(info.value) and "'goodbye'" in str(info.value)
    assert isinstance(info.value, KeyError)
    with pytest.raises(UnknownWordError, match="'you'"):
        word_id("You", w2i)  # mixed case: suggest the lower-case word
    with pytest.raises(TypeError, match="must be a str"):
        word_id(3, w2i)


# ---------------------------------------------------------------------------
# close matches for an unknown word (issue 14 item 11): few, right, or none
# ---------------------------------------------------------------------------

NOISY = ["root", "foot", "ring", "wings", "using", "thing", "king", "toyota", "total", "tokyo",
         "president", "presidents", "resident", "residents", "presidential", "present",
         "company", "comply", "copy", "apple", "apples", "applies", "applied", "apply"]


@pytest.mark.parametrize("word, want", [
    ("King", ["king"]),                 # the same word in lower case, and nothing else
    ("Toyota", ["toyota"]),
    ("TOYOTA", ["toyota"]),
    ("toyta", ["toyota"]),              # not 'total': far below the best match
    ("compny", ["company"]),            # not 'comply' or 'copy'
    ("presidnt", ["president", "presidents"]),   # a common prefix first; 'resident' dropped
    ("zzzzzz", []),
    ("gooogle", []),                    # nothing rather than noise ('golden', 'cooled')
])
def test_close_matches_are_few_and_right(word, want):
    assert close_matches(word, NOISY) == want
    assert close_matches(word, set(NOISY)) == want
    assert close_matches(word, {w: i for i, w in enumerate(NOISY)}) == want


def test_close_matches_without_the_word_are_not_noise():
    vocab = [w for w in NOISY if w not in ("king", "toyota")]
    assert close_matches("Toyota", vocab) == []           # was: root, foot
    assert close_matches("King", vocab) == []             # was: ring, wings, using, thing


def test_close_matches_at_most_three_with_a_common_prefix():
    vocab = ["apple", "apples", "applet", "applex", "appley", "ample"]
    got = close_matches("appl", vocab)
    assert 1 <= len(got) <= 3 and all(w.startswith("appl") for w in got)
    assert close_matches("appl", vocab, n=1) == got[:1]


@pytest.mark.parametrize("word, english", [("왕", "'king'"), ("회사", "'company'"),
                                           ("king왕", "'king'")])
def test_a_korean_word_is_told_the_vocabulary_is_english(word, english):
    w2i = {w: i for i, w in enumerate(NOISY + ["stock"])}
    with pytest.raises(UnknownWordError) as info:
        word_id(word, w2i)
    e = info.value
    assert e.suggestions == [] and "English only" in e.note and "Penn Treebank" in e.note
    assert english in str(e) and "close matches" not in str(e)
    assert foreign_word_note("사과", w2i).endswith("e.g. 'king', 'company', 'stock'")


def test_other_scripts_and_english_words():
    assert "English only" in foreign_word_note("Москва") and foreign_word_note("naïve") == ""
    assert close_matches("Москва", NOISY) == [] and foreign_word_note("king") == ""
    with pytest.raises(UnknownWordError) as info:
        word_id("東京", {"tokyo": 0})
    assert "type an English word" in str(info.value)
