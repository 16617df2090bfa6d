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

Licence: the text derives from LDC's Treebank-3 and has long been passed round
for research without an explicit licence grant, so w2vlib does not ship it. It
downloads the files on first use into a cache and checks each against its
SHA-256 (:data:`PTB_FILES`) before use; a cached file that fails the check is
moved aside to ``<name>.corrupt``, never deleted. ``data/README.md`` has the details.

The cache is ``<data dir>/ptb/``: ``$W2VLIB_DATA`` if set, else the checkout's
``data/``, else the per-user cache directory (:func:`data_dir`). Offline, copy
the three files to the paths ``python -m w2vlib.datasets path`` shows; they are
verified all the same. ``$W2VLIB_PTB_URL`` replaces the download directory URL
(a mirror, or a ``file://`` directory). The files w2vlib itself ships (analogy
questions, pretrained vectors, the paper table) are package data:
:func:`shipped_file`.

Command line::

    python -m w2vlib.datasets fetch ptb    # download + verify (no-op when cached)
    python -m w2vlib.datasets fetch ptb --timeout 900   # allow 15 minutes per file
    python -m w2vlib.datasets path         # print the data directory
"""

from __future__ import annotations

import argparse
import functools
import importlib.resources
import logging
import os
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import platformdirs

from .corpus import build_vocab
from .download import (
    DOWNLOAD_DEADLINE,
    ENV_DATA,
    ChecksumError,
    DatasetError,
    DatasetUnavailableError,
    by_hand,
    describe,
    download,
    mismatch,
    stamp,
)
from .i18n import N_, _

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

ENV_PTB_URL = "W2VLIB_PTB_URL"

#: Directory URL the book downloads PTB from; ``W2VLIB_PTB_URL`` overrides it.
PTB_BASE_URL = "https://raw.githubusercontent.com/tomsercu/lstm/master/data/"

PTB_SPLITS = ("train", "valid", "test")



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


# --------------------------------------------------------------------------- paths

def data_dir() -> Path:
    """The data cache in use, as an absolute path (it need not exist yet).

    ``$W2VLIB_DATA`` if set; else the ``data/`` directory of the source
    checkout w2vlib is imported from (a ``data/`` next to ``pyproject.toml``);
    else the per-user cache directory (``platformdirs.user_cache_dir``:
    ``~/.cache/w2vlib`` on Linux, ``~/Library/Caches/w2vlib`` on macOS,
    ``%LOCALAPPDATA%\\w2vlib\\Cache`` on Windows), or ``~/.cache/w2vlib`` where an
    earlier w2vlib already downloaded into it. Only downloads live here; the
    files w2vlib ships are found with :func:`shipped_file`.
    """
    env = os.environ.get(ENV_DATA, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "data").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "data"
    legacy = Path.home() / ".cache" / "w2vlib"      # where w2vlib 0.1 put it everywhere
    if legacy.is_dir():
        return legacy.resolve()
    return Path(platformdirs.user_cache_dir("w2vlib", appauthor=False)).resolve()


#: What the package ships (``w2vlib/data/``; package data in the wheel).
SHIPPED = {
    ("analogy", "questions-words.txt"): N_("the Google analogy questions (Mikolov et al. 2013)"),
    ("vectors", "ptb_cbow.npz"): N_("pretrained CBOW vectors for PTB (make vectors)"),
    ("paper_table", "ptb_grid.csv"): N_("the paper's table in small (make paper-table)"),
    ("paper_table", "ptb_grid.json"): N_("its settings, command and machine"),
    ("spark", "ptb_spark.json"): N_("Spark's word2vec beside the compiled loop on PTB "
                                    "(python -m w2vlib.lab.spark --measure)"),
    ("texts", "news_topics.txt"): N_("short labelled news sentences in four topics (written for w2vlib)"),
}


def shipped_file(*parts: str, must_exist: bool = True) -> Path:
    """The path of a file w2vlib ships, wherever the package is installed.

    ``shipped_file("vectors", "ptb_cbow.npz")`` -> ``.../w2vlib/data/vectors/ptb_cbow.npz``,
    in a source checkout and in an installed wheel alike (found with
    :mod:`importlib.resources`, never relative to the working directory).
    ``must_exist=False`` returns the path of a file not made yet (where
    ``make vectors`` or ``make paper-table`` writes in a checkout).

    >>> shipped_file("analogy", "questions-words.txt").is_file()
    True
    """
    if tuple(parts) not in SHIPPED:
        known = ", ".join("/".join(k) for k in SHIPPED)
        raise KeyError(_("w2vlib ships no file {join!r}; it ships {known}").format(
                           join='/'.join(parts), known=known))
    resource = importlib.resources.files("w2vlib").joinpath("data", *parts)
    path = Path(str(resource))
    if must_exist and not path.is_file():
        raise FileNotFoundError(_("{path} is missing from this installation of w2vlib "
                                  "(reinstall it, or run make vectors / make paper-table in a "
                                  "checkout)").format(path=path))
    return path


def _root(directory: str | os.PathLike | None) -> Path:
    return data_dir() if directory is None else Path(directory).expanduser().resolve()


def _check_split(split: str) -> str:
    if split not in PTB_FILES:
        raise ValueError(_("unknown PTB split {split!r}; valid splits are {known}").format(
            split=split, known=", ".join(repr(s) for s in PTB_FILES)))
    return split


def ptb_path(split: str = "train", data_dir: str | os.PathLike | None = None) -> Path:
    """Absolute path where the file of ``split`` lives (or should be put)."""
    return _root(data_dir) / "ptb" / PTB_FILES[_check_split(split)].name


def _ptb_base_url(base_url: str | None) -> str:
    base = base_url or os.environ.get(ENV_PTB_URL, "").strip() or PTB_BASE_URL
    return base.rstrip("/") + "/"


# --------------------------------------------------------------------------- PTB files

def _move_aside(path: Path) -> Path:
    """Rename ``path`` to ``path.corrupt`` (``.corrupt.1``, ``.corrupt.2``, ... when taken); -> it.

    Never overwrites: an older ``.corrupt`` file stays as it is.
    """
    for n in range(1000):
        aside = path.with_name(path.name + ".corrupt" + (f".{n}" if n else ""))
        if aside.exists() or aside.is_symlink():
            continue
        try:
            os.link(path, aside)  # fails, instead of replacing, if the name was taken meanwhile
        except FileExistsError:
            continue
        except OSError:  # no hard links here (some file systems): rename, after the check above
            os.rename(path, aside)
            return aside
        path.unlink()
        return aside
    raise OSError(_("too many {name}.corrupt.N files in {parent}").format(
                      name=path.name, parent=path.parent))


def _ensure_ptb_file(split: str, root: Path, download_ok: bool,
                     base_url: str | None, timeout: float | None = None) -> tuple[Path, str]:
    """Make sure the verified file of ``split`` is in ``root``; return (path, status).

    status is ``"cached"`` or ``"downloaded"``. A corrupt cached file is never deleted: it is
    moved aside to ``<name>.corrupt`` (numbered when that exists), and the message says where.
    """
    info = PTB_FILES[_check_split(split)]
    dest = root / "ptb" / info.name
    url = _ptb_base_url(base_url) + info.name
    notice = ""
    if dest.exists() and not dest.is_file():
        kind = _("a directory") if dest.is_dir() else _("not a regular file")
        raise DatasetError(_("{dest} is {kind}, not the PTB file {name}: move it away "
                             "(or set {ENV_DATA} to another data directory) and run `python -m "
                             "w2vlib.datasets fetch ptb`").format(
                               dest=dest, kind=kind, name=info.name, ENV_DATA=ENV_DATA))
    if dest.is_file():
        try:
            bad = mismatch(dest, info.size, info.sha256)
        except OSError as e:
            raise DatasetError(_("cannot read the cached file {dest}: {e}").format(dest=dest, e=e)) from e
        if bad is None:
            return dest, "cached"
        notice = _("The cached file {dest} was corrupt (found {size:,} bytes, "
                   "sha256 {sha256}; expected {expected})").format(
                       dest=dest, size=bad[0], sha256=bad[1],
                       expected=describe(info.size, info.sha256))
        try:
            aside = _move_aside(dest)
        except OSError as e:
            raise ChecksumError(_("{notice} and could not be moved aside ({error}). Move or "
                                  "replace it.\n").format(notice=notice, error=e)
                                + by_hand(url, dest, info.size, info.sha256)) from e
        notice += _(" and has been moved aside to {aside} (nothing was deleted; an editor that "
                    "changed its line endings to CRLF makes a file corrupt too).").format(
                        aside=aside)
        if download_ok:
            warnings.warn(_("{notice} Downloading it again from {url}.").format(notice=notice, url=url),
                          stacklevel=3)
        else:
            raise ChecksumError(_("{notice} To restore it, run `python -m w2vlib.datasets "
                                  "fetch ptb`, or:\n").format(notice=notice)
                                + by_hand(url, dest, info.size, info.sha256))
    elif not download_ok:
        raise DatasetUnavailableError(
            _("{dest} is missing and download=False. Run `python -m w2vlib.datasets fetch "
              "ptb`, or:\n").format(dest=dest) + by_hand(url, dest, info.size, info.sha256))
    log.info("downloading %s to %s", url, dest)
    try:
        download(url, dest, info.sha256, info.size,
                 deadline=DOWNLOAD_DEADLINE if timeout is None else timeout)
    except DatasetError as e:
        if notice:
            raise type(e)(f"{notice}\n{e}") from e.__cause__ or e
        raise
    return dest, "downloaded"


def fetch_ptb(splits: str | Iterable[str] = PTB_SPLITS,
              data_dir: str | os.PathLike | None = None,
              base_url: str | None = None,
              timeout: float | None = None) -> dict[str, Path]:
    """Download and verify the PTB files of ``splits``; return ``{split: path}``.

    Files already present with the right checksum are not downloaded again,
    so calling this every time is cheap.  A present file with a wrong checksum
    is moved aside to ``<name>.corrupt`` (with a warning) and downloaded again.
    ``timeout`` is how many seconds the download of one file may take in all
    (default :data:`~w2vlib.download.DOWNLOAD_DEADLINE`).  ``base_url`` is the
    directory URL holding ``ptb.<split>.txt``; default ``$W2VLIB_PTB_URL``, else
    :data:`PTB_BASE_URL`.  ``data_dir`` defaults to :func:`data_dir`.
    """
    if isinstance(splits, str):
        splits = (splits,)
    splits = [_check_split(s) for s in splits]
    root = _root(data_dir)
    paths = {}
    for split in splits:
        paths[split] = _ensure_ptb_file(split, root, True, base_url, timeout)[0]
    return paths


# --------------------------------------------------------------------------- loading

_Key = tuple[str, int, int]  # (path, size, mtime_ns): a changed file gets a new key


def _key(path: Path) -> _Key:
    return (str(path), *stamp(path))


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
    _unused, word_to_id, _unused = _train_vocab(train)
    words = _words(other[0])
    try:
        corpus = np.fromiter((word_to_id[w] for w in words), dtype=np.int32,
                             count=len(words))
    except KeyError as e:
        raise DatasetError(_("{other_0} contains the word {args_0!r}, which is not in "
                             "the vocabulary of {train_0}").format(
                               other_0=other[0], args_0=e.args[0], train_0=train[0])) from None
    corpus.flags.writeable = False
    return corpus


def load_ptb(split: str = "train", data_dir: str | os.PathLike | None = None,
             download: bool = True, timeout: float | None = None,
             ) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """Load a PTB split as ``(corpus, word_to_id, id_to_word)``.

    ``corpus`` is a 1-D ``np.int32`` array of word ids: each line's words
    followed by ``<eos>``.  Ids are given in order of first appearance in the
    *train* file, and every split is mapped with that one vocabulary (10,000
    words); train has 929,589 tokens.

    Missing files are downloaded (see :func:`fetch_ptb`) unless
    ``download=False``, in which case :class:`DatasetUnavailableError` says
    where to put them; ``timeout`` is as in :func:`fetch_ptb`.  Files are
    checked against their SHA-256 first (a corrupt one is moved aside).  Parsed
    results are cached in the process; each call returns fresh copies, so the
    caller may modify them.
    """
    _check_split(split)
    root = _root(data_dir)
    train_path, _unused = _ensure_ptb_file("train", root, download, None, timeout)
    train = _key(train_path)
    if split == "train":
        corpus, word_to_id, id_to_word = _train_vocab(train)
    else:
        split_path, _unused = _ensure_ptb_file(split, root, download, None, timeout)
        _unused, word_to_id, id_to_word = _train_vocab(train)
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
    fetch.add_argument("--timeout", type=float, default=DOWNLOAD_DEADLINE, metavar="SECONDS",
                       help="how long the download of one file may take in all "
                       f"(default {DOWNLOAD_DEADLINE:g})")
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
                path, status = _ensure_ptb_file(split, root, True, None, args.timeout)
            for w in caught:
                print(f"warning: {w.message}", file=sys.stderr)
            label = "ok (cached)" if status == "cached" else "downloaded"
            print(f"{path.name}: {label}  {path}")
    except DatasetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # the data directory itself: unreadable, not a directory, ...
        print(f"error: {e} (data directory {root}; set {ENV_DATA} to another one)",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
