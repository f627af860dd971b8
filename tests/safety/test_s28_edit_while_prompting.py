"""A hand edit made while `apply` waits at its question is never overwritten unseen.

The plan shown is what was read before the question; an object changed by hand while the
question waited (here: a question's tags and description, through JupiterOne's official
client) was then written over with the manifest's values, the hand edit gone without ever
being shown. Now an approved plan is checked once more against the account: an object it
changes that changed since is refused as stale (exit 1, nothing written), as `apply
--plan` refuses a saved plan; with nothing changed meanwhile, the approved plan applies."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import subprocess
import termios
import time
from pathlib import Path

from jupiterone import JupiterOneClient

from tests.examples import jupiterone_examples
from tests.reliability.processes import J1SYNC, served_emulator

API_KEY = "s28-prompt-Key-3c9e1d7a"
ACCOUNT = "s28-prompt-account"
QUESTION = Path("questions/public-s3-buckets.yaml")
TITLE = "Which S3 buckets are publicly accessible?"


def _env(url: str) -> dict[str, str]:
    settings = {
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": ACCOUNT,
        "JUPITERONE_API_URL": url,
        "NO_COLOR": "1",
    }
    return {k: v for k, v in os.environ.items() if not k.startswith("JUPITERONE_")} | settings


def _read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _take_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _apply_at_a_terminal(folder: Path, url: str, while_asked: object) -> tuple[int, bytes]:
    """`j1sync apply` on a pty: `while_asked()` runs once the question is shown, then
    `yes` is typed. Its exit status and everything it printed."""
    controller, terminal = pty.openpty()
    apply = subprocess.Popen(
        [*J1SYNC, "apply", str(folder)],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=folder.parent,
        env=_env(url),
        start_new_session=True,
        preexec_fn=_take_terminal,
    )
    os.close(terminal)
    try:
        shown = _read_until(controller, b"Only 'yes' will be accepted", 60)
        assert b"Only 'yes' will be accepted" in shown, shown[-2000:]
        while_asked()  # type: ignore[operator]
        os.write(controller, b"yes\n")
        rest = _read_until(controller, b"\x00never", 60 if apply.poll() is None else 1)
        status = apply.wait(timeout=60)
    finally:
        if apply.poll() is None:
            apply.kill()
        os.close(controller)
    return status, shown + rest


def _question(url: str) -> dict[str, object]:
    client = JupiterOneClient(account=ACCOUNT, token=API_KEY, url=url)
    found = client.list_questions()
    # the official client's query does not ask for a question's name: found by its title
    return next(q for q in found if q.get("title") == TITLE)


def test_a_hand_edit_made_during_the_question_is_refused_not_overwritten(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "manifests"
    shutil.copytree(jupiterone_examples(), folder)
    with served_emulator(tmp_path, "demo", API_KEY, ACCOUNT) as emu:
        made = subprocess.run(
            [*J1SYNC, "apply", str(folder), "--auto-approve"],
            cwd=tmp_path, env=_env(emu.url), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert made.returncode == 0, made.stdout + made.stderr
        manifest = folder / QUESTION
        manifest.write_text(manifest.read_text().replace("S3 buckets whose", "Buckets whose"))

        def hand_edit() -> None:
            client = JupiterOneClient(account=ACCOUNT, token=API_KEY, url=emu.url)
            question = _question(emu.url)
            client.update_question(
                str(question["id"]),
                description="edited by hand while apply asked",
                tags=[*question["tags"], "hand-tag"],  # type: ignore[misc]
            )

        status, printed = _apply_at_a_terminal(folder, emu.url, hand_edit)
        assert status == 1, printed.decode()[-3000:]
        assert b"the plan is stale" in printed
        assert b"Question/public-s3-buckets: changed since the plan was made" in printed
        assert b"Traceback" not in printed
        kept = _question(emu.url)
        assert kept["description"] == "edited by hand while apply asked"
        assert "hand-tag" in kept["tags"]  # type: ignore[operator]


def test_with_nothing_changed_meanwhile_the_approved_plan_applies(tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    shutil.copytree(jupiterone_examples(), folder)
    with served_emulator(tmp_path, "demo", API_KEY, ACCOUNT) as emu:
        status, printed = _apply_at_a_terminal(folder, emu.url, lambda: None)
        assert status == 0, printed.decode()[-3000:]
        assert b"Apply complete: " in printed
        assert str(_question(emu.url)["description"]).startswith("S3 buckets whose")
