"""Adopting two systems into one repository with `export --force` into one folder: xyOps
and OpenCTI both have a `Role` kind, exported to `roles/<name>.yaml`, so a role of the
same name in both systems was one file, and the second export silently replaced the
first system's manifest. The next apply over the project then deleted the first
system's role (it carries j1sync's marker and no manifest declared it any more). Now
the second export stops before it writes anything, naming the file and the system whose
manifest it holds; an export of the same system over its own files still replaces them,
as --force says."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.opencti.emulator.app import running_opencti_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator
from tests.hostile.in_process import j1sync_here

XY_KEY = "s18b-Xy-Key-1f6c0e52"

MANIFESTS = """\
apiVersion: xyops.j1sync/v1
kind: Role
metadata:
  name: analyst
spec:
  title: Analyst
---
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: nightly
spec:
  title: Nightly
---
apiVersion: opencti.j1sync/v1
kind: Role
metadata:
  name: analyst
spec:
  description: Reads knowledge
---
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: phishing
spec:
  color: '#ff0000'
"""


@pytest.fixture
def systems(tmp_path: Path) -> Iterator[tuple[Any, dict[str, str]]]:
    """xyOps and OpenCTI, each holding the role `analyst` (made by j1sync), and the
    settings for both."""
    with (
        running_xyops_emulator(api_key=XY_KEY) as xy,
        running_opencti_emulator() as oc,
    ):
        env = {
            "XYOPS_URL": xy.url,
            "XYOPS_API_KEY": XY_KEY,
            "OPENCTI_URL": oc.url,
            "OPENCTI_TOKEN": oc.token,
            "NO_COLOR": "1",
        }
        made = tmp_path / "made"
        made.mkdir()
        (made / "m.yaml").write_text(MANIFESTS, encoding="utf-8")
        done = j1sync_here(["apply", "made", "--auto-approve"], env, tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        yield xy, env


def _export(system: str, env: dict[str, str], cwd: Path, out: str = "out") -> tuple[int, str]:
    args = ["export", "--system", system, "--managed-only", "--out", out, "--force"]
    done = j1sync_here(args, env, cwd)
    return done.returncode, done.stdout + done.stderr


def test_a_second_system_never_replaces_the_first_ones_manifest(
    systems: tuple[Any, dict[str, str]], tmp_path: Path
) -> None:
    _, env = systems
    code, output = _export("xyops", env, tmp_path)
    assert code == 0, output
    role = tmp_path / "out" / "roles" / "analyst.yaml"
    exported = role.read_text(encoding="utf-8")
    assert "apiVersion: xyops.j1sync/v1" in exported

    code, output = _export("opencti", env, tmp_path)
    assert code == 1, output
    assert (
        "Error: out/roles/analyst.yaml holds xyOps manifests: this export would replace "
        "them; nothing was written. Export each system into a folder of its own "
        "(--out manifests/<system>)"
    ) in output, output
    assert "Traceback" not in output
    assert role.read_text(encoding="utf-8") == exported  # the xyOps role kept
    assert not (tmp_path / "out" / "labels").exists()  # nothing of OpenCTI's written

    # each system in a folder of its own: both roles kept, and the project plans nothing
    code, output = _export("opencti", env, tmp_path, out="out/opencti")
    assert code == 0, output
    (tmp_path / "out" / "j1sync.yaml").write_text("opencti: {}\nxyops: {}\n", encoding="utf-8")
    done = j1sync_here(["plan", "out", "--detailed-exitcode"], env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_export_of_the_same_system_still_replaces_its_own_files(
    systems: tuple[Any, dict[str, str]], tmp_path: Path
) -> None:
    _, env = systems
    assert _export("xyops", env, tmp_path)[0] == 0
    role = tmp_path / "out" / "roles" / "analyst.yaml"
    role.write_text(role.read_text(encoding="utf-8").replace("Analyst", "Old"), "utf-8")
    code, output = _export("xyops", env, tmp_path)
    assert code == 0, output
    assert "title: Analyst" in role.read_text(encoding="utf-8")
