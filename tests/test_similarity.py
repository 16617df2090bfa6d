"""Word-similarity evaluation (Spearman without scipy) and the ``python -m w2vlib.evaluate`` CLI."""

import subprocess
import sys

import numpy as np
import pytest

import w2vlib.evaluate as ev
import w2vlib.similarity as sim
from w2vlib.io import save_vectors
from w2vlib.similarity import evaluate_similarity, find_similarity_file, load_word_pairs, rankdata, spearman

# --- ranks and Spearman ------------------------------------------------------


def test_rankdata_averages_ties():
    assert rankdata([10, 20, 20, 5]).tolist() == [2.0, 3.5, 3.5, 1.0]
    assert rankdata([7, 7, 7]).tolist() == [2.0, 2.0, 2.0]
    assert rankdata([3.0, 1.0, 2.0]).tolist() == [3.0, 1.0, 2.0]


def test_spearman_hand_example_with_a_tie():
    # ranks x = [1, 2.5, 2.5, 4], ranks y = [1, 3, 2, 4]; centred: [-1.5, 0, 0, 1.5] and
    # [-1.5, .5, -.5, 1.5]; rho = 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(3 / np.sqrt(10), abs=1e-12)


def test_spearman_matches_the_textbook_formula_without_ties():
    rng = np.random.default_rng(0)
    x, y = rng.permutation(20), rng.permutation(20)
    d = (rankdata(x) - rankdata(y))
    n = len(x)
    assert spearman(x, y) == pytest.approx(1 - 6 * np.sum(d ** 2) / (n * (n ** 2 - 1)))


def test_spearman_only_cares_about_order():
    x = np.array([0.1, 0.5, 0.2, 0.9])
    assert spearman(x, x ** 3 + 7) == pytest.approx(1.0)
    assert spearman(x, -x) == pytest.approx(-1.0)
    assert np.isnan(spearman([1, 2, 3], [5, 5, 5]))


