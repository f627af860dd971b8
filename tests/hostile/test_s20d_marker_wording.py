"""What j1sync says an xyOps object carries when it manages it. xyOps objects j1sync
manages have no tag: they are j1sync's when the last line of their notes is
`managed-by: <managedTag>` (docs/xyops.md, "Ownership"). The prune refusals in j1sync.yaml,
a plan's delete and adopt reasons and apply --plan's refusal of a delete said "the managed
tag", which the user looks for in xyOps and finds nowhere. They now name the marker line,
as the user's data holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

MARK = "the marker line 'managed-by: j1sync' as the last line of the notes"
SETTING = "the marker line 'managed-by: <managedTag>' as the last line of the notes"


def _tag(name: str) -> str:
    return (
        "apiVersion: xyops.j1sync/v1\nkind: Tag\n"
        f"metadata:\n  name: {name}\nspec:\n  title: {name.title()}\n"
    )


REFUSALS = {
    "Tag: true": (
        "j1sync.yaml:3:10: j1sync.yaml: xyops.prune.Tag: Tag takes no prune setting: "
        f"xyOps Tag objects are deleted when they carry {SETTING} and no manifest declares "
        "them, whatever prune says"
    ),
    "Tagg: false": (
        "xyops.prune.Tagg: unknown field 'Tagg'; did you mean 'Tag'? Tag takes no prune "
        f"setting: xyOps Tag objects are deleted when they carry {SETTING}"
    ),
    "Foo: true": (
        "xyops.prune.Foo: unknown field 'Foo': prune takes no xyOps kind (each is deleted "
        f"when it carries {SETTING}, or never)"
    ),
}


@pytest.mark.parametrize("setting", list(REFUSALS))
def test_prune_refusals_name_the_marker_line(
    xyops_server: XyOpsEmulator, tmp_path: Path, setting: str
) -> None:
    (tmp_path / "m.yaml").write_text(_tag("kept"))
    (tmp_path / "j1sync.yaml").write_text(f"xyops:\n  prune:\n    {setting}\n")
    done = run(xyops_server, "plan", str(tmp_path))
    assert done.exit_code == 1, done.output
    assert REFUSALS[setting] in done.output, done.output
    assert "managed tag" not in done.output


def test_delete_adopt_and_saved_plan_refusal_name_the_marker_line(
    xyops_server: XyOpsEmulator, tmp_path: Path
) -> None:
    call(xyops_server, "create_tag", {"id": "old", "title": "Old", "notes": "managed-by: j1sync"})
    call(xyops_server, "create_tag", {"id": "also", "title": "Also", "notes": "managed-by: j1sync"})
    call(xyops_server, "create_tag", {"id": "kept", "title": "Kept", "notes": "by hand"})
    (tmp_path / "m.yaml").write_text(_tag("kept") + "---\n" + _tag("also"))
    (tmp_path / "j1sync.yaml").write_text("paths: [m.yaml]\n")
    done = run(xyops_server, "plan", str(tmp_path / "m.yaml"), "--out", str(tmp_path / "p"))
    assert done.exit_code == 0, done.output
    assert f"carries {MARK} and no manifest declares it" in done.output, done.output
    assert f"adopt: an existing object without {MARK} is now declared" in done.output
    assert "managed tag" not in done.output
    # the marker taken out by hand after the plan: the saved plan may not delete it
    call(xyops_server, "update_tag", {"id": "old", "notes": "mine now"})
    done = run(xyops_server, "apply", "--plan", str(tmp_path / "p"), "--auto-approve")
    assert done.exit_code == 1, done.output
    assert f"xyops.Tag/old does not carry {MARK}" in done.output, done.output
    assert "managed tag" not in done.output
