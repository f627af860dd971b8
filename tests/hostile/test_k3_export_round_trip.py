"""Every file `export` writes loads and plans no change against the account it came from.
An object whose name no manifest may have (a control character, outer whitespace, more
than 255 characters: OpenCTI and JupiterOne take them) was written with a warning, and
`j1sync plan` of the exported folder then failed on it; now it is left out, with a
warning naming it, and the plan never deletes it (no manifest can have declared it, nor
keep it). Names YAML gives meaning to (`#`, `: `, a leading `-`, `*`, `&`, `!`, quotes,
names differing only in case) are written so that they load as they are."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import (
    declared_questions,
    jupiterone_run,
    opencti_graphql,
    opencti_run,
    seeded_question,
)
from tests.hostile.xyops_cli import KEY
from tests.hostile.xyops_cli import run as xyops_run

# name -> how the warning shows it
UNMANAGEABLE = {
    " outer ": " outer ",
    "ctl\x01name": "ctl␁name",
    "two\nlines": "two␊lines",
    "x" * 300: "x" * 300,
    "\u202etxt.exe ": "\\u202etxt.exe ",  # the warning shows a hidden character's escape
}
AWKWARD = [
    "# hash", "a: b", "- lead", "*star", "&anchor", "!tag", "'single'", '"double"',
    "Case", "case", "key: value # c", "trail:", "? q", "{b}", "[l]", "yes", "null", "~",
    "rlo\u202eevil", "\ufeffbom", "x" * 255,
]  # fmt: skip
MARKED = "x\n\nmanaged-by: j1sync"
# OpenCTI takes `case` for `Case` (its labelAdd returns the label it has: keys.py)
OPENCTI_AWKWARD = [name for name in AWKWARD if name != "case"]


def left_out(kind: str, shown: str) -> str:
    return f"Warning: {kind}/{shown}: left out of the export: metadata.name: "


def assert_written_escaped(folder: Path) -> None:
    """A hidden character is written as its escape (YAML's `\\u202e`), never as it is:
    a manifest read in a review shows what a name holds."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.yaml")))
    assert '"rlo\\u202eevil"' in text and '"\\ufeffbom"' in text.lower()  # ruamel's: \\uFEFF
    assert "\u202e" not in text and "\ufeff" not in text


def exported_names(folder: Path) -> list[str]:
    read = YAML(typ="safe")  # YAML 1.2, as j1sync reads manifests: `yes` is a string
    return sorted(
        read.load(p.read_text(encoding="utf-8"))["metadata"]["name"] for p in folder.iterdir()
    )


# -- OpenCTI ---------------------------------------------------------------------------


