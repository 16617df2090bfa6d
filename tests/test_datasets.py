"""Tests of w2vlib.datasets: download, verification, cache handling, PTB loading, CLI.

Network tests talk to a local HTTP server only.  Tests marked ``needs_ptb``
need the real PTB files in the data cache (``make data``); they fail, not
skip, when the files are missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from w2vlib import datasets, download
from w2vlib.datasets import (
    ChecksumError,
    DatasetError,
    DatasetUnavailableError,
    RemoteFile,
)

REPO = Path(__file__).resolve().parents[1]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftovers(directory: Path) -> list[str]:
    """Every file below ``directory`` (to check nothing was left behind)."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


# ------------------------------------------------------------------ local HTTP server

class Handler(BaseHTTPRequestHandler):
    """Serves ``server.routes``: path -> (kind, payload)."""

    def do_GET(self):  # noqa: N802 (name fixed by BaseHTTPRequestHandler)
        self.server.requests.append(self.path)
        kind, body = self.server.routes.get(self.path, ("missing", b""))
        if kind == "missing":
            self.send_error(404, "not here")
            return
        if kind == "slow":
            time.sleep(1.0)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if kind != "drip":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if kind == "truncated":  # announce the whole body, send half of it, hang up
            body = body[: len(body) // 2]
        if kind == "drip":  # one byte every 0.2 s: every read is quick, the whole never ends
            for i in range(len(body)):
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                time.sleep(0.2)
            return
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):  # keep pytest output clean
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # The client hanging up early (timeout test) is expected; anything else is not.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture
def server():
    srv = QuietServer(("127.0.0.1", 0), Handler)
    srv.routes = {}
    srv.requests = []
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    thread = threading.Thread(target=srv.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@pytest.fixture
def dead_url():
    """A URL on a port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def clean_state(monkeypatch):
    monkeypatch.delenv("W2VLIB_PTB_URL", raising=False)
    download.verified.clear()
    datasets._train_vocab.cache_clear()
    datasets._split_corpus.cache_clear()
    yield
    download.verified.clear()
    datasets._train_vocab.cache_clear()
    datasets._split_corpus.cache_clear()


# ------------------------------------------------------------------ download()

GOOD = b"the quick brown fox\n" * 50


def test_download_good_file(server, tmp_path):
    server.routes["/good.txt"] = ("ok", GOOD)
    dest = tmp_path / "sub" / "good.txt"
    out = datasets.download(server.url + "/good.txt", dest, sha(GOOD), len(GOOD))
    assert out == dest
    assert dest.read_bytes() == GOOD
    assert leftovers(tmp_path) == ["sub/good.txt"]


def test_download_wrong_bytes(server, tmp_path):
    wrong = GOOD.replace(b"fox", b"cat")
    assert len(wrong) == len(GOOD)
    server.routes["/good.txt"] = ("ok", wrong)
    url = server.url + "/good.txt"
    dest = tmp_path / "good.txt"
    with pytest.raises(ChecksumError) as info:
        datasets.download(url, dest, sha(GOOD), len(GOOD))
    msg = str(info.value)
    assert url in msg
    assert sha(GOOD) in msg  # expected
    assert sha(wrong) in msg  # found
    assert f"{len(GOOD):,} bytes" in msg
    assert str(dest) in msg
    assert leftovers(tmp_path) == []


def test_download_wrong_length_announced(server, tmp_path):
    server.routes["/good.txt"] = ("ok", GOOD + b"extra")
    with pytest.raises(ChecksumError, match="announces"):
        datasets.download(server.url + "/good.txt", tmp_path / "g", sha(GOOD), len(GOOD))
    assert leftovers(tmp_path) == []


def test_download_wrong_bytes_without_known_size(server, tmp_path):
    server.routes["/good.txt"] = ("ok", b"something else")
    with pytest.raises(ChecksumError) as info:
        datasets.download(server.url + "/good.txt", tmp_path / "g", sha(GOOD))
    assert sha(b"something else") in str(info.value)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("size", [len(GOOD), None])
def test_download_truncated(server, tmp_path, size):
    server.routes["/good.txt"] = ("truncated", GOOD)
    url = server.url + "/good.txt"
    dest = tmp_path / "good.txt"
    with pytest.raises(DatasetUnavailableError) as info:
        datasets.download(url, dest, sha(GOOD), size)
    msg = str(info.value)
    assert "incomplete transfer" in msg
    assert f"{len(GOOD) // 2:,} of {len(GOOD):,} bytes" in msg
    assert url in msg and str(dest) in msg and sha(GOOD) in msg
    assert leftovers(tmp_path) == []


def test_download_connection_refused(dead_url, tmp_path):
    url = dead_url + "/ptb.train.txt"
    dest = tmp_path / "ptb" / "ptb.train.txt"
    with pytest.raises(DatasetUnavailableError) as info:
        datasets.download(url, dest, sha(GOOD), len(GOOD))
    msg = str(info.value)
    assert f"Could not download {url}" in msg
    assert f"\n    {dest}\n" in msg  # the exact absolute path to save the file as
    assert dest.is_absolute()
    assert sha(GOOD) in msg
    assert "W2VLIB_DATA" in msg and "ptb/ptb.train.txt" in msg
    assert isinstance(info.value.__cause__, urllib.error.URLError)
    assert leftovers(tmp_path) == []


def test_download_http_error(server, tmp_path):
    url = server.url + "/nowhere.txt"
    with pytest.raises(DatasetUnavailableError, match="HTTP error 404") as info:
        datasets.download(url, tmp_path / "x.txt", sha(GOOD))
    assert isinstance(info.value.__cause__, urllib.error.HTTPError)
    assert url in str(info.value)
    assert leftovers(tmp_path) == []


def test_download_timeout(server, tmp_path):
    server.routes["/slow.txt"] = ("slow", GOOD)
    t0 = time.monotonic()
    with pytest.raises(DatasetUnavailableError, match="timed out"):
        datasets.download(server.url + "/slow.txt", tmp_path / "x.txt", sha(GOOD),
                          timeout=0.2)
    assert time.monotonic() - t0 < 0.9
    assert leftovers(tmp_path) == []


def test_download_deadline_stops_a_dripping_server(server, tmp_path):
    server.routes["/drip.txt"] = ("drip", GOOD)
    url = server.url + "/drip.txt"
    t0 = time.monotonic()
    with pytest.raises(DatasetUnavailableError) as info:
        datasets.download(url, tmp_path / "x.txt", sha(GOOD), len(GOOD), deadline=1.0)
    assert time.monotonic() - t0 < 3
    msg = str(info.value)
    assert f"Could not download {url}: timed out: the whole download may take 1 s" in msg
    assert "--timeout SECONDS" in msg and str(tmp_path / "x.txt") in msg
    assert leftovers(tmp_path) == []


def test_fetch_and_load_ptb_take_a_timeout(fake_ptb, tmp_path):
    fake_ptb.routes["/ptb/ptb.train.txt"] = ("drip", FAKE["train"])
    for call in (lambda: datasets.fetch_ptb(["train"], data_dir=tmp_path,
                                            base_url=fake_ptb.base, timeout=0.5),
                 lambda: datasets.load_ptb("train", data_dir=tmp_path, timeout=0.5)):
        t0 = time.monotonic()
        os.environ["W2VLIB_PTB_URL"] = fake_ptb.base
        try:
            with pytest.raises(DatasetUnavailableError, match="may take 0.5 s"):
                call()
        finally:
            del os.environ["W2VLIB_PTB_URL"]
        assert time.monotonic() - t0 < 2.5
    assert leftovers(tmp_path) == []


def test_cli_fetch_timeout(server, tmp_path):
    server.routes["/ptb/ptb.valid.txt"] = ("drip", b"x" * 100)
    t0 = time.monotonic()
    result = run_cli("fetch", "ptb", "--split", "valid", "--timeout", "0.5",
                     env_extra={"W2VLIB_DATA": str(tmp_path), "W2VLIB_PTB_URL": server.url + "/ptb"})
    assert time.monotonic() - t0 < 10
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "timed out: the whole download may take 0.5 s" in result.stderr
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ partial downloads

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_partials_are_removed_on_the_next_fetch(server, tmp_path):
    server.routes["/good.txt"] = ("ok", GOOD)
    dest = tmp_path / "good.txt"
    killed = tmp_path / f"good.txt.{_dead_pid()}-0123abcd.part"  # its process is gone
    old = tmp_path / "good.txt.89abcdef.part"  # the old naming, not written for a day
    running = tmp_path / f"good.txt.{os.getppid()}-4567cdef.part"  # a live download: kept
    other = tmp_path / "other.txt.99-0123abcd.part"  # another file's: not ours to judge
    for p in (killed, old, running, other):
        p.write_bytes(b"partial")
    os.utime(old, (time.time() - 86400,) * 2)
    datasets.download(server.url + "/good.txt", dest, sha(GOOD), len(GOOD))
    assert leftovers(tmp_path) == sorted(p.name for p in (dest, running, other))


SIGTERM_SCRIPT = """
import signal, sys
from w2vlib import download
before = signal.getsignal(signal.SIGTERM)
print("start", flush=True)
try:
    download.download(sys.argv[1], sys.argv[2], "0" * 64, deadline=60)
except download.DatasetError as e:
    print("error:", e)
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_sigterm_during_a_download_removes_the_partial(server, tmp_path):
    server.routes["/drip.txt"] = ("drip", GOOD)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", SIGTERM_SCRIPT, server.url + "/drip.txt",
                             str(tmp_path / "x.txt")], env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not list(tmp_path.glob("*.part")):
            assert time.monotonic() < deadline and proc.poll() is None, "no .part file appeared"
            time.sleep(0.05)
        proc.terminate()
        assert proc.wait(10) == -signal.SIGTERM  # the default handler ran: the process ended
    finally:
        proc.kill()
    assert leftovers(tmp_path) == []


