"""`villagehall serve` runs the production server and answers on its port."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_health_checks_and_static_files(tmp_path):
    port = free_port()
    env = {**os.environ, "VILLAGEHALL_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "villagehall", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "villagehall", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    assert response.headers["Server"] == "granian"
                    assert b'"status": "ok"' in response.read()
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(server.stdout.read1().decode() if server.poll() is not None else "no answer")
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/villagehall/hall.css", timeout=5) as response:
            assert response.status == 200 and b"--accent" in response.read()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
