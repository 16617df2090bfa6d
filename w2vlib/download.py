"""Verified downloads: one file by URL, checked by size and SHA-256, put in place atomically.

:mod:`w2vlib.datasets` uses this for the Penn Treebank; nothing here knows about PTB.
A download streams into a ``.part`` file beside its destination and is hashed on the
way; only a complete, verified file is renamed into place. Files already on disk are
re-hashed once per process (:data:`verified` remembers size, mtime and hash).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import secrets
import urllib.error
import urllib.request
from pathlib import Path

ENV_DATA = "W2VLIB_DATA"
CHUNK = 1 << 20  # bytes read from the network / disk at a time

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


# --------------------------------------------------------------------------- checks

def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


# path -> (size, mtime_ns, sha256) of files already hashed in this process
verified: dict[str, tuple[int, int, str]] = {}


def stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def mismatch(path: Path, size: int | None, sha256: str) -> tuple[int, str] | None:
    """None if ``path`` has the expected size and hash, else its (size, sha256)."""
    actual_size, mtime = stamp(path)
    key = str(path)
    if verified.get(key) == (actual_size, mtime, sha256):
        return None
    actual_sha = sha256_of(path)
    if (size is None or actual_size == size) and actual_sha == sha256:
        verified[key] = (actual_size, mtime, sha256)
        return None
    verified.pop(key, None)
    return actual_size, actual_sha


def describe(size: int | None, sha256: str) -> str:
    return (f"{size:,} bytes, " if size is not None else "") + f"sha256 {sha256}"


def by_hand(url: str, dest: Path, size: int | None, sha256: str) -> str:
    """How to put a file in place without this module's help."""
    layout = Path(dest.parent.name) / dest.name
    return (f"To install it by hand, download\n    {url}\n"
            f"on a machine with internet access and save it as\n    {dest}\n"
            f"(expected: {describe(size, sha256)}).\n"
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
                                       + by_hand(url, dest, size, sha256))

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
                    f"{announced:,} bytes, expected {describe(size, sha256)}.\n"
                    + by_hand(url, dest, size, sha256))
            received, found = _stream_to_part(response, part, url, dest, size, sha256, unavailable)
            if announced is not None and received < announced:
                raise unavailable(f"incomplete transfer: the connection closed after "
                                  f"{received:,} of {announced:,} bytes")
            if (size is not None and received != size) or found != sha256:
                raise ChecksumError(
                    f"{url} is not the expected file: expected "
                    f"{describe(size, sha256)}, got {received:,} bytes with sha256 "
                    f"{found}. Nothing was saved to {dest}.\n"
                    + by_hand(url, dest, size, sha256))
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    verified[str(dest)] = (*stamp(dest), sha256)
    return dest


def _stream_to_part(response, part: Path, url: str, dest: Path, size: int | None, sha256: str,
                    unavailable) -> tuple[int, str]:
    """Copy ``response`` into the new file ``part``, hashing it; -> (bytes received, sha256).

    Stops with :class:`ChecksumError` as soon as more than ``size`` bytes arrive.
    """
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
                chunk = response.read(CHUNK)
            except (OSError, http.client.HTTPException) as e:
                raise unavailable(f"transfer failed after {received:,} bytes ({e!r})") from e
            if not chunk:
                break
            received += len(chunk)
            if size is not None and received > size:
                raise ChecksumError(
                    f"{url} is not the expected file: it is longer than "
                    f"the expected {describe(size, sha256)}. Nothing was "
                    f"saved to {dest}.\n" + by_hand(url, dest, size, sha256))
            h.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return received, h.hexdigest()