def test_sigterm_handler_is_restored(server, tmp_path):
    server.routes["/good.txt"] = ("ok", GOOD)
    before = signal.getsignal(signal.SIGTERM)
    datasets.download(server.url + "/good.txt", tmp_path / "g", sha(GOOD))
    assert signal.getsignal(signal.SIGTERM) is before


def test_failed_download_keeps_existing_file(server, tmp_path):
    dest = tmp_path / "good.txt"
    dest.write_bytes(b"previous")
    server.routes["/good.txt"] = ("ok", b"garbage")
    with pytest.raises(ChecksumError):
        datasets.download(server.url + "/good.txt", dest, sha(GOOD))
    assert dest.read_bytes() == b"previous"
    assert leftovers(tmp_path) == ["good.txt"]


# ------------------------------------------------------------------ fetch_ptb() on fake files

FAKE = {
    "train": b" a b c \n b d \n",
    "valid": b" d a \n",
    "test": b" c \n",
}


@pytest.fixture
def fake_ptb(monkeypatch, server):
    """Replace the checksum table with small fake files, served by ``server``."""
    for split, body in FAKE.items():
        name = f"ptb.{split}.txt"
        monkeypatch.setitem(datasets.PTB_FILES, split, RemoteFile(name, len(body), sha(body)))
        server.routes[f"/ptb/{name}"] = ("ok", body)
    server.base = server.url + "/ptb/"
    return server


