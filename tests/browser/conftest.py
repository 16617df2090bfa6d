"""Browser tests: a real JupyterLab, driven in Debian's Chromium by Playwright.

These tests are slow (a server, a kernel, a browser) and need Chromium and the
``playwright`` package (``pip install -e '.[browser]'``, never ``playwright
install``). They are therefore collected **only when asked for by path**::

    pytest tests/browser            # what `make test-browser` runs

``pytest tests`` (and so ``make test``) skips this directory silently. Without
Chromium or Playwright the tests are skipped with the reason, except when the
environment variable ``CI`` is ``true`` (or ``1``), where that is a failure.

Environment variables: ``W2VLIB_CHROMIUM`` (default ``/usr/bin/chromium``),
``W2VLIB_HEADED=1`` to watch the browser (needs a display).

Nothing here imports Playwright at import time: ``make test`` imports this file.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTIFACTS = REPO / "artifacts" / "browser"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: Seconds to wait for the server to answer /api/status.
SERVER_START_TIMEOUT = 90


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in Chromium (run with "
                                       "`make test-browser` or `pytest tests/browser`)")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _unavailable(reason: str):
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip; "
                    "run .ci/install-browser)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("W2VLIB_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).is_file():
        _unavailable(f"no Chromium at {path}: `apt-get install -y chromium` "
                     "(or set W2VLIB_CHROMIUM); never `playwright install`")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is missing: `.venv/bin/pip install -e '.[browser]'`")
    return path


# ------------------------------------------------------------------ JupyterLab server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab process on 127.0.0.1 with a random port and token."""

    def __init__(self, root: Path, scratch: Path):
        self.root = root
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = scratch / "jupyterlab.log"
        self.runtime_dir = scratch / "runtime"
        settings = scratch / "settings"
        notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True, exist_ok=True)
        # no "Jupyter news?" toast covering the screenshots, no update check
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
        tracker.parent.mkdir(parents=True, exist_ok=True)
        # every cell in the DOM, so locators never wait for a cell to be scrolled into view
        tracker.write_text(json.dumps({"windowingMode": "none"}))
        env = dict(os.environ)
        env.update({
            "JUPYTER_CONFIG_DIR": str(scratch / "config"),     # ignore ~/.jupyter
            "JUPYTER_RUNTIME_DIR": str(self.runtime_dir),
            "IPYTHONDIR": str(scratch / "ipython"),
            "MPLBACKEND": "Agg",
        })
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
               "--ip=127.0.0.1", f"--port={self.port}", "--port-retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={scratch / 'workspaces'}"]
        self._log = open(self.log_path, "wb")
        # its own session: the kernels it starts can be found by its process group
        self.proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def _request(self, path: str, method: str = "GET", timeout: float = 5.0, body=None):
        headers = {"Authorization": f"token {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, method=method, headers=headers, data=data)
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()

    def start_kernel_for(self, notebook: str, timeout: float = 120.0) -> str:
        """Start the notebook's ``python3`` kernel through the REST API and wait until it answers.

        Opening a notebook whose kernel is already running is deterministic; letting the
        page start it raced on a busy machine (a kernel started, killed and started again,
        a "Select Kernel" dialog, a Run All that ran one cell).
        """
        _, raw = self._request("/api/sessions", method="POST", timeout=30, body={
            "path": notebook, "name": notebook, "type": "notebook", "kernel": {"name": "python3"}})
        kernel_id = json.loads(raw)["kernel"]["id"]
        # wait until it answers kernel_info, as a client (the server's own state stays
        # "starting" until some client has talked to the kernel)
        from jupyter_client import BlockingKernelClient

        # wait_for_ready raises RuntimeError ("Kernel died before replying") when the first
        # kernel_info gets no answer within a second and the heartbeat has not beaten yet --
        # a kernel still importing on a busy machine looks like that. So ask again until the
        # deadline, and give up only then.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            client = BlockingKernelClient()
            client.load_connection_file(str(self.runtime_dir / f"kernel-{kernel_id}.json"))
            client.start_channels()
            try:
                client.wait_for_ready(timeout=max(1.0, deadline - time.monotonic()))
                return kernel_id
            except RuntimeError:
                time.sleep(0.5)
            finally:
                client.stop_channels()
        raise RuntimeError(f"the kernel for {notebook} did not start in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        if not self._log.closed:
            self._log.flush()
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def wait_ready(self, timeout: float = SERVER_START_TIMEOUT) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, _ = self._request("/api/status", timeout=2)
                if status == 200:
                    return time.monotonic() - start
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"jupyter lab did not answer /api/status in {timeout} s:\n{self.log_tail()}")

    def url(self, path: str) -> str:
        # no `?reset`: the workspaces directory is fresh anyway, and resetting while the
        # notebook opens made JupyterLab start a second kernel now and then
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def stop(self) -> None:
        """Shut down politely (kernels included), then by PID if it lingers."""
        if self.proc.poll() is None:
            try:
                self._request("/api/shutdown", method="POST", timeout=5)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        # anything it started that outlived it (a kernel) is in its process group
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    """A scratch copy of notebooks/ (so autosave can never touch the repository).

    The notebooks find the shipped vectors through ``w2vlib.datasets.shipped_file`` and PTB
    through the data cache, so nothing else needs copying.
    """
    scratch = tmp_path_factory.mktemp("lab")
    root = scratch / "notebooks"
    root.mkdir()
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        (root / nb.name).write_bytes(nb.read_bytes())
    return root


@pytest.fixture(scope="session")
def lab_server(chromium_path, lab_root, artifacts, tmp_path_factory):
    scratch = tmp_path_factory.mktemp("lab-state")
    server = LabServer(lab_root, scratch)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()
        # the server's log beside the screenshots, for a failure in CI
        (artifacts / "jupyterlab.log").write_bytes(server.log_path.read_bytes())


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="session")
def chromium_browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS,
                                    headless=os.environ.get("W2VLIB_HEADED") != "1")
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def browser_tab(chromium_browser, artifacts, viewport: dict, last_shot: str):
    """A fresh tab of ``viewport`` size; its last state is saved as ``last_shot`` (see a failure)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    context = chromium_browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        try:
            page.screenshot(path=str(artifacts / last_shot))
        finally:
            context.close()


@pytest.fixture
def lab_page(chromium_browser, artifacts):
    """A fresh 1400 x 1400 tab; its last state is saved as ``99_last_state.png``."""
    with browser_tab(chromium_browser, artifacts, {"width": 1400, "height": 1400},
                     "99_last_state.png") as page:
        yield page


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``artifacts/browser/``, emptied of an earlier run's screenshots and log."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in (*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("*.log")):
        old.unlink()
    return ARTIFACTS
