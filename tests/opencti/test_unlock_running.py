"""`j1sync unlock --yes` refuses to remove the lock of an apply still running on this
machine (its process is alive): removing it would let a second apply change the platform
at the same time. Once that process is gone the same command removes it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from j1sync.connection import ConnectionOptions
from j1sync.engine.lock import LOCK_NAME, LockRecord
from j1sync.providers.opencti.lock_store import LOCK_PREFIX
from j1sync.providers.opencti.system import SYSTEM
from tests.opencti.helpers import Platform


def _locks(platform: Platform) -> list[dict[str, object]]:
    return [v for v in platform.stored("vocabularies") if str(v["name"]).startswith(LOCK_PREFIX)]


def test_unlock_refuses_the_lock_of_a_running_apply(platform: Platform) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        now = time.time()
        record = LockRecord(
            token="t",
            holder=f"ci@{socket.gethostname()} (pid {holder.pid})",
            since=now,
            expires=now + 120,
            process=(socket.gethostname(), os.readlink("/proc/self/ns/pid"), holder.pid),
        )
        assert SYSTEM.connect is not None
        settings = {"url": platform.emu.url, "apiKey": platform.emu.token}
        with SYSTEM.connect(settings, ConnectionOptions()) as provider:
            provider.lock_store().write(LOCK_NAME, record.to_text())
        refused = platform.run("unlock", "--system", "opencti", "--yes")
        assert refused.exit_code == 1, refused.output
        assert f"still runs on this machine (pid {holder.pid})" in refused.output
        assert f"kill {holder.pid}" in refused.output
        assert "Traceback" not in refused.output
        assert len(_locks(platform)) == 1
    finally:
        holder.kill()
        holder.wait()
    removed = platform.run("unlock", "--system", "opencti", "--yes")
    assert removed.exit_code == 0, removed.output
    assert "Lock removed." in removed.output
    assert not _locks(platform)
