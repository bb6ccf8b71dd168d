"""A Chroma server that requires a token: nginx (scripts/chroma_token_proxy.py) in front of a real
`chroma run`, both started here on loopback. The right token works; a wrong or missing one is one
clear line, exit code 2, and nothing reaches the server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings

from tests.conftest import CHROMA_BIN, ROOT, _wait_for_heartbeat, free_port
from tests.test_memory_cli import POOLS, ok, user_error

TOKEN = "test-token-7f3a9c1e5b2d4680"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        assert process.poll() is None, "nginx exited early"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("nginx did not listen within 30 s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """(proxy port, a client that talks to Chroma directly, behind the proxy's back)."""
    if not os.path.exists(NGINX):
        pytest.fail("nginx is not installed: apt-get install nginx-light (.ci/run does this)")
    folder = tmp_path_factory.mktemp("guarded")
    chroma_port, proxy_port = free_port(), free_port()
    chroma = subprocess.Popen([str(CHROMA_BIN), "run", "--path", str(folder / "db"), "--host",
                               "127.0.0.1", "--port", str(chroma_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    proxy = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "chroma_token_proxy.py"), "--listen",
         f"127.0.0.1:{proxy_port}", "--chroma", f"127.0.0.1:{chroma_port}",
         "--dir", str(folder / "proxy")],
        env={**os.environ, "CHROMA_TOKEN": TOKEN})
    try:
        _wait_for_heartbeat(chroma_port, chroma)
        _wait_for_port(proxy_port, proxy)
        direct = chromadb.HttpClient(host="127.0.0.1", port=chroma_port,
                                     settings=Settings(anonymized_telemetry=False))
        yield proxy_port, direct
    finally:
        _stop(proxy)
        _stop(chroma)


def _import(proxy_port: int, cwd: Path, *extra: str, token: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != "CHROMA_TOKEN"}
    if token is not None:
        env["CHROMA_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", "memory", "import", str(POOLS / "webshop_original.yaml"),
         "--chroma-host", "127.0.0.1", "--chroma-port", str(proxy_port), "--collection", "guarded",
         *extra], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_a_wrong_or_missing_token_is_refused_and_nothing_is_written(guarded, tmp_path):
    proxy_port, direct = guarded
    line = user_error(_import(proxy_port, tmp_path, "--chroma-token", "not-" + TOKEN))
    assert "refused the request: wrong token" in line and TOKEN not in line
    line = user_error(_import(proxy_port, tmp_path, token="also-not-the-token-1234"))
    assert "wrong token" in line
    line = user_error(_import(proxy_port, tmp_path))
    assert "requires a token; give --chroma-token or set CHROMA_TOKEN" in line
    assert direct.list_collections() == []


def test_the_right_token_works_from_the_flag_or_the_environment(guarded, tmp_path):
    proxy_port, direct = guarded
    out = ok(_import(proxy_port, tmp_path, token=TOKEN))
    assert "'guarded' at http://127.0.0.1:" in out
    stored = direct.get_collection("guarded").count()
    assert stored > 0
    out = ok(_import(proxy_port, tmp_path, "--chroma-token", TOKEN))
    assert f"0 new, {stored} already stored" in out


def _copy_to_guarded(proxy_port: int, cwd: Path, *extra: str):
    """`memory copy` of ./memory's collection to the guarded server, CHROMA_TOKEN unset."""
    env = {k: v for k, v in os.environ.items() if k != "CHROMA_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "agent.cli", "memory", "copy", "rememberer", "copied",
         "--to-chroma-host", "127.0.0.1", "--to-chroma-port", str(proxy_port), *extra],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_memory_copy_sends_the_destination_token(guarded, tmp_path):
    proxy_port, direct = guarded
    ok(subprocess.run([sys.executable, "-m", "agent.cli", "memory", "import",
                       str(POOLS / "webshop_original.yaml")], cwd=tmp_path, capture_output=True,
                      text=True, timeout=300))
    line = user_error(_copy_to_guarded(proxy_port, tmp_path, "--to-chroma-token", "x" * 20))
    assert "wrong token" in line
    assert "copied" not in [c.name for c in direct.list_collections()]
    out = ok(_copy_to_guarded(proxy_port, tmp_path, "--to-chroma-token", TOKEN))
    assert "to 'copied' at http://127.0.0.1:" in out
    assert direct.get_collection("copied").count() > 0
    assert not any(TOKEN in path.read_text(errors="ignore")
                   for path in tmp_path.rglob("*") if path.is_file())
