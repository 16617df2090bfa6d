"""The Penn Treebank corpus: find it, download it, verify it, load it as word ids.

Where the data comes from
-------------------------
Chapter 4 of *Deep Learning from Scratch 2* trains word2vec on the Penn
Treebank (PTB) in the form Tomas Mikolov prepared for his language-modelling
experiments: one sentence per line, lower-cased, numbers replaced by ``N``,
all but the 10,000 most common words replaced by ``<unk>``.  The book fetches
the three files from::

    https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.train.txt
    https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.valid.txt
    https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.test.txt

and so does this module (see :data:`PTB_BASE_URL`).

Licence status, honestly: the text is derived from the Wall Street Journal
part of the Penn Treebank (LDC's Treebank-3), which the Linguistic Data
Consortium distributes under its own licence.  Mikolov's preprocessed files
have been redistributed freely for research and teaching for many years, but
nobody has granted an explicit licence for them.  w2vlib therefore does not
ship them: it downloads them on first use into a local cache and checks every
file against a SHA-256 checksum (:data:`PTB_FILES`) before using it.

Where the files live
--------------------
``<data dir>/ptb/ptb.<split>.txt``, where the data directory is (first match):

1. the environment variable ``W2VLIB_DATA``, if set;
2. the ``data/`` directory of the source checkout, when w2vlib is used from
   one (``data/ptb/`` is git-ignored);
3. ``~/.cache/w2vlib``.

:func:`data_dir` tells which one is in use.  The environment variable
``W2VLIB_PTB_URL`` replaces the download *directory* URL (the part before
``ptb.train.txt``), e.g. to use a mirror or a ``file://`` directory.

Without internet access, download the three files elsewhere and copy them to
the paths that ``python -m w2vlib.datasets path`` prints; they are verified
all the same.

Command line::

    python -m w2vlib.datasets fetch ptb    # download + verify (no-op when cached)
    python -m w2vlib.datasets path         # print the data directory
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.client
import logging
import os
import secrets
import sys
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from w2vlib.corpus import build_vocab

__all__ = [
    "DatasetError",
    "DatasetUnavailableError",
    "ChecksumError",
    "RemoteFile",
    "PTB_BASE_URL",
    "PTB_FILES",
    "PTB_SPLITS",
    "data_dir",
    "ptb_path",
    "download",
    "fetch_ptb",
    "load_ptb",
]

log = logging.getLogger(__name__)

ENV_DATA = "W2VLIB_DATA"
ENV_PTB_URL = "W2VLIB_PTB_URL"

#: Directory URL the book downloads PTB from; ``W2VLIB_PTB_URL`` overrides it.
PTB_BASE_URL = "https://raw.githubusercontent.com/tomsercu/lstm/master/data/"

PTB_SPLITS = ("train", "valid", "test")

_CHUNK = 1 << 20  # bytes read from the network / disk at a time


class RemoteFile(NamedTuple):
    """A file we know how to download: its name, size in bytes and SHA-256."""

    name: str
    size: int
    sha256: str


#: The expected files, by split.
PTB_FILES: dict[str, RemoteFile] = {
    "train": RemoteFile(
        "ptb.train.txt", 5101618,
        "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf"),
    "valid": RemoteFile(
        "ptb.valid.txt", 399782,
        "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2"),
    "test": RemoteFile(
        "ptb.test.txt", 449945,
        "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0"),
}


# --------------------------------------------------------------------------- errors

class DatasetError(Exception):
    """Base class of every error this module raises about data files."""


class DatasetUnavailableError(DatasetError):
    """A file is missing and could not be downloaded.

    The message says which URL to fetch by hand and the absolute path to save
    it as.  The network error, if any, is chained as ``__cause__``.
    """


class ChecksumError(DatasetError):
    """A downloaded or cached file is not the expected one (size or SHA-256)."""


# --------------------------------------------------------------------------- paths

def data_dir() -> Path:
    """The data directory in use, as an absolute path (it need not exist yet).

    ``$W2VLIB_DATA`` if set; else the ``data/`` directory of the source
    checkout w2vlib is imported from (a ``data/`` next to ``pyproject.toml``);
    else ``~/.cache/w2vlib``.
    """
    env = os.environ.get(ENV_DATA, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "data").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "data"
    return (Path.home() / ".cache" / "w2vlib").resolve()


def _root(directory: str | os.PathLike | None) -> Path:
    return data_dir() if directory is None else Path(directory).expanduser().resolve()


def _check_split(split: str) -> str:
    if split not in PTB_FILES:
        raise ValueError(f"unknown PTB split {split!r}; valid splits are "
                         + ", ".join(repr(s) for s in PTB_FILES))
    return split


def ptb_path(split: str = "train", data_dir: str | os.PathLike | None = None) -> Path:
    """Absolute path where the file of ``split`` lives (or should be put)."""
    return _root(data_dir) / "ptb" / PTB_FILES[_check_split(split)].name


def _ptb_base_url(base_url: str | None) -> str:
    base = base_url or os.environ.get(ENV_PTB_URL, "").strip() or PTB_BASE_URL
    return base.rstrip("/") + "/"


# --------------------------------------------------------------------------- checks

def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


# path -> (size, mtime_ns, sha256) of files already hashed in this process
_verified: dict[str, tuple[int, int, str]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def _mismatch(path: Path, size: int | None, sha256: str) -> tuple[int, str] | None:
    """None if ``path`` has the expected size and hash, else its (size, sha256)."""
    actual_size, mtime = _stamp(path)
    key = str(path)
    if _verified.get(key) == (actual_size, mtime, sha256):
        return None
    actual_sha = _sha256_of(path)
    if (size is None or actual_size == size) and actual_sha == sha256:
        _verified[key] = (actual_size, mtime, sha256)
        return None
    _verified.pop(key, None)
    return actual_size, actual_sha


def _describe(size: int | None, sha256: str) -> str:
    return (f"{size:,} bytes, " if size is not None else "") + f"sha256 {sha256}"


def _by_hand(url: str, dest: Path, size: int | None, sha256: str) -> str:
    """How to put a file in place without this module's help."""
    layout = Path(dest.parent.name) / dest.name
    return (f"To install it by hand, download\n    {url}\n"
            f"on a machine with internet access and save it as\n    {dest}\n"
            f"(expected: {_describe(size, sha256)}).\n"
            f"Alternatively, set the environment variable {ENV_DATA} to a directory "
            f"that already holds {layout.as_posix()}.")


