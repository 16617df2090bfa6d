"""w2vlib.transfer: the shipped labelled texts, sentence vectors, bag-of-words, the split, the classifier."""

import numpy as np
import pytest

from w2vlib.transfer import (
    SoftmaxClassifier,
    bag_of_words,
    load_labelled_texts,
    sentence_vectors,
    split_by_class,
)


def test_the_shipped_set_has_four_balanced_topics_in_ptb_conventions():
    data = load_labelled_texts()
    assert data.classes == ["markets", "politics", "companies", "industry"]
    assert np.bincount(data.labels).tolist() == [64] * 4
    words = [w for t in data.texts for w in t]
    assert all((w == w.lower() or w == "N") and "," not in w and not any(ch.isdigit() for ch in w)
               for w in words)                                      # numbers are written N
    assert len({" ".join(t) for t in data.texts}) == len(data.texts)      # no duplicate sentence


def test_a_malformed_line_is_named(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("# comment\nmarkets\tstocks fell\npolitics the senate voted\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        load_labelled_texts(path)


def test_sentence_vectors_average_unit_vectors_and_skip_unknown_words():
    w2i = {"a": 0, "b": 1}
    W = np.array([[3.0, 0.0], [0.0, 2.0]])
    X = sentence_vectors([["a", "b", "zzz"], ["zzz"], ["a"]], w2i, W)
    assert np.allclose(X, [[0.5, 0.5], [0.0, 0.0], [1.0, 0.0]])
    raw = sentence_vectors([["a", "b"]], w2i, W, normalize=False)
    assert np.allclose(raw, [[1.5, 1.0]])
    with pytest.raises(ValueError, match="matrix"):
        sentence_vectors([["a"]], w2i, np.zeros(3))


def test_bag_of_words_counts_only_its_vocabulary():
    X = bag_of_words([["up", "up", "down"], ["new"]], ["down", "up"])
    assert X.tolist() == [[1, 2], [0, 0]]


def test_the_split_is_stratified_and_seeded():
    labels = np.repeat([0, 1, 2], 10)
    a = split_by_class(labels, test_share=0.3, seed=4)
    assert np.bincount(labels[a]).tolist() == [7, 7, 7]
    assert (a == split_by_class(labels, test_share=0.3, seed=4)).all()
    assert not (a == split_by_class(labels, test_share=0.3, seed=5)).all()
    with pytest.raises(ValueError, match="test_share"):
        split_by_class(labels, test_share=1.0)
    with pytest.raises(ValueError, match="too few"):
        split_by_class(np.array([0, 0, 1]), test_share=0.5)


def test_the_classifier_learns_separable_classes_and_refuses_bad_input():
    rng = np.random.default_rng(0)
    centres = np.array([[3, 0], [0, 3], [-3, -3]])
    y = np.repeat([0, 1, 2], 30)
    X = centres[y] + rng.standard_normal((90, 2))
    clf = SoftmaxClassifier(3).fit(X, y)
    assert clf.accuracy(X, y) > 0.95
    assert clf.predict(centres).tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match="fit"):
        SoftmaxClassifier(3).predict(X)
    with pytest.raises(ValueError, match="labels"):
        SoftmaxClassifier(2).fit(X, y)
    with pytest.raises(ValueError, match="at least 2"):
        SoftmaxClassifier(1)


def test_word2vec_features_beat_random_ones_on_held_out_sentences():
    from w2vlib.datasets import shipped_file
    from w2vlib.io import load_vectors

    wv = load_vectors(shipped_file("vectors", "ptb_cbow.npz"))
    data = load_labelled_texts()
    train = split_by_class(data.labels, seed=0)
    accs = []
    for W in (wv.word_vecs, np.random.default_rng(1).standard_normal(wv.word_vecs.shape)):
        X = sentence_vectors(data.texts, wv.word_to_id, W)
        clf = SoftmaxClassifier(4).fit(X[train], data.labels[train])
        accs.append(clf.accuracy(X[~train], data.labels[~train]))
    assert accs[0] > 0.85 and accs[0] > accs[1] + 0.25
