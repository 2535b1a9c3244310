"""`python -m bot serve` starting up: the embedded database is migrated, a taken port is
one clear line."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp_path: Path, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-start-test",
        "SLACK_SIGNING_SECRET": "start-test-secret",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "SIGNALWIRE_BASE_URL": "http://127.0.0.1:9",
        "SIGNALWIRE_PROJECT_ID": "project",
        "SIGNALWIRE_API_TOKEN": "token-value",
        "DATABASE_URL": f"sqlite:///{tmp_path}/nested/roomops.db",
        "PORT": str(port),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_migrates_the_embedded_database_and_answers_health(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=ROOT,
        env=_env(tmp_path, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.2)
        assert health.status_code == 200
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0].decode()
    assert proc.returncode == 0, output
    tables = sqlite3.connect(tmp_path / "nested" / "roomops.db").execute(
        "select name from sqlite_master where type = 'table'"
    )
    names = {row[0] for row in tables}
    assert {"alembic_version", "approval_requests", "audit_events"} <= names, names


def test_a_taken_port_is_one_line_and_no_traceback(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "bot", "serve"],
            cwd=ROOT,
            env=_env(tmp_path, port),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"PORT: cannot listen on 0.0.0.0:{port}" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Unclosed" not in done.stderr + done.stdout