# --------------------------------------------------------------------------- download

def download(url: str, dest: str | os.PathLike, sha256: str, size: int | None = None,
             timeout: float = 30.0) -> Path:
    """Download ``url`` to ``dest``, verifying its size and SHA-256; return ``dest``.

    The data is streamed into a temporary ``.part`` file beside ``dest`` and
    hashed on the way; only a complete, verified file is moved into place (an
    atomic ``os.replace``).  On any failure the temporary file is deleted, so a
    partial or corrupt download is never left behind.  TLS certificates are
    verified with Python's default SSL context.

    Raises :class:`DatasetUnavailableError` when the file cannot be fetched
    (no network, refused connection, timeout, HTTP error, truncated transfer)
    and :class:`ChecksumError` when the data is not the expected file.
    ``timeout`` (seconds) applies to each network operation.
    """
    dest = Path(dest).expanduser().resolve()
    sha256 = sha256.lower()

    def unavailable(reason: object) -> DatasetUnavailableError:
        return DatasetUnavailableError(f"Could not download {url}: {reason}\n"
                                       + _by_hand(url, dest, size, sha256))

    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DatasetError(f"cannot create the data directory {dest.parent}: {e}; "
                           f"set {ENV_DATA} to a writable directory") from e

    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as e:
        e.close()
        raise unavailable(f"HTTP error {e.code} {e.reason}") from e
    except urllib.error.URLError as e:
        raise unavailable(e.reason) from e
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise unavailable(e) from e

    part = dest.with_name(f"{dest.name}.{secrets.token_hex(4)}.part")
    try:
        with response:
            announced = response.headers.get("Content-Length")
            announced = int(announced) if announced and announced.isdigit() else None
            if size is not None and announced is not None and announced != size:
                raise ChecksumError(
                    f"{url} is not the expected file: the server announces "
                    f"{announced:,} bytes, expected {_describe(size, sha256)}.\n"
                    + _by_hand(url, dest, size, sha256))
            h = hashlib.sha256()
            received = 0
            try:
                fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except OSError as e:
                raise DatasetError(f"cannot write to {dest.parent}: {e}; "
                                   f"set {ENV_DATA} to a writable directory") from e
            with open(fd, "wb") as out:
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except (OSError, http.client.HTTPException) as e:
                        raise unavailable(f"transfer failed after {received:,} bytes "
                                          f"({e!r})") from e
                    if not chunk:
                        break
                    received += len(chunk)
                    if size is not None and received > size:
                        raise ChecksumError(
                            f"{url} is not the expected file: it is longer than "
                            f"the expected {_describe(size, sha256)}. Nothing was "
                            f"saved to {dest}.\n" + _by_hand(url, dest, size, sha256))
                    h.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if announced is not None and received < announced:
                raise unavailable(f"incomplete transfer: the connection closed after "
                                  f"{received:,} of {announced:,} bytes")
            found = h.hexdigest()
            if (size is not None and received != size) or found != sha256:
                raise ChecksumError(
                    f"{url} is not the expected file: expected "
                    f"{_describe(size, sha256)}, got {received:,} bytes with sha256 "
                    f"{found}. Nothing was saved to {dest}.\n"
                    + _by_hand(url, dest, size, sha256))
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    _verified[str(dest)] = (*_stamp(dest), sha256)
    return dest


