"""A server that echoes the request back, encoded, shows no credential. Error text from
the API was cleaned of the key as written and as JSON escapes it, but a gateway quoting
the request URL-encoded (`X-API-Key%3A%20...`) or in base64 (a `Basic` header, a request
dump) kept it readable to anyone with the job's log. Now each credential is also taken
out URL-encoded and in base64 (standard and URL-safe, wherever it starts in the blob)."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import urllib.parse
from pathlib import Path

from tests.hostile.in_process import j1sync_here
from tests.hostile.loopback import loopback_server

ROOT = Path(__file__).resolve().parents[2]
KEY = 'S28+ECHO/key=chars&"q"%41<z>9-Long'


def _echo(conn: socket.socket) -> None:
    conn.settimeout(2)
    try:
        request = conn.recv(65536).decode("latin-1")
        header = next(line for line in request.split("\r\n") if line.startswith("Authorization"))
        said = [urllib.parse.quote(header, safe="")]
        said += [base64.b64encode(f"{pad}{header}".encode()).decode() for pad in ("", "a", "ab")]
        said += [base64.urlsafe_b64encode(f"u:{KEY}".encode()).decode()]
        body = json.dumps({"data": None, "errors": [{"message": "echo " + " ".join(said)}]})
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n{body}".encode()
        )
    except (OSError, StopIteration):
        pass
    finally:
        conn.close()


def test_an_echoed_key_is_taken_out_in_every_encoding(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "manifests" / "questions", tmp_path / "manifests")
    with loopback_server(_echo) as url:
        settings = {
            "JUPITERONE_API_KEY": KEY,
            "JUPITERONE_ACCOUNT_ID": "s28-echo-account",
            "JUPITERONE_API_URL": url,
        }
        done = j1sync_here(["plan", "manifests"], settings, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "echo " in done.stderr, done.stderr  # the server's words are shown
    shown = done.stdout + done.stderr
    encoded = [urllib.parse.quote(KEY, safe="")]
    encoded += [base64.b64encode(f"{pad}{KEY}".encode()).decode()[4:-4] for pad in ("", "a", "ab")]
    for form in [KEY, *encoded]:
        assert form not in shown, form
