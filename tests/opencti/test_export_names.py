"""Export of OpenCTI objects whose names leave nothing for a file name (CJK, emoji) or that
carry slashes, through the command line: each gets its own file in its kind's folder,
named after the kind (labels/label.yaml, not labels/opencti.label.yaml), and the export
plans no change."""

from __future__ import annotations

from pathlib import Path

import yaml

from j1sync.export.naming import own_suffix
from tests.opencti.helpers import Platform

NAMES = ["日本", "🚀", "a/b/../../c", "../escape"]


def test_unsluggable_and_slashed_names_export_under_their_kind(platform: Platform) -> None:
    platform.write("j1sync.yaml", "paths: [m]\n")
    platform.write(
        "m/labels.yaml",
        "---\n".join(
            f"apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: {name!r}\n"
            for name in NAMES
        ),
    )
    assert platform.run("apply", "m", "--auto-approve").exit_code == 0
    result = platform.run("export", "--system", "opencti", "--kind", "Label", "--out", "out")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in Path("out/labels").iterdir())
    # the second name left with nothing gets a suffix of its own (naming.file_names)
    second = f"label-{own_suffix('🚀')}.yaml"
    assert files == sorted(["a-b-c.yaml", "escape.yaml", second, "label.yaml"]), files
    exported = {
        yaml.safe_load(p.read_text(encoding="utf-8"))["metadata"]["name"]
        for p in Path("out/labels").iterdir()
    }
    assert exported == set(NAMES)
    assert not list(Path(".").glob("c*")) and not Path("../escape.yaml").exists()
    platform.write("j1sync.yaml", "paths: [out]\n")
    planned = platform.run("plan", "out", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
