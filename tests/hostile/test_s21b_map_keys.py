"""A map's keys are the account's data too (an alert rule's labels): the plan printed a
key as it was, so a key holding `: "1" -> "2"` read as a change of its own
(`~   k: "1" -> "2": "z" -> "y"`), and a key removed and one added that differ only in what
no one sees (U+00A0 for a space, `é` in two code points) read as one key removed and
added again (`+   team x: a` over `-   team x: a`). A key is now spelt as a manifest
spells it (quoted when it must be), and keys that read alike are shown as YAML with
escapes, as list elements are (test_s21b_alike_lines)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run

FORGING = 'k: "1" -> "2"'


def rule(labels: dict[str, str]) -> str:
    when = {"type": "FILTER", "condition": ["AND", ["queries.bad.total", ">", 0]]}
    spec: dict[str, Any] = {
        "question": {"queries": [{"name": "bad", "query": "Find User"}]},
        "operations": [{"when": when, "actions": [{"type": "CREATE_ALERT"}]}],
        "labels": labels,
    }
    document = {"apiVersion": "j1sync/v1", "kind": "AlertRule", "metadata": {"name": "r"}}
    return json.dumps(document | {"spec": spec}) + "\n"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    with running_emulator(seed=BASE_SEED) as emu:
        Path("m/r.yaml").write_text(
            rule({"team\u00a0x": "a", "caf\u00e9": "v", FORGING: "z"}), encoding="utf-8"
        )
        applied = run(emu, "apply", "m", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        Path("m/r.yaml").write_text(
            rule({"team x": "a", "cafe\u0301": "v", FORGING: "y"}), encoding="utf-8"
        )
        yield emu


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_key_never_reads_as_a_change_nor_as_another_key(emu: Emulator, fmt: str) -> None:
    result = run(emu, "plan", "m", "--format", fmt)
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert """~   'k: "1" -> "2"': "z" -> "y\"""" in lines, result.stdout
    removed = {line[1:].strip() for line in lines if line.startswith("-   ")}
    added = {line[1:].strip() for line in lines if line.startswith("+   ")}
    assert not removed & added, result.stdout
    assert '"team\\_x": a' in removed and "team x: a" in added
    assert '"caf\\xE9": v' in removed and '"cafe\\u0301": v' in added