def test_spearman_bad_input():
    with pytest.raises(ValueError, match="one length"):
        spearman([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 2"):
        spearman([1], [1])


# --- word pairs ----------------------------------------------------------------

WORDS = ["cat", "dog", "car", "truck", "apple"]
W2I = {w: i for i, w in enumerate(WORDS)}
# cat~dog and car~truck close, apple apart
VECS = np.array([[1, 0.1, 0], [1, 0.2, 0], [0, 1, 0.1], [0.1, 1, 0.2], [0, 0, 1]], dtype=np.float32)


def test_load_word_pairs_reads_comments_headers_and_separators(tmp_path):
    f = tmp_path / "pairs.tsv"
    f.write_text("# a comment\nWord 1\tWord 2\tHuman (mean)\nCat\tdog\t9.0\ncar\ttruck\t8\n\n")
    assert load_word_pairs(f) == [("cat", "dog", 9.0), ("car", "truck", 8.0)]
    assert load_word_pairs(f, lowercase=False)[0] == ("Cat", "dog", 9.0)
    g = tmp_path / "pairs.csv"
    g.write_text("Word 1,Word 2,Human (mean)\ncat,apple,1.5,extra\n")
    assert load_word_pairs(g) == [("cat", "apple", 1.5)]


def test_load_word_pairs_errors_name_the_line(tmp_path):
    with pytest.raises(FileNotFoundError, match="no word-pair file"):
        load_word_pairs(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("cat\tdog\t9\ncar\ttruck\tlots\n")
    with pytest.raises(ValueError, match="line 2.*'lots'"):
        load_word_pairs(bad)
    short = tmp_path / "short.tsv"
    short.write_text("cat dog\n")
    with pytest.raises(ValueError, match="line 1"):
        load_word_pairs(short)
    empty = tmp_path / "empty.tsv"
    empty.write_text("# nothing\n")
    with pytest.raises(ValueError, match="no word pairs"):
        load_word_pairs(empty)


def test_evaluate_similarity_counts_skipped_pairs():
    pairs = [("cat", "dog", 9.0), ("car", "truck", 8.5), ("cat", "car", 2.0),
             ("dog", "apple", 0.5), ("cat", "zebra", 7.0), ("unicorn", "car", 1.0)]
    r = evaluate_similarity(VECS, W2I, pairs, name="toy")
    assert (r.used, r.total) == (4, 6)
    assert r.unknown == ["unicorn", "zebra"]
    assert r.spearman == pytest.approx(1.0)   # the vectors order the four pairs like the humans
    assert "Spearman 1.000 on 4 of 6 pairs (2 skipped" in str(r)
    lonely = evaluate_similarity(VECS, W2I, [("cat", "dog", 1.0), ("x", "y", 2.0)])
    assert lonely.used == 1 and np.isnan(lonely.spearman) and "n/a" in str(lonely)


def test_find_similarity_file_prefers_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("W2VLIB_DATA", str(tmp_path))
    monkeypatch.setattr(sim, "_gensim_test_data", lambda: None)
    assert find_similarity_file("wordsim353") is None
    (tmp_path / "similarity").mkdir()
    (tmp_path / "similarity" / "wordsim353.tsv").write_text("cat\tdog\t9\n")
    assert find_similarity_file("wordsim353") == tmp_path / "similarity" / "wordsim353.tsv"
    with pytest.raises(ValueError, match="unknown similarity set"):
        find_similarity_file("men")


# --- the command line -------------------------------------------------------------


@pytest.fixture
def vec_file(tmp_path):
    return save_vectors(tmp_path / "toy.npz", VECS, WORDS, meta={"note": "toy"})


def test_cli_prints_analogies_neighbours_and_similarity(vec_file, tmp_path, capsys):
    pairs = tmp_path / "toy_pairs.tsv"
    pairs.write_text("cat\tdog\t9\ncar\ttruck\t8\ncat\tcar\t2\ndog\tapple\t1\ncat\tzebra\t5\n")
    code = ev.main([str(vec_file), "--words", "cat", "Dog", "--top", "2", "--similarity", str(pairs)])
    out = capsys.readouterr().out
    assert code == 0
    assert "5 words x 3 dimensions" in out
    assert "capital-common-countries" in out and "semantic" in out and "total" in out
    assert "cat: dog" in out
    assert "'Dog' is not in the vocabulary; close matches: 'dog'" in out
    assert "Spearman 1.000 on 4 of 5 pairs (1 skipped" in out


def test_cli_reports_a_missing_similarity_set_as_skipped(vec_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("W2VLIB_DATA", str(tmp_path))
    monkeypatch.setattr(sim, "_gensim_test_data", lambda: None)
    assert ev.main([str(vec_file), "--words", "cat"]) == 0
    out = capsys.readouterr().out
    assert "similarity: skipped (no wordsim353.tsv found" in out and "pip install gensim" in out
    assert ev.main([str(vec_file), "--similarity", "none", "--raw"]) == 0
    out = capsys.readouterr().out
    assert "similarity: skipped (--similarity none)" in out and "book's" in out


def test_cli_errors_are_one_line_without_traceback(tmp_path, vec_file, capsys):
    assert ev.main([str(tmp_path / "missing.npz")]) == 2
    assert "error: cannot read vectors: no vectors file at" in capsys.readouterr().err
    bad = tmp_path / "bad.vec"
    bad.write_text("not a header\n")
    assert ev.main([str(bad)]) == 2
    assert "first line must be 'V H'" in capsys.readouterr().err
    assert ev.main([str(vec_file), "--similarity", str(tmp_path / "nope.tsv")]) == 2
    assert "no similarity file at" in capsys.readouterr().err
    broken = tmp_path / "broken.tsv"
    broken.write_text("cat\tdog\n")
    assert ev.main([str(vec_file), "--similarity", str(broken)]) == 2
    assert "cannot read similarity pairs" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        ev.main([str(vec_file), "--top", "0"])


def test_cli_as_a_module_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "w2vlib.evaluate", str(tmp_path / "none.npz")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "no vectors file" in proc.stderr


# --- bad input fails clearly (issue 13) ---------------------------------------------


def test_non_utf8_pair_and_question_files_name_the_line(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_bytes(b"cat\tdog\t9\ncaf\xe9\tdog\t3\n")
    with pytest.raises(ValueError, match=r"pairs\.tsv' line 2: b'\\xe9\\tdo' is not UTF-8"):
        load_word_pairs(pairs)
    questions = tmp_path / "q.txt"
    questions.write_bytes(b": family\nboy girl brother sister\n\xff a b c\n")
    with pytest.raises(ValueError, match=r"q\.txt' line 3: .*is not UTF-8"):
        ev.load_analogy_questions(questions)


def test_a_nan_score_is_named(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("cat\tdog\t9\ncar\ttruck\tnan\n")
    with pytest.raises(ValueError, match=r"line 2: the score 'nan' is not a finite number"):
        load_word_pairs(pairs)


def test_cli_out_of_memory_is_one_line(vec_file, monkeypatch, capsys):
    import w2vlib.io

    def too_big(path):
        raise MemoryError

    monkeypatch.setattr(w2vlib.io, "load_vectors", too_big)
    assert ev.main([str(vec_file), "--similarity", "none"]) == 2
    assert "error: cannot read vectors:" in capsys.readouterr().err
