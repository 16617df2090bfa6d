"""Verified downloads: one file by URL, checked by size and SHA-256, put in place atomically.

:mod:`w2vlib.datasets` uses this for the Penn Treebank; nothing here knows about PTB.
A download streams into a ``.part`` file beside its destination and is hashed on the
way; only a complete, verified file is renamed into place. A ``.part`` left by a download
that was killed is removed on the next one; SIGTERM removes its own. The whole transfer has
a deadline (:data:`DOWNLOAD_DEADLINE`). Files already on disk are re-hashed once per process
(:data:`verified` remembers size, mtime and hash).

Why not pooch (the scientific-Python standard for URL + hash + cache)? Measured side by side
on one local server (``tests/test_pooch_comparison.py``): pooch 1.9 has no deadline for a whole
transfer (a server that drips bytes holds it for ever), overwrites a cached copy that fails its
hash instead of keeping it, and leaves an anonymous ``tmpXXXXXXXX`` file in the cache when it is
killed. Given a downloader of ours it would keep only the hash check and the rename.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import http.client
import os
import re
import secrets
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from .i18n import _

ENV_DATA = "W2VLIB_DATA"
CHUNK = 1 << 20  # bytes read from the network / disk at a time
#: seconds the whole download of one file may take (``deadline``): 15 minutes, about 6 KB/s for PTB's 5 MB
DOWNLOAD_DEADLINE = 900.0
#: a ``.part`` file not written for this long belongs to a download that died (SIGKILL, crash)
STALE_PART_SECONDS = 3600.0

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


class _Terminated(BaseException):
    """SIGTERM arrived during a download (raised by the handler :func:`_sigterm_raises` sets)."""


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
    return _("To install it by hand, download\n    {url}\n"
             "on a machine with internet access and save it as\n    {dest}\n"
             "(expected: {expected}).\n"
             "Alternatively, set the environment variable {env} to a directory "
             "that already holds {layout}.").format(url=url, dest=dest,
                                                   expected=describe(size, sha256), env=ENV_DATA,
                                                   layout=layout.as_posix())


# --------------------------------------------------------------------------- download

def download(url: str, dest: str | os.PathLike, sha256: str, size: int | None = None,
             timeout: float = 30.0, deadline: float | None = DOWNLOAD_DEADLINE) -> Path:
    """Download ``url`` to ``dest``, verifying its size and SHA-256; return ``dest``.

    The data is streamed into a temporary ``.part`` file beside ``dest`` and
    hashed on the way; only a complete, verified file is moved into place (an
    atomic ``os.replace``).  On any failure the temporary file is deleted, so a
    partial or corrupt download is never left behind.  TLS certificates are
    verified with Python's default SSL context.

    Raises :class:`DatasetUnavailableError` when the file cannot be fetched
    (no network, refused connection, timeout, HTTP error, truncated transfer)
    and :class:`ChecksumError` when the data is not the expected file.
    ``timeout`` (seconds) applies to each network operation, ``deadline`` (seconds, None
    for none) to the whole transfer, so a server that sends a byte now and then cannot
    make it hang for ever.

    ``.part`` files of earlier downloads that died (killed, or not written for
    :data:`STALE_PART_SECONDS`) are removed first. In the main thread, SIGTERM during the
    download removes the ``.part`` file, then reaches the previous handler (by default,
    the process ends).
    """
    dest = Path(dest).expanduser().resolve()
    sha256 = sha256.lower()

    def unavailable(reason: object) -> DatasetUnavailableError:
        return DatasetUnavailableError(_("Could not download {url}: {reason}\n").format(
            url=url, reason=reason) + by_hand(url, dest, size, sha256))

    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DatasetError(_("cannot create the data directory {parent}: {e}; "
                             "set {ENV_DATA} to a writable directory").format(
                               parent=dest.parent, e=e, ENV_DATA=ENV_DATA)) from e
    if dest.is_dir():
        raise DatasetError(_("{dest} is a directory, not a file: move it away to download "
                             "{url} there").format(dest=dest, url=url))
    remove_stale_parts(dest)
    with _sigterm_raises():
        return _fetch(url, dest, sha256, size, (timeout, deadline), unavailable)


def _fetch(url: str, dest: Path, sha256: str, size: int | None,
           limits: tuple[float, float | None], unavailable) -> Path:
    """The transfer of :func:`download`, into a ``.part`` file removed on any failure;
    ``limits`` is (timeout of one operation, deadline of the whole), in seconds."""
    timeout, deadline = limits
    if deadline is not None:
        timeout = max(0.001, min(timeout, deadline))
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as e:
        e.close()
        raise unavailable(_("HTTP error {code} {reason}").format(code=e.code, reason=e.reason)) from e
    except urllib.error.URLError as e:
        raise unavailable(e.reason) from e
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise unavailable(e) from e

    part = dest.with_name(f"{dest.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        with response:
            announced = response.headers.get("Content-Length")
            announced = int(announced) if announced and announced.isdigit() else None
            if size is not None and announced is not None and announced != size:
                raise ChecksumError(
                    _("{url} is not the expected file: the server announces "
                      "{announced:,} bytes, expected {expected}.\n").format(
                          url=url, announced=announced, expected=describe(size, sha256))
                    + by_hand(url, dest, size, sha256))
            received, found = _stream_to_part(response, part, url, dest, size, sha256,
                                              unavailable, limits)
            if announced is not None and received < announced:
                raise unavailable(_("incomplete transfer: the connection closed after "
                                    "{received:,} of {announced:,} bytes").format(
                                      received=received, announced=announced))
            if (size is not None and received != size) or found != sha256:
                raise ChecksumError(
                    _("{url} is not the expected file: expected "
                      "{expected}, got {received:,} bytes with sha256 "
                      "{found}. Nothing was saved to {dest}.\n").format(
                          url=url, expected=describe(size, sha256), received=received,
                          found=found, dest=dest)
                    + by_hand(url, dest, size, sha256))
        try:
            os.replace(part, dest)
        except OSError as e:
            raise DatasetError(_("cannot save the download as {dest}: {e}").format(dest=dest, e=e)) from e
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    verified[str(dest)] = (*stamp(dest), sha256)
    return dest


def _stream_to_part(response, part: Path, url: str, dest: Path, size: int | None, sha256: str,
                    unavailable, limits: tuple[float, float | None] = (30.0, None)
                    ) -> tuple[int, str]:
    """Copy ``response`` into the new file ``part``, hashing it; -> (bytes received, sha256).

    Stops with :class:`ChecksumError` as soon as more than ``size`` bytes arrive, and with
    :class:`DatasetUnavailableError` when the transfer takes longer than ``limits[1]``
    seconds (None: no limit); ``limits[0]`` is the timeout of one read.
    """
    timeout, deadline = limits
    end = None if deadline is None else time.monotonic() + deadline
    read = getattr(response, "read1", response.read)  # returns what has come, not a full CHUNK
    h = hashlib.sha256()
    received = 0
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as e:
        raise DatasetError(_("cannot write to {parent}: {e}; "
                             "set {ENV_DATA} to a writable directory").format(
                               parent=dest.parent, e=e, ENV_DATA=ENV_DATA)) from e
    with open(fd, "wb") as out:
        while True:
            if end is not None:
                left = end - time.monotonic()
                if left <= 0:
                    raise unavailable(_too_slow(deadline, received))
                _set_read_timeout(response, min(timeout, left))
            try:
                chunk = read(CHUNK)
            except TimeoutError as e:
                if end is not None and time.monotonic() >= end - 0.05:
                    raise unavailable(_too_slow(deadline, received)) from e
                raise unavailable(_("transfer failed after {received:,} bytes ({e!r})").format(
                                      received=received, e=e)) from e
            except (OSError, http.client.HTTPException) as e:
                raise unavailable(_("transfer failed after {received:,} bytes ({e!r})").format(
                                      received=received, e=e)) from e
            if not chunk:
                break
            received += len(chunk)
            if size is not None and received > size:
                raise ChecksumError(
                    _("{url} is not the expected file: it is longer than "
                      "the expected {expected}. Nothing was saved to {dest}.\n").format(
                          url=url, expected=describe(size, sha256), dest=dest)
                    + by_hand(url, dest, size, sha256))
            h.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return received, h.hexdigest()


def _too_slow(deadline: float, received: int) -> str:
    return _("timed out: the whole download may take {deadline:g} s, and only {received:,} "
             "bytes came in that time (a slow or stalled server); try again later, or allow "
             "longer (timeout=SECONDS, or --timeout SECONDS)").format(deadline=deadline,
                                                                     received=received)


def _set_read_timeout(response, seconds: float) -> None:
    """Best effort: let the next read of ``response`` wait at most ``seconds``."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(0.001, seconds))