# --------------------------------------------------------------------------- PTB files

def _ensure_ptb_file(split: str, root: Path, download_ok: bool,
                     base_url: str | None) -> tuple[Path, str]:
    """Make sure the verified file of ``split`` is in ``root``; return (path, status).

    status is ``"cached"`` or ``"downloaded"``.
    """
    info = PTB_FILES[_check_split(split)]
    dest = root / "ptb" / info.name
    url = _ptb_base_url(base_url) + info.name
    notice = ""
    if dest.is_file():
        bad = _mismatch(dest, info.size, info.sha256)
        if bad is None:
            return dest, "cached"
        notice = (f"The cached file {dest} was corrupt (found {bad[0]:,} bytes, "
                  f"sha256 {bad[1]}; expected {_describe(info.size, info.sha256)})")
        try:
            dest.unlink()
        except OSError as e:
            raise ChecksumError(f"{notice} and could not be removed ({e}). Delete or "
                                f"replace it.\n" + _by_hand(url, dest, info.size,
                                                             info.sha256)) from e
        notice += " and has been removed."
        if download_ok:
            warnings.warn(f"{notice} Downloading it again from {url}.", stacklevel=3)
        else:
            raise ChecksumError(f"{notice} To restore it, run `python -m w2vlib.datasets "
                                f"fetch ptb`, or:\n"
                                + _by_hand(url, dest, info.size, info.sha256))
    elif not download_ok:
        raise DatasetUnavailableError(
            f"{dest} is missing and download=False. Run `python -m w2vlib.datasets fetch "
            f"ptb`, or:\n" + _by_hand(url, dest, info.size, info.sha256))
    log.info("downloading %s to %s", url, dest)
    try:
        download(url, dest, info.sha256, info.size)
    except DatasetError as e:
        if notice:
            raise type(e)(f"{notice}\n{e}") from e.__cause__ or e
        raise
    return dest, "downloaded"


def fetch_ptb(splits: str | Iterable[str] = PTB_SPLITS,
              data_dir: str | os.PathLike | None = None,
              base_url: str | None = None) -> dict[str, Path]:
    """Download and verify the PTB files of ``splits``; return ``{split: path}``.

    Files already present with the right checksum are not downloaded again,
    so calling this every time is cheap.  A present file with a wrong checksum
    is deleted (with a warning) and downloaded again.  ``base_url`` is the
    directory URL holding ``ptb.<split>.txt``; default ``$W2VLIB_PTB_URL``, else
    :data:`PTB_BASE_URL`.  ``data_dir`` defaults to :func:`data_dir`.
    """
    if isinstance(splits, str):
        splits = (splits,)
    splits = [_check_split(s) for s in splits]
    root = _root(data_dir)
    paths = {}
    for split in splits:
        paths[split] = _ensure_ptb_file(split, root, True, base_url)[0]
    return paths


