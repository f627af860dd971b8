"""An OpenCTI (or a proxy before it) whose lists do not page as they say: `after` ignored,
so the next page is the first again with the same endCursor, or `hasNextPage` without an
endCursor. j1sync stopped reading that list quietly and planned from what it had: an
object on the pages it never read was planned as a create (a TAXII collection, which
OpenCTI does not key, would then exist twice). Now the read fails, naming the list, before
any plan; JupiterOne's client did so already."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, api, running_opencti_emulator
from tests.hostile.in_process import opencti_run

LABELS = 501  # one more than j1sync asks a page for


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        for i in range(LABELS):
            emulator.api.insert("Label", {"value": f"label-{i:03}", "color": "#000000"})
        Path("m").mkdir()
        Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
        Path("m/label.yaml").write_text(
            "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: label-500\n"
            "spec:\n  color: '#000000'\n",
            encoding="utf-8",
        )
        yield emulator


def test_a_list_read_whole_plans_nothing(emu: OpenCtiEmulator) -> None:
    planned = opencti_run(emu, "plan", "m", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_a_list_whose_next_page_repeats_the_first_fails(
    emu: OpenCtiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "_offset", lambda cursor: 0)  # `after` ignored
    for command in (["plan", "m"], ["apply", "m", "--auto-approve"]):
        result = opencti_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert (
            "Error: OpenCTI API (list labels): the answer repeated a page cursor" in result.output
        )
        assert "Plan:" not in result.output and "Traceback" not in result.output
    assert len(emu.snapshot()["labels"]) == LABELS


def test_more_pages_without_a_cursor_fails(
    emu: OpenCtiEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    paged = api.connection

    def no_cursor(*args: Any, **kwargs: Any) -> Any:
        answer = paged(*args, **kwargs)
        answer["pageInfo"]["endCursor"] = ""  # the schema says String!
        return answer

    monkeypatch.setattr(api, "connection", no_cursor)
    result = opencti_run(emu, "apply", "m", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "the answer says more pages follow but gives no endCursor" in result.output
    assert len(emu.snapshot()["labels"]) == LABELS
