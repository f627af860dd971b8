"""Vocabulary entries OpenCTI takes for j1sync's apply lock. The lock lives in hidden
entries named `j1sync-state:<name>`, and no manifest may name one; but OpenCTI compares
a vocabulary entry's name lowercased and trimmed (keys.py), so `J1SYNC-STATE:lock` is
the lock's entry to it: a manifest of that name was accepted (an add of it upserts into
the lock's entry while an apply holds it), and such an entry made by hand was listed,
exported into a file that does not load, and deleted by a plan when it carried the
marker. Now the name is refused in any case, and such an entry is the lock's: never
listed, exported or deleted by a plan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_graphql, opencti_run

VOCABULARY_ADD = "mutation($i: VocabularyAddInput!) { vocabularyAdd(input: $i) { id } }"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        yield emulator


def test_a_manifest_naming_the_lock_in_another_case_is_refused(emu: OpenCtiEmulator) -> None:
    Path("m").mkdir()
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m/vocabulary.yaml").write_text(
        "apiVersion: opencti.j1sync/v1\nkind: Vocabulary\nmetadata:\n"
        "  name: collection_layers_ov:J1sync-State:lock\nspec:\n  description: mine\n",
        encoding="utf-8",
    )
    before = emu.snapshot()
    for command in (["plan", "m"], ["apply", "m", "--auto-approve"]):
        result = opencti_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert (
            "m/vocabulary.yaml:4:9: opencti.Vocabulary/collection_layers_ov:J1sync-State:lock: "
            "metadata.name: names starting with 'j1sync-state:' (in any case: OpenCTI does not "
            "tell it apart) are j1sync's own (the apply lock)"
        ) in result.output
    assert emu.snapshot() == before


def test_an_entry_opencti_takes_for_the_lock_is_never_listed(emu: OpenCtiEmulator) -> None:
    entry = {
        "name": "J1SYNC-STATE:other",
        "category": "collection_layers_ov",
        "description": "hand made\n\nmanaged-by: j1sync",
    }
    opencti_graphql(emu, VOCABULARY_ADD, {"i": entry})
    kept = {**entry, "name": "kept-entry"}
    opencti_graphql(emu, VOCABULARY_ADD, {"i": kept})
    exported = opencti_run(
        emu, "export", "--system", "opencti", "--kind", "Vocabulary", "--out", "ex"
    )
    assert exported.exit_code == 0, exported.output
    assert "J1SYNC" not in exported.output
    files = [p.name for p in Path("ex/vocabularies").iterdir()]
    assert files == ["collection-layers-ov-kept-entry.yaml"], files
    Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
    planned = opencti_run(emu, "plan", "ex", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output  # loads; deletes nothing
    names = {v["name"] for v in emu.snapshot()["vocabularies"]}
    assert {"J1SYNC-STATE:other", "kept-entry"} <= names
