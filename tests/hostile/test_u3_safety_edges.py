"""The safety gate at its edges, through plan and apply: exactly `maxChangePercent` of a
kind's managed objects changing passes, one more is blocked (exit 3). The message rounded
both percentages to whole numbers, so a limit with decimals read as a contradiction
(13 of 42 over maxChangePercent 30.9: "31% > 31%"; 43 of 143 over the default 30: "30% >
30%"); it now gives the limit as j1sync.yaml does and the share with the decimals it
takes to show it above the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import declared_questions, jupiterone_run, seeded_question


def _account_of(count: int, changed: int, safety: str) -> tuple[dict[str, object], str]:
    """A seed of `count` managed questions, and this folder's project declaring them all,
    `changed` of them with another title; j1sync.yaml's `safety` section is `safety`."""
    seed = {**BASE_SEED, "questions": [seeded_question(f"q{i}") for i in range(count)]}
    declared_questions(Path("m"), [(f"q{i}", "T2" if i < changed else "T") for i in range(count)])
    Path("j1sync.yaml").write_text(f"paths: [m]\nsafety: {safety}\n", encoding="utf-8")
    return seed, "Question"


@pytest.mark.parametrize(
    ("count", "changed", "safety", "blocked"),
    [
        (10, 3, "{}", None),  # 30% of 10: at the default limit, not over it
        (10, 4, "{}", "4 of 10 managed objects would be deleted or updated (40% > 30%)"),
        (42, 13, "{maxChangePercent: 30.9}", "13 of 42 managed objects [...] (31% > 30.9%)"),
        (143, 43, "{}", "43 of 143 managed objects [...] (30.1% > 30%)"),  # 30.07%
        (9, 9, "{}", None),  # under minObjects: the share is not looked at
    ],
)
def test_the_limit_and_its_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    count: int,
    changed: int,
    safety: str,
    blocked: str | None,
) -> None:
    monkeypatch.chdir(tmp_path)
    seed, kind = _account_of(count, changed, safety)
    with running_emulator(seed=seed) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        if blocked is None:
            assert applied.exit_code == 0, applied.output
            assert f"Apply complete: 0 created, {changed} updated" in applied.output
            return
        assert applied.exit_code == 3, applied.output
        message = blocked.replace("[...]", "would be deleted or updated")
        assert f"{kind}: {message}" in applied.output
        assert "--force to apply it anyway" in applied.output
        assert "Apply complete" not in applied.output
