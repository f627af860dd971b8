"""What j1sync sends is what its client wrote, to the host it was given.

- ~/.netrc: requests reads it for any session that trusts the environment, and its entry
  for a host (or its `default`) replaced the API key with Basic auth (JupiterOne, OpenCTI:
  every run refused with 401) or went along beside it (xyOps' X-API-Key: the netrc
  password sent to the API). Now the session never reads it; proxies and CA bundles from
  the environment still apply.
- A redirect to another host, port or scheme was followed with the request's headers:
  requests drops only `Authorization`, so xyOps' X-API-Key reached whatever the answer
  named. Now such a redirect is not followed, and the error names where it led."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from tests.hostile.in_process import j1sync_here
from tests.hostile.loopback import loopback_server

ROOT = Path(__file__).resolve().parents[2]
XY_KEY = "s28-xy-Key-6d1f0c9a2b7e"


def test_a_netrc_entry_changes_nothing_sent(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    netrc = tmp_path / "home" / ".netrc"
    netrc.write_text("default login netrc-user password s28-netrc-Password-4e5f\n")
    netrc.chmod(0o600)
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    planned = j1sync_here(
        ["plan", "manifests", "--emulator"],
        {"HOME": str(tmp_path / "home"), "NETRC": str(netrc)},
        tmp_path,
    )
    # each system's emulator checks the key it was sent: Basic auth from the netrc
    # would be refused (401) where it replaces it
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "Plan:" in planned.stdout


def _recorder(seen: list[bytes]) -> object:
    def handle(conn: socket.socket) -> None:
        conn.settimeout(2)
        try:
            seen.append(conn.recv(65536))
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    return handle


def test_a_redirect_elsewhere_is_not_followed(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "manifests" / "xyops", tmp_path / "manifests")
    seen: list[bytes] = []
    with loopback_server(_recorder(seen)) as elsewhere:  # type: ignore[arg-type]

        def redirect(conn: socket.socket) -> None:
            conn.settimeout(2)
            try:
                request = conn.recv(65536).split(b" ")[1].decode()
                conn.sendall(
                    f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {elsewhere}{request}\r\n"
                    "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
                )
            except OSError:
                pass
            finally:
                conn.close()

        with loopback_server(redirect) as url:
            planned = j1sync_here(
                ["plan", "manifests"], {"XYOPS_URL": url, "XYOPS_API_KEY": XY_KEY}, tmp_path
            )
    assert planned.returncode == 1, planned.stdout + planned.stderr
    assert seen == []  # nothing reached the other server, the key least of all
    assert f"the answer redirected to {elsewhere}/" in planned.stderr, planned.stderr
    assert "which j1sync does not follow" in planned.stderr
    assert "Traceback" not in planned.stderr and XY_KEY not in planned.stderr
