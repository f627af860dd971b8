"""Limits xyOps refuses beyond the number each type needs. xyOps 1.0.88 checks a
category's and an event's `limits` on every write (lib/api.js requireValidLimits): an
optional number a type has is a number when set (a retry limit's `amount: "3"` is not), a
file limit's `accept` holds extensions only, a daily limit counts one of the UI's
conditions, and a queue limit with an `amount` needs an enabled job limit beside it.
Before, validate and plan took them, and apply created the other objects and failed on
the category or event half-way against a real server (the emulator stored them). Now each
stops plan and apply at its line before any change, and the emulator refuses it in
xyOps's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

DOCS = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: s20d_tag
spec:
  title: Tag
---
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: s20d_cat
spec:
  title: Cat
  limits:
{limits}
"""
LINE = 15

REFUSED = {
    "queue without a job limit": (
        ["- {type: queue, amount: 5}"],
        "spec.limits[0]",
        "Limit Configuration: The 'Max Queue Limit' requires a 'Max Concurrent Jobs' limit",
    ),
    "queue beside a disabled job limit": (
        ["- {type: queue, amount: 5}", "- {type: job, amount: 2, enabled: false}"],
        "spec.limits[0]",
        "requires a 'Max Concurrent Jobs' limit",
    ),
    "retries as text": (
        ["- {type: retry, amount: '3'}"],
        "spec.limits[0].amount",
        "Invalid max retries (not a number)",
    ),
    "memory duration as text": (
        ["- {type: mem, amount: 512, duration: 10s}"],
        "spec.limits[0].duration",
        "Invalid memory duration (not a number)",
    ),
    "file types with a semicolon": (
        ["- {type: file, accept: '.jpg;.png'}"],
        "spec.limits[0].accept",
        "Invalid file type list (contains illegal characters)",
    ),
    "daily limit of an unknown condition": (
        ["- {type: day, condition: failure, amount: 3}"],
        "spec.limits[0].condition",
        "Invalid condition (unknown)",
    ),
}


def _write(folder: Path, limits: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = DOCS.format(limits="\n".join(f"    {limit}" for limit in limits))
    (folder / "a.yaml").write_text(text)
    return folder


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_limit_xyops_refuses_stops_before_any_change(
    xyops_server: XyOpsEmulator, tmp_path: Path, case: str
) -> None:
    limits, field, said = REFUSED[case]
    folder = _write(tmp_path / "m", limits)
    before = xyops_server.snapshot()
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        done = run(xyops_server, *command, str(folder))
        assert done.exit_code == 1, (command, done.output)
        assert f"a.yaml:{LINE}:" in done.output, done.output
        assert f"xyops.Category/s20d_cat: {field}: xyOps refuses it: " in done.output
        assert said in done.output, done.output
        assert "internal error" not in done.output
    assert xyops_server.snapshot() == before  # not even the tag


@pytest.mark.parametrize(
    ("limits", "said"),
    [
        (
            [{"type": "queue", "enabled": True, "amount": 5}],
            "Limit Configuration: The 'Max Queue Limit' requires a 'Max Concurrent Jobs' "
            "limit to be present.",
        ),
        (
            [{"type": "retry", "enabled": True, "amount": "3"}],
            "Malformed limit entry #1: Invalid max retries (not a number)",
        ),
    ],
)
def test_the_emulator_refuses_them_in_xyops_words(
    xyops_server: XyOpsEmulator, limits: list[dict[str, object]], said: str
) -> None:
    answer = call(xyops_server, "create_category", {"id": "s20d_c", "title": "C", "limits": limits})
    assert answer == {"code": "api", "description": said}


def test_limits_xyops_takes_apply_and_converge(xyops_server: XyOpsEmulator, tmp_path: Path) -> None:
    limits = [
        "- {type: queue, amount: 5}",
        "- {type: job, amount: 2}",
        "- {type: retry, amount: 3, duration: 60}",
        "- {type: mem, amount: 512, duration: 10}",
        "- {type: file, amount: 2, size: 1048576, accept: '.jpg, .png'}",
        "- {type: day, condition: error, amount: 3}",
        "- {type: tag, amount: 4}",
    ]
    folder = _write(tmp_path / "m", limits)
    done = run(xyops_server, "apply", "--auto-approve", str(folder))
    assert done.exit_code == 0, done.output
    done = run(xyops_server, "plan", "--detailed-exitcode", str(folder))
    assert done.exit_code == 0, done.output
