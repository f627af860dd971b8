"""An object named like the project file (`j1sync`) is exported to a file j1sync reads as a
manifest: `j1sync.yaml` was written, then skipped by every later run as the project file,
so a plan of the export wanted the object deleted."""

from __future__ import annotations

from tests.export.conftest import Account
from tests.export.test_options import inline_rule, load


def question(name: str) -> dict[str, object]:
    return {
        "name": name,
        "title": f"About {name}",
        "tags": ["j1sync"],
        "queries": [{"name": "q", "query": "Find User"}],
    }


def test_an_object_named_like_the_project_file_is_exported_under_another_name(
    base: Account,
) -> None:
    base.emu.seed_objects(
        {
            "questions": [question("j1sync"), question("J1SYNC.yml")],
            "rules": [inline_rule("j1sync"), inline_rule("j1sync-2")],
        }
    )
    result = base.export()
    assert result.exit_code == 0, result.output
    assert "unknown field" not in result.output  # export's own check read every file
    files = base.files()
    assert not any(f.rpartition("/")[2] in ("j1sync.yaml", "j1sync.yml") for f in files), files
    names = {f: load(base.out / f)["metadata"]["name"] for f in files}
    assert sorted(names.values()) == sorted(["j1sync", "J1SYNC.yml", "j1sync", "j1sync-2"])
    validated = base.run("validate", str(base.out))
    assert validated.exit_code == 0, validated.output
    assert "4 manifests valid" in validated.output
    # nothing of the account is planned away: the export reads back as it is
    changes = base.plan_changes()
    assert not [a for a, c in changes.items() if c["action"] == "delete"], changes