# --------------------------------------------------------------------------- loading

_Key = tuple[str, int, int]  # (path, size, mtime_ns): a changed file gets a new key


def _key(path: Path) -> _Key:
    return (str(path), *_stamp(path))


def _words(path: str) -> list[str]:
    # The book's convention: every newline becomes an <eos> token.
    text = Path(path).read_text(encoding="utf-8")
    return text.replace("\n", " <eos> ").split()


@functools.lru_cache(maxsize=4)
def _train_vocab(train: _Key) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    words = _words(train[0])
    word_to_id, id_to_word = build_vocab(words)
    corpus = np.fromiter((word_to_id[w] for w in words), dtype=np.int32, count=len(words))
    corpus.flags.writeable = False
    return corpus, word_to_id, id_to_word


@functools.lru_cache(maxsize=8)
def _split_corpus(train: _Key, other: _Key) -> np.ndarray:
    _, word_to_id, _ = _train_vocab(train)
    words = _words(other[0])
    try:
        corpus = np.fromiter((word_to_id[w] for w in words), dtype=np.int32,
                             count=len(words))
    except KeyError as e:
        raise DatasetError(f"{other[0]} contains the word {e.args[0]!r}, which is not in "
                           f"the vocabulary of {train[0]}") from None
    corpus.flags.writeable = False
    return corpus


def load_ptb(split: str = "train", data_dir: str | os.PathLike | None = None,
             download: bool = True) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """Load a PTB split as ``(corpus, word_to_id, id_to_word)``.

    ``corpus`` is a 1-D ``np.int32`` array of word ids: each line's words
    followed by ``<eos>``.  Ids are given in order of first appearance in the
    *train* file, and every split is mapped with that one vocabulary (10,000
    words); train has 929,589 tokens.

    Missing files are downloaded (see :func:`fetch_ptb`) unless
    ``download=False``, in which case :class:`DatasetUnavailableError` says
    where to put them.  Files are checked against their SHA-256 first.  Parsed
    results are cached in the process; each call returns fresh copies, so the
    caller may modify them.
    """
    _check_split(split)
    root = _root(data_dir)
    train_path, _ = _ensure_ptb_file("train", root, download, None)
    train = _key(train_path)
    if split == "train":
        corpus, word_to_id, id_to_word = _train_vocab(train)
    else:
        split_path, _ = _ensure_ptb_file(split, root, download, None)
        _, word_to_id, id_to_word = _train_vocab(train)
        corpus = _split_corpus(train, _key(split_path))
    return corpus.copy(), dict(word_to_id), dict(id_to_word)


# --------------------------------------------------------------------------- CLI

def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m w2vlib.datasets",
        description="Download, verify and locate the data sets w2vlib uses.")
    sub = parser.add_subparsers(dest="command", required=True)
    fetch = sub.add_parser("fetch", help="download and verify a data set "
                           "(nothing is downloaded when valid copies are present)")
    fetch.add_argument("dataset", choices=["ptb"])
    fetch.add_argument("--split", action="append", choices=PTB_SPLITS,
                       help="only this split (repeatable; default: all)")
    fetch.add_argument("--data-dir", help=f"data directory (default: ${ENV_DATA}, "
                       "the checkout's data/, or ~/.cache/w2vlib)")
    sub.add_parser("path", help="print the data directory in use")
    args = parser.parse_args(argv)

    if args.command == "path":
        print(data_dir())
        return 0
    root = _root(args.data_dir)
    try:
        for split in args.split or PTB_SPLITS:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                path, status = _ensure_ptb_file(split, root, True, None)
            for w in caught:
                print(f"warning: {w.message}", file=sys.stderr)
            label = "ok (cached)" if status == "cached" else "downloaded"
            print(f"{path.name}: {label}  {path}")
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