def test_fetch_ptb_downloads_then_is_a_noop(fake_ptb, tmp_path):
    paths = datasets.fetch_ptb(data_dir=tmp_path, base_url=fake_ptb.base)
    assert list(paths) == ["train", "valid", "test"]
    for split, path in paths.items():
        assert path == tmp_path / "ptb" / f"ptb.{split}.txt"
        assert path.read_bytes() == FAKE[split]
    assert len(fake_ptb.requests) == 3
    assert leftovers(tmp_path) == ["ptb/ptb.test.txt", "ptb/ptb.train.txt",
                                   "ptb/ptb.valid.txt"]
    download.verified.clear()  # even without the in-memory record: hash, no download
    assert datasets.fetch_ptb(data_dir=tmp_path, base_url=fake_ptb.base) == paths
    assert len(fake_ptb.requests) == 3


def test_fetch_ptb_base_url_from_env(fake_ptb, tmp_path, monkeypatch):
    monkeypatch.setenv("W2VLIB_PTB_URL", fake_ptb.base.rstrip("/"))
    datasets.fetch_ptb("valid", data_dir=tmp_path)
    assert fake_ptb.requests == ["/ptb/ptb.valid.txt"]


def test_fetch_ptb_unreachable(fake_ptb, tmp_path, dead_url):
    with pytest.raises(DatasetUnavailableError) as info:
        datasets.fetch_ptb(["train"], data_dir=tmp_path, base_url=dead_url)
    msg = str(info.value)
    assert dead_url + "/ptb.train.txt" in msg
    assert str(tmp_path / "ptb" / "ptb.train.txt") in msg
    assert "W2VLIB_DATA" in msg
    assert leftovers(tmp_path) == []


