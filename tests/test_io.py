import numpy as np
import pytest

from w2vlib.io import load_vectors, save_vectors

WORDS = ["you", "say", "goodbye", "<eos>", "n't"]


@pytest.fixture
def vecs():
    return np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)


@pytest.mark.parametrize("name", ["v.npz", "v.txt", "v.vec"])
def test_round_trip(tmp_path, vecs, name):
    path = save_vectors(tmp_path / name, vecs, dict(enumerate(WORDS)), meta={"seed": 1})
    loaded = load_vectors(path)
    np.testing.assert_allclose(loaded.word_vecs, vecs, rtol=1e-5, atol=1e-6)
    assert loaded.id_to_word == dict(enumerate(WORDS))
    assert loaded.word_to_id["goodbye"] == 2
    if name.endswith(".npz"):
        assert loaded.meta == {"seed": 1}
    assert not list(tmp_path.glob("*.part"))


def test_float16_npz_is_smaller_and_close(tmp_path, vecs):
    big = save_vectors(tmp_path / "a.npz", np.tile(vecs, (200, 1)), [f"w{i}" for i in range(1000)])
    small = save_vectors(tmp_path / "b.npz", np.tile(vecs, (200, 1)), [f"w{i}" for i in range(1000)],
                         dtype=np.float16)
    assert small.stat().st_size < big.stat().st_size
    np.testing.assert_allclose(load_vectors(small).word_vecs[:5], vecs, atol=2e-3)


def test_npz_file_is_loaded_without_pickle(tmp_path, vecs):
    path = tmp_path / "evil.npz"
    np.savez(path, vectors=vecs, words=np.array([object()] * 5, dtype=object))
    with pytest.raises(ValueError, match="not a w2vlib vectors"):
        load_vectors(path)


def test_bad_inputs(tmp_path, vecs):
    with pytest.raises(ValueError, match="white space"):
        save_vectors(tmp_path / "v.txt", vecs, ["a b", "c", "d", "e", "f"])
    with pytest.raises(ValueError, match="5 vectors"):
        save_vectors(tmp_path / "v.npz", vecs, WORDS[:3])
    with pytest.raises(ValueError, match="suffix"):
        save_vectors(tmp_path / "v.pkl", vecs, WORDS)
    with pytest.raises(FileNotFoundError, match="no vectors file"):
        load_vectors(tmp_path / "missing.npz")


def test_truncated_text_file_is_detected(tmp_path, vecs):
    path = save_vectors(tmp_path / "v.txt", vecs, WORDS)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-2]) + "\n")
    with pytest.raises(ValueError, match="truncated"):
        load_vectors(path)
    path.write_text("hello world\n")
    with pytest.raises(ValueError, match="first line"):
        load_vectors(path)