@pytest.fixture
def opencti(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    role = "mutation($i: RoleAddInput!) { roleAdd(input: $i) { id } }"
    with running_opencti_emulator() as emu:
        # labelAdd trims a value (outer spaces, a byte order mark), an edit trims and
        # lowercases it: labels kept from before, as the platform's store may hold them
        for name in [*UNMANAGEABLE, *OPENCTI_AWKWARD]:
            emu.api.insert("Label", {"value": name, "color": "#123456"})
        for name in UNMANAGEABLE:  # j1sync's marker: deleted were the name declarable
            opencti_graphql(emu, role, {"i": {"name": name, "description": MARKED}})
        opencti_graphql(emu, role, {"i": {"name": "kept-role", "description": MARKED}})
        yield emu


def test_opencti_export_leaves_out_what_no_manifest_can_name(opencti: OpenCtiEmulator) -> None:
    args = ("export", "--system", "opencti", "--kind", "Label", "--kind", "Role", "--out", "ex")
    exported = opencti_run(opencti, *args)
    assert exported.exit_code == 0, exported.output
    for kind in ("opencti.Label", "opencti.Role"):
        for shown in UNMANAGEABLE.values():
            assert left_out(kind, shown) in exported.stderr
    assert exported_names(Path("ex/labels")) == sorted(OPENCTI_AWKWARD)
    assert_written_escaped(Path("ex"))
    assert exported_names(Path("ex/roles")) == ["kept-role"]
    assert "\x01" not in exported.stderr and "\u202e" not in exported.stderr

    planned = opencti_run(opencti, "plan", "ex", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output  # loads, and changes nothing
    applied = opencti_run(opencti, "apply", "ex", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    roles = {role["name"] for role in opencti.snapshot()["roles"]}
    assert set(UNMANAGEABLE) <= roles  # marked, but never deleted


# -- JupiterOne ------------------------------------------------------------------------


@pytest.fixture
def jupiterone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    questions = [seeded_question(name) for name in UNMANAGEABLE]
    questions += [seeded_question(name, tagged=i % 2 == 0) for i, name in enumerate(AWKWARD)]
    with running_emulator(seed={**BASE_SEED, "questions": questions}) as emu:
        yield emu


def test_jupiterone_export_applies_and_plans_no_change(jupiterone: Emulator) -> None:
    exported = jupiterone_run(jupiterone, "export", "--kind", "Question", "--out", "ex")
    assert exported.exit_code == 0, exported.output
    for shown in UNMANAGEABLE.values():
        assert left_out("Question", shown) in exported.stderr
    assert exported_names(Path("ex/questions")) == sorted(AWKWARD)
    assert_written_escaped(Path("ex"))

    # adoption: the apply adds the managed tag to what had none, and deletes nothing
    applied = jupiterone_run(jupiterone, "apply", "ex", "--auto-approve", "--force")  # 10 adoptions
    assert applied.exit_code == 0, applied.output
    assert "0 created" in applied.stdout and "0 deleted" in applied.stdout
    planned = jupiterone_run(jupiterone, "plan", "ex", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    names = {q["name"] for q in jupiterone.snapshot()["questions"]}
    assert names == {*UNMANAGEABLE, *AWKWARD}


def test_a_tagged_object_no_manifest_can_name_is_never_deleted(jupiterone: Emulator) -> None:
    declared_questions(Path("m"), [("case", "T")])
    result = jupiterone_run(jupiterone, "plan", "m", "--format", "json")
    assert result.exit_code == 3, result.output  # the deletes trip the safety limit
    plan = json.loads(result.stdout)
    deleted = {c["address"] for c in plan["changes"] if c["action"] == "delete"}
    tagged_awkward = {f"Question/{n}" for i, n in enumerate(AWKWARD) if i % 2 == 0} - {
        "Question/case"
    }
    assert deleted == tagged_awkward  # the tagged ones a manifest could declare
    notes = {u["name"]: u.get("note") for u in plan["unmanaged"]}
    for name in UNMANAGEABLE:
        assert "no manifest can have this name" in str(notes[name]), notes


# -- xyOps -----------------------------------------------------------------------------


def test_xyops_titles_of_any_text_export_and_plan_no_change(xyops_server: XyOpsEmulator) -> None:
    """xyOps's ids are its names (the API holds them to ^[a-z0-9_]+$); titles and notes
    take any text, and are written so that they load as they are."""
    titles = [*UNMANAGEABLE, *AWKWARD]
    for index, title in enumerate(titles):
        request = urllib.request.Request(
            f"{xyops_server.url}/api/app/create_tag/v1",
            data=json.dumps({"id": f"t{index}", "title": title, "notes": title}).encode(),
            headers={"X-API-Key": KEY, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.load(answer)["code"] == 0
    exported = xyops_run(
        xyops_server, "export", "--system", "xyops", "--kind", "Tag", "--out", "ex"
    )
    assert exported.exit_code == 0, exported.output
    assert "Warning" not in exported.stderr
    applied = xyops_run(xyops_server, "apply", "ex", "--auto-approve", "--force")  # adoptions
    assert applied.exit_code == 0, applied.output
    assert "0 created" in applied.stdout and "0 deleted" in applied.stdout
    planned = xyops_run(xyops_server, "plan", "ex", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