def test_fetch_real_valid_file_from_local_server(server, tmp_path):
    real = datasets.data_dir() / "ptb" / "ptb.valid.txt"
    if not real.is_file():
        pytest.skip(f"the real ptb.valid.txt is not in the data cache ({real}); "
                    "run `make data` to include this test")
    server.routes["/d/ptb.valid.txt"] = ("ok", real.read_bytes())
    paths = datasets.fetch_ptb(["valid"], data_dir=tmp_path, base_url=server.url + "/d")
    got = paths["valid"]
    assert got.stat().st_size == datasets.PTB_FILES["valid"].size
    assert sha(got.read_bytes()) == datasets.PTB_FILES["valid"].sha256
    assert server.requests == ["/d/ptb.valid.txt"]


# ------------------------------------------------------------------ corrupt cache

def _corrupt(tmp_path: Path, split: str = "valid") -> Path:
    path = tmp_path / "ptb" / f"ptb.{split}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b" not the right file \n")
    return path


def test_corrupt_cache_is_replaced(fake_ptb, tmp_path):
    path = _corrupt(tmp_path)
    aside = path.with_name("ptb.valid.txt.corrupt")
    with pytest.warns(UserWarning, match="corrupt.*moved aside to .*Downloading it again") as w:
        datasets.fetch_ptb(["valid"], data_dir=tmp_path, base_url=fake_ptb.base)
    assert str(aside) in str(w[0].message)
    assert path.read_bytes() == FAKE["valid"]
    assert aside.read_bytes() == b" not the right file \n"  # kept, never deleted
    assert fake_ptb.requests == ["/ptb/ptb.valid.txt"]


def test_corrupt_cache_is_never_used_by_load(fake_ptb, tmp_path):
    datasets.fetch_ptb(data_dir=tmp_path, base_url=fake_ptb.base)
    datasets.load_ptb("valid", data_dir=tmp_path)
    _corrupt(tmp_path)
    os.utime(tmp_path / "ptb" / "ptb.valid.txt", ns=(1, 1))  # stale-looking mtime
    with pytest.raises(ChecksumError, match="was corrupt"):
        datasets.load_ptb("valid", data_dir=tmp_path, download=False)


def test_corrupt_cache_and_no_network(fake_ptb, tmp_path, dead_url):
    path = _corrupt(tmp_path)
    with pytest.warns(UserWarning), pytest.raises(DatasetUnavailableError) as info:
        datasets.fetch_ptb(["valid"], data_dir=tmp_path, base_url=dead_url)
    msg = str(info.value)
    assert f"The cached file {path} was corrupt" in msg
    assert f"has been moved aside to {path}.corrupt" in msg
    assert dead_url + "/ptb.valid.txt" in msg and f"\n    {path}\n" in msg
    assert isinstance(info.value.__cause__, urllib.error.URLError)
    assert leftovers(tmp_path) == ["ptb/ptb.valid.txt.corrupt"]


def test_corrupt_cache_with_download_false(fake_ptb, tmp_path):
    datasets.fetch_ptb(["train"], data_dir=tmp_path, base_url=fake_ptb.base)
    path = _corrupt(tmp_path)
    with pytest.raises(ChecksumError) as info:
        datasets.load_ptb("valid", data_dir=tmp_path, download=False)
    msg = str(info.value)
    assert "was corrupt" in msg and f"has been moved aside to {path}.corrupt" in msg
    assert "python -m w2vlib.datasets fetch ptb" in msg and str(path) in msg
    assert not path.exists()
    assert Path(f"{path}.corrupt").read_bytes() == b" not the right file \n"


def test_offline_learner_never_loses_a_converted_copy(fake_ptb, tmp_path):
    """A CRLF copy (an editor's doing) is moved aside, an older .corrupt kept: numbered."""
    datasets.fetch_ptb(["train"], data_dir=tmp_path, base_url=fake_ptb.base)
    path = tmp_path / "ptb" / "ptb.train.txt"
    crlf = FAKE["train"].replace(b"\n", b"\r\n")
    Path(f"{path}.corrupt").write_bytes(b"older")
    path.write_bytes(crlf)
    with pytest.raises(ChecksumError) as info:
        datasets.load_ptb("train", data_dir=tmp_path, download=False)
    assert f"moved aside to {path}.corrupt.1" in str(info.value)
    assert Path(f"{path}.corrupt").read_bytes() == b"older"
    assert Path(f"{path}.corrupt.1").read_bytes() == crlf
    assert fake_ptb.requests == ["/ptb/ptb.train.txt"]  # nothing downloaded with download=False


