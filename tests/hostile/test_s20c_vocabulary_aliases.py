"""A vocabulary entry's aliases that OpenCTI takes for one, or for the entry's own name.
An update stores a vocabulary's aliases `uniqBy(normalizeName)`, the entry's name left
out (opencti-graphql middleware prepareAttributesForUpdate). j1sync planned `[Postmortem,
postmortem]`, or the alias `incident-postmortem` of the entry `incident-postmortem`, and
created them as written: every later update left one out, and every plan after it put it
back. Now such a manifest stops every command at the alias before any change, and the
emulator stores aliases as OpenCTI's update does. An entry OpenCTI holds with its own
name as an alias, or two aliases it folds to one (an add keeps them), is read as the next
update stores it: its export loads and plans only the adoption."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pycti import OpenCTIApiClient

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

ENTRY = """apiVersion: opencti.j1sync/v1
kind: Vocabulary
metadata:
  name: report_types_ov:incident-postmortem
spec:
  aliases: [{aliases}]
"""
PATCH = (
    "mutation($id: ID!, $v: [Any]!) { vocabularyFieldPatch(id: $id, input: "
    '[{key: "aliases", value: $v, operation: add}]) { id } }'
)


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        yield emulator


def _entry(emu: OpenCtiEmulator) -> dict[str, object]:
    return next(v for v in emu.snapshot()["vocabularies"] if v["name"] == "incident-postmortem")


@pytest.mark.parametrize(
    ("aliases", "problem"),
    [
        (
            "Postmortem, postmortem",
            "m/entry.yaml:6:25: opencti.Vocabulary/report_types_ov:incident-postmortem: "
            "spec.aliases[1]: OpenCTI takes 'postmortem' and 'Postmortem' for one alias (its "
            "aliases do not tell case or outer spaces apart): write it once",
        ),
        (
            "postmortem, Incident-Postmortem",
            "m/entry.yaml:6:25: opencti.Vocabulary/report_types_ov:incident-postmortem: "
            "spec.aliases[1]: OpenCTI takes the alias 'Incident-Postmortem' for the entry's own "
            "name and does not keep it: leave it out",
        ),
    ],
)
def test_aliases_opencti_takes_for_one_stop_the_run(
    emu: OpenCtiEmulator, aliases: str, problem: str
) -> None:
    Path("m").mkdir()
    Path("m/entry.yaml").write_text(ENTRY.format(aliases=aliases), encoding="utf-8")
    before = emu.snapshot()
    for command in (["plan", "m"], ["apply", "m", "--auto-approve"], ["drift", "m"]):
        result = opencti_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert problem in result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
    assert emu.snapshot() == before


def test_the_emulator_stores_aliases_as_an_update_does(emu: OpenCtiEmulator) -> None:
    Path("m").mkdir()
    Path("m/entry.yaml").write_text(ENTRY.format(aliases="postmortem"), encoding="utf-8")
    assert opencti_run(emu, "apply", "m", "--auto-approve").exit_code == 0
    client = OpenCTIApiClient(emu.url, emu.token, log_level="error")
    added = ["Postmortem", " retro", "RETRO", "incident-postmortem"]
    client.query(PATCH, {"id": _entry(emu)["id"], "v": added})
    assert _entry(emu)["aliases"] == ["postmortem", "retro"]
    drift = opencti_run(emu, "drift", "m")
    assert drift.exit_code == 2, drift.output
    assert opencti_run(emu, "apply", "m", "--auto-approve").exit_code == 0
    assert _entry(emu)["aliases"] == ["postmortem"]


def test_an_entry_holding_aliases_an_update_drops_exports_and_plans(
    emu: OpenCtiEmulator,
) -> None:
    # vocabularyAdd keeps the aliases it is given; only an update leaves that one out
    client = OpenCTIApiClient(emu.url, emu.token, log_level="error")
    aliases = ["Incident-Postmortem", "retro", "Retro "]
    entry = {"name": "incident-postmortem", "category": "report_types_ov", "aliases": aliases}
    client.query("mutation($i: VocabularyAddInput!) { vocabularyAdd(input: $i) { id } }",
                 {"i": entry})  # fmt: skip
    args = ("export", "--system", "opencti", "--kind", "Vocabulary", "--out", "ex")
    exported = opencti_run(emu, *args)
    assert exported.exit_code == 0, exported.output
    written = Path("ex/vocabularies/report-types-ov-incident-postmortem.yaml")
    assert "retro" in written.read_text(encoding="utf-8")
    assert "Incident-Postmortem" not in written.read_text(encoding="utf-8")
    assert "Retro" not in written.read_text(encoding="utf-8")
    planned = opencti_run(emu, "plan", "ex")
    assert planned.exit_code == 0, planned.output
    assert "Plan: 0 to create, 1 to update, 0 to delete" in planned.output  # adopted
    assert opencti_run(emu, "apply", "ex", "--auto-approve").exit_code == 0
    again = opencti_run(emu, "plan", "ex", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
