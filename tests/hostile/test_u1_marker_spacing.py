"""Objects carrying j1sync's marker with other spacing before it. OpenCTI keeps a
description as written; one edited by hand (or by another tool) may hold trailing spaces,
several blank lines or Windows line ends before `managed-by: j1sync`. Export wrote the
text without them, and the plan of what was exported then updated each such object (a
change of spacing only). Now the live text is compared as j1sync would write it
(marker.canonical_notes): export then plan changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_graphql, opencti_run

DESCRIPTIONS = {
    "Trailing spaces": "line  \n\n\nmanaged-by: j1sync\n\n",
    "Windows lines": "one\r\ntwo  \r\n\r\nmanaged-by: j1sync\r\n",
    "Marker alone": "\n\nmanaged-by: j1sync  ",
}
ADDS = {
    "roleAdd": "RoleAddInput",
    "taxiiCollectionAdd": "TaxiiCollectionAddInput",
    "streamCollectionAdd": "StreamCollectionAddInput",
}


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        for mutation, input_type in ADDS.items():
            add = f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ id }} }}"
            for name, description in DESCRIPTIONS.items():
                opencti_graphql(emulator, add, {"i": {"name": name, "description": description}})
        vocabulary = "mutation($i: VocabularyAddInput!) { vocabularyAdd(input: $i) { id } }"
        for name, description in DESCRIPTIONS.items():
            entry = {"name": name, "category": "report_types_ov", "description": description}
            opencti_graphql(emulator, vocabulary, {"i": entry})
        yield emulator


def test_export_of_marked_objects_plans_no_change(emu: OpenCtiEmulator) -> None:
    kinds = ("Role", "Vocabulary", "TaxiiCollection", "StreamCollection")
    args = [a for kind in kinds for a in ("--kind", kind)]
    exported = opencti_run(emu, "export", "--system", "opencti", *args, "--out", "ex")
    assert exported.exit_code == 0, exported.output
    assert "Exported 12 objects" in exported.output
    Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
    planned = opencti_run(emu, "plan", "ex", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    drift = opencti_run(emu, "drift", "ex")
    assert drift.exit_code == 0, drift.output

    # a text change is still one, the marker kept last
    role = Path("ex/roles/trailing-spaces.yaml")
    role.write_text(
        role.read_text(encoding="utf-8").replace("description: line", "description: other"),
        encoding="utf-8",
    )
    applied = opencti_run(emu, "apply", "ex", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "0 created, 1 updated, 0 deleted" in applied.output
    stored = next(r for r in emu.snapshot()["roles"] if r["name"] == "Trailing spaces")
    assert stored["description"] == "other\n\nmanaged-by: j1sync"
