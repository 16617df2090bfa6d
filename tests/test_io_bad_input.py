"""Bad vectors files fail clearly and nothing is allocated, overwritten or unpickled (issue 13)."""

import os
import tracemalloc
import zipfile

import numpy as np
import pytest

from w2vlib.evaluate import main
from w2vlib.io import VectorsFileError, load_vectors, save_vectors

WORDS = ["you", "say", "goodbye", "<eos>", "n't"]


@pytest.fixture
def vecs():
    return np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


def write(path, raw: bytes):
    path.write_bytes(raw)
    return path


def cli_error(path, capsys) -> str:
    assert main([str(path), "--similarity", "none"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot read vectors:") and "Traceback" not in err
    return err


# --- NaN and inf -----------------------------------------------------------

@pytest.mark.parametrize("name", ["v.npz", "v.txt", "v.bin"])
def test_save_refuses_nan_and_inf_naming_the_words(tmp_path, vecs, name):
    vecs[1, 0], vecs[3, 2] = np.nan, np.inf
    with pytest.raises(ValueError, match=r"2 word\(s\).*'say' \(row 1\), '<eos>' \(row 3\)"):
        save_vectors(tmp_path / name, vecs, WORDS)
    assert list(tmp_path.iterdir()) == []          # nothing written, no temp file left


def test_save_refuses_numbers_that_overflow_what_is_stored(tmp_path, vecs):
    big = vecs.astype(np.float64)
    big[2, 1] = 1e39                                  # inf once loaded as float32
    with pytest.raises(ValueError, match=r"'goodbye' \(row 2\)"):
        save_vectors(tmp_path / "v.txt", big, WORDS)
    vecs[4, 0] = 1e5                                  # inf in float16
    with pytest.raises(ValueError, match=r"\"n't\" \(row 4\)"):
        save_vectors(tmp_path / "v.npz", vecs, WORDS, dtype=np.float16)
    assert list(tmp_path.iterdir()) == []


def test_load_refuses_nan_inf_and_overflow_naming_words_and_lines(tmp_path, capsys):
    path = write(tmp_path / "t.txt", b"4 2\na 1 2\nb nan 0\nc 0 1e39\nd -inf 1\n")
    with pytest.raises(VectorsFileError, match=r"t\.txt.*3 word\(s\).*'b' \(line 3\), "
                                               r"'c' \(line 4\), 'd' \(line 5\)"):
        load_vectors(path)
    assert "'b' (line 3)" in cli_error(path, capsys)


def test_an_all_nan_npz_is_rejected_not_scored_zero(tmp_path, capsys):
    path = tmp_path / "allnan.npz"
    np.savez(path, vectors=np.full((3, 2), np.nan, np.float32), words=np.array(["a", "b", "c"]))
    with pytest.raises(VectorsFileError, match=r"allnan\.npz.*'a' \(row 0\), 'b' \(row 1\)"):
        load_vectors(path)
    assert "NaN" in cli_error(path, capsys)


# --- duplicate words ---------------------------------------------------------

def test_duplicate_words_in_a_text_file_name_the_word_and_lines(tmp_path):
    path = write(tmp_path / "d.txt", b"3 2\na 1 2\nb 3 4\na 5 6\n")
    with pytest.raises(VectorsFileError, match=r"d\.txt.*'a' appears 2 times \(line 2, line 4\)"):
        load_vectors(path)


def test_duplicate_words_in_npz_and_binary_files(tmp_path, vecs):
    path = tmp_path / "d.npz"
    np.savez(path, vectors=vecs[:3], words=np.array(["a", "b", "a"]))
    with pytest.raises(VectorsFileError, match=r"'a' appears 2 times \(row 0, row 2\)"):
        load_vectors(path)
    raw = b"".join(w + b" " + v.astype("<f4").tobytes() for w, v in zip([b"x", b"x"], vecs[:2], strict=True))
    with pytest.raises(VectorsFileError, match=r"'x' appears 2 times \(entry 1, entry 2\)"):
        load_vectors(write(tmp_path / "d.bin", b"2 4\n" + raw))


# --- sizes checked before allocating -------------------------------------------

def test_a_huge_text_header_is_refused_before_allocating(tmp_path, capsys):
    path = write(tmp_path / "h.txt", b"100000000 1000\na 1 2\n")
    with pytest.raises(VectorsFileError, match=r"h\.txt.*announces 100,000,000 words of 1,000 "
                                               r"numbers.*has 6 after the header"):
        load_vectors(path)
    assert "is the header right" in cli_error(path, capsys)
    with pytest.raises(VectorsFileError, match="announces 100,000,000 words"):
        load_vectors(write(tmp_path / "h.bin", b"100000000 1000\na \x00\x00\x00\x00"))


def _zip_bomb(path, rows=20_000, dim=1000):
    """A .npz of zeros: ~80 KB on disk, 80 MB unpacked; written without holding it in memory."""
    header = {"descr": "<f4", "fortran_order": False, "shape": (rows, dim)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("vectors.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array_header_1_0(f, header)
            chunk = bytes(4 * dim * 1000)
            for _ in range(rows // 1000):
                f.write(chunk)
        with zf.open("words.npy", "w") as f:
            np.lib.format.write_array(f, np.array([f"w{i}" for i in range(rows)]))


def test_an_npz_zip_bomb_is_refused_without_unpacking(tmp_path):
    path = tmp_path / "bomb.npz"
    _zip_bomb(path)
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(VectorsFileError, match=r"bomb\.npz.*would unpack to 80,\d{3},\d{3} "
                                                   r"bytes.*zip bomb"):
            load_vectors(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


# --- no raw tracebacks -----------------------------------------------------------

def test_an_empty_npz_is_a_clear_error(tmp_path, capsys):
    path = write(tmp_path / "empty.npz", b"")
    with pytest.raises(VectorsFileError, match=r"empty\.npz.*not a zip archive"):
        load_vectors(path)
    assert "not a zip archive" in cli_error(path, capsys)


def test_random_bytes_npz_never_suggests_loading_unsafely(tmp_path, capsys):
    path = write(tmp_path / "junk.npz", np.random.default_rng(0).bytes(1000))
    with pytest.raises(VectorsFileError, match=r"junk\.npz.*not a zip archive") as info:
        load_vectors(path)
    assert "pickle" not in str(info.value)
    assert "pickle" not in cli_error(path, capsys)


def test_a_non_ascii_digit_header_names_the_file_and_line(tmp_path):
    path = write(tmp_path / "sq.txt", "2² 3\na 1 2 3\nb 4 5 6\n".encode())
    with pytest.raises(VectorsFileError, match=r"sq\.txt' line 1: the first line must be 'V H'.*'2² 3'"):
        load_vectors(path)


def test_non_utf8_words_name_the_file_and_line(tmp_path):
    path = write(tmp_path / "latin1.txt", b"2 2\na 1 2\ncaf\xe9 3 4\n")
    with pytest.raises(VectorsFileError, match=r"latin1\.txt' line 3: the word b'caf\\xe9' is not "
                                               r"UTF-8.*\.bin.*unicode_errors='replace'"):
        load_vectors(path)
    assert load_vectors(path, unicode_errors="replace").id_to_word[1] == "caf\ufffd"


@pytest.mark.parametrize("raw,match", [
    (b"2 3\na 1 2 x\nb 1 2 3\n", r"line 2: field 4, 'x', is not a number"),
    (b"2 3\na 1 2 3\n\nb 1 2 3\n", r"line 3: expected a word and 3 numbers, got an empty line"),
    (b"1 3\na 1 2 3\nb 1 2 3\n", r"line 3: more than the 1 words"),
    (b"0 3\n", r"line 1: the header '0 3' announces no vectors"),
])
def test_bad_text_lines_are_named(tmp_path, raw, match):
    with pytest.raises(VectorsFileError, match=match):
        load_vectors(write(tmp_path / "bad.txt", raw))


def test_a_truncated_binary_file_is_named(tmp_path, vecs):
    path = save_vectors(tmp_path / "v.bin", vecs, WORDS)
    write(path, path.read_bytes()[:-10])
    with pytest.raises(VectorsFileError, match=r"v\.bin' entry 5 .*ends there.*announces 5 words"):
        load_vectors(path)


# --- nothing overwritten ---------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_save_never_writes_through_a_symlink_at_the_temp_name(tmp_path, vecs):
    precious = tmp_path / "homework.ipynb"
    precious.write_text("my answers")
    try:
        (tmp_path / "out.npz.part").symlink_to(precious)
    except OSError:
        pytest.skip("symlinks not allowed here")
    save_vectors(tmp_path / "out.npz", vecs, WORDS)
    assert precious.read_text() == "my answers"
    assert (tmp_path / "out.npz.part").is_symlink()
    np.testing.assert_array_equal(load_vectors(tmp_path / "out.npz").word_vecs, vecs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["homework.ipynb", "out.npz", "out.npz.part"]


def test_text_and_binary_files_with_the_wrong_suffix_are_named(tmp_path, vecs):
    text = save_vectors(tmp_path / "v.txt", vecs, WORDS)
    with pytest.raises(VectorsFileError, match=r"v\.bin' line 2 looks like word2vec text.*\.txt"):
        load_vectors(text.rename(tmp_path / "v.bin"))
    binary = save_vectors(tmp_path / "w.bin", vecs, WORDS)
    with pytest.raises(VectorsFileError, match=r"w\.txt' line 2.*a binary word2vec file\? name it "
                                               r"\.bin"):
        load_vectors(binary.rename(tmp_path / "w.txt"))