# --------------------------------------------------------------------------- partial downloads

_PART = re.compile(r"^\.(?:(\d+)-)?[0-9a-f]+\.part$")


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # no safe check: rely on the age of the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def remove_stale_parts(dest: Path) -> list[Path]:
    """Remove the ``.part`` files of ``dest`` left by downloads that died; -> those removed.

    A ``.part`` file is stale when the process named in it no longer runs, or when it was
    not written for :data:`STALE_PART_SECONDS`; a download in progress keeps its own.
    """
    removed = []
    try:
        candidates = list(dest.parent.glob(f"{glob.escape(dest.name)}.*.part"))
    except OSError:
        return removed
    for part in candidates:
        m = _PART.match(part.name[len(dest.name):])
        if not m or part.is_symlink() or not part.is_file():
            continue
        pid = int(m.group(1)) if m.group(1) else None
        try:
            old = time.time() - part.stat().st_mtime > STALE_PART_SECONDS
        except OSError:
            continue
        if old or (pid is not None and pid != os.getpid() and not _alive(pid)):
            with contextlib.suppress(OSError):
                part.unlink()
                removed.append(part)
    return removed


@contextlib.contextmanager
def _sigterm_raises():
    """In the main thread: while inside, SIGTERM raises :class:`_Terminated` (so ``finally``
    and ``except`` clean up); on leaving, the previous handler is back, and a SIGTERM that
    arrived is delivered to it."""
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "SIGTERM")):
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous in (signal.SIG_IGN, None):  # ignored, or not set from Python: leave it so
        yield
        return

    def handler(signum, frame):
        raise _Terminated

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, previous)
        signal.raise_signal(signal.SIGTERM)  # SIG_DFL ends the process here
        raise DatasetUnavailableError(_("the download was interrupted by SIGTERM; "
                                        "its partial file was removed")) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