# ------------------------------------------------------------------ not a file

def test_a_directory_where_the_file_belongs(fake_ptb, tmp_path):
    path = tmp_path / "ptb" / "ptb.train.txt"
    path.mkdir(parents=True)
    for call in (lambda: datasets.load_ptb("train", data_dir=tmp_path, download=False),
                 lambda: datasets.fetch_ptb(["train"], data_dir=tmp_path, base_url=fake_ptb.base)):
        with pytest.raises(DatasetError) as info:
            call()
        assert f"{path} is a directory" in str(info.value) and "move it away" in str(info.value)
    assert path.is_dir() and fake_ptb.requests == []


def test_download_into_a_directory(server, tmp_path):
    server.routes["/good.txt"] = ("ok", GOOD)
    (tmp_path / "good.txt").mkdir()
    with pytest.raises(DatasetError, match=f"{tmp_path / 'good.txt'} is a directory"):
        datasets.download(server.url + "/good.txt", tmp_path / "good.txt", sha(GOOD))


def test_cli_fetch_a_directory_is_no_traceback(tmp_path, dead_url):
    (tmp_path / "ptb" / "ptb.train.txt").mkdir(parents=True)
    result = run_cli("fetch", "ptb", "--split", "train",
                     env_extra={"W2VLIB_DATA": str(tmp_path), "W2VLIB_PTB_URL": dead_url})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error: {tmp_path.resolve() / 'ptb' / 'ptb.train.txt'} is a directory" in result.stderr


def test_cli_fetch_data_dir_is_a_file_is_no_traceback(tmp_path, dead_url):
    (tmp_path / "ptb").write_text("not a folder")
    result = run_cli("fetch", "ptb", "--split", "valid",
                     env_extra={"W2VLIB_DATA": str(tmp_path), "W2VLIB_PTB_URL": dead_url})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert str(tmp_path.resolve() / "ptb") in result.stderr


# ------------------------------------------------------------------ load_ptb() on fake files

def test_load_ptb_fake_files(fake_ptb, tmp_path, monkeypatch):
    monkeypatch.setenv("W2VLIB_PTB_URL", fake_ptb.base)
    corpus, w2i, i2w = datasets.load_ptb("train", data_dir=tmp_path)
    assert w2i == {"a": 0, "b": 1, "c": 2, "<eos>": 3, "d": 4}
    assert i2w == {i: w for w, i in w2i.items()}
    assert corpus.dtype == np.int32 and corpus.ndim == 1
    assert corpus.tolist() == [0, 1, 2, 3, 1, 4, 3]
    valid, w2i_v, _ = datasets.load_ptb("valid", data_dir=tmp_path)
    assert valid.tolist() == [4, 0, 3] and w2i_v == w2i
    assert datasets.load_ptb("test", data_dir=tmp_path)[0].tolist() == [2, 3]
    # callers get copies: changing them does not change the next result
    corpus[0] = 99
    w2i["zzz"] = 7
    again, w2i_again, _ = datasets.load_ptb("train", data_dir=tmp_path)
    assert again[0] == 0 and "zzz" not in w2i_again
    assert len(fake_ptb.requests) == 3


def test_load_ptb_word_missing_from_train_vocab(fake_ptb, tmp_path, monkeypatch):
    body = b" a zebra \n"
    monkeypatch.setitem(datasets.PTB_FILES, "test", RemoteFile("ptb.test.txt", len(body),
                                                               sha(body)))
    fake_ptb.routes["/ptb/ptb.test.txt"] = ("ok", body)
    datasets.fetch_ptb(data_dir=tmp_path, base_url=fake_ptb.base)
    with pytest.raises(DatasetError, match="'zebra'"):
        datasets.load_ptb("test", data_dir=tmp_path, download=False)


