"""The word2vec file formats, text and binary, as the real tools write them.

* text (``.txt`` / ``.vec``): a header line ``V H``, then one line per word,
  ``word v1 v2 ... vH``.  word2vec.c, fastText and pWord2Vec end every line
  with a blank; Windows tools end lines with CRLF, some editors add a BOM;
  fields may be separated by tabs.  All of that is read.
* binary (``.bin``, word2vec.c ``-binary 1``, gensim ``binary=True``): the
  same ASCII header line, then per word the UTF-8 word, a blank and ``H``
  little-endian float32 numbers (word2vec.c adds a newline after each).

Every error is a :class:`VectorsFileError` (a ``ValueError``) naming the file
and the line (text) or entry (binary).  Sizes declared by a header are checked
against the file's size before anything is allocated.
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .i18n import _

__all__ = ["VectorsFileError", "read_text", "read_binary", "write_text", "write_binary",
           "check_finite_rows", "check_unique_words"]

_BOM = b"\xef\xbb\xbf"
#: fastText's model files (``model.bin``) start with this int32; they are not word vectors.
_FASTTEXT_MAGIC = 793712314
#: Longest word (in bytes) looked for in a binary file before it is called damaged.
MAX_WORD_BYTES = 10_000
#: The characters word2vec tools split on; a saved word may hold none of them.
SEPARATORS = " \t\n\r\v\f"


class VectorsFileError(ValueError):
    """A vectors file that cannot be read: the message names the file and what is wrong."""


def _where(path: Path) -> str:
    return repr(str(path))


def _parse_header(line: bytes, path: Path) -> tuple[int, int]:
    parts = line.split()
    # bytes.isdigit() accepts ASCII digits only (no '²' or other Unicode digits)
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        shown = line[:60].decode("utf-8", errors="backslashreplace").strip()
        raise VectorsFileError(
            _("{where} line 1: the first line must be 'V H' (word count, dimension), got "
              "{shown!r}. A GloVe file has no such line: add one, e.g. '400000 100'").format(
                where=_where(path), shown=shown))
    n, dim = int(parts[0]), int(parts[1])
    if n < 1 or dim < 1:
        raise VectorsFileError(_("{where} line 1: the header '{n} {dim}' announces no vectors").format(
                                   where=_where(path), n=n, dim=dim))
    return n, dim


def _check_size(path: Path, n: int, dim: int, available: int, min_bytes: int, kind: str) -> None:
    """Refuse a header that promises more than the file can hold (before allocating)."""
    if min_bytes > available:
        raise VectorsFileError(
            _("{where}: the header announces {n:,} words of {dim:,} numbers, which needs at "
              "least {min_bytes:,} bytes of {kind}, but the file has {available:,} after the header: "
              "is the header right, or was the file cut short?").format(
                where=_where(path), n=n, dim=dim, min_bytes=min_bytes, kind=kind, available=available))


def _decode(raw: bytes, path: Path, where: str, errors: str) -> str:
    try:
        return raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError:
        raise VectorsFileError(
            _("{where} {place}: the word {raw!r} is not UTF-8 text. Save the file as "
              "UTF-8; if it is a binary word2vec file, name it .bin or pass "
              "format='word2vec-binary'; to read it anyway pass unicode_errors='replace'").format(
                where=_where(path), place=where, raw=raw[:40])) from None


def _numbers(fields: Sequence[bytes], path: Path, lineno: int) -> np.ndarray:
    try:
        return np.array(fields, dtype=np.float32)
    except ValueError:
        for k, x in enumerate(fields, start=2):
            try:
                float(x)
            except ValueError:
                shown = x[:30].decode("utf-8", errors="backslashreplace")
                raise VectorsFileError(_("{where} line {lineno}: field {k}, {shown!r}, is "
                                         "not a number").format(
                                           where=_where(path), lineno=lineno, k=k, shown=shown)) from None
        raise VectorsFileError(_("{where} line {lineno}: cannot read its numbers").format(
                                   where=_where(path), lineno=lineno)) from None


def read_text(path: Path, unicode_errors: str = "strict") -> tuple[np.ndarray, list[str]]:
    """``(vectors (V, H) float32, words)`` from a word2vec text file."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        first = f.readline(1024)
        n, dim = _parse_header(first[3:] if first.startswith(_BOM) else first, path)
        # the shortest vector line is "w 0 0 ... 0": 1 + 2*dim bytes, then a newline
        _check_size(path, n, dim, size - f.tell(), n * (2 * dim + 2) - 1, _("vector lines"))
        vecs = np.empty((n, dim), dtype=np.float32)
        words: list[str] = []
        for lineno, line in enumerate(f, start=2):
            fields = line.split()        # ASCII white space: blanks, tabs, CR, LF
            if len(words) == n:
                if fields:
                    raise VectorsFileError(_("{where} line {lineno}: more than the {n:,} "
                                             "words the header announces").format(
                                               where=_where(path), lineno=lineno, n=n))
                continue
            if len(fields) != dim + 1:
                got = _("an empty line") if not fields else _("{n} fields").format(n=len(fields))
                binary = any(b < 32 and b not in b"\t\r\n\v\f" for b in line)
                hint = _(" (a binary word2vec file? name it .bin)") if binary else ""
                raise VectorsFileError(_("{where} line {lineno}: expected a word and {dim} "
                                         "numbers, got {got}{hint}").format(
                                           where=_where(path), lineno=lineno, dim=dim, got=got,
                                           hint=hint))
            words.append(_decode(fields[0], path, _("line {n}").format(n=lineno), unicode_errors))
            with np.errstate(over="ignore"):       # 1e39 becomes inf, reported below
                vecs[len(words) - 1] = _numbers(fields[1:], path, lineno)
    if len(words) != n:
        raise VectorsFileError(_("{where}: the header announces {n:,} words but the file has "
                                 "{n_words:,} (truncated?)").format(
                                   where=_where(path), n=n, n_words=len(words)))
    return vecs, words


