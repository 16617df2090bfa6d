"""Saving and loading word vectors, without pickle.

Three formats:

* ``.npz`` (numpy's zip of arrays): ``vectors`` (V, H), ``words`` (V,) as a
  fixed-width unicode array, and an optional ``meta`` JSON string recording how
  the vectors were made.  Loaded with ``allow_pickle=False``, after the sizes
  its arrays declare were checked (no zip bomb is unpacked).
* word2vec text format (``.txt`` / ``.vec``): a header line ``V H``, then one
  line per word, ``word v1 v2 ... vH``, readable by gensim's
  ``KeyedVectors.load_word2vec_format`` and most other tools; files written by
  word2vec.c, fastText (``.vec``) and gensim are read as they are.
* word2vec binary format (``.bin``): word2vec.c's ``-binary 1`` and gensim's
  ``binary=True``.  See :mod:`w2vlib.word2vec_format`.

A file that cannot be read raises :class:`VectorsFileError` (a ``ValueError``)
naming the file and, where there is one, the line and the word.
"""

from __future__ import annotations

import json
import os
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from . import word2vec_format as w2v
from .i18n import _
from .word2vec_format import VectorsFileError

__all__ = ["WordVectors", "save_vectors", "load_vectors", "VectorsFileError"]

_TEXT_SUFFIXES = (".txt", ".vec")
_FORMATS = ("npz", "word2vec", "word2vec-binary")
#: An ``.npz`` may unpack to at most this many times its size (float vectors
#: hardly compress; a zip bomb unpacks ~1000 times) ...
MAX_NPZ_EXPANSION = 200
#: ... unless what it unpacks to is this small anyway.
NPZ_SMALL_BYTES = 64 * 2**20


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
            raise ValueError(_("id_to_word has no word for ids {missing} (vectors have {n} rows)").format(
                                 missing=missing[:5], n=n))
        words = [words[i] for i in range(n)]
    words = list(words)
    if len(words) != n:
        raise ValueError(_("{n_words} words for {n} vectors: they must match one to one").format(
                             n_words=len(words), n=n))
    for w in words:
        if not isinstance(w, str) or not w or any(ch in w2v.SEPARATORS for ch in w):
            raise ValueError(_("word {w!r} cannot be saved: words must be non-empty strings "
                               "without white space").format(w=w))
    if len(set(words)) != n:
        w2v.check_unique_words(words, _("the word list has duplicates"), lambda r: _("row {r}").format(r=r))
    return words


def file_format(path: Path, fmt: str | None = None) -> str:
    """The format of ``path``: ``fmt`` checked, or read from the suffix (.npz, .txt/.vec, .bin)."""
    if fmt is not None:
        if fmt not in _FORMATS:
            raise ValueError(_("format must be 'npz', 'word2vec' or 'word2vec-binary', got {fmt!r}").format(
                                 fmt=fmt))
        return fmt
    if path.suffix == ".npz":
        return "npz"
    if path.suffix in _TEXT_SUFFIXES:
        return "word2vec"
    if path.suffix == ".bin":
        return "word2vec-binary"
    raise ValueError(_("cannot tell the format of {path!r} from its suffix: use .npz, "
                       ".txt, .vec or .bin, or pass format='npz' / 'word2vec' / 'word2vec-binary'").format(
                         path=str(path)))