def test_load_ptb_missing_without_download(tmp_path):
    with pytest.raises(DatasetUnavailableError) as info:
        datasets.load_ptb("train", data_dir=tmp_path, download=False)
    msg = str(info.value)
    assert datasets.PTB_BASE_URL + "ptb.train.txt" in msg
    assert f"\n    {tmp_path / 'ptb' / 'ptb.train.txt'}\n" in msg
    assert "W2VLIB_DATA" in msg and datasets.PTB_FILES["train"].sha256 in msg
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("call", [
    lambda: datasets.load_ptb("training"),
    lambda: datasets.fetch_ptb(["train", "dev"]),
    lambda: datasets.ptb_path("Test"),
])
def test_unknown_split(call):
    with pytest.raises(ValueError, match="valid splits are 'train', 'valid', 'test'"):
        call()


def test_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("W2VLIB_DATA", str(tmp_path))
    assert datasets.data_dir() == tmp_path.resolve()
    assert datasets.ptb_path("valid") == tmp_path.resolve() / "ptb" / "ptb.valid.txt"
    monkeypatch.delenv("W2VLIB_DATA")
    if (REPO / "pyproject.toml").is_file() and Path(datasets.__file__).resolve().parents[1] == REPO:
        assert datasets.data_dir() == REPO / "data"


# ------------------------------------------------------------------ the real PTB

@pytest.fixture(scope="module")
def real_ptb():
    directory = datasets.data_dir() / "ptb"
    missing = [f.name for f in datasets.PTB_FILES.values() if not (directory / f.name).is_file()]
    if missing:
        pytest.fail(f"the PTB files {missing} are not in {directory}: run `make data` "
                    "(or `python -m w2vlib.datasets fetch ptb`), or deselect these tests "
                    "with -m 'not needs_ptb'", pytrace=False)
    return directory


@pytest.mark.needs_ptb
def test_real_ptb_train(real_ptb):
    corpus, w2i, i2w = datasets.load_ptb("train", download=False)
    assert corpus.shape == (929_589,) and corpus.dtype == np.int32
    assert len(w2i) == len(i2w) == 10_000
    with open(real_ptb / "ptb.train.txt", "rb") as f:
        lines = sum(1 for _ in f)
    assert lines == 42_068
    assert int((corpus == w2i["<eos>"]).sum()) == lines
    assert corpus[-1] == w2i["<eos>"]
    assert corpus[:5].tolist() == [0, 1, 2, 3, 4]
    assert [i2w[i] for i in range(3)] == ["aer", "banknote", "berlitz"]
    assert corpus.max() == 9_999


@pytest.mark.needs_ptb
@pytest.mark.parametrize("split,tokens", [("valid", 73_760), ("test", 82_430)])
def test_real_ptb_other_splits_share_the_vocabulary(real_ptb, split, tokens):
    _, w2i_train, i2w_train = datasets.load_ptb("train", download=False)
    corpus, w2i, i2w = datasets.load_ptb(split, download=False)
    assert w2i == w2i_train and i2w == i2w_train
    assert corpus.shape == (tokens,)
    with open(real_ptb / f"ptb.{split}.txt", "rb") as f:
        assert int((corpus == w2i["<eos>"]).sum()) == sum(1 for _ in f)


# ------------------------------------------------------------------ command line

def run_cli(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("W2VLIB_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(env_extra)
    return subprocess.run([sys.executable, "-m", "w2vlib.datasets", *args], env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.needs_ptb
def test_cli_fetch_cached(real_ptb, tmp_path, dead_url):
    (tmp_path / "ptb").mkdir()
    for f in datasets.PTB_FILES.values():
        shutil.copyfile(real_ptb / f.name, tmp_path / "ptb" / f.name)
    result = run_cli("fetch", "ptb",
                     env_extra={"W2VLIB_DATA": str(tmp_path), "W2VLIB_PTB_URL": dead_url})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    for line, f in zip(lines, datasets.PTB_FILES.values(), strict=True):
        assert line.startswith(f"{f.name}: ok (cached)")


def test_cli_fetch_unreachable(tmp_path, dead_url):
    result = run_cli("fetch", "ptb",
                     env_extra={"W2VLIB_DATA": str(tmp_path), "W2VLIB_PTB_URL": dead_url})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"{dead_url}/ptb.train.txt" in result.stderr
    assert str(tmp_path.resolve() / "ptb" / "ptb.train.txt") in result.stderr
    assert "W2VLIB_DATA" in result.stderr
    assert leftovers(tmp_path) == []


def test_cli_path(tmp_path):
    result = run_cli("path", env_extra={"W2VLIB_DATA": str(tmp_path)})
    assert result.returncode == 0
    assert result.stdout.strip() == str(tmp_path.resolve())
