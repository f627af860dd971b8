"""Two manifests whose names OpenCTI takes for one object (a Label `phishing` and
`Phishing`, a Role `Analysts` and `analysts`: it folds case and outer spaces) passed
validate ("2 manifests valid") while plan refused them: the check ran only against the
platform. It needs none, so validate says it now, at the same line and in the same words
as plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

TWO = {
    "Label": ("phishing", "Phishing", "spec: {}\n"),
    "Role": ("Analysts", "analysts", "spec: {capabilities: [KNOWLEDGE]}\n"),
}


@pytest.mark.parametrize("kind", sorted(TWO))
def test_validate_says_what_plan_says(tmp_path: Path, kind: str) -> None:
    first, second, spec = TWO[kind]

    def document(name: str) -> str:
        return f"apiVersion: opencti.j1sync/v1\nkind: {kind}\nmetadata:\n  name: {name}\n{spec}"

    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "two.yaml").write_text(document(first) + "---\n" + document(second))
    expected = (
        f"m/two.yaml:10:9: opencti.{kind}/{second}: metadata.name: OpenCTI "
        f"takes '{second}' and '{first}' (m/two.yaml:4:9) for one {kind}"
    )
    said = []
    for command in (["validate", "m"], ["plan", "m", "--emulator"]):
        done = j1sync_here(command, {}, tmp_path)
        assert done.returncode == 1, done.stdout + done.stderr
        found = [line for line in done.stderr.splitlines() if line.startswith(expected)]
        assert len(found) == 1, done.stderr
        said.append(found[0])
    assert said[0] == said[1]


def test_names_opencti_tells_apart_are_fine(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    labels = "".join(
        f"---\napiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: {name}\n"
        for name in ("phishing", "phishing-kit")
    )
    (tmp_path / "m" / "labels.yaml").write_text(labels)
    done = j1sync_here(["validate", "m"], {}, tmp_path)
    assert done.returncode == 0, done.stderr