def exclusive_temp(path: Path) -> tuple[int, Path]:
    """A new file beside ``path`` with a random name, created exclusively (never a symlink's target)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def save_vectors(path: str | os.PathLike, word_vecs: np.ndarray,
                 words: Mapping[int, str] | Sequence[str], meta: Mapping[str, Any] | None = None,
                 format: str | None = None, dtype: np.dtype | type | None = None) -> Path:
    """Write ``word_vecs: (V, H)`` and their words to ``path``.

    ``words`` is ``id_to_word`` or a list in row order.  ``meta`` (JSON-able:
    the command, seed and settings that made the vectors) is stored in ``.npz``
    files.  ``dtype`` (e.g. ``np.float16``) shrinks an ``.npz`` file.  ``.bin``
    (or ``format='word2vec-binary'``) writes word2vec's binary format.  The file
    is written to a new temporary name first, so a failed save leaves no half file.
    Vectors holding NaN or inf are refused (the error names their words).
    """
    path = Path(path)
    word_vecs = np.asarray(word_vecs)
    if word_vecs.ndim != 2 or not np.issubdtype(word_vecs.dtype, np.floating):
        raise ValueError(_("word_vecs must be a float array of shape (V, H), got "
                           "{word_vecs_shape} {dtype}").format(
                             word_vecs_shape=word_vecs.shape, dtype=word_vecs.dtype))
    words = _words_list(words, word_vecs.shape[0])
    fmt = file_format(path, format)
    meta_json = json.dumps(dict(meta or {}), sort_keys=True)
    with np.errstate(over="ignore"):
        stored = word_vecs.astype(dtype or word_vecs.dtype) if fmt == "npz" else word_vecs
    w2v.check_finite_rows(stored, words, _("cannot save {path!r} (nothing was written)").format(
                              path=str(path)),
                          lambda r: _("row {r}").format(r=r))
    fd, tmp = exclusive_temp(path)
    try:
        if fmt == "word2vec":
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                w2v.write_text(f, word_vecs, words)
        else:
            with os.fdopen(fd, "wb") as f:
                if fmt == "npz":
                    np.savez_compressed(f, vectors=stored, words=np.array(words, dtype=str),
                                        meta=np.array(meta_json))
                else:
                    w2v.write_binary(f, word_vecs, words)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _vocab(words: Sequence[str]) -> tuple[dict[str, int], dict[int, str]]:
    return {w: i for i, w in enumerate(words)}, dict(enumerate(words))


def _not_npz(path: Path, why: str) -> VectorsFileError:
    return VectorsFileError(_("{path!r} is not a w2vlib vectors .npz file: {why}").format(
                                path=str(path), why=why))


def _npz_headers(path: Path) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """``{array: (shape, dtype)}`` as the ``.npz`` declares them, read without unpacking data."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise _not_npz(path, _("it is not a zip archive (empty, cut short, or another kind of file). "
                               "Word2vec files are read by their suffix: .txt or .vec (text), "
                               ".bin (binary)")) from None
    found = {}
    with zf:
        names = set(zf.namelist())
        for name in ("vectors", "words", "meta"):
            if name + ".npy" not in names:
                if name == "meta":
                    continue
                raise _not_npz(path, _("it has no array {name!r} (needs arrays 'vectors' and "
                                       "'words')").format(name=name))
            try:
                with zf.open(name + ".npy") as f:
                    version = np.lib.format.read_magic(f)
                    read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                            else np.lib.format.read_array_header_2_0)
                    shape, _unused, dtype = read(f)
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, RuntimeError) as e:
                raise _not_npz(path, _("its array {name!r} is damaged ({e})").format(
                    name=name, e=e)) from None
            if dtype.hasobject:
                raise _not_npz(path, _("its array {name!r} holds Python objects, which only pickle "
                                       "could load, and w2vlib never loads pickles").format(name=name))
            found[name] = (shape, dtype)
    return found


def _check_npz_sizes(path: Path, found: dict) -> None:
    (shape, _unused), (wshape, _unused) = found["vectors"], found["words"]
    if len(shape) != 2 or len(wshape) != 1 or wshape[0] != shape[0]:
        n = wshape[0] if len(wshape) == 1 else wshape
        raise VectorsFileError(_("{path!r}: {n} words for vectors of shape {shape}").format(
                                   path=str(path), n=n, shape=shape))
    unpacked = sum(int(np.prod(s)) * d.itemsize for s, d in found.values())
    size = path.stat().st_size
    if unpacked > max(NPZ_SMALL_BYTES, MAX_NPZ_EXPANSION * size):
        raise VectorsFileError(
            _("{path!r}: its arrays would unpack to {unpacked:,} bytes from a file of "
              "{size:,} bytes (more than {MAX_NPZ_EXPANSION} times its size): a damaged file or "
              "a zip bomb, so it was not unpacked").format(
                path=str(path), unpacked=unpacked, size=size, MAX_NPZ_EXPANSION=MAX_NPZ_EXPANSION))


def _load_npz(path: Path) -> WordVectors:
    _check_npz_sizes(path, _npz_headers(path))
    try:
        with np.load(path, allow_pickle=False) as z:
            vecs = z["vectors"].astype(np.float32)
            words = [str(w) for w in z["words"]]
            meta = json.loads(str(z["meta"])) if "meta" in z.files else {}
    except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise _not_npz(path, _("(needs arrays 'vectors' and 'words'): {e}").format(e=e)) from e
    w2v.check_finite_rows(vecs, words, repr(str(path)), lambda r: _("row {r}").format(r=r))
    w2v.check_unique_words(words, repr(str(path)), lambda r: _("row {r}").format(r=r))
    return WordVectors(vecs, *_vocab(words), meta)


def load_vectors(path: str | os.PathLike, format: str | None = None,
                 unicode_errors: str = "strict") -> WordVectors:
    """Read vectors written by :func:`save_vectors` or any word2vec file (text or binary).

    Returns ``WordVectors(word_vecs, word_to_id, id_to_word, meta)``; ``word_vecs``
    is float32.  ``unicode_errors='replace'`` reads a word2vec file whose words
    are not all UTF-8.  Raises :class:`VectorsFileError` naming what is wrong
    (bad header, line, duplicate word, NaN or inf vector).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(_("no vectors file at {path!r}").format(path=str(path)))
    fmt = file_format(path, format)
    if fmt == "npz":
        return _load_npz(path)
    if fmt == "word2vec":
        vecs, words = w2v.read_text(path, unicode_errors)
        where = lambda r: _("line {n}").format(n=r + 2)    # noqa: E731 -- the header is line 1
    else:
        vecs, words = w2v.read_binary(path, unicode_errors)
        where = lambda r: _("entry {n}").format(n=r + 1)   # noqa: E731
    w2v.check_unique_words(words, repr(str(path)), where)
    w2v.check_finite_rows(vecs, words, repr(str(path)), where)
    return WordVectors(vecs, *_vocab(words), {})
