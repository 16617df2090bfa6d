"""Word vectors in and out of the files real tools write: word2vec.c, gensim, fastText (issue 13).

The gensim and fastText tests write their files with the real packages, inside the test
(dev extra: ``gensim>=4.3``, ``fasttext-wheel>=0.9.2``).
"""

import struct

import numpy as np
import pytest

from w2vlib.evaluate import main
from w2vlib.io import VectorsFileError, load_vectors, save_vectors

WORDS = ["you", "say", "goodbye", "<eos>", "n't", "café"]


def real_tool(module: str):
    """Import a real word2vec tool (the dev extra installs them); skip without it, but under
    CI=true a missing tool fails, so CI never passes these tests by skipping them."""
    import importlib
    import os
    import sys

    try:
        return importlib.import_module(module)
    except ImportError:
        # the dev extra installs fasttext-wheel only where it has wheels (Python < 3.12)
        expected = not (module == "fasttext" and sys.version_info >= (3, 12))
        if expected and os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{module} is not installed, though the dev extra installs it")
        pytest.skip(f"{module} is not installed (pip install -e '.[dev]')")


@pytest.fixture
def vecs():
    return np.random.default_rng(0).standard_normal((len(WORDS), 4)).astype(np.float32)


@pytest.mark.parametrize("raw", [
    b"2 3\na .1 .2 .3 \nb .4 .5 .6 \n",              # word2vec.c / fastText / pWord2Vec: a trailing blank
    b"2 3\r\na .1 .2 .3\r\nb .4 .5 .6\r\n",           # CRLF
    b"2 3 \r\na .1 .2 .3 \r\nb .4 .5 .6 \r\n",        # CRLF and trailing blanks
    b"\xef\xbb\xbf2 3\na .1 .2 .3\nb .4 .5 .6\n",     # a BOM
    b"2\t3\na\t.1\t.2\t.3\nb .4\t.5  .6",             # tabs, double blanks, no final newline
], ids=["trailing-blank", "crlf", "crlf-blank", "bom", "tabs"])
def test_text_as_real_tools_write_it(tmp_path, raw, capsys):
    path = tmp_path / "t.vec"
    path.write_bytes(raw)
    wv = load_vectors(path)
    assert wv.word_to_id == {"a": 0, "b": 1}
    np.testing.assert_allclose(wv.word_vecs, [[.1, .2, .3], [.4, .5, .6]], rtol=1e-6)
    assert main([str(path), "--similarity", "none"]) == 0
    assert "2 words x 3 dimensions" in capsys.readouterr().out


def test_word2vec_c_binary_file(tmp_path, vecs):
    # word2vec.c -binary 1: "V H\n", then "word " + H float32 + "\n" per word
    path = tmp_path / "w2v.bin"
    body = b"".join(w.encode() + b" " + struct.pack(f"<{len(v)}f", *v) + b"\n"
                    for w, v in zip(WORDS, vecs, strict=True))
    path.write_bytes(f"{len(WORDS)} 4\n".encode() + body)
    wv = load_vectors(path)
    assert wv.id_to_word == dict(enumerate(WORDS))
    np.testing.assert_array_equal(wv.word_vecs, vecs)


@pytest.mark.parametrize("name,fmt", [("v.bin", None), ("v.vectors", "word2vec-binary")])
def test_binary_round_trip(tmp_path, vecs, name, fmt):
    path = save_vectors(tmp_path / name, vecs, WORDS, format=fmt)
    wv = load_vectors(path, format=fmt)
    np.testing.assert_array_equal(wv.word_vecs, vecs)
    assert wv.id_to_word == dict(enumerate(WORDS))
    assert [p.name for p in tmp_path.iterdir()] == [name]


def _keyed_vectors(vecs):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vecs.shape[1])
    kv.add_vectors(WORDS, vecs)
    return kv


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_reads_what_gensim_writes(tmp_path, vecs, binary):
    real_tool("gensim")
    path = tmp_path / ("g.bin" if binary else "g.txt")
    _keyed_vectors(vecs).save_word2vec_format(str(path), binary=binary)
    wv = load_vectors(path)
    assert wv.id_to_word == dict(enumerate(WORDS))
    np.testing.assert_allclose(wv.word_vecs, vecs, rtol=1e-6)


@pytest.mark.parametrize("binary", [False, True], ids=["text", "binary"])
def test_gensim_reads_what_we_write(tmp_path, vecs, binary):
    real_tool("gensim")
    from gensim.models import KeyedVectors

    path = save_vectors(tmp_path / ("v.bin" if binary else "v.txt"), vecs, WORDS)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert kv.index_to_key == WORDS
    np.testing.assert_allclose(kv.vectors, vecs, rtol=1e-5, atol=1e-6)


def _fasttext_model(tmp_path):
    fasttext = real_tool("fasttext")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("you say goodbye and i say hello .\n" * 50, encoding="utf-8")
    return fasttext.train_unsupervised(str(corpus), model="skipgram", dim=5, minCount=1,
                                       epoch=1, thread=1, verbose=0)


def test_reads_a_fasttext_vec_file(tmp_path):
    model = _fasttext_model(tmp_path)
    words = model.get_words()
    path = tmp_path / "model.vec"
    # as fastText's CLI (FastText::saveVectors) writes it: every number followed by a blank
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"{len(words)} {model.get_dimension()}\n")
        for w in words:
            f.write(w + " " + "".join(f"{x:.6g} " for x in model.get_word_vector(w)) + "\n")
    wv = load_vectors(path)
    assert list(wv.word_to_id) == words and "</s>" in wv.word_to_id
    np.testing.assert_allclose(wv.word_vecs[wv.word_to_id["say"]], model.get_word_vector("say"),
                               rtol=1e-5, atol=1e-6)


def test_a_fasttext_model_bin_is_named_not_misread(tmp_path):
    model = _fasttext_model(tmp_path)
    path = tmp_path / "model.bin"
    model.save_model(str(path))
    with pytest.raises(VectorsFileError, match=r"model\.bin.*fastText model.*\.vec"):
        load_vectors(path)