def read_binary(path: Path, unicode_errors: str = "strict") -> tuple[np.ndarray, list[str]]:
    """``(vectors (V, H) float32, words)`` from a binary word2vec file."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        if int.from_bytes(f.read(4), "little") == _FASTTEXT_MAGIC:
            raise VectorsFileError(
                _("{where} is a fastText model, not word2vec vectors: read the .vec file "
                  "fastText wrote beside it, or load the model with fasttext.load_model").format(
                    where=_where(path)))
        f.seek(0)
        n, dim = _parse_header(f.readline(1024), path)
        start = f.tell()
        _check_size(path, n, dim, size - start, n * (2 + 4 * dim), _("word entries"))
        _refuse_text(f.readline(64 * dim + 1024), dim, path)
        vecs = np.empty((n, dim), dtype=np.float32)
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            words = _binary_entries(m, start, vecs, path, unicode_errors)
    return vecs, words


def _refuse_text(line: bytes, dim: int, path: Path) -> None:
    """A text file named .bin would be misread as floats: say so instead."""
    fields = line.split()
    if len(fields) == dim + 1:
        try:
            [float(x) for x in fields[1:]]
        except ValueError:
            return
        raise VectorsFileError(_("{where} line 2 looks like word2vec text, not binary: name "
                                 "the file .txt or .vec, or pass format='word2vec'").format(
                                   where=_where(path)))


def _binary_entries(m, pos: int, vecs: np.ndarray, path: Path, errors: str) -> list[str]:
    n, dim = vecs.shape
    size, nbytes, words = len(m), 4 * dim, []
    for i in range(n):
        while pos < size and m[pos] in b"\r\n":     # word2vec.c ends each vector with "\n"
            pos += 1
        blank = m.find(b" ", pos, pos + MAX_WORD_BYTES)
        if blank <= pos or blank + 1 + nbytes > size:
            problem = (_("ends") if pos >= size or blank + 1 + nbytes > size
                       else _("has no word followed by a blank"))
            raise VectorsFileError(
                _("{where} entry {entry} (byte {pos:,}): the file {problem} there, but the "
                  "header announces {n:,} words of {dim} float32 numbers (truncated, or a text "
                  "file? name text files .txt or .vec)").format(
                    where=_where(path), entry=i + 1, pos=pos, problem=problem, n=n, dim=dim))
        place = _("entry {n} (byte {pos:,})").format(n=i + 1, pos=pos)
        words.append(_decode(m[pos:blank], path, place, errors))
        vecs[i] = np.frombuffer(m[blank + 1:blank + 1 + nbytes], dtype="<f4")
        pos = blank + 1 + nbytes
    if m[pos:pos + 64].strip():
        raise VectorsFileError(_("{where} byte {pos:,}: more data after the {n:,} words "
                                 "the header announces").format(where=_where(path), pos=pos, n=n))
    return words


def write_text(f, vecs: np.ndarray, words: Sequence[str]) -> None:
    """Write the text format to the text file ``f`` (6 significant digits)."""
    f.write(f"{vecs.shape[0]} {vecs.shape[1]}\n")
    for w, v in zip(words, vecs, strict=True):
        f.write(w + " " + " ".join(f"{x:.6g}" for x in v.tolist()) + "\n")


def write_binary(f, vecs: np.ndarray, words: Sequence[str]) -> None:
    """Write the binary format, as word2vec.c does, to the binary file ``f``."""
    f.write(f"{vecs.shape[0]} {vecs.shape[1]}\n".encode("ascii"))
    rows = np.ascontiguousarray(vecs, dtype="<f4")
    for w, v in zip(words, rows, strict=True):
        f.write(w.encode("utf-8") + b" " + v.tobytes() + b"\n")


def _listing(rows: Sequence[int], words: Sequence[str], where: Callable[[int], str]) -> str:
    shown = ", ".join(f"{words[r]!r} ({where(r)})" for r in rows[:5])
    return shown + (_(" and {n:,} more").format(n=len(rows) - 5) if len(rows) > 5 else "")


def check_finite_rows(vecs: np.ndarray, words: Sequence[str], what: str,
                      where: Callable[[int], str]) -> None:
    """A ValueError naming the words whose vectors hold NaN or inf (``where(row)`` says where)."""
    with np.errstate(over="ignore"):
        finite = np.isfinite(vecs.astype(np.float32, copy=False)).all(axis=1)
    if finite.all():
        return
    bad = np.flatnonzero(~finite).tolist()
    raise VectorsFileError(
        _("{what}: the vectors of {n_bad:,} word(s) hold NaN, inf or numbers too large to "
          "store (float32 holds up to 3.4e38, float16 up to 65504): {listing}. "
          "Vectors like that make every similarity NaN; if training diverged, train again with "
          "a smaller learning rate").format(what=what, n_bad=len(bad), listing=_listing(bad, words, where)))


def check_unique_words(words: Sequence[str], what: str, where: Callable[[int], str]) -> None:
    """A ValueError naming a word that appears twice, and where."""
    first: dict[str, int] = {}
    for i, w in enumerate(words):
        if w in first:
            rows = [r for r, x in enumerate(words) if x == w]
            places = ", ".join(where(r) for r in rows)
            raise VectorsFileError(
                _("{what}: the word {w!r} appears {n_rows} times ({places}); each word needs "
                  "exactly one vector, so remove or rename the extra ones").format(
                    what=what, w=w, n_rows=len(rows), places=places))
        first[w] = i
