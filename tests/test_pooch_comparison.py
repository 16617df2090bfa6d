"""Why w2vlib.download is not pooch: measured on the same local server, side by side.

Issue 13 asked to move the downloader to pooch (the scientific-Python standard for URL + hash +
cache) unless a measured reason says otherwise. These are the reasons, each run against pooch
as installed and against w2vlib.download, with the same settings. For pooch 1.9 (2026-12):

* a server that sends a byte now and then holds ``pooch.retrieve`` for as long as it likes:
  its ``timeout`` is per read, and there is no deadline for the whole transfer;
* a cached copy that fails its hash (a learner's file, converted to CRLF by an editor) is
  overwritten by the new download, where w2vlib moves it aside to ``.corrupt``;
* a download killed by SIGTERM or SIGKILL leaves an anonymous ``tmpXXXXXXXX`` file in the cache.
  Nothing can later tell it from a file of the learner's own, so it stays for ever. w2vlib's
  partial files carry the destination's name and the pid, so they are cleaned safely.

pooch can take a custom downloader, but the streaming with a deadline, the size check and the
signal handling are what download.py is made of: pooch would keep only the hash and the rename
(a dozen lines), and would add requests and its dependencies to w2vlib's. When a test here
fails, pooch has closed that gap: measure the move to it again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

pooch = pytest.importorskip("pooch", reason="pooch is in the dev extra (make setup)")

import test_datasets  # noqa: E402  (its local HTTP server)
from test_datasets import GOOD, leftovers, sha  # noqa: E402

from w2vlib import datasets, download  # noqa: E402

server = test_datasets.server  # the fixture, shared

DRIP = GOOD[:15]  # 15 bytes, one every 0.2 s: 3 s in all, every single read quick


def _pooch(url, path, known, fname="x.txt", timeout=1.0):
    return pooch.retrieve(url, None if known is None else "sha256:" + known, fname=fname, path=path,
                          downloader=pooch.HTTPDownloader(timeout=timeout, progressbar=False),
                          progressbar=False)


def test_a_dripping_server_holds_pooch_past_its_timeout_but_not_w2vlib(server, tmp_path):  # noqa: F811
    server.routes["/drip.txt"] = ("drip", DRIP)
    t0 = time.monotonic()
    _pooch(server.url + "/drip.txt", tmp_path / "pooch", sha(DRIP), timeout=1.0)
    assert time.monotonic() - t0 > 2.5, "pooch stopped a dripping server: re-measure the move to it"

    t0 = time.monotonic()
    with pytest.raises(download.DatasetUnavailableError, match="may take 1 s"):
        download.download(server.url + "/drip.txt", tmp_path / "ours" / "x.txt", sha(DRIP),
                          len(DRIP), deadline=1.0)
    assert time.monotonic() - t0 < 2.0
    assert leftovers(tmp_path / "ours") == []


def test_a_corrupt_cached_copy_is_overwritten_by_pooch_and_kept_by_w2vlib(server, tmp_path,  # noqa: F811
                                                                           monkeypatch):
    crlf = GOOD.replace(b"\n", b"\r\n")
    server.routes["/good.txt"] = server.routes["/ptb.valid.txt"] = ("ok", GOOD)
    (tmp_path / "pooch").mkdir()
    (tmp_path / "pooch" / "x.txt").write_bytes(crlf)
    _pooch(server.url + "/good.txt", tmp_path / "pooch", sha(GOOD))
    assert [p.read_bytes() for p in (tmp_path / "pooch").iterdir()] == [GOOD], (
        "pooch kept the corrupt copy: re-measure the move to it")

    # w2vlib, on the same kind of file: the PTB layer moves the learner's copy aside first
    info = datasets.RemoteFile("ptb.valid.txt", len(GOOD), sha(GOOD))
    monkeypatch.setitem(datasets.PTB_FILES, "valid", info)
    (tmp_path / "ours" / "ptb").mkdir(parents=True)
    (tmp_path / "ours" / "ptb" / "ptb.valid.txt").write_bytes(crlf)
    with pytest.warns(UserWarning, match="moved aside"):
        datasets.fetch_ptb("valid", data_dir=tmp_path / "ours", base_url=server.url)
    kept = tmp_path / "ours" / "ptb" / "ptb.valid.txt.corrupt"
    assert kept.read_bytes() == crlf and (tmp_path / "ours" / "ptb" / "ptb.valid.txt").read_bytes() == GOOD


KILLED = """
import sys, pooch
pooch.retrieve(sys.argv[1], None, fname="x.txt", path=sys.argv[2], progressbar=False)
"""


@pytest.mark.skipif(os.name != "posix", reason="signals")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_pooch_download_leaves_an_anonymous_file_for_ever(server, tmp_path, sig):  # noqa: F811
    server.routes["/drip.txt"] = ("drip", GOOD[:200])
    server.routes["/good.txt"] = ("ok", GOOD)
    cache = tmp_path / "pooch"
    cache.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", KILLED, server.url + "/drip.txt", str(cache)])
    try:
        deadline = time.monotonic() + 30
        while not any(cache.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        proc.send_signal(sig)
        proc.wait(10)
    _pooch(server.url + "/good.txt", cache, sha(GOOD))  # the next download, as w2vlib's would be
    left = sorted(p.name for p in cache.iterdir() if p.name != "x.txt")
    assert len(left) == 1 and left[0].startswith("tmp"), (
        f"pooch cleaned up after {sig.name} ({left}): re-measure the move to it")
    # w2vlib's side of the same story is tests/test_datasets.py: test_sigterm_during_a_download_
    # removes_the_partial and test_stale_partials_are_removed_on_the_next_fetch
