"""`region:` took any lower-case text: `region: mars` validated, and the run then failed
"host name 'graphql.mars.jupiterone.io' does not resolve". JupiterOne serves `us` and `eu`
(as the docs and --help say): another region is refused at its line in j1sync.yaml, with
the one meant when it is near, and so is JUPITERONE_REGION (one rule: settings.check_region)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION

WHERE = "(JUPITERONE_REGION, --region or `region:` in j1sync.yaml)"


def project(tmp_path: Path, settings: str = "") -> Path:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text("paths: [manifests]\n" + settings)
    return tmp_path


@pytest.mark.parametrize("command", [["validate"], ["plan", "--emulator"]])
@pytest.mark.parametrize(
    ("region", "hint"),
    [("mars", ""), ("europe", "; did you mean 'eu'?"), ("usa", "; did you mean 'us'?")],
)
def test_an_unknown_region_is_refused_at_its_line(
    tmp_path: Path, command: list[str], region: str, hint: str
) -> None:
    done = j1sync_here(command, {}, project(tmp_path, f"region: {region}\n"))
    assert done.returncode == 1, done.stdout
    problem = (
        f"j1sync.yaml:2:9: j1sync.yaml: region: Invalid JupiterOne region {region!r} {WHERE}: "
        f"expected us or eu{hint}"
    )
    assert problem in done.stderr.splitlines(), done.stderr


def test_jupiterone_region_from_the_environment_is_refused_alike(tmp_path: Path) -> None:
    done = j1sync_here(["plan", "--emulator"], {"JUPITERONE_REGION": "mars"}, project(tmp_path))
    assert done.returncode == 1, done.stdout
    assert done.stderr.splitlines() == [
        f"Error: Invalid JupiterOne region 'mars' {WHERE}: expected us or eu"
    ]


@pytest.mark.parametrize("region", ["us", "eu"])
def test_the_regions_jupiterone_serves_pass(tmp_path: Path, region: str) -> None:
    done = j1sync_here(
        ["plan", "--emulator"], {"JUPITERONE_REGION": region}, project(tmp_path, "region: eu\n")
    )
    assert done.returncode in (0, 2, 3), done.stderr  # 3: the demo account's rules
