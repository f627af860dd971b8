"""A repository of several systems whose apply finds one target locked by another apply
(here xyOps's, held by an apply on another machine): the error said 'account
http://127.0.0.1:.../ is locked by another apply', calling a server's URL an account and
leaving the user to match it to a system. Now lock messages name such a target by its
system and URL ('xyOps http://... is locked by another apply'), and so does `j1sync
unlock --system xyops`; JupiterOne's stay 'account <id>'. Nothing is changed in any
system, and the locks taken before it (JupiterOne's) are released. A lock written by a
machine whose clock is ahead said it was taken '(0 s ago)'; now 'since ... (in 26 d: its
clock is ahead of this one's)'."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.engine.lock import LOCK_NAME
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.running import question_count
from tests.hostile.several_systems import QUESTION, XYOPS_TAG, documents
from tests.hostile.xyops_cli import KEY, call

J1_KEY = "s18b-J1-Key-b27e5a90"
FOREIGN = json.dumps(
    {
        "token": "elsewhere",
        "holder": "ci@runner-7 (pid 4242)",
        "since": "2099-01-01T00:00:00.000Z",
        "expires": "2099-01-01T00:02:00.000Z",
        "process": ["runner-7", "pid:[4026531836]", 4242, 1],
    }
)

MANIFESTS = documents(QUESTION, XYOPS_TAG)


@pytest.fixture
def systems(tmp_path: Path) -> Iterator[tuple[Any, Any, dict[str, str]]]:
    """JupiterOne (empty) and xyOps, whose apply lock an apply elsewhere holds."""
    with (
        running_emulator(db=":memory:", seed="none", api_key=J1_KEY) as j1,
        running_xyops_emulator(api_key=KEY) as xy,
    ):
        made = call(xy, "create_bucket", {"id": "j1sync_state", "title": "j1sync state"})
        assert made["code"] == 0, made
        held = call(xy, "write_bucket_data", {"id": "j1sync_state", "data": {LOCK_NAME: FOREIGN}})
        assert held["code"] == 0, held
        (tmp_path / "m.yaml").write_text(MANIFESTS, encoding="utf-8")
        env = {
            "JUPITERONE_API_URL": j1.url,
            "JUPITERONE_API_KEY": J1_KEY,
            "JUPITERONE_ACCOUNT_ID": j1.account,
            "XYOPS_URL": xy.url,
            "XYOPS_API_KEY": KEY,
            "NO_COLOR": "1",
        }
        yield j1, xy, env


def test_a_locked_xyops_target_is_named_by_its_system(
    systems: tuple[Any, Any, dict[str, str]], tmp_path: Path
) -> None:
    j1, xy, env = systems
    done = j1sync_here(["apply", "m.yaml", "--auto-approve"], env, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert errors[0].startswith(
        f"Error: xyOps {xy.url} is locked by another apply: ci@runner-7 (pid 4242), since "
        "2099-01-01T00:00:00Z (in "
    ), output
    # written with a clock ahead of this one's: never '(0 s ago)'
    assert ": its clock is ahead of this one's), expires 2099-01-01T00:02:00Z" in errors[0]
    assert "account http" not in output
    assert "`j1sync unlock --system xyops`" in output
    # nothing changed in either system, and JupiterOne's lock (taken first) is released
    assert question_count(j1) == 0
    assert "s18b_tag" not in [t["id"] for t in xy.snapshot()["tags"]]
    assert not [p for p in j1.snapshot().get("parameters", []) if p["name"] == LOCK_NAME]
    for secret in (J1_KEY, KEY):
        assert secret not in output


def test_unlock_names_the_xyops_target_by_its_system(
    systems: tuple[Any, Any, dict[str, str]], tmp_path: Path
) -> None:
    _, xy, env = systems
    args = ["unlock", "--system", "xyops", "--yes", "m.yaml"]
    shown = j1sync_here(args, env, tmp_path)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert f"Apply lock on xyOps {xy.url}: ci@runner-7 (pid 4242)" in shown.stdout
    again = j1sync_here(args, env, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"No apply lock on xyOps {xy.url}." in again.stdout
    # JupiterOne's own wording is kept
    mine = j1sync_here(["unlock", "--yes", "m.yaml"], env, tmp_path)
    assert mine.returncode == 0, mine.stdout + mine.stderr
    assert "No apply lock on account " in mine.stdout
