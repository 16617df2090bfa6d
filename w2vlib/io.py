"""Saving and loading word vectors, without pickle.

Two formats:

* ``.npz`` (numpy's zip of arrays): ``vectors`` (V, H), ``words`` (V,) as a
  fixed-width unicode array, and an optional ``meta`` JSON string recording how
  the vectors were made.  Loaded with ``allow_pickle=False``.
* word2vec text format (``.txt`` / ``.vec``): a header line ``V H``, then one
  line per word, ``word v1 v2 ... vH``, readable by gensim's
  ``KeyedVectors.load_word2vec_format`` and most other tools.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

__all__ = ["WordVectors", "save_vectors", "load_vectors"]

_TEXT_SUFFIXES = (".txt", ".vec")


class WordVectors(NamedTuple):
    """What :func:`load_vectors` returns: the matrix, both vocabulary dicts, metadata."""

    word_vecs: np.ndarray
    word_to_id: dict[str, int]
    id_to_word: dict[int, str]
    meta: dict[str, Any]


def _words_list(words: Mapping[int, str] | Sequence[str], n: int) -> list[str]:
    if isinstance(words, Mapping):
        missing = [i for i in range(n) if i not in words]
        if missing:
            raise ValueError(f"id_to_word has no word for ids {missing[:5]} (vectors have {n} rows)")
        words = [words[i] for i in range(n)]
    words = list(words)
    if len(words) != n:
        raise ValueError(f"{len(words)} words for {n} vectors: they must match one to one")
    for w in words:
        if not isinstance(w, str) or not w or any(ch.isspace() for ch in w):
            raise ValueError(f"word {w!r} cannot be saved: words must be non-empty strings "
                             f"without white space")
    if len(set(words)) != n:
        raise ValueError("the word list has duplicates")
    return words


def _format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("npz", "word2vec"):
            raise ValueError(f"format must be 'npz' or 'word2vec', got {fmt!r}")
        return fmt
    if path.suffix == ".npz":
        return "npz"
    if path.suffix in _TEXT_SUFFIXES:
        return "word2vec"
    raise ValueError(f"cannot tell the format of {str(path)!r} from its suffix: use .npz, "
                     f".txt or .vec, or pass format='npz' / 'word2vec'")


def save_vectors(path: str | os.PathLike, word_vecs: np.ndarray,
                 words: Mapping[int, str] | Sequence[str], meta: Mapping[str, Any] | None = None,
                 format: str | None = None, dtype: np.dtype | type | None = None) -> Path:
    """Write ``word_vecs: (V, H)`` and their words to ``path``.

    ``words`` is ``id_to_word`` or a list in row order.  ``meta`` (JSON-able:
    the command, seed and settings that made the vectors) is stored in ``.npz``
    files.  ``dtype`` (e.g. ``np.float16``) shrinks an ``.npz`` file.  The file
    is written to a temporary name first, so a failed save leaves no half file.
    """
    path = Path(path)
    word_vecs = np.asarray(word_vecs)
    if word_vecs.ndim != 2 or not np.issubdtype(word_vecs.dtype, np.floating):
        raise ValueError(f"word_vecs must be a float array of shape (V, H), got "
                         f"{word_vecs.shape} {word_vecs.dtype}")
    words = _words_list(words, word_vecs.shape[0])
    fmt = _format(path, format)
    meta_json = json.dumps(dict(meta or {}), sort_keys=True)
    tmp = path.with_name(path.name + ".part")
    try:
        if fmt == "npz":
            with open(tmp, "wb") as f:
                np.savez_compressed(f, vectors=word_vecs.astype(dtype or word_vecs.dtype),
                                    words=np.array(words, dtype=str), meta=np.array(meta_json))
        else:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(f"{word_vecs.shape[0]} {word_vecs.shape[1]}\n")
                for w, v in zip(words, word_vecs, strict=True):
                    f.write(w + " " + " ".join(f"{x:.6g}" for x in v.tolist()) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _vocab(words: Sequence[str]) -> tuple[dict[str, int], dict[int, str]]:
    return {w: i for i, w in enumerate(words)}, dict(enumerate(words))


def load_vectors(path: str | os.PathLike, format: str | None = None) -> WordVectors:
    """Read vectors written by :func:`save_vectors` (or any word2vec text file).

    Returns ``WordVectors(word_vecs, word_to_id, id_to_word, meta)``; ``word_vecs``
    is float32.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no vectors file at {str(path)!r}")
    fmt = _format(path, format)
    if fmt == "npz":
        try:
            with np.load(path, allow_pickle=False) as z:
                vecs = z["vectors"].astype(np.float32)
                words = [str(w) for w in z["words"]]
                meta = json.loads(str(z["meta"])) if "meta" in z.files else {}
        except (KeyError, ValueError, OSError) as e:
            raise ValueError(f"{str(path)!r} is not a w2vlib vectors .npz file "
                             f"(needs arrays 'vectors' and 'words'): {e}") from e
        if vecs.ndim != 2 or len(words) != vecs.shape[0]:
            raise ValueError(f"{str(path)!r}: {len(words)} words for vectors of shape {vecs.shape}")
        return WordVectors(vecs, *_vocab(words), meta)

    with open(path, encoding="utf-8") as f:
        header = f.readline().split()
        if len(header) != 2 or not all(h.isdigit() for h in header):
            raise ValueError(f"{str(path)!r}: the first line must be 'V H' (word count, "
                             f"dimension), got {' '.join(header)!r}")
        n, dim = int(header[0]), int(header[1])
        vecs = np.empty((n, dim), dtype=np.float32)
        words = []
        for lineno, line in enumerate(f, start=2):
            parts = line.rstrip("\n").split(" ")
            if len(words) == n:
                if line.strip():
                    raise ValueError(f"{str(path)!r}: more than the {n} words the header announces")
                continue
            if len(parts) != dim + 1:
                raise ValueError(f"{str(path)!r} line {lineno}: expected a word and {dim} "
                                 f"numbers, got {len(parts)} fields")
            vecs[len(words)] = np.array(parts[1:], dtype=np.float32)
            words.append(parts[0])
    if len(words) != n:
        raise ValueError(f"{str(path)!r}: the header announces {n} words but the file has "
                         f"{len(words)} (truncated?)")
    return WordVectors(vecs, *_vocab(words), {})
